//! Render: the operation layer, written from the model ([`crate::model`])
//! and the type space ([`super::types::TypeIndex`]) with `quote`. One module
//! per tag (`kombo.hris().get_employees()`), one module per operation inside
//! it (its `Builder`, `Response`, short type names), builders for the types a
//! request reaches, and the accessors on the client.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::types::TypeIndex;
use crate::error::CodegenError;
use crate::model::Operation;
use crate::name::{tag_feature, tag_module, upper_camel};
use crate::options::{Host, Options};

mod builder;
mod docs;
pub mod error_codes;
mod fields;
mod pagination;
pub mod region;

pub use fields::{WireField, wire_fields};

/// What rendering needs.
pub(crate) struct Ctx<'a> {
    pub(crate) doc: &'a Value,
    pub(crate) index: &'a TypeIndex,
    /// Struct types that get a builder → their fields with wire names.
    pub(crate) builders: &'a BTreeMap<String, Vec<WireField>>,
    /// Inline body schemas moved to components: key → schema.
    pub(crate) hoisted: &'a BTreeMap<String, Value>,
    pub(crate) rt: TokenStream,
    pub(crate) krate: TokenStream,
}

impl Ctx<'_> {
    pub(crate) fn tag_module(&self, op: &Operation) -> String {
        tag_module(op.tag.as_deref())
    }

    /// The schema of a body component (resolved), for its fields' docs.
    pub(crate) fn body_schema(&self, component: &str, _operation_id: &str) -> Option<&Value> {
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
    let mut table = Vec::new();
    for (module, ops) in &by_tag {
        let gated = options.gated(module);
        let cfg = gate(gated, module);
        let mod_ident = format_ident!("{}", module);
        let ns = format_ident!("{}", upper_camel(module));
        let tag_name = ops[0].tag.clone().unwrap_or_else(|| "untagged".to_owned());
        let description = tag_docs.get(&tag_name).cloned().unwrap_or_default();
        let mod_doc = format!(" Operations tagged \"{tag_name}\". {description}");
        let ns_doc = format!(" The \"{tag_name}\" operations: `kombo.{module}().<operation>()`.");
        let feature_doc = if gated {
            format!(" (Cargo feature `{}`.)", tag_feature(module))
        } else {
            String::new()
        };
        let op_modules = ops
            .iter()
            .map(|op| builder::operation_module(ctx, op))
            .collect::<Result<Vec<_>, _>>()?;
        let methods = ops.iter().map(|op| {
            let method = format_ident!("{}", op.method);
            let doc = docs::operation(op);
            let deprecated = op
                .deprecated
                .then(|| quote!(#[deprecated = "deprecated by Kombo"]));
            quote! {
                #[doc = #doc]
                #deprecated
                pub fn #method(&self) -> #method::Builder<'a> {
                    #method::Builder::new(self.core)
                }
            }
        });
        modules.push(quote! {
            #cfg
            #[doc = #mod_doc]
            pub mod #mod_ident {
                #[doc = #ns_doc]
                #[derive(Debug, Clone, Copy)]
                pub struct #ns<'a> {
                    core: &'a #rt::Core,
                }

                impl<'a> #ns<'a> {
                    pub(crate) fn new(core: &'a #rt::Core) -> Self {
                        Self { core }
                    }

                    #(#methods)*
                }

                #(#op_modules)*
            }
        });
        let accessor_doc = format!(" The \"{tag_name}\" operations.{feature_doc}");
        let core = match options.host {
            Host::Kombo => quote!(#rt::core(self)),
            Host::Standalone => quote!(&self.core),
        };
        accessors.push(quote! {
            #cfg
            #[doc = #accessor_doc]
            pub fn #mod_ident(&self) -> #mod_ident::#ns<'_> {
                #mod_ident::#ns::new(#core)
            }
        });
        for op in ops {
            let method = format_ident!("{}", op.method);
            table.push(quote!(#cfg &super::#mod_ident::#method::OPERATION,));
        }
    }

    let region = region::region(&region::servers(ctx.doc)?, rt);
    let host_items = match options.host {
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
    };

    Ok(quote! {
        #(#modules)*

        #host_items

        #region

        /// Every operation, in document order (the mock routes by it).
        #[allow(dead_code)]
        pub(crate) mod operations {
            pub(crate) const ALL: &[&#rt::Operation] = &[#(#table)*];
        }
    })
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
pub(crate) fn builders(ctx: &Ctx<'_>) -> TokenStream {
    fields::builders(ctx)
}
