//! The `reglament` command. Everything lives in the library; this only runs it.

fn main() -> std::process::ExitCode {
    reglament::main_with_args(std::env::args_os())
}
