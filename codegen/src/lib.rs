//! Code generation for the `kombo` crate, in the manner of prost-build:
//! `build.rs` calls [`build`]; maintainers use the `kombo-codegen` CLI.
//!
//! The pipeline is made of pure functions: [`normalize::normalize`] (OpenAPI
//! 3.1 → the 3.0 dialect progenitor reads), [`naming::apply_names`] (method
//! names from summaries), [`generate::generate`] (progenitor + prettyplease)
//! and [`diff::report`] (what a spec update changes for users).

pub mod diff;
pub mod error;
pub mod generate;
pub mod keep_status;
pub mod naming;
pub mod normalize;
pub mod open_enums;
pub mod scoped;
mod spec;

pub use error::CodegenError;
pub use generate::{GENERATOR_VERSIONS, Generated, Options, generate};

use std::path::Path;

/// File name of the generated client inside `OUT_DIR` and `generated/`.
pub const CLIENT_FILE: &str = "kombo_client.rs";
/// File name of the normalized spec inside `generated/`.
pub const NORMALIZED_FILE: &str = "kombo.normalized.yaml";

/// The options the `kombo` crate generates its client with.
pub fn kombo_options() -> Options {
    Options {
        inner_type: Some("crate::runtime::Runtime".to_owned()),
        scoped_headers: vec!["X-Integration-Id".to_owned()],
    }
}

/// Reads `spec`, generates the client and writes it to `out_dir/kombo_client.rs`.
/// Errors name the file.
pub fn build(spec: &Path, out_dir: &Path, options: &Options) -> Result<Generated, CodegenError> {
    let name = spec.display().to_string();
    let text = std::fs::read_to_string(spec)
        .map_err(|e| CodegenError::at("", format!("cannot read: {e}")).in_file(&name))?;
    let generated = generate(&text, options).map_err(|e| e.in_file(&name))?;
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
