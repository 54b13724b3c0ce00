//! Code generation for the `kombo` crate, in the manner of prost-build:
//! `build.rs` calls [`build`] with [`Options`]; maintainers use the
//! `kombo-codegen` CLI (feature `cli`).
//!
//! The pipeline, one private module per stage (`src/<stage>`), each a pure
//! function: **read** ([`parse_spec`]: YAML or JSON text → a JSON tree),
//! **name** (method names from summaries), **normalize** ([`normalize`]:
//! OpenAPI 3.1 → the 3.0 dialect progenitor reads, generator fixes, Kombo's
//! open-enum policy), **scope** (headers a scoped client supplies),
//! **model** (one description of every operation), **emit**
//! (progenitor/typify for the types with checked passes over them, our own
//! emitter for the operation layer), **write** ([`build`] /
//! [`write_snapshot`]). Every stage reads the document through one walker
//! (`walk.rs`).
//!
//! Beside it, [`diff`] (feature `report`, with `synthetic`) reports what a
//! spec update changes for users; a build script compiles neither. The
//! stages stay private so that a generator bump (progenitor, typify, syn) is
//! not a breaking change of this crate.

#[cfg(feature = "report")]
pub mod diff;
mod emit;
mod error;
mod model;
mod name;
mod normalize;
mod options;
mod policy;
mod scope;
#[cfg(feature = "report")]
pub mod synthetic;
mod walk;

pub use emit::{GENERATOR_VERSIONS, Generated, generate, parse_spec};
pub use error::CodegenError;
pub use name::PinnedNames;
pub use options::{Options, SERIALIZE_FEATURE, declared_features};
pub use policy::INTEGRATION_HEADER;

use std::path::Path;

/// File name of the generated client inside `OUT_DIR` and `generated/`.
pub const CLIENT_FILE: &str = "kombo_client.rs";
/// File name of the normalized spec inside `generated/`.
pub const NORMALIZED_FILE: &str = "kombo.normalized.yaml";

/// The normalize stage alone: a parsed spec ([`parse_spec`]) as the 3.0
/// document the generator reads (what `generated/kombo.normalized.yaml`
/// holds). Normalizing its output again changes nothing.
pub fn normalize(doc: serde_json::Value) -> Result<serde_json::Value, CodegenError> {
    normalize::normalize(doc).map(|n| n.document)
}

/// The error codes a spec's error responses list (the `enum` of each `code`
/// in their schemas, `$ref`s followed), in document order: with the codes
/// Kombo documents, the variants of the generated `ErrorCode`.
pub fn error_codes(spec_text: &str) -> Result<Vec<String>, CodegenError> {
    let normalized = normalize::normalize(parse_spec(spec_text)?)?;
    Ok(emit::spec_error_codes(&normalized.document))
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
pub fn read_names(spec: &Path) -> Result<PinnedNames, CodegenError> {
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
    let map = generated.name_map();
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
    let options = options.clone().pinned_names(read_names(spec)?);
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
