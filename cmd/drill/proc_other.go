//go:build !linux

package main

import "syscall"

// sysProcAttr: only Linux can tie the server's life to the drill's.
func sysProcAttr() *syscall.SysProcAttr { return nil }
