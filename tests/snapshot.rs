//! `generated/` is what the build produces, and the vendored spec is the seed's.

use std::path::Path;

/// `generated/` (normalized spec, client) and the name map are what the
/// generator writes for the vendored spec, and the build compiled that client.
#[test]
fn generated_snapshot_is_what_the_build_compiled() {
    let spec = Path::new("openapi/kombo.yaml");
    let options = kombo_codegen::Options::kombo()
        .pinned_names(kombo_codegen::read_names(spec).unwrap())
        .declared_features(kombo_codegen::declared_features(Path::new("Cargo.toml")).unwrap());
    let generated =
        kombo_codegen::generate(&std::fs::read_to_string(spec).unwrap(), &options).unwrap();
    if let Err(e) = kombo_codegen::check_snapshot(&generated, Path::new("generated")) {
        panic!("{e}");
    }
    let names = kombo_codegen::names_json(&generated);
    if let Err(e) = kombo_codegen::check_file(&kombo_codegen::names_path(spec), &names) {
        panic!("{e}");
    }
    let built = include_str!(concat!(env!("OUT_DIR"), "/kombo_client.rs"));
    // With a tag's feature off the build script generates less than the
    // snapshot (all tags); the comparison needs every tag on.
    if !cfg!(feature = "general") {
        return;
    }
    assert!(
        generated.code == built,
        "the build compiled another client than generated/ holds: run `cargo build -p kombo`"
    );
}

#[test]
fn vendored_spec_parses_and_names_the_relink_operation() {
    let text = std::fs::read_to_string("openapi/kombo.yaml").unwrap();
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let op = &doc["paths"]["/integrations/{integration_id}/relink"]["post"];
    assert_eq!(op["operationId"], "PostIntegrationsIntegrationIdRelink");
    assert_eq!(op["summary"], "Create reconnection link");
    assert_eq!(op["x-codeSamples"].as_array().map(Vec::len), Some(3));
}

/// The seed page lives beside the repository (in CI too), not in the crate.
#[test]
fn vendored_spec_is_the_seed_yaml_block_byte_for_byte() {
    let seed = Path::new("../shared/seed/000_acda983bfb44100b.txt");
    let Ok(page) = std::fs::read_to_string(seed) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must see {}",
            seed.display()
        );
        eprintln!("skipped: {} is not beside this checkout", seed.display());
        return;
    };
    let open = "````yaml POST /integrations/{integration_id}/relink\n";
    let start = page.find(open).expect("the seed has the yaml block") + open.len();
    let end = start + page[start..].find("\n````").expect("the block is closed") + 1;
    let vendored = std::fs::read_to_string("openapi/kombo.yaml").unwrap();
    assert_eq!(vendored, &page[start..end]);
}
