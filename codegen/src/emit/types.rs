//! Types: progenitor (through typify) turns the document's schemas into Rust
//! types, and nothing else. The operations' own schemas become components
//! first (carriers), so every type the operation layer names is a type
//! the type space can be asked about ([`TypeIndex`]) instead of a name
//! re-derived from progenitor's conventions.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use serde_json::{Map, Value, json};
use typify::{TypeDetails, TypeEnumVariant, TypeId, TypeSpace};

use crate::error::CodegenError;
use crate::name::rust_type_name;

/// Exact versions of the generator chain (pinned in `codegen/Cargo.toml`;
/// `tests/generator_versions.rs` compares them with `Cargo.lock`).
pub const GENERATOR_VERSIONS: &str = "progenitor 0.15.1, typify 0.8.0, prettyplease 0.3.0";

/// A document of components only: the spec's schemas plus `extra`
/// (carriers and hoisted operation schemas). progenitor sees no paths: the
/// operation layer is ours.
pub fn components_document(
    doc: &Value,
    extra: Map<String, Value>,
    skip: &std::collections::BTreeSet<String>,
) -> Value {
    let mut schemas: Map<String, Value> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| !skip.contains(*name))
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect();
    schemas.extend(extra);
    json!({
        "openapi": "3.0.3",
        "info": doc.get("info").cloned().unwrap_or_else(|| json!({"title": "Kombo API", "version": "0"})),
        "paths": {},
        "components": {"schemas": schemas},
    })
}

/// What typify generated, asked through the carriers.
pub struct TypeIndex {
    generator: progenitor::Generator,
    /// Every struct's fields by Rust name, read once (a lookup per carrier
    /// and builder would otherwise walk every type).
    structs: std::collections::BTreeMap<String, Vec<Field>>,
}

/// One field of a generated struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust field name typify chose.
    pub name: String,
    /// Its type.
    pub type_id: TypeId,
    /// Its description.
    pub description: Option<String>,
}

impl TypeIndex {
    /// Runs progenitor on a components-only document; returns the index and
    /// the tokens of the `types` module's content.
    pub fn build(document: &Value, krate: &str) -> Result<(TypeIndex, TokenStream), CodegenError> {
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
        let mut settings = progenitor::GenerationSettings::new();
        // Positional: typify writes no struct builders; request types get
        // ours (`emit/render/fields.rs`), response types need none.
        settings
            .with_interface(progenitor::InterfaceStyle::Positional)
            .with_derive("PartialEq");
        // A boolean constant (the tag of Kombo's `is_supported: true | false`
        // unions) is a type that accepts only that value, so each branch of
        // such a union decodes only what it describes.
        for value in [true, false] {
            let schema = schemars::schema::SchemaObject {
                instance_type: Some(schemars::schema::InstanceType::Boolean.into()),
                enum_values: Some(vec![Value::Bool(value)]),
                ..Default::default()
            };
            settings.with_conversion(
                schema,
                format!("{krate}::Bool<{value}>"),
                [progenitor::TypeImpl::Default, progenitor::TypeImpl::Display].into_iter(),
            );
        }
        let generator = catching("progenitor cannot generate this spec", || {
            let mut generator = progenitor::Generator::new(&settings);
            generator
                .generate_tokens(&spec)
                .map_err(|e| CodegenError::at("", format!("progenitor rejected the spec: {e}")))?;
            Ok(generator)
        })?;
        let stream = generator.get_type_space().to_stream();
        let structs = generator
            .get_type_space()
            .iter_types()
            .filter_map(|t| Some((t.name(), struct_fields(&t)?)))
            .collect();
        Ok((TypeIndex { generator, structs }, stream))
    }

    fn space(&self) -> &TypeSpace {
        self.generator.get_type_space()
    }

    /// The fields of the struct generated for component `key`; an error
    /// naming the component when typify made no such struct.
    pub fn component_fields(&self, key: &str) -> Result<Vec<Field>, CodegenError> {
        self.struct_named(&rust_type_name(key)).ok_or_else(|| {
            CodegenError::at(
                format!(
                    "/components/schemas/{}",
                    key.replace('~', "~0").replace('/', "~1")
                ),
                format!(
                    "the generator made no struct `{}` for this schema",
                    rust_type_name(key)
                ),
            )
        })
    }

    /// The fields of the struct type called `name`.
    pub fn struct_named(&self, name: &str) -> Option<Vec<Field>> {
        self.structs.get(name).cloned()
    }

    /// The fields of a struct type (`None` for any other type).
    pub fn fields(&self, id: &TypeId) -> Option<Vec<Field>> {
        struct_fields(&self.space().get_type(id).ok()?)
    }

    /// The field `name` of struct `id`.
    pub fn field(&self, id: &TypeId, name: &str) -> Option<TypeId> {
        self.fields(id)?
            .into_iter()
            .find(|f| f.name == name)
            .map(|f| f.type_id)
    }

    /// Whether the type is one typify defines (a struct, enum or newtype).
    pub fn is_named(&self, id: &TypeId) -> bool {
        self.space().get_type(id).is_ok_and(|t| {
            matches!(
                t.details(),
                TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
            )
        })
    }

    /// The Rust name of a type; an error when the type space does not know
    /// the id (typify handed out an id it has no type for).
    pub fn name(&self, id: &TypeId) -> Result<String, CodegenError> {
        self.space()
            .get_type(id)
            .map(|t| t.name())
            .map_err(|_| unknown(id))
    }

    /// The tokens naming a type, from the parent of `types`; an error for
    /// an id the type space does not know.
    pub fn ident(&self, id: &TypeId) -> Result<TokenStream, CodegenError> {
        self.space()
            .get_type(id)
            .map(|t| t.ident())
            .map_err(|_| unknown(id))
    }

    /// `T` of an `Option<T>`, else the type itself.
    pub fn unwrap_option(&self, id: &TypeId) -> TypeId {
        match self.space().get_type(id) {
            Ok(t) => match t.details() {
                TypeDetails::Option(inner) => inner,
                _ => id.clone(),
            },
            Err(_) => id.clone(),
        }
    }

    /// The element type of a `Vec<T>`.
    pub fn vec_item(&self, id: &TypeId) -> Option<TypeId> {
        match self.space().get_type(id).ok()?.details() {
            TypeDetails::Vec(inner) => Some(inner),
            _ => None,
        }
    }

    /// Every named type `id` reaches (itself included), by Rust name.
    pub fn reached(&self, id: &TypeId, out: &mut BTreeSet<String>) {
        let Ok(ty) = self.space().get_type(id) else {
            return;
        };
        let named = matches!(
            ty.details(),
            TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_)
        );
        if named && !out.insert(ty.name()) {
            return;
        }
        let children: Vec<TypeId> = match ty.details() {
            TypeDetails::Struct(s) => s.properties().map(|(_, t)| t).collect(),
            TypeDetails::Enum(e) => e
                .variants()
                .flat_map(|(_, v)| match v {
                    TypeEnumVariant::Simple => Vec::new(),
                    TypeEnumVariant::Tuple(ts) => ts,
                    TypeEnumVariant::Struct(ps) => ps.into_iter().map(|(_, t)| t).collect(),
                })
                .collect(),
            TypeDetails::Newtype(n) => vec![n.inner()],
            TypeDetails::Option(t)
            | TypeDetails::Vec(t)
            | TypeDetails::Set(t)
            | TypeDetails::Box(t)
            | TypeDetails::Array(t, _) => vec![t],
            TypeDetails::Map(k, v) => vec![k, v],
            TypeDetails::Tuple(ts) => ts.collect(),
            TypeDetails::Builtin(_) | TypeDetails::Unit | TypeDetails::String => Vec::new(),
        };
        for child in children {
            self.reached(&child, out);
        }
    }
}

fn unknown(id: &TypeId) -> CodegenError {
    CodegenError::at(
        "",
        format!("post-processing: typify's type space has no type {id:?}"),
    )
}

fn struct_fields(ty: &typify::Type<'_>) -> Option<Vec<Field>> {
    match ty.details() {
        TypeDetails::Struct(s) => Some(
            s.properties_info()
                .map(|p| Field {
                    name: p.name.to_owned(),
                    type_id: p.type_id.clone(),
                    description: p.description.map(str::to_owned),
                })
                .collect(),
        ),
        _ => None,
    }
}

/// Serializes generator runs: the panic hook is process-wide.
static GENERATOR_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// progenitor and typify report many unsupported inputs by panicking; the
/// panic becomes an error starting with `what` (and the default hook does
/// not print it). Only their run is guarded: a panic in this crate's own
/// code keeps its backtrace.
fn catching<T>(
    what: &str,
    work: impl FnOnce() -> Result<T, CodegenError>,
) -> Result<T, CodegenError> {
    use std::panic::{AssertUnwindSafe, catch_unwind};
    let _serialized = GENERATOR_LOCK
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(work));
    std::panic::set_hook(previous_hook);
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(CodegenError::at(
            "",
            format!("{what} (it panicked: {})", message.replace('\n', " ")),
        ))
    })
}
