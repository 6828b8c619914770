// SPDX-License-Identifier: GPL-2.0

//! Per-user-namespace tables of per-user accounting records.
//!
//! A [`UserStruct`] (`struct user_struct`) holds what the kernel accounts per user: epoll watches,
//! pipe buffer pages, locked memory, unix sockets in flight... Without `CONFIG_EXECNS` there is
//! one global hash of them in `kernel/user.c`, so every container running as the same kuid shares
//! those limits. Here each user namespace points to a [`UidTable`]; a namespace shares the table
//! of its parent unless it was given a fresh one (by a privileged `execns(CLONE_NEWUSER)`).
//!
//! # Locking
//!
//! Each table has one [`SpinLockIrqSave`] protecting its buckets, record count and the hash links
//! of its records. `free_uid()` is called with interrupts disabled and from RCU callbacks (softirq
//! context), so the lock must be interrupt-safe. Nothing is allocated or freed with a table lock
//! held, except that the last reference to a table may be dropped right after the lock is
//! released, which only calls `kfree()` (safe in any context but NMI). Table locks never nest.
//!
//! The reference count of a record follows the C rules: it is taken by `get_uid()` without the
//! lock and dropped by `free_uid()`, which only takes the lock when it may be the last reference
//! (`refcount_dec_not_one()`, then `refcount_dec_and_test()` under the lock). A record in a
//! table therefore always has a nonzero count when the lock is held, so a lookup can take a new
//! reference with `refcount_inc()`.
//!
//! C code keeps calling `find_user()`, `alloc_uid()` and `free_uid()`, given the user namespace
//! whose table to use; they and the user namespace hooks are the C entry points at the end of this
//! file.
//!
//! C header: [`include/linux/sched/user.h`](srctree/include/linux/sched/user.h) and
//! [`include/linux/uid_table.h`](srctree/include/linux/uid_table.h).
//!
//! Design: [`Documentation/core-api/uid-table.rst`](srctree/Documentation/core-api/uid-table.rst).

use core::{
    ptr::{self, NonNull},
    sync::atomic::{AtomicU64, Ordering},
};
use kernel::{
    alloc::{AllocError, Flags, KVec},
    bindings, c_str,
    cred::Credential,
    ffi::{c_int, c_ulong, c_ulonglong},
    hlist::HlistHead,
    new_spinlock_irqsave,
    prelude::*,
    sync::{Arc, ArcBorrow, SpinLockIrqSave},
    task::Kuid,
    types::ARef,
    user_namespace::UserNamespace,
    user_struct::UserStruct,
};

kernel::export_check!(
    find_user,
    alloc_uid,
    uid_table_put,
    uid_table_init,
    uid_table_ns_inherit,
    uid_table_ns_release,
    proc_uid_table_show,
);

/// Initial size of a table: 16 buckets.
const MIN_BITS: u32 = 4;
/// Largest table: 131,072 buckets (a 1 MiB kmalloc), two per user up to 65,536 live users.
const MAX_BITS: u32 = 17;
/// `GOLDEN_RATIO_32` of `include/linux/hash.h`.
const GOLDEN_RATIO_32: u32 = 0x61C8_8647;

/// `hash_32()`: multiplicative hash of a kuid into `bits` bits.
#[inline]
fn hash_32(uid: Kuid, bits: u32) -> usize {
    (uid.into_raw().val.wrapping_mul(GOLDEN_RATIO_32) >> (32 - bits)) as usize
}

/// Whether two kuids are the same (`uid_eq()`), without a call to C: this is the hash lookup's
/// inner loop.
#[inline(always)]
fn same_uid(a: Kuid, b: Kuid) -> bool {
    a.into_raw().val == b.into_raw().val
}

/// Old buckets moved into the new ones per insertion while a table grows: the work done with
/// interrupts off in one `alloc_uid()` stays bounded, whatever the size of the table.
const MIGRATE_STEP: usize = 4;

/// A hash chain of records.
type Chain = HlistHead<UserStruct>;

/// The buckets of a table and its record count, protected by the table lock.
///
/// A table grows incrementally: [`Buckets::start_growth`] swaps in room for twice as many
/// buckets and keeps the current ones in `old`; each later insertion moves [`MIGRATE_STEP`] old
/// buckets ([`Buckets::migrate`]). `hash_32()` keeps the top bits of the product, so old bucket
/// `i` splits into new buckets `2i` and `2i + 1`: these are initialized only when `i` is moved,
/// and until then every record of theirs, a new one included, is in old bucket `i`. So starting
/// a growth is O(1) (no bucket array to clear: `kmalloc()` without `__GFP_ZERO`), and a lookup
/// searches one chain, growing or not. With `MIGRATE_STEP >= 2` the move is over before the
/// table holds twice as many records again, the next growth.
///
/// # Invariants
///
/// `bits <= MAX_BITS`. If `old` is empty, `heads.len() == 1 << bits`. Otherwise
/// `old.len() == 1 << (bits - 1)`, `migrated <= old.len()`, `heads.len() == 2 * migrated` and
/// `heads.capacity() >= 1 << bits`; `old[..migrated]` are empty. Every record in a chain of
/// `heads` or `old` is a live `user_struct` whose `uid_table` points to the table owning these
/// buckets and which holds a reference to it; there are `records` of them, each in its bucket:
/// with `i = hash_32(uid, bits)`, `heads[i]` if `i < heads.len()`, else `old[i >> 1]`. `heads`
/// and `old` never reallocate (`heads` only grows within its capacity), so the chains do not
/// move.
struct Buckets {
    heads: KVec<Chain>,
    bits: u32,
    records: usize,
    old: KVec<Chain>,
    migrated: usize,
}

impl Buckets {
    /// Allocates `1 << bits` empty buckets.
    fn alloc_heads(bits: u32, flags: Flags) -> Result<KVec<Chain>, AllocError> {
        let n = 1usize << bits;
        let mut heads = KVec::with_capacity(n, flags)?;
        for _ in 0..n {
            // Cannot allocate: the capacity is already there.
            heads.push(Chain::new(), flags)?;
        }
        Ok(heads)
    }

    /// Room for `1 << bits` buckets, none initialized yet: the new buckets of a growth, set up
    /// by [`Buckets::migrate`].
    fn alloc_growth_heads(bits: u32, flags: Flags) -> Result<KVec<Chain>, AllocError> {
        KVec::with_capacity(1usize << bits, flags)
    }

    /// The bucket the record of `uid` is in, or goes into.
    #[inline(always)]
    fn bucket(&mut self, uid: Kuid) -> &mut Chain {
        let i = hash_32(uid, self.bits);
        if i < self.heads.len() {
            &mut self.heads[i]
        } else {
            // Growing, and old bucket `i >> 1` was not moved yet: by the type invariant it is
            // in bounds.
            &mut self.old[i >> 1]
        }
    }

    /// Returns the record of `uid`, without taking a reference.
    #[inline(always)]
    fn find(&mut self, uid: Kuid) -> Option<&UserStruct> {
        self.bucket(uid).iter().find(|up| same_uid(up.uid(), uid))
    }

    /// Links the record `up` into its bucket.
    ///
    /// # Safety
    ///
    /// `up` must be a valid record, in no table, whose `uid_table` reference is to the table
    /// owning `self`, and which stays valid until [`Buckets::remove`]d.
    unsafe fn insert(&mut self, up: NonNull<UserStruct>) {
        // SAFETY: `up` is valid per the safety requirements.
        let uid = unsafe { up.as_ref() }.uid();
        // SAFETY: `up` is in no chain and stays valid while linked (safety requirements); the
        // bucket does not move (type invariant), and its links are only touched under the
        // table lock, which the caller holds (`&mut self`).
        unsafe { self.bucket(uid).push_front(up) };
        // INVARIANT: One more record, in its bucket, with its reference to the table.
        self.records += 1;
    }

    /// Unlinks the record `up`.
    ///
    /// # Safety
    ///
    /// `up` must be a record linked into `self`.
    unsafe fn remove(&mut self, up: &UserStruct) {
        let bucket = self.bucket(up.uid());
        // SAFETY: `up` is in `self` (safety requirements), so in its bucket (type invariant).
        unsafe { bucket.remove(NonNull::from(up)) };
        // INVARIANT: One record less.
        self.records -= 1;
    }

    /// Starts a growth: `new` (empty, with room for `1 << (bits + 1)` buckets, from
    /// [`Buckets::alloc_growth_heads`]) becomes the buckets and the current ones are kept to be
    /// moved by [`Buckets::migrate`]. O(1).
    fn start_growth(&mut self, new: KVec<Chain>) {
        debug_assert!(self.old.is_empty() && new.is_empty());
        debug_assert!(new.capacity() >= 1usize << (self.bits + 1));
        // INVARIANT: `old` was empty, so every record is in `heads` (`1 << bits` buckets), which
        // becomes `old` with nothing moved; with `i = hash_32(uid, bits + 1)`, `i >> 1` is the
        // record's bucket there and `i >= 0 == heads.len()`. Moving a `KVec` does not move its
        // buffer, so the chains stay where they are.
        self.old = core::mem::replace(&mut self.heads, new);
        self.bits += 1;
        self.migrated = 0;
    }

    /// Moves the records of up to `n` old buckets into the new ones. Returns the old buckets,
    /// to be freed without the lock, once they are all empty.
    fn migrate(&mut self, n: usize) -> Option<KVec<Chain>> {
        if self.old.is_empty() {
            return None;
        }
        let end = core::cmp::min(self.migrated + n, self.old.len());
        for i in self.migrated..end {
            // New buckets `2i` and `2i + 1`: `heads.len() == 2i` by the type invariant, and
            // `2i + 1 < 1 << bits <= heads.capacity()`, so pushing them does not reallocate.
            for _ in 0..2 {
                debug_assert!(self.heads.len() < self.heads.capacity());
                // Cannot fail: no allocation within the capacity.
                let _ = self.heads.push(Chain::new(), GFP_NOWAIT);
            }
            while let Some(up) = self.old[i].pop_front() {
                // SAFETY: `up` was a live record of this table in `old[i]` (type invariant), and
                // is in no chain now; its new bucket `hash_32(uid, bits)` is `2i` or `2i + 1`,
                // set up above, which does not move.
                let j = hash_32(unsafe { up.as_ref() }.uid(), self.bits);
                // SAFETY: As above; the table lock is held (`&mut self`).
                unsafe { self.heads[j].push_front(up) };
            }
        }
        // INVARIANT: `old[..end]` are empty now, their records in `heads`, which has `2 * end`
        // buckets; once `end == old.len()`, that is `1 << bits` and `old` is dropped below.
        self.migrated = end;
        if end < self.old.len() {
            return None;
        }
        Some(core::mem::take(&mut self.old))
    }
}

/// Source of table ids, shown in `/proc/<pid>/uid_table`. The root table is 1.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A hash table from kuid to [`UserStruct`].
///
/// Records are found with [`UidTable::find`], found or created with [`UidTable::alloc`], and
/// removed when their last reference is dropped (`free_uid()`, [`UidTable::put`]). The table
/// doubles its buckets when it holds more records than buckets, up to 131,072 buckets, so lookups
/// stay O(1) for up to 65,536 live users per table and a small table stays small. The records
/// move to the new buckets a few at a time, on later insertions, so no operation does more than a
/// bounded amount of work with interrupts off. It never shrinks: a bucket costs 8 bytes.
///
/// Each record holds a reference to its table, and so does each user namespace using it, so a
/// table lives as long as any of them. The tests are in [`tests`] (a KUnit suite).
///
/// # Invariants
///
/// Every `UidTable` is owned by an [`Arc`]: [`UidTable::new`] is the only way to make one. So a
/// `&UidTable` can be turned into an [`ArcBorrow`] and a new [`Arc`] taken from it.
#[pin_data]
pub(crate) struct UidTable {
    #[pin]
    inner: SpinLockIrqSave<Buckets>,
    id: u64,
}

impl UidTable {
    /// Creates an empty table.
    pub(crate) fn new() -> Result<Arc<Self>> {
        // INVARIANT: `1 << MIN_BITS` empty buckets, no record, not growing.
        let buckets = Buckets {
            heads: Buckets::alloc_heads(MIN_BITS, GFP_KERNEL)?,
            bits: MIN_BITS,
            records: 0,
            old: KVec::new(),
            migrated: 0,
        };
        // INVARIANT: The table is made inside an `Arc`.
        Arc::pin_init(
            pin_init!(Self {
                inner <- new_spinlock_irqsave!(buckets, "UidTable::inner"),
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            }),
            GFP_KERNEL,
        )
    }

    /// Returns the id of this table (1 for the root table).
    #[inline]
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Returns how many records the table holds.
    pub(crate) fn records(&self) -> usize {
        self.inner.lock().records
    }

    /// Returns how many buckets the table has (while it grows: the new number).
    pub(crate) fn buckets(&self) -> usize {
        1usize << self.inner.lock().bits
    }

    /// Returns the record of `uid` with a new reference, if there is one (`find_user()`).
    ///
    /// Any context but NMI.
    #[inline]
    pub(crate) fn find(&self, uid: Kuid) -> Option<ARef<UserStruct>> {
        // A record in the table has a nonzero count while the lock is held (see the module
        // documentation), so `ARef::from` may take a new reference.
        self.inner.lock().find(uid).map(ARef::from)
    }

    /// Returns the record of `uid`, creating it if needed (`alloc_uid()`).
    ///
    /// Process context: may sleep.
    #[inline]
    pub(crate) fn alloc(&self, uid: Kuid) -> Result<ARef<UserStruct>> {
        match self.find(uid) {
            Some(up) => Ok(up),
            None => self.alloc_new(uid),
        }
    }

    /// The slow path of [`UidTable::alloc`]: allocates a record and inserts it unless another
    /// task was faster.
    #[cold]
    fn alloc_new(&self, uid: Kuid) -> Result<ARef<UserStruct>> {
        // SAFETY: Plain allocation in process context, which `alloc()` requires.
        let raw = unsafe { bindings::user_struct_alloc(uid.into_raw()) };
        let new = NonNull::new(raw.cast::<UserStruct>()).ok_or(ENOMEM)?;
        // SAFETY: `user_struct_alloc()` returned a record with one reference, which we own.
        let new = unsafe { ARef::from_raw(new) };
        let table = self.to_arc();

        let mut inner = self.inner.lock();
        if let Some(up) = inner.find(uid).map(ARef::from) {
            // Lost a race with another `alloc()` of the same uid.
            drop(inner);
            drop(table);
            // SAFETY: `new` was never in a table nor shared: its one reference is ours.
            unsafe { bindings::user_struct_free(ARef::into_raw(new).as_ptr().cast()) };
            return Ok(up);
        }
        // SAFETY: `new` is in no table and not shared yet, so nothing else reads `uid_table`; it
        // takes over the table reference.
        unsafe { (*new.as_ptr()).uid_table = table.into_raw().cast_mut().cast() };
        // SAFETY: `new` is valid, in no table, refers to this table, and stays valid until its
        // last reference is dropped by `put()`, which removes it first.
        unsafe { inner.insert(NonNull::from(&*new)) };
        let moved = inner.migrate(MIGRATE_STEP);
        let grow =
            inner.old.is_empty() && inner.records > inner.heads.len() && inner.bits < MAX_BITS;
        drop(inner);
        drop(moved);

        if grow {
            self.grow();
        }
        Ok(new)
    }

    /// Inserts a record that was allocated outside of [`UidTable::alloc`]: `root_user`.
    ///
    /// # Safety
    ///
    /// `up` must be a valid record with a nonzero reference count, in no table, that lives until
    /// it is removed by [`UidTable::put`] (a static record never is).
    unsafe fn insert(&self, up: NonNull<UserStruct>) {
        let table = self.to_arc();
        let mut inner = self.inner.lock();
        // SAFETY: `up` is valid and in no table (safety requirements), so nothing else reads
        // `uid_table`; it takes over the table reference.
        unsafe { (*up.as_ref().as_ptr()).uid_table = table.into_raw().cast_mut().cast() };
        // SAFETY: As required by `Buckets::insert`, per the safety requirements.
        unsafe { inner.insert(up) };
    }

    /// Drops a reference to the record `up`, and removes and frees it if it was the last one
    /// (`free_uid()`).
    ///
    /// Any context but NMI: with interrupts disabled, in softirq (RCU callbacks) or process
    /// context.
    ///
    /// # Safety
    ///
    /// `up` must be a valid record and the caller must own the reference it drops.
    #[inline]
    unsafe fn put(up: *mut bindings::user_struct) {
        // SAFETY: `up` is valid per the safety requirements; not the last reference: nothing
        // else to do.
        if unsafe { bindings::refcount_dec_not_one(ptr::addr_of_mut!((*up).__count)) } {
            return;
        }
        // SAFETY: Per the safety requirements.
        unsafe { Self::put_last(up) };
    }

    /// The slow path of [`UidTable::put`]: the reference dropped may be the last one.
    ///
    /// # Safety
    ///
    /// As for [`UidTable::put`].
    #[cold]
    unsafe fn put_last(up: *mut bindings::user_struct) {
        // SAFETY: `up` is valid per the safety requirements.
        let count = unsafe { ptr::addr_of_mut!((*up).__count) };
        // SAFETY: A record allocated by `alloc` or added by `insert` holds a reference to its
        // table in `uid_table`, which does not change while it lives; records in no table have
        // a null pointer there.
        let table = unsafe { (*up).uid_table }.cast::<Self>().cast_const();
        if table.is_null() {
            // SAFETY: `count` is valid; a record in no table is not shared through a table.
            if unsafe { bindings::refcount_dec_and_test(count) } {
                // SAFETY: That was the last reference.
                unsafe { bindings::user_struct_free(up) };
            }
            return;
        }
        // SAFETY: The record holds a reference to its table, so it is alive.
        let t = unsafe { &*table };
        let mut inner = t.inner.lock();
        // SAFETY: `count` is valid. Under the lock, a lookup cannot take a new reference between
        // the decrement to zero and the removal.
        if !unsafe { bindings::refcount_dec_and_test(count) } {
            return;
        }
        // SAFETY: The record is valid until freed below, and in `t` (it has a table), whose lock
        // is held.
        unsafe { inner.remove(UserStruct::from_ptr(up)) };
        drop(inner);
        // SAFETY: The last reference is gone and the record is unreachable.
        unsafe { bindings::user_struct_free(up) };
        // SAFETY: Drops the table reference the record held; `kfree()` only if it was the last.
        drop(unsafe { Arc::from_raw(table) });
    }

    /// Starts doubling the buckets: allocates them without the lock, swaps them in under it; the
    /// records move over during the next insertions ([`Buckets::migrate`]).
    ///
    /// Process context. A failed allocation only leaves the table with longer chains, until the
    /// next insertion tries again.
    #[cold]
    fn grow(&self) {
        let bits = self.inner.lock().bits + 1;
        let Ok(new) = Buckets::alloc_growth_heads(bits, GFP_KERNEL | __GFP_NOWARN) else {
            return;
        };
        let mut inner = self.inner.lock();
        if inner.bits + 1 == bits && inner.old.is_empty() && inner.records > inner.heads.len() {
            inner.start_growth(new);
        } else {
            // Somebody else grew the table meanwhile.
            drop(inner);
            drop(new);
        }
    }

    /// Returns the table of `ns`, if it has one yet (`init_user_ns` has one from
    /// `subsys_initcall` on).
    #[inline]
    pub(crate) fn of_ns(ns: &UserNamespace) -> Option<&Self> {
        // SAFETY: `ns` is valid; its `uid_table` is set before the namespace is published and
        // only changes when it is released.
        let table = unsafe { (*ns.as_ptr()).uid_table }.cast::<Self>();
        // SAFETY: A non-null `uid_table` is a reference the namespace holds to its table for as
        // long as it lives (from `Arc::into_raw`).
        unsafe { table.as_ref() }
    }

    /// Returns a new reference to this table.
    #[inline]
    pub(crate) fn to_arc(&self) -> Arc<Self> {
        // SAFETY: By the type invariant `self` is owned by an `Arc`.
        unsafe { ArcBorrow::from_raw(self) }.into()
    }

    /// Sets the table of `ns`, dropping the one it had.
    ///
    /// # Safety
    ///
    /// `ns` must not be reachable by any other task yet, or be being freed, and it must not have
    /// records in its old table that assume otherwise (a fresh namespace has none).
    unsafe fn set_ns_table(ns: &UserNamespace, table: Option<Arc<Self>>) {
        let new = table.map_or(ptr::null(), |t| t.into_raw());
        // SAFETY: Per the safety requirements nothing else reads or writes `uid_table` now.
        let old =
            unsafe { core::mem::replace(&mut (*ns.as_ptr()).uid_table, new.cast_mut().cast()) }
                .cast::<Self>();
        if !old.is_null() {
            // SAFETY: The namespace held this reference.
            drop(unsafe { Arc::from_raw(old) });
        }
    }
}

/// Gives the new user namespace of the prepared credentials `cred` a fresh uid table if the
/// caller has `CAP_SYS_RESOURCE` in the initial user namespace, and makes `cred->user` the record
/// of its uid there. For `execns(CLONE_NEWUSER)`, right after `create_user_ns()`.
///
/// Only the initial namespace counts: root of a container (even of one with a fresh table), and
/// anyone who `setns()`ed into a user namespace, holds every capability there, so a check in any
/// other namespace would let them mint fresh tables, each a new budget of per-user limits for the
/// same kuids. `CAP_SYS_RESOURCE` in `init_user_ns` already allows exceeding those limits. A
/// caller without it shares its parent's table (set by `create_user_ns()`). The check does not
/// audit: lacking the capability is not an error, only no fresh table.
///
/// # Safety
///
/// `cred` must be valid prepared credentials, not shared yet, whose user namespace was just made
/// by `create_user_ns()` for them.
#[cfg(CONFIG_USER_NS)]
pub(crate) unsafe fn give_fresh_table(cred: *mut bindings::cred) -> Result {
    // SAFETY: `cred` is valid (safety requirements); it is only read while the reference lives.
    let new_ns = unsafe { Credential::from_ptr(cred) }.user_ns();
    if new_ns.parent().and_then(UidTable::of_ns).is_none()
        || !UserNamespace::init_ns().current_has_cap_noaudit(bindings::CAP_SYS_RESOURCE)
    {
        return Ok(());
    }
    let table = UidTable::new()?;
    // SAFETY: `new_ns` was just made by `create_user_ns()` for credentials that are not shared
    // yet: no other task can reach it and it has no records.
    unsafe { UidTable::set_ns_table(new_ns, Some(table)) };
    // SAFETY: The credentials are not shared yet, so `cred->user` may be replaced.
    kernel::error::to_result(unsafe { bindings::set_cred_user(cred) })
}

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
        .and_then(|t| t.find(Kuid::from_raw(uid)))
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
        .and_then(|t| t.alloc(Kuid::from_raw(uid)).ok())
        .map_or(ptr::null_mut(), |u| ARef::into_raw(u).as_ptr().cast())
}

/// Drops a reference to a record; dropping the last one removes it from its table and frees it.
/// Called by `free_uid()`.
///
/// # Safety
///
/// `up` must be a record the caller holds a reference to. Any context but NMI.
#[no_mangle]
pub unsafe extern "C" fn uid_table_put(up: *mut bindings::user_struct) {
    // SAFETY: Per the safety requirements.
    unsafe { UidTable::put(up) };
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
    if let Some(root) = NonNull::new(root.cast::<UserStruct>()) {
        // SAFETY: `root_user` is static, has a nonzero count and is in no table yet.
        unsafe { table.insert(root) };
    }
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
    // SAFETY: `task` is valid; `get_task_cred()` returns a counted reference, never null, which
    // the `ARef` owns.
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

/// KUnit tests of the tables, run by the suite `execns_uid_table` (`uid_table_test.c`): the
/// doctests of 6.12 only reach the kernel crate, so each test is a Rust function that the C
/// suite calls as one case. A failed `check!` fails and ends the case through KUnit, with its
/// line; an error from a step is returned to the case, which expects 0.
#[cfg(CONFIG_EXECNS_KUNIT_TEST)]
pub mod tests {
    use super::{Kuid, UidTable};
    use kernel::{bindings, ffi::c_int, prelude::*};

    kernel::export_check!(
        uid_table_test_find_alloc,
        uid_table_test_two_tables,
        uid_table_test_growth,
        uid_table_test_migration,
    );

    macro_rules! check {
        ($cond:expr) => {
            kernel::kunit_assert!("execns_uid_table", "kernel/execns/uid_table.rs", 0, $cond)
        };
    }

    /// The kuid `val`.
    fn kuid(val: u32) -> Kuid {
        Kuid::from_raw(bindings::kuid_t { val })
    }

    /// Runs one test case: 0, or the error one of its steps returned.
    fn run(case: fn() -> Result) -> c_int {
        match case() {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// Lookup, creation, sharing and removal of a record.
    fn find_alloc() -> Result {
        let t = UidTable::new()?;
        check!(t.records() == 0);
        check!(t.find(kuid(1000)).is_none());

        let a = t.alloc(kuid(1000))?;
        let b = t.alloc(kuid(1000))?;
        check!(core::ptr::eq(&*a, &*b));
        check!(a.uid() == kuid(1000));
        check!(t.records() == 1);

        let c = t.find(kuid(1000)).ok_or(EINVAL)?;
        check!(core::ptr::eq(&*a, &*c));
        drop((a, b));
        check!(t.records() == 1);
        drop(c);
        // The last reference is gone: so is the record.
        check!(t.records() == 0);
        check!(t.find(kuid(1000)).is_none());
        Ok(())
    }

    /// The same uid in two tables has two records; a record keeps its table alive.
    fn two_tables() -> Result {
        let t1 = UidTable::new()?;
        let t2 = UidTable::new()?;
        check!(t1.id() != t2.id());
        let a = t1.alloc(kuid(1000))?;
        let b = t2.alloc(kuid(1000))?;
        check!(!core::ptr::eq(&*a, &*b));
        check!((t1.records(), t2.records()) == (1, 1));
        drop(t1);
        drop(a);
        check!(t2.records() == 1);
        drop(b);
        Ok(())
    }

    /// Growth with many users, and release of all of them.
    fn growth() -> Result {
        let t = UidTable::new()?;
        check!(t.buckets() == 16);
        let mut users = KVec::new();
        for uid in 0..3000u32 {
            users.push(t.alloc(kuid(100_000 + uid * 7))?, GFP_KERNEL)?;
        }
        check!(t.records() == 3000);
        check!(t.buckets() >= 3000 && t.buckets() <= 4096);
        for uid in 0..3000u32 {
            let u = t.find(kuid(100_000 + uid * 7)).ok_or(EINVAL)?;
            check!(core::ptr::eq(&*u, &*users[uid as usize]));
        }
        check!(t.find(kuid(100_001)).is_none());
        drop(users);
        check!(t.records() == 0);
        Ok(())
    }

    /// Growth moves the records a few at a time; lookups and removals work on both sides
    /// meanwhile.
    fn migration() -> Result {
        let t = UidTable::new()?;
        let mut users = KVec::new();
        for uid in 0..17u32 {
            users.push(Some(t.alloc(kuid(uid))?), GFP_KERNEL)?;
        }
        // The 17th record started the growth: 32 buckets, every record still in the old 16.
        check!(t.buckets() == 32);
        for uid in 0..17u32 {
            let u = t.find(kuid(uid)).ok_or(EINVAL)?;
            let v = users[uid as usize].as_ref().ok_or(EINVAL)?;
            check!(core::ptr::eq(&*u, &**v));
        }
        // Records removed before and after they moved.
        users[0] = None;
        users.push(Some(t.alloc(kuid(17))?), GFP_KERNEL)?;
        users[16] = None;
        check!(t.records() == 16);
        check!(t.find(kuid(0)).is_none() && t.find(kuid(16)).is_none());
        for uid in 18..40u32 {
            users.push(Some(t.alloc(kuid(uid))?), GFP_KERNEL)?;
        }
        check!((t.records(), t.buckets()) == (38, 64));
        for uid in 1..40u32 {
            check!(t.find(kuid(uid)).is_some() == (uid != 16));
        }
        drop(users);
        check!(t.records() == 0);
        Ok(())
    }

    /// Test case: see [`find_alloc`].
    #[no_mangle]
    pub extern "C" fn uid_table_test_find_alloc() -> c_int {
        run(find_alloc)
    }

    /// Test case: see [`two_tables`].
    #[no_mangle]
    pub extern "C" fn uid_table_test_two_tables() -> c_int {
        run(two_tables)
    }

    /// Test case: see [`growth`].
    #[no_mangle]
    pub extern "C" fn uid_table_test_growth() -> c_int {
        run(growth)
    }

    /// Test case: see [`migration`].
    #[no_mangle]
    pub extern "C" fn uid_table_test_migration() -> c_int {
        run(migration)
    }
}
