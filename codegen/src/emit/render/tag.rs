//! One tag's namespace: its module (`kombo::hris`, holding a module per
//! operation), the namespace struct (`kombo.hris()`), the host's accessor,
//! and its rows of the operation table — all behind the tag's feature when
//! it has one.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Ctx, docs, gate, operation};
use crate::error::CodegenError;
use crate::model::Operation;
use crate::name::{tag_feature, upper_camel};
use crate::options::{Host, Options};

/// What one tag adds to the generated file.
pub(super) struct TagParts {
    /// `pub mod <tag> { … }`.
    pub(super) module: TokenStream,
    /// The host's `fn <tag>(&self)`.
    pub(super) accessor: TokenStream,
    /// `&<tag>::<op>::MOCK,` per operation: the mock's routes.
    pub(super) routes: Vec<TokenStream>,
}

/// The parts of tag module `module`, whose operations are `ops`.
pub(super) fn render(
    ctx: &Ctx<'_>,
    module: &str,
    ops: &[&Operation],
    options: &Options,
    tag_docs: &BTreeMap<String, String>,
) -> Result<TagParts, CodegenError> {
    let rt = &ctx.rt;
    let gated = options.gated(module);
    let cfg = gate(gated, module);
    let mod_ident = format_ident!("{}", module);
    let ns = format_ident!("{}", upper_camel(module));
    let tag_name = ops[0].tag.clone().unwrap_or_else(|| "untagged".to_owned());
    let description = tag_docs.get(&tag_name).cloned().unwrap_or_default();
    let mod_doc = format!(" Operations tagged \"{tag_name}\". {description}");
    let ns_doc = format!(" The \"{tag_name}\" operations: `kombo.{module}().<operation>()`.");
    let op_modules = ops
        .iter()
        .map(|op| operation::operation_module(ctx, op))
        .collect::<Result<Vec<_>, _>>()?;
    let methods = ops.iter().map(|op| method(op));
    let module_tokens = quote! {
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
    };
    let feature_doc = if gated {
        format!(" (Cargo feature `{}`.)", tag_feature(module))
    } else {
        String::new()
    };
    let accessor_doc = format!(" The \"{tag_name}\" operations.{feature_doc}");
    let core = match options.host {
        Host::Kombo => quote!(#rt::core(self)),
        Host::Standalone => quote!(&self.core),
    };
    let accessor = quote! {
        #cfg
        #[doc = #accessor_doc]
        pub fn #mod_ident(&self) -> #mod_ident::#ns<'_> {
            #mod_ident::#ns::new(#core)
        }
    };
    let routes = ops
        .iter()
        .map(|op| {
            let method = format_ident!("{}", op.method);
            quote!(#cfg &super::#mod_ident::#method::MOCK,)
        })
        .collect();
    Ok(TagParts {
        module: module_tokens,
        accessor,
        routes,
    })
}

/// The namespace's method starting an operation's builder.
fn method(op: &Operation) -> TokenStream {
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
}
