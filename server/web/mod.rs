//! `kref serve`: the reference in a browser, for one person or a whole team. The only module that
//! knows HTTP: it reads requests, picks a view from `crate::analysis::views` and renders it as a
//! page or as the JSON the CLI prints.
//!
//! Read-only (GET and HEAD only), offline (it listens and never connects out), every asset
//! embedded. A URL never names a file: ids, targets and asset names are looked up among data in
//! memory. Bounded: path and query lengths, one request's time, header read time, connections.

mod assets;
mod links;
mod markdown;
mod pages;
mod request;
mod routes;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tracing_subscriber::EnvFilter;

use crate::kb::config::{Overrides, load_settings};
use routes::App;
use state::{Library, Shelf, keep_fresh};

/// Arguments of `kref serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Where to listen. The default answers only on this machine; `0.0.0.0:7777` shares the
    /// reference with your network.
    #[arg(long, default_value = "127.0.0.1:7777", value_name = "IP:PORT")]
    pub addr: SocketAddr,
    /// A folder of your own notes (repeatable). Also: KREF_NOTES, `notes:` in config.yaml or .kref.yaml.
    #[arg(long = "notes", value_name = "DIR")]
    pub notes: Vec<PathBuf>,
    /// How often to look for changed notes and schemas, in seconds (0: never).
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub refresh: f64,
    /// How many recent searches to keep answers of (0: none). Emptied whenever the notes change.
    #[arg(long, default_value_t = 4096, value_name = "ENTRIES")]
    pub search_cache: usize,
}

/// Connections served at once; more wait to be accepted.
const MAX_CONNECTIONS: usize = 4096;
/// A connection that sends no complete request head for this long is closed (idle keep-alive
/// connections included).
const HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// The most a request head may take in memory (hyper answers 431 beyond it; our own limits on
/// path and query lengths answer 414 well below).
const MAX_HEAD_BYTES: usize = 256 * 1024;

/// Serves until interrupted.
pub fn run(args: &ServeArgs) -> Result<()> {
    init_logging();
    let settings = load_settings(&Overrides { notes: args.notes.clone(), ..Overrides::default() })?;
    // Many idle browsers hold connections open: allow as many files as the system lets us.
    if let Ok(limit) = rlimit::increase_nofile_limit(MAX_CONNECTIONS as u64 + 256) {
        tracing::debug!("open files limit: {limit}");
    }
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("kref-serve")
        .enable_all()
        .build()
        .context("could not start the server's runtime")?;
    runtime.block_on(serve(args, settings, workers))
}

async fn serve(args: &ServeArgs, settings: crate::kb::config::Settings, workers: usize) -> Result<()> {
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("could not listen on {}; pick another with --addr IP:PORT", args.addr))?;
    let local = listener.local_addr()?;
    let library = {
        let settings = settings.clone();
        let cache = args.search_cache;
        tokio::task::spawn_blocking(move || Library::load(&settings, 0, cache)).await??
    };
    for w in &library.warnings {
        warn(w);
    }
    let shelf = Arc::new(Shelf::new(settings, library));
    let loopback = local.ip().is_loopback();
    announce(local, loopback);
    if args.refresh > 0.0 {
        tokio::spawn(keep_fresh(shelf.clone(), Duration::from_secs_f64(args.refresh.max(0.1))));
    }
    let router = routes::router(Arc::new(App { shelf, loopback, searches: Semaphore::new(workers) }));
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let accept = async {
        loop {
            let Ok(permit) = connections.clone().acquire_owned().await else { break };
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors or a connection reset before it was accepted:
                    // wait a little and go on serving.
                    tracing::warn!("could not accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let service = TowerToHyperService::new(router.clone());
            tokio::spawn(async move {
                let _permit = permit;
                let connection = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .max_buf_size(MAX_HEAD_BYTES)
                    .serve_connection(TokioIo::new(stream), service);
                if let Err(e) = connection.await {
                    tracing::debug!("connection ended: {e}");
                }
            });
        }
    };
    tokio::select! {
        () = accept => Ok(()),
        _ = tokio::signal::ctrl_c() => {
            tracing::info!("interrupted; stopping");
            Ok(())
        }
    }
}

/// Says where the reference is (on stdout, the first line, so scripts can read the port) and,
/// when it is reachable from elsewhere, that it is.
fn announce(local: SocketAddr, loopback: bool) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "kref serve: the reference is at http://{local}/");
    let _ = out.flush();
    if loopback {
        let _ = writeln!(
            out,
            "Only this machine can reach it. To share it with your team: kref serve --addr 0.0.0.0:{}",
            local.port()
        );
    } else {
        warn(&format!(
            "listening on {local}: the reference, your notes included, is reachable from the network \
             (read-only; kref never writes or fetches anything). Use --addr 127.0.0.1:{} to keep it to this machine",
            local.port()
        ));
    }
    let _ = writeln!(out, "Press Ctrl-C to stop.");
    let _ = out.flush();
}

/// A warning on stderr, as the other commands print them.
fn warn(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}

fn init_logging() {
    // tantivy logs every commit at info level: only its warnings are worth showing here.
    let filter = EnvFilter::try_from_env("KREF_LOG").unwrap_or_else(|_| EnvFilter::new("info,tantivy=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(false)
        .try_init();
}
