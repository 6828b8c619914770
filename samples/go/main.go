// SPDX-License-Identifier: GPL-2.0

// execns-join-go enters a running container from a Go program: it joins the
// user and mount namespaces of process PID with execns2(2) and executes
// PROGRAM there, with the standard streams and nothing else.
//
//	execns-join-go PID PROGRAM [ARG...]
//
// A Go program is multithreaded from its first instruction (the runtime
// starts its own threads), so setns(2) refuses it a user namespace (EINVAL:
// "tasks that share a thread group must share a user namespace") and a mount
// namespace while the fs_struct is shared; runc works around that with a C
// constructor (libcontainer/nsenter) that runs before the Go runtime starts.
// execns2 joins at exec time, when the exec has made the process
// single-threaded, so the Go runtime needs no such hack. Before the call the
// program tries setns(2) on the same pidfd and prints its errno to stderr
// ("setns: invalid argument"), to show the difference.
//
// Standard library only (package syscall), built static (CGO_ENABLED=0).
// The system call number is read from /sys/kernel/execns/execns2_nr, as the
// C header and the Rust crate do. Exit status: 125 when execns2 or the
// set-up fails (message on stderr), else PROGRAM's.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

const (
	sysPidfdOpen = 434 // the same number on every architecture
	sysSetns     = 308 // x86_64; see setnsNr()

	cloneNewns   = 0x00020000
	cloneNewuser = 0x10000000

	argsSizeVer1 = 96
)

// execnsFd is struct execns_fd.
type execnsFd struct {
	source uint32
	target uint32
}

// execnsArgs is struct execns_args, EXECNS_ARGS_SIZE_VER1 (96 bytes).
type execnsArgs struct {
	flags       uint64
	pathname    uint64
	argv        uint64
	envp        uint64
	fds         uint64
	nrFds       uint32
	dirfd       int32
	atFlags     uint32
	pad         uint32
	joinFd      int32
	joinFlags   uint32
	uidMap      uint64
	gidMap      uint64
	uidMapSize  uint32
	gidMapSize  uint32
	usernsFlags uint64
}

// keep holds what the kernel reads through the struct's integer fields, so
// that it is on the heap (Go does not move heap objects) and stays alive.
var keep []interface{}

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "execns-join-go: "+format+"\n", a...)
	os.Exit(125)
}

// execns2Nr reads the number the running kernel gave execns2.
func execns2Nr() uintptr {
	b, err := os.ReadFile("/sys/kernel/execns/execns2_nr")
	if err != nil {
		fail("the running kernel does not provide execns2(2): %v", err)
	}
	nr, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		fail("bad /sys/kernel/execns/execns2_nr: %v", err)
	}
	return uintptr(nr)
}

// setnsNr is setns's number: 308 on x86_64, 268 in the generic table.
func setnsNr() uintptr {
	if runtime.GOARCH == "arm64" {
		return 268
	}
	return sysSetns
}

// cstrings is a NULL-terminated array of pointers to NUL-terminated copies
// of ss; the strings stay reachable through the returned slice.
func cstrings(ss []string) []*byte {
	out := make([]*byte, 0, len(ss)+1)
	for _, s := range ss {
		p, err := syscall.BytePtrFromString(s)
		if err != nil {
			fail("%q: %v", s, err)
		}
		out = append(out, p)
	}
	return append(out, nil)
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: execns-join-go PID PROGRAM [ARG...]")
		os.Exit(1)
	}
	pid, err := strconv.Atoi(os.Args[1])
	if err != nil || pid <= 0 {
		fail("bad PID %q", os.Args[1])
	}
	nr := execns2Nr()

	pidfd, _, errno := syscall.RawSyscall(sysPidfdOpen, uintptr(pid), 0, 0)
	if errno != 0 {
		fail("pidfd_open(%d): %v", pid, errno)
	}

	// What setns(2) says to this (multithreaded) process.
	_, _, errno = syscall.RawSyscall(setnsNr(), pidfd, cloneNewuser|cloneNewns, 0)
	if errno == 0 {
		fail("setns(user|mnt) worked from a multithreaded Go program: unexpected")
	}
	fmt.Fprintf(os.Stderr, "setns: %v\n", errno)

	path, err := syscall.BytePtrFromString(os.Args[2])
	if err != nil {
		fail("%q: %v", os.Args[2], err)
	}
	argv := cstrings(os.Args[2:])
	envp := cstrings(os.Environ())
	fds := []execnsFd{{0, 0}, {1, 1}, {2, 2}}
	keep = append(keep, path, argv, envp, fds)
	args := &execnsArgs{
		pathname:  uint64(uintptr(unsafe.Pointer(path))),
		argv:      uint64(uintptr(unsafe.Pointer(&argv[0]))),
		envp:      uint64(uintptr(unsafe.Pointer(&envp[0]))),
		fds:       uint64(uintptr(unsafe.Pointer(&fds[0]))),
		nrFds:     uint32(len(fds)),
		dirfd:     -100, // AT_FDCWD
		joinFd:    int32(pidfd),
		joinFlags: cloneNewuser | cloneNewns,
	}
	keep = append(keep, args)
	if unsafe.Sizeof(*args) != argsSizeVer1 {
		fail("struct execns_args is %d bytes, not %d", unsafe.Sizeof(*args), argsSizeVer1)
	}
	_, _, errno = syscall.Syscall(nr, uintptr(unsafe.Pointer(args)), argsSizeVer1, 0)
	// Only on failure; nothing changed then.
	runtime.KeepAlive(keep)
	fail("execns2: %v", errno)
}
