//! Puts the Kombo client into `OUT_DIR`: generated from the vendored spec
//! with the `codegen` feature (the default), else copied from the committed
//! `generated/` snapshot (which the snapshot test keeps equal), so a
//! dependent can skip the generator's build dependencies entirely.
use std::path::{Path, PathBuf};

const SPEC: &str = "openapi/kombo.yaml";

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let client = out.join("kombo_client.rs");
    println!("cargo::rerun-if-changed={SPEC}");
    println!("cargo::rerun-if-changed=openapi/kombo.names.json");
    if let Err(error) = write_client(Path::new(SPEC), &client) {
        eprintln!("error: kombo client generation failed: {error}");
        std::process::exit(1);
    }
}

#[cfg(feature = "codegen")]
fn write_client(spec: &Path, client: &Path) -> Result<(), String> {
    // Declaring a tag's feature turns its gate on (it also changes the
    // features Cargo names, but not when the new one is off by default).
    println!("cargo::rerun-if-changed=Cargo.toml");
    let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
    // Only the enabled tags' operations (each build-script run sees one
    // feature set, in its own OUT_DIR); a tag without a declared feature is
    // generated ungated, never dropped.
    let options = kombo_codegen::Options::kombo()
        .from_cargo_build()
        .map_err(|e| e.to_string())?;
    // A spec touched but not changed costs no regeneration: the stamp names
    // the spec's hash, the name map's, the declared features and this build
    // script (rebuilt when the generator changes).
    let script = std::env::current_exe()
        .and_then(|exe| exe.metadata())
        .and_then(|m| m.modified())
        .map(|t| format!("{t:?}"))
        .unwrap_or_default();
    let names = std::fs::read_to_string(kombo_codegen::names_path(spec)).unwrap_or_default();
    let declared =
        kombo_codegen::declared_features(Path::new("Cargo.toml")).map_err(|e| e.to_string())?;
    let stamp = format!(
        "{} {} {declared:?} {script}",
        kombo_codegen::spec_sha256(&text),
        kombo_codegen::spec_sha256(&names),
    );
    let stamp_file = client.with_extension("stamp");
    if client.exists() && std::fs::read_to_string(&stamp_file).ok().as_deref() == Some(&stamp) {
        return Ok(());
    }
    let out_dir = client.parent().unwrap_or(Path::new("."));
    let generated = kombo_codegen::build(spec, out_dir, &options).map_err(|e| e.to_string())?;
    for feature in generated.ungated_tags() {
        println!(
            "cargo::warning=the spec's tag `{feature}` has no Cargo feature: its operations are compiled always; add `{feature} = []` to [features] in Cargo.toml to make it optional"
        );
    }
    std::fs::write(&stamp_file, stamp).map_err(|e| format!("{}: {e}", stamp_file.display()))
}

#[cfg(not(feature = "codegen"))]
fn write_client(_spec: &Path, client: &Path) -> Result<(), String> {
    const SNAPSHOT: &str = "generated/kombo_client.rs";
    println!("cargo::rerun-if-changed={SNAPSHOT}");
    std::fs::copy(SNAPSHOT, client)
        .map(drop)
        .map_err(|e| format!("{SNAPSHOT}: {e}"))
}
