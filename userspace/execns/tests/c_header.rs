//! The C header `include/execns.h` compiles (strict C99, warnings as errors)
//! against the host's headers and, when `EXECNS_KHDR` names the include
//! directory of a kernel's `make headers_install`, against those too; and its
//! `execns()` really calls the system call.

use std::path::{Path, PathBuf};
use std::process::Command;

const PROGRAM: &str = r#"
#include <execns.h>
#include <errno.h>
#include <stdio.h>

int main(void)
{
	char *argv[] = { "x", NULL };
	char *envp[] = { NULL };
	int all = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
		  CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME |
		  CLONE_SYSVSEM;

	if (EXECNS_ALL_FLAGS != all || __NR_execns != 463)
		return 2;
	if (execns(CLONE_NEWUTS, "/nonexistent/execns-c-test", argv, envp) != -1)
		return 3;
	printf("%d\n", errno);
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
    let run = Command::new(&exe).output().unwrap();
    assert_eq!(run.status.code(), Some(0), "{name}: test program failed");
    let errno: i32 = String::from_utf8_lossy(&run.stdout).trim().parse().unwrap();
    // ENOSYS: no execns; EINVAL: 463 is setxattrat (6.13+); ENOENT: execns
    // exists and the file is missing.
    assert!(
        [libc::ENOSYS, libc::EINVAL, libc::ENOENT].contains(&errno),
        "{name}: unexpected errno {errno}"
    );
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
