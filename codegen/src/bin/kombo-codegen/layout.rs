//! Where `refresh` finds what it regenerates: every workspace package with a
//! `[package.metadata.kombo-codegen]` table in its `Cargo.toml` — its spec,
//! its snapshot folder, whose client it is, and which of its features are
//! not tags. Read through `cargo metadata`, so the layout lives in the
//! manifests beside the features it describes, nowhere else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use kombo_codegen::{CodegenError, Options};
use serde_json::Value;

/// One package whose generated client `refresh` keeps.
pub(crate) struct Client {
    /// The package name (`kombo`).
    pub(crate) package: String,
    /// The package version, as Cargo reads it.
    pub(crate) version: String,
    /// The spec the build script generates from.
    pub(crate) spec: PathBuf,
    /// The committed review snapshot (`generated/`).
    pub(crate) snapshot: PathBuf,
    /// The `kombo` crate's own client (its name map is kept, its change is
    /// reported), or another crate's on its runtime.
    pub(crate) published: bool,
    /// The package's features.
    pub(crate) features: BTreeSet<String>,
    /// Its features that are not tags of the spec (`default` always).
    pub(crate) not_tags: BTreeSet<String>,
}

impl Client {
    /// The options its build script generates with, every tag on.
    pub(crate) fn options(&self) -> Result<Options, CodegenError> {
        let options = if self.published {
            Options::kombo().pinned_names(kombo_codegen::read_names(&self.spec)?)
        } else {
            Options::dependent()
        };
        Ok(options.declared_features(self.features.clone()))
    }

    /// Every tag of the spec is a feature, and so is the opt-in
    /// [`kombo_codegen::SERIALIZE_FEATURE`]; every other feature is a tag or
    /// listed as none. The error names the first that is not.
    pub(crate) fn check_tag_features(&self, tags: &BTreeSet<String>) -> Result<(), CodegenError> {
        let package = &self.package;
        let serialize = kombo_codegen::SERIALIZE_FEATURE.to_owned();
        let features: BTreeSet<&String> = self
            .features
            .iter()
            .filter(|f| !self.not_tags.contains(*f) && **f != serialize)
            .collect();
        if !self.features.contains(&serialize) {
            return Err(CodegenError::at(
                "",
                format!(
                    "the generated client's opt-in `{serialize}` is no feature in the Cargo.toml of `{package}`"
                ),
            ));
        }
        if let Some(missing) = tags.iter().find(|t| !features.contains(t)) {
            return Err(CodegenError::at(
                "",
                format!(
                    "the spec's tag module `{missing}` has no feature `{missing}` in the Cargo.toml of `{package}`"
                ),
            ));
        }
        if let Some(extra) = features.iter().find(|f| !tags.contains(**f)) {
            return Err(CodegenError::at(
                "",
                format!(
                    "the feature `{extra}` of `{package}` is no tag of the spec (list it in [package.metadata.kombo-codegen] not-tags if it is meant to be)"
                ),
            ));
        }
        Ok(())
    }
}

/// The packages of the workspace at `root` that keep a generated client, the
/// published one first.
pub(crate) fn clients(root: &Path) -> Result<Vec<Client>, CodegenError> {
    let metadata = cargo_metadata(root)?;
    let mut clients = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let Some(settings) = package.pointer("/metadata/kombo-codegen") else {
            continue;
        };
        clients.push(client(package, settings)?);
    }
    if clients.iter().filter(|c| c.published).count() != 1 {
        return Err(CodegenError::at(
            "",
            "the workspace needs one package with [package.metadata.kombo-codegen] host = \"kombo\"",
        ));
    }
    clients.sort_by_key(|c| !c.published);
    Ok(clients)
}

fn client(package: &Value, settings: &Value) -> Result<Client, CodegenError> {
    let name = package["name"].as_str().unwrap_or_default().to_owned();
    let bad = |why: &str| {
        CodegenError::at(
            "",
            format!("[package.metadata.kombo-codegen] of `{name}`: {why}"),
        )
    };
    let dir = package["manifest_path"]
        .as_str()
        .map(Path::new)
        .and_then(Path::parent)
        .ok_or_else(|| bad("cargo metadata gives no manifest path"))?;
    let path = |key: &str| {
        settings[key]
            .as_str()
            .map(|p| dir.join(p))
            .ok_or_else(|| bad(&format!("`{key}` must be a path")))
    };
    let published = match settings["host"].as_str() {
        Some("kombo") => true,
        Some("dependent") => false,
        _ => return Err(bad("`host` must be \"kombo\" or \"dependent\"")),
    };
    let strings = |value: &Value| -> BTreeSet<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    let features = package["features"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(f, _)| f.clone())
        .collect();
    let mut not_tags = strings(&settings["not-tags"]);
    not_tags.insert("default".to_owned());
    Ok(Client {
        version: package["version"].as_str().unwrap_or_default().to_owned(),
        spec: path("spec")?,
        snapshot: path("snapshot")?,
        published,
        features,
        not_tags,
        package: name,
    })
}

/// `cargo metadata` of the workspace at `root`, without dependencies.
fn cargo_metadata(root: &Path) -> Result<Value, CodegenError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(root.join("Cargo.toml"))
        .output()
        .map_err(|e| CodegenError::at("", format!("cannot run cargo metadata: {e}")))?;
    if !output.status.success() {
        return Err(CodegenError::at(
            "",
            format!(
                "cargo metadata failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| CodegenError::at("", format!("cargo metadata printed no JSON: {e}")))
}
