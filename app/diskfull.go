package app

import (
	"errors"
	"fmt"
	"syscall"

	"c2desk/storage"
)

// Windows' own codes for a full disk: ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL.
const (
	errorDiskFull       = syscall.Errno(112)
	errorHandleDiskFull = syscall.Errno(39)
)

// DiskFull makes a write that failed for want of space say so, as the
// database's own full disk does; other errors pass as they are.
func DiskFull(err error) error {
	var errno syscall.Errno
	if errors.Is(err, syscall.ENOSPC) || (errors.As(err, &errno) && (errno == errorDiskFull || errno == errorHandleDiskFull)) {
		return fmt.Errorf("%w: %v", storage.ErrDiskFull, err)
	}
	return err
}
