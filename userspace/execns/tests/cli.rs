//! End-to-end tests of the `execns` binary and the library on the host.
//!
//! The host kernel normally lacks execns(2) (it has no /sys/kernel/execns/nr),
//! so the "kernel lacks execns" path runs for real here. Where the running
//! kernel does have it, those tests check the success path instead.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use execns::{ErrnoExt, Execns, Namespaces};

const EXE: &str = env!("CARGO_BIN_EXE_execns");

fn run(args: &[&str]) -> Output {
    Command::new(EXE)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run execns")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Whether the running kernel has execns(2): ask with a missing file.
fn kernel_has_execns() -> bool {
    let err = Execns::new("/nonexistent/execns-probe").exec();
    !execns::kernel_lacks_execns(&err)
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("execns-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Status 127 and the message for a program `name` that does not exist.
fn assert_not_found_127(o: &Output, name: &str) {
    assert_eq!(o.status.code(), Some(127));
    assert_eq!(
        stderr(o),
        format!("execns: {name}: No such file or directory\n")
    );
}

/// Stage 2 run directly (no options): `streams` are the stage-2 arguments
/// for fds 0-2, `program` the program and its argv.
fn stage2(streams: [&str; 3], program: &[&str]) -> Output {
    Command::new(EXE)
        .arg("--execns-stage2")
        .arg("-")
        .args(streams)
        .args(program)
        .output()
        .unwrap()
}

#[test]
fn help_documents_streams_and_statuses() {
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for needle in [
        "Usage: execns [OPTIONS] [--] [PROGRAM [ARGS...]]",
        "--mount",
        "--uts",
        "--ipc",
        "--net",
        "--pid",
        "--user",
        "--cgroup",
        "--time",
        "--sysvsem",
        "--stdin <PATH>",
        "--stdout <PATH>",
        "--stderr <PATH>",
        "--no-stdio",
        "--fork",
        "--mount-proc[=<DIR>]",
        "--setgroups <allow|deny>",
        "$SHELL",
        "Standard streams:",
        "/dev/null",
        "Exit status:",
        "125",
        "126",
        "127",
    ] {
        assert!(out.contains(needle), "--help lacks {needle:?}:\n{out}");
    }
}

#[test]
fn version() {
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o).trim(),
        format!("execns {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn unknown_option_is_usage_error_1() {
    for args in [
        &["--bogus", "true"][..],
        &["-x", "true"],
        &["--no-stdio", "-f", "true"],
        &["-r", "--setgroups", "allow", "true"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&o).contains("Usage: execns"),
            "{args:?}: {}",
            stderr(&o)
        );
        assert!(stdout(&o).is_empty());
    }
}

#[test]
fn missing_program_is_127() {
    let o = run(&["-u", "/nonexistent/prog"]);
    assert_not_found_127(&o, "/nonexistent/prog");
    let o = Command::new(EXE)
        .args(["-u", "no-such-program-anywhere"])
        .env("PATH", "/bin:/usr/bin")
        .output()
        .unwrap();
    assert_not_found_127(&o, "no-such-program-anywhere");
}

#[test]
fn non_executable_is_126() {
    let d = tmpdir("noexec");
    let f = d.join("script");
    std::fs::write(&f, "#!/bin/sh\necho hi\n").unwrap();
    let o = run(&["-m", f.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(126), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        format!("execns: {}: Permission denied\n", f.display())
    );
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn bad_stream_path_is_1() {
    let o = run(&["--stdout", "/nonexistent-dir/out", "true"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "execns: /nonexistent-dir/out: No such file or directory\n"
    );
    let o = run(&["--stdin", "/nonexistent-file", "true"]);
    assert_eq!(o.status.code(), Some(1));
}

/// The message for a kernel without execns(2).
const LACKS: &str = "the running kernel does not provide execns(2) (no /sys/kernel/execns/nr)";

/// The CLI on this kernel: without execns, status 125 and the message saying
/// so, for real.
#[test]
fn cli_reports_kernel_without_execns() {
    if kernel_has_execns() {
        eprintln!("kernel has execns: checking success instead");
        let d = tmpdir("cli-ok");
        let out = d.join("out");
        let o = run(&["-q", "--stdout", out.to_str().unwrap(), "echo", "hi"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "hi\n");
        return;
    }
    for args in [
        &["-u", "true"][..],
        &["-U", "--", "true"],
        &["--no-stdio", "-m", "true"],
        &["true"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(125), "{args:?}");
        // Only the message: nothing ran (`true` would have said nothing and
        // exited 0), and no EINVAL/E2BIG from another system call.
        assert_eq!(stderr(&o), format!("execns: true: {LACKS}\n"), "{args:?}");
        assert!(o.stdout.is_empty());
    }
}

/// Without PROGRAM, `$SHELL` (else /bin/sh) is what would run: on this
/// kernel the message names it.
#[test]
fn no_program_runs_the_shell() {
    if kernel_has_execns() {
        eprintln!("kernel has execns: skipped");
        return;
    }
    for (shell, shown) in [
        (Some("/bin/sh"), "/bin/sh"),
        (None, "/bin/sh"),
        (Some(""), "/bin/sh"),
    ] {
        let mut c = Command::new(EXE);
        c.arg("-u").stdin(Stdio::null());
        match shell {
            Some(s) => c.env("SHELL", s),
            None => c.env_remove("SHELL"),
        };
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(125), "{shell:?}");
        assert_eq!(
            stderr(&o),
            format!("execns: {shown}: {LACKS}\n"),
            "{shell:?}"
        );
    }
    let o = Command::new(EXE)
        .env("SHELL", "/nonexistent/shell")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_not_found_127(&o, "/nonexistent/shell");
}

/// The library on this kernel, for real.
#[test]
fn library_reports_kernel_without_execns() {
    if kernel_has_execns() {
        eprintln!("kernel has execns: skipped");
        return;
    }
    let err = Execns::new("/bin/true")
        .namespaces(Namespaces::UTS | Namespaces::MOUNT)
        .exec();
    assert!(execns::kernel_lacks_execns(&err), "{err}");
    assert_eq!(err.errno(), Some(libc::ENOSYS));
    assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
    assert_eq!(err.to_string(), LACKS);
    assert!(err.to_string().starts_with(execns::LACKS_EXECNS_MESSAGE));
    assert!(execns::syscall_nr().is_err());
    // Nothing changed: we are still here, our fds are still open.
    assert!(Path::new("/proc/self/fd/1").exists() || Path::new("/proc").read_dir().is_err());
}

/// Stage 2 run directly with fds 0-2 closed, as after execns(2): it reopens
/// the files given and runs the program with only fds 0-2 open.
#[test]
fn stage2_reopens_streams_and_leaves_no_other_fd() {
    let d = tmpdir("stage2");
    let out = d.join("out");
    let err = d.join("err");
    std::fs::write(&out, "").unwrap();
    std::fs::write(&err, "").unwrap();
    let inp = d.join("in");
    std::fs::write(&inp, "input line\n").unwrap();
    let spec = |mode: &str, p: &Path| format!("open:{mode}:0:{}", p.display());
    // ls lists its own directory fd as well; count the entries below 3.
    let script = "read l; echo \"got $l\"; ls /proc/self/fd; echo oops >&2";
    let o = Command::new("/bin/sh")
        .arg("-c")
        .arg("exec 0<&- 1>&- 2>&- 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; exec \"$@\"")
        .arg("sh")
        .arg(EXE)
        .arg("--execns-stage2")
        .arg("-")
        .arg(spec("r", &inp))
        .arg(spec("w", &out))
        .arg(spec("w", &err))
        .arg("/bin/sh")
        .arg("sh")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty() && o.stderr.is_empty());
    let got = std::fs::read_to_string(&out).unwrap();
    let mut lines = got.lines();
    assert_eq!(lines.next(), Some("got input line"));
    let fds: Vec<u32> = lines
        .flat_map(|l| l.split_whitespace())
        .map(|f| f.parse().unwrap())
        .collect();
    // Fds the test harness itself leaks (cargo's jobserver...) are >= 10 here;
    // below 10 only 0-2 and ls's own directory fd (3) may be open: the
    // stage's own temporary fds are gone.
    let mut low: Vec<u32> = fds.iter().copied().filter(|f| *f < 10).collect();
    low.sort();
    assert_eq!(low, vec![0, 1, 2, 3], "{fds:?}");
    assert_eq!(std::fs::read_to_string(&err).unwrap(), "oops\n");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn stage2_dup_and_offset() {
    let d = tmpdir("stage2dup");
    let out = d.join("out");
    std::fs::write(&out, "0123456789").unwrap();
    let o = stage2(
        ["null", &format!("open:w:4:{}", out.display()), "dup:1"],
        &["/bin/sh", "sh", "-c", "printf A; printf B >&2"],
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "0123AB6789");
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn stage2_program_missing_is_127_on_new_stderr() {
    let d = tmpdir("stage2missing");
    let err = d.join("err");
    std::fs::write(&err, "").unwrap();
    let err_spec = format!("open:w:0:{}", err.display());
    let o = stage2(["null", "null", &err_spec], &["/nonexistent/p", "p"]);
    assert_eq!(o.status.code(), Some(127));
    assert_eq!(
        std::fs::read_to_string(&err).unwrap(),
        "execns: p: No such file or directory\n"
    );
    // An unopenable stream: message on the stderr that could be opened, 125.
    let o = stage2(
        ["open:r:0:/nonexistent/in", "null", &err_spec],
        &["/bin/true", "true"],
    );
    assert_eq!(o.status.code(), Some(125));
    let e = std::fs::read_to_string(&err).unwrap();
    assert!(
        e.contains("cannot open /nonexistent/in for standard input: No such file or directory"),
        "{e}"
    );
    std::fs::remove_dir_all(&d).unwrap();
}

/// A pipe cannot be reopened by name: it is passed through a holder process
/// instead, without a warning; when execns(2) fails, the holder and its
/// socket directory are gone again.
#[test]
fn pipe_stdout_is_passed_and_cleaned_up_on_failure() {
    if kernel_has_execns() {
        return;
    }
    let d = tmpdir("pass");
    let o = Command::new(EXE)
        .args(["-u", "true"])
        .env("TMPDIR", &d)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(125));
    let e = stderr(&o);
    assert!(!e.contains("warning"), "{e}");
    assert!(e.contains(LACKS), "{e}");
    let left: Vec<_> = std::fs::read_dir(&d).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// When the stream cannot be passed either (here: no usable $TMPDIR), the
/// program gets /dev/null and execns warns, unless --quiet.
#[test]
fn unpassable_pipe_gets_a_warning_and_quiet_silences_it() {
    if kernel_has_execns() {
        return;
    }
    let run_in = |quiet: bool| {
        let mut c = Command::new(EXE);
        if quiet {
            c.arg("-q");
        }
        c.args(["-u", "true"])
            .env("TMPDIR", "/nonexistent-tmpdir")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let e = stderr(&run_in(false));
    assert!(
        e.contains("execns: warning: standard output is a pipe, which cannot be reopened"),
        "{e}"
    );
    assert!(e.contains("passing it failed"), "{e}");
    let e = stderr(&run_in(true));
    assert!(!e.contains("warning"), "{e}");
}

/// Runs `--execns-map-helper PID USERNS SETGROUPS MAP` on a shell that
/// enters a new user namespace with unshare(1) 0.2 s later and runs `cmd`
/// there 1 s after that. Returns whether the helper succeeded and what `cmd`
/// printed; `None` (the test is skipped) without unshare(1) or where
/// `unshare -U` is not allowed.
fn map_helper_on_unshare(cmd: &str, setgroups: &str, map: &str) -> Option<(bool, String)> {
    if !Path::new("/usr/bin/unshare").exists() && !Path::new("/bin/unshare").exists() {
        eprintln!("no unshare(1): skipped");
        return None;
    }
    let orig = std::fs::read_link("/proc/self/ns/user").unwrap();
    let child = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            "sleep 0.2; exec unshare -U /bin/sh -c 'sleep 1; {cmd}'"
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let helper = Command::new(EXE)
        .args(["--execns-map-helper", &child.id().to_string()])
        .arg(&orig)
        .args([setgroups, map])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        eprintln!("unshare -U not allowed here: skipped ({})", stderr(&out));
        return None;
    }
    Some((helper.success(), stdout(&out)))
}

/// The `--map-root-user` helper writes the maps of a process once it is in a
/// new user namespace (emulated here with unshare(1), which the host has).
#[test]
fn map_helper_maps_a_process_entering_a_user_namespace() {
    let uid = rustix::process::getuid().as_raw();
    let gid = rustix::process::getgid().as_raw();
    let Some((helper_ok, out)) = map_helper_on_unshare(
        "cat /proc/self/uid_map /proc/self/setgroups",
        "-",
        &format!("{uid}:{gid}"),
    ) else {
        return;
    };
    assert!(helper_ok);
    let map: Vec<String> = out.split_whitespace().map(String::from).collect();
    assert_eq!(map, vec!["0", &uid.to_string(), "1", "deny"]);
}

/// `--setgroups` with a new user namespace: the helper writes the word
/// (here without a mapping).
#[test]
fn user_namespace_helper_writes_setgroups() {
    let Some((helper_ok, out)) = map_helper_on_unshare("cat /proc/self/setgroups", "deny", "-")
    else {
        return;
    };
    assert!(helper_ok);
    assert_eq!(out, "deny\n");
}

/// The man page renders without warnings (when groff is installed).
#[test]
fn man_page_renders_cleanly() {
    let page = concat!(env!("CARGO_MANIFEST_DIR"), "/../man/execns.1");
    let out = match Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z", page])
        .env("LC_ALL", "C.UTF-8")
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            eprintln!("no groff: skipped");
            return;
        }
    };
    assert!(out.status.success());
    assert_eq!(stderr(&out), "", "groff warnings");
    // Every option of --help is in the page, and the differences from
    // unshare(1) are in one section.
    let page_text = std::fs::read_to_string(page).unwrap();
    assert_eq!(
        page_text
            .matches(".SH \"DIFFERENCES FROM UNSHARE(1)\"")
            .count(),
        1
    );
    for opt in [
        "mount",
        "uts",
        "ipc",
        "net",
        "pid",
        "user",
        "cgroup",
        "time",
        "sysvsem",
        "map\\-root\\-user",
        "propagation",
        "stdin",
        "stdout",
        "stderr",
        "no\\-stdio",
        "quiet",
        "fork",
        "mount\\-proc",
        "setgroups",
    ] {
        assert!(
            page_text.contains(&format!("\\-\\-{opt}")),
            "--{opt} not in execns.1"
        );
    }
}

/// `trap '' PIPE HUP` and a blocked mask, as a caller of execns would have
/// them: `cmd` runs with SIGPIPE and SIGHUP ignored and SIGUSR1 and SIGALRM
/// blocked, SIGUSR2 with a handler (which exec resets).
fn with_signal_state(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before exec and only
    // calls async-signal-safe functions (sigemptyset, sigaddset,
    // pthread_sigmask, signal) on locals.
    unsafe {
        cmd.pre_exec(|| {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGUSR1);
            libc::sigaddset(&mut set, libc::SIGALRM);
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            libc::signal(libc::SIGPIPE, libc::SIG_IGN);
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            extern "C" fn handler(_: libc::c_int) {}
            libc::signal(
                libc::SIGUSR2,
                handler as extern "C" fn(libc::c_int) as libc::sighandler_t,
            );
            Ok(())
        })
    }
}

/// The SigIgn and SigBlk lines of a program run by `cmd` (which runs
/// `grep -E ^Sig(Ign|Blk) /proc/self/status` in the end).
fn sig_lines(cmd: &mut Command) -> String {
    let o = with_signal_state(cmd)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    stdout(&o)
}

const GREP_SIG: [&str; 4] = ["/bin/grep", "grep", "-E", "^Sig(Ign|Blk)"];

/// The second stage executes the program with the caller's signal state
/// (what execns(2) gave it): SIGPIPE still ignored although Rust's runtime
/// changed it, the mask kept; also in the child of `--fork`.
#[test]
fn stage2_keeps_the_callers_signal_state() {
    let reference =
        sig_lines(Command::new("/bin/grep").args(["-E", "^Sig(Ign|Blk)", "/proc/self/status"]));
    assert!(reference.contains("SigIgn:\t"), "{reference}");
    // SIGPIPE (13) and SIGHUP (1) ignored; SIGUSR1 (10) and SIGALRM (14) blocked.
    let mask = |name: &str| {
        let line = reference.lines().find(|l| l.starts_with(name)).unwrap();
        u64::from_str_radix(line.split_whitespace().nth(1).unwrap(), 16).unwrap()
    };
    assert_eq!(mask("SigIgn:") & 0x1001, 0x1001, "{reference}");
    assert_eq!(mask("SigBlk:") & 0x2200, 0x2200, "{reference}");
    for opts in ["-", "fork"] {
        let got = sig_lines(
            Command::new(EXE)
                .args(["--execns-stage2", opts, "keep", "keep", "keep"])
                .args(GREP_SIG)
                .arg("/proc/self/status"),
        );
        assert_eq!(got, reference, "stage 2 with {opts}");
    }
}

/// `--fork` in stage 2: the program's exit status, death by signal, and
/// signals sent to the parent forwarded to the program.
#[test]
fn stage2_fork_status_and_signals() {
    let stage = |script: &str| {
        let mut c = Command::new(EXE);
        c.args(["--execns-stage2", "fork", "null", "keep", "keep"])
            .args(["/bin/sh", "sh", "-c", script]);
        c
    };
    let o = stage("exit 7").output().unwrap();
    assert_eq!(o.status.code(), Some(7));
    use std::os::unix::process::ExitStatusExt;
    let o = stage("kill -TERM $$").output().unwrap();
    assert_eq!(o.status.signal(), Some(libc::SIGTERM), "{:?}", o.status);
    // Killed by SIGSEGV: the parent dies of it too, without a core dump.
    let o = stage("kill -SEGV $$").output().unwrap();
    assert_eq!(o.status.signal(), Some(libc::SIGSEGV));
    assert!(!o.status.core_dumped());
    // SIGTERM sent to the parent reaches the program, which handles it.
    let mut child =
        stage("trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.05; done")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut buf = [0u8; 6];
    std::io::Read::read_exact(&mut out, &mut buf).unwrap();
    assert_eq!(&buf, b"ready\n");
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&child),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let st = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert_eq!(st.code(), Some(3), "{rest}");
    assert_eq!(rest, "got-term\n");
}

/// Stage 2 as execns(2) would start it with `-pf --mount-proc`, emulated
/// with unshare(1) -p -m (no fork: the stage forks): the program is PID 1
/// and /proc shows the new PID namespace only. Needs root.
#[test]
fn stage2_fork_mount_proc() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("not root: skipped");
        return;
    }
    let o = Command::new("unshare")
        .args(["-p", "-m", "--propagation", "unchanged", EXE])
        .args([
            "--execns-stage2",
            "propagation=private,fork,mount-proc=/proc",
        ])
        .args(["null", "keep", "keep", "/bin/sh", "sh", "-c"])
        .arg("echo $$; set -- /proc/[0-9]*; echo \"$*\"; readlink /proc/self")
        .output();
    let o = match o {
        Ok(o) if !stderr(&o).contains("unshare failed") => o,
        _ => {
            eprintln!("unshare -p -m not possible here: skipped");
            return;
        }
    };
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // sh is 1, alone in /proc; readlink is 2.
    assert_eq!(stdout(&o), "1\n/proc/1\n2\n", "{}", stderr(&o));
}
