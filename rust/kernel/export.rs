// SPDX-License-Identifier: GPL-2.0

//! Build-time checks for Rust functions exported to C.
//!
//! A Rust function called from C is defined `#[no_mangle] pub unsafe extern "C" fn` and declared
//! in a C header that bindgen also reads (through `rust/bindings/bindings_helper.h`).
//! [`export_check!`](crate::export_check) makes the build fail if the Rust definition and the C
//! prototype disagree.

/// Checks at build time that each named Rust function has the type of the C prototype of the
/// same name in [`crate::bindings`].
///
/// Use it in the crate that defines the functions.
///
/// # Examples
///
/// ```ignore
/// #[no_mangle]
/// pub unsafe extern "C" fn free_uid(up: *mut bindings::user_struct) { /* ... */ }
///
/// kernel::export_check!(free_uid);
/// ```
#[macro_export]
macro_rules! export_check {
    ($($name:ident),* $(,)?) => {
        $(
            const _: () = {
                if true {
                    $crate::bindings::$name
                } else {
                    $name
                };
            };
        )*
    };
}
