//! The raw system calls (`execns` and `execns2`), without the builder: no
//! `unsafe fn` here, and the crate's only `unsafe` block; and where their
//! numbers come from.
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

/// The file that holds the native system call number of `execns2`
/// (`"464\n"` on x86_64 and the generic syscall table).
pub const EXECNS2_NR_PATH: &str = "/sys/kernel/execns/execns2_nr";

/// As [`COMPAT_NR_PATH`], for `execns2`.
pub const EXECNS2_COMPAT_NR_PATH: &str = "/sys/kernel/execns/execns2_compat_nr";

/// One entry of the fd map of `execns2` (`struct execns_fd`): the new program
/// gets this process's file descriptor `source` at `target`, without
/// close-on-exec.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FdMapEntry {
    /// A file descriptor of the calling process.
    pub source: u32,
    /// Its number in the new program.
    pub target: u32,
}

/// `struct execns_args` (`EXECNS_ARGS_SIZE_VER1`).
#[repr(C)]
#[derive(Debug, Default)]
pub(crate) struct ExecnsArgs {
    flags: u64,
    pathname: u64,
    argv: u64,
    envp: u64,
    fds: u64,
    nr_fds: u32,
    dirfd: i32,
    at_flags: u32,
    pad: u32,
    // EXECNS_ARGS_SIZE_VER1
    pub(crate) join_fd: i32,
    pub(crate) join_flags: u32,
    pub(crate) uid_map: u64,
    pub(crate) gid_map: u64,
    pub(crate) uid_map_size: u32,
    pub(crate) gid_map_size: u32,
    pub(crate) userns_flags: u64,
}

/// `EXECNS_ARGS_SIZE_VER0`.
pub(crate) const EXECNS_ARGS_SIZE_VER0: usize = 56;
/// `EXECNS_ARGS_SIZE_VER1`.
pub(crate) const EXECNS_ARGS_SIZE_VER1: usize = 96;
const _: () = assert!(std::mem::size_of::<ExecnsArgs>() == EXECNS_ARGS_SIZE_VER1);
const _: () = assert!(std::mem::offset_of!(ExecnsArgs, join_fd) == EXECNS_ARGS_SIZE_VER0);

/// `EXECNS_USERNS_SETGROUPS_DENY`: "deny" in the new user namespace's
/// `setgroups` before its `gid_map` is written.
pub const EXECNS_USERNS_SETGROUPS_DENY: u64 = 1;

/// What `execns2` does besides `execns`'s and the fd map, in its second
/// version of the struct: join namespaces first, write the id maps of the
/// new user namespace. The default is nothing (then the first version of the
/// struct is passed, which every kernel with `execns2` reads).
#[derive(Debug, Default, Clone, Copy)]
pub struct Ver1<'a> {
    /// The namespaces to join: a namespace fd or pidfd and the `CLONE_NEW*`
    /// types to join from it (setns(2) semantics); `None`: no join.
    pub join: Option<(c_int, c_int)>,
    /// The text of the new user namespace's `uid_map` (needs `CLONE_NEWUSER`).
    pub uid_map: Option<&'a [u8]>,
    /// The text of its `gid_map`.
    pub gid_map: Option<&'a [u8]>,
    /// [`EXECNS_USERNS_SETGROUPS_DENY`] or 0.
    pub userns_flags: u64,
}

impl Ver1<'_> {
    /// Whether anything is set (the second version of the struct is needed).
    pub fn is_set(&self) -> bool {
        self.join.is_some()
            || self.uid_map.is_some()
            || self.gid_map.is_some()
            || self.userns_flags != 0
    }
}
const _: () = assert!(std::mem::size_of::<FdMapEntry>() == 8);

/// `AT_EMPTY_PATH`.
const AT_EMPTY_PATH: u32 = 0x1000;

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
fn find_nr(nr_path: &'static str, compat_nr_path: &'static str) -> Result<c_long, Missing> {
    match read_nr(compat_nr_path) {
        Err(Missing::NoNumber { .. }) => read_nr(nr_path),
        other => other,
    }
}

/// Read the number this program must use: an x32 program uses [`NR_PATH`]
/// with `__X32_SYSCALL_BIT`.
#[cfg(all(target_arch = "x86_64", target_pointer_width = "32"))]
fn find_nr(nr_path: &'static str, _compat_nr_path: &'static str) -> Result<c_long, Missing> {
    read_nr(nr_path).map(|nr| nr | X32_SYSCALL_BIT)
}

/// Read the number this program must use: [`NR_PATH`].
#[cfg(not(any(
    target_arch = "x86",
    all(target_arch = "x86_64", target_pointer_width = "32")
)))]
fn find_nr(nr_path: &'static str, _compat_nr_path: &'static str) -> Result<c_long, Missing> {
    read_nr(nr_path)
}

fn cached_nr() -> &'static Result<c_long, Missing> {
    static NR: OnceLock<Result<c_long, Missing>> = OnceLock::new();
    NR.get_or_init(|| find_nr(NR_PATH, COMPAT_NR_PATH))
}

fn cached_nr2() -> &'static Result<c_long, Missing> {
    static NR: OnceLock<Result<c_long, Missing>> = OnceLock::new();
    NR.get_or_init(|| find_nr(EXECNS2_NR_PATH, EXECNS2_COMPAT_NR_PATH))
}

/// The system call number of `execns2` on the running kernel: as
/// [`syscall_nr`], from [`EXECNS2_NR_PATH`]. A kernel with `execns` but
/// without that file has no `execns2`: the "kernel lacks execns" error, which
/// then names that file.
pub fn execns2_syscall_nr() -> io::Result<c_long> {
    cached_nr2().clone().map_err(lacks_execns_error)
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
    call(kernel_nr(), Call::Execns { flags, path }, argv, envp, true)
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
    call(kernel_nr(), Call::Execns { flags, path }, argv, envp, false)
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

/// The number of `execns2` on the running kernel, or why there is none.
pub(crate) fn kernel_nr2() -> Result<Nr, &'static Missing> {
    cached_nr2().as_ref().map(|nr| Nr(*nr))
}

/// Where `execns2` finds the program.
#[derive(Debug, Clone, Copy)]
pub enum Program<'a> {
    /// A path, relative to the working directory if it is not absolute.
    Path(&'a CStr),
    /// The file open at this file descriptor (`AT_EMPTY_PATH`: a sealed memfd,
    /// an `O_PATH` file descriptor).
    Fd(c_int),
}

/// Which system call [`call`] makes, with what besides `argv` and `envp`.
pub(crate) enum Call<'a> {
    /// `execns(flags, path, argv, envp)`.
    Execns { flags: c_int, path: &'a CStr },
    /// `execns2(&args, size)` with this program, fd map and what `ver1` sets
    /// (size `EXECNS_ARGS_SIZE_VER1` then, else `EXECNS_ARGS_SIZE_VER0`).
    Execns2 {
        flags: c_int,
        program: Program<'a>,
        fds: &'a [FdMapEntry],
        ver1: Ver1<'a>,
    },
}

/// `execns2` with raw flags: the program found as `execveat(2)` does (see
/// [`Program`]) and the fd map `fds` (the new program's file table holds
/// exactly these); as [`execns`] otherwise (signals, errors; the number from
/// [`execns2_syscall_nr`]).
pub fn execns2(
    flags: c_int,
    program: Program<'_>,
    fds: &[FdMapEntry],
    ver1: Ver1<'_>,
    argv: &[CString],
    envp: &[CString],
) -> io::Error {
    call(
        kernel_nr2(),
        Call::Execns2 {
            flags,
            program,
            fds,
            ver1,
        },
        argv,
        envp,
        true,
    )
}

#[cfg(test)]
pub(crate) fn execns_unassigned_for_test(
    flags: c_int,
    path: &CStr,
    argv: &[CString],
    envp: &[CString],
) -> io::Error {
    call(Ok(Nr(999)), Call::Execns { flags, path }, argv, envp, true)
}

/// NULL-terminated array of pointers into `strings`, valid while `strings` is.
fn pointers(strings: &[CString]) -> Vec<*const c_char> {
    strings
        .iter()
        .map(|s| s.as_ptr())
        .chain(std::iter::once(ptr::null()))
        .collect()
}

/// A pointer as a system call argument or a `__u64` field.
fn addr<T>(p: *const T) -> u64 {
    p as usize as u64
}

/// `execns(flags, path, argv, envp)` or `execns2(&args, size)` with `nr` (see
/// [`execns`] and, for `reset_signals`, [`execns_keep_signals`]); without a
/// number, no system call and [`syscall_nr`]'s "kernel lacks execns" error.
pub(crate) fn call(
    nr: Result<Nr, &Missing>,
    what: Call<'_>,
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
    let empty = c"";
    let mut args2 = ExecnsArgs::default();
    // The first four arguments: execns's, or execns2's struct and its size.
    let sysargs: [u64; 4] = match what {
        Call::Execns { flags, path } => [
            // Sign-extended as the C header passes it: the kernel reads an int.
            c_long::from(flags) as u64,
            addr(path.as_ptr()),
            addr(argv_ptrs.as_ptr()),
            addr(envp_ptrs.as_ptr()),
        ],
        Call::Execns2 {
            flags,
            program,
            fds,
            ver1,
        } => {
            // Reinterpreted as the kernel's u32 flags; a negative value stays invalid.
            args2.flags = u64::from(flags as u32);
            match program {
                Program::Path(path) => {
                    args2.dirfd = libc::AT_FDCWD;
                    args2.pathname = addr(path.as_ptr());
                }
                Program::Fd(fd) => {
                    args2.dirfd = fd;
                    args2.pathname = addr(empty.as_ptr());
                    args2.at_flags = AT_EMPTY_PATH;
                }
            }
            args2.argv = addr(argv_ptrs.as_ptr());
            args2.envp = addr(envp_ptrs.as_ptr());
            if !fds.is_empty() {
                args2.fds = addr(fds.as_ptr());
                // More than u32::MAX entries: the kernel's limit refuses it anyway.
                args2.nr_fds = u32::try_from(fds.len()).unwrap_or(u32::MAX);
            }
            if let Some((fd, types)) = ver1.join {
                args2.join_fd = fd;
                args2.join_flags = types as u32;
            }
            if let Some(map) = ver1.uid_map {
                args2.uid_map = addr(map.as_ptr());
                // A page or more: the kernel refuses it (EINVAL) anyway.
                args2.uid_map_size = u32::try_from(map.len()).unwrap_or(u32::MAX);
            }
            if let Some(map) = ver1.gid_map {
                args2.gid_map = addr(map.as_ptr());
                args2.gid_map_size = u32::try_from(map.len()).unwrap_or(u32::MAX);
            }
            args2.userns_flags = ver1.userns_flags;
            let size = if ver1.is_set() {
                EXECNS_ARGS_SIZE_VER1
            } else {
                EXECNS_ARGS_SIZE_VER0
            };
            [addr(&args2 as *const ExecnsArgs), size as u64, 0, 0]
        }
    };
    // SAFETY:
    // - The system call: `nr` is `execns` or `execns2` (as `what` says) as
    //   the running kernel published it in sysfs (or, in tests, a number no
    //   kernel assigns, which fails with ENOSYS without reading anything).
    //   `execns` reads `path`, a NUL-terminated string borrowed for the whole
    //   call, and `argv_ptrs`/`envp_ptrs`, NULL-terminated arrays of pointers
    //   to NUL-terminated strings owned by `argv`/`envp`, all alive until
    //   after the call (the slices are borrowed, the Vecs are locals).
    //   `execns2` reads `args2` (a local of `EXECNS_ARGS_SIZE_VER1` bytes, at
    //   most the size passed) and through it the same strings and arrays,
    //   `empty` (a static string), `fds` (`nr_fds` entries of a borrowed
    //   slice) and the id map texts (`*_map_size` bytes of borrowed slices). They
    //   write nothing into this process's memory: on success the address
    //   space is replaced and the call does not return; on failure it returns
    //   -1 with errno set. The unused arguments are passed as 0.
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
            sysargs[0] as usize,
            sysargs[1] as usize,
            sysargs[2] as usize,
            sysargs[3] as usize,
            0usize,
            0usize,
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
