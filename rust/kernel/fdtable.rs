// SPDX-License-Identifier: GPL-2.0

//! File descriptor tables.
//!
//! C header: [`include/linux/fdtable.h`](srctree/include/linux/fdtable.h).

use crate::bindings;
use core::{mem::ManuallyDrop, ptr::NonNull};

/// An owned reference to a `struct files_struct`, a file descriptor table.
///
/// # Invariants
///
/// `self.0` points to a valid `files_struct` and we own one of its references (`count`).
pub struct FilesStruct(NonNull<bindings::files_struct>);

impl FilesStruct {
    /// Takes over a reference to a file descriptor table.
    ///
    /// # Safety
    ///
    /// `files` must point to a valid `files_struct`, and the caller must own one of its
    /// references, which the returned object takes over.
    #[inline]
    pub unsafe fn from_raw(files: NonNull<bindings::files_struct>) -> Self {
        // INVARIANT: `files` is valid and its reference is ours (safety requirements).
        Self(files)
    }

    /// Gives up ownership: the caller becomes responsible for the reference.
    #[inline]
    pub fn into_raw(self) -> NonNull<bindings::files_struct> {
        ManuallyDrop::new(self).0
    }
}

impl Drop for FilesStruct {
    fn drop(&mut self) {
        // SAFETY: We own this reference (type invariant). Dropping the last one closes the
        // files, which may sleep, as may every owner of a file table.
        unsafe { bindings::put_files_struct(self.0.as_ptr()) };
    }
}
