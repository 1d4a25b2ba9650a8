//go:build windows

package main

import (
	"errors"
	"path/filepath"
	"syscall"

	"c2desk/app"
)

// errorSharingViolation is ERROR_SHARING_VIOLATION: another process has
// the file open.
const errorSharingViolation syscall.Errno = 32

// lockDataDir makes this process the only C2Desk working with dir, until
// release or exit: the lock file is opened without sharing, and Windows
// closes it when the process ends, even after a crash.
func lockDataDir(dir string) (release func(), err error) {
	name, err := syscall.UTF16PtrFromString(filepath.Join(dir, lockFileName))
	if err != nil {
		return nil, err
	}
	h, err := syscall.CreateFile(name, syscall.GENERIC_READ|syscall.GENERIC_WRITE, 0, nil,
		syscall.OPEN_ALWAYS, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		if errors.Is(err, errorSharingViolation) {
			return nil, app.ErrAlreadyRunning
		}
		return nil, err
	}
	return func() { syscall.CloseHandle(h) }, nil
}
