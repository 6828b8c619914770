// SPDX-License-Identifier: GPL-2.0

//! Credentials.
//!
//! C header: [`include/linux/cred.h`](srctree/include/linux/cred.h).
//!
//! Reference: <https://www.kernel.org/doc/html/latest/security/credentials.html>

use crate::{
    bindings,
    types::{AlwaysRefCounted, Opaque},
    user_namespace::UserNamespace,
};
use core::ptr::NonNull;

/// A kernel user id (`kuid_t`): a uid as seen from the initial user namespace.
///
/// # Examples
///
/// ```
/// use kernel::cred::Kuid;
///
/// let root = Kuid::from_raw(0);
/// assert!(root == Kuid::GLOBAL_ROOT);
/// assert!(Kuid::from_raw(1000) != root);
/// assert_eq!(Kuid::from_raw(1000).into_raw(), 1000);
/// ```
#[repr(transparent)]
#[derive(Copy, Clone)]
pub struct Kuid {
    kuid: bindings::kuid_t,
}

impl Kuid {
    /// The root user of the initial user namespace (`GLOBAL_ROOT_UID`).
    pub const GLOBAL_ROOT: Self = Self::from_raw(0);

    /// Creates a `Kuid` from its raw value in the initial user namespace.
    #[inline]
    pub const fn from_raw(val: u32) -> Self {
        Self {
            kuid: bindings::kuid_t { val },
        }
    }

    /// Wraps a C `kuid_t`.
    #[inline]
    pub const fn from_kuid(kuid: bindings::kuid_t) -> Self {
        Self { kuid }
    }

    /// Returns the C `kuid_t`.
    #[inline]
    pub const fn as_kuid(self) -> bindings::kuid_t {
        self.kuid
    }

    /// Returns the raw value (`__kuid_val()`).
    #[inline]
    pub const fn into_raw(self) -> u32 {
        self.kuid.val
    }
}

impl PartialEq for Kuid {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        // `uid_eq()`
        self.kuid.val == other.kuid.val
    }
}

impl Eq for Kuid {}

/// Wraps the kernel's `struct cred`.
///
/// Credentials are used for various security checks in the kernel. Most fields of credentials
/// never change once initialized; the credential is then shared and reference counted.
///
/// # Invariants
///
/// Instances of this type are always ref-counted, that is, a call to `get_cred` ensures that the
/// allocation remains valid at least until the matching call to `put_cred`.
#[repr(transparent)]
pub struct Credential(Opaque<bindings::cred>);

// SAFETY: By design, the only way to access a `Credential` is via an immutable reference or an
// `ARef`. This means that the only situation in which a `Credential` can be accessed mutably is
// when the refcount drops to zero and the destructor runs. It is safe for that to happen on any
// thread, so it is ok for this type to be `Send`.
unsafe impl Send for Credential {}

// SAFETY: It's OK to access `Credential` through shared references from other threads because
// we're either accessing properties that don't change or that are properly synchronised by C
// code.
unsafe impl Sync for Credential {}

impl Credential {
    /// Creates a reference to a [`Credential`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` is valid and remains valid for the lifetime of the
    /// returned [`Credential`] reference.
    #[inline]
    pub unsafe fn from_ptr<'a>(ptr: *const bindings::cred) -> &'a Credential {
        // SAFETY: The safety requirements guarantee the validity of the dereference, while the
        // `Credential` type being transparent makes the cast ok.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::cred {
        self.0.get()
    }

    /// Returns the real uid (`cred->uid`).
    #[inline]
    pub fn uid(&self) -> Kuid {
        // SAFETY: By the type invariant, we know that `self.0` is valid. `uid` is immutable once
        // the credential is shared.
        Kuid::from_kuid(unsafe { (*self.0.get()).uid })
    }

    /// Returns the effective uid (`cred->euid`).
    #[inline]
    pub fn euid(&self) -> Kuid {
        // SAFETY: By the type invariant, we know that `self.0` is valid. `euid` is immutable once
        // the credential is shared.
        Kuid::from_kuid(unsafe { (*self.0.get()).euid })
    }

    /// Returns the user namespace of these credentials.
    #[inline]
    pub fn user_ns(&self) -> &UserNamespace {
        // SAFETY: By the type invariant, we know that `self.0` is valid. A credential holds a
        // reference to its `user_ns` for as long as it lives, so the returned reference cannot
        // outlive it.
        unsafe { UserNamespace::from_ptr((*self.0.get()).user_ns) }
    }
}

// SAFETY: The type invariants guarantee that `Credential` is always ref-counted.
unsafe impl AlwaysRefCounted for Credential {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is nonzero.
        unsafe { bindings::get_cred(self.0.get()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The safety requirements guarantee that the refcount is nonzero. The
        // cast is okay because `Credential` has the same representation as `struct cred`.
        unsafe { bindings::put_cred(obj.cast().as_ptr()) };
    }
}
