//! Body fields as setters on the operation builder, and short type names.
//!
//! `kombo.create_reconnection_link().integration_id(id).link_type(LinkType::MagicLink)`:
//! each setter of the body's typify builder (`types::builder::X::field`) gets
//! a twin on the operation builder that updates the body. A field named like
//! an existing method (a parameter, `body`, `send`) gets the setter
//! `body_<field>`. `fields::<operation>` aliases the generated type of every
//! setter under the field's own name (`LinkType` for
//! `PostIntegrationsIntegrationIdRelinkRequestBodyLinkType`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeSet;
use syn::visit_mut::VisitMut;
use syn::{ImplItem, ImplItemFn, Item};

use super::{find_impl, find_struct};
use crate::error::CodegenError;
use crate::name::{OperationName, rust_type_name};

/// Adds the body setters; returns the `fields` module of aliases.
pub(super) fn setters_and_aliases(
    file: &mut syn::File,
    operations: &[OperationName],
) -> Result<Item, CodegenError> {
    let body_setters = typify_builder_setters(file);
    let module = super::super::builder_module(file)?;
    let mut alias_modules = Vec::new();
    for op in operations {
        let name = rust_type_name(&op.method);
        let fail = |why: String| {
            CodegenError::at(
                &op.pointer,
                format!("post-processing of builder `{name}`: {why}"),
            )
        };
        let body_type = find_struct(module, &name)
            .ok_or_else(|| fail("struct not found".into()))?
            .fields
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == "body"))
            .and_then(|f| body_builder_name(&f.ty));
        let imp = find_impl(module, &name).ok_or_else(|| fail("impl block not found".into()))?;
        let mut aliases: Vec<(String, syn::Type)> = setter_types(imp)
            .into_iter()
            .map(|(field, ty)| (rust_type_name(&field), ty))
            .collect();
        if let Some(body_type) = body_type {
            let setters = body_setters
                .iter()
                .find(|(n, _)| *n == body_type)
                .map(|(_, s)| s)
                .ok_or_else(|| fail(format!("no typify builder `{body_type}` for the body")))?;
            let mut taken: BTreeSet<String> = imp.items.iter().filter_map(fn_name).collect();
            taken.extend(super::CALL_SETTERS.iter().map(|s| s.to_string()));
            taken.insert("send".into());
            let mut added = Vec::new();
            for setter in setters {
                let field = setter.sig.ident.to_string();
                let method = [field.clone(), format!("body_{field}")]
                    .into_iter()
                    .find(|m| !taken.contains(m))
                    .ok_or_else(|| fail(format!("no free setter name for body field `{field}`")))?;
                taken.insert(method.clone());
                let (twin, ty) = twin_setter(setter, &method, &field);
                if let Some(ty) = ty {
                    aliases.push((rust_type_name(&method), ty));
                }
                added.push(twin);
            }
            imp.items.extend(added);
        }
        alias_modules.push(alias_module(&op.method, aliases));
    }
    Ok(syn::parse_quote! {
        /// Short names for the types each operation's setters take, e.g.
        /// `fields::create_reconnection_link::LinkType`.
        pub mod fields {
            #(#alias_modules)*
        }
    })
}

fn fn_name(item: &ImplItem) -> Option<String> {
    match item {
        ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
        _ => None,
    }
}

/// `Result<types::builder::X, String>` → `X`.
fn body_builder_name(ty: &syn::Type) -> Option<String> {
    let inner = super::first_generic(ty)?;
    let syn::Type::Path(p) = inner else {
        return None;
    };
    let names: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match names.as_slice() {
        [types, builder, name] if types == "types" && builder == "builder" => Some(name.clone()),
        _ => None,
    }
}

/// The setters of every typify struct builder (`types::builder::X`).
fn typify_builder_setters(file: &syn::File) -> Vec<(String, Vec<ImplItemFn>)> {
    let types = file.items.iter().find_map(|i| match i {
        Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    let builders = types.into_iter().flatten().find_map(|i| match i {
        Item::Mod(m) if m.ident == "builder" => m.content.as_ref().map(|(_, items)| items),
        _ => None,
    });
    builders
        .into_iter()
        .flatten()
        .filter_map(|item| match item {
            Item::Impl(imp) if imp.trait_.is_none() => {
                let name = super::super::self_type_name(&imp.self_ty)?;
                let setters = imp
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => {
                            Some(f.clone())
                        }
                        _ => None,
                    })
                    .collect();
                Some((name, setters))
            }
            _ => None,
        })
        .collect()
}

/// `super::X` (relative to `types::builder`) → `types::X` (in `builder`).
struct FromTypesBuilder;

impl VisitMut for FromTypesBuilder {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none() && path.segments.first().is_some_and(|s| s.ident == "super")
        {
            path.segments[0].ident = format_ident!("types");
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// The operation builder's twin of a body builder setter, and the generated
/// type it takes (for an alias).
fn twin_setter(setter: &ImplItemFn, method: &str, field: &str) -> (ImplItem, Option<syn::Type>) {
    let mut generics = setter.sig.generics.clone();
    FromTypesBuilder.visit_generics_mut(&mut generics);
    let where_clause = generics.where_clause.clone();
    let params = &generics.params;
    let method = format_ident!("{method}");
    let field_ident = format_ident!("{field}");
    let doc = format!(" Sets the body field `{field}`.");
    let ty = where_clause.as_ref().and_then(try_into_target);
    let twin = syn::parse_quote! {
        #[doc = #doc]
        pub fn #method<#params>(mut self, value: T) -> Self #where_clause {
            self.body = self.body.map(|body| body.#field_ident(value));
            self
        }
    };
    (twin, ty.and_then(generated_type))
}

/// The setters' `TryInto<X>` targets, by setter name.
fn setter_types(imp: &syn::ItemImpl) -> Vec<(String, syn::Type)> {
    imp.items
        .iter()
        .filter_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident != "body" => {
                let target = f
                    .sig
                    .generics
                    .where_clause
                    .as_ref()
                    .and_then(try_into_target)?;
                Some((f.sig.ident.to_string(), generated_type(target)?))
            }
            _ => None,
        })
        .collect()
}

/// `X` of the first `…: TryInto<X>` bound.
fn try_into_target(clause: &syn::WhereClause) -> Option<syn::Type> {
    clause.predicates.iter().find_map(|p| {
        let syn::WherePredicate::Type(t) = p else {
            return None;
        };
        t.bounds.iter().find_map(|b| {
            let syn::TypeParamBound::Trait(tr) = b else {
                return None;
            };
            let last = tr.path.segments.last()?;
            (last.ident == "TryInto").then_some(())?;
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            }
        })
    })
}

/// `types::X` or `Option<types::X>` → `types::X`; anything else → `None`.
fn generated_type(ty: syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(p) = &ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident == "Option" {
        return generated_type(super::first_generic(&ty)?);
    }
    let segments: Vec<String> = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    (segments.len() == 2 && segments[0] == "types").then_some(ty)
}

fn alias_module(method: &str, aliases: Vec<(String, syn::Type)>) -> TokenStream {
    // A method named like a keyword (`match`) gets a `_`, as progenitor does.
    let module = match syn::parse_str::<syn::Ident>(method) {
        Ok(ident) => ident,
        Err(_) => format_ident!("{method}_"),
    };
    let doc = format!(" Types of the setters of `{method}`.");
    let mut seen = BTreeSet::new();
    let items = aliases.into_iter().filter_map(|(alias, ty)| {
        seen.insert(alias.clone()).then_some(())?;
        let alias = format_ident!("{alias}");
        let doc = format!(" `{}`", quote!(#ty).to_string().replace(' ', ""));
        Some(quote! {
            #[doc = #doc]
            pub type #alias = super::super::#ty;
        })
    });
    quote! {
        #[doc = #doc]
        pub mod #module {
            #(#items)*
        }
    }
}
