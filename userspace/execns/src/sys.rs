//! The raw system call, without the builder: no `unsafe fn` here, and the
//! crate's only `unsafe` block; and where its number comes from.
//!
//! `execns` has no system call number reserved upstream (from Linux 6.13 on,
//! 463 is `setxattrat`), so the number is never a constant: the kernel that
//! runs the program publishes it in sysfs, and [`syscall_nr`] reads it there
//! (once per process). A kernel without that file does not provide `execns`.

use std::ffi::{CStr, CString};
use std::io::{self, Read};
use std::ptr;
use std::sync::OnceLock;

use libc::{c_char, c_int, c_long};

use crate::{lacks_execns_error, Missing};

/// The file that holds the native system call number of `execns`, in decimal
/// followed by a newline (`"463\n"` on x86_64 and the generic syscall table).
pub const NR_PATH: &str = "/sys/kernel/execns/nr";

/// On a 64-bit x86 kernel that runs 32-bit programs: the number for i386
/// programs. A 32-bit x86 program reads this file when it exists, else
/// [`NR_PATH`] (a 32-bit kernel).
pub const COMPAT_NR_PATH: &str = "/sys/kernel/execns/compat_nr";

/// `__X32_SYSCALL_BIT`: set in the numbers of system calls made by x32
/// programs.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
const X32_SYSCALL_BIT: c_long = 0x4000_0000;

/// Parse the contents of [`NR_PATH`]: decimal digits, optionally followed by
/// one newline, at most `i32::MAX`, in fewer than 32 bytes (as the C header
/// does). `None` for anything else (empty, signs, spaces, other characters,
/// overflow).
pub(crate) fn parse_nr(contents: &[u8]) -> Option<c_long> {
    if contents.len() >= 32 {
        return None;
    }
    let digits = contents.strip_suffix(b"\n").unwrap_or(contents);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let nr: i32 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(c_long::from(nr))
}

/// The number in the file at `path`, or why there is none. A missing file is
/// [`Missing::NoNumber`]; an unreadable one [`Missing::Unreadable`]; any
/// content but a number [`Missing::Invalid`].
pub(crate) fn read_nr(path: &'static str) -> Result<c_long, Missing> {
    let unreadable = |e: io::Error| match e.raw_os_error() {
        Some(libc::ENOENT) | Some(libc::ENOTDIR) => Missing::NoNumber { path },
        errno => Missing::Unreadable {
            path,
            errno: errno.unwrap_or(libc::EIO),
        },
    };
    // A sysfs attribute is a page at most; a number is a few bytes.
    let mut contents = Vec::with_capacity(32);
    std::fs::File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut contents))
        .map_err(unreadable)?;
    parse_nr(&contents).ok_or_else(|| Missing::Invalid {
        path,
        contents: String::from_utf8_lossy(&contents).into_owned(),
    })
}

/// Read the number this program must use: a 32-bit x86 program uses
/// [`COMPAT_NR_PATH`] when it exists (a 64-bit kernel), else [`NR_PATH`].
#[cfg(target_arch = "x86")]
fn find_nr() -> Result<c_long, Missing> {
    match read_nr(COMPAT_NR_PATH) {
        Err(Missing::NoNumber { .. }) => read_nr(NR_PATH),
        other => other,
    }
}

/// Read the number this program must use: an x32 program uses [`NR_PATH`]
/// with `__X32_SYSCALL_BIT`.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
fn find_nr() -> Result<c_long, Missing> {
    read_nr(NR_PATH).map(|nr| nr | X32_SYSCALL_BIT)
}

/// Read the number this program must use: [`NR_PATH`].
#[cfg(not(any(
    target_arch = "x86",
    all(target_arch = "x86_64", target_pointer_width = "32")
)))]
fn find_nr() -> Result<c_long, Missing> {
    read_nr(NR_PATH)
}

fn cached_nr() -> &'static Result<c_long, Missing> {
    static NR: OnceLock<Result<c_long, Missing>> = OnceLock::new();
    NR.get_or_init(find_nr)
}

/// The system call number of `execns` on the running kernel.
///
/// Read from [`NR_PATH`] the first time it is needed and kept for the life of
/// the process ([`COMPAT_NR_PATH`] first for 32-bit x86 programs; with
/// `__X32_SYSCALL_BIT` for x32 programs). When the file does not exist (the
/// kernel does not provide `execns`, or sysfs is not mounted on `/sys`),
/// cannot be read or does not hold a number, the error is the "kernel lacks
/// execns" error (`ENOSYS`, see the crate documentation): no number is ever
/// guessed.
///
/// ```
/// match execns::syscall_nr() {
///     Ok(nr) => println!("execns is system call {nr} here"),
///     Err(e) => {
///         assert!(execns::kernel_lacks_execns(&e));
///         println!("{e}"); // the running kernel does not provide execns(2) (...)
///     }
/// }
/// ```
pub fn syscall_nr() -> io::Result<c_long> {
    cached_nr().clone().map_err(lacks_execns_error)
}

/// `execns(flags, path, argv, envp)` with raw flags and without the error
/// mapping of [`crate::Execns::exec`]: returns only on failure, with
/// `io::Error::from_raw_os_error(errno)` when the system call failed.
///
/// When the running kernel does not publish the number of `execns` (see
/// [`syscall_nr`]) no system call is made and the error is
/// [`syscall_nr`]'s "kernel lacks execns" error.
///
/// The kernel rejects flags other than the `CLONE_*` namespace flags with
/// `EINVAL`; this function passes `flags` unchanged so that can be observed.
///
/// The new program starts with an empty signal mask and `SIGPIPE` at its
/// default action (see [`crate::Execns::reset_signals`]); [`execns_keep_signals`]
/// leaves both alone.
pub fn execns(flags: c_int, path: &CStr, argv: &[CString], envp: &[CString]) -> io::Error {
    call(kernel_nr(), flags, path, argv, envp, true)
}

/// [`execns`] without touching the signal state: the new program starts with
/// the calling thread's signal mask and the process's signal dispositions as
/// they are (signals with a handler revert to their default action, as with
/// `execve(2)`).
pub fn execns_keep_signals(
    flags: c_int,
    path: &CStr,
    argv: &[CString],
    envp: &[CString],
) -> io::Error {
    call(kernel_nr(), flags, path, argv, envp, false)
}

/// A system call number that is `execns` on the running kernel (or, in tests,
/// one no kernel assigns). Its field is private: a safe function must not be
/// able to make an arbitrary system call.
#[derive(Clone, Copy)]
pub(crate) struct Nr(c_long);

/// The number of `execns` on the running kernel, or why there is none.
pub(crate) fn kernel_nr() -> Result<Nr, &'static Missing> {
    cached_nr().as_ref().map(|nr| Nr(*nr))
}

#[cfg(test)]
pub(crate) fn execns_unassigned_for_test(
    flags: c_int,
    path: &CStr,
    argv: &[CString],
    envp: &[CString],
) -> io::Error {
    call(Ok(Nr(999)), flags, path, argv, envp, true)
}

/// NULL-terminated array of pointers into `strings`, valid while `strings` is.
fn pointers(strings: &[CString]) -> Vec<*const c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(ptr::null()))
        .collect()
}

/// `execns(flags, path, argv, envp)` with `nr` (see [`execns`] and, for
/// `reset_signals`, [`execns_keep_signals`]); without a number, no system
/// call and [`syscall_nr`]'s "kernel lacks execns" error.
pub(crate) fn call(
    nr: Result<Nr, &Missing>,
    flags: c_int,
    path: &CStr,
    argv: &[CString],
    envp: &[CString],
    reset_signals: bool,
) -> io::Error {
    let nr = match nr {
        Ok(nr) => nr,
        Err(missing) => return lacks_execns_error(missing.clone()),
    };
    let argv_ptrs = pointers(argv);
    let envp_ptrs = pointers(envp);
    // SAFETY:
    // - The system call: `nr` is `execns` as the running kernel published it
    //   in sysfs (or, in tests, a number no kernel assigns, which fails with
    //   ENOSYS without reading anything). `execns` reads `path`, a
    //   NUL-terminated string borrowed for the whole call, and
    //   `argv_ptrs`/`envp_ptrs`, NULL-terminated arrays of pointers to
    //   NUL-terminated strings owned by `argv`/`envp`, all alive until after
    //   the call (the slices are borrowed, the Vecs are locals). It writes
    //   nothing into this process's memory: on success the address space is
    //   replaced and the call does not return; on failure it returns -1 with
    //   errno set. The fifth and sixth arguments are unused and passed as 0.
    // - With `reset_signals`, the new program starts with an empty signal
    //   mask and SIGPIPE at its default action (Rust's runtime ignores
    //   SIGPIPE, and ignored signals stay ignored across exec). The sigset_t
    //   values are plain data (all-zero is a valid value) initialised by
    //   sigemptyset / pthread_sigmask before use; the old mask and SIGPIPE
    //   disposition are restored when the call fails, so a failed call
    //   changes nothing. Without `reset_signals` neither is touched.
    let err = unsafe {
        let mut empty: libc::sigset_t = std::mem::zeroed();
        let mut old_mask: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        let masked =
            reset_signals && libc::pthread_sigmask(libc::SIG_SETMASK, &empty, &mut old_mask) == 0;
        let old_pipe = if reset_signals {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL)
        } else {
            libc::SIG_ERR
        };
        let ret = libc::syscall(
            nr.0,
            c_long::from(flags),
            path.as_ptr(),
            argv_ptrs.as_ptr(),
            envp_ptrs.as_ptr(),
            0 as c_long,
            0 as c_long,
        );
        let err = io::Error::last_os_error();
        debug_assert_eq!(ret, -1, "execns returned without failing");
        if old_pipe != libc::SIG_ERR {
            libc::signal(libc::SIGPIPE, old_pipe);
        }
        if masked {
            libc::pthread_sigmask(libc::SIG_SETMASK, &old_mask, ptr::null_mut());
        }
        err
    };
    err
}
