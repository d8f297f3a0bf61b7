package model

import (
	"strconv"
	"strings"
	"time"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// FormatDuration writes a duration the way the programme file and the
// console spell it: "30s", "2m", "36h", "7d".
func FormatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d%(24*time.Hour) == 0:
		return itoa(int64(d/(24*time.Hour))) + "d"
	case d%time.Hour == 0:
		return itoa(int64(d/time.Hour)) + "h"
	case d%time.Minute == 0:
		return itoa(int64(d/time.Minute)) + "m"
	default:
		return d.String()
	}
}

// ParseDuration reads "7d", "36h", "90m", "30s" or Go's own forms like
// "1h30m". Days are 24 hours; negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseInt(n, 10, 32)
		if err != nil || days < 0 || days > 36500 {
			return 0, &durationError{s}
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, &durationError{s}
	}
	return d, nil
}

type durationError struct{ s string }

func (e *durationError) Error() string {
	return strconv.Quote(e.s) + " is not a duration (want e.g. 30s, 15m, 36h, 7d)"
}

// FormatWait writes how long something waited, to two units at most:
// "45s", "12m", "5h20m", "9d12h".
func FormatWait(d time.Duration) string {
	switch {
	case d < time.Minute:
		return itoa(int64(d/time.Second)) + "s"
	case d < time.Hour:
		return itoa(int64(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		h, m := d/time.Hour, d%time.Hour/time.Minute
		if m == 0 {
			return itoa(int64(h)) + "h"
		}
		return itoa(int64(h)) + "h" + itoa(int64(m)) + "m"
	}
	d = d.Round(time.Hour)
	days, h := d/(24*time.Hour), d%(24*time.Hour)/time.Hour
	if h == 0 {
		return itoa(int64(days)) + "d"
	}
	return itoa(int64(days)) + "d" + itoa(int64(h)) + "h"
}
