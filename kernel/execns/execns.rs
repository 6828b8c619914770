// SPDX-License-Identifier: GPL-2.0

//! execns(2): an `execve()` that unshares namespaces and closes every file.
//!
//! `execns(flags, filename, argv, envp)` runs a program like `execve()`, in the new namespaces
//! that `unshare(flags)` would create, with an empty file descriptor table. Everything that can
//! fail (permission checks, namespace, credential, `fs_struct` and file table allocation) is done
//! by [`execns_prepare`] before the point of no return of exec, into the [`bindings::execns_ctx`]
//! of the call and the prepared `bprm->cred`; [`execns_commit`] installs it after `de_thread()`
//! and cannot fail; [`execns_release`] drops what a failed exec prepared. So on any error the
//! caller keeps its namespaces, credentials and file descriptors.
//!
//! Because the new namespaces are installed once exec made the task single-threaded, execns works
//! from multithreaded callers, even with `CLONE_NEWUSER` (which `unshare()` refuses).
//!
//! C header: [`include/linux/execns.h`](srctree/include/linux/execns.h).
//!
// ! Documentation:
// [`Documentation/userspace-api/execns.rst`](srctree/Documentation/userspace-api/execns.rst).

use core::ptr;
use kernel::{
    bindings,
    error::{code::*, to_result, Result},
    ffi::{c_int, c_ulong},
};

kernel::export_check!(
    execns_ctx_init,
    execns_prepare,
    execns_commit,
    execns_release
);

// `task->fs` is read below and `cred->user` written by `fresh_uid_table()`: bindgen must lay them
// out where C has them (see the `sched_statistics` fix in `include/linux/sched.h`).
const _: () = {
    use core::mem::offset_of;
    assert!(offset_of!(bindings::task_struct, fs) == bindings::TASK_STRUCT_FS_OFFSET);
    assert!(offset_of!(bindings::cred, user) == bindings::CRED_USER_OFFSET);
};

/// Every flag execns() accepts.
const VALID_FLAGS: u32 = bindings::EXECNS_VALID_FLAGS;

/// The flags that make a new nsproxy.
const NSPROXY_FLAGS: u32 = bindings::CLONE_NEWNS
    | bindings::CLONE_NEWUTS
    | bindings::CLONE_NEWIPC
    | bindings::CLONE_NEWNET
    | bindings::CLONE_NEWPID
    | bindings::CLONE_NEWCGROUP
    | bindings::CLONE_NEWTIME;

/// Validates the flags of an execns() call and initialises its context.
///
/// Returns `-EINVAL` for a flag outside [`VALID_FLAGS`], before anything else is looked at.
///
/// # Safety
///
/// `ctx` must be valid for writes.
#[no_mangle]
pub unsafe extern "C" fn execns_ctx_init(
    ctx: *mut bindings::execns_ctx,
    unshare_flags: c_int,
) -> c_int {
    // Reinterpret the bits: every valid flag fits in 31 bits, so a negative value is invalid.
    let flags = unshare_flags as u32;
    if flags & !VALID_FLAGS != 0 {
        return EINVAL.to_errno();
    }
    // SAFETY: `ctx` is valid for writes per the safety requirements.
    unsafe {
        ctx.write(bindings::execns_ctx {
            flags,
            nsproxy: ptr::null_mut(),
            fs: ptr::null_mut(),
            files: ptr::null_mut(),
        })
    };
    0
}

/// Prepares the new namespaces, credentials and `fs_struct`; the new file table is already in
/// `bprm->execns->files`.
///
/// Called by `bprm_execve()` right after `prepare_bprm_creds()`, before the point of no return,
/// with `cred_guard_mutex` held. Permissions are those of `unshare()`: `CLONE_NEWUSER` alone
/// needs no privilege (but the user namespace limits), the other namespaces need
/// `CAP_SYS_ADMIN` in the new or current user namespace.
///
/// # Safety
///
/// `bprm` must be valid, with `bprm->execns` initialised by [`execns_ctx_init`] and
/// `bprm->cred` the prepared, not yet shared, credentials of the exec.
#[no_mangle]
pub unsafe extern "C" fn execns_prepare(bprm: *mut bindings::linux_binprm) -> c_int {
    // SAFETY: Per the safety requirements.
    let (ctx, cred) = unsafe { (&mut *(*bprm).execns, (*bprm).cred) };
    match prepare(ctx, cred) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// See [`execns_prepare`]. On error, what was prepared stays in `ctx` and `cred` for
/// [`execns_release`] and `abort_creds()` to drop.
fn prepare(ctx: &mut bindings::execns_ctx, cred: *mut bindings::cred) -> Result {
    let flags = ctx.flags;
    // SAFETY: `current` is always valid.
    let me = unsafe { bindings::get_current() };

    if flags & bindings::CLONE_NEWUSER != 0 {
        // SAFETY: Plain check of the current credentials.
        if !unsafe { bindings::userns_clone_allowed() } {
            return Err(EPERM);
        }
        user_ns::new_user_ns(cred)?;
    }

    // A private copy of the root and working directories: a new mount namespace moves them to
    // its own mounts, and a new user namespace must not share them with other processes.
    if flags & (bindings::CLONE_NEWNS | bindings::CLONE_NEWUSER) != 0 {
        // SAFETY: `me->fs` is valid for the current task during exec.
        let fs = unsafe { bindings::copy_fs_struct((*me).fs) };
        if fs.is_null() {
            return Err(ENOMEM);
        }
        ctx.fs = fs;
    }

    if flags & NSPROXY_FLAGS != 0 {
        let new_cred = if flags & bindings::CLONE_NEWUSER != 0 {
            cred
        } else {
            ptr::null_mut()
        };
        let mut nsproxy = ptr::null_mut();
        // SAFETY: `new_cred` is null or the prepared credentials, `ctx.fs` null or our private
        // copy; on success we own the returned nsproxy.
        to_result(unsafe {
            bindings::unshare_nsproxy_namespaces(flags as c_ulong, &mut nsproxy, new_cred, ctx.fs)
        })?;
        ctx.nsproxy = nsproxy;
    }

    // `ctx.files`, the new program's file table (empty for execns(), the fd map's files for
    // execns2()), was made by `fs/exec.c` before the exec started (`execns_files()`).
    Ok(())
}

/// The user namespace part of [`execns_prepare`].
#[cfg(CONFIG_USER_NS)]
mod user_ns {
    use kernel::{
        bindings,
        cred::Credential,
        error::{to_result, Result},
        types::ARef,
        uid_table::UidTable,
        user_namespace::UserNamespace,
    };

    /// Makes `cred` the credentials of a new user namespace, child of the current one, like
    /// `unshare_userns()` then `set_cred_ucounts()` in `unshare()`; with a fresh uid table when the
    /// caller may have one.
    pub(super) fn new_user_ns(cred: *mut bindings::cred) -> Result {
        // SAFETY: `cred` is the prepared credentials of the exec (see `execns_prepare`).
        to_result(unsafe { bindings::create_user_ns(cred) })?;
        fresh_uid_table(cred)?;
        // SAFETY: As above.
        to_result(unsafe { bindings::set_cred_ucounts(cred) })
    }

    /// Gives the new user namespace of `cred` a fresh uid table if the caller has
    /// `CAP_SYS_RESOURCE` in the initial user namespace, and makes `cred->user` the record of its
    /// uid there.
    ///
    /// Only the initial namespace counts: root of a container (even of one with a fresh table), and
    /// anyone who `setns()`ed into a user namespace, holds every capability there, so a check in
    /// any other namespace would let them mint fresh tables, each a new budget of per-user limits
    /// for the same kuids. `CAP_SYS_RESOURCE` in `init_user_ns` already allows exceeding those
    /// limits. A caller without it shares its parent's table (set by `create_user_ns()`). The check
    /// does not audit: lacking the capability is not an error, only no fresh table.
    fn fresh_uid_table(cred: *mut bindings::cred) -> Result {
        // SAFETY: `cred` is the valid, prepared credentials of the exec.
        let cred = unsafe { Credential::from_ptr(cred) };
        let new_ns = cred.user_ns();
        if new_ns.parent().and_then(UidTable::of_ns).is_none()
            || !UserNamespace::init_ns().current_has_cap_noaudit(bindings::CAP_SYS_RESOURCE)
        {
            return Ok(());
        }

        let table = UidTable::new()?;
        let user = table.alloc(cred.uid())?;
        // SAFETY: `new_ns` was just created by `create_user_ns()` for these credentials, which are
        // not shared yet: no other task can reach it and it has no records.
        unsafe { UidTable::set_ns_table(new_ns, Some(table)) };
        // SAFETY: The credentials are not shared yet, so `user` may be replaced; the old record's
        // reference was owned by them.
        unsafe {
            let old = core::mem::replace(
                &mut (*cred.as_ptr()).user,
                ARef::into_raw(user).as_ptr().cast(),
            );
            bindings::free_uid(old);
        }
        Ok(())
    }
}

/// Without `CONFIG_USER_NS` there are no user namespaces to create: `EINVAL`, as `unshare()`.
#[cfg(not(CONFIG_USER_NS))]
mod user_ns {
    use kernel::{bindings, error::code::EINVAL, error::Result};

    pub(super) fn new_user_ns(_cred: *mut bindings::cred) -> Result {
        Err(EINVAL)
    }
}

/// Installs what [`execns_prepare`] made: the new namespaces, `fs_struct` and empty file table.
/// The old file table is released, closing every file descriptor; the new credentials, with the
/// new user namespace, are committed by `begin_new_exec()` later.
///
/// The private `fs_struct` copied before the point of no return gets the caller's root, working
/// directory and umask as they are now (`fs_struct_refresh()`), so that a `chdir()` by a
/// `CLONE_FS` sharer in between is not lost; except with `CLONE_NEWNS`, where they were
/// translated into the new mount namespace when it was copied (see `execns.rst`).
///
/// Called by `begin_new_exec()` after the point of no return and `de_thread()`, so the task is
/// the only thread of its process. Cannot fail.
///
/// # Safety
///
/// `bprm` must be valid with `bprm->execns` successfully prepared by [`execns_prepare`], and the
/// caller must be the current task in `begin_new_exec()` after `de_thread()`.
#[no_mangle]
pub unsafe extern "C" fn execns_commit(bprm: *mut bindings::linux_binprm) {
    // SAFETY: Per the safety requirements.
    let ctx = unsafe { &mut *(*bprm).execns };
    if !ctx.fs.is_null() && ctx.flags & bindings::CLONE_NEWNS == 0 {
        // SAFETY: `ctx.fs` is our private copy of the current task's `fs_struct`, which is valid
        // while the task runs.
        unsafe { bindings::fs_struct_refresh(ctx.fs, (*bindings::get_current()).fs) };
    }

    // SAFETY: We own the prepared nsproxy, `fs_struct` and file table; `unshare_install()` gives
    // them to the current task (the only thread of its process now) as `unshare()` does, and
    // hands back the old `fs_struct` (if that was its last user) and the old file table.
    unsafe {
        bindings::unshare_install(
            ctx.flags as c_ulong,
            ctx.nsproxy,
            &mut ctx.fs,
            &mut ctx.files,
        )
    };
    ctx.nsproxy = ptr::null_mut();

    if !ctx.fs.is_null() {
        // SAFETY: That was the last user of the old `fs_struct`.
        unsafe { bindings::free_fs_struct(ctx.fs) };
        ctx.fs = ptr::null_mut();
    }
    // SAFETY: The task's reference to its old file table; dropping it closes every file (or
    // only drops them if another process still shares the table). May sleep, as exec may.
    unsafe { bindings::put_files_struct(ctx.files) };
    ctx.files = ptr::null_mut();

    // `begin_new_exec()` emits the perf namespaces record once the new credentials, with the new
    // user namespace, are committed.
}

/// Drops whatever an execns() call prepared but did not install: the whole preparation after a
/// failed exec, nothing after a successful one.
///
/// Called from `free_bprm()`.
///
/// # Safety
///
/// `bprm` must be valid with `bprm->execns` initialised by [`execns_ctx_init`].
#[no_mangle]
pub unsafe extern "C" fn execns_release(bprm: *mut bindings::linux_binprm) {
    // SAFETY: Per the safety requirements.
    let ctx = unsafe { &mut *(*bprm).execns };
    // SAFETY: The non-null pointers are references we own; each is dropped once and cleared.
    unsafe {
        if !ctx.nsproxy.is_null() {
            bindings::put_nsproxy(ctx.nsproxy);
            ctx.nsproxy = ptr::null_mut();
        }
        if !ctx.fs.is_null() {
            bindings::free_fs_struct(ctx.fs);
            ctx.fs = ptr::null_mut();
        }
        if !ctx.files.is_null() {
            bindings::put_files_struct(ctx.files);
            ctx.files = ptr::null_mut();
        }
    }
}
