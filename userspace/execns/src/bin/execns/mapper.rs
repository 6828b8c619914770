//! `--map-root-user`: after execns(2) the program has no capability in its new
//! user namespace (as after unshare(2) + execve(2) without a mapping), so it
//! cannot write its own uid_map. A helper started before the call, in the
//! caller's user namespace and with the caller's uid (so with every
//! capability over the new namespace, which that uid owns), waits for the new
//! user namespace to appear and writes the mappings; stage 2 waits for the
//! helper to exit before executing the program.
//!
//! Arguments (after `--execns-map-helper`): `PID UID GID ORIGINAL_USER_NS_LINK`.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The hidden first argument of the helper.
pub const MAPPER_ARG: &str = "--execns-map-helper";

fn write_maps(pid: u32, uid: u32, gid: u32) -> io::Result<()> {
    match std::fs::write(format!("/proc/{pid}/setgroups"), "deny") {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::write(format!("/proc/{pid}/uid_map"), format!("0 {uid} 1"))?;
    std::fs::write(format!("/proc/{pid}/gid_map"), format!("0 {gid} 1"))?;
    Ok(())
}

pub fn run(args: &[OsString]) -> u8 {
    let parsed = (|| {
        let pid: u32 = args.first()?.to_str()?.parse().ok()?;
        let uid: u32 = args.get(1)?.to_str()?.parse().ok()?;
        let gid: u32 = args.get(2)?.to_str()?.parse().ok()?;
        let orig = PathBuf::from(args.get(3)?);
        Some((pid, uid, gid, orig))
    })();
    let Some((pid, uid, gid, orig)) = parsed else {
        let _ = writeln!(io::stderr(), "execns: map helper: bad arguments");
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
    match write_maps(pid, uid, gid) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "execns: cannot map root to uid {uid}: {}",
                execns::error_message(&e)
            );
            1
        }
    }
}
