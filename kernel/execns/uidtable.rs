// SPDX-License-Identifier: GPL-2.0

//! C entry points of the per-user-namespace uid tables.
//!
//! These replace the global uid hash of `kernel/user.c` when `CONFIG_EXECNS` is set: C code
//! keeps calling `find_user()`, `alloc_uid()` and `free_uid()`, now given the user namespace
//! whose table to use, and `kernel/user_namespace.c` hands every new namespace the table of its
//! parent. The table itself is [`kernel::uid_table::UidTable`].
//!
//! C header: [`include/linux/uid_table.h`](srctree/include/linux/uid_table.h) and
//! [`include/linux/sched/user.h`](srctree/include/linux/sched/user.h).

use core::ptr::{self, NonNull};
use kernel::{
    bindings, c_str,
    cred::{Credential, Kuid},
    ffi::{c_int, c_ulong, c_ulonglong},
    types::ARef,
    uid_table::UidTable,
    user_namespace::UserNamespace,
};

kernel::export_check!(
    find_user,
    alloc_uid,
    free_uid,
    uid_table_init,
    uid_table_ns_inherit,
    uid_table_ns_release,
    proc_uid_table_show,
);

/// Returns the record of `uid` in the table of `ns`, with a new reference, or null if there is
/// none.
///
/// # Safety
///
/// `ns` must be a valid user namespace.
#[no_mangle]
pub unsafe extern "C" fn find_user(
    ns: *mut bindings::user_namespace,
    uid: bindings::kuid_t,
) -> *mut bindings::user_struct {
    // SAFETY: `ns` is valid per the safety requirements.
    let ns = unsafe { UserNamespace::from_ptr(ns) };
    UidTable::of_ns(ns)
        .and_then(|t| t.find(Kuid::from_kuid(uid)))
        .map_or(ptr::null_mut(), |u| ARef::into_raw(u).as_ptr().cast())
}

/// Returns the record of `uid` in the table of `ns` with a new reference, creating it if needed;
/// null when out of memory.
///
/// # Safety
///
/// `ns` must be a valid user namespace. Process context.
#[no_mangle]
pub unsafe extern "C" fn alloc_uid(
    ns: *mut bindings::user_namespace,
    uid: bindings::kuid_t,
) -> *mut bindings::user_struct {
    // SAFETY: `ns` is valid per the safety requirements.
    let ns = unsafe { UserNamespace::from_ptr(ns) };
    UidTable::of_ns(ns)
        .and_then(|t| t.alloc(Kuid::from_kuid(uid)).ok())
        .map_or(ptr::null_mut(), |u| ARef::into_raw(u).as_ptr().cast())
}

/// Drops a reference to a record; dropping the last one removes it from its table and frees it.
///
/// # Safety
///
/// `up` must be null or a record the caller holds a reference to. Any context but NMI.
#[no_mangle]
pub unsafe extern "C" fn free_uid(up: *mut bindings::user_struct) {
    if !up.is_null() {
        // SAFETY: Per the safety requirements.
        unsafe { UidTable::put(up) };
    }
}

/// Creates the root table, gives it to `init_user_ns` and puts `root` in it.
///
/// # Safety
///
/// Called once, from `uid_cache_init()`, with `root` the static `root_user`.
#[no_mangle]
pub unsafe extern "C" fn uid_table_init(root: *mut bindings::user_struct) -> c_int {
    let table = match UidTable::new() {
        Ok(t) => t,
        Err(e) => return e.to_errno(),
    };
    // SAFETY: `root_user` is static, has a nonzero count and is in no table yet.
    unsafe { table.insert(root) };
    // SAFETY: Before any user namespace is created or any table used: nothing reads it yet.
    unsafe { UidTable::set_ns_table(UserNamespace::init_ns(), Some(table)) };
    0
}

/// Makes the new user namespace `ns` share the table of its parent.
///
/// # Safety
///
/// `ns` must be a valid namespace under construction in `create_user_ns()`, with its parent set.
#[no_mangle]
pub unsafe extern "C" fn uid_table_ns_inherit(ns: *mut bindings::user_namespace) {
    // SAFETY: `ns` is valid per the safety requirements.
    let ns = unsafe { UserNamespace::from_ptr(ns) };
    let table = ns.parent().and_then(UidTable::of_ns).map(UidTable::to_arc);
    // SAFETY: `ns` is not published yet.
    unsafe { UidTable::set_ns_table(ns, table) };
}

/// Drops the table reference of a user namespace being freed.
///
/// # Safety
///
/// `ns` must be a valid namespace being freed by `free_user_ns()`.
#[no_mangle]
pub unsafe extern "C" fn uid_table_ns_release(ns: *mut bindings::user_namespace) {
    // SAFETY: `ns` is valid and unreachable per the safety requirements.
    unsafe { UidTable::set_ns_table(UserNamespace::from_ptr(ns), None) };
}

/// Shows `/proc/<pid>/uid_table`: the id, record count and bucket count of the table of the
/// task's user namespace.
///
/// # Safety
///
/// Called by procfs with valid `m` and `task`.
#[no_mangle]
pub unsafe extern "C" fn proc_uid_table_show(
    m: *mut bindings::seq_file,
    _ns: *mut bindings::pid_namespace,
    _pid: *mut bindings::pid,
    task: *mut bindings::task_struct,
) -> c_int {
    // SAFETY: `task` is valid; `get_task_cred()` returns a counted reference we now own.
    let cred: ARef<Credential> = unsafe {
        ARef::from_raw(NonNull::new_unchecked(
            bindings::get_task_cred(task).cast_mut().cast(),
        ))
    };
    let (id, records, buckets) = match UidTable::of_ns(cred.user_ns()) {
        Some(t) => (t.id(), t.records(), t.buckets()),
        None => (0, 0, 0),
    };
    // SAFETY: `m` is valid; the format consumes exactly these three arguments with these types.
    unsafe {
        bindings::seq_printf(
            m,
            c_str!("id: %llu\nrecords: %lu\nbuckets: %lu\n").as_char_ptr(),
            id as c_ulonglong,
            records as c_ulong,
            buckets as c_ulong,
        )
    };
    0
}
