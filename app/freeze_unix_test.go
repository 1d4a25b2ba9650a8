//go:build unix

package app

import (
	"os"
	"syscall"
	"time"
)

// freeze stops a process for a while, as a PC that hangs, then lets it go on.
func freeze(p *os.Process, d time.Duration) bool {
	if p.Signal(syscall.SIGSTOP) != nil {
		return false
	}
	time.Sleep(d)
	p.Signal(syscall.SIGCONT)
	return true
}
