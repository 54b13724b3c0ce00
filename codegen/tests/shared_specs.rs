//! Every real Kombo endpoint document goes through the whole pipeline.

use std::path::Path;

fn generate_file(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let generated = kombo_codegen::generate(&text, &kombo_codegen::kombo_options())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&generated.code).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(!generated.operations.is_empty(), "{}", path.display());
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
    let e =
        kombo_codegen::generate("openapi: 3.1.0\npaths: {a: [", &Default::default()).unwrap_err();
    assert!(e.to_string().contains("not valid YAML"), "{e}");
    let spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object}}}}\n        '201': {description: ok, content: {application/json: {schema: {type: string}}}}\n";
    let e = kombo_codegen::generate(spec, &Default::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "/paths/~1a/get/responses/201: the operation has success responses with different bodies; the generator decodes one"
    );
}
