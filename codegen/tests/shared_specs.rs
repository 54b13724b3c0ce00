//! Every real Kombo endpoint document goes through the whole pipeline.

use std::path::Path;

fn generate_file(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let generated = kombo_codegen::generate(&text, &kombo_codegen::Options::kombo())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&generated.code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!generated.name_map().is_empty(), "{}", path.display());
}

#[test]
fn merged_subset_fixture_generates() {
    generate_file(Path::new("../fixtures/kombo-fixture.yaml"));
}

/// The 16 endpoint documents live beside the repository (CI has them).
#[test]
fn every_shared_endpoint_document_generates() {
    let dir = Path::new("../../shared/specs/kombo");
    let Ok(entries) = std::fs::read_dir(dir) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must see {}",
            dir.display()
        );
        eprintln!("skipped: {} is not beside this checkout", dir.display());
        return;
    };
    let mut count = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            generate_file(&path);
            count += 1;
        }
    }
    assert_eq!(count, 16);
}

#[test]
fn a_bad_spec_is_one_clear_error() {
    let e = kombo_codegen::generate(
        "openapi: 3.1.0\npaths: {a: [",
        &kombo_codegen::Options::kombo(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("not valid YAML"), "{e}");
    let spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object}}}}\n        '201': {description: ok, content: {application/json: {schema: {type: string}}}}\n";
    let e = kombo_codegen::generate(spec, &kombo_codegen::Options::kombo()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "/paths/~1a/get/responses/201: the operation has success responses with different bodies; the generator decodes one"
    );
}

/// With one tag's feature on, only that tag's operations and the schemas
/// they (or webhooks) reach are generated: the other tags' schemas are not
/// typed at all, and the spec's tags are still all reported (for the
/// tags-to-features check).
#[test]
fn a_build_with_one_tag_generates_only_what_it_reaches() {
    let text = std::fs::read_to_string("../fixtures/kombo-fixture.yaml").unwrap();
    let generate = |enabled: Option<&[&str]>| {
        let mut options = kombo_codegen::Options::dependent();
        if let Some(features) = enabled {
            options = options.enabled_features(features.iter().map(|s| s.to_string()).collect());
        }
        kombo_codegen::generate(&text, &options).unwrap()
    };
    let all = generate(None);
    let hris = generate(Some(&["HRIS", "DEFAULT"]));
    assert_eq!(hris.tags, all.tags);
    let modules = |code: &str| -> Vec<String> {
        let file = syn::parse_file(code).unwrap();
        file.items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) => Some(m.ident.to_string()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        modules(&hris.code),
        ["types", "hris", "mock_routes", "webhooks"]
    );
    assert_eq!(modules(&all.code).len(), 4 + all.tags.len() - 1);
    let types = |code: &str| code.matches("pub struct ").count();
    assert!(
        types(&hris.code) * 2 < types(&all.code),
        "hris alone: {} structs, all tags: {}",
        types(&hris.code),
        types(&all.code)
    );
}
