//! `kombo-codegen`: the maintainers' tool.
//!
//! - `refresh`: regenerate the snapshot of every package the layout names
//!   (`layout.rs`: `[package.metadata.kombo-codegen]` in its Cargo.toml —
//!   `generated/` from `openapi/kombo.yaml`, `generated/fixture/` from the
//!   fixture spec) and print the change report against the previous
//!   snapshot; `refresh --check` changes nothing and exits 1 with the
//!   difference when a snapshot is stale (CI).
//! - `generate SPEC --out DIR`: write the snapshot of any spec.
//! - `diff OLD NEW`: the change report (Markdown) between two specs.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kombo_codegen::{CodegenError, NORMALIZED_FILE, Options, diff, generate, write_snapshot};

mod layout;

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
    /// Regenerate the snapshot of every package with [package.metadata.kombo-codegen]
    /// (generated/ from the vendored spec) and print the change report.
    Refresh {
        /// Workspace root (its Cargo.toml; each package's metadata names its spec and snapshot).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Write nothing; exit 1 and show the first difference when generated/ is stale.
        #[arg(long)]
        check: bool,
        /// Also prepend the report, under the next version, to CHANGELOG.md.
        #[arg(long, conflicts_with = "check")]
        changelog: bool,
    },
    /// Generate the client for SPEC into DIR (normalized spec + Rust).
    Generate {
        /// OpenAPI document (YAML or JSON).
        spec: PathBuf,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Generate a standalone `Client` for a crate other than kombo
        /// (on `::kombo`'s runtime) instead of `Kombo`'s own namespaces.
        #[arg(long)]
        standalone: bool,
    },
    /// Write SPEC replicated COPIES times, renamed per copy (scaling benchmarks).
    Synthesize {
        /// OpenAPI document to replicate.
        spec: PathBuf,
        /// How many copies.
        #[arg(long, default_value_t = 8)]
        copies: usize,
        /// Output file (JSON).
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

fn read(path: &Path) -> Result<String, CodegenError> {
    std::fs::read_to_string(path).map_err(|e| {
        CodegenError::at("", format!("cannot read: {e}")).in_file(path.display().to_string())
    })
}

fn run(cli: Cli) -> Result<(), CodegenError> {
    match cli.command {
        Command::Refresh {
            root,
            check,
            changelog,
        } => refresh(&root, check, changelog),
        Command::Generate {
            spec,
            out,
            standalone,
        } => {
            let text = read(&spec)?;
            let options = if standalone {
                Options::dependent()
            } else {
                Options::kombo()
            };
            let generated =
                generate(&text, &options).map_err(|e| e.in_file(spec.display().to_string()))?;
            write_snapshot(&generated, &out).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", out.display()))
            })?;
            for note in &generated.notes {
                eprintln!("note: {note}");
            }
            Ok(())
        }
        Command::Synthesize { spec, copies, out } => {
            let doc = kombo_codegen::parse_spec(&read(&spec)?)?;
            let synthetic = kombo_codegen::synthetic::replicate(&doc, copies);
            let text = serde_json::to_string_pretty(&synthetic)
                .map_err(|e| CodegenError::at("", format!("cannot write JSON: {e}")))?;
            std::fs::write(&out, text).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", out.display()))
            })?;
            Ok(())
        }
        Command::Diff { old, new } => {
            print!("{}", diff::report_texts(&read(&old)?, &read(&new)?)?);
            Ok(())
        }
    }
}

/// Regenerates (or with `check`, compares) the snapshot of every package
/// the layout names, then reports the published client's change.
fn refresh(root: &Path, check: bool, changelog: bool) -> Result<(), CodegenError> {
    let mut report = None;
    for client in layout::clients(root)? {
        let spec = read(&client.spec)?;
        let in_spec = |e: CodegenError| e.in_file(client.spec.display().to_string());
        // Declared features as the build script reads them, so a tag without
        // one is ungated in the snapshot too (and named by the check).
        let options = client.options().map_err(in_spec)?;
        let generated = generate(&spec, &options).map_err(in_spec)?;
        client.check_tag_features(&generated.tag_features())?;
        let names_path = kombo_codegen::names_path(&client.spec);
        let names = kombo_codegen::names_json(&generated);
        if check {
            kombo_codegen::check_snapshot(&generated, &client.snapshot)?;
            if client.published {
                kombo_codegen::check_file(&names_path, &names)?;
            }
            continue;
        }
        let old = std::fs::read_to_string(client.snapshot.join(NORMALIZED_FILE)).ok();
        write_snapshot(&generated, &client.snapshot).map_err(|e| {
            CodegenError::at(
                "",
                format!("cannot write {}: {e}", client.snapshot.display()),
            )
        })?;
        eprintln!("refreshed {}", client.snapshot.display());
        if client.published {
            std::fs::write(&names_path, &names).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", names_path.display()))
            })?;
            report = Some((old, spec, options, client.version));
        }
    }
    let Some((old, spec, options, version)) = report else {
        return Ok(());
    };
    let Some(old) = old else {
        eprintln!("no previous snapshot: no change report");
        return Ok(());
    };
    let (bump, report) = diff::report_with_bump(&old, &spec, &options)?;
    print!("{report}");
    let next = bump.next_version(&version).ok_or_else(|| {
        CodegenError::at(
            "",
            format!("Cargo.toml version {version:?} is not MAJOR.MINOR.PATCH"),
        )
    })?;
    println!("Release: {bump:?} → version {version} becomes {next} (edit Cargo.toml)");
    if changelog {
        prepend_changelog(&root.join("CHANGELOG.md"), &next, &report)?;
    }
    Ok(())
}

fn prepend_changelog(path: &Path, version: &str, report: &str) -> Result<(), CodegenError> {
    let old = std::fs::read_to_string(path).unwrap_or_else(|_| "# Changelog\n".to_owned());
    let (title, rest) = old.split_once('\n').unwrap_or((old.as_str(), ""));
    let entry = report.replacen(
        "## Kombo spec update",
        &format!("## {version}: Kombo spec update"),
        1,
    );
    let text = format!(
        "{title}\n\n{}\n{}",
        entry.trim_end(),
        rest.trim_start_matches('\n')
    );
    std::fs::write(path, text)
        .map_err(|e| CodegenError::at("", format!("cannot write {}: {e}", path.display())))?;
    eprintln!("prepended the report to {}", path.display());
    Ok(())
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
