//! Generates the Kombo client from the vendored spec into `OUT_DIR`.
use std::path::{Path, PathBuf};

fn main() {
    let spec = Path::new("openapi/kombo.yaml");
    println!("cargo::rerun-if-changed={}", spec.display());
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    if let Err(error) = kombo_codegen::build(spec, &out_dir, &kombo_codegen::kombo_options()) {
        eprintln!("error: kombo client generation failed: {error}");
        std::process::exit(1);
    }
}
