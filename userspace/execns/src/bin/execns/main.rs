//! `execns [options] [--] [program [args...]]`: run a program in new
//! namespaces through the `execns(2)` system call.
//!
//! Unsafe code is confined to the `os` module (signal state, fork, exec).

#![cfg_attr(not(test), no_main)]
#![deny(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod cli;
mod mapper;
mod os;
mod pass;
mod stage2;
mod stdio;

use std::ffi::OsString;
use std::io::Write;

/// Exit statuses (see `--help` and execns(1)).
pub mod status {
    /// Usage error or a stream path that cannot be opened; nothing happened.
    pub const USAGE: u8 = 1;
    /// `execns(2)` itself failed (`EPERM`, `EINVAL`, `ENOSPC`, the running kernel
    /// does not provide it...),
    /// or stage 2 could not set up the program's streams or user mapping.
    pub const EXECNS_FAILED: u8 = 125;
    /// The program was found but could not be executed.
    pub const CANNOT_EXECUTE: u8 = 126;
    /// The program was not found.
    pub const NOT_FOUND: u8 = 127;
}

/// The hidden first argument of stage 2.
pub const STAGE2_ARG: &str = "--execns-stage2";

/// The C `main` that the C library's start code calls, in place of Rust's
/// runtime start (`#![no_main]`): [`os::runtime_init`] does the part of it
/// execns relies on, without the main thread's stack-guard lookup that reads
/// `/proc/self/maps` (a fifth of the instructions of `execns -u -- true`).
/// The arguments are taken from `argc`/`argv` (`std::env::args_os()` has
/// them only on glibc without Rust's runtime start). A panic (debug builds:
/// release builds abort) exits with status 101, as from Rust's `main`.
#[cfg(not(test))]
#[allow(unsafe_code)] // `no_mangle`, and `argv` read.
#[unsafe(no_mangle)]
extern "C" fn main(argc: libc::c_int, argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: the C library calls `main` with `argv[0..argc]`, NUL-terminated
    // strings that live as long as the process.
    let args = unsafe { os::main_args(argc, argv) };
    libc::c_int::from(std::panic::catch_unwind(|| run(args)).unwrap_or(101))
}

// Unit tests have the harness's `main`: keep what `main` reaches checked as
// used code there too.
#[cfg(test)]
const _: fn(Vec<OsString>) -> u8 = run;

/// Everything `main` does with the command line `args`; returns the exit
/// status.
fn run(args: Vec<OsString>) -> u8 {
    os::runtime_init();
    let code = if args.get(1).is_some_and(|a| a == STAGE2_ARG) {
        stage2::run(&args[2..])
    } else if args.get(1).is_some_and(|a| a == pass::HOLDER_ARG) {
        pass::holder(&args[2..])
    } else if args.get(1).is_some_and(|a| a == mapper::MAPPER_ARG) {
        mapper::run(&args[2..])
    } else {
        cli::run(args)
    };
    // Rust's runtime would flush stdout at exit.
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    code
}
