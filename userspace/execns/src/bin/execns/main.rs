//! `execns [options] [--] [program [args...]]`: run a program in new
//! namespaces through the `execns(2)` system call.
//!
//! Unsafe code is confined to the `os` module (signal state, fork, exec).

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
use std::process::ExitCode;

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

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let code = if args.get(1).is_some_and(|a| a == STAGE2_ARG) {
        stage2::run(&args[2..])
    } else if args.get(1).is_some_and(|a| a == pass::HOLDER_ARG) {
        pass::holder(&args[2..])
    } else if args.get(1).is_some_and(|a| a == mapper::MAPPER_ARG) {
        mapper::run(&args[2..])
    } else {
        cli::run(args)
    };
    let _ = std::io::stderr().flush();
    ExitCode::from(code)
}
