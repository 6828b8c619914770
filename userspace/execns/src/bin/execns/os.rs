//! The CLI's only unsafe code: the signal state the program inherits, `fork`
//! and `execvp` (main.rs denies `unsafe_code` everywhere else).
//!
//! # The signal state
//!
//! The program must start with the signal mask and dispositions of the
//! caller of `execns`, as after `unshare(1)` (ignored signals stay ignored;
//! handled ones revert to their default action, as `execve(2)` does).
//!
//! * The mask: Rust's runtime leaves it alone, and so does `execns` (the
//!   library call runs with [`execns::Execns::reset_signals`]`(false)`; the
//!   program is executed with `execvp(3)` here, not with
//!   `std::process::Command`). Only the `--fork` parent blocks the signals
//!   it waits for, after the fork.
//! * `SIGPIPE`: [`runtime_init`] sets it to ignored at the start of `main`,
//!   as Rust's runtime does (`std`'s `sys::pal::unix::init`; in the unit
//!   tests, Rust's runtime itself), so by then the inherited disposition is
//!   lost. A function in `.init_array` runs earlier (glibc and musl call the
//!   executable's `.init_array` before `main`) and records it.
//!   Before each exec (execns(2) of the second stage or of the program,
//!   `execvp` of the program) `SIGPIPE` is set back as recorded, so each
//!   stage records what the caller had.
//! * `SIGCHLD`: when the caller ignores it, the kernel reaps children at
//!   once, and the stages could not wait for their helpers or the `--fork`
//!   child. The first stage sets it to the default action before it starts
//!   any, and stage 2 ignores it again just before it executes the program
//!   (`stage2::Opts::sigchld_ignored`).
//! * Handlers: `execns` installs none (it starts without Rust's runtime,
//!   see [`runtime_init`], so not even `std`'s stack-overflow handlers).

#![allow(unsafe_code)]

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::fd::{OwnedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::sync::atomic::{AtomicU8, Ordering};

use libc::c_int;

const UNKNOWN: u8 = 0;
const DEFAULT: u8 = 1;
const IGNORED: u8 = 2;

/// The disposition of `SIGPIPE` when this process was executed.
static SIGPIPE_AT_START: AtomicU8 = AtomicU8::new(UNKNOWN);

extern "C" fn record_sigpipe() {
    // SAFETY: `sigaction` is plain C data for which all-zero is a valid
    // value; with a null new action, sigaction(2) only writes the current
    // disposition into `old`, a local that outlives the call. Nothing else
    // is touched, so this is sound before `main` too.
    let ignored = unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut old) != 0 {
            return;
        }
        old.sa_sigaction == libc::SIG_IGN
    };
    SIGPIPE_AT_START.store(if ignored { IGNORED } else { DEFAULT }, Ordering::Relaxed);
}

/// Run by the C library before `main`, hence before [`runtime_init`] (or,
/// in the unit tests, Rust's runtime) ignores `SIGPIPE`.
#[used]
#[unsafe(link_section = ".init_array")]
static RECORD_SIGPIPE: extern "C" fn() = record_sigpipe;

/// Whether `SIGPIPE` was ignored when this process was executed (`false`
/// when that could not be recorded).
pub fn sigpipe_ignored_at_start() -> bool {
    SIGPIPE_AT_START.load(Ordering::Relaxed) == IGNORED
}

/// Whether the disposition of `SIGPIPE` at startup was recorded (always,
/// where the C library runs `.init_array`).
/// `--join PID`: a pidfd of process `pid` and the namespace types in which it
/// differs from this process (those `setns(2)` would change; joining one's
/// own user namespace is EINVAL). Types the kernel does not have are left
/// out.
pub fn join_target(pid: i32) -> io::Result<(OwnedFd, execns::Namespaces)> {
    use execns::Namespaces;
    use std::os::unix::fs::MetadataExt;
    let pid = rustix::process::Pid::from_raw(pid)
        .ok_or_else(|| io::Error::from_raw_os_error(libc::ESRCH))?;
    let pidfd = rustix::process::pidfd_open(pid, rustix::process::PidfdFlags::empty())?;
    let mut types = Namespaces::empty();
    for (name, flag) in [
        ("user", Namespaces::USER),
        ("mnt", Namespaces::MOUNT),
        ("uts", Namespaces::UTS),
        ("ipc", Namespaces::IPC),
        ("net", Namespaces::NET),
        ("pid", Namespaces::PID),
        ("cgroup", Namespaces::CGROUP),
        ("time", Namespaces::TIME),
    ] {
        let theirs = match std::fs::metadata(format!("/proc/{}/ns/{name}", pid.as_raw_nonzero())) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let ours = std::fs::metadata(format!("/proc/self/ns/{name}"))?;
        if (theirs.dev(), theirs.ino()) != (ours.dev(), ours.ino()) {
            types |= flag;
        }
    }
    Ok((pidfd, types))
}

#[cfg(test)]
pub fn sigpipe_recorded() -> bool {
    SIGPIPE_AT_START.load(Ordering::Relaxed) != UNKNOWN
}

/// What Rust's runtime does before `main` that execns relies on, for the
/// `#![no_main]` entry point in main.rs: fds 0, 1 and 2 open (on `/dev/null`
/// when closed, as `std` does, so that no file execns opens lands on them and
/// a closed stream reaches the program as `/dev/null`) and `SIGPIPE` ignored
/// (a write to a closed pipe returns `EPIPE`). Left out: the main thread's
/// stack-guard lookup, which parses `/proc/self/maps` and whose only effect
/// is the message printed on a stack overflow (without it: a plain
/// `SIGSEGV`).
pub fn runtime_init() {
    for fd in 0..3 {
        if !fd_is_open(fd) {
            // SAFETY: a NUL-terminated literal path. The new fd is owned by
            // nothing on purpose: it stays open as `fd` (the lowest free
            // number, the ones below being open) for the life of the process,
            // as `std`'s does.
            let got = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
            if got != fd {
                // As `std`: no way to run with a standard fd missing.
                std::process::abort();
            }
        }
    }
    let _ = set_ignored(libc::SIGPIPE, true);
}

/// Set `sig` to ignored or to its default action; returns whether it was
/// ignored before.
fn set_ignored(sig: c_int, ignored: bool) -> io::Result<bool> {
    let handler = if ignored {
        libc::SIG_IGN
    } else {
        libc::SIG_DFL
    };
    // SAFETY: SIG_IGN and SIG_DFL install no code in this process; only the
    // disposition of `sig` changes.
    let old = unsafe { libc::signal(sig, handler) };
    if old == libc::SIG_ERR {
        return Err(io::Error::last_os_error());
    }
    Ok(old == libc::SIG_IGN)
}

/// Whether `sig` is ignored now.
pub fn is_ignored(sig: c_int) -> bool {
    // SAFETY: as in `record_sigpipe`: a query into a zeroed local.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Set `sig` to ignored or to its default action (not for signals with a
/// handler of this process: there is none).
pub fn set_disposition(sig: c_int, ignored: bool) -> io::Result<()> {
    set_ignored(sig, ignored).map(|_| ())
}

/// `SIGPIPE` as this process inherited it, until dropped (see
/// [`sigpipe_as_inherited`]).
#[must_use]
pub struct SigpipeAsInherited {
    was_ignored: Option<bool>,
}

impl Drop for SigpipeAsInherited {
    fn drop(&mut self) {
        if let Some(ignored) = self.was_ignored {
            let _ = set_ignored(libc::SIGPIPE, ignored);
        }
    }
}

/// Put `SIGPIPE` back as this process inherited it, for an exec; the old
/// disposition (ignored, as Rust's runtime set it) returns when the guard
/// is dropped, after a failed exec.
pub fn sigpipe_as_inherited() -> SigpipeAsInherited {
    SigpipeAsInherited {
        was_ignored: set_ignored(libc::SIGPIPE, sigpipe_ignored_at_start()).ok(),
    }
}

/// A signal set.
#[derive(Clone, Copy)]
pub struct SigSet(libc::sigset_t);

impl SigSet {
    /// The empty set.
    pub fn empty() -> SigSet {
        // SAFETY: all-zero is a valid sigset_t (plain C data), which
        // sigemptyset then initialises; both only touch the local.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            SigSet(set)
        }
    }

    /// Add `sig` (a valid signal number).
    pub fn add(&mut self, sig: c_int) {
        // SAFETY: `self.0` is an initialised sigset_t owned by `self`.
        unsafe { libc::sigaddset(&mut self.0, sig) };
    }

    /// Whether `sig` is in the set.
    pub fn contains(&self, sig: c_int) -> bool {
        // SAFETY: reads the initialised set.
        unsafe { libc::sigismember(&self.0, sig) == 1 }
    }
}

fn sigmask(how: c_int, set: Option<&SigSet>) -> io::Result<SigSet> {
    let mut old = SigSet::empty();
    let new = set.map_or(std::ptr::null(), |s| &s.0 as *const libc::sigset_t);
    // SAFETY: `new` is null or points to an initialised set borrowed for
    // the call; `old.0` is a local the call writes.
    let e = unsafe { libc::pthread_sigmask(how, new, &mut old.0) };
    if e != 0 {
        return Err(io::Error::from_raw_os_error(e));
    }
    Ok(old)
}

/// The calling thread's signal mask.
pub fn current_mask() -> io::Result<SigSet> {
    sigmask(libc::SIG_BLOCK, None)
}

/// Block `set` as well; returns the previous mask.
pub fn block(set: &SigSet) -> io::Result<SigSet> {
    sigmask(libc::SIG_BLOCK, Some(set))
}

/// Make `set` the signal mask.
pub fn set_mask(set: &SigSet) -> io::Result<()> {
    sigmask(libc::SIG_SETMASK, Some(set)).map(|_| ())
}

/// Wait for a signal of `set` (which must be blocked). Returns it and
/// whether a process sent it (`kill(2)`, `sigqueue(3)`, `tgkill(2)`) rather
/// than the kernel (a terminal's `^C`, a child's `SIGCHLD`...).
pub fn wait_signal(set: &SigSet) -> io::Result<(c_int, bool)> {
    // SAFETY: all-zero is a valid siginfo_t; sigwaitinfo reads the
    // initialised set and writes `info`, both locals borrowed for the call.
    let (sig, info) = unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let sig = libc::sigwaitinfo(&set.0, &mut info);
        (sig, info)
    };
    if sig < 0 {
        return Err(io::Error::last_os_error());
    }
    let from_process = matches!(
        info.si_code,
        libc::SI_USER | libc::SI_QUEUE | libc::SI_TKILL
    );
    Ok((sig, from_process))
}

/// `kill(pid, sig)`.
pub fn send_signal(pid: i32, sig: c_int) -> io::Result<()> {
    // SAFETY: kill(2) takes no pointers.
    if unsafe { libc::kill(pid, sig) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// End this process the way its child ended, killed by `sig` (as a shell
/// would see it), without a core dump of its own. Returns the status to exit
/// with if the signal did not end it.
pub fn die_of(sig: c_int) -> u8 {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let core = getrlimit(Resource::Core);
    let _ = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: core.maximum,
        },
    );
    let _ = set_ignored(sig, false);
    let mut set = SigSet::empty();
    set.add(sig);
    let _ = sigmask(libc::SIG_UNBLOCK, Some(&set));
    // SAFETY: raise(3) takes no pointers; the disposition is the default
    // action, so no handler code runs.
    unsafe { libc::raise(sig) };
    128u8.saturating_add(u8::try_from(sig).unwrap_or(127))
}

/// What [`fork`] returned in this process.
pub enum Forked {
    /// This is the child.
    Child,
    /// This is the parent; the child's pid.
    Parent(i32),
}

/// `fork(2)`. Only for a process with one thread: stage 2, which starts
/// none (so the child may allocate and use the standard library freely).
pub fn fork() -> io::Result<Forked> {
    // SAFETY: stage 2 runs in a single thread, so no lock (malloc's, std's)
    // can be held by another thread at the fork: the child is a complete
    // copy of a consistent process and may run any code.
    match unsafe { libc::fork() } {
        -1 => Err(io::Error::last_os_error()),
        0 => Ok(Forked::Child),
        pid => Ok(Forked::Parent(pid)),
    }
}

/// `execvp(3)` `path` (which contains a `/`: no `PATH` search, but a file
/// without a `#!` line runs with `/bin/sh`, as from a shell) with `argv` and
/// this process's environment, leaving the signal state alone (unlike
/// `std::process::Command`, which resets `SIGPIPE`). Returns on failure.
pub fn execvp(path: &OsStr, argv: &[OsString]) -> io::Error {
    let nul = || io::Error::new(io::ErrorKind::InvalidInput, "argument contains a NUL byte");
    let Ok(path) = CString::new(path.as_bytes()) else {
        return nul();
    };
    let argv: Vec<CString> = match argv
        .iter()
        .map(|a| CString::new(a.as_bytes()))
        .collect::<Result<_, _>>()
    {
        Ok(a) => a,
        Err(_) => return nul(),
    };
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    // SAFETY: `path` and the strings `ptrs` points to are NUL-terminated
    // and alive until after the call; `ptrs` is NULL-terminated. execvp
    // returns only on failure, with errno set.
    unsafe { libc::execvp(path.as_ptr(), ptrs.as_ptr()) };
    io::Error::last_os_error()
}

/// The command line of `main(argc, argv)`.
///
/// # Safety
///
/// `argv[0..argc]` must be valid NUL-terminated strings, as the C library
/// passes them to `main`, that outlive the call.
#[cfg(not(test))]
pub unsafe fn main_args(argc: c_int, argv: *const *const libc::c_char) -> Vec<OsString> {
    let n = usize::try_from(argc).unwrap_or(0);
    (0..n)
        .map(|i| {
            // SAFETY: `i < argc`, and `argv[i]` is a valid C string (safety
            // requirements); the bytes are copied before returning.
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            OsStr::from_bytes(arg.to_bytes()).to_os_string()
        })
        .collect()
}

/// Whether `fd` is an open file descriptor of this process.
pub fn fd_is_open(fd: RawFd) -> bool {
    // SAFETY: F_GETFD queries the fd table only; no memory is accessed.
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

/// Set close-on-exec on `fd`, an fd this process owns (stage 2: the
/// program's file given by `--exec-fd`, which must not stay open in it).
pub fn set_cloexec(fd: RawFd) -> io::Result<()> {
    // SAFETY: F_SETFD changes a flag of the fd-table entry; no memory is
    // accessed.
    if unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) } == -1 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `fexecve(3)` the file open at `fd` (`execveat(fd, "", AT_EMPTY_PATH)`)
/// with `argv` and this process's environment, leaving the signal state
/// alone. Returns on failure.
pub fn fexecve(fd: RawFd, argv: &[OsString]) -> io::Error {
    let nul = || io::Error::new(io::ErrorKind::InvalidInput, "argument contains a NUL byte");
    let env = std::env::vars_os().map(|(k, v)| {
        let mut kv = k.into_vec();
        kv.push(b'=');
        kv.extend_from_slice(v.as_bytes());
        kv
    });
    let (Ok(argv), Ok(envp)) = (
        argv.iter()
            .map(|a| CString::new(a.as_bytes()))
            .collect::<Result<Vec<_>, _>>(),
        env.map(CString::new).collect::<Result<Vec<_>, _>>(),
    ) else {
        return nul();
    };
    let ptrs = |v: &[CString]| -> Vec<*const libc::c_char> {
        v.iter()
            .map(|a| a.as_ptr())
            .chain(std::iter::once(std::ptr::null()))
            .collect()
    };
    let (argv_ptrs, envp_ptrs) = (ptrs(&argv), ptrs(&envp));
    // SAFETY: the strings `argv_ptrs` and `envp_ptrs` point to are
    // NUL-terminated and alive until after the call, and both arrays are
    // NULL-terminated. fexecve returns only on failure, with errno set.
    unsafe { libc::fexecve(fd, argv_ptrs.as_ptr(), envp_ptrs.as_ptr()) };
    io::Error::last_os_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigpipe_was_recorded_before_main() {
        // The test harness is a Rust program too: the constructor ran before
        // its runtime ignored SIGPIPE.
        assert!(sigpipe_recorded());
        // Rust's runtime ignores it now, whatever it was.
        assert!(is_ignored(libc::SIGPIPE));
    }

    #[test]
    fn sigsets() {
        let mut s = SigSet::empty();
        assert!(!s.contains(libc::SIGUSR1));
        s.add(libc::SIGUSR1);
        assert!(s.contains(libc::SIGUSR1));
        assert!(!s.contains(libc::SIGUSR2));
        assert!(current_mask().is_ok());
    }

    #[test]
    fn execvp_rejects_nul_bytes() {
        let e = execvp(OsStr::new("/bin/tr\0ue"), &[OsString::from("x")]);
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let e = execvp(OsStr::new("/nonexistent/x"), &[OsString::from("x")]);
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    }
}
