//! Option parsing and the first stage: decide the streams, call execns(2).

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;

use clap::{CommandFactory, Parser, ValueEnum};
use execns::{Execns, Namespaces};
use rustix::mount::MountPropagationFlags;

use crate::stage2::Opts;
use crate::stdio::{self, Source};
use crate::{os, status, STAGE2_ARG};

const AFTER_HELP: &str = "\
Without PROGRAM, execns runs $SHELL (/bin/sh if unset or empty) as a login
shell, as unshare(1) does.

Standard streams:
  execns(2) closes every file descriptor of the new program, 0, 1 and 2
  included. Unless --no-stdio is given, PROGRAM gets exactly fds 0, 1 and 2.
  When the kernel has execns2(2) (/sys/kernel/execns/execns2_nr) and
  EXECNS_NO_EXECNS2 is not set, they travel in its fd map: the caller's very
  open files (terminal, /dev/null, file, pipe, socket), a --stdin/--stdout/
  --stderr PATH opened by execns before the call, /dev/null for a closed fd;
  PROGRAM is executed directly (execns2 also writes the maps of -r and
  --setgroups with a new user namespace), unless --setgroups without -U,
  -m (propagation), -f or --mount-proc need a second stage (which keeps
  the three fds).
  Without execns2, execns execs a second stage of itself into the new
  namespaces, which puts one file on each of fds 0, 1 and 2 and then
  executes PROGRAM. For each stream PROGRAM then gets:
    --stdin/--stdout/--stderr PATH   that file: stdin read-only; stdout and
        stderr write-only, created (0666 & ~umask) and truncated before
        execns(2) is called, like the shell's '>'. The same PATH for --stdout
        and --stderr gives one shared open file, like '>PATH 2>&1'.
    otherwise, when execns's own fd is a terminal or another device with a
        name (e.g. /dev/pts/0, /dev/console, /dev/null) that execns can open
        again: that device, opened again by name (same access mode) in the
        new namespaces. Streams on the same device in the same mode share one
        open file (as a terminal on 0-2 usually is).
    otherwise, when execns's own fd is open (a regular file, a pipe, a
        socket...): that very open file (same offset and flags), handed over
        through a Unix socket in $TMPDIR (or /tmp) by a short-lived helper
        process that execns starts and stage 2 reaps.
    otherwise (fd closed; or handing over failed, then with a warning on
        stderr unless --quiet): /dev/null.
  No other file descriptor is open when PROGRAM starts, except those given
  with --keep-fd SRC[:DST] (execns2 only; a DST of 0-2 replaces that
  stream). With --no-stdio,
  PROGRAM is executed directly by execns(2) and starts with no file
  descriptor open at all (and --propagation does not apply; --fork,
  --mount-proc, --setgroups and --map-root-user need the second stage).
  PROGRAM is looked up in $PATH (before execns(2)) when it has no '/'. Its
  environment is execns's environment, and so are its signal mask and
  ignored signals (as after unshare(1)).

Exit status:
  PROGRAM's status when it ran (with --fork: when PROGRAM is killed by a
  signal, execns kills itself with the same signal); otherwise
    1    usage error, or a --stdin/--stdout/--stderr PATH cannot be opened
         (nothing was done)
    125  execns(2) failed (message 'execns: PROGRAM: <error>'; e.g. EPERM, or
         'the running kernel does not provide execns(2) (no
         /sys/kernel/execns/nr)'), or the second stage could not set up the
         streams, the user namespace, the mount propagation, --setgroups,
         the fork or the proc mount
    126  PROGRAM was found but cannot be executed
    127  PROGRAM was not found

PID and time namespaces (-p, -T) apply as with unshare(2): without --fork
PROGRAM keeps its PID and its children are in the new PID namespace (the
first one is its PID 1); with --fork PROGRAM is PID 1 (-pf --mount-proc
gives it a matching /proc). PROGRAM itself is in the new time namespace.
The differences from unshare(1) are listed in execns(1).";

/// Mount propagation for `--propagation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Propagation {
    /// make every mount private (recursively), like unshare(1)'s default
    Private,
    /// make every mount shared
    Shared,
    /// make every mount a slave
    Slave,
    /// leave propagation as in the copied mount namespace
    Unchanged,
}

/// `--setgroups`: what `/proc/PID/setgroups` of the program's user namespace
/// says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SetGroups {
    /// setgroups(2) allowed (the default of a new user namespace)
    Allow,
    /// setgroups(2) denied for good in the user namespace
    Deny,
}

impl SetGroups {
    /// The word written to the setgroups file.
    pub fn as_str(self) -> &'static str {
        match self {
            SetGroups::Allow => "allow",
            SetGroups::Deny => "deny",
        }
    }
}

/// Run a program in new namespaces with execns(2), like unshare(1) followed by
/// exec, but in one all-or-nothing system call that also closes every file
/// descriptor.
#[derive(Debug, PartialEq, Eq, Parser)]
#[command(
    name = "execns",
    version,
    about = "Run a program in new namespaces with execns(2)",
    after_help = AFTER_HELP,
    override_usage = "execns [OPTIONS] [--] [PROGRAM [ARGS...]]"
)]
pub struct Cli {
    /// unshare the mount namespace (CLONE_NEWNS)
    #[arg(short = 'm', long)]
    pub mount: bool,
    /// unshare the UTS namespace: hostname, domainname (CLONE_NEWUTS)
    #[arg(short = 'u', long)]
    pub uts: bool,
    /// unshare the IPC namespace (CLONE_NEWIPC)
    #[arg(short = 'i', long)]
    pub ipc: bool,
    /// unshare the network namespace (CLONE_NEWNET)
    #[arg(short = 'n', long)]
    pub net: bool,
    /// unshare the PID namespace for PROGRAM's children, or for PROGRAM with
    /// --fork (CLONE_NEWPID)
    #[arg(short = 'p', long)]
    pub pid: bool,
    /// unshare the user namespace (CLONE_NEWUSER)
    #[arg(short = 'U', long)]
    pub user: bool,
    /// unshare the cgroup namespace (CLONE_NEWCGROUP)
    #[arg(short = 'C', long)]
    pub cgroup: bool,
    /// unshare the time namespace (CLONE_NEWTIME)
    #[arg(short = 'T', long)]
    pub time: bool,
    /// get a fresh System V semaphore undo list (CLONE_SYSVSEM)
    #[arg(long)]
    pub sysvsem: bool,
    /// map the current user and group to root in the new user namespace
    /// (implies --user and --setgroups deny)
    #[arg(short = 'r', long)]
    pub map_root_user: bool,
    /// fork: PROGRAM runs in a child (with -p: PID 1 of the new PID
    /// namespace); execns waits for it, forwards signals and exits as it did
    #[arg(short = 'f', long)]
    pub fork: bool,
    /// mount proc on DIR (default /proc) before PROGRAM starts (implies
    /// --mount; use with -pf for the new PID namespace)
    #[arg(
        long,
        value_name = "DIR",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "/proc"
    )]
    pub mount_proc: Option<PathBuf>,
    /// allow or deny setgroups(2) in the user namespace
    #[arg(long, value_enum, value_name = "allow|deny")]
    pub setgroups: Option<SetGroups>,
    /// mount propagation set in a new mount namespace (with --mount, not with
    /// --user)
    #[arg(long, value_enum, value_name = "MODE", default_value = "private")]
    pub propagation: Propagation,
    /// give PROGRAM this file as standard input
    #[arg(long, value_name = "PATH")]
    pub stdin: Option<PathBuf>,
    /// give PROGRAM this file (created/truncated) as standard output
    #[arg(long, value_name = "PATH")]
    pub stdout: Option<PathBuf>,
    /// give PROGRAM this file (created/truncated) as standard error
    #[arg(long, value_name = "PATH")]
    pub stderr: Option<PathBuf>,
    /// execute PROGRAM directly: it starts with no file descriptor open
    #[arg(
        long,
        conflicts_with_all = [
            "stdin",
            "stdout",
            "stderr",
            "map_root_user",
            "fork",
            "mount_proc",
            "setgroups"
        ]
    )]
    pub no_stdio: bool,
    /// keep this process's file descriptor SRC open in PROGRAM as fd DST
    /// (default: SRC; 0-2 replace that stream); repeatable; needs execns2(2)
    #[arg(long, value_name = "SRC[:DST]", value_parser = parse_keep_fd)]
    pub keep_fd: Vec<KeepFd>,
    /// execute the file open at FD (a memfd, an O_PATH fd, as execveat(2)
    /// with AT_EMPTY_PATH) instead of looking PROGRAM up; PROGRAM is then
    /// only argv[0]; needs execns2(2)
    #[arg(long, value_name = "FD", value_parser = parse_fd)]
    pub exec_fd: Option<i32>,
    /// first join the namespaces of process PID that differ from execns's own
    /// (user, mount, UTS, IPC, network, PID, cgroup, time; as nsenter --all
    /// --target PID), at exec time, then unshare the options' namespaces
    /// inside them; needs execns2(2)
    #[arg(long, value_name = "PID", value_parser = clap::value_parser!(i32).range(1..))]
    pub join: Option<i32>,
    /// do not warn about streams that cannot be passed on
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// execns2(2) writes the new user namespace's maps and setgroups (-r,
    /// --setgroups): no user-namespace helper (set by `run`).
    #[arg(skip)]
    pub maps_in_call: bool,
    /// the program to run, and its arguments (default: $SHELL, as a login
    /// shell)
    #[arg(trailing_var_arg = true, value_name = "PROGRAM", num_args = 1..)]
    pub command: Vec<OsString>,
}

/// `--keep-fd SRC[:DST]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeepFd {
    /// This process's fd.
    pub src: i32,
    /// The program's fd number for it.
    pub dst: i32,
}

/// A file descriptor number on the command line.
fn parse_fd(s: &str) -> Result<i32, String> {
    s.parse::<i32>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| format!("'{s}' is not a file descriptor number"))
}

/// `SRC` or `SRC:DST`.
fn parse_keep_fd(s: &str) -> Result<KeepFd, String> {
    let (src, dst) = s.split_once(':').unwrap_or((s, s));
    Ok(KeepFd {
        src: parse_fd(src)?,
        dst: parse_fd(dst)?,
    })
}

impl Cli {
    /// The `unshare_flags` the options ask for.
    pub fn namespaces(&self) -> Namespaces {
        let mut ns = Namespaces::empty();
        for (on, flag) in [
            (self.mount || self.mount_proc.is_some(), Namespaces::MOUNT),
            (self.uts, Namespaces::UTS),
            (self.ipc, Namespaces::IPC),
            (self.net, Namespaces::NET),
            (self.pid, Namespaces::PID),
            (self.user || self.map_root_user, Namespaces::USER),
            (self.cgroup, Namespaces::CGROUP),
            (self.time, Namespaces::TIME),
            (self.sysvsem, Namespaces::SYSVSEM),
        ] {
            if on {
                ns |= flag;
            }
        }
        ns
    }

    /// Whether the user-namespace helper (see `mapper`) must run: a new user
    /// namespace with `--map-root-user` or `--setgroups`, on a kernel where
    /// execns2(2) cannot write them in the call.
    pub fn needs_helper(&self) -> bool {
        !self.maps_in_call
            && self.namespaces().contains(Namespaces::USER)
            && (self.map_root_user || self.setgroups.is_some())
    }

    /// What execns2(2) does in the call for the options: the new user
    /// namespace's maps and setgroups (with [`Cli::maps_in_call`]), and the
    /// namespaces to join (`join`: a pidfd of `--join`'s process and the
    /// types that differ from ours).
    pub fn set_in_call(&self, call: &mut Execns, join: Option<(i32, Namespaces)>) {
        if self.maps_in_call && self.namespaces().contains(Namespaces::USER) {
            if self.map_root_user {
                call.map_root_user();
            }
            if self.setgroups == Some(SetGroups::Deny) {
                call.setgroups_deny(true);
            }
        }
        if let Some((fd, types)) = join.filter(|(_, t)| !t.is_empty()) {
            call.join(fd, types);
        }
    }

    /// Whether a second stage must run in the new namespaces before the
    /// program even when the streams travel in `execns2`'s fd map: to wait
    /// for the user-namespace helper (`-r`, `--setgroups` with `-U`), to set
    /// mount propagation (`-m` without `-U`), to write `setgroups` (without
    /// `-U`), to fork (`-f`) or to mount proc (`--mount-proc`). Everything
    /// else is done by `execns2` itself: the program is executed directly.
    pub fn needs_stage2(&self) -> bool {
        let o = self.stage2_opts(None);
        self.needs_helper()
            || o.propagation.is_some()
            || o.setgroups.is_some()
            || o.fork
            || o.mount_proc.is_some()
    }

    /// Checks clap cannot express.
    pub fn validate(&self) -> Result<(), clap::Error> {
        let conflict =
            |msg: String| Err(Cli::command().error(clap::error::ErrorKind::ArgumentConflict, msg));
        if self.map_root_user && self.setgroups == Some(SetGroups::Allow) {
            return conflict(
                "--setgroups allow and --map-root-user are mutually exclusive \
                 (an unprivileged gid_map needs setgroups denied)"
                    .into(),
            );
        }
        let streams = [&self.stdin, &self.stdout, &self.stderr];
        for (i, k) in self.keep_fd.iter().enumerate() {
            if self.keep_fd[..i].iter().any(|o| o.dst == k.dst) {
                return conflict(format!("--keep-fd: fd {} is given twice", k.dst));
            }
            if let Some(Some(_)) = usize::try_from(k.dst).ok().and_then(|d| streams.get(d)) {
                return conflict(format!(
                    "--keep-fd {}:{} and --{} both give fd {}",
                    k.src,
                    k.dst,
                    ["stdin", "stdout", "stderr"][k.dst as usize],
                    k.dst
                ));
            }
        }
        if let Some(fd) = self.exec_fd {
            if self.command.is_empty() {
                return Err(Cli::command().error(
                    clap::error::ErrorKind::MissingRequiredArgument,
                    "--exec-fd needs PROGRAM (the program's argv[0])",
                ));
            }
            // A second stage gets the program's file at its own number.
            if self.needs_stage2() && self.keep_fd.iter().any(|k| k.dst == fd && k.src != fd) {
                return conflict(format!(
                    "--exec-fd {fd}: fd {fd} is a --keep-fd target (the second stage needs it)"
                ));
            }
        }
        Ok(())
    }

    /// Stage-2 options; `helper` is the pid of the user-namespace helper.
    pub fn stage2_opts(&self, helper: Option<u32>) -> Opts {
        let user = self.namespaces().contains(Namespaces::USER);
        // With a new user namespace the program has no capability left to
        // change propagation, and need not: the copied mounts are then slaves
        // of the caller's, so nothing propagates back.
        let propagation = if (self.mount || self.mount_proc.is_some()) && !user {
            match self.propagation {
                Propagation::Private => Some(MountPropagationFlags::PRIVATE),
                Propagation::Shared => Some(MountPropagationFlags::SHARED),
                Propagation::Slave => Some(MountPropagationFlags::DOWNSTREAM),
                Propagation::Unchanged => None,
            }
        } else {
            None
        };
        let map_root = (self.map_root_user && helper.is_some()).then(|| {
            (
                rustix::process::getuid().as_raw(),
                rustix::process::getgid().as_raw(),
            )
        });
        Opts {
            propagation,
            helper,
            map_root,
            // With a new user namespace the helper writes it.
            setgroups: if user { None } else { self.setgroups },
            fork: self.fork,
            mount_proc: self.mount_proc.clone(),
            // Set by `run`, which looks at SIGCHLD.
            sigchld_ignored: false,
            exec_fd: self
                .exec_fd
                .map(|fd| (fd, self.keep_fd.iter().any(|k| k.src == fd && k.dst == fd))),
            pass: None,
        }
    }
}

/// With this environment variable set (and not empty) execns behaves as on a
/// kernel without `execns2`: no fd map, the streams go through stage 2 as
/// with `execns()` alone (tests, comparisons).
pub const NO_EXECNS2_ENV: &str = "EXECNS_NO_EXECNS2";

/// Whether the streams can travel in `execns2`'s fd map: the kernel publishes
/// `execns2` (`/sys/kernel/execns/execns2_nr`) and [`NO_EXECNS2_ENV`] does
/// not hide it.
pub fn fd_map_available() -> bool {
    std::env::var_os(NO_EXECNS2_ENV).is_none_or(|v| v.is_empty())
        && execns::sys::execns2_syscall_nr().is_ok()
}

/// [`stdio::map_fds`] for the options, with the message printed on error.
fn map_streams(cli: &Cli) -> Result<stdio::FdMap, u8> {
    stdio::map_fds([
        cli.stdin.as_deref(),
        cli.stdout.as_deref(),
        cli.stderr.as_deref(),
    ])
    .map_err(|(path, e)| {
        err_line(&path.display().to_string(), &execns::error_message(&e));
        status::USAGE
    })
}

/// The fd map of the call (execns2): the streams of `map` on fds 0-2
/// (unless a `--keep-fd` gives that fd), the `--keep-fd`s, and `stage_fd`
/// at its own number (the `--exec-fd` a second stage executes) unless a
/// `--keep-fd` gives it already. As (source, target) pairs.
pub fn fd_map_entries(
    map: Option<&stdio::FdMap>,
    keep: &[KeepFd],
    stage_fd: Option<i32>,
) -> Vec<(i32, i32)> {
    let kept = |t: i32| keep.iter().any(|k| k.dst == t);
    let streams = map.iter().flat_map(|m| (0..).zip(m.sources));
    streams
        .filter(|(target, _)| !kept(*target))
        .map(|(target, source)| (source, target))
        .chain(keep.iter().map(|k| (k.src, k.dst)))
        .chain(stage_fd.filter(|fd| !kept(*fd)).map(|fd| (fd, fd)))
        .collect()
}

/// Make `call` in the namespaces `ns`, with the fd map of
/// [`fd_map_entries`] (execns2; none when it is empty) and `SIGPIPE` as this
/// process inherited it; the caller's signal mask and other dispositions are
/// left alone. Returns the error.
fn exec_in(
    call: &mut Execns,
    ns: Namespaces,
    map: Option<&stdio::FdMap>,
    keep: &[KeepFd],
    stage_fd: Option<i32>,
) -> io::Error {
    call.namespaces(ns).reset_signals(false);
    for (source, target) in fd_map_entries(map, keep, stage_fd) {
        call.keep_fd(source, target);
    }
    let _sigpipe = os::sigpipe_as_inherited();
    call.exec()
}

/// Start the user-namespace helper (see `mapper`) for this process.
fn spawn_mapper(me: &std::path::Path, cli: &Cli) -> io::Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let orig = std::fs::read_link("/proc/self/ns/user")?;
    let setgroups = cli.setgroups.map_or("-", SetGroups::as_str);
    let map = if cli.map_root_user {
        format!(
            "{}:{}",
            rustix::process::getuid().as_raw(),
            rustix::process::getgid().as_raw()
        )
    } else {
        "-".into()
    };
    Command::new(me)
        .arg0("execns")
        .arg(crate::mapper::MAPPER_ARG)
        .arg(std::process::id().to_string())
        .arg(orig)
        .arg(setgroups)
        .arg(map)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
}

/// Status for a failed exec of the program itself.
pub fn exec_status(errno: i32) -> u8 {
    match errno {
        libc::ENOENT | libc::ENOTDIR => status::NOT_FOUND,
        libc::EACCES
        | libc::ENOEXEC
        | libc::ETXTBSY
        | libc::EISDIR
        | libc::ELIBBAD
        | libc::ELOOP
        | libc::ENAMETOOLONG => status::CANNOT_EXECUTE,
        _ => status::EXECNS_FAILED,
    }
}

/// The boolean options [`parse_simple`] knows: short name (0: none), long
/// name, and the field of [`Cli`] each sets. Not `--no-stdio`: it conflicts
/// with other options, which clap checks.
type FlagField = fn(&mut Cli) -> &mut bool;
const SIMPLE_FLAGS: [(u8, &str, FlagField); 12] = [
    (b'm', "mount", |c| &mut c.mount),
    (b'u', "uts", |c| &mut c.uts),
    (b'i', "ipc", |c| &mut c.ipc),
    (b'n', "net", |c| &mut c.net),
    (b'p', "pid", |c| &mut c.pid),
    (b'U', "user", |c| &mut c.user),
    (b'C', "cgroup", |c| &mut c.cgroup),
    (b'T', "time", |c| &mut c.time),
    (0, "sysvsem", |c| &mut c.sysvsem),
    (b'r', "map-root-user", |c| &mut c.map_root_user),
    (b'f', "fork", |c| &mut c.fork),
    (b'q', "quiet", |c| &mut c.quiet),
];

/// The common command lines without clap, whose parser costs more than the
/// rest of a run together (issue 15: `execns -u -- true` is measured against
/// `unshare -u -- true`): boolean options (short, clustered or long), an
/// optional `--`, then the program and its arguments. Anything else (an
/// option with a value, `--help`, an option given twice, `-`, an unknown
/// option) returns `None`, and clap parses the whole command line: the result
/// is the same either way (tests: `simple_parser_agrees_with_clap`).
pub fn parse_simple(args: &[OsString]) -> Option<Cli> {
    use std::os::unix::ffi::OsStrExt;
    let mut cli = Cli {
        mount: false,
        uts: false,
        ipc: false,
        net: false,
        pid: false,
        user: false,
        cgroup: false,
        time: false,
        sysvsem: false,
        map_root_user: false,
        fork: false,
        mount_proc: None,
        setgroups: None,
        propagation: Propagation::Private,
        stdin: None,
        stdout: None,
        stderr: None,
        no_stdio: false,
        keep_fd: Vec::new(),
        exec_fd: None,
        join: None,
        quiet: false,
        maps_in_call: false,
        command: Vec::new(),
    };
    let set = |cli: &mut Cli, f: Option<&(u8, &str, FlagField)>| -> Option<()> {
        let field = (f?.2)(cli);
        // clap refuses an option given twice.
        (!std::mem::replace(field, true)).then_some(())
    };
    let mut rest = args.iter().skip(1);
    for arg in rest.by_ref() {
        match arg.as_bytes() {
            b"--" => break,
            [b'-', b'-', long @ ..] => {
                let f = SIMPLE_FLAGS.iter().find(|f| f.1.as_bytes() == long);
                set(&mut cli, f)?;
            }
            [b'-', shorts @ ..] if !shorts.is_empty() => {
                for c in shorts {
                    let f = SIMPLE_FLAGS.iter().find(|f| f.0 != 0 && f.0 == *c);
                    set(&mut cli, f)?;
                }
            }
            // "-" and anything else clap may treat specially.
            [b'-'] => return None,
            _ => {
                cli.command.push(arg.clone());
                break;
            }
        }
    }
    cli.command.extend(rest.cloned());
    Some(cli)
}

/// Parse the command line: `Ok(cli)` or the exit status after printing help,
/// version or a usage error.
pub fn parse(args: Vec<OsString>) -> Result<Cli, u8> {
    if let Some(cli) = parse_simple(&args) {
        return Ok(cli);
    }
    match Cli::try_parse_from(args).and_then(|cli| cli.validate().map(|()| cli)) {
        Ok(cli) => Ok(cli),
        Err(e) => {
            let _ = e.print();
            Err(if e.use_stderr() { status::USAGE } else { 0 })
        }
    }
}

fn err_line(what: &str, msg: &str) {
    let _ = writeln!(io::stderr(), "execns: {what}: {msg}");
}

/// Streams that reopen the same path in the same way (a terminal on 0-2,
/// `>log 2>&1`) share one open file in the program, as they did in the
/// caller: separate opens of a regular file would overwrite each other.
pub fn share_reopened(sources: &mut [Source]) {
    for fd in 1..sources.len() {
        if let Some(j) =
            (0..fd).find(|&j| matches!(&sources[j], Source::Open(_)) && sources[j] == sources[fd])
        {
            sources[fd] = Source::Dup(j as u8);
        }
    }
}

/// What [`plan_streams`] decided.
#[derive(Debug, Default)]
pub struct StreamPlan {
    /// What stage 2 puts on fds 0-2.
    pub sources: Vec<Source>,
    /// Warnings to print before the call.
    pub warnings: Vec<String>,
    /// Open fds that cannot be reopened by name: pass them (see `pass`), or
    /// give /dev/null with the warning when that fails.
    pub to_pass: Vec<(u8, String)>,
}

/// The stage-2 sources for the three streams.
pub fn plan_streams(cli: &Cli) -> Result<StreamPlan, u8> {
    let given = [&cli.stdin, &cli.stdout, &cli.stderr];
    let mut plan = StreamPlan::default();
    for fd in 0..3u8 {
        let src = match given[usize::from(fd)] {
            Some(path) if fd == 2 && cli.stdout.as_ref() == Some(path) => Source::Dup(1),
            Some(path) => match stdio::prepare_path(fd, path) {
                Ok(s) => s,
                Err(e) => {
                    err_line(&path.display().to_string(), &execns::error_message(&e));
                    return Err(status::USAGE);
                }
            },
            None => {
                let probe = stdio::probe(fd);
                let (s, w) = stdio::decide_inherited(fd, &probe);
                let w = match stdio::check_reopen(&s) {
                    Ok(()) => w,
                    Err(e) => Some(format!(
                        "{} ({}) cannot be reopened: {}; the program gets /dev/null (use --{} PATH)",
                        stdio::STREAM_NAMES[usize::from(fd)],
                        s.describe(),
                        execns::error_message(&e),
                        ["stdin", "stdout", "stderr"][usize::from(fd)]
                    )),
                };
                match w {
                    Some(w) if probe.open.is_some() => {
                        plan.to_pass.push((fd, w));
                        Source::Null
                    }
                    Some(w) => {
                        plan.warnings.push(w);
                        Source::Null
                    }
                    None => s,
                }
            }
        };
        plan.sources.push(src);
    }
    share_reopened(&mut plan.sources);
    Ok(plan)
}

/// The shell run without PROGRAM: `$SHELL` (`/bin/sh` when unset or
/// empty) and its `argv[0]`, `-` and its file name (a login shell), as
/// unshare(1) does.
pub fn default_shell(var: Option<OsString>) -> (OsString, OsString) {
    use std::os::unix::ffi::OsStrExt;
    let shell = var
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "/bin/sh".into());
    let name = shell
        .as_bytes()
        .rsplit(|b| *b == b'/')
        .next()
        .unwrap_or_default();
    let mut arg0 = OsString::from("-");
    arg0.push(std::ffi::OsStr::from_bytes(name));
    (shell, arg0)
}

pub fn run(args: Vec<OsString>) -> u8 {
    let mut cli = match parse(args) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let ns = cli.namespaces();
    let (prog, arg0, prog_args) = match cli.command.split_first() {
        Some((p, rest)) => (p.clone(), p.clone(), rest),
        None => {
            let (shell, arg0) = default_shell(std::env::var_os("SHELL"));
            (shell, arg0, &[][..])
        }
    };
    let shown = prog.to_string_lossy().into_owned();
    // The fds of --keep-fd and --exec-fd, before anything is done.
    for fd in cli.keep_fd.iter().map(|k| k.src).chain(cli.exec_fd) {
        if !os::fd_is_open(fd) {
            let e = io::Error::from_raw_os_error(libc::EBADF);
            err_line(&format!("fd {fd}"), &execns::error_message(&e));
            return status::USAGE;
        }
    }
    let resolved = if cli.exec_fd.is_some() {
        // Only argv[0]: the program is the file at the fd.
        PathBuf::from(&prog)
    } else {
        let path_var = std::env::var_os("PATH");
        match execns::find_in_path(&prog, path_var.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                err_line(&shown, &execns::error_message(&e));
                return exec_status(e.raw_os_error().unwrap_or(libc::ENOENT));
            }
        }
    };

    // With execns2 the caller's streams travel in the fd map: no stream
    // holder, and no second stage unless an option needs one; the user
    // namespace's maps are written in the call.
    let have2 = fd_map_available();
    if !have2 && (!cli.keep_fd.is_empty() || cli.exec_fd.is_some() || cli.join.is_some()) {
        err_line(
            &shown,
            "--keep-fd, --exec-fd and --join need execns2(2) (no \
             /sys/kernel/execns/execns2_nr, or EXECNS_NO_EXECNS2 is set)",
        );
        return status::EXECNS_FAILED;
    }
    cli.maps_in_call = have2;
    let join = match cli.join.map(os::join_target).transpose() {
        Ok(j) => j,
        Err(e) => {
            err_line(
                &format!("--join {}", cli.join.unwrap_or_default()),
                &execns::error_message(&e),
            );
            return status::EXECNS_FAILED;
        }
    };
    let join_arg = join.as_ref().map(|(fd, t)| (fd.as_raw_fd(), *t));
    let fd_map = !cli.no_stdio && have2;
    let streams = if fd_map {
        match map_streams(&cli) {
            Ok(m) => Some(m),
            Err(code) => return code,
        }
    } else {
        None
    };
    let err = if cli.no_stdio || (fd_map && !cli.needs_stage2()) {
        let mut call = Execns::new(&resolved);
        call.arg0(&arg0).args(prog_args);
        if let Some(fd) = cli.exec_fd {
            call.exec_fd(fd);
        }
        cli.set_in_call(&mut call, join_arg);
        // The program gets the caller's signal state (see `os`): this path
        // leaves SIGCHLD and the mask alone.
        let err = exec_in(&mut call, ns, streams.as_ref(), &cli.keep_fd, None);
        drop(streams);
        err_line(&shown, &execns::error_message(&err));
        return match err.raw_os_error() {
            Some(e) => exec_status(e),
            None => status::EXECNS_FAILED,
        };
    } else {
        // With the fd map, stage 2 gets the streams on 0-2 and keeps them.
        let mut plan = if streams.is_some() {
            StreamPlan {
                sources: vec![Source::Keep; 3],
                ..StreamPlan::default()
            }
        } else {
            match plan_streams(&cli) {
                Ok(x) => x,
                Err(code) => return code,
            }
        };
        // An ignored SIGCHLD makes the kernel reap the helpers (and the
        // --fork child) at once, so that stage 2 could not wait for them:
        // the stages run with its default action, and stage 2 ignores it
        // again just before it executes the program.
        let sigchld_ignored = os::is_ignored(libc::SIGCHLD);
        if sigchld_ignored {
            if let Err(e) = os::set_disposition(libc::SIGCHLD, false) {
                err_line("cannot reset SIGCHLD", &execns::error_message(&e));
                return status::EXECNS_FAILED;
            }
        }
        let me = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("/proc/self/exe"));
        let mut passer = None;
        if !plan.to_pass.is_empty() {
            let fds: Vec<u8> = plan.to_pass.iter().map(|(fd, _)| *fd).collect();
            match crate::pass::start(&me, &fds) {
                Ok(p) => {
                    for fd in &fds {
                        plan.sources[usize::from(*fd)] = Source::Passed;
                    }
                    passer = Some(p);
                }
                Err(e) => {
                    for (_, w) in plan.to_pass.drain(..) {
                        plan.warnings.push(format!(
                            "{w} (passing it failed: {})",
                            execns::error_message(&e)
                        ));
                    }
                }
            }
        }
        if !cli.quiet {
            for w in &plan.warnings {
                let _ = writeln!(io::stderr(), "execns: warning: {w}");
            }
        }
        let mut helper = None;
        if cli.needs_helper() {
            match spawn_mapper(&me, &cli) {
                Ok(child) => helper = Some(child),
                Err(e) => {
                    err_line(
                        "cannot start the user namespace helper",
                        &execns::error_message(&e),
                    );
                    if let Some(p) = passer {
                        p.abort();
                    }
                    return status::EXECNS_FAILED;
                }
            }
        }
        let mut opts = cli.stage2_opts(helper.as_ref().map(|c| c.id()));
        opts.pass = passer.as_ref().map(|p| (p.child.id(), p.sock.clone()));
        opts.sigchld_ignored = sigchld_ignored;
        let mut call = Execns::new(&me);
        call.arg0("execns").arg(STAGE2_ARG).arg(opts.encode());
        for s in &plan.sources {
            call.arg(s.encode());
        }
        call.arg(&resolved).arg(&arg0).args(prog_args);
        cli.set_in_call(&mut call, join_arg);
        // Stage 2 records the caller's SIGPIPE disposition in turn.
        let err = exec_in(&mut call, ns, streams.as_ref(), &cli.keep_fd, cli.exec_fd);
        if let Some(mut child) = helper {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(p) = passer {
            p.abort();
        }
        err
    };
    // Stage mode: any failure of the call is execns(2)'s own (the program was
    // checked above; the stage binary is this very file).
    err_line(&shown, &execns::error_message(&err));
    status::EXECNS_FAILED
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("execns").chain(args.iter().copied()))
    }

    fn simple(args: &[&str]) -> Option<Cli> {
        let v: Vec<OsString> = std::iter::once("execns")
            .chain(args.iter().copied())
            .map(OsString::from)
            .collect();
        parse_simple(&v)
    }

    /// Whatever `parse_simple` accepts, clap parses to the same `Cli`; what
    /// clap refuses, `parse_simple` leaves to clap.
    #[test]
    fn simple_parser_agrees_with_clap() {
        let words = [
            "-u",
            "-m",
            "--uts",
            "--user",
            "-r",
            "-f",
            "-q",
            "-pf",
            "-Ur",
            "-muinpUCTrfq",
            "--sysvsem",
            "--map-root-user",
            "--fork",
            "--quiet",
            "--mount",
            "--",
            "-",
            "true",
            "-x",
            "--uts=1",
            "--help",
            "-h",
            "-V",
            "--no-stdio",
            "--stdin",
            "/dev/null",
            "--mount-proc",
            "--setgroups",
            "deny",
            "-uu",
            "--ut",
            "-u-",
            "",
        ];
        let mut fast = 0;
        let mut checked = 0;
        // Every sequence of up to three words, and of four of the first 12.
        for (len, n) in [
            (0u32, words.len()),
            (1, words.len()),
            (2, words.len()),
            (3, words.len()),
            (4, 12),
        ] {
            for mut k in 0..n.pow(len) {
                let mut args = Vec::new();
                for _ in 0..len {
                    args.push(words[k % n]);
                    k /= n;
                }
                let s = simple(&args);
                match p(&args).and_then(|c| c.validate().map(|()| c)) {
                    Ok(c) => {
                        if let Some(s) = s {
                            assert_eq!(s, c, "{args:?}");
                            fast += 1;
                        }
                    }
                    Err(_) => assert!(s.is_none(), "{args:?}: clap refuses, {s:?}"),
                }
                checked += 1;
            }
        }
        assert!(checked > 50_000 && fast > 10_000, "{checked} {fast}");
    }

    #[test]
    fn simple_parser_takes_the_common_command_lines() {
        for args in [
            &["-u", "--", "true"][..],
            &["-u", "true"],
            &["-Ur", "sh", "-c", "id"],
            &[
                "--user",
                "--map-root-user",
                "--fork",
                "--",
                "ps",
                "--",
                "-u",
            ],
            &["-pf", "sh"],
            &[],
            &["--"],
        ] {
            let s = simple(args).unwrap_or_else(|| panic!("{args:?}"));
            assert_eq!(s, p(args).unwrap(), "{args:?}");
        }
        for args in [
            &["--help"][..],
            &["-u", "-u", "true"],
            &["--mount-proc", "true"],
            &["--stdout", "x", "true"],
            &["-", "true"],
        ] {
            assert!(simple(args).is_none(), "{args:?}");
        }
    }

    #[test]
    fn each_short_and_long_option_maps_to_its_flag() {
        let cases: [(&str, &str, libc::c_int); 8] = [
            ("-m", "--mount", libc::CLONE_NEWNS),
            ("-u", "--uts", libc::CLONE_NEWUTS),
            ("-i", "--ipc", libc::CLONE_NEWIPC),
            ("-n", "--net", libc::CLONE_NEWNET),
            ("-p", "--pid", libc::CLONE_NEWPID),
            ("-U", "--user", libc::CLONE_NEWUSER),
            ("-C", "--cgroup", libc::CLONE_NEWCGROUP),
            ("-T", "--time", libc::CLONE_NEWTIME),
        ];
        for (short, long, flag) in cases {
            assert_eq!(p(&[short, "true"]).unwrap().namespaces().as_raw(), flag);
            assert_eq!(p(&[long, "true"]).unwrap().namespaces().as_raw(), flag);
        }
        assert_eq!(
            p(&["--sysvsem", "true"]).unwrap().namespaces().as_raw(),
            libc::CLONE_SYSVSEM
        );
        assert_eq!(
            p(&["-r", "true"]).unwrap().namespaces().as_raw(),
            libc::CLONE_NEWUSER
        );
        assert_eq!(p(&["true"]).unwrap().namespaces(), Namespaces::empty());
    }

    #[test]
    fn combined_short_options() {
        let c = p(&["-mui", "--", "ls", "-l"]).unwrap();
        assert_eq!(
            c.namespaces().as_raw(),
            libc::CLONE_NEWNS | libc::CLONE_NEWUTS | libc::CLONE_NEWIPC
        );
        assert_eq!(c.command, vec!["ls", "-l"]);
        let all = p(&["-muinpUCT", "--sysvsem", "x"]).unwrap();
        assert_eq!(all.namespaces(), Namespaces::all());
    }

    #[test]
    fn program_options_belong_to_the_program() {
        let c = p(&["-u", "ls", "-l", "--mount", "-u"]).unwrap();
        assert_eq!(c.namespaces(), Namespaces::UTS);
        assert_eq!(c.command, vec!["ls", "-l", "--mount", "-u"]);
        let c = p(&["--", "-weird-name"]).unwrap();
        assert_eq!(c.command, vec!["-weird-name"]);
    }

    #[test]
    fn usage_errors() {
        for args in [
            &["--bogus", "true"][..],
            &["-x", "true"],
            &["--stdout"],
            &["--no-stdio", "--stdout", "/tmp/x", "true"],
            &["--no-stdio", "-f", "true"],
            &["--no-stdio", "--mount-proc", "true"],
            &["--no-stdio", "--setgroups", "deny", "true"],
            &["--no-stdio", "-r", "true"],
            &["--propagation", "weird", "-m", "true"],
            &["--mount-proc=", "true"],
            &["--keep-fd", "x", "true"],
            &["--keep-fd", "3:", "true"],
            &["--keep-fd", "-1", "true"],
            &["--keep-fd", "3:4:5", "true"],
            &["--keep-fd", "3", "--keep-fd", "5:3", "true"],
            &["--keep-fd", "5:1", "--stdout", "/tmp/x", "true"],
            &["--keep-fd", "5:0", "--stdin", "/tmp/x", "true"],
            &["--exec-fd", "3"],
            &["--exec-fd", "x", "true"],
            &["--exec-fd", "4", "--keep-fd", "5:4", "-f", "true"],
        ] {
            let e = p(args).and_then(|c| c.validate()).unwrap_err();
            assert!(e.use_stderr(), "{args:?}");
        }
        let to_os = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(parse(to_os(&["execns", "--bogus", "x"])).unwrap_err(), 1);
    }

    fn parsed(args: &[&str]) -> Cli {
        let c = p(args).unwrap();
        c.validate().unwrap();
        c
    }

    #[test]
    fn keep_fd_and_exec_fd() {
        let c = parsed(&[
            "--keep-fd",
            "5",
            "--keep-fd",
            "7:1",
            "--exec-fd",
            "9",
            "prog",
        ]);
        assert_eq!(
            c.keep_fd,
            [KeepFd { src: 5, dst: 5 }, KeepFd { src: 7, dst: 1 }]
        );
        assert_eq!(c.exec_fd, Some(9));
        assert_eq!(c.stage2_opts(None).exec_fd, Some((9, false)));
        // The program keeps the fd it is executed from only when kept.
        let c = parsed(&["--keep-fd", "9", "--exec-fd", "9", "-f", "prog"]);
        assert_eq!(c.stage2_opts(None).exec_fd, Some((9, true)));
        // Not a second stage: --exec-fd may be a --keep-fd target.
        parsed(&["--exec-fd", "4", "--keep-fd", "5:4", "prog"]);
        // With --no-stdio: exactly the kept fds.
        let c = parsed(&["--no-stdio", "--keep-fd", "3", "prog"]);
        assert!(c.no_stdio && c.keep_fd.len() == 1);
    }

    #[test]
    fn fd_map_entries_streams_keep_fds_and_stage_fd() {
        let map = stdio::FdMap {
            sources: [10, 11, 12],
            opened: Vec::new(),
        };
        let k = |src, dst| KeepFd { src, dst };
        assert_eq!(
            fd_map_entries(Some(&map), &[], None),
            [(10, 0), (11, 1), (12, 2)]
        );
        // A --keep-fd on 1 replaces the stream; the stage's fd at its number.
        assert_eq!(
            fd_map_entries(Some(&map), &[k(5, 1), k(6, 6)], Some(8)),
            [(10, 0), (12, 2), (5, 1), (6, 6), (8, 8)]
        );
        // The stage's fd kept by the user already.
        assert_eq!(fd_map_entries(None, &[k(8, 8)], Some(8)), [(8, 8)]);
        assert!(fd_map_entries(None, &[], None).is_empty());
    }

    #[test]
    fn help_and_version_are_not_errors() {
        for a in ["--help", "-h", "--version", "-V"] {
            let e = p(&[a]).unwrap_err();
            assert!(!e.use_stderr(), "{a}");
        }
    }

    #[test]
    fn stream_options() {
        let c = p(&[
            "--stdin",
            "/dev/null",
            "--stdout",
            "/tmp/o",
            "--stderr",
            "/tmp/o",
            "true",
        ])
        .unwrap();
        assert_eq!(c.stdin, Some(PathBuf::from("/dev/null")));
        assert_eq!(c.stdout, c.stderr);
        let c = p(&["--no-stdio", "true"]).unwrap();
        assert!(c.no_stdio);
    }

    #[test]
    fn plan_streams_shares_stdout_and_stderr() {
        let dir = std::env::temp_dir().join(format!("execns-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("o");
        let o = out.to_str().unwrap();
        let c = p(&["--stdin", "/dev/null", "--stdout", o, "--stderr", o, "true"]).unwrap();
        let plan = plan_streams(&c).unwrap();
        assert!(plan.warnings.is_empty() && plan.to_pass.is_empty());
        let s = plan.sources;
        assert_eq!(s[2], Source::Dup(1));
        assert!(matches!(&s[1], Source::Open(o) if o.path == out));
        let c = p(&["--stdout", "/nonexistent-dir/x", "true"]).unwrap();
        assert_eq!(plan_streams(&c).unwrap_err(), status::USAGE);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn identical_reopens_are_shared() {
        let tty = Source::Open(stdio::OpenPath {
            path: "/dev/pts/1".into(),
            access: stdio::Access::ReadWrite,
            append: false,
            noctty: true,
            pos: 0,
        });
        let mut s = vec![tty.clone(), tty.clone(), tty.clone()];
        share_reopened(&mut s);
        assert_eq!(s, vec![tty.clone(), Source::Dup(0), Source::Dup(0)]);
        let log = Source::Open(stdio::OpenPath {
            path: "/tmp/log".into(),
            access: stdio::Access::Write,
            append: false,
            noctty: false,
            pos: 5,
        });
        let mut s = vec![Source::Null, log.clone(), log.clone()];
        share_reopened(&mut s);
        assert_eq!(s, vec![Source::Null, log.clone(), Source::Dup(1)]);
        // Different access modes or /dev/null are not merged.
        let mut ro = tty.clone();
        if let Source::Open(o) = &mut ro {
            o.access = stdio::Access::Read;
        }
        let mut s = vec![ro.clone(), tty.clone(), Source::Null];
        share_reopened(&mut s);
        assert_eq!(s, vec![ro, tty, Source::Null]);
    }

    #[test]
    fn stage2_opts_follow_options() {
        let c = p(&["-m", "true"]).unwrap();
        assert_eq!(
            c.stage2_opts(None).propagation,
            Some(MountPropagationFlags::PRIVATE)
        );
        let c = p(&["-m", "--propagation", "unchanged", "true"]).unwrap();
        assert_eq!(c.stage2_opts(None).propagation, None);
        let c = p(&["--propagation", "shared", "true"]).unwrap();
        assert_eq!(c.stage2_opts(None).propagation, None, "only with -m");
        let c = p(&["-m", "-U", "true"]).unwrap();
        assert_eq!(c.stage2_opts(None).propagation, None, "not with -U");
        let c = p(&["-r", "true"]).unwrap();
        assert!(c.needs_helper());
        let o = c.stage2_opts(Some(7));
        assert_eq!(o.helper, Some(7));
        assert_eq!(
            o.map_root,
            Some((
                rustix::process::getuid().as_raw(),
                rustix::process::getgid().as_raw(),
            ))
        );
        assert_eq!(o.setgroups, None);
        assert!(!o.fork && o.mount_proc.is_none());
    }

    #[test]
    fn which_options_need_stage2_with_the_fd_map() {
        for args in [
            &["true"][..],
            &["-u", "true"],
            &["-uinpUCT", "--sysvsem", "true"],
            &["-m", "-U", "true"],
            &["-m", "--propagation", "unchanged", "true"],
            &["--stdout", "/tmp/x", "--stdin", "/dev/null", "-u", "true"],
        ] {
            assert!(!p(args).unwrap().needs_stage2(), "{args:?}");
        }
        for args in [
            &["-m", "true"][..],
            &["-m", "--propagation", "slave", "true"],
            &["--mount-proc", "true"],
            &["-f", "true"],
            &["-r", "true"],
            &["-U", "--setgroups", "deny", "true"],
            &["--setgroups", "allow", "true"],
        ] {
            assert!(p(args).unwrap().needs_stage2(), "{args:?}");
        }
    }

    #[test]
    fn fork_and_mount_proc() {
        let c = p(&["-pf", "--mount-proc", "ps"]).unwrap();
        assert_eq!(c.namespaces(), Namespaces::PID | Namespaces::MOUNT);
        assert_eq!(c.command, vec!["ps"]);
        let o = c.stage2_opts(None);
        assert!(o.fork);
        assert_eq!(o.mount_proc, Some(PathBuf::from("/proc")));
        // --mount-proc implies -m, so propagation applies.
        assert_eq!(o.propagation, Some(MountPropagationFlags::PRIVATE));
        let c = p(&["--fork", "--mount-proc=/mnt/p", "--", "ps", "x"]).unwrap();
        assert_eq!(c.mount_proc, Some(PathBuf::from("/mnt/p")));
        assert_eq!(c.command, vec!["ps", "x"]);
        // Without '=' the next word is PROGRAM, not DIR.
        let c = p(&["--mount-proc", "/bin/ps"]).unwrap();
        assert_eq!(c.mount_proc, Some(PathBuf::from("/proc")));
        assert_eq!(c.command, vec!["/bin/ps"]);
        let c = p(&["-r", "--mount-proc", "-p", "-f"]).unwrap();
        assert!(c.command.is_empty());
        assert_eq!(c.stage2_opts(None).propagation, None, "not with -U");
    }

    #[test]
    fn setgroups() {
        let c = p(&["--setgroups", "deny", "-U", "true"]).unwrap();
        assert_eq!(c.setgroups, Some(SetGroups::Deny));
        assert!(c.needs_helper());
        assert_eq!(
            c.stage2_opts(Some(3)).setgroups,
            None,
            "the helper writes it"
        );
        let c = p(&["--setgroups=allow", "-u", "true"]).unwrap();
        assert!(!c.needs_helper());
        assert_eq!(c.stage2_opts(None).setgroups, Some(SetGroups::Allow));
        assert!(p(&["--setgroups", "maybe", "true"]).is_err());
        let c = p(&["-r", "--setgroups", "deny", "true"]).unwrap();
        assert!(c.validate().is_ok());
        let c = p(&["-r", "--setgroups", "allow", "true"]).unwrap();
        let e = c.validate().unwrap_err();
        assert!(e.use_stderr());
        assert!(e.to_string().contains("mutually exclusive"), "{e}");
        let to_os = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            parse(to_os(&["execns", "-r", "--setgroups", "allow", "x"])).unwrap_err(),
            status::USAGE
        );
    }

    #[test]
    fn no_program_runs_a_login_shell() {
        assert!(p(&[]).unwrap().command.is_empty());
        assert!(p(&["-u"]).unwrap().command.is_empty());
        assert!(p(&["-u", "--"]).unwrap().command.is_empty());
        let sh = |v: Option<&str>| {
            let (a, b) = default_shell(v.map(OsString::from));
            (a.into_string().unwrap(), b.into_string().unwrap())
        };
        assert_eq!(sh(None), ("/bin/sh".into(), "-sh".into()));
        assert_eq!(sh(Some("")), ("/bin/sh".into(), "-sh".into()));
        assert_eq!(sh(Some("/bin/bash")), ("/bin/bash".into(), "-bash".into()));
        assert_eq!(sh(Some("zsh")), ("zsh".into(), "-zsh".into()));
    }

    #[test]
    fn exec_errors_map_like_shells() {
        assert_eq!(exec_status(libc::ENOENT), 127);
        assert_eq!(exec_status(libc::ENOTDIR), 127);
        assert_eq!(exec_status(libc::EACCES), 126);
        assert_eq!(exec_status(libc::ENOEXEC), 126);
        assert_eq!(exec_status(libc::EPERM), 125);
        assert_eq!(exec_status(libc::EINVAL), 125);
        assert_eq!(exec_status(libc::ENOSYS), 125);
    }
}
