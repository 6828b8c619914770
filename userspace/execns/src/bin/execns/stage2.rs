//! Stage 2: the CLI exec'd by `execns(2)` into the new namespaces, with no fd
//! open. It reopens the chosen files on fds 0-2, optionally maps root and sets
//! mount propagation, then executes the program.
//!
//! Arguments (after `--execns-stage2`):
//! `OPTS SPEC0 SPEC1 SPEC2 PATH ARGV0 [ARGS...]` where OPTS is `-` or a
//! comma-separated list of `propagation=private|shared|slave` and
//! `map-root=UID:GID`, and each SPEC is a [`Source`] encoding.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::fd::IntoRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

use rustix::mount::{mount_change, MountPropagationFlags};

use crate::status;
use crate::stdio::Source;

/// Options for stage 2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opts {
    pub propagation: Option<MountPropagationFlags>,
    /// (uid, gid, pid of the mapping helper to wait for)
    pub map_root: Option<(u32, u32, u32)>,
    /// (pid of the stream holder, its socket): see `pass`. Encoded last.
    pub pass: Option<(u32, PathBuf)>,
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
        if let Some((u, g, p)) = self.map_root {
            items.push(format!("map-root={u}:{g}:{p}"));
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
        let mut s = s;
        if let Some(idx) = s.find("pass=") {
            if idx == 0 || s[..idx].ends_with(',') {
                let (pid, path) = s[idx + 5..].split_once(':')?;
                if path.is_empty() {
                    return None;
                }
                o.pass = Some((pid.parse().ok()?, PathBuf::from(path)));
                s = s[..idx].trim_end_matches(',');
                if s.is_empty() {
                    return Some(o);
                }
            }
        }
        for item in s.split(',') {
            let (k, v) = item.split_once('=')?;
            match k {
                "propagation" => {
                    o.propagation = Some(match v {
                        "private" => MountPropagationFlags::PRIVATE,
                        "shared" => MountPropagationFlags::SHARED,
                        "slave" => MountPropagationFlags::DOWNSTREAM,
                        _ => return None,
                    })
                }
                "map-root" => {
                    let mut it = v.split(':');
                    let u = it.next()?.parse().ok()?;
                    let g = it.next()?.parse().ok()?;
                    let p = it.next()?.parse().ok()?;
                    if it.next().is_some() {
                        return None;
                    }
                    o.map_root = Some((u, g, p));
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

/// Wait for a helper child (the mapping helper, see `mapper`, or the stream
/// holder, see `pass`) and tell whether it succeeded.
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

/// Put `files` on fds 0, 1, 2. A file already on its own target fd is kept
/// open (leaked on purpose); every other one is closed after dup2.
fn install(files: Vec<File>) -> io::Result<()> {
    for (fd, f) in files.into_iter().enumerate() {
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
    let mut files: Vec<File> = Vec::new();
    for (fd, src) in sources.iter().enumerate() {
        let opened = match src {
            Source::Dup(n) => files[usize::from(*n)].try_clone(),
            Source::Passed => passed
                .next()
                .map(File::from)
                .ok_or_else(|| io::Error::from_raw_os_error(libc::EBADF)),
            s => s.open(),
        };
        match opened {
            Ok(f) => files.push(f),
            Err(e) => {
                errors.push(format!(
                    "cannot open {} for {}: {}",
                    src.describe(),
                    crate::stdio::STREAM_NAMES[fd],
                    execns::error_message(&e)
                ));
                // Keep going with /dev/null so the message can be seen.
                match Source::Null.open() {
                    Ok(f) => files.push(f),
                    Err(e) => return fail(&format!("cannot open /dev/null: {e}")),
                }
            }
        }
    }
    if let Err(e) = install(files) {
        return fail(&format!("cannot set up standard streams: {e}"));
    }
    if let Some((uid, _gid, helper)) = opts.map_root {
        if let Err(e) = wait_for_child(helper, "mapping helper") {
            errors.push(format!(
                "cannot map root to uid {uid}: {}",
                execns::error_message(&e)
            ));
        }
    }
    if let Some(p) = opts.propagation {
        if let Err(e) = mount_change("/", p | MountPropagationFlags::REC) {
            errors.push(format!(
                "cannot change propagation of /: {}",
                execns::error_message(&io::Error::from(e))
            ));
        }
    }
    if !errors.is_empty() {
        for e in &errors {
            let _ = writeln!(io::stderr(), "execns: {e}");
        }
        return status::EXECNS_FAILED;
    }
    let err = std::process::Command::new(program)
        .arg0(argv0)
        .args(rest)
        .exec();
    let _ = writeln!(
        io::stderr(),
        "execns: {}: {}",
        argv0.to_string_lossy(),
        execns::error_message(&err)
    );
    crate::cli::exec_status(err.raw_os_error().unwrap_or(0))
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
                map_root: None,
                pass: None,
            },
            Opts {
                propagation: Some(MountPropagationFlags::SHARED),
                map_root: Some((1000, 100, 42)),
                pass: Some((7, "/tmp/a:b/s".into())),
            },
            Opts {
                propagation: Some(MountPropagationFlags::DOWNSTREAM),
                map_root: Some((0, 0, 1)),
                pass: None,
            },
            Opts {
                propagation: None,
                map_root: None,
                pass: Some((9, "/tmp/execns.1.2/s".into())),
            },
        ] {
            assert_eq!(Opts::decode(&o.encode()), Some(o.clone()), "{o:?}");
        }
        assert_eq!(Opts::decode(OsStr::new("bogus=1")), None);
        assert_eq!(Opts::decode(OsStr::new("map-root=x:1")), None);
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
