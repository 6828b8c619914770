//! The user-namespace helper, for `--map-root-user` and `--setgroups` with a
//! new user namespace. After execns(2) the program has no capability in its
//! new user namespace (as after unshare(2) + execve(2) without a mapping), so
//! it can write neither its own uid_map nor its setgroups file. A helper
//! started before the call, in the caller's user namespace and with the
//! caller's uid (so with every capability over the new namespace, which that
//! uid owns), waits for the new user namespace to appear and writes
//! `/proc/PID/setgroups` and the mappings; stage 2 waits for the helper to
//! exit before executing the program.
//!
//! Arguments (after `--execns-map-helper`):
//! `PID ORIGINAL_USER_NS_LINK SETGROUPS MAP` where SETGROUPS is `allow`,
//! `deny` or `-` (leave it), and MAP is `UID:GID` (map them to root, after
//! denying setgroups) or `-`.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The hidden first argument of the helper.
pub const MAPPER_ARG: &str = "--execns-map-helper";

/// Write `/proc/PID/setgroups` (`setgroups`), then map `uid`/`gid` to root.
fn write_files(pid: u32, setgroups: Option<&str>, map: Option<(u32, u32)>) -> io::Result<()> {
    // Writing gid_map unprivileged needs setgroups denied first.
    let setgroups = setgroups.or(map.map(|_| "deny"));
    if let Some(sg) = setgroups {
        match std::fs::write(format!("/proc/{pid}/setgroups"), sg) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    if let Some((uid, gid)) = map {
        std::fs::write(format!("/proc/{pid}/uid_map"), format!("0 {uid} 1"))?;
        std::fs::write(format!("/proc/{pid}/gid_map"), format!("0 {gid} 1"))?;
    }
    Ok(())
}

/// Parse `UID:GID`.
fn parse_map(s: &str) -> Option<(u32, u32)> {
    let (u, g) = s.split_once(':')?;
    Some((u.parse().ok()?, g.parse().ok()?))
}

pub fn run(args: &[OsString]) -> u8 {
    let parsed = (|| {
        let pid: u32 = args.first()?.to_str()?.parse().ok()?;
        let orig = PathBuf::from(args.get(1)?);
        let setgroups = match args.get(2)?.to_str()? {
            "-" => None,
            s @ ("allow" | "deny") => Some(s),
            _ => return None,
        };
        let map = match args.get(3)?.to_str()? {
            "-" => None,
            m => Some(parse_map(m)?),
        };
        (args.len() == 4).then_some((pid, orig, setgroups, map))
    })();
    let Some((pid, orig, setgroups, map)) = parsed else {
        let _ = writeln!(io::stderr(), "execns: user namespace helper: bad arguments");
        return 2;
    };
    let link = format!("/proc/{pid}/ns/user");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match std::fs::read_link(&link) {
            Ok(l) if l != orig => break,
            Ok(_) => {}
            // The caller is gone.
            Err(_) => return 1,
        }
        if Instant::now() > deadline {
            return 1;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    match write_files(pid, setgroups, map) {
        Ok(()) => 0,
        Err(e) => {
            let what = match map {
                Some((uid, _)) => format!("cannot map root to uid {uid}"),
                None => format!("cannot write /proc/{pid}/setgroups"),
            };
            let _ = writeln!(
                io::stderr(),
                "execns: {what}: {}",
                execns::error_message(&e)
            );
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_arguments_are_refused() {
        let a = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        for bad in [
            &[][..],
            &["1", "user:[1]", "-"],
            &["1", "user:[1]", "maybe", "-"],
            &["1", "user:[1]", "-", "0"],
            &["x", "user:[1]", "-", "-"],
            &["1", "user:[1]", "-", "-", "extra"],
        ] {
            assert_eq!(run(&a(bad)), 2, "{bad:?}");
        }
        assert_eq!(parse_map("1000:100"), Some((1000, 100)));
        assert_eq!(parse_map("1000"), None);
    }
}
