//! `kombo-codegen`: the maintainers' tool.
//!
//! - `refresh`: regenerate `generated/` from `openapi/kombo.yaml` and print the
//!   change report against the previous snapshot; `refresh --check` changes
//!   nothing and exits 1 with the difference when `generated/` is stale (CI).
//! - `generate SPEC --out DIR`: write the snapshot of any spec.
//! - `diff OLD NEW`: the change report (Markdown) between two specs.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kombo_codegen::{CodegenError, NORMALIZED_FILE, Options, diff, generate, write_snapshot};

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
        } => {
            let spec_path = root.join("openapi/kombo.yaml");
            let out = root.join("generated");
            let old = std::fs::read_to_string(out.join(NORMALIZED_FILE)).ok();
            let spec = read(&spec_path)?;
            // Declared features as the build script reads them, so a tag
            // without one is ungated in the snapshot too (and named below).
            let options = Options::kombo()
                .pinned_names(kombo_codegen::read_names(&spec_path)?)
                .declared_features(kombo_codegen::declared_features(&root.join("Cargo.toml"))?);
            let generated = generate(&spec, &options)
                .map_err(|e| e.in_file(spec_path.display().to_string()))?;
            let names_path = kombo_codegen::names_path(&spec_path);
            let names = kombo_codegen::names_json(&generated);
            // The client of Kombo's 16-endpoint subset (the test-only fixture
            // crate compiles the same spec), reviewed beside the relink one.
            let fixture_spec = root.join("fixtures/kombo-fixture.yaml");
            let fixture_options = Options::dependent().declared_features(
                kombo_codegen::declared_features(&root.join("fixtures/Cargo.toml"))?,
            );
            let fixture = generate(&read(&fixture_spec)?, &fixture_options)
                .map_err(|e| e.in_file(fixture_spec.display().to_string()))?;
            let fixture_out = out.join("fixture");
            check_tag_features(&root, "kombo", &generated.tag_features())?;
            check_tag_features(&root, "kombo-fixtures", &fixture.tag_features())?;
            if check {
                kombo_codegen::check_snapshot(&generated, &out)?;
                kombo_codegen::check_snapshot(&fixture, &fixture_out)?;
                return kombo_codegen::check_file(&names_path, &names);
            }
            write_snapshot(&fixture, &fixture_out).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", fixture_out.display()))
            })?;
            write_snapshot(&generated, &out).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", out.display()))
            })?;
            std::fs::write(&names_path, &names).map_err(|e| {
                CodegenError::at("", format!("cannot write {}: {e}", names_path.display()))
            })?;
            eprintln!("refreshed {}", out.display());
            let Some(old) = old else {
                eprintln!("no previous snapshot: no change report");
                return Ok(());
            };
            let (bump, report) = diff::report_with_bump(&old, &spec, &options)?;
            print!("{report}");
            let current = crate_version(&root)?;
            let next = bump.next_version(&current).ok_or_else(|| {
                CodegenError::at(
                    "",
                    format!("Cargo.toml version {current:?} is not MAJOR.MINOR.PATCH"),
                )
            })?;
            println!("Release: {bump:?} → version {current} becomes {next} (edit Cargo.toml)");
            if changelog {
                prepend_changelog(&root.join("CHANGELOG.md"), &next, &report)?;
            }
            Ok(())
        }
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

/// The `kombo` package version, as Cargo reads `root/Cargo.toml`.
fn crate_version(root: &Path) -> Result<String, CodegenError> {
    package(root, "kombo")?["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| CodegenError::at("", "the `kombo` package has no version"))
}

/// Features that are not tags.
const NOT_TAGS: [&str; 3] = ["default", "codegen", "mock"];

/// Every tag of the spec is a feature of `package`, and so is the opt-in
/// [`kombo_codegen::SERIALIZE_FEATURE`]; every other feature of it is a tag
/// (or one of [`NOT_TAGS`]); the error names the first that is not.
fn check_tag_features(
    root: &Path,
    package_name: &str,
    tag_features: &std::collections::BTreeSet<String>,
) -> Result<(), CodegenError> {
    let package = package(root, package_name)?;
    let features: std::collections::BTreeSet<String> = package["features"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, _)| name.clone())
        .filter(|name| !NOT_TAGS.contains(&name.as_str()))
        .collect();
    let serialize = kombo_codegen::SERIALIZE_FEATURE.to_owned();
    if !features.contains(&serialize) {
        return Err(CodegenError::at(
            "",
            format!(
                "the generated client's opt-in `{serialize}` is no feature in the Cargo.toml of `{package_name}`"
            ),
        ));
    }
    let wanted: std::collections::BTreeSet<String> =
        tag_features.iter().cloned().chain([serialize]).collect();
    if let Some(missing) = wanted.difference(&features).next() {
        return Err(CodegenError::at(
            "",
            format!(
                "the spec's tag module `{missing}` has no feature `{missing}` in the Cargo.toml of `{package_name}`"
            ),
        ));
    }
    if let Some(extra) = features.difference(&wanted).next() {
        return Err(CodegenError::at(
            "",
            format!("the feature `{extra}` of `{package_name}` is no tag of the spec"),
        ));
    }
    Ok(())
}

/// One workspace package, as `cargo metadata` describes it.
fn package(root: &Path, name: &str) -> Result<serde_json::Value, CodegenError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .map_err(|e| CodegenError::at("", format!("cannot run cargo metadata: {e}")))?;
    if !output.status.success() {
        return Err(CodegenError::at(
            "",
            format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| CodegenError::at("", format!("cargo metadata printed no JSON: {e}")))?;
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name)
        .cloned()
        .ok_or_else(|| CodegenError::at("", format!("no `{name}` package in the workspace")))
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
