//! `kref lsp`: the language server over stdio (or a local socket). The only module that knows the protocol: document
//! state, position encodings, conversions and handlers; the features live in `crate::analysis`.
//!
//! Invariant: nothing here writes to stdout, which is the protocol's transport; logs go to
//! stderr or `--log-file` through `tracing`.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod convert;
mod diagnostics;
mod documents;
mod ext;
pub mod helm;
mod kustomize;
mod loader;
mod positions;
mod server;
mod settings;
mod transport;
mod workspace;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use tower_lsp_server::ls_types::request::Request;
use tower_lsp_server::{LspService, Server};
use tracing_subscriber::EnvFilter;

pub use documents::MAX_ANALYZED_BYTES;
pub use server::{Backend, SEARCH_COMMAND};
pub use transport::{Transport, TransportArgs};

/// Arguments of `kref lsp`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LspArgs {
    #[command(flatten)]
    pub transport: TransportArgs,
    /// End the server when this process (the editor) ends, as well as when the client says
    /// `exit` or closes the connection. `processId` in `initialize` does the same.
    #[arg(long = "clientProcessId", alias = "client-process-id", value_name = "PID")]
    pub client_process_id: Option<u32>,
    /// Write the log to this file instead of standard error. The level comes from KREF_LOG
    /// (`info` by default; `debug`, `kref=trace`, ...).
    #[arg(long, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
}

/// Serves the protocol until the client says `exit`, closes the connection, or its process ends.
pub fn run(args: &LspArgs) -> Result<()> {
    let transport = args.transport.transport()?;
    init_logging(args.log_file.as_deref())?;
    std::panic::set_hook(Box::new(|info| tracing::error!("panic: {info}")));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("kref-lsp")
        .enable_all()
        .build()
        .context("could not start the language server's runtime")?;
    runtime.block_on(async {
        let (service, socket) = LspService::build(Backend::new)
            .custom_method(ext::KrefSearch::METHOD, Backend::search)
            .custom_method(ext::KrefShow::METHOD, Backend::show)
            .custom_method(ext::KrefExplain::METHOD, Backend::explain)
            .finish();
        let parent = service.inner().parent();
        parent.name(args.client_process_id);
        let serve = async {
            match transport {
                Transport::Stdio => {
                    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
                    Ok(())
                }
                Transport::Pipe(path) => serve_pipe(&path, service, socket).await,
            }
        };
        tokio::select! {
            served = serve => served,
            pid = parent.gone() => {
                tracing::info!("the client's process {pid} has ended; stopping");
                Ok(())
            }
        }
    })?;
    // Background loads may still be running; they hold nothing that needs finishing.
    runtime.shutdown_background();
    tracing::info!("exited");
    Ok(())
}

/// Serves the protocol over the Unix socket the client listens on.
#[cfg(unix)]
async fn serve_pipe(
    path: &Path,
    service: LspService<Backend>,
    socket: tower_lsp_server::ClientSocket,
) -> Result<()> {
    let stream = tokio::net::UnixStream::connect(path)
        .await
        .with_context(|| format!("could not connect to the client's socket {}", path.display()))?;
    tracing::info!("connected to {}", path.display());
    let (read, write) = stream.into_split();
    Server::new(read, write, socket).serve(service).await;
    Ok(())
}

#[cfg(not(unix))]
async fn serve_pipe(
    path: &Path,
    _service: LspService<Backend>,
    _socket: tower_lsp_server::ClientSocket,
) -> Result<()> {
    anyhow::bail!("--pipe={} is supported only on Unix-like systems", path.display())
}

fn init_logging(log_file: Option<&Path>) -> Result<()> {
    let filter = EnvFilter::try_from_env("KREF_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // The protocol library dumps whole messages at trace level, document text (and so Secret
    // values) included: never let it go below info, whatever KREF_LOG asks for.
    let filter = match "tower_lsp_server=info".parse() {
        Ok(cap) => filter.add_directive(cap),
        Err(_) => filter,
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(false).with_target(false);
    let result = match log_file {
        Some(path) => {
            let mut options = std::fs::OpenOptions::new();
            options.create(true).append(true);
            // Logs are the user's alone.
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let file = options
                .open(path)
                .with_context(|| format!("could not open the log file {}", path.display()))?;
            builder.with_writer(Mutex::new(file)).try_init()
        }
        None => builder.with_writer(std::io::stderr).try_init(),
    };
    // Already set (in tests, or by an embedding program): keep that one.
    let _ = result;
    Ok(())
}
