// SPDX-License-Identifier: GPL-2.0

//! Credentials management.
//!
//! C header: [`include/linux/cred.h`](srctree/include/linux/cred.h).
//!
//! Reference: <https://www.kernel.org/doc/html/latest/security/credentials.html>

use crate::{
    bindings,
    task::Kuid,
    types::{AlwaysRefCounted, Opaque},
    user_namespace::UserNamespace,
};
use core::{marker::PhantomData, ptr::NonNull};

/// Wraps the kernel's `struct cred`.
///
/// Credentials are used for various security checks in the kernel.
///
/// Most fields of credentials are immutable. When things have their credentials changed, that
/// happens by replacing the credential instead of changing an existing credential. See the [kernel
/// documentation][ref] for more info on this.
///
/// # Invariants
///
/// Instances of this type are always ref-counted, that is, a call to `get_cred` ensures that the
/// allocation remains valid at least until the matching call to `put_cred`.
///
/// [ref]: https://www.kernel.org/doc/html/latest/security/credentials.html
#[repr(transparent)]
pub struct Credential(Opaque<bindings::cred>);

// SAFETY:
// - `Credential::dec_ref` can be called from any thread.
// - It is okay to send ownership of `Credential` across thread boundaries.
unsafe impl Send for Credential {}

// SAFETY: It's OK to access `Credential` through shared references from other threads because
// we're either accessing properties that don't change or that are properly synchronised by C code.
unsafe impl Sync for Credential {}

impl Credential {
    /// Creates a reference to a [`Credential`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` is valid and remains valid for the lifetime of the
    /// returned [`Credential`] reference.
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

    /// Returns the effective UID of the given credential.
    pub fn euid(&self) -> Kuid {
        // SAFETY: By the type invariant, we know that `self.0` is valid. Furthermore, the `euid`
        // field of a credential is never changed after initialization, so there is no potential
        // for data races.
        Kuid::from_raw(unsafe { (*self.0.get()).euid })
    }

    /// Returns the real UID of the given credential.
    pub fn uid(&self) -> Kuid {
        // SAFETY: As for `euid`: `self.0` is valid and `uid` never changes once the credential
        // is shared.
        Kuid::from_raw(unsafe { (*self.0.get()).uid })
    }

    /// Returns the user namespace of the given credential.
    pub fn user_ns(&self) -> &UserNamespace {
        // SAFETY: By the type invariant `self.0` is valid. A credential holds a reference to its
        // `user_ns` for as long as it lives, so the namespace outlives the returned reference.
        unsafe { UserNamespace::from_ptr((*self.0.get()).user_ns) }
    }
}

// SAFETY: The type invariants guarantee that `Credential` is always ref-counted.
unsafe impl AlwaysRefCounted for Credential {
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is nonzero.
        unsafe { bindings::get_cred(self.0.get()) };
    }

    unsafe fn dec_ref(obj: core::ptr::NonNull<Credential>) {
        // SAFETY: The safety requirements guarantee that the refcount is nonzero. The cast is okay
        // because `Credential` has the same representation as `struct cred`.
        unsafe { bindings::put_cred(obj.cast().as_ptr()) };
    }
}

/// Credentials prepared for a task and not committed yet (by `prepare_creds()`, e.g. an exec's
/// `bprm->cred`), borrowed from their owner: unlike a [`Credential`], they may still be changed.
///
/// # Invariants
///
/// `self.0` points to valid credentials that no task uses yet (not committed, not shared), which
/// nothing else reads, changes or frees for the lifetime `'a`.
pub struct NewCredential<'a>(NonNull<bindings::cred>, PhantomData<&'a mut bindings::cred>);

impl<'a> NewCredential<'a> {
    /// Borrows prepared credentials.
    ///
    /// # Safety
    ///
    /// `ptr` must point to valid credentials that no task uses yet and that nothing else reads,
    /// changes or frees during `'a`.
    #[inline]
    pub unsafe fn from_raw(ptr: NonNull<bindings::cred>) -> Self {
        // INVARIANT: The safety requirements.
        Self(ptr, PhantomData)
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::cred {
        self.0.as_ptr()
    }

    /// Returns the credentials as a [`Credential`], to read them.
    #[inline]
    pub fn credential(&self) -> &Credential {
        // SAFETY: `self.0` is valid for `'a`, which outlives `self` (type invariant).
        unsafe { Credential::from_ptr(self.0.as_ptr()) }
    }

    /// Moves the credentials to a new user namespace, a child of their current one, in which they
    /// have every capability (`create_user_ns()`), as `unshare(CLONE_NEWUSER)` does.
    #[cfg(CONFIG_USER_NS)]
    pub fn create_user_ns(&mut self) -> crate::error::Result {
        // SAFETY: The credentials are valid and not used by any task, so they may be changed
        // (type invariant); the borrow is exclusive.
        crate::error::to_result(unsafe { bindings::create_user_ns(self.0.as_ptr()) })
    }

    /// Updates the credentials' ucounts to their user namespace and euid (`set_cred_ucounts()`),
    /// after a change of either.
    pub fn set_ucounts(&mut self) -> crate::error::Result {
        // SAFETY: As in `create_user_ns()`: valid, unused by any task, exclusively borrowed.
        crate::error::to_result(unsafe { bindings::set_cred_ucounts(self.0.as_ptr()) })
    }
}
