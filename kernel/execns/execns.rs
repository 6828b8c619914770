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
//! Documentation: [`Documentation/userspace-api/execns.rst`](srctree/Documentation/userspace-api/execns.rst).

use core::ptr;
use kernel::{
    bindings,
    cred::Credential,
    error::{code::*, from_err_ptr, to_result, Result},
    ffi::{c_int, c_ulong},
    types::ARef,
    uid_table::UidTable,
};

kernel::export_check!(
    execns_ctx_init,
    execns_prepare,
    execns_commit,
    execns_release
);

// The fields of these C structs written below must be where C has them: bindgen lays out some
// structs differently (see the `sched_statistics` fix in `include/linux/sched.h`).
const _: () = {
    use core::mem::offset_of;
    assert!(offset_of!(bindings::task_struct, fs) == bindings::TASK_STRUCT_FS_OFFSET);
    assert!(offset_of!(bindings::task_struct, files) == bindings::TASK_STRUCT_FILES_OFFSET);
    assert!(offset_of!(bindings::fs_struct, users) == bindings::FS_STRUCT_USERS_OFFSET);
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

/// Prepares the new namespaces, credentials, `fs_struct` and the empty file table.
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
        new_user_ns(cred)?;
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

    // SAFETY: A null table asks `dup_fd()` for an empty one, which we own on success.
    ctx.files = from_err_ptr(unsafe { bindings::dup_fd(ptr::null_mut(), ptr::null_mut()) })?;
    Ok(())
}

/// Makes `cred` the credentials of a new user namespace, child of the current one, like
/// `unshare_userns()` then `set_cred_ucounts()` in `unshare()`; with a fresh uid table when the
/// caller may have one.
#[cfg(CONFIG_USER_NS)]
fn new_user_ns(cred: *mut bindings::cred) -> Result {
    // SAFETY: `cred` is the prepared credentials of the exec (see `execns_prepare`).
    to_result(unsafe { bindings::create_user_ns(cred) })?;
    fresh_uid_table(cred)?;
    // SAFETY: As above.
    to_result(unsafe { bindings::set_cred_ucounts(cred) })
}

#[cfg(not(CONFIG_USER_NS))]
fn new_user_ns(_cred: *mut bindings::cred) -> Result {
    Err(EINVAL)
}

/// Gives the new user namespace of `cred` a fresh uid table if the caller has
/// `CAP_SYS_RESOURCE` over its current table, and makes `cred->user` the record of its uid there.
///
/// The capability is checked in the user namespace the current table was made for (the current
/// namespace or the nearest ancestor with a table of its own), so that root in a user namespace
/// anyone can create does not get out of the per-user limits of the table it is in.
#[cfg(CONFIG_USER_NS)]
fn fresh_uid_table(cred: *mut bindings::cred) -> Result {
    // SAFETY: `cred` is the valid, prepared credentials of the exec.
    let cred = unsafe { Credential::from_ptr(cred) };
    let new_ns = cred.user_ns();
    let Some(parent) = new_ns.parent() else {
        return Ok(());
    };
    if UidTable::of_ns(parent).is_none()
        || !UidTable::owner_ns(parent).current_has_cap_noaudit(bindings::CAP_SYS_RESOURCE)
    {
        return Ok(());
    }

    let table = UidTable::new()?;
    let user = table.alloc(cred.uid())?;
    // SAFETY: `new_ns` was just created by `create_user_ns()` for these credentials, which are not
    // shared yet: no other task can reach it and it has no records.
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

/// Installs what [`execns_prepare`] made: the new namespaces, `fs_struct` and empty file table.
/// The old file table is released, closing every file descriptor; the new credentials, with the
/// new user namespace, are committed by `begin_new_exec()` later.
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
    // SAFETY: `current` is always valid.
    let me = unsafe { bindings::get_current() };
    let flags = ctx.flags;

    // As in `unshare()`: CLONE_SYSVSEM is equivalent to exit(), and a new IPC namespace detaches
    // from the old one's semaphore undo list and shared memory segments.
    #[cfg(CONFIG_SYSVIPC)]
    // SAFETY: `me` is the current task.
    unsafe {
        if flags & (bindings::CLONE_NEWIPC | bindings::CLONE_SYSVSEM) != 0 {
            bindings::exit_sem(me);
        }
        if flags & bindings::CLONE_NEWIPC != 0 {
            bindings::exit_shm(me);
            bindings::shm_init_task(me);
        }
    }
    #[cfg(not(CONFIG_SYSVIPC))]
    let _ = flags;

    let new_nsproxy = !ctx.nsproxy.is_null();
    if new_nsproxy {
        // SAFETY: We own the prepared nsproxy; `switch_task_namespaces()` takes it over.
        unsafe { bindings::switch_task_namespaces(me, ctx.nsproxy) };
        ctx.nsproxy = ptr::null_mut();
    }

    let mut old_fs = ptr::null_mut();
    // SAFETY: `task_lock()` protects `me->fs` and `me->files` from readers such as procfs, and
    // `fs->lock` protects `fs->users` (see `ksys_unshare()`). We own `ctx.fs` and `ctx.files`,
    // which the task takes over.
    let old_files = unsafe {
        bindings::task_lock(me);
        if !ctx.fs.is_null() {
            let fs = (*me).fs;
            bindings::spin_lock(ptr::addr_of_mut!((*fs).lock));
            (*me).fs = ctx.fs;
            (*fs).users -= 1;
            if (*fs).users == 0 {
                old_fs = fs;
            }
            bindings::spin_unlock(ptr::addr_of_mut!((*fs).lock));
            ctx.fs = ptr::null_mut();
        }
        let old_files = core::mem::replace(&mut (*me).files, ctx.files);
        ctx.files = ptr::null_mut();
        bindings::task_unlock(me);
        old_files
    };

    if !old_fs.is_null() {
        // SAFETY: That was the last user of the old `fs_struct`.
        unsafe { bindings::free_fs_struct(old_fs) };
    }
    // SAFETY: The task's reference to its old file table; dropping it closes every file (or
    // only drops them if another process still shares the table). May sleep, as exec may.
    unsafe { bindings::put_files_struct(old_files) };

    #[cfg(CONFIG_PERF_EVENTS)]
    if new_nsproxy {
        // SAFETY: `me` is the current task.
        unsafe { bindings::perf_event_namespaces(me) };
    }
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
