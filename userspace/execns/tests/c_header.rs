//! The C header `include/execns.h` compiles (strict C99, warnings as errors)
//! against the host's headers and, when `EXECNS_KHDR` names the include
//! directory of a kernel's `make headers_install`, against those too; its
//! `execns()` takes the number from /sys/kernel/execns/nr and really calls the
//! system call, or fails with ENOSYS without calling anything when that file
//! is missing; and its parser of that file accepts only a decimal number.

use std::path::{Path, PathBuf};
use std::process::Command;

const PROGRAM: &str = r#"
#include <execns.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* argv[1]: a directory for the parser's test files. */
static long parse(const char *dir, const char *name, const char *contents)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (contents) {
		f = fopen(path, "w");
		if (!f || fputs(contents, f) < 0 || fclose(f))
			return -100;
	}
	return execns__read_nr(path);
}

int main(int argc, char **argv)
{
	char *args[] = { "x", NULL };
	char *envp[] = { NULL };
	int all = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
		  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME |
		  CLONE_SYSVSEM;
	long nr, nr2;
	int err;

	if (argc != 2 || EXECNS_ALL_FLAGS != all)
		return 2;
	if (parse(argv[1], "ok", "463\n") != 463 ||
	    parse(argv[1], "nonl", "463") != 463 ||
	    parse(argv[1], "zero", "0\n") != 0 ||
	    parse(argv[1], "max", "2147483647\n") != 2147483647L ||
	    parse(argv[1], "missing", NULL) != -1 ||
	    parse(argv[1], "ok/below-a-file", NULL) != -1 ||
	    parse(argv[1], "", NULL) != -2 /* the directory: EISDIR */ ||
	    parse(argv[1], "empty", "") != -2 ||
	    parse(argv[1], "nl", "\n") != -2 ||
	    parse(argv[1], "garbage", "garbage\n") != -2 ||
	    parse(argv[1], "trailing", "463abc") != -2 ||
	    parse(argv[1], "twonl", "463\n\n") != -2 ||
	    parse(argv[1], "space", " 463\n") != -2 ||
	    parse(argv[1], "neg", "-1\n") != -2 ||
	    parse(argv[1], "plus", "+463\n") != -2 ||
	    parse(argv[1], "overflow", "2147483648\n") != -2 ||
	    parse(argv[1], "huge", "99999999999999999999999999\n") != -2 ||
	    parse(argv[1], "long", "0000000000000000000000000000000000463\n") != -2)
		return 3;

	errno = 0;
	nr = execns_syscall_nr();
	err = errno;
	nr2 = execns_syscall_nr();
	if (nr != nr2 || (nr < 0 && (nr != -1 || err != ENOSYS)) ||
	    (nr >= 0 && err != 0))
		return 4;
	errno = 0;
	if (execns(CLONE_NEWUTS, "/nonexistent/execns-c-test", args, envp) != -1)
		return 5;
	err = errno;
	if (nr < 0 && err != ENOSYS)
		return 6;
	printf("%ld %d %s\n", nr, err, EXECNS_ENOSYS_MESSAGE);
	return 0;
}
"#;

fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../include")
}

fn build_and_run(name: &str, extra: &[String]) {
    let dir = std::env::temp_dir().join(format!("execns-c-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join("t.c");
    std::fs::write(&src, PROGRAM).unwrap();
    let exe = dir.join("t");
    let mut cc = Command::new("cc");
    cc.args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .args(extra)
        .arg("-I")
        .arg(include_dir())
        .arg("-o")
        .arg(&exe)
        .arg(&src);
    let out = match cc.output() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("no C compiler ({e}): skipped");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{name}: cc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = dir.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let run = Command::new(&exe).arg(&files).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{name}: test program failed");
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    let mut words = out.trim_end().splitn(3, ' ');
    let nr: i64 = words.next().unwrap().parse().unwrap();
    let errno: i32 = words.next().unwrap().parse().unwrap();
    assert_eq!(
        words.next(),
        Some("the running kernel does not provide execns(2) (no /sys/kernel/execns/nr)")
    );
    match std::fs::read_to_string("/sys/kernel/execns/nr") {
        // execns exists and the file is missing.
        Ok(s) => {
            assert_eq!(nr.to_string(), s.trim_end(), "{name}");
            assert_eq!(errno, libc::ENOENT, "{name}");
        }
        // No execns: ENOSYS without any system call (not setxattrat's EINVAL).
        Err(_) => {
            assert_eq!(nr, -1, "{name}");
            assert_eq!(errno, libc::ENOSYS, "{name}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn c_header_with_host_headers() {
    build_and_run("host", &[]);
}

#[test]
fn c_header_with_kernel_headers() {
    let Some(khdr) = std::env::var_os("EXECNS_KHDR").filter(|k| !k.is_empty()) else {
        eprintln!("EXECNS_KHDR not set: skipped");
        return;
    };
    if !Path::new(&khdr).join("linux").is_dir() {
        eprintln!("EXECNS_KHDR={khdr:?} has no linux/: skipped");
        return;
    }
    build_and_run(
        "khdr",
        &["-isystem".into(), khdr.to_string_lossy().into_owned()],
    );
}
