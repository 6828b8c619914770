//! Passing standard streams that cannot be reopened by name (pipes, sockets,
//! deleted files, files the caller could open but not reopen) through
//! `execns(2)`, which closes every fd.
//!
//! Before the call, the CLI binds a Unix socket in a private directory
//! (`$TMPDIR/execns.PID.N/s`, mode 0700) and starts a holder process, to which
//! it sends the listening socket and the fds to pass (`SCM_RIGHTS` over a
//! socketpair that is the holder's stdin). After the call, stage 2 connects
//! to the socket, receives the fds and puts them on 0-2; the holder removes
//! the socket and exits, and stage 2 reaps it. A pathname socket works in new
//! mount (same mounts), network (pathname sockets are not per network
//! namespace) and user namespaces (same kernel uid, owner of the directory).

use std::ffi::OsString;
use std::io::{self, IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::fs::DirBuilderExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::net::{
    recvmsg, sendmsg, socketpair, AddressFamily, RecvAncillaryBuffer, RecvAncillaryMessage,
    RecvFlags, SendAncillaryBuffer, SendAncillaryMessage, SendFlags, SocketFlags, SocketType,
};

/// The hidden first argument of the holder.
pub const HOLDER_ARG: &str = "--execns-fd-holder";

/// How long the holder waits for stage 2.
const HOLD_TIMEOUT: Duration = Duration::from_secs(60);

/// A started holder (first stage).
pub struct Passer {
    pub dir: PathBuf,
    pub sock: PathBuf,
    pub child: Child,
}

impl Passer {
    /// execns(2) failed: stop the holder and remove the socket.
    pub fn abort(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn send_fds(sock: BorrowedFd<'_>, fds: &[BorrowedFd<'_>]) -> io::Result<()> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(4))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if fds.len() > 4 || !control.push(SendAncillaryMessage::ScmRights(fds)) {
        return Err(io::Error::from_raw_os_error(libc::EINVAL));
    }
    let n = [u8::try_from(fds.len()).unwrap_or(0)];
    sendmsg(sock, &[IoSlice::new(&n)], &mut control, SendFlags::empty())?;
    Ok(())
}

fn recv_fds(sock: BorrowedFd<'_>) -> io::Result<Vec<OwnedFd>> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(4))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let mut n = [0u8; 1];
    let got = recvmsg(
        sock,
        &mut [IoSliceMut::new(&mut n)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )?;
    let mut fds = Vec::new();
    for msg in control.drain() {
        if let RecvAncillaryMessage::ScmRights(rights) = msg {
            fds.extend(rights);
        }
    }
    if got.bytes != 1 || usize::from(n[0]) != fds.len() {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the stream holder sent no descriptors",
        ));
    }
    Ok(fds)
}

/// Start a holder for the caller's fds `fds` (each 0, 1 or 2).
pub fn start(me: &Path, fds: &[u8]) -> io::Result<Passer> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!("execns.{}.{stamp}", std::process::id()));
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    let sock = dir.join("s");
    let started = (|| {
        // sun_path holds 108 bytes; the path must also travel as UTF-8 text.
        if sock.as_os_str().len() > 100 || sock.to_str().is_none_or(|s| s.contains(',')) {
            return Err(io::Error::from_raw_os_error(libc::ENAMETOOLONG));
        }
        let listener = UnixListener::bind(&sock)?;
        let (mine, theirs) = socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )?;
        let mut child = Command::new(me)
            .arg0("execns")
            .arg(HOLDER_ARG)
            .stdin(Stdio::from(theirs))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let (i, o, e) = (io::stdin(), io::stdout(), io::stderr());
        let mut list = vec![listener.as_fd()];
        for fd in fds {
            list.push(match fd {
                0 => i.as_fd(),
                1 => o.as_fd(),
                _ => e.as_fd(),
            });
        }
        if let Err(err) = send_fds(mine.as_fd(), &list) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(err);
        }
        Ok(child)
    })();
    match started {
        Ok(child) => Ok(Passer { dir, sock, child }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            Err(e)
        }
    }
}

/// The holder process: stdin is the socketpair end from [`start`].
pub fn holder(_args: &[OsString]) -> u8 {
    let mut fds = match recv_fds(io::stdin().as_fd()) {
        Ok(f) if !f.is_empty() => f,
        _ => return 1,
    };
    let listener = UnixListener::from(fds.remove(0));
    let path = listener
        .local_addr()
        .ok()
        .and_then(|a| a.as_pathname().map(Path::to_path_buf));
    let cleanup = || {
        if let Some(p) = &path {
            let _ = std::fs::remove_file(p);
            if let Some(d) = p.parent() {
                let _ = std::fs::remove_dir(d);
            }
        }
    };
    if listener.set_nonblocking(true).is_err() {
        cleanup();
        return 1;
    }
    let deadline = Instant::now() + HOLD_TIMEOUT;
    let conn = loop {
        match listener.accept() {
            Ok((c, _)) => break c,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(_) => {
                cleanup();
                return 1;
            }
        }
    };
    cleanup();
    let _ = conn.set_nonblocking(false);
    let borrowed: Vec<BorrowedFd<'_>> = fds.iter().map(|f| f.as_fd()).collect();
    match send_fds(conn.as_fd(), &borrowed) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// Stage 2: get the passed fds (in the order they were given to [`start`]).
pub fn fetch(sock: &Path) -> io::Result<Vec<OwnedFd>> {
    let s = UnixStream::connect(sock)?;
    recv_fds(s.as_fd())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fds_travel_over_a_socketpair() {
        let (a, b) = socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let devnull = std::fs::File::open("/dev/null").unwrap();
        send_fds(a.as_fd(), &[devnull.as_fd(), devnull.as_fd()]).unwrap();
        let got = recv_fds(b.as_fd()).unwrap();
        assert_eq!(got.len(), 2);
        for fd in got {
            let st = rustix::fs::fstat(&fd).unwrap();
            let dn = rustix::fs::stat("/dev/null").unwrap();
            assert_eq!(st.st_rdev, dn.st_rdev);
        }
    }

    #[test]
    fn too_many_fds_are_refused() {
        let (a, _b) = socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let f = std::fs::File::open("/dev/null").unwrap();
        let many = vec![f.as_fd(); 5];
        assert!(send_fds(a.as_fd(), &many).is_err());
    }
}
