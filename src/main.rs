//! The `lambdash` binary: see the library's crate docs for the map of modules.

fn main() -> std::process::ExitCode {
    lambdash::cli::main()
}
