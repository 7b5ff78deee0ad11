//! The `kref` binary: everything happens in [`kref::cli::main`].

/// mimalloc instead of the system allocator: building an index allocates and frees millions of
/// small strings from several threads, where it saves about a sixth of the CPU time and a quarter
/// of the peak memory of glibc's allocator (docs/BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kref::cli::main()
}
