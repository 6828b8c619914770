// SPDX-License-Identifier: GPL-2.0

//! A kernel spinlock that disables local interrupts while it is held.
//!
//! This module allows Rust code to use the kernel's `spinlock_t` with
//! `spin_lock_irqsave()`/`spin_unlock_irqrestore()`, for data that is also
//! touched from hard or soft interrupt context or by code that runs with
//! interrupts disabled.
//!
//! C header: [`include/linux/spinlock.h`](srctree/include/linux/spinlock.h)

use crate::bindings;

/// Creates a [`SpinLockIrqSave`] initialiser with the given name and a newly-created lock class.
///
/// It uses the name if one is given, otherwise it generates one based on the file name and line
/// number.
#[macro_export]
macro_rules! new_spinlock_irqsave {
    ($inner:expr $(, $name:literal)? $(,)?) => {
        $crate::sync::SpinLockIrqSave::new(
            $inner, $crate::optional_name!($($name)?), $crate::static_lock_class!())
    };
}
pub use new_spinlock_irqsave;

/// A spinlock that saves and disables local interrupts while it is held.
///
/// Exposes the kernel's [`spinlock_t`] locked with `spin_lock_irqsave()`. Locking it is safe in
/// any context but NMI: in process context, in interrupt context, with interrupts already
/// disabled, and from RCU callbacks. The previous interrupt state is kept in the guard and
/// restored when the guard is dropped, so guards must be dropped in the reverse order of their
/// creation, which Rust's scoping does unless a guard is moved out of its scope.
///
/// Code holding the lock must not sleep and should be short: it delays interrupts on this CPU.
///
/// # Examples
///
/// ```
/// use kernel::sync::{new_spinlock_irqsave, SpinLockIrqSave};
///
/// #[pin_data]
/// struct Counter {
///     #[pin]
///     hits: SpinLockIrqSave<u64>,
/// }
///
/// let c = KBox::pin_init(pin_init!(Counter { hits <- new_spinlock_irqsave!(0) }), GFP_KERNEL)?;
/// *c.hits.lock() += 1;
/// {
///     let mut g = c.hits.lock();
///     *g += 1;
/// }
/// assert_eq!(*c.hits.lock(), 2);
/// # Ok::<(), Error>(())
/// ```
///
/// [`spinlock_t`]: srctree/include/linux/spinlock.h
pub type SpinLockIrqSave<T> = super::Lock<T, SpinLockIrqSaveBackend>;

/// A kind of [`super::Lock`] that is acquired with `spin_lock_irqsave()`.
pub struct SpinLockIrqSaveBackend;

// SAFETY: The underlying kernel `spinlock_t` object ensures mutual exclusion; the interrupt flags
// saved by `lock` are kept in the guard and handed back to `unlock` for the same lock.
unsafe impl super::Backend for SpinLockIrqSaveBackend {
    type State = bindings::spinlock_t;
    type GuardState = crate::ffi::c_ulong;

    unsafe fn init(
        ptr: *mut Self::State,
        name: *const crate::ffi::c_char,
        key: *mut bindings::lock_class_key,
    ) {
        // SAFETY: The safety requirements ensure that `ptr` is valid for writes, and `name` and
        // `key` are valid for read indefinitely.
        unsafe { bindings::__spin_lock_init(ptr, name, key) }
    }

    #[inline]
    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: The safety requirements of this function ensure that `ptr` points to valid
        // memory, and that it has been initialised before.
        unsafe { bindings::spin_lock_irqsave(ptr) }
    }

    #[inline]
    unsafe fn unlock(ptr: *mut Self::State, guard_state: &Self::GuardState) {
        // SAFETY: The safety requirements of this function ensure that `ptr` is valid and that the
        // caller is the owner of the spinlock; `guard_state` holds the flags `lock` returned.
        unsafe { bindings::spin_unlock_irqrestore(ptr, *guard_state) }
    }
}
