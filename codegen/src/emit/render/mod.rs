//! Render: the operation layer, written from the model ([`crate::model`])
//! and the type space ([`super::types::TypeIndex`]) with `quote`. One module
//! per tag (`kombo.hris().get_employees()`), one module per operation inside
//! it (its `Builder`, `Response`, short type names), builders for the types a
//! request reaches, and the accessors on the client.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::types::TypeIndex;
use crate::error::CodegenError;
use crate::model::Operation;
use crate::name::{tag_feature, tag_module};
use crate::options::{Host, Options};

mod docs;
pub mod error_codes;
mod fields;
mod mock;
mod operation;
mod pagination;
mod plan;
pub mod region;
mod tag;

pub use fields::{WireField, wire_fields};

/// What rendering needs.
pub(crate) struct Ctx<'a> {
    pub(crate) doc: &'a Value,
    /// The spec as written (before normalization): what the mock serves.
    pub(crate) original: &'a Value,
    pub(crate) index: &'a TypeIndex,
    /// Struct types that get a builder → their fields with wire names.
    pub(crate) builders: &'a BTreeMap<String, Vec<WireField>>,
    /// Inline body schemas moved to components: key → schema.
    pub(crate) hoisted: &'a BTreeMap<String, Value>,
    pub(crate) rt: TokenStream,
    pub(crate) krate: TokenStream,
    /// The path of the mock's items.
    pub(crate) mock: TokenStream,
}

impl Ctx<'_> {
    pub(crate) fn tag_module(&self, op: &Operation) -> String {
        tag_module(op.tag.as_deref())
    }

    /// The schema of a body component (resolved), for its fields' docs.
    pub(crate) fn body_schema(&self, component: &str) -> Option<&Value> {
        self.hoisted.get(component).or_else(|| {
            self.doc
                .pointer("/components/schemas")
                .and_then(|s| s.get(component))
        })
    }
}

/// Everything after the `types` module: tag modules, the client accessors,
/// the operation table.
pub(crate) fn operations(
    ctx: &Ctx<'_>,
    ops: &[Operation],
    options: &Options,
) -> Result<TokenStream, CodegenError> {
    let rt = &ctx.rt;
    let mut by_tag: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in ops {
        by_tag.entry(ctx.tag_module(op)).or_default().push(op);
    }
    let tag_docs = tag_descriptions(ctx.doc);
    let mut modules = Vec::new();
    let mut accessors = Vec::new();
    let mut routes = Vec::new();
    for (module, ops) in &by_tag {
        let parts = tag::render(ctx, module, ops, options, &tag_docs)?;
        modules.push(parts.module);
        accessors.push(parts.accessor);
        routes.extend(parts.routes);
    }
    let region = region::region(&region::servers(ctx.doc)?, rt);
    let host_items = host_items(ctx, options, &accessors);
    let mock_spec = mock::spec(ctx.original, &routes, options);
    Ok(quote! {
        #(#modules)*

        #host_items

        #region

        #mock_spec
    })
}

/// What hangs the tag namespaces on the host: `impl Kombo` (and Kombo's
/// policy) inside `kombo`, a `Client` in any other crate.
fn host_items(ctx: &Ctx<'_>, options: &Options, accessors: &[TokenStream]) -> TokenStream {
    let rt = &ctx.rt;
    match options.host {
        Host::Kombo => {
            let codes = error_codes::error_codes(ctx.doc, rt);
            quote! {
                impl crate::Kombo {
                    #(#accessors)*
                }

                #codes
            }
        }
        Host::Standalone => quote! {
            /// A client of this spec's operations, on a configured `kombo::Kombo`
            /// (its key, region, retries, scope and connection pool).
            #[derive(Debug, Clone)]
            pub struct Client {
                core: #rt::Core,
            }

            impl Client {
                /// This spec's operations on `kombo`'s configuration.
                pub fn new(kombo: &::kombo::Kombo) -> Self {
                    Self { core: #rt::core(kombo).clone() }
                }

                #(#accessors)*
            }
        },
    }
}

/// `#[cfg(feature = "<tag>")]` when the tag has a feature.
pub(crate) fn gate(gated: bool, module: &str) -> TokenStream {
    if gated {
        let feature = tag_feature(module);
        quote!(#[cfg(feature = #feature)])
    } else {
        quote!()
    }
}

fn tag_descriptions(doc: &Value) -> BTreeMap<String, String> {
    doc.get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get("name")?.as_str()?.to_owned(),
                t.get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            ))
        })
        .collect()
}

/// The builders module of `types`: one builder per struct a request reaches.
pub(crate) fn builders(ctx: &Ctx<'_>) -> Result<TokenStream, CodegenError> {
    fields::builders(ctx)
}
