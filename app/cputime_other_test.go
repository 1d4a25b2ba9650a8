//go:build !unix

package app_test

import "time"

// cpuTime: the benchmarks that report processor time run on Unix.
func cpuTime() time.Duration { return 0 }
