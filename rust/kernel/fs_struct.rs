// SPDX-License-Identifier: GPL-2.0

//! Filesystem information of tasks: root, working directory and umask.
//!
//! C header: [`include/linux/fs_struct.h`](srctree/include/linux/fs_struct.h).

use crate::{bindings, error::code::ENOMEM, error::Result};
use core::{mem::ManuallyDrop, ptr::NonNull};

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
