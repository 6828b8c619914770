//! execns-sample-rs: the C sample's demonstration through the safe `execns`
//! crate.
//!
//! Stage 1 prints its namespaces and hostname and runs a child (itself with
//! `--child`) that opens a descriptor without `O_CLOEXEC` and calls
//!
//! ```text
//! Execns::new("/proc/self/exe").args(["--stage2", ...])
//!     .namespaces(Namespaces::UTS | Namespaces::MOUNT | Namespaces::IPC [| Namespaces::USER])
//!     .exec()
//! ```
//!
//! (`USER` when not root). Stage 2 starts with no descriptor open; it lists
//! `/proc/self/fd` first, then opens the output path it was given and prints
//! TAP lines. Stage 1 then checks its own hostname and namespaces.
//!
//! Rust's runtime opens `/dev/null` on fds 0-2 when they are closed at start,
//! so stage 2 finds exactly those three (all `/dev/null`) besides the
//! directory listing's own fd: the descriptors stage 1 had are gone.
//!
//! Then `execns2` through the same builder: a child runs this program again
//! by file descriptor (`Execns::exec_fd` of an `O_PATH` descriptor of the
//! executable) with only its stdout, a pipe to stage 1, kept at 1
//! (`Execns::keep_fd(1, 1)`), and, when not root, as root of its new user
//! namespace (`Execns::map_root_user`: the maps written in the call); stage 3
//! reports what it started with (fds, uid) through that pipe. Skipped on a
//! kernel without `execns2`
//! (`/sys/kernel/execns/execns2_nr`).
//!
//! The system call number comes from the running kernel, through the crate
//! (`/sys/kernel/execns/nr`, see `execns::syscall_nr`): on a kernel without
//! that file the sample says so and skips, without making any system call.
//!
//! Usage: `execns-sample-rs [--out PATH]`. Exit status: 0 all ok, 1 a check
//! failed, 4 skipped (the running kernel does not provide execns).

#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::{AsRawFd, IntoRawFd};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use execns::{ErrnoExt, Execns, Namespaces};

const KSFT_SKIP: u8 = 4;
const NEW_HOSTNAME: &str = "execns-sample-rs";
const NS: [(&str, Namespaces); 4] = [
    ("uts", Namespaces::UTS),
    ("mnt", Namespaces::MOUNT),
    ("ipc", Namespaces::IPC),
    ("user", Namespaces::USER),
];

fn ns_link(name: &str) -> String {
    std::fs::read_link(format!("/proc/self/ns/{name}"))
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "?".into())
}

fn hostname() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

/// TAP writer.
struct Tap<W: Write> {
    out: W,
    n: u32,
    failed: bool,
}

impl<W: Write> Tap<W> {
    fn result(&mut self, ok: bool, what: &str) {
        self.n += 1;
        let _ = writeln!(
            self.out,
            "{}ok {} - {what}",
            if ok { "" } else { "not " },
            self.n
        );
        self.failed |= !ok;
    }

    fn skip(&mut self, what: &str, why: &str) {
        self.n += 1;
        let _ = writeln!(self.out, "ok {} - {what} # SKIP {why}", self.n);
    }

    fn diag(&mut self, msg: &str) {
        let _ = writeln!(self.out, "# {msg}");
    }
}

/// Where stage 2 should write: stage 1's stdout if it has a usable name.
fn output_path() -> PathBuf {
    if let Ok(link) = std::fs::read_link("/proc/self/fd/1") {
        let usable = link.is_absolute()
            && (io::stdout().is_terminal() || std::fs::metadata(&link).is_ok_and(|m| m.is_file()));
        if usable {
            return link;
        }
    }
    PathBuf::from("/dev/console")
}

fn stage2(args: &[OsString]) -> u8 {
    // args: OUT FLAGS STRAY_FD uts mnt ipc user
    // Before opening anything: what is open?
    let me = format!("/proc/{}/fd", std::process::id());
    let entries = open_fds();
    if args.len() != 7 {
        return 2;
    }
    let out_path = PathBuf::from(&args[0]);
    let out = OpenOptions::new()
        .append(true)
        .open(&out_path)
        .or_else(|_| OpenOptions::new().write(true).open("/dev/console"));
    let Ok(out) = out else { return 3 };
    let mut t = Tap {
        out,
        n: 0,
        failed: false,
    };
    let flags = Namespaces::from_bits_truncate(args[1].to_string_lossy().parse().unwrap_or(0));
    let stray: u32 = args[2].to_string_lossy().parse().unwrap_or(0);

    t.diag(&format!(
        "stage 2: pid {}, uid {}, namespaces {:?}",
        std::process::id(),
        rustix::process::getuid().as_raw(),
        flags.clone_names()
    ));
    for (fd, target) in &entries {
        t.diag(&format!("at start: fd {fd} -> {target}"));
    }
    let only_runtime_and_listing = entries
        .iter()
        .all(|(fd, target)| (*fd <= 2 && target == "/dev/null") || *target == me);
    t.result(
        only_runtime_and_listing && entries.len() <= 4,
        "fd table empty after execns: only the listing's fd and 0-2 on /dev/null (opened by Rust's runtime)",
    );
    t.result(
        !entries.iter().any(|(fd, _)| *fd == stray),
        &format!("fd {stray}, open without O_CLOEXEC in stage 1, is closed"),
    );
    for (i, (name, flag)) in NS.iter().enumerate() {
        let before = args[3 + i].to_string_lossy();
        let now = ns_link(name);
        t.diag(&format!("{name:<4} before {before}, now {now}"));
        if flags.contains(*flag) {
            t.result(now != before, &format!("{name} namespace is new"));
        } else {
            t.result(
                now == before,
                &format!("{name} namespace unchanged (not requested)"),
            );
        }
    }
    if ns_link("uts") == args[3].to_string_lossy() {
        t.result(false, "sethostname not tried: the UTS namespace is not new");
    } else if flags.contains(Namespaces::USER) {
        t.skip(
            "sethostname in the new UTS namespace",
            "unprivileged: no capability in the new user namespace after exec",
        );
    } else {
        match rustix::system::sethostname(NEW_HOSTNAME.as_bytes()) {
            Ok(()) => {
                let h = hostname();
                t.result(
                    h == NEW_HOSTNAME,
                    &format!("hostname changed to {h} in the new UTS namespace"),
                );
            }
            Err(e) => t.result(false, &format!("sethostname: {e}")),
        }
    }
    u8::from(t.failed)
}

/// What is open, from `/proc/self/fd`: (fd, target), sorted.
fn open_fds() -> Vec<(u32, String)> {
    let mut entries: Vec<(u32, String)> = Vec::new();
    if let Ok(rd) = std::fs::read_dir("/proc/self/fd") {
        for e in rd.flatten() {
            let fd: u32 = e.file_name().to_string_lossy().parse().unwrap_or(u32::MAX);
            let target = std::fs::read_link(e.path())
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            entries.push((fd, target));
        }
    }
    entries.sort();
    entries
}

/// Stage 3 (execns2): fd 1 must be stage 1's pipe, 0 and 2 `/dev/null` (from
/// Rust's runtime), nothing else but the listing's own fd. Says so on fd 1.
fn stage3() -> u8 {
    let me = format!("/proc/{}/fd", std::process::id());
    let entries = open_fds();
    let ok = entries.iter().all(|(fd, target)| match fd {
        1 => target.starts_with("pipe:"),
        0 | 2 => target == "/dev/null",
        _ => *target == me,
    }) && entries.iter().any(|(fd, _)| *fd == 1);
    // Root: stage 1 was, or the call mapped our uid to 0 (map_root_user).
    let uid = rustix::process::getuid().as_raw();
    let ok = ok && uid == 0;
    let list: Vec<String> = entries.iter().map(|(fd, t)| format!("{fd}:{t}")).collect();
    println!(
        "stage3 {} uid {uid} fds {}",
        if ok { "ok" } else { "bad" },
        list.join(" ")
    );
    u8::from(!ok)
}

/// The child of stage 1 for execns2: the program by an `O_PATH` descriptor,
/// only stdout kept.
fn keep_child(args: &[OsString]) -> u8 {
    let flags = Namespaces::from_bits_truncate(
        args.first()
            .map(|a| a.to_string_lossy().parse().unwrap_or(0))
            .unwrap_or(0),
    );
    let exe = match rustix::fs::open(
        "/proc/self/exe",
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(e) => {
            eprintln!("execns-sample-rs: open /proc/self/exe: {e}");
            return 2;
        }
    };
    let mut call = Execns::new("execns-sample-rs");
    call.arg("--stage3")
        .exec_fd(exe.as_raw_fd())
        .keep_fd(1, 1)
        .namespaces(flags);
    if flags.contains(Namespaces::USER) {
        call.map_root_user();
    }
    let err = call.exec();
    eprintln!("execns-sample-rs: execns2: {err}");
    let errno = err.errno().unwrap_or(0);
    64 + u8::try_from(errno).unwrap_or(0).min(190)
}

/// Stage 1's execns2 check: run `keep_child` with a pipe as stdout, read
/// stage 3's report from it.
fn execns2_check(flags: Namespaces) -> (bool, String) {
    let me = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
    let child = Command::new(me)
        .arg("--keep-child")
        .arg(flags.as_raw().to_string())
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return (false, format!("execns2: cannot run the child: {e}")),
    };
    let mut report = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut report);
    }
    let status = child.wait().map(|s| s.code());
    let report = report.trim().to_string();
    let ok = matches!(status, Ok(Some(0))) && report.starts_with("stage3 ok");
    (
        ok,
        format!(
            "execns2 (Execns::exec_fd of an O_PATH fd, keep_fd(1, 1), map_root_user when \
             not root): only the pipe at 1, uid 0 ({report}; status {status:?})"
        ),
    )
}

/// The child of stage 1: make a stray fd, then execns into stage 2.
fn child(args: &[OsString]) -> u8 {
    // args: OUT FLAGS uts mnt ipc user
    if args.len() != 6 {
        return 2;
    }
    let flags = Namespaces::from_bits_truncate(args[1].to_string_lossy().parse().unwrap_or(0));
    // dup(2) gives descriptors without O_CLOEXEC: execve would keep them.
    // Make a few, so the last one is well above what stage 2 opens itself.
    let mut stray = -1;
    for _ in 0..10 {
        if let Ok(fd) = rustix::io::dup(io::stdout()) {
            stray = fd.into_raw_fd();
        }
    }
    let err = Execns::new("/proc/self/exe")
        .arg0("execns-sample-rs")
        .arg("--stage2")
        .arg(&args[0])
        .arg(&args[1])
        .arg(stray.to_string())
        .args(&args[2..6])
        .namespaces(flags)
        .exec();
    eprintln!("execns-sample-rs: execns: {err}");
    let errno = err.errno().unwrap_or(0);
    64 + u8::try_from(errno).unwrap_or(0).min(190)
}

fn stage1(out: PathBuf) -> u8 {
    let stdout = io::stdout();
    let mut t = Tap {
        out: stdout.lock(),
        n: 0,
        failed: false,
    };
    let mut flags = Namespaces::UTS | Namespaces::MOUNT | Namespaces::IPC;
    if !rustix::process::geteuid().is_root() {
        flags |= Namespaces::USER;
    }
    let host = hostname();
    let before: Vec<String> = NS.iter().map(|(n, _)| ns_link(n)).collect();
    let _ = writeln!(t.out, "TAP version 13");
    // The number of execns on this kernel; none: nothing to show.
    match execns::syscall_nr() {
        Ok(nr) => t.diag(&format!(
            "execns is system call {nr} on this kernel ({})",
            execns::NR_PATH
        )),
        Err(e) => {
            let _ = writeln!(t.out, "1..0 # SKIP {e}");
            return KSFT_SKIP;
        }
    }
    t.diag(&format!(
        "stage 1: pid {}, uid {}, hostname {host}",
        std::process::id(),
        rustix::process::getuid().as_raw()
    ));
    for ((name, _), link) in NS.iter().zip(&before) {
        t.diag(&format!("{name:<4} {link}"));
    }
    t.diag(&format!(
        "Execns::new(\"/proc/self/exe\").namespaces({}).exec(), stage 2 writes to {}",
        flags.clone_names().join("|"),
        out.display()
    ));
    let _ = t.out.flush();

    let me = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
    let status = Command::new(me)
        .arg("--child")
        .arg(&out)
        .arg(flags.as_raw().to_string())
        .args(&before)
        .status();
    let code = match status {
        Ok(s) => s.code(),
        Err(e) => {
            t.result(false, &format!("cannot run the child: {e}"));
            let _ = writeln!(t.out, "1..1");
            return 1;
        }
    };
    // Stage 2 appended to our output file, if that is where it wrote:
    // continue after its lines.
    let _ = rustix::fs::seek(io::stdout(), rustix::fs::SeekFrom::End(0));
    t.n = 7;
    match code {
        Some(c) if c >= 64 => {
            let errno = c - 64;
            t.n = 0;
            if errno == libc::ENOSYS {
                // The call itself said ENOSYS: the child printed why.
                let _ = writeln!(t.out, "1..0 # SKIP {}", execns::LACKS_EXECNS_MESSAGE);
                return KSFT_SKIP;
            }
            t.result(false, &format!("execns: {}", execns::strerror(errno)));
        }
        Some(c) if c >= 2 => {
            t.n = 0;
            t.result(false, &format!("stage 2 could not set up (status {c})"));
        }
        Some(0) => t.result(true, "stage 2 exited with status 0"),
        other => t.result(false, &format!("stage 2 exited with {other:?}")),
    }
    let host2 = hostname();
    t.result(
        host2 == host,
        &format!("stage 1's hostname is still {host2}"),
    );
    let after: Vec<String> = NS.iter().map(|(n, _)| ns_link(n)).collect();
    t.result(after == before, "stage 1's namespaces are unchanged");
    match execns::sys::execns2_syscall_nr() {
        Ok(_) => {
            let (ok, what) = execns2_check(flags);
            t.result(ok, &what);
        }
        Err(e) => t.skip("execns2 (Execns::exec_fd, keep_fd)", &e.to_string()),
    }
    let _ = writeln!(t.out, "1..{}", t.n);
    u8::from(t.failed)
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let code = match args.get(1).and_then(|a| a.to_str()) {
        Some("--stage2") => stage2(&args[2..]),
        Some("--child") => child(&args[2..]),
        Some("--keep-child") => keep_child(&args[2..]),
        Some("--stage3") => stage3(),
        Some("--out") if args.len() == 3 => stage1(PathBuf::from(&args[2])),
        None => stage1(output_path()),
        _ => {
            eprintln!("usage: execns-sample-rs [--out PATH]");
            2
        }
    };
    ExitCode::from(code)
}
