//! The raw system call, without the builder: no `unsafe fn` here, and the
//! crate's only `unsafe` block.

use std::ffi::{CStr, CString};
use std::io;
use std::ptr;

use libc::{c_char, c_int, c_long};

/// The `execns` system call number (x86_64).
#[cfg(target_arch = "x86_64")]
pub const SYS_EXECNS: c_long = 463;

#[cfg(not(target_arch = "x86_64"))]
compile_error!("execns: the system call number is only known for x86_64");

/// Which number to call. Private: a safe function must not be able to make an
/// arbitrary system call.
#[derive(Clone, Copy)]
enum Nr {
    Execns,
    /// A number no kernel assigns (for testing the `ENOSYS` path for real).
    #[cfg(test)]
    Unassigned,
}

impl Nr {
    fn get(self) -> c_long {
        match self {
            Nr::Execns => SYS_EXECNS,
            #[cfg(test)]
            Nr::Unassigned => 999,
        }
    }
}

/// `execns(flags, path, argv, envp)` with raw flags and without any error
/// mapping: returns only on failure, with `io::Error::from_raw_os_error(errno)`.
///
/// The kernel rejects flags other than the `CLONE_*` namespace flags with
/// `EINVAL`; this function passes `flags` unchanged so that can be observed.
/// On a kernel that gives number 463 to another system call this returns that
/// call's error (see the crate documentation); [`crate::map_errno`] turns it
/// into the "kernel lacks execns" error.
pub fn execns(flags: c_int, path: &CStr, argv: &[CString], envp: &[CString]) -> io::Error {
    raw(Nr::Execns, flags, path, argv, envp)
}

#[cfg(test)]
pub(crate) fn execns_unassigned_for_test(
    flags: c_int,
    path: &CStr,
    argv: &[CString],
    envp: &[CString],
) -> io::Error {
    raw(Nr::Unassigned, flags, path, argv, envp)
}

/// NULL-terminated array of pointers into `strings`, valid while `strings` is.
fn pointers(strings: &[CString]) -> Vec<*const c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(ptr::null()))
        .collect()
}

fn raw(nr: Nr, flags: c_int, path: &CStr, argv: &[CString], envp: &[CString]) -> io::Error {
    let argv_ptrs = pointers(argv);
    let envp_ptrs = pointers(envp);
    // SAFETY:
    // - The system call: `nr` is `execns` (or, in tests, a number no kernel
    //   assigns, which fails with ENOSYS without reading anything). `execns`
    //   reads `path`, a NUL-terminated string borrowed for the whole call, and
    //   `argv_ptrs`/`envp_ptrs`, NULL-terminated arrays of pointers to
    //   NUL-terminated strings owned by `argv`/`envp`, all alive until after
    //   the call (the slices are borrowed, the Vecs are locals). It writes
    //   nothing into this process's memory: on success the address space is
    //   replaced and the call does not return; on failure it returns -1 with
    //   errno set. The fifth and sixth arguments are 0 so that on a kernel
    //   where 463 is `setxattrat` (Linux 6.13+) the call fails with EINVAL
    //   (usize 0) without effect.
    // - Like `std::process::Command::exec`, the new program starts with an
    //   empty signal mask and SIGPIPE at its default action (Rust's runtime
    //   ignores SIGPIPE, and ignored signals stay ignored across exec). The
    //   sigset_t values are plain data initialised by sigemptyset /
    //   pthread_sigmask before use; the old mask and SIGPIPE disposition are
    //   restored when the call fails, so a failed call changes nothing.
    let err = unsafe {
        let mut empty: libc::sigset_t = std::mem::zeroed();
        let mut old_mask: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        let masked = libc::pthread_sigmask(libc::SIG_SETMASK, &empty, &mut old_mask) == 0;
        let old_pipe = libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        let ret = libc::syscall(
            nr.get(),
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
