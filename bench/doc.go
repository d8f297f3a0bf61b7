// Package bench measures steward against raw baselines in the same run —
// bbolt puts of the same rows, a raw index walk, raw fuzzy.Find, a raw
// bubbles table — and prints the ratios. Run it with
//
//	go test -run=^$ -bench=. -benchtime=1x ./bench/
//
// at small scale (what CI does), or with STEWARD_BENCH=full for the
// 100,000-member numbers of the README.
package bench
