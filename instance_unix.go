//go:build !windows

package main

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"

	"c2desk/app"
)

// lockDataDir makes this process the only C2Desk working with dir, until
// release or exit: the lock goes with the process, even after a kill.
func lockDataDir(dir string) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, app.ErrAlreadyRunning
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
