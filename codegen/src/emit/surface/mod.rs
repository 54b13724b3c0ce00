//! The surface users touch, shaped on progenitor's operation builders:
//!
//! - `send()` returns `kombo::Error` (progenitor's `send` becomes the private
//!   `send_raw`, and progenitor's `Error` is no longer re-exported);
//! - per-call options (`with_timeout`, `with_retry`, `with_header`,
//!   `with_options`), carried in a `call` field;
//! - body fields as setters and short type aliases per operation (`surface/body.rs`);
//! - `pages()` / `stream()` on cursor-paginated operations (`surface/pagination.rs`).
//!
//! Every operation's builder must be found in the shape progenitor 0.15
//! emits; anything else fails generation naming the operation.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Expr, ImplItem, Item, ItemImpl, ItemStruct, Pat};

use crate::error::CodegenError;
use crate::name::{OperationName, rust_type_name};

mod body;
mod pagination;

/// Names of the per-call option setters (a spec parameter may not use them).
pub const CALL_SETTERS: [&str; 4] = ["with_options", "with_timeout", "with_retry", "with_header"];

/// Applies every surface change to the generated file.
pub fn reshape(
    file: &mut syn::File,
    doc: &Value,
    operations: &[OperationName],
    krate: &TokenStream,
) -> Result<(), CodegenError> {
    hide_progenitor_error(file)?;
    let aliases = body::setters_and_aliases(file, operations)?;
    pagination::add(file, doc, operations, krate)?;
    let module = super::builder_module(file)?;
    for op in operations {
        let name = rust_type_name(&op.method);
        let fail = |why: &str| {
            CodegenError::at(
                &op.pointer,
                format!("post-processing of builder `{name}`: {why}"),
            )
        };
        let strukt = find_struct(module, &name).ok_or_else(|| fail("struct not found"))?;
        add_call_field(strukt, krate);
        let imp = find_impl(module, &name).ok_or_else(|| fail("impl block not found"))?;
        for setter in CALL_SETTERS {
            if has_fn(imp, setter) {
                return Err(fail(&format!(
                    "a parameter is named `{setter}`, which is the per-call option setter"
                )));
            }
        }
        init_call_field(imp).ok_or_else(|| fail("`new` not in the expected shape"))?;
        let output = rename_send(imp).ok_or_else(|| fail("`send` not in the expected shape"))?;
        imp.items.extend(call_methods(&name, &output, krate));
    }
    file.items.push(aliases);
    Ok(())
}

/// progenitor re-exports its `Error` and `ClientInfo`; users see `kombo::Error`.
fn hide_progenitor_error(file: &mut syn::File) -> Result<(), CodegenError> {
    let reexport = file.items.iter().position(|item| {
        matches!(item, Item::Use(u) if matches!(u.vis, syn::Visibility::Public(_))
            && quote!(#u).to_string().contains("progenitor_client"))
    });
    let Some(at) = reexport else {
        return Err(CodegenError::at(
            "",
            "post-processing found no `pub use progenitor_client::…` in progenitor's output",
        ));
    };
    file.items[at] = syn::parse_quote! {
        #[allow(unused_imports)]
        pub use progenitor_client::{ByteStream, ResponseValue};
    };
    file.items.insert(
        at + 1,
        syn::parse_quote! {
            #[allow(unused_imports)]
            use progenitor_client::{ClientInfo, Error};
        },
    );
    Ok(())
}

pub(super) fn find_struct<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut ItemStruct> {
    items.iter_mut().find_map(|item| match item {
        Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })
}

/// The inherent impl block of a type (not a trait impl).
pub(super) fn find_impl<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut ItemImpl> {
    items.iter_mut().find_map(|item| match item {
        Item::Impl(imp)
            if imp.trait_.is_none()
                && super::self_type_name(&imp.self_ty).as_deref() == Some(name) =>
        {
            Some(imp)
        }
        _ => None,
    })
}

pub(super) fn has_fn(imp: &ItemImpl, name: &str) -> bool {
    imp.items
        .iter()
        .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == name))
}

fn add_call_field(strukt: &mut ItemStruct, krate: &TokenStream) {
    if let syn::Fields::Named(fields) = &mut strukt.fields {
        fields.named.push(syn::parse_quote! {
            call: #krate::runtime::CallOptions
        });
    }
}

/// `Self { client, … }` in `new` also sets `call`.
fn init_call_field(imp: &mut ItemImpl) -> Option<()> {
    let new = imp.items.iter_mut().find_map(|i| match i {
        ImplItem::Fn(f) if f.sig.ident == "new" => Some(f),
        _ => None,
    })?;
    let Some(syn::Stmt::Expr(Expr::Struct(init), _)) = new.block.stmts.last_mut() else {
        return None;
    };
    init.fields.push(syn::parse_quote! {
        call: ::std::default::Default::default()
    });
    Some(())
}

/// Renames progenitor's `send` to the private `send_raw`, lets its
/// destructuring skip `call`, and returns its success type.
fn rename_send(imp: &mut ItemImpl) -> Option<syn::Type> {
    let send = imp.items.iter_mut().find_map(|i| match i {
        ImplItem::Fn(f) if f.sig.ident == "send" => Some(f),
        _ => None,
    })?;
    send.sig.ident = format_ident!("send_raw");
    send.vis = syn::Visibility::Inherited;
    send.attrs.retain(|a| !a.path().is_ident("doc"));
    let syn::ReturnType::Type(_, ty) = &send.sig.output else {
        return None;
    };
    let output = first_generic(ty)?;
    let destructure = send.block.stmts.iter_mut().find_map(|s| match s {
        syn::Stmt::Local(local) => match &mut local.pat {
            Pat::Struct(p) if p.path.is_ident("Self") => Some(p),
            _ => None,
        },
        _ => None,
    })?;
    destructure.rest = Some(syn::PatRest {
        attrs: Vec::new(),
        dot2_token: Default::default(),
    });
    Some(output)
}

/// `Result<T, E>` → `T`.
fn first_generic(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// `send()` and the per-call option setters.
fn call_methods(builder: &str, output: &syn::Type, krate: &TokenStream) -> Vec<ImplItem> {
    let rt = quote!(#krate::runtime);
    let builder = format_ident!("{builder}");
    vec![
        syn::parse_quote! {
            /// Sends the request. Every failure is a [`kombo::Error`](crate::Error):
            /// branch on `e.code()`, `e.status()`, `e.retry_after()`.
            pub async fn send(mut self) -> Result<#output, #krate::Error> {
                let call = ::std::mem::take(&mut self.call);
                match #rt::call_runtime(&self.client.inner, call).await? {
                    None => self.send_raw().await.map_err(#krate::Error::from),
                    Some(runtime) => {
                        let client = self.client.with_runtime(runtime);
                        // Borrows the per-call client for a shorter lifetime.
                        let this = #builder { client: &client, ..self };
                        this.send_raw().await.map_err(#krate::Error::from)
                    }
                }
            }
        },
        syn::parse_quote! {
            /// Options for this call only (timeout, retries, extra headers).
            pub fn with_options(mut self, options: #rt::CallOptions) -> Self {
                self.call = options;
                self
            }
        },
        syn::parse_quote! {
            /// Timeout of each attempt of this call (instead of the client's).
            pub fn with_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.call = self.call.timeout(timeout);
                self
            }
        },
        syn::parse_quote! {
            /// Retry policy of this call (instead of the client's).
            pub fn with_retry(mut self, policy: #krate::RetryPolicy) -> Self {
                self.call = self.call.retry(policy);
                self
            }
        },
        syn::parse_quote! {
            /// An extra request header for this call. A header the client sets
            /// itself (`Authorization`, a scoped header such as `X-Integration-Id`)
            /// is refused: `send` fails with `Error::InvalidRequest`, nothing is sent.
            pub fn with_header(mut self, name: &str, value: &str) -> Self {
                self.call = self.call.header(name, value);
                self
            }
        },
    ]
}
