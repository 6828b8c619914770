// SPDX-License-Identifier: GPL-2.0

//! execns(2) and execns2(2): an `execve()` that unshares namespaces, with a new file table.
//!
//! `execns(flags, filename, argv, envp)` runs a program like `execve()`, in the new namespaces
//! that `unshare(flags)` would create, with an empty file descriptor table; `execns2()` does the
//! same from an extensible struct, with the file table of its fd map, and can join existing
//! namespaces first (as `setns()`) and write the id maps of its new user namespace. `fs/exec.c`
//! checks the call and builds that file table (`kernel/execns/files.c`) before the exec starts.
//! Everything else that can fail (permission checks, joining, namespace, credential and
//! `fs_struct` allocation) is done by [`execns_prepare`] before the point of no return of exec,
//! into an [`ExecnsCtx`] that C keeps for the call (`bprm->execns_ctx`, through
//! [`ForeignOwnable`]) and the prepared `bprm->cred`; [`execns_commit`] installs it after
//! `de_thread()` and cannot fail; [`execns_release`] drops what a failed exec prepared. So on
//! any error the caller keeps its namespaces, credentials and file descriptors.
//!
//! Because the new namespaces are installed once exec made the task single-threaded, execns works
//! from multithreaded callers, even with `CLONE_NEWUSER` (which `unshare()` refuses), and execns2
//! joins user, mount and time namespaces from them (which `setns()` refuses).
//!
//! The per-user-namespace uid tables are the [`uid_table`] module.
//!
//! C header: [`include/linux/execns.h`](srctree/include/linux/execns.h).
//!
//! Documentation:
//! [`Documentation/userspace-api/execns.rst`](srctree/Documentation/userspace-api/execns.rst).

use core::ptr::NonNull;
use kernel::{
    alloc::KBox,
    bindings,
    cred::NewCredential,
    fdtable::FilesStruct,
    ffi::{c_int, c_uint, c_void},
    fs_struct::{CurrentFs, FsStruct},
    nsproxy::{self, NsFile, NsProxy},
    prelude::*,
    types::{ARef, ForeignOwnable},
};

pub mod uid_table;

kernel::export_check!(execns_prepare, execns_commit, execns_release);

/// The flags that make a new nsproxy.
const NSPROXY_FLAGS: u32 = bindings::CLONE_NEWNS
    | bindings::CLONE_NEWUTS
    | bindings::CLONE_NEWIPC
    | bindings::CLONE_NEWNET
    | bindings::CLONE_NEWPID
    | bindings::CLONE_NEWCGROUP
    | bindings::CLONE_NEWTIME;

/// The namespaces an execns2() call joins: those of `flags` from `file`, as `setns(file, flags)`.
struct Join<'a> {
    file: NsFile<'a>,
    flags: u32,
}

/// What an execns() call prepared before the point of no return, to install after it.
///
/// Dropping it (a failed exec) releases everything.
struct ExecnsCtx {
    /// The `CLONE_*` flags of the call.
    flags: u32,
    /// The namespace types it joins (execns2()), or 0.
    join_flags: u32,
    /// The new namespaces, if `flags` asks for any or the call joins some.
    nsproxy: Option<ARef<NsProxy>>,
    /// A private copy of the caller's `fs_struct`, with `CLONE_NEWNS` or `CLONE_NEWUSER`, made
    /// or joined.
    fs: Option<FsStruct>,
    /// That copy, made the task's until the exec is installed or fails, when the call joins a
    /// mount namespace: the exec finds its program and interpreters there.
    current_fs: Option<CurrentFs>,
    /// The file table the new program starts with: empty, or execns2()'s fd map.
    files: FilesStruct,
}

impl ExecnsCtx {
    /// Prepares the new namespaces, credentials and `fs_struct`, with `files`, the file table the
    /// new program starts with.
    ///
    /// The namespaces of `join` are joined first, with the permission checks of `setns()`, so
    /// that the `flags` namespaces are made inside them (a new user namespace is a child of a
    /// joined one, and owns the other new namespaces). Permissions for `flags` are those of
    /// `unshare()`: `CLONE_NEWUSER` alone needs no privilege (but the user namespace limits), the
    /// other namespaces need `CAP_SYS_ADMIN` in the user namespace of `cred` (new, joined or
    /// current). On error, what was made is dropped, and `abort_creds()` drops the new or joined
    /// user namespace with the credentials.
    fn prepare(
        flags: u32,
        join: Option<Join<'_>>,
        cred: &mut NewCredential<'_>,
        files: FilesStruct,
    ) -> Result<KBox<Self>> {
        // A private copy of the root and working directories: a new or joined mount namespace
        // moves them to its own mounts, and a new or joined user namespace must not share them
        // with other processes.
        let join_flags = join.as_ref().map_or(0, |j| j.flags);
        let mut fs =
            if (flags | join_flags) & (bindings::CLONE_NEWNS | bindings::CLONE_NEWUSER) != 0 {
                Some(FsStruct::copy_current()?)
            } else {
                None
            };

        let joined = match &join {
            Some(join) => Some(NsProxy::join_for_exec(
                &join.file,
                join.flags,
                cred,
                fs.as_mut(),
            )?),
            None => None,
        };

        if flags & bindings::CLONE_NEWUSER != 0 {
            user_ns::new_user_ns(cred, join_flags & bindings::CLONE_NEWUSER != 0)?;
        }

        let nsproxy = if flags & NSPROXY_FLAGS != 0 {
            // The new namespaces belong to the user namespace of the credentials.
            let owner = Some(cred.credential());
            match &joined {
                Some(base) => base.unshare_from(flags, owner, fs.as_mut())?,
                None => NsProxy::unshare(flags, owner, fs.as_mut())?,
            }
        } else {
            joined
        };

        let mut ctx = KBox::new(
            Self {
                flags,
                join_flags,
                nsproxy,
                fs,
                current_fs: None,
                files,
            },
            GFP_KERNEL,
        )?;
        // Last: nothing above may look up paths in the joined namespace (`create_user_ns()`
        // checks the task's root against its mount namespace, still the old one).
        if join_flags & bindings::CLONE_NEWNS != 0 {
            ctx.current_fs = ctx.fs.take().map(FsStruct::make_current);
        }
        Ok(ctx)
    }

    /// Installs what [`ExecnsCtx::prepare`] made: the new namespaces, `fs_struct` and file table.
    /// The old file table is released (its files closed, unless another task shares it); the new
    /// credentials, with the new user namespace, are committed by `begin_new_exec()` later.
    ///
    /// The private `fs_struct` copied before the point of no return gets the caller's root,
    /// working directory and umask as they are now, so that a `chdir()` by a `CLONE_FS` sharer in
    /// between is not lost; except with `CLONE_NEWNS`, where they were translated into the new
    /// mount namespace when it was copied or joined (see `execns.rst`).
    ///
    /// Joining an IPC namespace detaches the task from its SysV semaphore undo list, as
    /// `setns()` does (`CLONE_SYSVSEM`).
    fn commit(mut self) {
        if (self.flags | self.join_flags) & bindings::CLONE_NEWNS == 0 {
            if let Some(fs) = self.fs.as_mut() {
                fs.refresh_from_current();
            }
        }
        // The copy in the joined mount namespace is given back to be installed for good below.
        if let Some(current) = self.current_fs.take() {
            self.fs = Some(current.restore());
        }
        let sysvsem = if self.join_flags & bindings::CLONE_NEWIPC != 0 {
            bindings::CLONE_SYSVSEM
        } else {
            0
        };
        nsproxy::unshare_install(
            self.flags | sysvsem,
            self.nsproxy,
            self.fs,
            Some(self.files),
        );
    }
}

/// Prepares an execns() call: see [`ExecnsCtx::prepare`]. It takes over `files`, the new file
/// table (`execns_files()`: empty for execns(), the fd map's files for execns2()). `join` and
/// `join_flags` are execns2()'s namespaces to join (`join_flags` 0: none). On success `*ctx` is
/// the prepared context, which C hands to [`execns_commit`] or [`execns_release`]; on failure
/// `files` is already released.
///
/// Called by `bprm_execve()` right after `prepare_bprm_creds()`, before the point of no return,
/// with `cred_guard_mutex` held.
///
/// # Safety
///
/// `cred` must be the prepared, not yet shared, credentials of the exec (`bprm->cred`), which
/// nothing else uses during the call; `files` a file table not used by any task yet whose
/// reference the caller hands over; `join`, when `join_flags` is not 0, a valid file the caller
/// holds during the call; and `ctx` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn execns_prepare(
    flags: c_uint,
    join: *mut bindings::file,
    join_flags: c_uint,
    cred: *mut bindings::cred,
    files: *mut bindings::files_struct,
    ctx: *mut *mut c_void,
) -> c_int {
    let Some(files) = NonNull::new(files) else {
        return EINVAL.to_errno();
    };
    // SAFETY: C hands over its reference to the new file table (safety requirements).
    let files = unsafe { FilesStruct::from_raw(files) };
    let Some(cred) = NonNull::new(cred) else {
        return EINVAL.to_errno();
    };
    // SAFETY: C passes `bprm->cred` from `prepare_bprm_creds()`: valid, not committed yet, used by
    // nothing else during the call and freed by `free_bprm()` at the earliest, after it.
    let mut cred = unsafe { NewCredential::from_raw(cred) };
    let join = match NonNull::new(join) {
        Some(file) if join_flags != 0 => Some(Join {
            // SAFETY: C holds a reference to the file for the call (safety requirements).
            file: unsafe { NsFile::from_raw(file) },
            flags: join_flags,
        }),
        None if join_flags != 0 => return EBADF.to_errno(),
        _ => None,
    };
    match ExecnsCtx::prepare(flags, join, &mut cred, files) {
        Ok(prepared) => {
            // SAFETY: C passes `&bprm->execns_ctx`, a valid pointer slot that nothing else uses
            // during the call.
            unsafe { ctx.write(prepared.into_foreign().cast_mut()) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// Installs and consumes a prepared context: see [`ExecnsCtx::commit`].
///
/// Called by `begin_new_exec()` after the point of no return and `de_thread()`, so the task is
/// the only thread of its process. Cannot fail.
///
/// # Safety
///
/// `ctx` must come from [`execns_prepare`] and be neither committed nor released yet; the caller
/// must be the task that prepared it, in `begin_new_exec()` after `de_thread()`.
#[no_mangle]
pub unsafe extern "C" fn execns_commit(ctx: *mut c_void) {
    // SAFETY: `ctx` comes from `into_foreign()` in `execns_prepare()` and is consumed only here
    // or in `execns_release()` (safety requirements).
    KBox::into_inner(unsafe { KBox::<ExecnsCtx>::from_foreign(ctx) }).commit();
}

/// Drops a context that was prepared but not installed: the exec failed.
///
/// Called from `free_bprm()`.
///
/// # Safety
///
/// As for [`execns_commit`], `ctx` must come from [`execns_prepare`] and be neither committed nor
/// released yet.
#[no_mangle]
pub unsafe extern "C" fn execns_release(ctx: *mut c_void) {
    // SAFETY: `ctx` comes from `into_foreign()` in `execns_prepare()`; C hands it here only if
    // `execns_commit()` did not consume it (it clears `bprm->execns_ctx` then), and only once.
    drop(unsafe { KBox::<ExecnsCtx>::from_foreign(ctx) });
}

/// The user namespace part of [`ExecnsCtx::prepare`].
#[cfg(CONFIG_USER_NS)]
mod user_ns {
    use super::uid_table;
    use kernel::{cred::NewCredential, prelude::*};

    /// Makes `cred` the credentials of a new user namespace, child of their current one (the
    /// caller's, or the one it joins), like `unshare_userns()` then `set_cred_ucounts()` in
    /// `unshare()`; with a fresh uid table when the caller may have one, unless it joined a user
    /// namespace (`joined`): the new one is then part of that container and shares its table,
    /// as after `setns()`. (Who may create one at all, `fs/exec.c` checked:
    /// `execns_userns_allowed()`.)
    pub(super) fn new_user_ns(cred: &mut NewCredential<'_>, joined: bool) -> Result {
        cred.create_user_ns()?;
        if !joined {
            // SAFETY: The credentials are valid and not shared yet (`NewCredential`'s invariant),
            // and their user namespace was just made for them by `create_user_ns()`.
            unsafe { uid_table::give_fresh_table(cred.as_ptr()) }?;
        }
        cred.set_ucounts()
    }
}

/// Without `CONFIG_USER_NS` there are no user namespaces to create: `EINVAL`, as `unshare()`.
#[cfg(not(CONFIG_USER_NS))]
mod user_ns {
    use kernel::{cred::NewCredential, prelude::*};

    /// Fails: no user namespaces.
    pub(super) fn new_user_ns(_cred: &mut NewCredential<'_>, _joined: bool) -> Result {
        Err(EINVAL)
    }
}
