//go:build !linux

package pgtest

import "testing"

// mountSmallDisk: a filesystem of its own is mounted on Linux only (the
// tests that fill a disk run there, in CI).
func mountSmallDisk(tb testing.TB, dir, opts string) *SmallDisk {
	tb.Helper()
	tb.Fatal("a small filesystem of its own is mounted on Linux only")
	return nil
}
