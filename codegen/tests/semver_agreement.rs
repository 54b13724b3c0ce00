//! The change report agrees with cargo-semver-checks on the Rust API the
//! generator emits: for each spec change below, a crate is generated from the
//! vendored spec and from the changed one, and `cargo semver-checks
//! check-release --release-type minor` must fail exactly when the report says
//! "major" — except where the report is stricter on purpose (listed with the
//! reason).
//!
//! Slow (rustdoc of two crates per case), so it is `#[ignore]`d; `.ci/run`
//! runs it with `--ignored` after installing cargo-semver-checks.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

const BODY: &str = "/components/schemas/PostIntegrationsIntegrationIdRelinkRequestBody";
const DATA: &str =
    "/components/schemas/PostIntegrationsIntegrationIdRelinkPositiveResponse/properties/data";
const ERROR_CODE: &str = "/components/responses/ErrorResponseGeneral/content/application~1json/schema/properties/error/properties/code";

fn vendored() -> Value {
    let text = std::fs::read_to_string("../openapi/kombo.yaml").unwrap();
    kombo_codegen::parse_spec(&text).unwrap()
}

fn changed(change: impl FnOnce(&mut Value)) -> Value {
    let mut doc = vendored();
    change(&mut doc);
    doc
}

/// Adds a copy of the relink operation (same summary) at `path` in `tag`.
fn add_relink_copy(doc: &mut Value, path: &str, tag: &str, operation_id: &str) {
    let mut copy = doc["paths"]["/integrations/{integration_id}/relink"].clone();
    copy["post"]["tags"] = json!([tag]);
    copy["post"]["operationId"] = json!(operation_id);
    doc["paths"][path] = copy;
}

struct Case {
    name: &'static str,
    new: Value,
    report: &'static str,
    /// Why semver-checks cannot see this break (the report is stricter).
    unseen_by_semver_checks: Option<&'static str>,
}

fn cases() -> Vec<Case> {
    let case = |name, report, new| Case {
        name,
        new,
        report,
        unseen_by_semver_checks: None,
    };
    vec![
        case(
            "optional_body_field_added",
            "minor",
            changed(|d| {
                d.pointer_mut(&format!("{BODY}/properties")).unwrap()["note"] =
                    json!({"type": "string"});
            }),
        ),
        case(
            "request_enum_value_added",
            "minor",
            changed(|d| {
                d.pointer_mut(&format!("{BODY}/properties/language/enum"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(json!("nl"));
            }),
        ),
        // An update that adds an operation whose summary another one has: in
        // another tag it is another namespace; in the same tag the existing
        // method keeps its pinned name and the newcomer gets another.
        case(
            "namesake_added_in_another_tag",
            "minor",
            changed(|d| {
                add_relink_copy(
                    d,
                    "/ai-apply/relink/{integration_id}",
                    "AI Apply",
                    "PostAiApplyRelink",
                )
            }),
        ),
        case(
            "namesake_added_in_the_same_tag",
            "minor",
            changed(|d| {
                add_relink_copy(
                    d,
                    "/integrations/{integration_id}/relink-again",
                    "General",
                    "PostRelinkAgain",
                )
            }),
        ),
        case(
            "server_added",
            "minor",
            changed(|d| {
                d["servers"].as_array_mut().unwrap().push(
                    json!({"url": "https://api.ca.kombo.dev/v1", "description": "Kombo CA API"}),
                );
            }),
        ),
        case(
            "optional_response_field_added",
            "minor",
            changed(|d| {
                d.pointer_mut(&format!("{DATA}/properties")).unwrap()["expires_at"] =
                    json!({"type": "string"});
            }),
        ),
        case(
            "error_code_added",
            "minor",
            changed(|d| {
                d.pointer_mut(&format!("{ERROR_CODE}/enum"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .push(json!("PLATFORM.SOMETHING_NEW"));
            }),
        ),
        Case {
            name: "required_body_field_added",
            report: "major",
            new: changed(|d| {
                let body = d.pointer_mut(BODY).unwrap();
                body["properties"]["origin"] = json!({"type": "string"});
                body["required"] = json!(["origin"]);
            }),
            unseen_by_semver_checks: Some(
                "existing calls still compile (the body struct is non_exhaustive, the field has a setter) \
                 but fail before sending until they set it: a break in behaviour, not in the API",
            ),
        },
        case(
            "response_field_removed",
            "major",
            changed(|d| {
                d.pointer_mut(&format!("{DATA}/properties"))
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .shift_remove("link");
                d.pointer_mut(DATA).unwrap()["required"] = json!([]);
            }),
        ),
        case(
            "request_enum_value_removed",
            "major",
            changed(|d| {
                d.pointer_mut(&format!("{BODY}/properties/language/enum"))
                    .unwrap()
                    .as_array_mut()
                    .unwrap()
                    .retain(|v| v != "it");
            }),
        ),
        Case {
            name: "body_field_type_changed",
            report: "major",
            new: changed(|d| {
                *d.pointer_mut(&format!("{BODY}/properties/scope_config_id/type"))
                    .unwrap() = json!(["integer", "null"]);
            }),
            unseen_by_semver_checks: Some(
                "a field's type changing inside an existing struct has no cargo-semver-checks lint",
            ),
        },
        Case {
            name: "body_field_made_required",
            report: "major",
            new: changed(|d| {
                d.pointer_mut(BODY).unwrap()["required"] = json!(["scope_config_id"]);
            }),
            unseen_by_semver_checks: Some(
                "optional → required turns `Option<T>` into `T`, a field type change semver-checks does not see",
            ),
        },
    ]
}

/// A standalone crate holding one generated client (on the `kombo` runtime).
fn write_crate(dir: &Path, spec: &Value, version: &str) {
    let text = serde_json::to_string(spec).unwrap();
    let options = kombo_codegen::Options::dependent().pinned_names(pins());
    let generated = kombo_codegen::generate(&text, &options).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let repo = std::fs::canonicalize("..").unwrap();
    let features: Vec<String> = generated.tag_features().into_iter().collect();
    let feature_lines: String = features
        .iter()
        .chain([&kombo_codegen::SERIALIZE_FEATURE.to_owned()])
        .map(|f| format!("{f} = []\n"))
        .collect();
    let manifest = format!(
        r#"[package]
name = "kombo-generated"
version = "{version}"
edition = "2024"
publish = false

[workspace]

[features]
default = {features:?}
{feature_lines}
[dependencies]
kombo = {{ path = "{repo}" }}
reqwest = {{ version = "0.13.4", default-features = false, features = ["json", "query"] }}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
futures-core = "0.3"
chrono = {{ version = "0.4", default-features = false, features = ["serde", "std"] }}
regress = "0.12"
"#,
        repo = repo.display()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(repo.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "#![allow(warnings, clippy::all, missing_docs)]\ninclude!(\"kombo_client.rs\");\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/kombo_client.rs"), &generated.code).unwrap();
}

/// Whether cargo-semver-checks accepts `new` as a minor release of `old`.
fn semver_checks_accepts_minor(old: &Path, new: &Path, target: &Path) -> (bool, String) {
    let output = Command::new("cargo")
        .args(["semver-checks", "check-release", "--release-type", "minor"])
        .arg("--manifest-path")
        .arg(new.join("Cargo.toml"))
        .arg("--baseline-root")
        .arg(old)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTC_WRAPPER")
        .output()
        .expect("cargo semver-checks runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// The names the vendored spec's snapshot pins (as `openapi/kombo.names.json` does).
fn pins() -> kombo_codegen::PinnedNames {
    let text = serde_json::to_string(&vendored()).unwrap();
    let generated = kombo_codegen::generate(&text, &kombo_codegen::Options::kombo()).unwrap();
    generated.name_map()
}

fn verdict(old: &Value, new: &Value) -> String {
    let text = |v: &Value| serde_json::to_string(v).unwrap();
    let options = kombo_codegen::Options::kombo().pinned_names(pins());
    let (_, report) =
        kombo_codegen::diff::report_with_bump(&text(old), &text(new), &options).unwrap();
    let first = report.lines().next().unwrap_or_default();
    first
        .trim_start_matches("## Kombo spec update: ")
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
#[ignore = "slow: builds rustdoc JSON for two crates per case; .ci/run runs it"]
fn report_and_cargo_semver_checks_agree() {
    let installed = Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        installed,
        "install it: cargo install --locked cargo-semver-checks"
    );
    let work: PathBuf = std::env::temp_dir().join("kombo-semver-agreement");
    let _ = std::fs::remove_dir_all(&work);
    let target = work.join("target");
    let old_dir = work.join("old");
    write_crate(&old_dir, &vendored(), "1.0.0");
    let mut disagreements = Vec::new();
    for case in cases() {
        let report = verdict(&vendored(), &case.new);
        assert_eq!(report, case.report, "{}: the report's verdict", case.name);
        let new_dir = work.join(case.name);
        write_crate(&new_dir, &case.new, "1.1.0");
        let (accepted, output) = semver_checks_accepts_minor(&old_dir, &new_dir, &target);
        let expected = report != "major" || case.unseen_by_semver_checks.is_some();
        eprintln!(
            "{:<34} report: {report:<6} semver-checks: {}",
            case.name,
            if accepted { "minor ok" } else { "major" }
        );
        if accepted != expected {
            disagreements.push(format!(
                "{}: report {report}, semver-checks said:\n{output}",
                case.name
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n\n"));
}
