// SPDX-License-Identifier: GPL-2.0

//! User namespaces.
//!
//! C header: [`include/linux/user_namespace.h`](srctree/include/linux/user_namespace.h).

use crate::{
    bindings,
    types::{AlwaysRefCounted, Opaque},
};
use core::ptr::{self, NonNull};

/// Wraps the kernel's `struct user_namespace`.
///
/// # Invariants
///
/// Instances of this type are always ref-counted, that is, a call to `get_user_ns` ensures that
/// the allocation remains valid at least until the matching call to `put_user_ns`.
///
/// # Examples
///
/// ```
/// use kernel::user_namespace::UserNamespace;
///
/// let init = UserNamespace::init_ns();
/// assert_eq!(init.level(), 0);
/// assert!(init.parent().is_none());
/// ```
#[repr(transparent)]
pub struct UserNamespace(Opaque<bindings::user_namespace>);

// SAFETY: The only way to access a `UserNamespace` is via a shared reference or an `ARef`, and
// its reference count can be dropped from any thread.
unsafe impl Send for UserNamespace {}

// SAFETY: The fields read through a shared reference (`parent`, `level`) never change after
// creation; everything else is synchronised by C code.
unsafe impl Sync for UserNamespace {}

impl UserNamespace {
    /// Creates a reference to a [`UserNamespace`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` is valid and remains valid for the lifetime of the
    /// returned [`UserNamespace`] reference.
    #[inline]
    pub unsafe fn from_ptr<'a>(ptr: *const bindings::user_namespace) -> &'a Self {
        // SAFETY: The safety requirements guarantee the validity of the dereference, while the
        // `UserNamespace` type being transparent makes the cast ok.
        unsafe { &*ptr.cast() }
    }

    /// Returns the initial user namespace, `init_user_ns`.
    #[inline]
    pub fn init_ns() -> &'static Self {
        // SAFETY: `init_user_ns` is a static object that lives forever.
        unsafe { Self::from_ptr(ptr::addr_of!(bindings::init_user_ns)) }
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::user_namespace {
        self.0.get()
    }

    /// Returns the parent namespace, `None` for the initial one.
    #[inline]
    pub fn parent(&self) -> Option<&UserNamespace> {
        // SAFETY: By the type invariant `self.0` is valid; `parent` never changes and a namespace
        // holds a reference to its parent for as long as it lives.
        let parent = unsafe { (*self.0.get()).parent };
        if parent.is_null() {
            None
        } else {
            // SAFETY: `parent` is non-null and lives at least as long as `self` (see above).
            Some(unsafe { Self::from_ptr(parent) })
        }
    }

    /// Returns the nesting level: 0 for the initial user namespace.
    #[inline]
    pub fn level(&self) -> i32 {
        // SAFETY: By the type invariant `self.0` is valid; `level` never changes.
        unsafe { (*self.0.get()).level }
    }

    /// Returns whether the current task has `cap` in this namespace, without an audit record for
    /// a denial (`ns_capable_noaudit()`).
    #[inline]
    pub fn current_has_cap_noaudit(&self, cap: u32) -> bool {
        // SAFETY: `self.0` is valid by the type invariant; `cap` is checked by the C code.
        unsafe { bindings::ns_capable_noaudit(self.0.get(), cap as _) }
    }
}

impl PartialEq for UserNamespace {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        ptr::eq(self, other)
    }
}

impl Eq for UserNamespace {}

// SAFETY: The type invariants guarantee that `UserNamespace` is always ref-counted.
unsafe impl AlwaysRefCounted for UserNamespace {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is nonzero.
        unsafe { bindings::get_user_ns(self.0.get()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The safety requirements guarantee that the refcount is nonzero.
        unsafe { bindings::put_user_ns(obj.cast().as_ptr()) };
    }
}
