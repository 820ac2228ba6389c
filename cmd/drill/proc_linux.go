package main

import "syscall"

// sysProcAttr makes the kernel kill the server if the drill dies, so that
// an interrupted drill leaves no server behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
