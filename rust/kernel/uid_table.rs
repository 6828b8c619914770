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
//! C header: [`include/linux/sched/user.h`](srctree/include/linux/sched/user.h) and
//! [`include/linux/uid_table.h`](srctree/include/linux/uid_table.h).
//!
//! Design: [`Documentation/core-api/uid-table.rst`](srctree/Documentation/core-api/uid-table.rst).

use crate::{
    alloc::{AllocError, Flags, KVec},
    bindings,
    cred::Kuid,
    new_spinlock_irqsave,
    prelude::*,
    sync::{Arc, ArcBorrow, SpinLockIrqSave},
    types::{ARef, AlwaysRefCounted, Opaque},
    user_namespace::UserNamespace,
};
use core::{
    ptr::{self, NonNull},
    sync::atomic::{AtomicU64, Ordering},
};

// The fields written here must be where C has them (see `rust/bindings/bindings_helper.h`).
const _: () = {
    use core::mem::offset_of;
    assert!(
        offset_of!(bindings::user_namespace, uid_table)
            == bindings::USER_NAMESPACE_UID_TABLE_OFFSET
    );
    assert!(offset_of!(bindings::user_struct, uid_table) == bindings::USER_STRUCT_UID_TABLE_OFFSET);
};

/// Wraps the kernel's `struct user_struct`: the accounting record of one user.
///
/// # Invariants
///
/// Instances of this type are always ref-counted: a call to `get_uid` ensures that the allocation
/// remains valid at least until the matching call to `free_uid`.
#[repr(transparent)]
pub struct UserStruct(Opaque<bindings::user_struct>);

// SAFETY: A `UserStruct` is only reached through shared references or `ARef`s; its counters are
// atomics updated by C code and its reference can be dropped from any context.
unsafe impl Send for UserStruct {}

// SAFETY: See `Send`; `uid` never changes and the hash links are only touched under the lock of
// the table that holds the record.
unsafe impl Sync for UserStruct {}

impl UserStruct {
    /// Creates a reference to a [`UserStruct`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` is valid and remains valid for the lifetime of the
    /// returned reference.
    #[inline]
    pub unsafe fn from_ptr<'a>(ptr: *const bindings::user_struct) -> &'a Self {
        // SAFETY: The safety requirements guarantee the validity of the dereference, while the
        // `UserStruct` type being transparent makes the cast ok.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::user_struct {
        self.0.get()
    }

    /// Returns the user this record accounts for.
    #[inline]
    pub fn uid(&self) -> Kuid {
        // SAFETY: `self.0` is valid by the type invariant and `uid` never changes.
        Kuid::from_kuid(unsafe { (*self.0.get()).uid })
    }
}

// SAFETY: The type invariants guarantee that `UserStruct` is always ref-counted.
unsafe impl AlwaysRefCounted for UserStruct {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is nonzero.
        unsafe { bindings::refcount_inc(ptr::addr_of_mut!((*self.0.get()).__count)) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The safety requirements guarantee that the refcount is nonzero.
        unsafe { bindings::free_uid(obj.cast().as_ptr()) };
    }
}

/// Initial size of a table: 16 buckets.
const MIN_BITS: u32 = 4;
/// Largest table: 131,072 buckets (a 1 MiB kmalloc), two per user up to 65,536 live users.
const MAX_BITS: u32 = 17;
/// `GOLDEN_RATIO_32` of `include/linux/hash.h`.
const GOLDEN_RATIO_32: u32 = 0x61C8_8647;

/// `hash_32()`: multiplicative hash of a kuid into `bits` bits.
#[inline]
fn hash_32(val: u32, bits: u32) -> usize {
    (val.wrapping_mul(GOLDEN_RATIO_32) >> (32 - bits)) as usize
}

/// Old buckets moved into the new ones per insertion while a table grows: the work done with
/// interrupts off in one `alloc_uid()` stays bounded, whatever the size of the table.
const MIGRATE_STEP: usize = 4;

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
/// `heads.capacity() >= 1 << bits`; `old[..migrated]` are empty. Every record reachable from
/// `heads` or `old` is a live `user_struct` whose `uid_table` points to the table owning these
/// buckets and which holds a reference to it; there are `records` of them, each linked through
/// `uidhash_node` into its bucket: with `i = hash_32(uid, bits)`, `heads[i]` if
/// `i < heads.len()`, else `old[i >> 1]`. `heads` and `old` never reallocate (`heads` only
/// grows within its capacity), so `pprev` pointers into them stay valid.
struct Buckets {
    heads: KVec<bindings::hlist_head>,
    bits: u32,
    records: usize,
    old: KVec<bindings::hlist_head>,
    migrated: usize,
}

// SAFETY: The raw pointers in `Buckets` are only followed with the table lock held, from
// whichever thread holds it.
unsafe impl Send for Buckets {}

impl Buckets {
    /// Allocates `1 << bits` empty buckets.
    fn alloc_heads(bits: u32, flags: Flags) -> Result<KVec<bindings::hlist_head>, AllocError> {
        let n = 1usize << bits;
        let mut heads = KVec::with_capacity(n, flags)?;
        for _ in 0..n {
            // Cannot allocate: the capacity is already there.
            heads.push(
                bindings::hlist_head {
                    first: ptr::null_mut(),
                },
                flags,
            )?;
        }
        Ok(heads)
    }

    /// Room for `1 << bits` buckets, none initialized yet: the new buckets of a growth, set up
    /// by [`Buckets::migrate`].
    fn alloc_growth_heads(
        bits: u32,
        flags: Flags,
    ) -> Result<KVec<bindings::hlist_head>, AllocError> {
        KVec::with_capacity(1usize << bits, flags)
    }

    /// Appends an empty bucket to `heads`, within its capacity: no allocation, so the buffer and
    /// the `pprev` pointers into it stay where they are.
    #[inline]
    fn push_empty(heads: &mut KVec<bindings::hlist_head>) {
        let len = heads.len();
        // Indexing panics rather than reallocating if the capacity were exhausted, which the
        // type invariant of `Buckets` rules out.
        heads.spare_capacity_mut()[0].write(bindings::hlist_head {
            first: ptr::null_mut(),
        });
        // SAFETY: Element `len`, the first spare one, was initialized just above.
        unsafe { heads.set_len(len + 1) };
    }

    /// The bucket the record of `uid` is in, or goes into.
    #[inline(always)]
    fn bucket(&mut self, uid: Kuid) -> *mut bindings::hlist_head {
        let i = hash_32(uid.into_raw(), self.bits);
        if i < self.heads.len() {
            &mut self.heads[i]
        } else {
            // Growing, and old bucket `i >> 1` was not moved yet: by the type invariant it is
            // in bounds.
            &mut self.old[i >> 1]
        }
    }

    /// Returns the record of `uid` in the chain `head`, without taking a reference.
    ///
    /// # Safety
    ///
    /// `head` must be a bucket of `self` (so of a table whose lock is held).
    #[inline(always)]
    unsafe fn find_in(
        head: *const bindings::hlist_head,
        uid: Kuid,
    ) -> Option<NonNull<bindings::user_struct>> {
        // SAFETY: `head` is a valid bucket and, by the type invariant, every node reachable from
        // it is the `uidhash_node` of a live record; the table lock keeps them linked.
        unsafe {
            let mut node = (*head).first;
            while !node.is_null() {
                let up: *mut bindings::user_struct =
                    crate::container_of!(node, bindings::user_struct, uidhash_node).cast_mut();
                if (*up).uid.val == uid.into_raw() {
                    return NonNull::new(up);
                }
                node = (*node).next;
            }
        }
        None
    }

    /// Returns the record of `uid`, without taking a reference.
    #[inline(always)]
    fn find(&mut self, uid: Kuid) -> Option<NonNull<bindings::user_struct>> {
        let head = self.bucket(uid);
        // SAFETY: `head` is a bucket of `self`, the only one a record of `uid` can be in.
        unsafe { Self::find_in(head, uid) }
    }

    /// `hlist_add_head()` of `node` into `head`.
    ///
    /// # Safety
    ///
    /// `node` must be unhashed and valid, `head` must be a bucket of `self`.
    unsafe fn link(node: *mut bindings::hlist_node, head: *mut bindings::hlist_head) {
        // SAFETY: Both pointers are valid per the safety requirements.
        unsafe {
            let first = (*head).first;
            (*node).next = first;
            if !first.is_null() {
                (*first).pprev = ptr::addr_of_mut!((*node).next);
            }
            (*head).first = node;
            (*node).pprev = ptr::addr_of_mut!((*head).first);
        }
    }

    /// Links the record `up` into its bucket.
    ///
    /// # Safety
    ///
    /// `up` must be a valid record, in no table, whose `uid_table` reference is to the table
    /// owning `self`.
    unsafe fn insert(&mut self, up: *mut bindings::user_struct) {
        // SAFETY: `up` is valid per the safety requirements.
        let uid = Kuid::from_kuid(unsafe { (*up).uid });
        let head = self.bucket(uid);
        // SAFETY: `up` is unhashed per the safety requirements; `head` is a bucket of `self`.
        unsafe { Self::link(ptr::addr_of_mut!((*up).uidhash_node), head) };
        self.records += 1;
    }

    /// Unlinks the record `up` (`hlist_del_init()`).
    ///
    /// # Safety
    ///
    /// `up` must be a record linked into `self`.
    unsafe fn remove(&mut self, up: *mut bindings::user_struct) {
        // SAFETY: `up` is linked into `self` per the safety requirements, so `pprev` points to the
        // previous link and `next` is null or the next node of the same bucket.
        unsafe {
            let node = ptr::addr_of_mut!((*up).uidhash_node);
            let next = (*node).next;
            let pprev = (*node).pprev;
            *pprev = next;
            if !next.is_null() {
                (*next).pprev = pprev;
            }
            (*node).next = ptr::null_mut();
            (*node).pprev = ptr::null_mut();
        }
        self.records -= 1;
    }

    /// Starts a growth: `new` (empty, with room for `1 << (bits + 1)` buckets, from
    /// [`Buckets::alloc_growth_heads`]) becomes the buckets and the current ones are kept to be
    /// moved by [`Buckets::migrate`]. O(1).
    fn start_growth(&mut self, new: KVec<bindings::hlist_head>) {
        debug_assert!(self.old.is_empty() && new.is_empty());
        debug_assert!(new.capacity() >= 1usize << (self.bits + 1));
        // INVARIANT: `old` was empty, so every record is in `heads` (`1 << bits` buckets), which
        // becomes `old` with nothing moved; with `i = hash_32(uid, bits + 1)`, `i >> 1` is the
        // record's bucket there and `i >= 0 == heads.len()`. Moving a `KVec` does not move its
        // buffer, so the `pprev` pointers into it stay valid.
        self.old = core::mem::replace(&mut self.heads, new);
        self.bits += 1;
        self.migrated = 0;
    }

    /// Moves the records of up to `n` old buckets into the new ones. Returns the old buckets,
    /// to be freed without the lock, once they are all empty.
    fn migrate(&mut self, n: usize) -> Option<KVec<bindings::hlist_head>> {
        if self.old.is_empty() {
            return None;
        }
        let end = core::cmp::min(self.migrated + n, self.old.len());
        for i in self.migrated..end {
            // New buckets `2i` and `2i + 1`: `heads.len() == 2i` by the type invariant, and
            // `2i + 1 < 1 << bits <= heads.capacity()`.
            Self::push_empty(&mut self.heads);
            Self::push_empty(&mut self.heads);
            let mut node = self.old[i].first;
            while !node.is_null() {
                // SAFETY: By the type invariant `node` is the link of a live record of this table,
                // in `old[i]`, which is not linked again before being emptied; its new bucket
                // `hash_32(uid, bits)` is `2i` or `2i + 1`, initialized above.
                unsafe {
                    let next = (*node).next;
                    let up = crate::container_of!(node, bindings::user_struct, uidhash_node);
                    let j = hash_32((*up).uid.val, self.bits);
                    Self::link(node, &mut self.heads[j]);
                    node = next;
                }
            }
            self.old[i].first = ptr::null_mut();
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
/// table lives as long as any of them.
///
/// # Invariants
///
/// Every `UidTable` is owned by an [`Arc`]: [`UidTable::new`] is the only way to make one. So a
/// `&UidTable` can be turned into an [`ArcBorrow`] and a new [`Arc`] taken from it.
///
/// # Examples
///
/// ```
/// use kernel::cred::Kuid;
/// use kernel::uid_table::UidTable;
///
/// let t = UidTable::new()?;
/// assert_eq!(t.records(), 0);
/// assert!(t.find(Kuid::from_raw(1000)).is_none());
///
/// let a = t.alloc(Kuid::from_raw(1000))?;
/// let b = t.alloc(Kuid::from_raw(1000))?;
/// assert!(core::ptr::eq(&*a, &*b));
/// assert!(a.uid() == Kuid::from_raw(1000));
/// assert_eq!(t.records(), 1);
///
/// let c = t.find(Kuid::from_raw(1000)).unwrap();
/// assert!(core::ptr::eq(&*a, &*c));
/// drop((a, b));
/// assert_eq!(t.records(), 1);
/// drop(c);
/// // The last reference is gone: so is the record.
/// assert_eq!(t.records(), 0);
/// assert!(t.find(Kuid::from_raw(1000)).is_none());
/// # Ok::<(), Error>(())
/// ```
///
/// The same uid in two tables has two records:
///
/// ```
/// use kernel::cred::Kuid;
/// use kernel::uid_table::UidTable;
///
/// let t1 = UidTable::new()?;
/// let t2 = UidTable::new()?;
/// assert!(t1.id() != t2.id());
/// let a = t1.alloc(Kuid::from_raw(1000))?;
/// let b = t2.alloc(Kuid::from_raw(1000))?;
/// assert!(!core::ptr::eq(&*a, &*b));
/// assert_eq!((t1.records(), t2.records()), (1, 1));
/// // A record keeps its table alive.
/// drop(t1);
/// drop(a);
/// assert_eq!(t2.records(), 1);
/// # Ok::<(), Error>(())
/// ```
///
/// Growth with many users, and release of all of them:
///
/// ```
/// use kernel::cred::Kuid;
/// use kernel::uid_table::UidTable;
///
/// let t = UidTable::new()?;
/// assert_eq!(t.buckets(), 16);
/// let mut users = KVec::new();
/// for uid in 0..3000u32 {
///     users.push(t.alloc(Kuid::from_raw(100_000 + uid * 7))?, GFP_KERNEL)?;
/// }
/// assert_eq!(t.records(), 3000);
/// assert!(t.buckets() >= 3000 && t.buckets() <= 4096);
/// for uid in 0..3000u32 {
///     let u = t.find(Kuid::from_raw(100_000 + uid * 7)).unwrap();
///     assert!(core::ptr::eq(&*u, &*users[uid as usize]));
/// }
/// assert!(t.find(Kuid::from_raw(100_001)).is_none());
/// drop(users);
/// assert_eq!(t.records(), 0);
/// # Ok::<(), Error>(())
/// ```
///
/// Growth moves the records a few at a time; lookups and removals work on both sides meanwhile:
///
/// ```
/// use kernel::cred::Kuid;
/// use kernel::uid_table::UidTable;
///
/// let t = UidTable::new()?;
/// let mut users = KVec::new();
/// for uid in 0..17u32 {
///     users.push(Some(t.alloc(Kuid::from_raw(uid))?), GFP_KERNEL)?;
/// }
/// // The 17th record started the growth: 32 buckets, every record still in the old 16.
/// assert_eq!(t.buckets(), 32);
/// for uid in 0..17u32 {
///     let u = t.find(Kuid::from_raw(uid)).unwrap();
///     assert!(core::ptr::eq(&*u, &**users[uid as usize].as_ref().unwrap()));
/// }
/// // Records removed before and after they moved.
/// users[0] = None;
/// users.push(Some(t.alloc(Kuid::from_raw(17))?), GFP_KERNEL)?;
/// users[16] = None;
/// assert_eq!(t.records(), 16);
/// assert!(t.find(Kuid::from_raw(0)).is_none() && t.find(Kuid::from_raw(16)).is_none());
/// for uid in 18..40u32 {
///     users.push(Some(t.alloc(Kuid::from_raw(uid))?), GFP_KERNEL)?;
/// }
/// assert_eq!((t.records(), t.buckets()), (38, 64));
/// for uid in 1..40u32 {
///     assert_eq!(t.find(Kuid::from_raw(uid)).is_some(), uid != 16);
/// }
/// drop(users);
/// assert_eq!(t.records(), 0);
/// # Ok::<(), Error>(())
/// ```
#[pin_data]
pub struct UidTable {
    #[pin]
    inner: SpinLockIrqSave<Buckets>,
    id: u64,
}

impl UidTable {
    /// Creates an empty table.
    pub fn new() -> Result<Arc<Self>> {
        // INVARIANT: `1 << MIN_BITS` empty buckets, no record, not growing.
        let buckets = Buckets {
            heads: Buckets::alloc_heads(MIN_BITS, GFP_KERNEL)?,
            bits: MIN_BITS,
            records: 0,
            old: KVec::new(),
            migrated: 0,
        };
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
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Returns how many records the table holds.
    pub fn records(&self) -> usize {
        self.inner.lock().records
    }

    /// Returns how many buckets the table has (while it grows: the new number).
    pub fn buckets(&self) -> usize {
        1usize << self.inner.lock().bits
    }

    /// Returns the record of `uid` with a new reference, if there is one (`find_user()`).
    ///
    /// Any context but NMI.
    #[inline]
    pub fn find(&self, uid: Kuid) -> Option<ARef<UserStruct>> {
        let mut inner = self.inner.lock();
        let up = inner.find(uid)?;
        // SAFETY: `up` is in the table and the lock is held, so its count is nonzero (see the
        // module documentation); the new reference is owned by the returned `ARef`.
        unsafe {
            bindings::refcount_inc(ptr::addr_of_mut!((*up.as_ptr()).__count));
            Some(ARef::from_raw(up.cast()))
        }
    }

    /// Returns the record of `uid`, creating it if needed (`alloc_uid()`).
    ///
    /// Process context: may sleep.
    #[inline]
    pub fn alloc(&self, uid: Kuid) -> Result<ARef<UserStruct>> {
        match self.find(uid) {
            Some(up) => Ok(up),
            None => self.alloc_new(uid),
        }
    }

    /// The slow path of [`UidTable::alloc`]: allocates a record and inserts it unless another
    /// task was faster.
    #[cold]
    fn alloc_new(&self, uid: Kuid) -> Result<ARef<UserStruct>> {
        // SAFETY: Plain allocation, process context.
        let new =
            NonNull::new(unsafe { bindings::user_struct_alloc(uid.as_kuid()) }).ok_or(ENOMEM)?;
        let table = self.to_arc();

        let mut inner = self.inner.lock();
        if let Some(up) = inner.find(uid) {
            // Lost a race with another `alloc()` of the same uid.
            // SAFETY: As in `find`: `up` is in the table and the lock is held.
            unsafe { bindings::refcount_inc(ptr::addr_of_mut!((*up.as_ptr()).__count)) };
            drop(inner);
            drop(table);
            // SAFETY: `new` was never in a table nor shared.
            unsafe { bindings::user_struct_free(new.as_ptr()) };
            // SAFETY: We took the reference above.
            return Ok(unsafe { ARef::from_raw(up.cast()) });
        }
        // SAFETY: `new` is valid and in no table; it takes over the table reference `table`.
        unsafe {
            (*new.as_ptr()).uid_table = table.into_raw().cast_mut().cast();
            inner.insert(new.as_ptr());
        }
        let moved = inner.migrate(MIGRATE_STEP);
        let grow =
            inner.old.is_empty() && inner.records > inner.heads.len() && inner.bits < MAX_BITS;
        drop(inner);
        drop(moved);

        if grow {
            self.grow();
        }
        // SAFETY: `new` came with one reference from `user_struct_alloc()`, owned by the `ARef`.
        Ok(unsafe { ARef::from_raw(new.cast()) })
    }

    /// Inserts a record that was allocated outside of [`UidTable::alloc`]: `root_user`.
    ///
    /// # Safety
    ///
    /// `up` must be a valid record with a nonzero reference count, in no table, that lives until
    /// it is removed by [`UidTable::put`] (a static record never is).
    pub unsafe fn insert(&self, up: *mut bindings::user_struct) {
        let table = self.to_arc();
        let mut inner = self.inner.lock();
        // SAFETY: Per the safety requirements; `up` takes over the table reference.
        unsafe {
            (*up).uid_table = table.into_raw().cast_mut().cast();
            inner.insert(up);
        }
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
    pub unsafe fn put(up: *mut bindings::user_struct) {
        // SAFETY: `up` is valid per the safety requirements.
        let count = unsafe { ptr::addr_of_mut!((*up).__count) };
        // SAFETY: `count` is valid; not the last reference: nothing else to do.
        if unsafe { bindings::refcount_dec_not_one(count) } {
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
        // table in `uid_table`; records in no table have a null pointer there.
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
        // SAFETY: The record is in `t` (it has a table) and the lock is held.
        unsafe { inner.remove(up) };
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
    pub fn of_ns(ns: &UserNamespace) -> Option<&Self> {
        // SAFETY: `ns` is valid; its `uid_table` is set before the namespace is published and
        // only changes when it is released.
        let table = unsafe { (*ns.as_ptr()).uid_table }.cast::<Self>();
        // SAFETY: A non-null `uid_table` is a reference the namespace holds to its table for as
        // long as it lives (from `Arc::into_raw`).
        unsafe { table.as_ref() }
    }

    /// Returns a new reference to this table.
    #[inline]
    pub fn to_arc(&self) -> Arc<Self> {
        // SAFETY: By the type invariant `self` is owned by an `Arc`.
        unsafe { ArcBorrow::from_raw(self) }.into()
    }

    /// Sets the table of `ns`, dropping the one it had.
    ///
    /// # Safety
    ///
    /// `ns` must not be reachable by any other task yet, or be being freed, and it must not have
    /// records in its old table that assume otherwise (a fresh namespace has none).
    pub unsafe fn set_ns_table(ns: &UserNamespace, table: Option<Arc<Self>>) {
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
