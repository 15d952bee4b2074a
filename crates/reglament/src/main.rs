//! The `reglament` command. Everything lives in the library; this only runs it.

/// mimalloc gives freed memory back to the system. Each argon2id check takes about 19 MiB, and
/// glibc's malloc, after the first such block is freed, raises its mmap threshold and keeps the
/// next ones on its heap: a burst of sign-ins left the server holding gigabytes for good.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    reglament::main_with_args(std::env::args_os())
}
