package termtext

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var benchNames = []struct{ name, s string }{
	{"ascii", "alice_the_moderator_1987"},
	{"mixed", "山田太郎 👍🏽 José 🇯🇵 김민준 ❤\ufe0f"}, // two things to drop
	{"mixed-clean", "山田太郎 👍 José 🇯🇵 김민준"},    // nothing to change
}

var sink string

func BenchmarkFit(b *testing.B) {
	for _, bn := range benchNames {
		b.Run(bn.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = Fit(bn.s, 16)
			}
		})
	}
}

// BenchmarkBaselineAnsiTruncate is the cost of cutting the same names with
// ansi.Truncate, which does no sanitising and no padding.
func BenchmarkBaselineAnsiTruncate(b *testing.B) {
	for _, bn := range benchNames {
		b.Run(bn.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = ansi.Truncate(bn.s, 16, "…")
			}
		})
	}
}

func BenchmarkInert(b *testing.B) {
	for _, bn := range append(benchNames, struct{ name, s string }{"hostile", "\x1b]0;pwn\x07\u202eadmin\u200b\u0301\u0302\u0303 क्षि"}) {
		b.Run(bn.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = Inert(bn.s)
			}
		})
	}
}
