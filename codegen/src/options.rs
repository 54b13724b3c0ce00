//! How a client is generated: one builder, in the manner of prost-build's
//! `Config`. Its fields are private so that a new option is not a breaking
//! change of `kombo-codegen`.

use std::collections::BTreeSet;
use std::path::Path;

use proc_macro2::TokenStream;
use quote::quote;

use crate::error::CodegenError;
use crate::name::{self, PinnedNames};
use crate::policy::INTEGRATION_HEADER;

/// The Cargo feature of a crate holding a generated client that compiles
/// `Serialize` for the types the client only receives (responses, webhook
/// payloads): off by default, because those impls are a large share of the
/// crate's compile time and memory and decoding needs none of them.
pub const SERIALIZE_FEATURE: &str = "serialize-responses";

/// Whose client the generated code extends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    /// `kombo::Kombo` (the crate's own client, `crate::Kombo`).
    Kombo,
    /// A generated `Client` wrapping a `kombo::Kombo` (any other crate).
    Standalone,
}

/// How the client is generated: [`Options::kombo`] for the `kombo` crate,
/// [`Options::dependent`] for any other crate on its runtime, then the
/// setters.
///
/// ```no_run
/// # fn main() -> Result<(), kombo_codegen::CodegenError> {
/// // In a build script:
/// let options = kombo_codegen::Options::dependent().from_cargo_build()?;
/// let out_dir = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
/// kombo_codegen::build("openapi/kombo.yaml".as_ref(), &out_dir, &options)?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Options {
    pub(crate) host: Host,
    pub(crate) scoped_headers: Vec<String>,
    pub(crate) tag_features: bool,
    pub(crate) pinned_names: PinnedNames,
    pub(crate) serialize_feature: Option<String>,
    pub(crate) enabled_features: Option<BTreeSet<String>>,
    pub(crate) declared_features: Option<BTreeSet<String>>,
}

impl Options {
    /// The options the `kombo` crate generates its client with: one Cargo
    /// feature per tag, `X-Integration-Id` from a scoped client, `Serialize`
    /// of received types behind [`SERIALIZE_FEATURE`].
    pub fn kombo() -> Self {
        Options {
            host: Host::Kombo,
            scoped_headers: vec![INTEGRATION_HEADER.to_owned()],
            tag_features: true,
            pinned_names: PinnedNames::new(),
            serialize_feature: Some(SERIALIZE_FEATURE.to_owned()),
            enabled_features: None,
            declared_features: None,
        }
    }

    /// The options another crate generates a client with (a generated
    /// `Client` on `kombo`'s runtime, `::kombo::__private`).
    pub fn dependent() -> Self {
        Options {
            host: Host::Standalone,
            ..Options::kombo()
        }
    }

    /// Gate each tag's module and the types only it reaches behind a Cargo
    /// feature named after the tag (on by default).
    pub fn tag_features(mut self, on: bool) -> Self {
        self.tag_features = on;
        self
    }

    /// The features enabled in the crate being built, as Cargo names them to
    /// a build script (`CARGO_FEATURE_AI_APPLY`: `AI_APPLY`). A tag whose
    /// feature is declared but off is not generated at all, so the
    /// generator's time follows the tags used. Not set: every tag.
    pub fn enabled_features(mut self, enabled: BTreeSet<String>) -> Self {
        self.enabled_features = Some(enabled);
        self
    }

    /// The features the crate's `Cargo.toml` declares (`ai-apply`). A tag
    /// with no declared feature is generated ungated — always compiled —
    /// rather than dropped, and [`Generated::ungated_tags`](crate::Generated::ungated_tags)
    /// names the feature to add. Not set: every tag has its feature.
    pub fn declared_features(mut self, declared: BTreeSet<String>) -> Self {
        self.declared_features = Some(declared);
        self
    }

    /// Method names an earlier snapshot chose, kept (the name map,
    /// [`read_names`](crate::read_names)).
    pub fn pinned_names(mut self, names: PinnedNames) -> Self {
        self.pinned_names = names;
        self
    }

    /// The enabled and declared features of the crate whose build script
    /// this is: its `CARGO_FEATURE_*` variables and the `[features]` of
    /// `$CARGO_MANIFEST_DIR/Cargo.toml`.
    pub fn from_cargo_build(self) -> Result<Self, CodegenError> {
        let enabled = std::env::vars()
            .filter_map(|(key, _)| key.strip_prefix("CARGO_FEATURE_").map(str::to_owned))
            .collect();
        let dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .ok_or_else(|| CodegenError::at("", "CARGO_MANIFEST_DIR is not set"))?;
        let declared = declared_features(&Path::new(&dir).join("Cargo.toml"))?;
        Ok(self.enabled_features(enabled).declared_features(declared))
    }

    /// Whether tag module `tag` has a feature gating it.
    pub(crate) fn gated(&self, tag: &str) -> bool {
        self.tag_features
            && self
                .declared_features
                .as_ref()
                .is_none_or(|declared| declared.contains(&name::tag_feature(tag)))
    }

    /// Whether the operations of tag module `tag` are generated: an ungated
    /// tag always, a gated one when its feature is on.
    pub(crate) fn generates(&self, tag: &str) -> bool {
        match &self.enabled_features {
            Some(enabled) if self.gated(tag) => {
                let feature = name::tag_feature(tag).to_uppercase().replace('-', "_");
                enabled.contains(&feature)
            }
            _ => true,
        }
    }

    /// The path of the crate whose public items generated code names.
    pub(crate) fn krate(&self) -> TokenStream {
        match self.host {
            Host::Kombo => quote!(crate),
            Host::Standalone => quote!(::kombo),
        }
    }

    /// The path of the runtime generated code calls.
    pub(crate) fn runtime(&self) -> TokenStream {
        match self.host {
            Host::Kombo => quote!(crate::runtime),
            Host::Standalone => quote!(::kombo::__private),
        }
    }

    /// The path of the mock's items (`kombo::mock`, feature `mock`).
    pub(crate) fn mock(&self) -> TokenStream {
        match self.host {
            Host::Kombo => quote!(crate::mock),
            Host::Standalone => quote!(::kombo::mock),
        }
    }

    /// The path of the hand-written webhook items (`verify`, `RawEvent`, …)
    /// the generated `webhooks` module re-exports.
    pub(crate) fn webhook_delivery(&self) -> TokenStream {
        match self.host {
            Host::Kombo => quote!(crate::webhook_delivery),
            Host::Standalone => quote!(::kombo::webhooks),
        }
    }
}

/// The feature names a `Cargo.toml` declares under `[features]`.
pub fn declared_features(manifest: &Path) -> Result<BTreeSet<String>, CodegenError> {
    let name = manifest.display().to_string();
    let text = std::fs::read_to_string(manifest)
        .map_err(|e| CodegenError::at("", format!("cannot read: {e}")).in_file(&name))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| CodegenError::at("", format!("not valid TOML: {e}")).in_file(&name))?;
    match table.get("features") {
        None => Ok(BTreeSet::new()),
        Some(toml::Value::Table(features)) => Ok(features.keys().cloned().collect()),
        Some(_) => Err(CodegenError::at("", "`features` is not a table").in_file(&name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_tag_without_a_declared_feature_is_generated_ungated() {
        let options = Options::kombo()
            .enabled_features(set(&["GENERAL"]))
            .declared_features(set(&["general", "ai-apply"]));
        assert!(options.gated("general") && options.generates("general"));
        // Declared and off: left out.
        assert!(options.gated("ai_apply") && !options.generates("ai_apply"));
        // Not declared: never dropped.
        assert!(!options.gated("hris") && options.generates("hris"));
        // Without tag features nothing is gated, everything generated.
        let plain = options.tag_features(false);
        assert!(!plain.gated("ai_apply") && plain.generates("ai_apply"));
    }

    #[test]
    fn declared_features_come_from_the_manifest() {
        let dir =
            std::env::temp_dir().join(format!("kombo-codegen-options-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = dir.join("Cargo.toml");
        std::fs::write(
            &manifest,
            "[package]\nname = \"x\"\n[features]\ndefault = [\"hris\"]\nhris = []\nai-apply = []\n",
        )
        .unwrap();
        assert_eq!(
            declared_features(&manifest).unwrap(),
            set(&["ai-apply", "default", "hris"])
        );
        std::fs::write(&manifest, "[features\n").unwrap();
        let error = declared_features(&manifest).unwrap_err().to_string();
        assert!(
            error.contains("Cargo.toml") && error.contains("not valid TOML"),
            "{error}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
