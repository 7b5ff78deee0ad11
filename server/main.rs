//! The `kref` binary: everything happens in [`kref::cli::main`].

fn main() -> std::process::ExitCode {
    kref::cli::main()
}
