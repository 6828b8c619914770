// SPDX-License-Identifier: GPL-2.0

//! Namespace proxies: the set of namespaces a task uses.
//!
//! C header: [`include/linux/nsproxy.h`](srctree/include/linux/nsproxy.h).

use crate::{
    bindings,
    cred::Credential,
    error::{to_result, Result},
    fdtable::FilesStruct,
    fs_struct::FsStruct,
    types::{ARef, AlwaysRefCounted, Opaque},
};
use core::{
    marker::PhantomData,
    ptr::{self, NonNull},
};

/// Wraps the kernel's `struct nsproxy`.
///
/// # Invariants
///
/// Instances of this type are always ref-counted, that is, a call to `get_nsproxy` ensures that
/// the allocation remains valid at least until the matching call to `put_nsproxy`.
#[repr(transparent)]
pub struct NsProxy(Opaque<bindings::nsproxy>);

// SAFETY: An `NsProxy` is only reached through shared references or `ARef`s, and its last
// reference may be dropped from any thread (`put_nsproxy()`).
unsafe impl Send for NsProxy {}

// SAFETY: Its namespace pointers never change once the nsproxy is made; the reference count is
// atomic.
unsafe impl Sync for NsProxy {}

impl NsProxy {
    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::nsproxy {
        self.0.get()
    }

    /// Makes the new namespaces that the `CLONE_NEW*` bits of `flags` ask for, the others shared
    /// with the current task, as `unshare()` does (`unshare_nsproxy_namespaces()`). Returns `None`
    /// when `flags` asks for none.
    ///
    /// The permission checks are those of `unshare()`, in the user namespace of `new_cred` (the
    /// credentials the new namespaces are made for, if not the current ones). A new mount
    /// namespace moves the root and working directory of `new_fs` (else of the current task) to
    /// its own mounts.
    pub fn unshare(
        flags: u32,
        new_cred: Option<&Credential>,
        new_fs: Option<&mut FsStruct>,
    ) -> Result<Option<ARef<Self>>> {
        Self::unshare_in(None, flags, new_cred, new_fs)
    }

    /// As [`NsProxy::unshare`], with the namespaces that `flags` does not ask for shared with
    /// `self` instead of the current task (`unshare_nsproxy_namespaces_from()`): new namespaces
    /// inside joined ones.
    pub fn unshare_from(
        &self,
        flags: u32,
        new_cred: Option<&Credential>,
        new_fs: Option<&mut FsStruct>,
    ) -> Result<Option<ARef<Self>>> {
        Self::unshare_in(Some(self), flags, new_cred, new_fs)
    }

    /// [`NsProxy::unshare`] (`base` `None`) and [`NsProxy::unshare_from`].
    fn unshare_in(
        base: Option<&NsProxy>,
        flags: u32,
        new_cred: Option<&Credential>,
        new_fs: Option<&mut FsStruct>,
    ) -> Result<Option<ARef<Self>>> {
        let mut new = ptr::null_mut();
        let flags = flags as crate::ffi::c_ulong;
        let cred = new_cred.map_or(ptr::null_mut(), Credential::as_ptr);
        let fs = new_fs.map_or(ptr::null_mut(), |fs| fs.as_ptr());
        // SAFETY: `cred` and `fs` are null or valid (their types' invariants); `fs`, which a new
        // mount namespace changes, is borrowed mutably; `base` is a valid nsproxy, which the call
        // only reads. `new` is valid for writes.
        to_result(unsafe {
            match base {
                Some(base) => bindings::unshare_nsproxy_namespaces_from(
                    base.as_ptr(),
                    flags,
                    &mut new,
                    cred,
                    fs,
                ),
                None => bindings::unshare_nsproxy_namespaces(flags, &mut new, cred, fs),
            }
        })?;
        // SAFETY: On success `new` is null or a new nsproxy with one reference, which we own.
        Ok(NonNull::new(new).map(|ns| unsafe { ARef::from_raw(ns.cast()) }))
    }

    /// Joins the namespaces of `file` for an exec (`exec_join_namespaces()`): `setns(file,
    /// flags)`, with its permission checks by the current task, into a new nsproxy (the current
    /// task's, with the joined namespaces) that nothing installs yet. Joining a user namespace
    /// moves `cred` to it; joining a mount namespace moves the root and working directory of `fs`,
    /// which it needs then (`EINVAL` without).
    ///
    /// The checks that `setns()` makes on the current thread group and `fs_struct` are left to
    /// the exec, which installs the result once the task is the only thread of its process, with
    /// `fs` as its own `fs_struct`.
    #[cfg(CONFIG_EXECNS)]
    pub fn join_for_exec(
        file: &NsFile<'_>,
        flags: u32,
        cred: &mut crate::cred::NewCredential<'_>,
        fs: Option<&mut FsStruct>,
    ) -> Result<ARef<Self>> {
        let fs = fs.map_or(ptr::null_mut(), |fs| fs.as_ptr());
        // SAFETY: `file` is valid (`NsFile`'s invariant); `cred` may be changed (not used by any
        // task) and `fs` is null or has no other user: both are borrowed mutably.
        let new = crate::error::from_err_ptr(unsafe {
            bindings::exec_join_namespaces(file.as_ptr(), flags, cred.as_ptr(), fs)
        })?;
        // SAFETY: On success `new` is a new nsproxy (never null) with one reference, which we own.
        Ok(unsafe { ARef::from_raw(NonNull::new_unchecked(new.cast())) })
    }
}

/// A file that names namespaces, as `setns()`'s fd: a namespace file (`/proc/<pid>/ns/<type>`)
/// or a pidfd. Borrowed: its owner holds a reference for the lifetime `'a`.
///
/// # Invariants
///
/// `self.ptr` points to a valid `struct file` for the lifetime `'a`.
pub struct NsFile<'a> {
    ptr: NonNull<bindings::file>,
    _file: PhantomData<&'a bindings::file>,
}

impl<'a> NsFile<'a> {
    /// Borrows a file.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct file` whose reference the caller holds for `'a`.
    #[inline]
    pub unsafe fn from_raw(ptr: NonNull<bindings::file>) -> Self {
        // INVARIANT: The safety requirements.
        Self {
            ptr,
            _file: PhantomData,
        }
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::file {
        self.ptr.as_ptr()
    }
}

// SAFETY: The type invariants guarantee that `NsProxy` is always ref-counted.
unsafe impl AlwaysRefCounted for NsProxy {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is nonzero.
        unsafe { bindings::get_nsproxy(self.0.get()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The safety requirements guarantee that the refcount is nonzero.
        unsafe { bindings::put_nsproxy(obj.cast().as_ptr()) };
    }
}

/// Installs what an `unshare()` prepared into the current task (`unshare_install()`): new
/// namespaces, `fs_struct` and file table, each only if given. With `CLONE_SYSVSEM` or
/// `CLONE_NEWIPC` in `flags`, the task is detached from its SysV semaphore undo list, with
/// `CLONE_NEWIPC` from its shared memory segments too. The task's old `fs_struct` (if this was
/// its last user) and its reference to its old file table are dropped. Cannot fail.
///
/// Credentials are not installed here: a caller that prepared new ones commits them afterwards,
/// as `unshare()` does.
pub fn unshare_install(
    flags: u32,
    nsproxy: Option<ARef<NsProxy>>,
    fs: Option<FsStruct>,
    files: Option<FilesStruct>,
) {
    let nsproxy = nsproxy.map_or(ptr::null_mut(), |ns| ARef::into_raw(ns).as_ptr().cast());
    let fs = fs.map_or(ptr::null_mut(), |fs| fs.into_raw().as_ptr());
    let files = files.map_or(ptr::null_mut(), |f| f.into_raw().as_ptr());
    // SAFETY: Each pointer is null or carries a reference we own (taken out of its owner above),
    // which `unshare_install()` takes over; `fs` has no other user (`FsStruct`'s invariant).
    unsafe { bindings::unshare_install(flags as crate::ffi::c_ulong, nsproxy, fs, files) };
}
