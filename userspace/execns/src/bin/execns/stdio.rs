//! What the program gets on fds 0, 1 and 2, decided before `execns()` (which
//! closes them all) and carried to stage 2 as plain strings.

use std::ffi::{OsStr, OsString};
use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::{FileType, OFlags};

/// The names of the three streams, for messages.
pub const STREAM_NAMES: [&str; 3] = ["standard input", "standard output", "standard error"];

/// How stage 2 opens a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

/// A path stage 2 opens for one of fds 0-2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPath {
    pub path: PathBuf,
    pub access: Access,
    pub append: bool,
    /// `O_NOCTTY` (terminals and other character devices).
    pub noctty: bool,
    /// Seek here after opening (regular files only; 0 = start).
    pub pos: u64,
}

impl Access {
    /// Options that open a path for this access.
    fn options(self) -> OpenOptions {
        let mut o = OpenOptions::new();
        o.read(matches!(self, Access::Read | Access::ReadWrite));
        o.write(matches!(self, Access::Write | Access::ReadWrite));
        o
    }
}

impl OpenPath {
    /// The stage-2 argument: `open:<mode>:<pos>:<path>`.
    fn encode(&self) -> OsString {
        let mut mode = String::from(match self.access {
            Access::Read => "r",
            Access::Write => "w",
            Access::ReadWrite => "rw",
        });
        if self.append {
            mode.push('a');
        }
        if self.noctty {
            mode.push('t');
        }
        let mut v = format!("open:{mode}:{}:", self.pos).into_bytes();
        v.extend_from_slice(self.path.as_os_str().as_bytes());
        OsString::from_vec(v)
    }

    /// Open it (stage 2).
    fn open(&self) -> io::Result<File> {
        let mut o = self.access.options();
        let mut custom = 0;
        if self.append {
            custom |= libc::O_APPEND;
        }
        if self.noctty {
            custom |= libc::O_NOCTTY;
        }
        o.custom_flags(custom);
        let mut f = o.open(&self.path)?;
        if self.pos > 0 {
            f.seek(SeekFrom::Start(self.pos))?;
        }
        Ok(f)
    }
}

/// What stage 2 puts on one of fds 0-2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `/dev/null`, opened read-write.
    Null,
    /// A path, opened without `O_CREAT`/`O_TRUNC`.
    Open(OpenPath),
    /// The same open file as the lower fd given.
    Dup(u8),
    /// The caller's own open file, passed over a Unix socket (see `pass`).
    Passed,
    /// Whatever is on the fd already (stage 2 executing itself again).
    Keep,
}

impl Source {
    /// The stage-2 argument for this source.
    pub fn encode(&self) -> OsString {
        match self {
            Source::Null => "null".into(),
            Source::Passed => "pass".into(),
            Source::Keep => "keep".into(),
            Source::Dup(fd) => format!("dup:{fd}").into(),
            Source::Open(o) => o.encode(),
        }
    }

    /// Parse a stage-2 argument for fd `fd`.
    pub fn decode(s: &OsStr, fd: u8) -> Option<Source> {
        let b = s.as_bytes();
        if b == b"null" {
            return Some(Source::Null);
        }
        if b == b"pass" {
            return Some(Source::Passed);
        }
        if b == b"keep" {
            return Some(Source::Keep);
        }
        if let Some(rest) = b.strip_prefix(b"dup:") {
            let n: u8 = std::str::from_utf8(rest).ok()?.parse().ok()?;
            return (n < fd).then_some(Source::Dup(n));
        }
        let rest = b.strip_prefix(b"open:")?;
        let mut parts = rest.splitn(3, |c| *c == b':');
        let mode = std::str::from_utf8(parts.next()?).ok()?;
        let pos: u64 = std::str::from_utf8(parts.next()?).ok()?.parse().ok()?;
        let path = parts.next()?;
        if path.is_empty() {
            return None;
        }
        let (access, flags) = if let Some(f) = mode.strip_prefix("rw") {
            (Access::ReadWrite, f)
        } else if let Some(f) = mode.strip_prefix('r') {
            (Access::Read, f)
        } else if let Some(f) = mode.strip_prefix('w') {
            (Access::Write, f)
        } else {
            return None;
        };
        if !flags.chars().all(|c| c == 'a' || c == 't') {
            return None;
        }
        Some(Source::Open(OpenPath {
            path: PathBuf::from(OsStr::from_bytes(path)),
            access,
            append: flags.contains('a'),
            noctty: flags.contains('t'),
            pos,
        }))
    }

    /// Open it (stage 2). `Dup` is handled by the caller.
    pub fn open(&self) -> io::Result<File> {
        match self {
            Source::Null => OpenOptions::new().read(true).write(true).open("/dev/null"),
            Source::Dup(_) | Source::Passed | Source::Keep => {
                Err(io::Error::from_raw_os_error(libc::EINVAL))
            }
            Source::Open(o) => o.open(),
        }
    }

    /// A one-line description for `--help`-style messages and tests.
    pub fn describe(&self) -> String {
        match self {
            Source::Null => "/dev/null".into(),
            Source::Dup(fd) => format!("same as fd {fd}"),
            Source::Passed => "the caller's open file".into(),
            Source::Keep => "the open file".into(),
            Source::Open(o) => o.path.display().to_string(),
        }
    }
}

/// Whether this process's fd `fd` (0, 1 or 2) is open.
pub fn is_open(fd: u8) -> bool {
    let (i, o, e) = (io::stdin(), io::stdout(), io::stderr());
    let bfd: BorrowedFd<'_> = match fd {
        0 => i.as_fd(),
        1 => o.as_fd(),
        _ => e.as_fd(),
    };
    rustix::fs::fcntl_getfl(bfd).is_ok()
}

/// The streams of the program for `execns2`'s fd map: for each of fds 0, 1
/// and 2, the fd of this process the program gets there.
#[derive(Debug)]
pub struct FdMap {
    /// `sources[n]`: this process's fd that becomes the program's fd `n`.
    pub sources: [RawFd; 3],
    /// The files opened for the program (a `--stdout PATH`, `/dev/null` for
    /// a closed fd): they must stay open until the call.
    pub opened: Vec<File>,
}

/// Decide [`FdMap`] from the paths given for fds 0-2 (`given[n]`; a path
/// given for both 1 and 2 is one open file): a given path is prepared as
/// [`prepare_path`] does and opened here, in the caller's namespaces; an
/// open fd of this process is passed as it is (the caller's very open file:
/// terminal, pipe, file, socket); a closed one gets `/dev/null`. On error,
/// the path that failed and why.
pub fn map_fds(given: [Option<&Path>; 3]) -> Result<FdMap, (PathBuf, io::Error)> {
    // Look at all three before opening anything: a new file could land on a
    // closed one.
    let open_now = [is_open(0), is_open(1), is_open(2)];
    let mut map = FdMap {
        sources: [-1; 3],
        opened: Vec::new(),
    };
    for fd in 0..3u8 {
        let n = usize::from(fd);
        let file = match given[n] {
            Some(path) if fd == 2 && given[1] == Some(path) => {
                map.sources[2] = map.sources[1];
                continue;
            }
            Some(path) => prepare_path(fd, path)
                .and_then(|s| s.open())
                .map_err(|e| (path.to_owned(), e))?,
            None if open_now[n] => {
                map.sources[n] = RawFd::from(fd);
                continue;
            }
            None => Source::Null
                .open()
                .map_err(|e| (PathBuf::from("/dev/null"), e))?,
        };
        map.sources[n] = file.as_raw_fd();
        map.opened.push(file);
    }
    Ok(map)
}

/// What was found out about one of the caller's fds 0-2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// `None` when the fd is closed.
    pub open: Option<OpenFd>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFd {
    pub file_type: FileType,
    pub dev: u64,
    pub ino: u64,
    pub access: Access,
    pub append: bool,
    /// Current offset (regular files), else 0.
    pub pos: u64,
    /// `readlink /proc/self/fd/N`, when readable.
    pub link: Option<PathBuf>,
    /// (dev, ino) of what `link` names now, when it is an existing path.
    pub link_id: Option<(u64, u64)>,
}

/// Look at the caller's fd `fd` (0, 1 or 2).
pub fn probe(fd: u8) -> Probe {
    let (i, o, e) = (io::stdin(), io::stdout(), io::stderr());
    let bfd: BorrowedFd<'_> = match fd {
        0 => i.as_fd(),
        1 => o.as_fd(),
        _ => e.as_fd(),
    };
    let flags = match rustix::fs::fcntl_getfl(bfd) {
        Ok(f) => f,
        Err(_) => return Probe { open: None },
    };
    let st = match rustix::fs::fstat(bfd) {
        Ok(st) => st,
        Err(_) => return Probe { open: None },
    };
    let file_type = FileType::from_raw_mode(st.st_mode);
    let access = match flags & OFlags::RWMODE {
        OFlags::RDONLY => Access::Read,
        OFlags::WRONLY => Access::Write,
        _ => Access::ReadWrite,
    };
    let pos = if file_type == FileType::RegularFile {
        rustix::fs::tell(bfd).unwrap_or(0)
    } else {
        0
    };
    let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok();
    let link_id = link
        .as_deref()
        .filter(|l| l.is_absolute())
        .and_then(|l| std::fs::metadata(l).ok())
        .map(|m| (m.dev(), m.ino()));
    Probe {
        open: Some(OpenFd {
            file_type,
            dev: st.st_dev,
            ino: st.st_ino,
            access,
            append: flags.contains(OFlags::APPEND),
            pos,
            link,
            link_id,
        }),
    }
}

/// Decide what stage 2 puts on fd `fd` when no option names a path for it,
/// from what [`probe`] found:
///
/// * a closed fd: `/dev/null`, no warning;
/// * a terminal or other device with a name: opened again by that name;
/// * anything else (regular file, pipe, socket, device without a name): the
///   caller's open file itself is to be passed (see `pass`): returned as
///   `/dev/null` with the warning to print if passing fails.
pub fn decide_inherited(fd: u8, probe: &Probe) -> (Source, Option<String>) {
    let name = STREAM_NAMES[usize::from(fd)];
    let Some(o) = &probe.open else {
        return (Source::Null, None);
    };
    let is_dev = matches!(
        o.file_type,
        FileType::CharacterDevice | FileType::BlockDevice
    );
    match (&o.link, o.link_id) {
        (Some(link), Some(id)) if is_dev && id == (o.dev, o.ino) => (
            Source::Open(OpenPath {
                path: link.clone(),
                access: o.access,
                append: o.append,
                noctty: true,
                pos: 0,
            }),
            None,
        ),
        _ => {
            let what = match o.file_type {
                FileType::Fifo => "a pipe",
                FileType::Socket => "a socket",
                FileType::Directory => "a directory",
                FileType::RegularFile => "a file",
                _ => "a device without a name",
            };
            (
                Source::Null,
                Some(format!(
                    "{name} is {what}, which cannot be reopened by name after execns \
                     closes it; the program gets /dev/null (use --{} PATH)",
                    ["stdin", "stdout", "stderr"][usize::from(fd)]
                )),
            )
        }
    }
}

/// Check, before `execns()`, that stage 2 will be able to open `src` (with
/// the caller's credentials, which stage 2 keeps): opens it once with
/// `O_NONBLOCK` (so a FIFO does not block) and closes it again.
pub fn check_reopen(src: &Source) -> io::Result<()> {
    if let Source::Open(OpenPath { path, access, .. }) = src {
        access
            .options()
            .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
            .open(path)?;
    }
    Ok(())
}

/// Prepare a path given with `--stdin`/`--stdout`/`--stderr` before `execns()`
/// (in the caller's namespaces and with its credentials): check that it can be
/// opened, and create and truncate a regular output file as the shell's `>`
/// does. Stage 2 then opens it again without creating or truncating.
pub fn prepare_path(fd: u8, path: &Path) -> io::Result<Source> {
    let path = std::path::absolute(path)?;
    let md = std::fs::metadata(&path);
    let is_regular_or_new = match &md {
        Ok(m) => m.is_file(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => fd != 0,
        Err(_) => false,
    };
    if let Ok(m) = &md {
        if m.is_dir() {
            return Err(io::Error::from_raw_os_error(libc::EISDIR));
        }
    }
    let access = if fd == 0 { Access::Read } else { Access::Write };
    if is_regular_or_new {
        let mut o = OpenOptions::new();
        if fd == 0 {
            o.read(true);
        } else {
            o.write(true).create(true).truncate(true).mode(0o666);
        }
        o.open(&path)?;
    } else {
        // FIFOs and devices: opening could block (FIFO) or have effects; only
        // check that it exists and is accessible.
        md?;
        let mode = if fd == 0 {
            rustix::fs::Access::READ_OK
        } else {
            rustix::fs::Access::WRITE_OK
        };
        rustix::fs::access(&path, mode)?;
    }
    let is_dev = std::fs::metadata(&path)
        .map(|m| {
            use std::os::unix::fs::FileTypeExt;
            m.file_type().is_char_device() || m.file_type().is_block_device()
        })
        .unwrap_or(false);
    Ok(Source::Open(OpenPath {
        path,
        access,
        append: false,
        noctty: is_dev,
        pos: 0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_fd(ft: FileType, link: Option<&str>, same: bool) -> Probe {
        Probe {
            open: Some(OpenFd {
                file_type: ft,
                dev: 5,
                ino: 7,
                access: Access::Write,
                append: false,
                pos: 42,
                link: link.map(PathBuf::from),
                link_id: link.map(|_| if same { (5, 7) } else { (5, 8) }),
            }),
        }
    }

    #[test]
    fn closed_fd_gets_dev_null_silently() {
        assert_eq!(
            decide_inherited(0, &Probe { open: None }),
            (Source::Null, None)
        );
    }

    #[test]
    fn terminal_is_reopened_by_name() {
        let p = open_fd(FileType::CharacterDevice, Some("/dev/pts/3"), true);
        let (s, w) = decide_inherited(1, &p);
        assert!(w.is_none());
        assert_eq!(
            s,
            Source::Open(OpenPath {
                path: "/dev/pts/3".into(),
                access: Access::Write,
                append: false,
                noctty: true,
                pos: 0
            })
        );
    }

    #[test]
    fn regular_files_and_pipes_are_to_be_passed() {
        for (ft, link, what) in [
            (FileType::RegularFile, Some("/tmp/log"), "a file"),
            (FileType::Fifo, Some("pipe:[1234]"), "a pipe"),
            (FileType::Fifo, Some("/run/fifo"), "a pipe"),
            (FileType::Socket, Some("socket:[1]"), "a socket"),
            (FileType::RegularFile, Some("/tmp/x (deleted)"), "a file"),
            (FileType::RegularFile, None, "a file"),
        ] {
            let (s, w) = decide_inherited(1, &open_fd(ft, link, link.is_some()));
            assert_eq!(s, Source::Null, "{link:?}");
            let w = w.unwrap();
            assert!(w.contains(&format!("standard output is {what}")), "{w}");
            assert!(w.contains("--stdout PATH"), "{w}");
        }
        // A device whose name now leads elsewhere.
        let (s, w) = decide_inherited(
            0,
            &open_fd(FileType::CharacterDevice, Some("/dev/x"), false),
        );
        assert_eq!(s, Source::Null);
        assert!(w
            .unwrap()
            .contains("standard input is a device without a name"));
    }

    #[test]
    fn encode_decode_roundtrip() {
        let srcs = [
            (Source::Null, 0),
            (Source::Dup(1), 2),
            (Source::Passed, 1),
            (Source::Keep, 2),
            (
                Source::Open(OpenPath {
                    path: "/tmp/a:b c".into(),
                    access: Access::ReadWrite,
                    append: true,
                    noctty: true,
                    pos: 9,
                }),
                1,
            ),
            (
                Source::Open(OpenPath {
                    path: "/dev/null".into(),
                    access: Access::Read,
                    append: false,
                    noctty: false,
                    pos: 0,
                }),
                0,
            ),
        ];
        for (s, fd) in srcs {
            assert_eq!(Source::decode(&s.encode(), fd), Some(s.clone()), "{s:?}");
        }
        assert_eq!(Source::decode(OsStr::new("dup:1"), 1), None);
        assert_eq!(Source::decode(OsStr::new("open:x:0:/a"), 1), None);
        assert_eq!(Source::decode(OsStr::new("open:w:0:"), 1), None);
        assert_eq!(Source::decode(OsStr::new("open:wz:0:/a"), 1), None);
        assert_eq!(Source::decode(OsStr::new("bogus"), 1), None);
    }

    #[test]
    fn prepare_creates_and_truncates_output() {
        let dir = std::env::temp_dir().join(format!("execns-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        std::fs::write(&out, "old contents").unwrap();
        let s = prepare_path(1, &out).unwrap();
        assert_eq!(std::fs::metadata(&out).unwrap().len(), 0);
        assert!(matches!(
            s,
            Source::Open(OpenPath {
                access: Access::Write,
                pos: 0,
                ..
            })
        ));
        let new = dir.join("new");
        prepare_path(2, &new).unwrap();
        assert!(new.exists());
        // stdin must exist
        let e = prepare_path(0, &dir.join("missing")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let s = prepare_path(0, &out).unwrap();
        assert!(matches!(
            s,
            Source::Open(OpenPath {
                access: Access::Read,
                ..
            })
        ));
        let e = prepare_path(1, &dir).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EISDIR));
        // devices are not truncated or opened, only checked
        let s = prepare_path(1, Path::new("/dev/null")).unwrap();
        assert!(matches!(s, Source::Open(OpenPath { noctty: true, .. })));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn probe_sees_a_real_file() {
        // Probe is for fds 0-2 of this process; check that it at least
        // produces something consistent for whatever the test harness gave us.
        for fd in 0..3 {
            let p = probe(fd);
            if let Some(o) = &p.open {
                if let (Some(l), Some(id)) = (&o.link, o.link_id) {
                    if l.is_absolute() && o.file_type == FileType::RegularFile {
                        assert_eq!(id, (o.dev, o.ino));
                    }
                }
            }
        }
    }

    #[test]
    fn map_fds_passes_open_fds_and_opens_given_paths() {
        let dir = std::env::temp_dir().join(format!("execns-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("out");
        std::fs::write(&out, "old").unwrap();
        let inp = dir.join("in");
        std::fs::write(&inp, "input").unwrap();
        // The test harness's own fds 0-2 are open: each is passed as it is.
        let m = map_fds([None, None, None]).unwrap();
        assert_eq!(m.sources, [0, 1, 2]);
        assert!(m.opened.is_empty());
        // One open file for the same --stdout and --stderr, truncated.
        let m = map_fds([Some(&inp), Some(&out), Some(&out)]).unwrap();
        assert_eq!(m.opened.len(), 2);
        assert_eq!(m.sources[0], m.opened[0].as_raw_fd());
        assert_eq!(m.sources[1], m.opened[1].as_raw_fd());
        assert_eq!(m.sources[2], m.sources[1]);
        assert_eq!(std::fs::metadata(&out).unwrap().len(), 0);
        drop(m);
        let bad = dir.join("missing/x");
        let (path, e) = map_fds([None, Some(&bad), None]).unwrap_err();
        assert_eq!(path, bad);
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn open_sources() {
        let f = Source::Null.open().unwrap();
        drop(f);
        let dir = std::env::temp_dir().join(format!("execns-open-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("f");
        std::fs::write(&p, "0123456789").unwrap();
        let s = Source::Open(OpenPath {
            path: p.clone(),
            access: Access::Write,
            append: false,
            noctty: false,
            pos: 4,
        });
        let mut f = s.open().unwrap();
        use std::io::Write;
        f.write_all(b"XY").unwrap();
        drop(f);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "0123XY6789");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(test)]
mod reopen_tests {
    use super::*;

    #[test]
    fn check_reopen_catches_unopenable_paths() {
        assert!(check_reopen(&Source::Null).is_ok());
        assert!(check_reopen(&Source::Dup(1)).is_ok());
        let ok = Source::Open(OpenPath {
            path: "/dev/null".into(),
            access: Access::Write,
            append: false,
            noctty: true,
            pos: 0,
        });
        assert!(check_reopen(&ok).is_ok());
        let missing = Source::Open(OpenPath {
            path: "/nonexistent/file".into(),
            access: Access::Read,
            append: false,
            noctty: false,
            pos: 0,
        });
        assert_eq!(
            check_reopen(&missing).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
    }
}
