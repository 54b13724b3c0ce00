//! One operation's module: its request builder (a setter per parameter and
//! body field, per-call options, `send()`, pagination), the operation's
//! static facts as a `const`, and short names for the types it uses.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{Ctx, docs};
use crate::emit::types::{io_key, params_key};
use crate::error::CodegenError;
use crate::model::{Body, Location, Operation};
use crate::name::{rust_ident, rust_type_name};
use crate::walk::resolve;

/// Builder fields and methods the generated code itself uses.
const RESERVED: [&str; 10] = [
    "core",
    "options",
    "send",
    "body",
    "pages",
    "stream",
    "with_options",
    "with_timeout",
    "with_retry",
    "with_header",
];

pub(super) struct Setter {
    pub(super) ident: syn::Ident,
    pub(super) ty: TokenStream,
    pub(super) doc: String,
}

/// The module of one operation, inside its tag's module.
pub(super) fn operation_module(ctx: &Ctx<'_>, op: &Operation) -> Result<TokenStream, CodegenError> {
    let rt = &ctx.rt;
    let krate = &ctx.krate;
    let module = format_ident!("{}", op.method);
    let op_id = &op.operation_id;
    let method_name = &op.method;
    let spec_id = &op.operation_id;
    let tag = ctx.tag_module(op);
    let method = &op.http_method;
    let path = &op.path;

    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut aliases: Vec<(String, TokenStream)> = Vec::new();

    // Parameters: their Rust types come from the carrier typify filled.
    let carrier = if op.params.is_empty() {
        Vec::new()
    } else {
        ctx.index.component_fields(&params_key(op_id))?
    };
    let mut params = Vec::new();
    for (i, p) in op.params.iter().enumerate() {
        let field = carrier
            .iter()
            .find(|f| f.name == format!("p{i}"))
            .ok_or_else(|| {
                CodegenError::at(
                    &op.pointer,
                    format!("the generator made no type for parameter `{}`", p.name),
                )
            })?;
        let inner = ctx.index.unwrap_option(&field.type_id);
        let mut name = rust_ident(&p.name);
        while !taken.insert(name.clone()) {
            name.push_str("_param");
        }
        let schema = resolve(ctx.doc, &p.schema);
        if ctx.index.is_named(&inner) {
            aliases.push((rust_type_name(&p.name), ctx.index.ident(&inner)));
        }
        params.push((
            p,
            Setter {
                ident: format_ident!("{}", name),
                ty: ctx.index.ident(&inner),
                doc: docs::setter(&p.name, p.description.as_deref(), schema, p.required),
            },
        ));
    }

    // The body and the response, through the io carrier.
    let has_io = matches!(op.body, Some(Body::Json { .. })) || op.response.is_some();
    let io = if has_io {
        ctx.index.component_fields(&io_key(op_id))?
    } else {
        Vec::new()
    };
    let io_type = |name: &str| {
        io.iter()
            .find(|f| f.name == name)
            .map(|f| f.type_id.clone())
            .ok_or_else(|| {
                CodegenError::at(
                    &op.pointer,
                    format!("the generator made no type for the {name}"),
                )
            })
    };
    let response_ty = match &op.response {
        Some(_) => {
            let id = io_type("response")?;
            aliases.push(("Response".to_owned(), ctx.index.ident(&id)));
            Some((id.clone(), ctx.index.ident(&id)))
        }
        None => None,
    };

    let mut body_setters = Vec::new();
    let body_kind = match &op.body {
        None => BodyKind::None,
        Some(Body::Raw { .. }) => BodyKind::Raw,
        Some(Body::Json {
            component,
            required,
        }) => {
            let id = io_type("body")?;
            let ty = ctx.index.ident(&id);
            aliases.push(("Body".to_owned(), ty.clone()));
            let type_name = ctx.index.name(&id);
            match ctx.builders.get(&type_name) {
                Some(fields) => {
                    let schema = ctx.body_schema(component, op_id);
                    for f in fields {
                        let mut name = f.rust.clone();
                        if !taken.insert(name.clone()) {
                            name = format!("body_{name}");
                            taken.insert(name.clone());
                        }
                        let prop = schema
                            .and_then(|s| s.get("properties"))
                            .and_then(|p| p.get(&f.wire))
                            .map(|p| resolve(ctx.doc, p))
                            .unwrap_or(&Value::Null);
                        let description = prop.get("description").and_then(Value::as_str);
                        let field_ty = ctx.index.field(&id, &f.rust).ok_or_else(|| {
                            CodegenError::at(
                                &op.pointer,
                                format!("body type `{type_name}` has no field `{}`", f.rust),
                            )
                        })?;
                        let inner = ctx.index.unwrap_option(&field_ty);
                        if ctx.index.is_named(&inner) {
                            aliases.push((rust_type_name(&f.wire), ctx.index.ident(&inner)));
                        }
                        body_setters.push((
                            format_ident!("{}", f.rust),
                            Setter {
                                ident: format_ident!("{}", raw_ident(&name)),
                                ty: ctx.index.ident(&field_ty),
                                doc: docs::setter(&f.wire, description, prop, f.required),
                            },
                        ));
                    }
                    BodyKind::Fields {
                        ty,
                        builder: format_ident!("{}", type_name),
                    }
                }
                None => BodyKind::Whole {
                    ty,
                    required: *required,
                },
            }
        }
    };

    // Struct fields of the builder.
    let param_fields = params.iter().map(|(_, s)| {
        let (ident, ty) = (&s.ident, &s.ty);
        quote!(#ident: ::std::option::Option<::std::result::Result<#ty, ::std::string::String>>,)
    });
    let body_field = match &body_kind {
        BodyKind::None => quote!(),
        BodyKind::Raw => quote!(body: ::std::option::Option<#rt::Bytes>,),
        BodyKind::Fields { builder, .. } => quote!(body: types::builder::#builder,),
        BodyKind::Whole { ty, .. } => {
            quote!(body: ::std::option::Option<::std::result::Result<#ty, ::std::string::String>>,)
        }
    };
    let param_inits = params.iter().map(|(_, s)| {
        let ident = &s.ident;
        quote!(#ident: ::std::option::Option::None,)
    });
    let body_init = match &body_kind {
        BodyKind::None => quote!(),
        BodyKind::Fields { .. } => quote!(body: ::std::default::Default::default(),),
        _ => quote!(body: ::std::option::Option::None,),
    };

    // Setters.
    let param_setters = params.iter().map(|(p, s)| {
        let (ident, ty, doc) = (&s.ident, &s.ty, &s.doc);
        let wire = &p.name;
        quote! {
            #[doc = #doc]
            pub fn #ident<V>(mut self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#ty>,
                V::Error: ::std::fmt::Display,
            {
                self.#ident = ::std::option::Option::Some(#rt::convert(value, #wire));
                self
            }
        }
    });
    let field_setters = body_setters.iter().map(|(field, s)| {
        let (ident, ty, doc) = (&s.ident, &s.ty, &s.doc);
        quote! {
            #[doc = #doc]
            pub fn #ident<V>(mut self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#ty>,
                V::Error: ::std::fmt::Display,
            {
                self.body = self.body.#field(value);
                self
            }
        }
    });
    let body_setter = match &body_kind {
        BodyKind::None => quote!(),
        BodyKind::Raw => quote! {
            /// The request body, sent as it is.
            pub fn body(mut self, value: impl ::std::convert::Into<#rt::Bytes>) -> Self {
                self.body = ::std::option::Option::Some(value.into());
                self
            }
        },
        BodyKind::Fields { ty, builder } => quote! {
            /// The whole request body (replaces what the field setters set).
            pub fn body<V>(mut self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#ty>,
                V::Error: ::std::fmt::Display,
            {
                self.body = match value.try_into() {
                    ::std::result::Result::Ok(body) => types::builder::#builder::from(body),
                    ::std::result::Result::Err(e) => types::builder::#builder::invalid(e),
                };
                self
            }
        },
        BodyKind::Whole { ty, .. } => quote! {
            /// The request body.
            pub fn body<V>(mut self, value: V) -> Self
            where
                V: ::std::convert::TryInto<#ty>,
                V::Error: ::std::fmt::Display,
            {
                self.body = ::std::option::Option::Some(#rt::convert(value, "body"));
                self
            }
        },
    };

    // send(): arguments in, one runtime call out.
    let destructure_params = params.iter().map(|(_, s)| &s.ident);
    let destructure_body = match &body_kind {
        BodyKind::None => quote!(),
        _ => quote!(body,),
    };
    let take_params = params.iter().map(|(p, s)| {
        let ident = &s.ident;
        let wire = &p.name;
        if p.required {
            quote!(let #ident = #rt::required(#ident, #wire)?;)
        } else {
            quote!(let #ident = #rt::optional(#ident)?;)
        }
    });
    let path_values: Vec<_> = params
        .iter()
        .filter(|(p, _)| p.location == Location::Path)
        .map(|(_, s)| {
            let ident = &s.ident;
            quote!(&#ident as &dyn ::std::fmt::Display)
        })
        .collect();
    let mutable = if params.iter().any(|(p, _)| p.location != Location::Path)
        || !matches!(body_kind, BodyKind::None)
    {
        quote!(mut)
    } else {
        quote!()
    };
    let add_params = params
        .iter()
        .filter(|(p, _)| p.location != Location::Path)
        .map(|(p, s)| {
            let ident = &s.ident;
            let wire = &p.name;
            let value = if p.required {
                quote!(::std::option::Option::Some(&#ident))
            } else {
                quote!(#ident.as_ref())
            };
            match p.location {
                Location::Query => quote!(call.query(#wire, #value)?;),
                _ => quote!(call.header(#wire, #value)?;),
            }
        });
    let add_body = match &body_kind {
        BodyKind::None => quote!(),
        BodyKind::Raw => quote!(call.raw_body(body);),
        BodyKind::Fields { ty, .. } => quote! {
            let body: #ty = #rt::build_body(body)?;
            call.json_body(&body)?;
        },
        BodyKind::Whole { required, .. } => {
            if *required {
                quote! {
                    let body = #rt::required(body, "body")?;
                    call.json_body(&body)?;
                }
            } else {
                quote! {
                    if let ::std::option::Option::Some(body) = #rt::optional(body)? {
                        call.json_body(&body)?;
                    }
                }
            }
        }
    };
    let (returns, finish) = match &response_ty {
        Some((_, ty)) => (quote!(#krate::Response<#ty>), quote!(call.send().await)),
        None => (
            quote!(#krate::Response<()>),
            quote!(call.send_empty().await),
        ),
    };

    let scoped = op.scoped.iter().map(|s| {
        let (name, required) = (&s.name, s.required);
        quote!(#rt::ScopedHeader { name: #name, required: #required })
    });
    let content_type = match &op.body {
        Some(Body::Raw { content_type }) => quote!(::std::option::Option::Some(#content_type)),
        _ => quote!(::std::option::Option::None),
    };

    let (page_methods, page_impl) = match (&response_ty, op.paginated) {
        (Some((id, ty)), true) => super::pagination::pagination(ctx, op, id, ty, &params)?,
        _ => (quote!(), quote!()),
    };

    // Short names, first come first named (a clash keeps the earlier one).
    let mut named = BTreeSet::from(["Builder".to_owned(), "OPERATION".to_owned()]);
    let alias_items = aliases
        .into_iter()
        .filter(|(name, _)| named.insert(name.clone()))
        .map(|(name, ty)| {
            let ident = format_ident!("{}", name);
            let doc = format!(" `{}`", ty.to_string().replace(' ', ""));
            quote!(#[doc = #doc] pub type #ident = #ty;)
        });

    let send_doc = format!(
        " Sends the request. Every failure is a [`Error`]({}::Error): branch on\n `e.code()`, `e.status()`, `e.retry_after()`.",
        krate.to_string().replace(' ', "")
    );
    let doc = format!(
        " `{}.{}()`: the request builder and the types of `{} {}`.",
        tag, method_name, op.http_method, op.path
    );
    Ok(quote! {
        #[doc = #doc]
        pub mod #module {
            #[allow(unused_imports)]
            use super::super::types;

            #(#alias_items)*

            /// The operation's static facts, handed to the runtime by `send()`.
            pub(crate) const OPERATION: #rt::Operation = #rt::Operation {
                id: #method_name,
                spec_id: #spec_id,
                tag: #tag,
                method: #method,
                path: #path,
                scoped_headers: &[#(#scoped),*],
                request_content_type: #content_type,
            };

            /// The request: set parameters and body fields, then `send()`.
            #[derive(Debug, Clone)]
            #[must_use = "a request does nothing until it is sent"]
            pub struct Builder<'a> {
                core: &'a #rt::Core,
                #(#param_fields)*
                #body_field
                options: #rt::CallOptions,
            }

            impl<'a> Builder<'a> {
                pub(crate) fn new(core: &'a #rt::Core) -> Self {
                    Self {
                        core,
                        #(#param_inits)*
                        #body_init
                        options: ::std::default::Default::default(),
                    }
                }

                #(#param_setters)*
                #body_setter
                #(#field_setters)*

                #[doc = #send_doc]
                pub async fn send(self) -> ::std::result::Result<#returns, #krate::Error> {
                    let Self { core, #(#destructure_params,)* #destructure_body options } = self;
                    #(#take_params)*
                    let #mutable call = #rt::Call::new(core, &OPERATION, options, &[#(#path_values),*])?;
                    #(#add_params)*
                    #add_body
                    #finish
                }

                /// Options for this call only (timeout, retries, extra headers).
                pub fn with_options(mut self, options: #krate::CallOptions) -> Self {
                    self.options = options;
                    self
                }

                /// Timeout of each attempt of this call (instead of the client's).
                pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                    self.options = self.options.timeout(timeout);
                    self
                }

                /// Retry policy of this call (instead of the client's).
                pub fn with_retry(mut self, policy: #krate::RetryPolicy) -> Self {
                    self.options = self.options.retry(policy);
                    self
                }

                /// An extra request header for this call. A header the client sets
                /// itself (`Authorization`, a scoped header such as `X-Integration-Id`)
                /// is refused: `send` fails with `Error::InvalidRequest`, nothing is sent.
                pub fn with_header(mut self, name: &str, value: &str) -> Self {
                    self.options = self.options.header(name, value);
                    self
                }

                #page_methods
            }

            #page_impl
        }
    })
}

enum BodyKind {
    None,
    Raw,
    /// A struct body: field setters through its builder.
    Fields {
        ty: TokenStream,
        builder: syn::Ident,
    },
    /// Any other JSON body: `.body(..)` only.
    Whole {
        ty: TokenStream,
        required: bool,
    },
}

/// `r#`-free identifier text for a field name typify wrote (`type_`).
fn raw_ident(name: &str) -> String {
    name.trim_start_matches("r#").to_owned()
}
