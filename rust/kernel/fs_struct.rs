// SPDX-License-Identifier: GPL-2.0

//! Filesystem information of tasks: root, working directory and umask.
//!
//! C header: [`include/linux/fs_struct.h`](srctree/include/linux/fs_struct.h).

use crate::{bindings, error::code::ENOMEM, error::Result};
use core::{marker::PhantomData, mem::ManuallyDrop, ptr::NonNull};

/// A private copy of the `struct fs_struct` of a task, not installed in any task yet.
///
/// # Invariants
///
/// `self.0` points to a valid `fs_struct` made by `copy_fs_struct()`, whose only user this is
/// (`users == 1`): nothing else reads or changes it.
pub struct FsStruct(NonNull<bindings::fs_struct>);

impl FsStruct {
    /// Copies the `fs_struct` of the current task (`copy_fs_struct()`).
    pub fn copy_current() -> Result<Self> {
        let task = crate::current!();
        // SAFETY: `current->fs` is only changed by the current task itself, which is running
        // this, so it is valid for the call.
        let fs = unsafe { bindings::copy_fs_struct((*task.0.get()).fs) };
        // INVARIANT: A new copy, with one user: this one.
        NonNull::new(fs).map(Self).ok_or(ENOMEM)
    }

    /// Gives the copy the root, working directory and umask that the current task has now
    /// (`fs_struct_refresh()`), in case a `CLONE_FS` sharer changed them since the copy.
    pub fn refresh_from_current(&mut self) {
        let task = crate::current!();
        // SAFETY: `self.0` is valid and private (type invariant); `current->fs` is valid as in
        // `copy_current()`, and never `self.0`, which is in no task.
        unsafe { bindings::fs_struct_refresh(self.0.as_ptr(), (*task.0.get()).fs) };
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::fs_struct {
        self.0.as_ptr()
    }

    /// Gives up ownership: the caller becomes responsible for the `fs_struct`.
    #[inline]
    pub fn into_raw(self) -> NonNull<bindings::fs_struct> {
        ManuallyDrop::new(self).0
    }
}

impl Drop for FsStruct {
    fn drop(&mut self) {
        // SAFETY: We are the only user (type invariant), so we may free it.
        unsafe { bindings::free_fs_struct(self.0.as_ptr()) };
    }
}

impl FsStruct {
    /// Makes the copy the current task's `fs_struct` (`fs_struct_swap()`): the task's path
    /// lookups use it from now on. The task's previous one is kept (with the task's reference)
    /// in the returned [`CurrentFs`], which puts it back when dropped or restored.
    ///
    /// For an exec that joins a mount namespace (execns2): the exec then finds its program and
    /// interpreters in that namespace before its point of no return.
    pub fn make_current(self) -> CurrentFs {
        let private = self.into_raw();
        // SAFETY: `private` is a valid `fs_struct` with one user, this copy, whose reference goes
        // to the task; the task's own reference to its previous one comes back to us.
        let old = unsafe { bindings::fs_struct_swap(private.as_ptr()) };
        // INVARIANT: `old` was `current->fs`, valid as long as the reference we now hold; the
        // current task runs on the copy, whose only user it is.
        CurrentFs {
            old: NonNull::new(old).expect("a task has an fs_struct"),
            _not_send: PhantomData,
        }
    }
}

/// A private `fs_struct` made the current task's for a while ([`FsStruct::make_current`]),
/// holding the task's previous one. Dropping it puts the previous one back and frees the copy;
/// [`CurrentFs::restore`] puts it back and returns the copy.
///
/// # Invariants
///
/// The current task's `fs_struct` is a copy whose only user is the task, and `self.old` is the
/// `fs_struct` the task had before, with the task's reference to it. It is only used by that task
/// (not `Send`).
pub struct CurrentFs {
    old: NonNull<bindings::fs_struct>,
    _not_send: PhantomData<*mut ()>,
}

impl CurrentFs {
    /// Gives the task its previous `fs_struct` back and returns the copy, private again.
    pub fn restore(self) -> FsStruct {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this.old` is valid with the task's reference (type invariant), which goes back
        // to the task; the task is the one that swapped (not `Send`).
        let private = unsafe { bindings::fs_struct_swap(this.old.as_ptr()) };
        // INVARIANT: `private` was `current->fs`: the copy, whose only user is now us.
        FsStruct(NonNull::new(private).expect("a task has an fs_struct"))
    }
}

impl Drop for CurrentFs {
    fn drop(&mut self) {
        // SAFETY: As in `restore()`.
        let private = unsafe { bindings::fs_struct_swap(self.old.as_ptr()) };
        // INVARIANT: As in `restore()`; dropping it frees the copy.
        drop(NonNull::new(private).map(FsStruct));
    }
}
