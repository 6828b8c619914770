// SPDX-License-Identifier: GPL-2.0

//! File descriptor tables.
//!
//! C header: [`include/linux/fdtable.h`](srctree/include/linux/fdtable.h).

use crate::{
    bindings,
    error::{code::ENOMEM, from_err_ptr, Result},
};
use core::{
    mem::ManuallyDrop,
    ptr::{self, NonNull},
};

/// An owned reference to a `struct files_struct`, a file descriptor table.
///
/// # Invariants
///
/// `self.0` points to a valid `files_struct` and we own one of its references (`count`).
pub struct FilesStruct(NonNull<bindings::files_struct>);

impl FilesStruct {
    /// Makes a new, empty file descriptor table (`dup_fd(NULL, NULL)`).
    pub fn new_empty() -> Result<Self> {
        // SAFETY: A null table asks `dup_fd()` for an empty one; no other argument is read.
        let files = from_err_ptr(unsafe { bindings::dup_fd(ptr::null_mut(), ptr::null_mut()) })?;
        // INVARIANT: A new table has one reference, which the caller of `dup_fd()` owns.
        NonNull::new(files).map(Self).ok_or(ENOMEM)
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
