// SPDX-License-Identifier: GPL-2.0

//! Per-user accounting records.
//!
//! A `struct user_struct` holds what the kernel accounts per user: epoll watches, pipe buffer
//! pages, locked memory, unix sockets in flight...
//!
//! C header: [`include/linux/sched/user.h`](srctree/include/linux/sched/user.h).

use crate::{
    bindings,
    hlist::HlistItem,
    task::Kuid,
    types::{AlwaysRefCounted, Opaque},
};
use core::ptr::{self, NonNull};

/// Wraps the kernel's `struct user_struct`: the accounting record of one user.
///
/// # Invariants
///
/// Instances of this type are always ref-counted, that is, a call to `get_uid` ensures that the
/// allocation remains valid at least until the matching call to `free_uid`.
#[repr(transparent)]
pub struct UserStruct(Opaque<bindings::user_struct>);

// SAFETY: A `UserStruct` is only reached through shared references or `ARef`s; its counters are
// atomics updated by C code and its last reference can be dropped from any context but NMI.
unsafe impl Send for UserStruct {}

// SAFETY: See `Send`; `uid` never changes, and the hash links are only touched by the owner of
// the chain holding the record, under its lock.
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
        Kuid::from_raw(unsafe { (*self.0.get()).uid })
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

// SAFETY: `uidhash_node` is a `struct hlist_node` of `struct user_struct` (inside the `Opaque`,
// which `UserStruct` is transparent over), used by the one uid hash holding the record.
unsafe impl HlistItem for UserStruct {
    const NODE_OFFSET: usize = core::mem::offset_of!(bindings::user_struct, uidhash_node);
}
