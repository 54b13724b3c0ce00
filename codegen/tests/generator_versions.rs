//! The generator chain the output names (`// generator: …` in every generated
//! file) is the chain Cargo resolved: a bump of progenitor, typify or
//! prettyplease must show up as a deliberate change of `GENERATOR_VERSIONS`
//! and so of `generated/`.

use std::collections::BTreeMap;

#[test]
fn generator_versions_match_the_lockfile() {
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let resolved: BTreeMap<&str, Vec<&str>> =
        metadata["packages"]
            .as_array()
            .unwrap()
            .iter()
            .fold(BTreeMap::new(), |mut m, p| {
                m.entry(p["name"].as_str().unwrap())
                    .or_default()
                    .push(p["version"].as_str().unwrap());
                m
            });
    let named: Vec<(&str, &str)> = kombo_codegen::GENERATOR_VERSIONS
        .split(", ")
        .map(|pair| pair.split_once(' ').unwrap())
        .collect();
    assert_eq!(
        named.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        ["progenitor", "typify", "prettyplease"]
    );
    for (name, version) in named {
        assert_eq!(
            resolved.get(name).map(Vec::as_slice),
            Some(&[version][..]),
            "{name}: GENERATOR_VERSIONS says {version}, Cargo.lock resolves {:?}",
            resolved.get(name)
        );
    }
}
