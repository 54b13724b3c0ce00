//! Emit: the normalized document becomes Rust.
//!
//! 1. [`types`]: the operations' schemas become components (carriers), and
//!    progenitor/typify generate every type — the type space is asked, by
//!    component, for each type the operation layer names;
//! 2. checked passes over the types only: the carriers are dropped
//!    (`strip.rs`), the named open types get their catch-all ([`open_enums`]),
//!    every type can grow ([`growable`]), typify's string-enum boilerplate
//!    and serde's struct `Deserialize` become one runtime macro each
//!    (`compact/`);
//! 3. [`render`]: our own `quote` emitter writes the operation layer from the
//!    model ([`crate::model`]): tag modules, builders, `send()`, pagination,
//!    builders for request types, the client accessors; then the webhook
//!    events (`webhooks.rs`);
//! 4. prettyplease formats the file.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use serde_json::{Map, Value, json};

use crate::error::CodegenError;
use crate::model::{self, Body, Carrier, Operation};
use crate::name::{self, OperationName, rust_type_name};
use crate::normalize::{self, Normalized};
use crate::options::Options;

pub(crate) mod passes;
pub mod render;
mod select;
pub mod types;
mod webhooks;

pub(crate) use render::error_codes::spec_codes as spec_error_codes;
pub use types::GENERATOR_VERSIONS;
use types::TypeIndex;

/// Everything one generation produces.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Generated {
    /// The normalized document as YAML (for review in `generated/`).
    pub normalized_yaml: String,
    /// The formatted Rust source.
    pub code: String,
    /// Method names chosen for the operations.
    pub(crate) operations: Vec<OperationName>,
    /// Features of tags generated without a gate.
    pub(crate) ungated: Vec<String>,
    /// Tag modules (and features) of the spec, generated or not.
    pub tags: BTreeSet<String>,
    /// Notes from normalization.
    pub notes: Vec<String>,
}

impl Generated {
    /// The Cargo feature of each tag of the spec (`ai-apply`), generated or not.
    pub fn tag_features(&self) -> BTreeSet<String> {
        self.tags.iter().map(|t| name::tag_feature(t)).collect()
    }

    /// The features of the spec's tags that the crate does not declare
    /// ([`Options::declared_features`]): their operations were generated
    /// ungated, always compiled. A build script says so
    /// (`cargo::warning`), naming the line to add to `[features]`.
    pub fn ungated_tags(&self) -> &[String] {
        &self.ungated
    }

    /// `operationId` → `tag.method` for every operation: the name map
    /// `refresh` keeps beside the spec ([`Options::pinned_names`]).
    pub fn name_map(&self) -> crate::PinnedNames {
        name::name_map(&self.operations)
    }
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

/// Names, normalizes and scopes a parsed spec: the document the emitter reads.
pub fn prepare(
    mut doc: Value,
    options: &Options,
) -> Result<(Normalized, Vec<OperationName>), CodegenError> {
    let operations = name::apply_names(&mut doc, &options.pinned_names)?;
    let mut normalized = normalize::normalize(doc)?;
    crate::scope::remove_scoped_headers(&mut normalized.document, &options.scoped_headers)?;
    Ok((normalized, operations))
}

/// Runs the whole pipeline on spec text.
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated, CodegenError> {
    let mut stages = Stages::new();
    let sha = crate::spec_sha256(spec_text);
    let original = parse_spec(spec_text)?;
    let (normalized, names) = prepare(original.clone(), options)?;
    stages.mark("read, name, normalize");
    let document = &normalized.document;
    let normalized_yaml = serde_yaml::to_string(document)
        .map_err(|e| CodegenError::at("", format!("cannot write the normalized spec: {e}")))?;

    let ops = model::operations_of(document)?;
    let tags: BTreeSet<String> = ops
        .iter()
        .map(|op| name::tag_module(op.tag.as_deref()))
        .collect();
    let ungated: Vec<String> = tags
        .iter()
        .filter(|tag| options.tag_features && !options.gated(tag))
        .map(|tag| name::tag_feature(tag))
        .collect();
    let (ops, left_out): (Vec<Operation>, Vec<Operation>) = ops
        .into_iter()
        .partition(|op| options.generates(&name::tag_module(op.tag.as_deref())));
    let selection = select::Selection::new(document, left_out, &ops, &normalized.webhooks);
    let (extra, hoisted) = carriers(document, &ops)?;
    let carrier_sites: BTreeMap<String, String> = ops
        .iter()
        .flat_map(|op| {
            [
                Carrier::Params.key(&op.operation_id),
                Carrier::Io.key(&op.operation_id),
            ]
            .map(|key| (key, op.pointer.clone()))
        })
        .filter(|(key, _)| extra.contains_key(key))
        .map(|(key, pointer)| (rust_type_name(&key), pointer))
        .collect();
    let rt = options.runtime();
    let krate = options.krate();
    let (index, type_tokens) = TypeIndex::build(
        &types::components_document(document, extra, &selection.unused),
        &krate.to_string().replace(' ', ""),
    )?;
    stages.mark("progenitor/typify (types)");
    let mut file: syn::File = syn::parse2(quote!(pub mod types { #type_tokens }))
        .map_err(|e| CodegenError::at("", format!("typify produced unparsable Rust: {e}")))?;
    let open_enums = selection.open_types(&normalized.open_enums);
    let open_unions = selection.open_types(&normalized.open_unions);
    let mut sites = passes::Sites::of(document);
    sites.extend(open_enums.iter().chain(&open_unions).chain(&carrier_sites));
    let roles = passes::roles::Roles::of(&index, &ops, options.serialize_feature.clone())?;
    let items = types_items(&mut file)?;
    passes::carriers::remove(items, &carrier_sites.keys().cloned().collect(), &sites)?;
    passes::helper_modules::privatize(items, &krate)?;
    passes::open_unions::open(items, &open_unions, &sites)?;
    passes::growable::mark_non_exhaustive(items);
    // Read before `compact` moves the serde facts into macro invocations.
    let wire = render::wire_fields(items);
    passes::compact::compact_string_enums(items, &rt, &open_enums, &sites)?;
    passes::compact::compact_structs(items, &rt, &roles, &sites)?;
    passes::compact::compact_unions(items, &rt, &roles, &sites)?;
    roles.gate_serialize_derives(items, &sites)?;

    let builders = request_builders(&index, &ops, wire)?;
    let ctx = render::Ctx {
        doc: document,
        original: &original,
        index: &index,
        builders: &builders,
        hoisted: &hoisted,
        rt: rt.clone(),
        krate: krate.clone(),
        mock: options.mock(),
    };
    if !builders.is_empty() {
        let module: syn::Item = syn::parse2(render::builders(&ctx)?)
            .map_err(|e| CodegenError::at("", format!("unparsable builders: {e}")))?;
        types_items(&mut file)?.push(module);
    }
    if options.tag_features {
        let reach = reach(&index, &ops, &normalized.webhooks, options)?;
        passes::gate::gate_types(types_items(&mut file)?, &reach, &sites)?;
    }
    stages.mark("type passes");
    let layer = render::operations(&ctx, &ops, options)?;
    let events = webhooks::events(&normalized.webhooks, &options.webhook_delivery());
    let rest: syn::File = syn::parse2(quote!(#layer #events))
        .map_err(|e| CodegenError::at("", format!("the emitter produced unparsable Rust: {e}")))?;
    file.items.extend(rest.items);
    stages.mark("operation layer");
    let body = prettyplease::unparse(&file);
    stages.mark("prettyplease");

    let code = format!("{}{body}", file_header(&sha, &normalized.notes));
    Ok(Generated {
        normalized_yaml,
        code,
        operations: names,
        ungated,
        tags,
        notes: normalized.notes,
    })
}

/// The fields of every struct a request body reaches: each gets a builder.
fn request_builders(
    index: &TypeIndex,
    ops: &[Operation],
    wire: BTreeMap<String, Vec<render::WireField>>,
) -> Result<BTreeMap<String, Vec<render::WireField>>, CodegenError> {
    let mut request_types = BTreeSet::new();
    for op in ops {
        if matches!(op.body, Some(Body::Json { .. })) {
            let io = index.component_fields(&Carrier::Io.key(&op.operation_id))?;
            if let Some(body) = io.iter().find(|f| f.name == "body") {
                index.reached(&body.type_id, &mut request_types);
            }
        }
    }
    Ok(wire
        .into_iter()
        .filter(|(name, _)| request_types.contains(name))
        .collect())
}

/// The comment lines above the generated code: what made it, from what.
fn file_header(sha: &str, notes: &[String]) -> String {
    let mut header = String::new();
    header
        .push_str("// @generated by kombo-codegen. Do not edit: change the spec and regenerate.\n");
    header.push_str(&format!("// spec sha256: {sha}\n"));
    header.push_str(&format!("// generator: {GENERATOR_VERSIONS}\n"));
    for note in notes {
        header.push_str(&format!("// normalization: {note}\n"));
    }
    header.push('\n');
    header
}

/// With `KOMBO_CODEGEN_TIMINGS=1`, each stage's time on stderr (the
/// generator's profile in BENCHMARKS.md).
struct Stages {
    last: Option<std::time::Instant>,
}

impl Stages {
    fn new() -> Self {
        let on = std::env::var_os("KOMBO_CODEGEN_TIMINGS").is_some_and(|v| v == "1");
        Stages {
            last: on.then(std::time::Instant::now),
        }
    }

    fn mark(&mut self, stage: &str) {
        if let Some(last) = &mut self.last {
            eprintln!(
                "kombo-codegen: {stage}: {:.3} s",
                last.elapsed().as_secs_f64()
            );
            *last = std::time::Instant::now();
        }
    }
}

/// Component schemas by key.
type Components = Map<String, Value>;
/// Inline body schemas moved to components, by key.
type Hoisted = BTreeMap<String, Value>;

/// The components the type space needs beyond the spec's: each operation's
/// parameter carrier (properties `p0`, `p1`, … in parameter order), its
/// body/response carrier, and its inline body and response schemas. Returns
/// them and the hoisted inline body schemas (for the setters' docs).
fn carriers(doc: &Value, ops: &[Operation]) -> Result<(Components, Hoisted), CodegenError> {
    let taken = crate::walk::component_names(doc);
    let mut extra = Map::new();
    let mut hoisted = BTreeMap::new();
    let mut add = |key: String, schema: Value, pointer: &str| {
        if taken.contains(&key) || extra.contains_key(&key) {
            return Err(CodegenError::at(
                pointer,
                format!(
                    "the component name `{key}` is taken; the generator needs it for this operation"
                ),
            ));
        }
        extra.insert(key, schema);
        Ok(())
    };
    let reference = |key: &str| json!({"$ref": format!("#/components/schemas/{key}")});
    for op in ops {
        let id = &op.operation_id;
        if !op.params.is_empty() {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for (i, p) in op.params.iter().enumerate() {
                let mut schema = p.schema.clone();
                if let Some(obj) = schema.as_object_mut() {
                    // The server applies a parameter's default; the builder sends
                    // only what was set.
                    obj.remove("default");
                    if !obj.contains_key("$ref") && !obj.contains_key("title") {
                        obj.insert(
                            "title".into(),
                            Value::String(rust_type_name(&format!("{id}-{}", p.name))),
                        );
                    }
                }
                let key = format!("p{i}");
                if p.required {
                    required.push(Value::String(key.clone()));
                }
                properties.insert(key, schema);
            }
            add(
                Carrier::Params.key(id),
                json!({"type": "object", "properties": properties, "required": required}),
                &op.pointer,
            )?;
        }
        let mut io = Map::new();
        if let Some(Body::Json { component, .. }) = &op.body {
            if *component == Carrier::Body.key(id) {
                let schema = doc
                    .pointer(&format!("{}/requestBody", op.pointer))
                    .map(|b| crate::walk::resolve(doc, b))
                    .and_then(|b| b.pointer("/content/application~1json/schema"))
                    .cloned()
                    .unwrap_or_else(|| json!({}));
                hoisted.insert(component.clone(), schema.clone());
                add(component.clone(), schema, &op.pointer)?;
            }
            io.insert("body".into(), reference(component));
        }
        if let Some(response) = &op.response {
            if *response == Carrier::Response.key(id) {
                let schema = inline_response(doc, op).unwrap_or_else(|| json!({}));
                add(response.clone(), schema, &op.pointer)?;
            }
            io.insert("response".into(), reference(response));
        }
        if !io.is_empty() {
            let required: Vec<Value> = io.keys().cloned().map(Value::String).collect();
            add(
                Carrier::Io.key(id),
                json!({"type": "object", "properties": io, "required": required}),
                &op.pointer,
            )?;
        }
    }
    Ok((extra, hoisted))
}

/// Which tags reach each type: through an operation's parameters, body or
/// response. A type a webhook payload or an ungated tag reaches is left out
/// (always compiled: `webhooks::Event` or an ungated operation names it
/// whatever the features).
fn reach(
    index: &TypeIndex,
    ops: &[Operation],
    webhooks: &[crate::normalize::webhooks::Webhook],
    options: &Options,
) -> Result<passes::gate::Reach, CodegenError> {
    let mut reach = passes::gate::Reach::new();
    for op in ops {
        let tag = name::tag_module(op.tag.as_deref());
        let mut fields = Vec::new();
        for key in [
            Carrier::Params.key(&op.operation_id),
            Carrier::Io.key(&op.operation_id),
        ] {
            if let Ok(found) = index.component_fields(&key) {
                fields.extend(found);
            }
        }
        let mut names = BTreeSet::new();
        for field in &fields {
            index.reached(&field.type_id, &mut names);
        }
        for name in names {
            reach.entry(name).or_default().insert(tag.clone());
        }
    }
    let mut always = BTreeSet::new();
    for webhook in webhooks {
        let payload = rust_type_name(&webhook.payload);
        for field in index.struct_named(&payload).unwrap_or_default() {
            index.reached(&field.type_id, &mut always);
        }
        always.insert(payload);
    }
    reach.retain(|name, tags| !always.contains(name) && tags.iter().all(|t| options.gated(t)));
    Ok(reach)
}

fn inline_response(doc: &Value, op: &Operation) -> Option<Value> {
    let responses = doc.pointer(&format!("{}/responses", op.pointer))?;
    op.success_statuses.iter().find_map(|status| {
        let r = crate::walk::resolve(doc, responses.get(status.to_string())?);
        r.pointer("/content/application~1json/schema").cloned()
    })
}

/// The items of the generated `types` module.
fn types_items(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, CodegenError> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, i)| i),
            _ => None,
        })
        .ok_or_else(|| CodegenError::at("", "post-processing found no `types` module"))
}

/// The `serde(...)` arguments among `attrs`, flattened (the renderer's
/// read of fields the passes have already checked).
fn serde_metas(attrs: &[syn::Attribute]) -> Vec<syn::Meta> {
    passes::attrs::serde_metas(attrs).unwrap_or_default()
}
