//! Code generation for the `kombo` crate, in the manner of prost-build:
//! `build.rs` calls [`build`]; maintainers use the `kombo-codegen` CLI.
//!
//! The pipeline, one module per stage, each a pure function:
//!
//! 1. **read** — [`emit::parse_spec`]: YAML or JSON text → a JSON tree;
//! 2. **name** — [`name`]: method names from summaries;
//! 3. **normalize** — [`normalize`]: OpenAPI 3.1 → the 3.0 dialect progenitor
//!    reads ([`normalize::dialect`]), generator fixes
//!    ([`normalize::generator_fixes`]) and Kombo's open-enum policy
//!    ([`normalize::open_enums`]);
//! 4. **scope** — [`scope`]: headers a scoped client supplies;
//! 5. **model** — [`model`]: one description of every operation;
//! 6. **emit** — [`emit`]: progenitor/typify for the types (checked passes
//!    over them), our own emitter for the operation layer;
//! 7. **write** — [`build`] / [`write_snapshot`].
//!
//! Beside it, `diff` (feature `report`, with `synthetic`) reports what a spec
//! update changes for users; a build script compiles neither. Every
//! stage reads the document through one walker, [`walk`].

#[cfg(feature = "report")]
pub mod diff;
pub mod emit;
pub mod error;
pub mod model;
pub mod name;
pub mod normalize;
pub mod scope;
#[cfg(feature = "report")]
pub mod synthetic;
pub mod walk;

pub use emit::{GENERATOR_VERSIONS, Generated, Host, Options, generate};
pub use error::CodegenError;

use std::path::Path;

/// File name of the generated client inside `OUT_DIR` and `generated/`.
pub const CLIENT_FILE: &str = "kombo_client.rs";
/// File name of the normalized spec inside `generated/`.
pub const NORMALIZED_FILE: &str = "kombo.normalized.yaml";

/// The Cargo feature of a crate holding a generated client that compiles
/// `Serialize` for the types the client only receives (responses, webhook
/// payloads): off by default, because those impls are a large share of the
/// crate's compile time and memory and decoding needs none of them.
pub const SERIALIZE_FEATURE: &str = "serialize-responses";

/// The options the `kombo` crate generates its client with.
pub fn kombo_options() -> Options {
    Options {
        host: Host::Kombo,
        scoped_headers: vec!["X-Integration-Id".to_owned()],
        tag_features: true,
        pinned_names: Default::default(),
        serialize_feature: Some(SERIALIZE_FEATURE.to_owned()),
        enabled_features: None,
    }
}

/// The options a crate other than `kombo` generates a client with (a
/// generated `Client` on `kombo`'s runtime, `::kombo::__private`), e.g. the
/// test-only fixture clients.
pub fn dependent_options() -> Options {
    Options {
        host: Host::Standalone,
        ..kombo_options()
    }
}

/// The features Cargo enabled for the crate whose build script this is
/// (from its `CARGO_FEATURE_*` variables), for [`Options::enabled_features`].
pub fn cargo_features() -> std::collections::BTreeSet<String> {
    std::env::vars()
        .filter_map(|(key, _)| key.strip_prefix("CARGO_FEATURE_").map(str::to_owned))
        .collect()
}

/// The hex SHA-256 of spec text, as written in the generated file's header.
pub fn spec_sha256(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The name map kept beside a spec (`openapi/kombo.yaml` → `openapi/kombo.names.json`).
pub fn names_path(spec: &Path) -> std::path::PathBuf {
    spec.with_extension("names.json")
}

/// Reads the name map beside `spec` (none: nothing pinned).
pub fn read_names(spec: &Path) -> Result<name::PinnedNames, CodegenError> {
    let path = names_path(spec);
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Default::default()),
        Err(e) => {
            Err(CodegenError::at("", format!("cannot read: {e}"))
                .in_file(path.display().to_string()))
        }
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            CodegenError::at(
                "",
                format!("not a name map (operationId → \"tag.method\"): {e}"),
            )
            .in_file(path.display().to_string())
        }),
    }
}

/// The name map as `refresh` writes it: sorted, one entry a line.
pub fn names_json(generated: &Generated) -> String {
    let map = name::name_map(&generated.operations);
    let mut text = serde_json::to_string_pretty(&map).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads `spec` (and the name map beside it), generates the client and
/// writes it to `out_dir/kombo_client.rs`. Errors name the file.
pub fn build(spec: &Path, out_dir: &Path, options: &Options) -> Result<Generated, CodegenError> {
    let name = spec.display().to_string();
    let text = std::fs::read_to_string(spec)
        .map_err(|e| CodegenError::at("", format!("cannot read: {e}")).in_file(&name))?;
    let options = Options {
        pinned_names: read_names(spec)?,
        ..options.clone()
    };
    let generated = generate(&text, &options).map_err(|e| e.in_file(&name))?;
    let out = out_dir.join(CLIENT_FILE);
    std::fs::write(&out, &generated.code).map_err(|e| {
        CodegenError::at("", format!("cannot write {}: {e}", out.display())).in_file(&name)
    })?;
    Ok(generated)
}

/// Writes the review snapshot (`generated/`): normalized spec and client code.
pub fn write_snapshot(generated: &Generated, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(NORMALIZED_FILE), &generated.normalized_yaml)?;
    std::fs::write(dir.join(CLIENT_FILE), &generated.code)
}

/// Compares `generated/` with a fresh generation; the error names the first
/// differing line and the command that fixes it.
pub fn check_snapshot(generated: &Generated, dir: &Path) -> Result<(), CodegenError> {
    for (file, built) in [
        (NORMALIZED_FILE, &generated.normalized_yaml),
        (CLIENT_FILE, &generated.code),
    ] {
        check_file(&dir.join(file), built)?;
    }
    eprintln!("{} is up to date", dir.display());
    Ok(())
}

/// Compares one committed file with what refresh would write; the error
/// names the first differing line and the command that fixes it.
pub fn check_file(path: &Path, built: &str) -> Result<(), CodegenError> {
    {
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        if committed == built {
            return Ok(());
        }
        let line = committed
            .lines()
            .zip(built.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(built.lines().count()));
        let show = |text: &str| text.lines().nth(line).unwrap_or("<end of file>").to_owned();
        eprintln!(
            "--- committed {}:{}\n{}",
            path.display(),
            line + 1,
            show(&committed)
        );
        eprintln!("+++ built\n{}", show(built));
        Err(CodegenError::at(
            "",
            format!(
                "{} is stale (line {}): run `cargo run -p kombo-codegen --features cli -- refresh`",
                path.display(),
                line + 1
            ),
        ))
    }
}
