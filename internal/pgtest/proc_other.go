//go:build !linux

package pgtest

import "syscall"

// asUser: the test clusters run on Linux (CI); elsewhere as whoever runs them.
func asUser(uid, gid int) *syscall.SysProcAttr { return nil }
