//! Stage 2: the CLI exec'd by `execns(2)` into the new namespaces, with no fd
//! open (or by `execns2` with the caller's fds 0-2 in the fd map: the sources
//! are then all `keep`, and it runs only for the options that need it, see
//! `Cli::needs_stage2`). It reopens the chosen files on fds 0-2, waits for
//! the user-namespace helper (`--map-root-user`, `--setgroups`), sets mount
//! propagation and `--setgroups`, forks with `--fork`, mounts proc with
//! `--mount-proc`, then executes the program with the caller's signal state
//! (see `os`).
//!
//! Arguments (after `--execns-stage2`):
//! `OPTS SPEC0 SPEC1 SPEC2 PATH ARGV0 [ARGS...]` where OPTS is `-` or a
//! comma-separated list of `propagation=private|shared|slave`,
//! `helper=PID`, `map-root=UID:GID`, `setgroups=allow|deny`, `fork`,
//! `mount-proc=DIR` (DIR %-escaped), `chld-ign` and, last,
//! `pass=PID:SOCKET`; each SPEC is a [`Source`] encoding.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, IntoRawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use rustix::mount::{mount, mount_change, MountFlags, MountPropagationFlags};

use crate::cli::SetGroups;
use crate::stdio::Source;
use crate::{os, status, STAGE2_ARG};

/// Options for stage 2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opts {
    pub propagation: Option<MountPropagationFlags>,
    /// Pid of the user-namespace helper (see `mapper`) to wait for.
    pub helper: Option<u32>,
    /// (uid, gid) the helper maps to root. Stage 2 then has no capability
    /// (it was executed before the mapping existed) and executes itself
    /// again when it needs them (`--mount-proc`).
    pub map_root: Option<(u32, u32)>,
    /// Write `/proc/self/setgroups` (without a new user namespace; with one,
    /// the helper does).
    pub setgroups: Option<SetGroups>,
    /// `--fork`: run the program in a child and wait for it.
    pub fork: bool,
    /// `--mount-proc`: mount proc here before executing the program.
    pub mount_proc: Option<PathBuf>,
    /// The caller ignored `SIGCHLD`. The stages run with its default action
    /// (an ignored `SIGCHLD` makes the kernel reap the helpers and the
    /// `--fork` child before they can be waited for); the program gets it
    /// ignored again.
    pub sigchld_ignored: bool,
    /// `--exec-fd`: execute the file open at this fd, and whether the
    /// program keeps it open (`--keep-fd` of the same fd; else stage 2 sets
    /// close-on-exec on it first).
    pub exec_fd: Option<(i32, bool)>,
    /// (pid of the stream holder, its socket): see `pass`. Encoded last.
    pub pass: Option<(u32, PathBuf)>,
}

/// %-escape `path` so that it is UTF-8 without `,` (bytes other than
/// letters, digits and `/._-+:@~` become `%XX`).
fn escape(path: &Path) -> String {
    let mut out = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-+:@~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`escape`].
fn unescape(s: &str) -> Option<PathBuf> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    (!out.is_empty()).then(|| PathBuf::from(OsString::from_vec(out)))
}

impl Opts {
    pub fn encode(&self) -> OsString {
        let mut items = Vec::new();
        if let Some(p) = self.propagation {
            let name = if p.contains(MountPropagationFlags::SHARED) {
                "shared"
            } else if p.contains(MountPropagationFlags::DOWNSTREAM) {
                "slave"
            } else {
                "private"
            };
            items.push(format!("propagation={name}"));
        }
        if let Some(pid) = self.helper {
            items.push(format!("helper={pid}"));
        }
        if let Some((u, g)) = self.map_root {
            items.push(format!("map-root={u}:{g}"));
        }
        if let Some(sg) = self.setgroups {
            items.push(format!("setgroups={}", sg.as_str()));
        }
        if self.fork {
            items.push("fork".into());
        }
        if let Some(dir) = &self.mount_proc {
            items.push(format!("mount-proc={}", escape(dir)));
        }
        if self.sigchld_ignored {
            items.push("chld-ign".into());
        }
        if let Some((fd, kept)) = self.exec_fd {
            items.push(format!("exec-fd={fd}{}", if kept { ":keep" } else { "" }));
        }
        if let Some((pid, sock)) = &self.pass {
            // The path is the rest of the string: it may contain ':' (not ',').
            items.push(format!("pass={pid}:{}", sock.display()));
        }
        if items.is_empty() {
            "-".into()
        } else {
            items.join(",").into()
        }
    }

    pub fn decode(s: &OsStr) -> Option<Opts> {
        let s = s.to_str()?;
        let mut o = Opts::default();
        if s == "-" {
            return Some(o);
        }
        // `pass=` comes last and its path has no ','.
        let (s, pass) = match s.strip_prefix("pass=") {
            Some(p) => ("", Some(p)),
            None => match s.rfind(",pass=") {
                Some(i) => (&s[..i], Some(&s[i + 6..])),
                None => (s, None),
            },
        };
        if let Some(p) = pass {
            let (pid, path) = p.split_once(':')?;
            if path.is_empty() {
                return None;
            }
            o.pass = Some((pid.parse().ok()?, PathBuf::from(path)));
        }
        // Nothing before `pass=`, or items that are not empty.
        let items = s
            .split(',')
            .filter(|i| !(s.is_empty() && pass.is_some() && i.is_empty()));
        for item in items {
            let (k, v) = item.split_once('=').unwrap_or((item, ""));
            match k {
                "propagation" => {
                    o.propagation = Some(match v {
                        "private" => MountPropagationFlags::PRIVATE,
                        "shared" => MountPropagationFlags::SHARED,
                        "slave" => MountPropagationFlags::DOWNSTREAM,
                        _ => return None,
                    })
                }
                "helper" => o.helper = Some(v.parse().ok()?),
                "map-root" => {
                    let (u, g) = v.split_once(':')?;
                    o.map_root = Some((u.parse().ok()?, g.parse().ok()?));
                }
                "setgroups" => {
                    o.setgroups = Some(match v {
                        "allow" => SetGroups::Allow,
                        "deny" => SetGroups::Deny,
                        _ => return None,
                    })
                }
                "fork" if v.is_empty() && !item.contains('=') => o.fork = true,
                "chld-ign" if !item.contains('=') => o.sigchld_ignored = true,
                "mount-proc" => o.mount_proc = Some(unescape(v)?),
                "exec-fd" => {
                    let (fd, kept) = match v.strip_suffix(":keep") {
                        Some(fd) => (fd, true),
                        None => (v, false),
                    };
                    o.exec_fd = Some((fd.parse().ok().filter(|fd: &i32| *fd >= 0)?, kept));
                }
                _ => return None,
            }
        }
        Some(o)
    }
}

fn fail(msg: &str) -> u8 {
    let _ = writeln!(io::stderr(), "execns: {msg}");
    status::EXECNS_FAILED
}

/// [`fail`] with each of `errors`, if there are any.
fn fail_all(errors: &[String]) -> Option<u8> {
    (!errors.is_empty()).then(|| {
        for e in errors {
            fail(e);
        }
        status::EXECNS_FAILED
    })
}

/// Wait for a helper child (the user-namespace helper, see `mapper`, or the
/// stream holder, see `pass`) and tell whether it succeeded.
fn wait_for_child(pid: u32, what: &str) -> io::Result<()> {
    let pid = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
        .ok_or_else(|| io::Error::from_raw_os_error(libc::ESRCH))?;
    loop {
        match rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty()) {
            Ok(Some((_, st))) if st.exit_status() == Some(0) => return Ok(()),
            Ok(Some((_, st))) if st.stopped() => continue,
            Ok(_) => return Err(io::Error::other(format!("the {what} failed"))),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Put `files` on fds 0, 1, 2 (`None`: leave the fd as it is). A file
/// already on its own target fd is kept open (leaked on purpose); every other
/// one is closed after dup2.
fn install(files: Vec<Option<File>>) -> io::Result<()> {
    for (fd, f) in files.into_iter().enumerate() {
        let Some(f) = f else { continue };
        if f.as_raw_fd() == fd as i32 {
            let _ = f.into_raw_fd();
            continue;
        }
        match fd {
            0 => rustix::stdio::dup2_stdin(&f)?,
            1 => rustix::stdio::dup2_stdout(&f)?,
            _ => rustix::stdio::dup2_stderr(&f)?,
        }
    }
    Ok(())
}

/// A new open of what is on fd `fd` (0, 1 or 2) now.
fn dup_std(fd: usize) -> io::Result<File> {
    let owned = match fd {
        0 => io::stdin().as_fd().try_clone_to_owned(),
        1 => io::stdout().as_fd().try_clone_to_owned(),
        _ => io::stderr().as_fd().try_clone_to_owned(),
    }?;
    Ok(File::from(owned))
}

/// Signals a `--fork` parent passes on to the program when a process sends
/// them to it (as kill(1) does); those from the kernel, such as a terminal's
/// `^C`, reach the program directly (same process group).
pub const FORWARDED: [libc::c_int; 6] = [
    libc::SIGHUP,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGTERM,
    libc::SIGUSR1,
    libc::SIGUSR2,
];

/// `--fork`: fork; `Ok(None)` in the child, which goes on to execute the
/// program with the caller's signal state; in the parent, wait for the child
/// and forward signals, then `Ok(Some(status))` (or die of the child's
/// signal).
fn fork_and_wait() -> Result<Option<u8>, String> {
    let orig = os::current_mask().map_err(|e| format!("cannot read the signal mask: {e}"))?;
    // Signals the caller blocked or ignored are left alone (they stay
    // pending, or are discarded, in the parent as in the caller).
    let mut set = os::SigSet::empty();
    set.add(libc::SIGCHLD);
    for sig in FORWARDED {
        if !orig.contains(sig) && !os::is_ignored(sig) {
            set.add(sig);
        }
    }
    // SIGCHLD is at its default action here (see `Opts::sigchld_ignored`),
    // so the child's status waits to be collected.
    os::block(&set).map_err(|e| format!("cannot block signals: {e}"))?;
    let child = match os::fork() {
        Ok(os::Forked::Child) => {
            return match os::set_mask(&orig) {
                Ok(()) => Ok(None),
                Err(e) => Err(format!("cannot restore the signal mask: {e}")),
            };
        }
        Ok(os::Forked::Parent(pid)) => pid,
        Err(e) => return Err(format!("cannot fork: {}", execns::error_message(&e))),
    };
    Ok(Some(supervise(child, &set)))
}

/// The `--fork` parent: forward signals to `child` until it ends; return its
/// exit status, or die of the signal that killed it.
fn supervise(child: i32, set: &os::SigSet) -> u8 {
    use rustix::process::{waitpid, Pid, WaitOptions};
    let Some(pid) = Pid::from_raw(child) else {
        return status::EXECNS_FAILED;
    };
    loop {
        match os::wait_signal(set) {
            Ok((sig, true)) if sig != libc::SIGCHLD => {
                let _ = os::send_signal(child, sig);
                continue;
            }
            Ok((libc::SIGCHLD, _)) | Err(_) => {}
            Ok(_) => continue,
        }
        match waitpid(Some(pid), WaitOptions::NOHANG) {
            Ok(Some((_, st))) => {
                if let Some(code) = st.exit_status() {
                    return u8::try_from(code & 0xff).unwrap_or(status::EXECNS_FAILED);
                }
                if let Some(sig) = st.terminating_signal() {
                    return os::die_of(sig);
                }
            }
            Ok(None) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return fail(&format!("cannot wait for the program: {e}")),
        }
    }
}

/// `--mount-proc`: make `dir` private unless `/` already was made private
/// (as unshare(1) does; `EINVAL`, not a mount point, is fine), then mount
/// proc of this process's PID namespace on it.
fn mount_proc(dir: &Path, root_private: bool) -> io::Result<()> {
    if !root_private {
        match mount_change(
            dir,
            MountPropagationFlags::PRIVATE | MountPropagationFlags::REC,
        ) {
            Ok(()) | Err(rustix::io::Errno::INVAL) => {}
            Err(e) => return Err(e.into()),
        }
    }
    mount(
        "proc",
        dir,
        "proc",
        MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC,
        None,
    )?;
    Ok(())
}

/// Execute `program` (with SIGPIPE as this process inherited it, SIGCHLD
/// ignored when the caller ignored it, the mask as it is); returns the exit
/// status after a failure.
fn exec_program(program: &OsStr, argv: &[OsString], shown: &OsStr, opts: &Opts) -> u8 {
    if opts.sigchld_ignored {
        if let Err(e) = os::set_disposition(libc::SIGCHLD, true) {
            return fail(&format!("cannot ignore SIGCHLD again: {e}"));
        }
    }
    if let Some((fd, false)) = opts.exec_fd {
        if let Err(e) = os::set_cloexec(fd) {
            return fail(&format!("cannot set close-on-exec on fd {fd}: {e}"));
        }
    }
    let err = {
        let _sigpipe = os::sigpipe_as_inherited();
        match opts.exec_fd {
            Some((fd, _)) => os::fexecve(fd, argv),
            None => os::execvp(program, argv),
        }
    };
    let _ = writeln!(
        io::stderr(),
        "execns: {}: {}",
        shown.to_string_lossy(),
        execns::error_message(&err)
    );
    crate::cli::exec_status(err.raw_os_error().unwrap_or(0))
}

pub fn run(args: &[OsString]) -> u8 {
    if args.len() < 6 {
        return fail("stage 2: bad arguments (internal error)");
    }
    let Some(opts) = Opts::decode(&args[0]) else {
        return fail("stage 2: bad options (internal error)");
    };
    let mut sources = Vec::new();
    for fd in 0..3u8 {
        match Source::decode(&args[1 + usize::from(fd)], fd) {
            Some(s) => sources.push(s),
            None => return fail("stage 2: bad stream argument (internal error)"),
        }
    }
    let program = &args[4];
    let argv0 = &args[5];
    let rest = &args[6..];

    // Open all three first, so that errors can go to the program's stderr.
    let mut errors = Vec::new();
    let mut passed = Vec::new().into_iter();
    if sources.contains(&Source::Passed) {
        match &opts.pass {
            Some((holder, sock)) => {
                match crate::pass::fetch(sock) {
                    Ok(fds) => passed = fds.into_iter(),
                    Err(e) => errors.push(format!(
                        "cannot get the caller's streams from {}: {}",
                        sock.display(),
                        execns::error_message(&e)
                    )),
                }
                if let Err(e) = wait_for_child(*holder, "stream holder") {
                    errors.push(format!("stream holder: {e}"));
                }
            }
            None => return fail("stage 2: passed stream without a holder (internal error)"),
        }
    }
    let mut files: Vec<Option<File>> = Vec::new();
    for (fd, src) in sources.iter().enumerate() {
        let opened = match src {
            Source::Keep => {
                files.push(None);
                continue;
            }
            Source::Dup(n) => match &files[usize::from(*n)] {
                Some(f) => f.try_clone(),
                None => dup_std(usize::from(*n)),
            },
            Source::Passed => passed
                .next()
                .map(File::from)
                .ok_or_else(|| io::Error::from_raw_os_error(libc::EBADF)),
            s => s.open(),
        };
        match opened {
            Ok(f) => files.push(Some(f)),
            Err(e) => {
                errors.push(format!(
                    "cannot open {} for {}: {}",
                    src.describe(),
                    crate::stdio::STREAM_NAMES[fd],
                    execns::error_message(&e)
                ));
                // Keep going with /dev/null so the message can be seen.
                match Source::Null.open() {
                    Ok(f) => files.push(Some(f)),
                    Err(e) => return fail(&format!("cannot open /dev/null: {e}")),
                }
            }
        }
    }
    if let Err(e) = install(files) {
        return fail(&format!("cannot set up standard streams: {e}"));
    }
    if let Some(helper) = opts.helper {
        if let Err(e) = wait_for_child(helper, "user namespace helper") {
            errors.push(match opts.map_root {
                Some((uid, _)) => format!(
                    "cannot map root to uid {uid}: {}",
                    execns::error_message(&e)
                ),
                None => format!(
                    "cannot set up the new user namespace: {}",
                    execns::error_message(&e)
                ),
            });
        }
    }
    if let Some(code) = fail_all(&errors) {
        return code;
    }
    if opts.map_root.is_some() && opts.mount_proc.is_some() {
        // Mapped to root only now: executing again gives this stage the
        // capabilities of root in the new user namespace, to mount proc.
        let again = Opts {
            fork: opts.fork,
            mount_proc: opts.mount_proc.clone(),
            sigchld_ignored: opts.sigchld_ignored,
            exec_fd: opts.exec_fd,
            ..Opts::default()
        };
        let mut argv: Vec<OsString> = vec!["execns".into(), STAGE2_ARG.into(), again.encode()];
        argv.extend(std::iter::repeat_n(Source::Keep.encode(), 3));
        argv.extend(args[4..].iter().cloned());
        let err = {
            let _sigpipe = os::sigpipe_as_inherited();
            os::execvp(OsStr::new("/proc/self/exe"), &argv)
        };
        return fail(&format!(
            "cannot execute /proc/self/exe again as root of the new user namespace: {}",
            execns::error_message(&err)
        ));
    }
    if let Some(p) = opts.propagation {
        if let Err(e) = mount_change("/", p | MountPropagationFlags::REC) {
            errors.push(format!(
                "cannot change propagation of /: {}",
                execns::error_message(&io::Error::from(e))
            ));
        }
    }
    if let Some(sg) = opts.setgroups {
        if let Err(e) = std::fs::write("/proc/self/setgroups", sg.as_str()) {
            errors.push(format!(
                "cannot write /proc/self/setgroups: {}",
                execns::error_message(&e)
            ));
        }
    }
    if let Some(code) = fail_all(&errors) {
        return code;
    }
    if opts.fork {
        match fork_and_wait() {
            Ok(None) => {}
            Ok(Some(code)) => return code,
            Err(e) => return fail(&e),
        }
    }
    if let Some(dir) = &opts.mount_proc {
        let root_private = opts.propagation == Some(MountPropagationFlags::PRIVATE);
        if let Err(e) = mount_proc(dir, root_private) {
            return fail(&format!(
                "cannot mount proc on {}: {}",
                dir.display(),
                execns::error_message(&e)
            ));
        }
    }
    let mut argv = Vec::with_capacity(rest.len() + 1);
    argv.push(argv0.clone());
    argv.extend(rest.iter().cloned());
    exec_program(program, &argv, argv0, &opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opts_roundtrip() {
        for o in [
            Opts::default(),
            Opts {
                propagation: Some(MountPropagationFlags::PRIVATE),
                ..Opts::default()
            },
            Opts {
                propagation: Some(MountPropagationFlags::SHARED),
                helper: Some(42),
                map_root: Some((1000, 100)),
                pass: Some((7, "/tmp/a:b/s".into())),
                ..Opts::default()
            },
            Opts {
                propagation: Some(MountPropagationFlags::DOWNSTREAM),
                helper: Some(1),
                map_root: Some((0, 0)),
                setgroups: Some(SetGroups::Deny),
                ..Opts::default()
            },
            Opts {
                pass: Some((9, "/tmp/execns.1.2/s".into())),
                ..Opts::default()
            },
            Opts {
                fork: true,
                ..Opts::default()
            },
            Opts {
                setgroups: Some(SetGroups::Allow),
                fork: true,
                mount_proc: Some("/proc".into()),
                pass: Some((9, "/tmp/pass=x/s".into())),
                ..Opts::default()
            },
            Opts {
                sigchld_ignored: true,
                ..Opts::default()
            },
            Opts {
                exec_fd: Some((7, false)),
                fork: true,
                ..Opts::default()
            },
            Opts {
                exec_fd: Some((0, true)),
                pass: Some((9, "/tmp/s".into())),
                ..Opts::default()
            },
            Opts {
                fork: true,
                sigchld_ignored: true,
                pass: Some((9, "/tmp/s".into())),
                ..Opts::default()
            },
            // Any bytes in the proc directory, even ",pass=" and non-UTF-8.
            Opts {
                mount_proc: Some(PathBuf::from(OsString::from_vec(
                    b"/tmp/a,pass=1:/x %41 \xff\n".to_vec(),
                ))),
                pass: Some((3, "/tmp/s".into())),
                ..Opts::default()
            },
        ] {
            let enc = o.encode();
            assert!(enc.to_str().is_some(), "{enc:?}");
            assert_eq!(Opts::decode(&enc), Some(o.clone()), "{o:?} as {enc:?}");
        }
        for bad in [
            "bogus=1",
            "map-root=x:1",
            "map-root=1:2:3",
            "fork=1",
            "chld-ign=1",
            "helper=",
            "setgroups=maybe",
            "mount-proc=",
            "mount-proc=%4",
            "mount-proc=%zz",
            "pass=1",
            "fork,,pass=1:/s",
            "",
        ] {
            assert_eq!(Opts::decode(OsStr::new(bad)), None, "{bad}");
        }
    }

    #[test]
    fn escaping_keeps_common_paths_readable() {
        assert_eq!(escape(Path::new("/proc")), "/proc");
        assert_eq!(escape(Path::new("/tmp/my proc,1")), "/tmp/my%20proc%2C1");
        assert_eq!(
            unescape("/tmp/my%20proc%2c1"),
            Some("/tmp/my proc,1".into())
        );
    }

    #[test]
    fn bad_arguments_fail_with_125() {
        assert_eq!(run(&[]), status::EXECNS_FAILED);
        let a: Vec<OsString> = ["-", "null", "null", "bogus", "/bin/true", "true"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(run(&a), status::EXECNS_FAILED);
    }
}
