//! The `cargo-leak-audit` binary; everything is in the library, so it is tested there.

use std::io::IsTerminal;

/// mimalloc rather than the system allocator: parsing a crate builds millions
/// of small syntax-tree nodes, and with glibc's malloc allocation and freeing
/// were a third of the run (see BENCH.md). Only the binary sets it; the
/// library, the engine and the macro leave the choice to their users.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let (stdout, stderr) = (std::io::stdout(), std::io::stderr());
    let stderr_is_terminal = stderr.is_terminal();
    let mut stdout = stdout.lock();
    let mut stderr = stderr.lock();
    let mut output = cargo_leak_audit::Output { stdout: &mut stdout, stderr: &mut stderr, stderr_is_terminal };
    let status = cargo_leak_audit::run_then_exit(std::env::args_os(), &mut output);
    std::process::exit(status);
}
