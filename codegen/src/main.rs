//! `kombo-codegen`: the maintainers' tool.
//!
//! - `refresh`: regenerate `generated/` from `openapi/kombo.yaml` and print the
//!   change report against the previous snapshot.
//! - `generate SPEC --out DIR`: write the snapshot of any spec.
//! - `diff OLD NEW`: the change report (Markdown) between two specs.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use kombo_codegen::{CodegenError, NORMALIZED_FILE, diff, generate, kombo_options, write_snapshot};

#[derive(Parser)]
#[command(
    name = "kombo-codegen",
    version,
    about = "Generate and review the Kombo client"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate generated/ from the vendored spec and print the change report.
    Refresh {
        /// Repository root (holds openapi/ and generated/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Generate the client for SPEC into DIR (normalized spec + Rust).
    Generate {
        /// OpenAPI document (YAML or JSON).
        spec: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the Markdown change report between two specs.
    Diff {
        /// The spec before the update.
        old: PathBuf,
        /// The spec after the update.
        new: PathBuf,
    },
}

fn read(path: &PathBuf) -> Result<String, CodegenError> {
    std::fs::read_to_string(path).map_err(|e| {
        CodegenError::at("", format!("cannot read: {e}")).in_file(path.display().to_string())
    })
}

fn run(cli: Cli) -> Result<(), CodegenError> {
    match cli.command {
        Command::Refresh { root } => {
            let spec_path = root.join("openapi/kombo.yaml");
            let out = root.join("generated");
            let old = std::fs::read_to_string(out.join(NORMALIZED_FILE)).ok();
            let spec = read(&spec_path)?;
            let generated = generate(&spec, &kombo_options())
                .map_err(|e| e.in_file(spec_path.display().to_string()))?;
            write_snapshot(&generated, &out).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", out.display()))
            })?;
            eprintln!("refreshed {}", out.display());
            match old {
                Some(old) => print!("{}", diff::report_texts(&old, &spec)?),
                None => eprintln!("no previous snapshot: no change report"),
            }
            Ok(())
        }
        Command::Generate { spec, out } => {
            let text = read(&spec)?;
            let generated = generate(&text, &kombo_options())
                .map_err(|e| e.in_file(spec.display().to_string()))?;
            write_snapshot(&generated, &out).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", out.display()))
            })?;
            for note in &generated.notes {
                eprintln!("note: {note}");
            }
            Ok(())
        }
        Command::Diff { old, new } => {
            print!("{}", diff::report_texts(&read(&old)?, &read(&new)?)?);
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
