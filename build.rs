//! Generates the Kombo client from the vendored spec into `OUT_DIR`.
use std::path::{Path, PathBuf};

fn generate(spec: &Path, out: &Path) {
    println!("cargo::rerun-if-changed={}", spec.display());
    if let Err(error) = kombo_codegen::build(spec, out, &kombo_codegen::kombo_options()) {
        eprintln!("error: kombo client generation failed: {error}");
        std::process::exit(1);
    }
}

fn main() {
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    generate(Path::new("openapi/kombo.yaml"), &out_dir);
    // Test-only: the client of Kombo's merged 16-endpoint subset, or of the
    // spec named by KOMBO_FIXTURE_SPEC (scripts/check-specs.sh).
    if std::env::var_os("CARGO_FEATURE_SPEC_FIXTURES").is_some() {
        println!("cargo::rerun-if-env-changed=KOMBO_FIXTURE_SPEC");
        let spec = std::env::var_os("KOMBO_FIXTURE_SPEC")
            .filter(|s| !s.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("tests/fixtures/kombo-subset.yaml"));
        let subset_dir = out_dir.join("subset");
        std::fs::create_dir_all(&subset_dir).expect("OUT_DIR is writable");
        generate(&spec, &subset_dir);
    }
}
