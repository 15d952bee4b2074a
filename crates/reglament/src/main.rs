//! The `reglament` command. Everything lives in the library; this only runs it.

/// mimalloc gives freed memory back to the system. Each argon2id check takes about 19 MiB, and
/// glibc's malloc, after the first such block is freed, raises its mmap threshold and keeps the
/// next ones on its heap: a burst of sign-ins left the server holding gigabytes for good.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // No transparent huge pages: mimalloc asks for them on its large reservations, and the
    // kernel then zeroes 2 MiB at a time on first touch — in a process per message, a third of
    // its time — and keeps whole huge pages resident for a few objects each.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    reglament::main_with_args(std::env::args_os())
}
