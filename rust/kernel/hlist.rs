// SPDX-License-Identifier: GPL-2.0

//! Hash lists: the chains of hash tables.
//!
//! An `hlist` is a doubly linked list with a one-pointer head (`struct hlist_head`), so that a
//! table of buckets costs one pointer per bucket. The items are C objects with a `struct
//! hlist_node` field; the list does not own them.
//!
//! C header: [`include/linux/list.h`](srctree/include/linux/list.h).

use crate::bindings;
use core::{marker::PhantomData, ptr, ptr::NonNull};

/// A type whose values can be linked into an [`HlistHead`].
///
/// # Safety
///
/// `NODE_OFFSET` must be the offset in `Self` of a `struct hlist_node` that is only used by one
/// [`HlistHead`] at a time and may be written through a shared reference to `Self` (it is in an
/// [`Opaque`](crate::types::Opaque) or another `UnsafeCell`).
pub unsafe trait HlistItem {
    /// Offset of the `struct hlist_node` in `Self`.
    const NODE_OFFSET: usize;

    /// Returns a pointer to the `hlist_node` of `item`.
    #[inline]
    fn node(item: NonNull<Self>) -> *mut bindings::hlist_node
    where
        Self: Sized,
    {
        // The result is in the allocation of `item`, by the safety requirements of the trait.
        item.as_ptr()
            .cast::<u8>()
            .wrapping_add(Self::NODE_OFFSET)
            .cast()
    }

    /// Returns the item whose `hlist_node` is `node`.
    #[inline]
    fn from_node(node: *mut bindings::hlist_node) -> NonNull<Self>
    where
        Self: Sized,
    {
        let item = node
            .cast::<u8>()
            .wrapping_sub(Self::NODE_OFFSET)
            .cast::<Self>();
        // SAFETY: `node` is the link of an item (in which it is at `NODE_OFFSET`), so neither
        // it nor the item's address is null.
        unsafe { NonNull::new_unchecked(item) }
    }
}

/// The head of a hash chain of `T`s (`struct hlist_head`).
///
/// # Invariants
///
/// Every node reachable from `head.first` through `next` is the link of a valid `T` (at
/// [`HlistItem::NODE_OFFSET`]) whose `pprev` points to the pointer that points to it, the first
/// one's to `head.first`. So the head does not move while it is not empty.
#[repr(transparent)]
pub struct HlistHead<T: HlistItem> {
    head: bindings::hlist_head,
    _p: PhantomData<*const T>,
}

// SAFETY: Sending the head sends shared access to its items, which `T: Sync` allows.
unsafe impl<T: HlistItem + Sync> Send for HlistHead<T> {}

// SAFETY: A shared head only gives shared access to its items.
unsafe impl<T: HlistItem + Sync> Sync for HlistHead<T> {}

impl<T: HlistItem> Default for HlistHead<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: HlistItem> HlistHead<T> {
    /// An empty chain (`HLIST_HEAD_INIT`).
    pub const fn new() -> Self {
        // INVARIANT: No node is reachable.
        Self {
            head: bindings::hlist_head {
                first: ptr::null_mut(),
            },
            _p: PhantomData,
        }
    }

    /// Returns whether the chain is empty (`hlist_empty()`).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.head.first.is_null()
    }

    /// Returns an iterator over the items of the chain, first to last.
    #[inline]
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            next: self.head.first,
            _p: PhantomData,
        }
    }

    /// Links `item` at the front of the chain (`hlist_add_head()`).
    ///
    /// # Safety
    ///
    /// `item` must be valid and in no chain; it must stay valid until it is unlinked, and `self`
    /// must not move meanwhile. Its link is written: whoever else may reach it must be excluded
    /// as for `self` (e.g. by the same lock).
    #[inline]
    pub unsafe fn push_front(&mut self, item: NonNull<T>)
    where
        T: Sized,
    {
        let node = T::node(item);
        let first = self.head.first;
        // SAFETY: `node` is the link of the valid `item`, which we may write (safety
        // requirements); `first` is null or a node of this chain (type invariant).
        unsafe {
            (*node).next = first;
            if !first.is_null() {
                (*first).pprev = ptr::addr_of_mut!((*node).next);
            }
            (*node).pprev = ptr::addr_of_mut!(self.head.first);
        }
        // INVARIANT: `item` is valid while linked (safety requirements) and the links are as
        // described: its `pprev` points to `head.first`, the old first node's to its `next`.
        self.head.first = node;
    }

    /// Unlinks and returns the first item of the chain.
    #[inline]
    pub fn pop_front(&mut self) -> Option<NonNull<T>>
    where
        T: Sized,
    {
        let first = self.head.first;
        if first.is_null() {
            return None;
        }
        let item = T::from_node(first);
        // SAFETY: `first` is the first node of this chain (type invariant), so `pprev` points to
        // `head.first`, and `remove()`'s requirements hold.
        unsafe { self.remove(item) };
        Some(item)
    }

    /// Unlinks `item` from the chain (`hlist_del_init()`).
    ///
    /// # Safety
    ///
    /// `item` must be linked into `self`.
    #[inline]
    pub unsafe fn remove(&mut self, item: NonNull<T>)
    where
        T: Sized,
    {
        let node = T::node(item);
        // SAFETY: `item` is linked into `self` (safety requirements), so `pprev` points to the
        // pointer to it in this chain and `next` is null or the next node of this chain.
        unsafe {
            let next = (*node).next;
            let pprev = (*node).pprev;
            *pprev = next;
            if !next.is_null() {
                (*next).pprev = pprev;
            }
            (*node).next = ptr::null_mut();
            (*node).pprev = ptr::null_mut();
        }
        // INVARIANT: `item` is no longer reachable and the links around it were joined.
    }
}

/// An iterator over the items of an [`HlistHead`], from [`HlistHead::iter`].
pub struct Iter<'a, T: HlistItem> {
    next: *mut bindings::hlist_node,
    _p: PhantomData<&'a HlistHead<T>>,
}

impl<'a, T: HlistItem + 'a> Iterator for Iter<'a, T> {
    type Item = &'a T;

    #[inline]
    fn next(&mut self) -> Option<&'a T> {
        if self.next.is_null() {
            return None;
        }
        let item = T::from_node(self.next);
        // SAFETY: `self.next` is a node of a chain borrowed for `'a` (type invariant of
        // `HlistHead`), which cannot be changed meanwhile: it stays linked, and its item valid.
        unsafe {
            self.next = (*self.next).next;
            Some(item.as_ref())
        }
    }
}
