//! The one error-code table agrees with every code Kombo's specs list: the
//! vendored spec and the endpoint documents beside the repository.

use std::collections::BTreeSet;

use kombo::ErrorCode;

fn codes_of(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    kombo_codegen::error_codes(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_code_in_the_specs_is_known_and_every_known_code_is_in_a_spec() {
    let mut specs = vec![std::path::PathBuf::from("openapi/kombo.yaml")];
    let shared = std::path::Path::new("../shared/specs/kombo");
    match std::fs::read_dir(shared) {
        Ok(entries) => specs.extend(entries.map(|e| e.unwrap().path())),
        Err(e) => assert!(
            std::env::var_os("CI").is_none(),
            "CI must see {}: {e}",
            shared.display()
        ),
    }
    let mut in_specs = BTreeSet::new();
    for spec in &specs {
        in_specs.extend(codes_of(spec));
    }
    assert!(in_specs.len() >= 8, "{in_specs:?}");
    for code in &in_specs {
        assert!(
            !matches!(ErrorCode::parse(code), ErrorCode::Unknown(_)),
            "{code} appears in a spec but not in the ErrorCode table"
        );
    }
    if specs.len() > 1 {
        for known in ErrorCode::known() {
            assert!(
                in_specs.contains(known.as_str()),
                "{known} is in the table but in none of the specs"
            );
        }
    }
}
