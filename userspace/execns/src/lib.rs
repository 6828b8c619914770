//! Safe Rust API for the `execns(2)` Linux system call.
//!
//! `execns()` is `execve()` that, at exec time, also
//!
//! * unshares the namespaces named in its flags (as `unshare(flags)` followed by
//!   `execve()` would), and
//! * closes **every** file descriptor of the new program (close-on-exec or not,
//!   0, 1 and 2 included).
//!
//! It is all-or-nothing: when it fails, the caller keeps its namespaces and file
//! descriptors and gets an errno. On success it does not return.
//!
//! ```no_run
//! use execns::{Execns, Namespaces};
//!
//! let err = Execns::new("/bin/sh")
//!     .arg("-c")
//!     .arg("hostname sandbox; exec hostname >/dev/console")
//!     .env("LANG", "C")
//!     .namespaces(Namespaces::UTS | Namespaces::MOUNT)
//!     .exec();
//! // Only reached when execns() failed.
//! eprintln!("execns failed: {err}");
//! if execns::kernel_lacks_execns(&err) {
//!     eprintln!("boot a kernel built with CONFIG_EXECNS=y");
//! }
//! ```
//!
//! # Errors and `ENOSYS`
//!
//! [`Execns::exec`] returns a [`std::io::Error`]. For every failure of the system
//! call except a missing `execns()` the error is exactly
//! `io::Error::from_raw_os_error(errno)`, so `raw_os_error()` gives the errno.
//!
//! When the running kernel does not have `execns()` the error has kind
//! [`std::io::ErrorKind::Unsupported`] and a message that starts with
//! [`LACKS_EXECNS_MESSAGE`] and says why, for example
//! `the running kernel does not provide execns(2) (no /sys/kernel/execns/nr)`.
//! `std::io::Error` cannot carry both a custom message and a raw OS error, so for
//! that error `raw_os_error()` is `None`; use [`ErrnoExt::errno`] (which gives
//! `ENOSYS`) or [`kernel_lacks_execns`] to test for it.
//!
//! # The system call number
//!
//! `execns` has no system call number reserved upstream: it is 463 in this
//! project's Linux 6.12, and upstream Linux 6.13 and later give 463 to
//! `setxattrat()`. So the crate never calls a guessed number. The kernel that
//! provides `execns` publishes its number in [`NR_PATH`]
//! (`/sys/kernel/execns/nr`; 32-bit x86 programs use [`COMPAT_NR_PATH`] when it
//! exists), and [`syscall_nr`] reads it once per process. When that file is
//! missing (a kernel without `execns`, or sysfs not mounted on `/sys`), cannot be
//! read or does not hold a number, [`Execns::exec`] fails with the "kernel lacks
//! execns" error without making any system call.
//!
//! # Unsafe code
//!
//! The crate contains exactly one `unsafe` block: the system call in
//! [`sys::execns`]'s private helper. Everything else is safe Rust.

#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

use std::ffi::{CString, OsStr, OsString};
use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

pub mod sys;

pub use sys::{syscall_nr, COMPAT_NR_PATH, NR_PATH};

bitflags::bitflags! {
    /// The namespaces `execns()` can give the new program: its `unshare_flags`.
    ///
    /// The values are exactly the kernel's `CLONE_*` constants:
    ///
    /// ```
    /// use execns::Namespaces;
    /// let ns = Namespaces::UTS | Namespaces::MOUNT;
    /// assert_eq!(ns.as_raw(), libc::CLONE_NEWUTS | libc::CLONE_NEWNS);
    /// assert_eq!(ns.clone_names(), ["CLONE_NEWNS", "CLONE_NEWUTS"]);
    /// // Other clone flags are not namespaces.
    /// assert!(Namespaces::from_bits(libc::CLONE_FILES).is_none());
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
    pub struct Namespaces: libc::c_int {
        /// `CLONE_NEWNS`: a new mount namespace (a copy of the caller's mounts).
        const MOUNT = libc::CLONE_NEWNS;
        /// `CLONE_NEWUTS`: a new UTS namespace (hostname, domainname).
        const UTS = libc::CLONE_NEWUTS;
        /// `CLONE_NEWIPC`: a new IPC namespace (System V IPC, POSIX message queues).
        const IPC = libc::CLONE_NEWIPC;
        /// `CLONE_NEWUSER`: a new user namespace; created first, it owns the others.
        const USER = libc::CLONE_NEWUSER;
        /// `CLONE_NEWPID`: a new PID namespace for the new program's *children*
        /// (the program itself keeps its PID, as with `unshare(2)`).
        const PID = libc::CLONE_NEWPID;
        /// `CLONE_NEWNET`: a new network namespace (only a down loopback device).
        const NET = libc::CLONE_NEWNET;
        /// `CLONE_NEWCGROUP`: a new cgroup namespace rooted at the current cgroup.
        const CGROUP = libc::CLONE_NEWCGROUP;
        /// `CLONE_NEWTIME`: a new time namespace, entered by the program itself
        /// (as `unshare(CLONE_NEWTIME)` followed by `execve()`).
        const TIME = libc::CLONE_NEWTIME;
        /// `CLONE_SYSVSEM`: a fresh System V semaphore undo list.
        const SYSVSEM = libc::CLONE_SYSVSEM;
    }
}

impl Namespaces {
    /// The value to pass as `unshare_flags`.
    pub const fn as_raw(self) -> libc::c_int {
        self.bits()
    }

    /// The `CLONE_*` name of each flag set, e.g. `["CLONE_NEWNS", "CLONE_NEWUTS"]`.
    pub fn clone_names(self) -> Vec<&'static str> {
        const NAMES: [(Namespaces, &str); 9] = [
            (Namespaces::MOUNT, "CLONE_NEWNS"),
            (Namespaces::UTS, "CLONE_NEWUTS"),
            (Namespaces::IPC, "CLONE_NEWIPC"),
            (Namespaces::USER, "CLONE_NEWUSER"),
            (Namespaces::PID, "CLONE_NEWPID"),
            (Namespaces::NET, "CLONE_NEWNET"),
            (Namespaces::CGROUP, "CLONE_NEWCGROUP"),
            (Namespaces::TIME, "CLONE_NEWTIME"),
            (Namespaces::SYSVSEM, "CLONE_SYSVSEM"),
        ];
        NAMES
            .iter()
            .filter(|(f, _)| self.contains(*f))
            .map(|(_, n)| *n)
            .collect()
    }
}

/// The start of the message of every "kernel lacks execns" error; the reason
/// follows in parentheses.
pub const LACKS_EXECNS_MESSAGE: &str = "the running kernel does not provide execns(2)";

/// Why the running kernel cannot do `execns()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// The file with the system call number ([`NR_PATH`]) does not exist: the
    /// kernel does not provide `execns` (or sysfs is not mounted on `/sys`).
    NoNumber {
        /// The file.
        path: &'static str,
    },
    /// The file with the system call number exists but cannot be read.
    Unreadable {
        /// The file.
        path: &'static str,
        /// Why (`errno` of `open` or `read`).
        errno: i32,
    },
    /// The file does not hold a system call number (decimal digits and a
    /// newline).
    Invalid {
        /// The file.
        path: &'static str,
        /// What it holds instead (lossily decoded, at most 64 bytes).
        contents: String,
    },
    /// The system call returned `ENOSYS`.
    NotImplemented {
        /// The number that was called.
        nr: libc::c_long,
    },
}

/// The error inside the [`io::Error`] returned when the kernel has no `execns()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelLacksExecns {
    /// Why.
    pub missing: Missing,
}

impl fmt::Display for KernelLacksExecns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{LACKS_EXECNS_MESSAGE} (")?;
        match &self.missing {
            Missing::NoNumber { path } => write!(f, "no {path}")?,
            Missing::Unreadable { path, errno } => {
                write!(f, "cannot read {path}: {}", strerror(*errno))?
            }
            Missing::Invalid { path, contents } => {
                write!(f, "{path} holds {contents:?}, not a system call number")?
            }
            Missing::NotImplemented { nr } => write!(f, "system call {nr} failed with ENOSYS")?,
        }
        write!(f, ")")
    }
}

impl std::error::Error for KernelLacksExecns {}

impl KernelLacksExecns {
    /// The errno this error stands for: always `ENOSYS`.
    pub const fn errno(&self) -> i32 {
        libc::ENOSYS
    }
}

/// Uniform access to the errno of an error returned by this crate.
///
/// ```
/// use execns::{ErrnoExt, Execns};
/// // Runs the system call for real: a missing file gives ENOENT where the
/// // kernel has execns, and the "kernel lacks execns" error elsewhere.
/// let err = Execns::new("/nonexistent/program").exec();
/// if execns::kernel_lacks_execns(&err) {
///     assert_eq!(err.errno(), Some(libc::ENOSYS));
///     assert!(err.to_string().starts_with(execns::LACKS_EXECNS_MESSAGE));
/// } else {
///     assert_eq!(err.errno(), Some(libc::ENOENT));
///     assert_eq!(err.raw_os_error(), Some(libc::ENOENT));
/// }
/// ```
pub trait ErrnoExt {
    /// The errno: `raw_os_error()`, or `ENOSYS` for the "kernel lacks execns" error.
    fn errno(&self) -> Option<i32>;
}

impl ErrnoExt for io::Error {
    fn errno(&self) -> Option<i32> {
        self.raw_os_error().or_else(|| {
            self.get_ref()
                .and_then(|e| e.downcast_ref::<KernelLacksExecns>())
                .map(KernelLacksExecns::errno)
        })
    }
}

/// Whether `err` says that the running kernel has no `execns()`.
pub fn kernel_lacks_execns(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::ENOSYS)
        || err
            .get_ref()
            .is_some_and(|e| e.downcast_ref::<KernelLacksExecns>().is_some())
}

/// The error for "the running kernel has no execns()".
pub fn lacks_execns_error(missing: Missing) -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, KernelLacksExecns { missing })
}

/// Turn the errno of a failed `execns()` call of system call `nr` into the
/// error this crate returns: `ENOSYS` becomes the "kernel lacks execns" error,
/// every other errno stays a raw OS error (see the crate documentation).
pub fn map_errno(errno: i32, nr: libc::c_long) -> io::Error {
    match errno {
        libc::ENOSYS => lacks_execns_error(Missing::NotImplemented { nr }),
        _ => io::Error::from_raw_os_error(errno),
    }
}

fn cstring(what: &str, s: &OsStr) -> io::Result<CString> {
    CString::new(s.as_bytes()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{what} contains a NUL byte: {:?}", s),
        )
    })
}

/// A builder for one `execns()` call, in the style of [`std::process::Command`].
///
/// * The program path is used as given: there is no `PATH` search (see
///   [`find_in_path`]).
/// * `argv[0]` is the program path unless set with [`Execns::arg0`].
/// * The environment is the current process's, changed by [`Execns::env`],
///   [`Execns::env_remove`] and [`Execns::env_clear`].
/// * No namespaces unless [`Execns::namespaces`] is called: then `execns()` is an
///   `execve()` that closes every file descriptor.
#[derive(Debug, Clone)]
pub struct Execns {
    program: OsString,
    arg0: Option<OsString>,
    args: Vec<OsString>,
    env_clear: bool,
    env: Vec<(OsString, Option<OsString>)>,
    namespaces: Namespaces,
    reset_signals: bool,
    fds: Vec<sys::FdMapEntry>,
    exec_fd: Option<RawFd>,
    join: Option<(RawFd, Namespaces)>,
    uid_map: Option<Vec<u8>>,
    gid_map: Option<Vec<u8>>,
    setgroups_deny: bool,
}

impl Execns {
    /// A call that will execute `program`.
    pub fn new<S: AsRef<OsStr>>(program: S) -> Self {
        Execns {
            program: program.as_ref().to_owned(),
            arg0: None,
            args: Vec::new(),
            env_clear: false,
            env: Vec::new(),
            namespaces: Namespaces::empty(),
            reset_signals: true,
            fds: Vec::new(),
            exec_fd: None,
            join: None,
            uid_map: None,
            gid_map: None,
            setgroups_deny: false,
        }
    }

    /// Set `argv[0]` (default: the program path).
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg0: S) -> &mut Self {
        self.arg0 = Some(arg0.as_ref().to_owned());
        self
    }

    /// Append one argument.
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Append arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Set one environment variable.
    pub fn env<K: AsRef<OsStr>, V: AsRef<OsStr>>(&mut self, key: K, val: V) -> &mut Self {
        self.env
            .push((key.as_ref().to_owned(), Some(val.as_ref().to_owned())));
        self
    }

    /// Set several environment variables.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        for (k, v) in vars {
            self.env(k, v);
        }
        self
    }

    /// Remove one environment variable.
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Self {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Start from an empty environment instead of the current process's.
    pub fn env_clear(&mut self) -> &mut Self {
        self.env_clear = true;
        self.env.clear();
        self
    }

    /// The namespaces the new program gets (replaces any set before).
    pub fn namespaces(&mut self, namespaces: Namespaces) -> &mut Self {
        self.namespaces = namespaces;
        self
    }

    /// Give the new program this process's file descriptor `source` as
    /// `target`, without close-on-exec (`execns2`'s fd map). Every file
    /// descriptor not named this way is closed in the new program. A target
    /// given twice is `EINVAL`, a `source` that is not open `EBADF` (from the
    /// kernel, with nothing changed).
    ///
    /// With an fd map (or [`Execns::exec_fd`]) [`Execns::exec`] calls
    /// `execns2`, which a kernel with only `execns` lacks (the "kernel lacks
    /// execns" error, naming [`sys::EXECNS2_NR_PATH`]).
    ///
    /// ```
    /// let mut call = execns::Execns::new("/bin/cat");
    /// call.keep_fd(0, 0).keep_fd(1, 1).keep_fd(2, 2);
    /// assert_eq!(call.get_fds().len(), 3);
    /// ```
    pub fn keep_fd(&mut self, source: RawFd, target: RawFd) -> &mut Self {
        // A negative number stays invalid for the kernel (EBADF).
        self.fds.push(sys::FdMapEntry {
            source: source as u32,
            target: target as u32,
        });
        self
    }

    /// Execute the file open at `fd` (a sealed memfd, an `O_PATH` file
    /// descriptor: `AT_EMPTY_PATH`) instead of the program path, which is
    /// then only `argv[0]`. Uses `execns2` (see [`Execns::keep_fd`]).
    pub fn exec_fd(&mut self, fd: RawFd) -> &mut Self {
        self.exec_fd = Some(fd);
        self
    }

    /// Join the namespaces `types` of `fd` first, as `setns(fd, types)` would
    /// (`fd` a namespace file, `/proc/PID/ns/TYPE`, with exactly its type, or
    /// a pidfd with any set of types), but at exec time: from a
    /// multithreaded process too, user namespace included. The namespaces of
    /// [`Execns::namespaces`] are then made inside the joined ones. Uses
    /// `execns2` (see [`Execns::keep_fd`]).
    ///
    /// ```
    /// use execns::{Execns, Namespaces};
    /// let mut call = Execns::new("/bin/sh");
    /// call.join(3, Namespaces::USER | Namespaces::MOUNT);
    /// assert_eq!(call.get_join(), Some((3, Namespaces::USER | Namespaces::MOUNT)));
    /// ```
    pub fn join(&mut self, fd: RawFd, types: Namespaces) -> &mut Self {
        self.join = Some((fd, types));
        self
    }

    /// The namespaces to join (see [`Execns::join`]).
    pub fn get_join(&self) -> Option<(RawFd, Namespaces)> {
        self.join
    }

    /// The `uid_map` of the new user namespace ([`Namespaces::USER`]), the
    /// text one writes to `/proc/PID/uid_map` (e.g. `"0 1000 1"`), with the
    /// same rules, written by the kernel before the new program starts. Uses
    /// `execns2`.
    pub fn uid_map<S: AsRef<[u8]>>(&mut self, map: S) -> &mut Self {
        self.uid_map = Some(map.as_ref().to_vec());
        self
    }

    /// The `gid_map` of the new user namespace (see [`Execns::uid_map`]). An
    /// unprivileged caller may map only its own gid, and only with
    /// [`Execns::setgroups_deny`].
    pub fn gid_map<S: AsRef<[u8]>>(&mut self, map: S) -> &mut Self {
        self.gid_map = Some(map.as_ref().to_vec());
        self
    }

    /// Write "deny" to the new user namespace's `setgroups` (before its
    /// `gid_map`).
    pub fn setgroups_deny(&mut self, deny: bool) -> &mut Self {
        self.setgroups_deny = deny;
        self
    }

    /// Map the caller's euid and egid to 0 in the new user namespace, as
    /// `unshare --map-root-user` does (`setgroups` denied): what an
    /// unprivileged caller may do.
    ///
    /// ```
    /// let mut call = execns::Execns::new("/bin/sh");
    /// call.map_root_user();
    /// ```
    pub fn map_root_user(&mut self) -> &mut Self {
        let uid = rustix::process::geteuid().as_raw();
        let gid = rustix::process::getegid().as_raw();
        self.uid_map(format!("0 {uid} 1"))
            .gid_map(format!("0 {gid} 1"))
            .setgroups_deny(true)
    }

    /// The fd map, in the order given.
    pub fn get_fds(&self) -> &[sys::FdMapEntry] {
        &self.fds
    }

    /// The file descriptor of the program (see [`Execns::exec_fd`]).
    pub fn get_exec_fd(&self) -> Option<RawFd> {
        self.exec_fd
    }

    /// Whether the call resets the signal state the new program inherits
    /// (the default) or leaves it alone.
    ///
    /// * `true` (default): the new program starts with an empty signal mask
    ///   and `SIGPIPE` at its default action, whatever this thread's mask
    ///   and this process's `SIGPIPE` disposition are (Rust's runtime ignores
    ///   `SIGPIPE`; [`std::process::Command`] also resets it). Other
    ///   ignored signals stay ignored, as with `execve(2)`.
    /// * `false`: neither is touched; the new program gets the calling
    ///   thread's signal mask and every disposition as it is at the time of
    ///   the call (ignored signals stay ignored, signals with a handler revert
    ///   to their default action, as with `execve(2)`). For a program that
    ///   passes its own caller's signal state on: it must then restore
    ///   `SIGPIPE` itself (Rust's runtime set it to ignored at startup).
    ///
    /// ```
    /// let mut call = execns::Execns::new("/bin/true");
    /// call.reset_signals(false);
    /// assert!(!call.get_reset_signals());
    /// ```
    pub fn reset_signals(&mut self, reset: bool) -> &mut Self {
        self.reset_signals = reset;
        self
    }

    /// Whether the call resets the signal state (see [`Execns::reset_signals`]).
    pub fn get_reset_signals(&self) -> bool {
        self.reset_signals
    }

    /// The program path.
    pub fn get_program(&self) -> &OsStr {
        &self.program
    }

    /// The namespaces that will be unshared.
    pub fn get_namespaces(&self) -> Namespaces {
        self.namespaces
    }

    /// The full `argv` that will be passed, `argv[0]` included.
    pub fn get_argv(&self) -> Vec<OsString> {
        let mut v = Vec::with_capacity(self.args.len() + 1);
        v.push(self.arg0.clone().unwrap_or_else(|| self.program.clone()));
        v.extend(self.args.iter().cloned());
        v
    }

    /// The environment that will be passed, as `KEY=VALUE` strings.
    pub fn get_envp(&self) -> Vec<OsString> {
        let mut vars: Vec<(OsString, OsString)> = if self.env_clear {
            Vec::new()
        } else {
            std::env::vars_os().collect()
        };
        for (k, v) in &self.env {
            match v {
                Some(v) => match vars.iter_mut().find(|(ek, _)| ek == k) {
                    Some(slot) => slot.1 = v.clone(),
                    None => vars.push((k.clone(), v.clone())),
                },
                None => vars.retain(|(ek, _)| ek != k),
            }
        }
        vars.into_iter()
            .map(|(k, v)| {
                let mut kv = k.into_vec();
                kv.push(b'=');
                kv.extend_from_slice(v.as_bytes());
                OsString::from_vec(kv)
            })
            .collect()
    }

    /// [`Execns::get_envp`] as C strings; without changes to the environment
    /// straight from `std::env::vars_os()`, with one allocation per variable
    /// besides those of `vars_os` (for a short-lived launcher such as the CLI,
    /// copying the environment is a large part of the work).
    fn envp_cstrings(&self) -> io::Result<Vec<CString>> {
        if self.env_clear || !self.env.is_empty() {
            return self
                .get_envp()
                .iter()
                .map(|e| cstring("environment variable", e))
                .collect();
        }
        std::env::vars_os()
            .map(|(k, v)| {
                let mut kv = Vec::with_capacity(k.len() + v.len() + 2);
                kv.extend_from_slice(k.as_bytes());
                kv.push(b'=');
                kv.extend_from_slice(v.as_bytes());
                // The capacity leaves room for the NUL: no reallocation.
                CString::new(kv).map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "environment variable contains a NUL byte: {:?}",
                            OsStr::from_bytes(&e.into_vec())
                        ),
                    )
                })
            })
            .collect()
    }

    /// Call `execns()`. Returns only on failure, with the error (see the crate
    /// documentation for the "kernel lacks execns" error). Nothing about the
    /// calling process changes when it returns.
    ///
    /// Unless [`Execns::reset_signals`] is `false`, the new program starts
    /// with an empty signal mask and `SIGPIPE` at its default action (Rust
    /// programs ignore `SIGPIPE`); other ignored signals stay ignored, as
    /// with `execve(2)`. Every file descriptor is closed by the kernel: the
    /// program must open what it needs.
    pub fn exec(&mut self) -> io::Error {
        let path = match cstring("program path", &self.program) {
            Ok(p) => p,
            Err(e) => return e,
        };
        let argv: io::Result<Vec<CString>> = self
            .get_argv()
            .iter()
            .map(|a| cstring("argument", a))
            .collect();
        let envp = self.envp_cstrings();
        let (argv, envp) = match (argv, envp) {
            (Ok(a), Ok(e)) => (a, e),
            (Err(e), _) | (_, Err(e)) => return e,
        };
        let flags = self.namespaces.as_raw();
        let ver1 = sys::Ver1 {
            join: self.join.map(|(fd, types)| (fd, types.as_raw())),
            uid_map: self.uid_map.as_deref(),
            gid_map: self.gid_map.as_deref(),
            userns_flags: if self.setgroups_deny {
                sys::EXECNS_USERNS_SETGROUPS_DENY
            } else {
                0
            },
        };
        let (nr, err) = if self.fds.is_empty() && self.exec_fd.is_none() && !ver1.is_set() {
            let call = sys::Call::Execns { flags, path: &path };
            (
                syscall_nr(),
                sys::call(sys::kernel_nr(), call, &argv, &envp, self.reset_signals),
            )
        } else {
            let program = match self.exec_fd {
                Some(fd) => sys::Program::Fd(fd),
                None => sys::Program::Path(&path),
            };
            let call = sys::Call::Execns2 {
                flags,
                program,
                fds: &self.fds,
                ver1,
            };
            (
                sys::execns2_syscall_nr(),
                sys::call(sys::kernel_nr2(), call, &argv, &envp, self.reset_signals),
            )
        };
        match (err.raw_os_error(), nr) {
            // The call was made and failed.
            (Some(errno), Ok(nr)) => map_errno(errno, nr),
            // No number: no call was made; this is the "lacks execns" error.
            _ => err,
        }
    }
}

/// Find `program` the way `execvp(3)` does: a name containing `/` is used as
/// is; otherwise each directory of `path` (`$PATH`; `/bin:/usr/bin` when unset)
/// is tried. An empty directory entry means the current directory.
///
/// Errors: `ENOENT` when nothing is found, `EACCES` when a file was found but
/// none could be executed (by the real uid, as `access(X_OK)` says).
pub fn find_in_path(program: &OsStr, path: Option<&OsStr>) -> io::Result<PathBuf> {
    if program.is_empty() {
        return Err(io::Error::from_raw_os_error(libc::ENOENT));
    }
    let check = |p: &Path| -> io::Result<()> {
        let md = std::fs::metadata(p)?;
        if md.is_dir() {
            return Err(io::Error::from_raw_os_error(libc::EACCES));
        }
        rustix::fs::access(p, rustix::fs::Access::EXEC_OK).map_err(io::Error::from)
    };
    if program.as_bytes().contains(&b'/') {
        let p = PathBuf::from(program);
        check(&p)?;
        return Ok(p);
    }
    let path = path.unwrap_or(OsStr::new("/bin:/usr/bin"));
    let mut saw_eacces = false;
    for dir in path.as_bytes().split(|b| *b == b':') {
        let dir = if dir.is_empty() { b"." as &[u8] } else { dir };
        let cand = Path::new(OsStr::from_bytes(dir)).join(program);
        match check(&cand) {
            Ok(()) => return Ok(cand),
            Err(e) if e.raw_os_error() == Some(libc::EACCES) => saw_eacces = true,
            Err(_) => {}
        }
    }
    Err(io::Error::from_raw_os_error(if saw_eacces {
        libc::EACCES
    } else {
        libc::ENOENT
    }))
}

/// `strerror(errno)` without the " (os error N)" that `std` appends.
pub fn strerror(errno: i32) -> String {
    let s = io::Error::from_raw_os_error(errno).to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// A short message for `err` in the style of `strerror`: the plain `strerror`
/// for an OS error, the error's own message otherwise.
pub fn error_message(err: &io::Error) -> String {
    match err.raw_os_error() {
        Some(e) => strerror(e),
        None => match err.get_ref() {
            Some(inner) => inner.to_string(),
            None => err.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_values_are_the_kernels() {
        assert_eq!(Namespaces::MOUNT.bits(), 0x0002_0000);
        assert_eq!(Namespaces::UTS.bits(), 0x0400_0000);
        assert_eq!(Namespaces::IPC.bits(), 0x0800_0000);
        assert_eq!(Namespaces::USER.bits(), 0x1000_0000);
        assert_eq!(Namespaces::PID.bits(), 0x2000_0000);
        assert_eq!(Namespaces::NET.bits(), 0x4000_0000);
        assert_eq!(Namespaces::CGROUP.bits(), 0x0200_0000);
        assert_eq!(Namespaces::TIME.bits(), 0x0000_0080);
        assert_eq!(Namespaces::SYSVSEM.bits(), 0x0004_0000);
        assert_eq!(Namespaces::MOUNT.bits(), libc::CLONE_NEWNS);
        assert_eq!(Namespaces::UTS.bits(), libc::CLONE_NEWUTS);
        assert_eq!(Namespaces::IPC.bits(), libc::CLONE_NEWIPC);
        assert_eq!(Namespaces::USER.bits(), libc::CLONE_NEWUSER);
        assert_eq!(Namespaces::PID.bits(), libc::CLONE_NEWPID);
        assert_eq!(Namespaces::NET.bits(), libc::CLONE_NEWNET);
        assert_eq!(Namespaces::CGROUP.bits(), libc::CLONE_NEWCGROUP);
        assert_eq!(Namespaces::TIME.bits(), libc::CLONE_NEWTIME);
        assert_eq!(Namespaces::SYSVSEM.bits(), libc::CLONE_SYSVSEM);
    }

    #[test]
    fn all_flags_mask() {
        let all = libc::CLONE_NEWNS
            | libc::CLONE_NEWUTS
            | libc::CLONE_NEWIPC
            | libc::CLONE_NEWUSER
            | libc::CLONE_NEWPID
            | libc::CLONE_NEWNET
            | libc::CLONE_NEWCGROUP
            | libc::CLONE_NEWTIME
            | libc::CLONE_SYSVSEM;
        assert_eq!(Namespaces::all().as_raw(), all);
        assert_eq!(Namespaces::all().as_raw(), 0x7e04_0080 | 0x0002_0000);
        assert!(Namespaces::from_bits(libc::CLONE_VM).is_none());
        assert!(Namespaces::from_bits(libc::CLONE_NEWNS | libc::CLONE_FILES).is_none());
    }

    #[test]
    fn clone_names() {
        assert_eq!(
            (Namespaces::UTS | Namespaces::MOUNT).clone_names(),
            vec!["CLONE_NEWNS", "CLONE_NEWUTS"]
        );
        assert_eq!(Namespaces::all().clone_names().len(), 9);
        assert!(Namespaces::empty().clone_names().is_empty());
    }

    #[test]
    fn builder_argv_and_env() {
        let mut e = Execns::new("/bin/echo");
        e.arg("a").args(["b", "c"]);
        assert_eq!(e.get_argv(), vec!["/bin/echo", "a", "b", "c"]);
        e.arg0("echo");
        assert_eq!(e.get_argv()[0], "echo");

        e.env_clear()
            .env("A", "1")
            .env("B", "2")
            .env("A", "3")
            .env_remove("B");
        assert_eq!(e.get_envp(), vec![OsString::from("A=3")]);
        e.envs([("X", "y")]);
        assert_eq!(e.get_envp(), vec![OsString::from("A=3"), "X=y".into()]);
    }

    #[test]
    fn builder_fd_map_and_exec_fd() {
        let mut e = Execns::new("prog");
        assert!(e.get_fds().is_empty());
        assert_eq!(e.get_exec_fd(), None);
        e.keep_fd(5, 0).keep_fd(6, 1000).exec_fd(7);
        assert_eq!(
            e.get_fds(),
            &[
                sys::FdMapEntry {
                    source: 5,
                    target: 0
                },
                sys::FdMapEntry {
                    source: 6,
                    target: 1000
                }
            ]
        );
        assert_eq!(e.get_exec_fd(), Some(7));
        assert_eq!(e.get_argv()[0], "prog");
    }

    /// The layout of `struct execns_args` (VER1, VER0 its first 56 bytes)
    /// and `struct execns_fd`, as in the kernel's `<linux/execns.h>`.
    #[test]
    fn execns2_struct_layout() {
        assert_eq!(std::mem::size_of::<sys::FdMapEntry>(), 8);
        assert_eq!(std::mem::offset_of!(sys::FdMapEntry, target), 4);
        assert_eq!(std::mem::size_of::<sys::ExecnsArgs>(), 96);
        assert_eq!(std::mem::offset_of!(sys::ExecnsArgs, join_fd), 56);
        assert_eq!(std::mem::offset_of!(sys::ExecnsArgs, uid_map), 64);
        assert_eq!(std::mem::offset_of!(sys::ExecnsArgs, uid_map_size), 80);
        assert_eq!(std::mem::offset_of!(sys::ExecnsArgs, userns_flags), 88);
    }

    /// Without /sys/kernel/execns/execns2_nr no system call is made: the
    /// "kernel lacks execns" error names that file (hosts have no execns).
    #[test]
    fn execns2_without_its_number() {
        if std::path::Path::new(sys::EXECNS2_NR_PATH).exists() {
            return;
        }
        let err = Execns::new("/bin/true").keep_fd(0, 0).exec();
        assert!(kernel_lacks_execns(&err));
        assert!(err.to_string().contains(sys::EXECNS2_NR_PATH), "{err}");
    }

    #[test]
    fn builder_inherits_env_by_default() {
        let e = Execns::new("/bin/true");
        let envp = e.get_envp();
        let n = std::env::vars_os().count();
        assert_eq!(envp.len(), n);
        if let Some((k, v)) = std::env::vars_os().next() {
            let mut kv = k.into_vec();
            kv.push(b'=');
            kv.extend(v.into_vec());
            assert!(envp.contains(&OsString::from_vec(kv)));
        }
        assert_eq!(e.get_namespaces(), Namespaces::empty());
        assert!(e.get_reset_signals());
    }

    #[test]
    fn nul_bytes_are_invalid_input() {
        let err = Execns::new("/bin/tr\0ue").exec();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = Execns::new("/bin/true").arg("a\0b").exec();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let err = Execns::new("/bin/true").env("K", "v\0").exec();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn enosys_maps_to_friendly_error() {
        let err = map_errno(libc::ENOSYS, 463);
        assert!(kernel_lacks_execns(&err));
        assert_eq!(err.errno(), Some(libc::ENOSYS));
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        let msg = err.to_string();
        assert_eq!(
            msg,
            "the running kernel does not provide execns(2) (system call 463 failed with ENOSYS)"
        );
        assert_eq!(error_message(&err), msg);
    }

    #[test]
    fn missing_number_messages() {
        let msg = |missing| lacks_execns_error(missing).to_string();
        assert_eq!(
            msg(Missing::NoNumber { path: NR_PATH }),
            "the running kernel does not provide execns(2) (no /sys/kernel/execns/nr)"
        );
        assert_eq!(
            msg(Missing::Unreadable {
                path: NR_PATH,
                errno: libc::EACCES
            }),
            "the running kernel does not provide execns(2) \
             (cannot read /sys/kernel/execns/nr: Permission denied)"
        );
        assert_eq!(
            msg(Missing::Invalid {
                path: NR_PATH,
                contents: "x\n".into()
            }),
            "the running kernel does not provide execns(2) \
             (/sys/kernel/execns/nr holds \"x\\n\", not a system call number)"
        );
        for m in [
            Missing::NoNumber { path: NR_PATH },
            Missing::NotImplemented { nr: 463 },
        ] {
            let err = lacks_execns_error(m);
            assert!(err.to_string().starts_with(LACKS_EXECNS_MESSAGE));
            assert_eq!(err.errno(), Some(libc::ENOSYS));
            assert_eq!(err.raw_os_error(), None);
        }
    }

    #[test]
    fn other_errnos_are_raw() {
        for e in [
            libc::EPERM,
            libc::ENOENT,
            libc::EACCES,
            libc::EFAULT,
            libc::E2BIG,
            libc::EINVAL,
        ] {
            let err = map_errno(e, 463);
            assert_eq!(err.raw_os_error(), Some(e));
            assert_eq!(err.errno(), Some(e));
            assert!(!kernel_lacks_execns(&err));
        }
    }

    #[test]
    fn parse_syscall_nr() {
        assert_eq!(sys::parse_nr(b"463\n"), Some(463));
        assert_eq!(sys::parse_nr(b"463"), Some(463));
        assert_eq!(sys::parse_nr(b"0\n"), Some(0));
        assert_eq!(sys::parse_nr(b"2147483647\n"), Some(2_147_483_647));
        for bad in [
            &b""[..],
            b"\n",
            b"\n\n",
            b"463\n\n",
            b"-1\n",
            b"-463\n",
            b"+463\n",
            b" 463\n",
            b"463 \n",
            b"463\r\n",
            b"0x1cf\n",
            b"4 63\n",
            b"garbage\n",
            b"463abc",
            b"\xff\xfe",
            b"2147483648\n",
            b"99999999999999999999999999\n",
            b"0000000000000000000000000000000000463\n",
        ] {
            assert_eq!(
                sys::parse_nr(bad),
                None,
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    /// `path` as the `&'static str` [`sys::read_nr`] takes.
    fn leak(path: &Path) -> &'static str {
        Box::leak(path.to_str().unwrap().to_owned().into_boxed_str())
    }

    fn nr_dir() -> PathBuf {
        std::env::temp_dir().join(format!("execns-nr-{}", std::process::id()))
    }

    /// A file in a fresh directory.
    fn nr_file(name: &str, contents: Option<&[u8]>) -> &'static str {
        std::fs::create_dir_all(nr_dir()).unwrap();
        let path = nr_dir().join(name);
        if let Some(c) = contents {
            std::fs::write(&path, c).unwrap();
        }
        leak(&path)
    }

    #[test]
    fn read_syscall_nr_from_a_file() {
        let ok = nr_file("ok", Some(b"463\n"));
        assert_eq!(sys::read_nr(ok), Ok(463));
        let missing = nr_file("missing", None);
        assert_eq!(
            sys::read_nr(missing),
            Err(Missing::NoNumber { path: missing })
        );
        let below_a_file = leak(&Path::new(ok).join("nr"));
        assert_eq!(
            sys::read_nr(below_a_file),
            Err(Missing::NoNumber { path: below_a_file })
        );
        let garbage = nr_file("garbage", Some(b"garbage\n"));
        assert_eq!(
            sys::read_nr(garbage),
            Err(Missing::Invalid {
                path: garbage,
                contents: "garbage\n".into()
            })
        );
        let empty = nr_file("empty", Some(b""));
        assert!(matches!(sys::read_nr(empty), Err(Missing::Invalid { .. })));
        let long = nr_file("long", Some(&[b'1'; 100]));
        match sys::read_nr(long) {
            Err(Missing::Invalid { contents, .. }) => assert_eq!(contents.len(), 64),
            other => panic!("{other:?}"),
        }
        let dir = leak(&nr_dir());
        assert_eq!(
            sys::read_nr(dir),
            Err(Missing::Unreadable {
                path: dir,
                errno: libc::EISDIR
            })
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// The number this process uses is the one the running kernel publishes,
    /// and there is none without the sysfs file: never a guess.
    #[test]
    fn syscall_nr_follows_sysfs() {
        match sys::read_nr(NR_PATH) {
            #[cfg(not(any(target_arch = "x86", target_pointer_width = "32")))]
            Ok(nr) => assert_eq!(syscall_nr().unwrap(), nr),
            #[cfg(any(target_arch = "x86", target_pointer_width = "32"))]
            Ok(_) => assert!(syscall_nr().is_ok()),
            Err(missing) => {
                let err = syscall_nr().unwrap_err();
                assert!(kernel_lacks_execns(&err), "{err}");
                assert_eq!(err.errno(), Some(libc::ENOSYS));
                assert_eq!(err.to_string(), lacks_execns_error(missing).to_string());
            }
        }
    }

    const ENOSYS_CHILD_ENV: &str = "EXECNS_TEST_ENOSYS_CHILD";
    const ENOSYS_CHILD_SURVIVED: &str = "execns-enosys-child: survived";

    /// Run by [`without_sysfs_number_nothing_is_called`] in a child process
    /// (a no-op otherwise): every way of calling execns() fails with ENOSYS
    /// and this process is still here to say so.
    #[test]
    fn enosys_child() {
        let Some(dir) = std::env::var_os(ENOSYS_CHILD_ENV) else {
            return;
        };
        // As execve (or execns), this would replace the process with a
        // script that exits 42; as setxattrat (463 on Linux >= 6.13) it would
        // fail with EINVAL (its flags would be argv's address).
        let prog = PathBuf::from(dir).join("prog");
        for ns in [Namespaces::empty(), Namespaces::UTS, Namespaces::all()] {
            let err = Execns::new(&prog).arg("x").namespaces(ns).exec();
            assert!(kernel_lacks_execns(&err), "{err}");
            assert_eq!(err.errno(), Some(libc::ENOSYS));
            assert_eq!(err.kind(), io::ErrorKind::Unsupported);
            assert_eq!(
                err.to_string(),
                "the running kernel does not provide execns(2) (no /sys/kernel/execns/nr)"
            );
        }
        let path = CString::new(prog.as_os_str().as_bytes()).unwrap();
        let err = sys::execns(0, &path, std::slice::from_ref(&path), &[]);
        assert_eq!(err.errno(), Some(libc::ENOSYS));
        assert!(kernel_lacks_execns(&err), "{err}");
        println!("{ENOSYS_CHILD_SURVIVED}");
    }

    /// On a kernel without `/sys/kernel/execns/nr` (such as an upstream one,
    /// where 463 is setxattrat) the call is ENOSYS with the message, and runs
    /// nothing: checked in a child process, which must survive the calls.
    #[test]
    fn without_sysfs_number_nothing_is_called() {
        if Path::new(NR_PATH).exists() {
            eprintln!("{NR_PATH} exists: skipped");
            return;
        }
        let dir = std::env::temp_dir().join(format!("execns-enosys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let prog = dir.join("prog");
        std::fs::write(&prog, "#!/bin/sh\nexit 42\n").unwrap();
        std::fs::set_permissions(&prog, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "tests::enosys_child", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(ENOSYS_CHILD_ENV, &dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains(ENOSYS_CHILD_SURVIVED), "{stdout}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn strerror_is_plain() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
        assert_eq!(strerror(libc::EPERM), "Operation not permitted");
        assert_eq!(
            error_message(&io::Error::from_raw_os_error(libc::EACCES)),
            "Permission denied"
        );
    }

    #[test]
    fn path_search() {
        let sh = find_in_path(OsStr::new("sh"), Some(OsStr::new("/nonexistent:/bin"))).unwrap();
        assert_eq!(sh, PathBuf::from("/bin/sh"));
        let e =
            find_in_path(OsStr::new("no-such-program-xyz"), Some(OsStr::new("/bin"))).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
        let e = find_in_path(OsStr::new("/nonexistent/x"), None).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
        // A directory is not executable.
        let e = find_in_path(OsStr::new("/tmp"), None).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EACCES));
        let e = find_in_path(OsStr::new(""), None).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ENOENT));
    }

    /// The ENOSYS path for real: an unassigned system call number.
    #[test]
    fn real_enosys_from_unassigned_number() {
        let path = CString::new("/bin/true").unwrap();
        let argv = [path.clone()];
        let err = sys::execns_unassigned_for_test(0, &path, &argv, &[]);
        assert_eq!(err.raw_os_error(), Some(libc::ENOSYS));
        let mapped = map_errno(libc::ENOSYS, 999);
        assert!(kernel_lacks_execns(&mapped));
    }
}
