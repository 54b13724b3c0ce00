//! One operation's module, rendered from its [`Plan`]: the static facts as a
//! `const`, short names for the types it uses, the request builder (a
//! setter per parameter and body field, per-call options, `send()`) and, for
//! Kombo's cursor pattern, `pages()` / `stream()`. Each part is one function.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Ctx;
use super::plan::{BodyPlan, ParamPlan, Plan, Setter};
use super::{mock, pagination};
use crate::error::CodegenError;
use crate::model::{Body, Location, Operation};

/// The module of one operation, inside its tag's module.
pub(super) fn operation_module(ctx: &Ctx<'_>, op: &Operation) -> Result<TokenStream, CodegenError> {
    let plan = Plan::of(ctx, op)?;
    let module = &plan.module;
    let doc = format!(
        " `{}.{}()`: the request builder and the types of `{} {}`.",
        plan.tag, op.method, op.http_method, op.path
    );
    let aliases = aliases(&plan);
    let facts = facts(ctx, &plan);
    let (builder, new) = builder_struct(ctx, &plan);
    let setters = setters(ctx, &plan);
    let send = send(ctx, &plan);
    let options = call_options(ctx);
    let mock_route = mock::route(ctx, &plan);
    let (page_methods, page_impl) = match &plan.pages {
        Some(pages) => pagination::render(ctx, pages),
        None => (quote!(), quote!()),
    };
    Ok(quote! {
        #[doc = #doc]
        pub mod #module {
            #[allow(unused_imports)]
            use super::super::types;

            #(#aliases)*

            #facts

            #builder

            impl<'a> Builder<'a> {
                #new
                #setters
                #send
                #options
                #page_methods
            }

            #page_impl

            #mock_route
        }
    })
}

/// Short names, first come first named (a clash keeps the earlier one).
fn aliases(plan: &Plan<'_>) -> Vec<TokenStream> {
    let mut named = BTreeSet::from(["Builder".to_owned(), "OPERATION".to_owned()]);
    plan.aliases
        .iter()
        .filter(|(name, _)| named.insert(name.clone()))
        .map(|(name, ty)| {
            let ident = format_ident!("{}", name);
            let doc = format!(" `{}`", ty.to_string().replace(' ', ""));
            quote!(#[doc = #doc] pub type #ident = #ty;)
        })
        .collect()
}

/// The operation's static facts, handed to the runtime by `send()`; public,
/// so a test names the operation by it (the mock's controls).
fn facts(ctx: &Ctx<'_>, plan: &Plan<'_>) -> TokenStream {
    let (rt, krate) = (&ctx.rt, &ctx.krate);
    let op = plan.op;
    let (id, spec_id, tag) = (&op.method, &op.operation_id, &plan.tag);
    let (method, path) = (&op.http_method, &op.path);
    let scoped = plan.scoped.iter().map(|s| {
        let (name, required) = (&s.name, s.required);
        quote!(#rt::ScopedHeader::new(#name, #required))
    });
    let content_type = match &op.body {
        Some(Body::Raw { content_type }) => quote!(::std::option::Option::Some(#content_type)),
        _ => quote!(::std::option::Option::None),
    };
    let doc = format!(
        " The facts of `{} {}`: `kombo::mock` names the operation by them.",
        op.http_method, op.path
    );
    quote! {
        #[doc = #doc]
        pub const OPERATION: #krate::Operation = #krate::Operation::new(
            #id,
            #spec_id,
            #tag,
            #method,
            #path,
            &[#(#scoped),*],
            #content_type,
        );
    }
}

/// The builder struct (each value kept as given until `send()`) and its `new`.
fn builder_struct(ctx: &Ctx<'_>, plan: &Plan<'_>) -> (TokenStream, TokenStream) {
    let rt = &ctx.rt;
    let param_fields = plan.params.iter().map(|p| {
        let (ident, ty) = (&p.setter.ident, &p.setter.ty);
        quote!(#ident: ::std::option::Option<::std::result::Result<#ty, ::std::string::String>>,)
    });
    let param_inits = plan.params.iter().map(|p| {
        let ident = &p.setter.ident;
        quote!(#ident: ::std::option::Option::None,)
    });
    let (body_field, body_init) = match &plan.body {
        BodyPlan::None => (quote!(), quote!()),
        BodyPlan::Raw => (
            quote!(body: ::std::option::Option<#rt::Bytes>,),
            quote!(body: ::std::option::Option::None,),
        ),
        BodyPlan::Fields { builder, .. } => (
            quote!(body: types::builder::#builder,),
            quote!(body: ::std::default::Default::default(),),
        ),
        BodyPlan::Whole { ty, .. } => (
            quote!(body: ::std::option::Option<::std::result::Result<#ty, ::std::string::String>>,),
            quote!(body: ::std::option::Option::None,),
        ),
    };
    let builder = quote! {
        /// The request: set parameters and body fields, then `send()`.
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct Builder<'a> {
            core: &'a #rt::Core,
            #(#param_fields)*
            #body_field
            options: #rt::CallOptions,
        }
    };
    let new = quote! {
        pub(crate) fn new(core: &'a #rt::Core) -> Self {
            Self {
                core,
                #(#param_inits)*
                #body_init
                options: ::std::default::Default::default(),
            }
        }
    };
    (builder, new)
}

/// A setter per parameter, the body setter, a setter per body field.
fn setters(ctx: &Ctx<'_>, plan: &Plan<'_>) -> TokenStream {
    let rt = &ctx.rt;
    let param_setters = plan.params.iter().map(|p| {
        let wire = &p.wire;
        let ident = &p.setter.ident;
        setter(
            &p.setter,
            quote!(self.#ident = ::std::option::Option::Some(#rt::convert(value, #wire));),
        )
    });
    let body_setter = body_setter(ctx, &plan.body);
    let field_setters = match &plan.body {
        BodyPlan::Fields { setters, .. } => setters
            .iter()
            .map(|(field, s)| setter(s, quote!(self.body = self.body.#field(value);)))
            .collect(),
        _ => Vec::new(),
    };
    quote! {
        #(#param_setters)*
        #body_setter
        #(#field_setters)*
    }
}

/// One setter taking anything that converts into its type; `store` keeps
/// the converted `value`.
fn setter(s: &Setter, store: TokenStream) -> TokenStream {
    let (ident, ty, doc) = (&s.ident, &s.ty, &s.doc);
    quote! {
        #[doc = #doc]
        pub fn #ident<V>(mut self, value: V) -> Self
        where
            V: ::std::convert::TryInto<#ty>,
            V::Error: ::std::fmt::Display,
        {
            #store
            self
        }
    }
}

fn body_setter(ctx: &Ctx<'_>, body: &BodyPlan) -> TokenStream {
    let rt = &ctx.rt;
    match body {
        BodyPlan::None => quote!(),
        BodyPlan::Raw => quote! {
            /// The request body, sent as it is.
            pub fn body(mut self, value: impl ::std::convert::Into<#rt::Bytes>) -> Self {
                self.body = ::std::option::Option::Some(value.into());
                self
            }
        },
        BodyPlan::Fields { ty, builder, .. } => quote! {
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
        BodyPlan::Whole { ty, .. } => quote! {
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
    }
}

/// `send()`: arguments in, one runtime call out.
fn send(ctx: &Ctx<'_>, plan: &Plan<'_>) -> TokenStream {
    let (rt, krate) = (&ctx.rt, &ctx.krate);
    let idents = plan.params.iter().map(|p| &p.setter.ident);
    let destructure_body = match &plan.body {
        BodyPlan::None => quote!(),
        _ => quote!(body,),
    };
    let take_params = plan.params.iter().map(take_param(rt));
    let path_values = plan
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .map(|p| {
            let ident = &p.setter.ident;
            quote!(&#ident as &dyn ::std::fmt::Display)
        });
    let mutable = if plan.params.iter().any(|p| p.location != Location::Path)
        || !matches!(plan.body, BodyPlan::None)
    {
        quote!(mut)
    } else {
        quote!()
    };
    let add_params = plan
        .params
        .iter()
        .filter(|p| p.location != Location::Path)
        .map(add_param);
    let add_body = add_body(ctx, &plan.body);
    let (returns, finish) = match &plan.response {
        Some((_, ty)) => (quote!(#krate::Response<#ty>), quote!(call.send().await)),
        None => (
            quote!(#krate::Response<()>),
            quote!(call.send_empty().await),
        ),
    };
    let doc = format!(
        " Sends the request. Every failure is a [`Error`]({}::Error): branch on\n `e.code()`, `e.status()`, `e.retry_after()`.",
        krate.to_string().replace(' ', "")
    );
    quote! {
        #[doc = #doc]
        pub async fn send(self) -> ::std::result::Result<#returns, #krate::Error> {
            let Self { core, #(#idents,)* #destructure_body options } = self;
            #(#take_params)*
            let #mutable call = #rt::Call::new(core, &OPERATION, options, &[#(#path_values),*])?;
            #(#add_params)*
            #add_body
            #finish
        }
    }
}

/// Turns a stored parameter into its value (or `None`), failing on a
/// missing required one or a value that did not convert.
fn take_param(rt: &TokenStream) -> impl Fn(&ParamPlan) -> TokenStream + '_ {
    move |p| {
        let ident = &p.setter.ident;
        let wire = &p.wire;
        if p.required {
            quote!(let #ident = #rt::required(#ident, #wire)?;)
        } else {
            quote!(let #ident = #rt::optional(#ident)?;)
        }
    }
}

fn add_param(p: &ParamPlan) -> TokenStream {
    let ident = &p.setter.ident;
    let wire = &p.wire;
    let value = if p.required {
        quote!(::std::option::Option::Some(&#ident))
    } else {
        quote!(#ident.as_ref())
    };
    match p.location {
        Location::Query => quote!(call.query(#wire, #value)?;),
        _ => quote!(call.header(#wire, #value)?;),
    }
}

fn add_body(ctx: &Ctx<'_>, body: &BodyPlan) -> TokenStream {
    let rt = &ctx.rt;
    match body {
        BodyPlan::None => quote!(),
        BodyPlan::Raw => quote!(call.raw_body(body);),
        BodyPlan::Fields { ty, .. } => quote! {
            let body: #ty = #rt::build_body(body)?;
            call.json_body(&body)?;
        },
        BodyPlan::Whole { required: true, .. } => quote! {
            let body = #rt::required(body, "body")?;
            call.json_body(&body)?;
        },
        BodyPlan::Whole {
            required: false, ..
        } => quote! {
            if let ::std::option::Option::Some(body) = #rt::optional(body)? {
                call.json_body(&body)?;
            }
        },
    }
}

/// Per-call options: the same four methods on every builder.
fn call_options(ctx: &Ctx<'_>) -> TokenStream {
    let krate = &ctx.krate;
    quote! {
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
    }
}
