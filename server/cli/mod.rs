//! The command line: argument parsing, dispatch, exit codes and error reporting.

mod check;
mod explain;
mod export;
mod import;
mod index;
mod output;
mod render;
mod search;
mod show;

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::kb::config::{Overrides, Settings, load_settings};

pub use output::Outcome;

/// kref: an offline Kubernetes knowledge base and language server.
#[derive(Debug, Parser)]
#[command(name = "kref", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to use colours: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// Flags shared by every command that reads notes.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NotesArgs {
    /// A folder of your own notes (repeatable). Also: KREF_NOTES, `notes:` in config.yaml or .kref.yaml.
    #[arg(long = "notes", value_name = "DIR")]
    pub notes: Vec<PathBuf>,
}

impl NotesArgs {
    /// The merged settings: these flags, KREF_NOTES, `.kref.yaml` and `config.yaml`.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        load_settings(&Overrides { notes: self.notes.clone(), ..Overrides::default() })
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the knowledge base (built-in notes and yours), best matches first.
    Search(search::SearchArgs),
    /// Print a whole note section, by id (from `kref search --json`) or title.
    Show(show::ShowArgs),
    /// Build or refresh the search index of your notes.
    Index(index::IndexArgs),
    /// Explain a kind or field offline, like `kubectl explain`, with the notes about it.
    Explain(explain::ExplainArgs),
    /// Check manifests for mistakes the API server would reject and linters would flag.
    Check(check::CheckArgs),
    /// Import OpenAPI documents or CRD manifests so their kinds work like built-in ones.
    Import(import::ImportArgs),
    /// Run the language server for editors, over stdio (or `--pipe`).
    Lsp(crate::lsp::LspArgs),
    /// Serve the reference to a browser: search, kinds and fields, your notes, the rules.
    Serve(crate::web::ServeArgs),
    /// Write every search document (built-in notes, yours, the schema) for another search engine.
    Export(export::ExportArgs),
    /// Print a shell completion script: `kref completions bash > ~/.local/share/bash-completion/completions/kref`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Runs the command line and returns the process exit code: 0 found/ok, 1 nothing found,
/// 2 error.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let choice = match cli.color {
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
        ColorWhen::Auto => anstream::ColorChoice::Auto,
    };
    choice.write_global();
    let result = match cli.command {
        Command::Search(args) => search::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Index(args) => index::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Lsp(args) => crate::lsp::run(&args).map(|()| Outcome::Found),
        Command::Serve(args) => crate::web::run(&args).map(|()| Outcome::Found),
        Command::Export(args) => export::run(&args),
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut out = io::stdout();
            clap_complete::generate(shell, &mut cmd, "kref", &mut out);
            Ok(Outcome::Found)
        }
    };
    match result {
        Ok(outcome) => outcome.exit_code(),
        Err(e) if output::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&e);
            ExitCode::from(2)
        }
    }
}

/// Is standard error a terminal (for progress bars)?
pub(crate) fn stderr_is_tty() -> bool {
    io::stderr().is_terminal()
}
