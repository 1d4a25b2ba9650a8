package pgtest

import "syscall"

// asUser runs a server program as the user that owns the cluster
// (PostgreSQL refuses to run as root).
func asUser(uid, gid int) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
}
