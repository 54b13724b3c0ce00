//! Emit: the normalized document becomes Rust. progenitor generates the
//! client (`emit/progenitor.rs`); checked post-processing passes adjust it, each
//! given the exact items it must change ([`open_enums`], [`decode`],
//! [`surface`]), and every generated type can grow ([`growable`]); builders
//! no request needs are dropped ([`trim`]) and typify's per-type boilerplate
//! becomes runtime macro invocations (`emit/compact/`); the items that connect
//! it to the hand-written runtime are added (`emit/operations.rs`);
//! prettyplease formats the file.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::error::CodegenError;
use crate::name::{self, OperationName};
use crate::normalize::{self, Normalized};

mod compact;
pub mod decode;
pub mod growable;
pub mod open_enums;
mod operations;
mod progenitor;
pub mod surface;
pub mod trim;
mod webhooks;

pub use progenitor::GENERATOR_VERSIONS;

/// How the client is generated.
#[derive(Debug, Clone)]
pub struct Options {
    /// Path of the crate that provides the hand-written runtime the generated
    /// code refers to (`<crate>::runtime`, `<crate>::Error`): `crate` inside
    /// `kombo`, `::kombo` in any other crate.
    pub runtime_crate: String,
    /// Request headers that a scoped client supplies instead of each call
    /// (e.g. `X-Integration-Id`): removed from the generated parameters and
    /// listed per operation in `operations::ALL`.
    pub scoped_headers: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime_crate: "crate".to_owned(),
            scoped_headers: Vec::new(),
        }
    }
}

/// Everything one generation produces.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The normalized document as YAML (for review in `generated/`).
    pub normalized_yaml: String,
    /// The formatted Rust source.
    pub code: String,
    /// Method names chosen for the operations.
    pub operations: Vec<OperationName>,
    /// Notes from normalization.
    pub notes: Vec<String>,
}

/// Parses YAML (or JSON) spec text into a JSON tree.
pub fn parse_spec(text: &str) -> Result<Value, CodegenError> {
    serde_yaml::from_str::<Value>(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
            .unwrap_or_default();
        CodegenError::at("", format!("not valid YAML{at}: {e}"))
    })
}

/// Names, normalizes and scopes a parsed spec: the document progenitor sees.
pub fn prepare(
    mut doc: Value,
    options: &Options,
) -> Result<(Normalized, Vec<OperationName>), CodegenError> {
    let operations = name::apply_names(&mut doc)?;
    let mut normalized = normalize::normalize(doc)?;
    crate::scope::remove_scoped_headers(&mut normalized.document, &options.scoped_headers)?;
    Ok((normalized, operations))
}

/// Runs the whole pipeline on spec text.
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated, CodegenError> {
    let sha = crate::spec_sha256(spec_text);
    let (normalized, operations) = prepare(parse_spec(spec_text)?, options)?;
    let document = &normalized.document;
    let normalized_yaml = serde_yaml::to_string(document)
        .map_err(|e| CodegenError::at("", format!("cannot write the normalized spec: {e}")))?;

    let spec: openapiv3::OpenAPI = serde_path_to_error::deserialize(document).map_err(|e| {
        let path = e.path().to_string();
        CodegenError::at(
            format!("/{}", path.replace('.', "/")),
            format!(
                "not a valid OpenAPI 3.0 document after normalization: {}",
                e.inner()
            ),
        )
    })?;

    let krate: TokenStream = options.runtime_crate.parse().map_err(|e| {
        let path = &options.runtime_crate;
        CodegenError::at("", format!("runtime crate {path:?} is not a path: {e}"))
    })?;
    let runtime = quote!(#krate::runtime);
    let settings = progenitor::settings(&format!("{}::runtime::Runtime", options.runtime_crate))?;
    let client = progenitor::run(&settings, &spec)?;
    let table = operations::table(document, &runtime);
    let hooks = operations::hooks(&runtime);
    let events = webhooks::events(&normalized.webhooks, &krate);
    let mut file: syn::File = syn::parse2(quote! { #client #table #hooks #events })
        .map_err(|e| CodegenError::at("", format!("generator produced unparsable Rust: {e}")))?;

    let builders: BTreeMap<String, String> = operations
        .iter()
        .map(|op| (name::rust_type_name(&op.method), op.pointer.clone()))
        .collect();
    let decoding: BTreeMap<String, String> = builders
        .iter()
        .filter(|(_, pointer)| decode::has_response_body(document, pointer))
        .map(|(b, p)| (b.clone(), p.clone()))
        .collect();
    progenitor::catching("post-processing failed", || {
        open_enums::open_types(&mut file, &normalized.open_enums, &normalized.open_unions)?;
        decode::route_decoding(&mut file, &decoding, &runtime)?;
        surface::reshape(&mut file, document, &operations, &krate)?;
        growable::mark_non_exhaustive(&mut file)?;
        trim::unused_builders(&mut file)?;
        compact::compact_string_enums(&mut file, &krate)?;
        compact::compact_builders(&mut file, &krate)?;
        Ok(())
    })?;
    let body = prettyplease::unparse(&file);

    let mut code = String::new();
    code.push_str("// @generated by kombo-codegen. Do not edit: change the spec and regenerate.\n");
    code.push_str(&format!("// spec sha256: {sha}\n"));
    code.push_str(&format!("// generator: {GENERATOR_VERSIONS}\n"));
    for note in &normalized.notes {
        code.push_str(&format!("// normalization: {note}\n"));
    }
    code.push('\n');
    code.push_str(&body);

    Ok(Generated {
        normalized_yaml,
        code,
        operations,
        notes: normalized.notes,
    })
}

/// The items of the generated `builder` module (operation builders).
fn builder_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, CodegenError> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, i)| i),
            _ => None,
        })
        .ok_or_else(|| {
            CodegenError::at(
                "",
                "post-processing found no `builder` module in progenitor's output",
            )
        })
}

/// The items of the generated `types` module.
fn types_items(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, CodegenError> {
    module_items(&mut file.items, "types")
        .ok_or_else(|| CodegenError::at("", "post-processing found no `types` module"))
}

/// The items of the inline module `name` among `items`.
fn module_items<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, i)| i),
        _ => None,
    })
}

/// The `serde(...)` arguments among `attrs`, flattened.
fn serde_metas(attrs: &[syn::Attribute]) -> Vec<syn::Meta> {
    use syn::punctuated::Punctuated;
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// The last segment of a type path (`CreateReconnectionLink<'a>` → `CreateReconnectionLink`).
fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}
