//! `generated/` is what the build produces, and the vendored spec is the seed's.

use std::path::Path;

const REFRESH: &str = "cargo run -p kombo-codegen --features cli -- refresh";

/// Fails with the first differing lines and the command that fixes it.
fn assert_same(what: &str, committed: &str, built: &str) {
    if committed == built {
        return;
    }
    let (c, b): (Vec<&str>, Vec<&str>) = (committed.lines().collect(), built.lines().collect());
    let first = c
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(c.len().min(b.len()));
    let show = |lines: &[&str]| {
        lines
            .iter()
            .enumerate()
            .skip(first.saturating_sub(2))
            .take(6)
            .map(|(i, l)| format!("{:>6} | {l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    panic!(
        "{what} is stale (first difference at line {}).\n--- committed\n{}\n+++ built\n{}\n\nRefresh it with: {REFRESH}",
        first + 1,
        show(&c),
        show(&b)
    );
}

#[test]
fn committed_client_matches_the_build() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/kombo_client.rs"));
    let committed = std::fs::read_to_string("generated/kombo_client.rs")
        .unwrap_or_else(|e| panic!("generated/kombo_client.rs: {e}; create it with: {REFRESH}"));
    assert_same("generated/kombo_client.rs", &committed, built);
}

#[test]
fn committed_normalized_spec_matches_the_build() {
    let spec = std::fs::read_to_string("openapi/kombo.yaml").unwrap();
    let generated = kombo_codegen::generate(&spec, &kombo_codegen::kombo_options()).unwrap();
    let committed =
        std::fs::read_to_string("generated/kombo.normalized.yaml").unwrap_or_else(|e| {
            panic!("generated/kombo.normalized.yaml: {e}; create it with: {REFRESH}")
        });
    assert_same(
        "generated/kombo.normalized.yaml",
        &committed,
        &generated.normalized_yaml,
    );
    assert_same(
        "generated/kombo_client.rs",
        &generated.code,
        include_str!(concat!(env!("OUT_DIR"), "/kombo_client.rs")),
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
