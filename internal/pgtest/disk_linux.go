package pgtest

import (
	"path/filepath"
	"syscall"
	"testing"
)

// mountSmallDisk mounts a tmpfs with opts at dir until the test ends.
func mountSmallDisk(tb testing.TB, dir, opts string) *SmallDisk {
	tb.Helper()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, opts); err != nil {
		tb.Fatalf("mount a small filesystem at %s: %v", dir, err)
	}
	tb.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			tb.Errorf("unmount %s: %v", dir, err)
		}
	})
	return &SmallDisk{dir: dir, filler: filepath.Join(dir, "filler")}
}
