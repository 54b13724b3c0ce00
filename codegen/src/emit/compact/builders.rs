//! Struct builders: typify's `types::builder::X` (a struct of `Result`
//! slots, `Default`, one setter per field, `TryFrom`/`From` with the built
//! type) becomes `struct_builder! { X { field: Type = default, … } }`. Each
//! builder's five items must be exactly what typify writes for that field
//! list, else generation fails naming the builder.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Fields, Item, ItemStruct, Type};

use super::{same, shape_error};
use crate::error::CodegenError;

/// Replaces every builder in `types::builder`; returns how many.
pub fn compact_builders(file: &mut syn::File, krate: &TokenStream) -> Result<usize, CodegenError> {
    let types = crate::emit::types_items(file)?;
    let Some(items) = crate::emit::module_items(types, "builder") else {
        return Ok(0);
    };
    let mut builders: BTreeMap<String, Builder> = BTreeMap::new();
    for item in items.iter() {
        if let Item::Struct(s) = item {
            let builder = Builder::of(s)?;
            builders.insert(s.ident.to_string(), builder);
        }
    }
    // Defaults are read off the `Default` impl before anything is compared.
    for item in items.iter() {
        if let Item::Impl(imp) = item
            && let Some(name) = crate::emit::self_type_name(&imp.self_ty)
            && let Some(b) = builders.get_mut(&name)
            && imp
                .trait_
                .as_ref()
                .and_then(|(p, _)| p.segments.last())
                .is_some_and(|s| s.ident == "Default")
        {
            b.read_defaults(imp)?;
        }
    }
    // Rendered once per builder: comparing is the pass's main cost.
    let expected: BTreeMap<&String, [String; 5]> = builders
        .iter()
        .map(|(name, b)| (name, b.expected_items().map(|t| t.to_string())))
        .collect();
    let mut matched: BTreeMap<String, usize> = BTreeMap::new();
    let mut kept = Vec::new();
    for item in items.drain(..) {
        let Some(name) = owner(&item).filter(|n| builders.contains_key(n)) else {
            kept.push(item);
            continue;
        };
        let b = &builders[&name];
        if !expected[&name].iter().any(|e| same(&item, e)) {
            let what = item_kind(&item);
            return Err(shape_error(
                "builder",
                &name,
                &format!("its {what} differs"),
            ));
        }
        let count = matched.entry(name).or_default();
        if *count == 0 {
            kept.push(b.invocation(krate));
        }
        *count += 1;
    }
    *items = kept;
    super::check_all_found("builder", "items", builders.keys(), &matched, 5)?;
    Ok(builders.len())
}

/// The builder an item of `types::builder` belongs to: the struct, or the
/// type an impl is for (`TryFrom<X> for super::X` belongs to `X` too).
fn owner(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Impl(imp) => crate::emit::self_type_name(&imp.self_ty),
        _ => None,
    }
}

fn item_kind(item: &Item) -> String {
    match item {
        Item::Impl(imp) => match &imp.trait_ {
            Some((path, _)) => format!("`{}` impl", quote!(#path)),
            None => "setters".to_owned(),
        },
        _ => "struct".to_owned(),
    }
}

struct Field {
    ident: syn::Ident,
    ty: Type,
    /// `None`: required.
    default: Option<Expr>,
}

struct Builder {
    name: syn::Ident,
    fields: Vec<Field>,
}

impl Builder {
    fn of(s: &ItemStruct) -> Result<Builder, CodegenError> {
        let name = s.ident.to_string();
        let Fields::Named(named) = &s.fields else {
            return Err(shape_error("builder", &name, "it has no named fields"));
        };
        let mut fields = Vec::new();
        for f in &named.named {
            let (Some(ident), Some(ty)) = (&f.ident, result_ok_type(&f.ty)) else {
                return Err(shape_error(
                    "builder",
                    &name,
                    "a field is not a `Result` slot",
                ));
            };
            fields.push(Field {
                ident: ident.clone(),
                ty,
                default: None,
            });
        }
        Ok(Builder {
            name: s.ident.clone(),
            fields,
        })
    }

    /// Takes each field's default from `Ok(default)` in the `Default` impl;
    /// whether the rest are typify's "no value supplied" errors is checked
    /// when the impl is compared.
    fn read_defaults(&mut self, imp: &syn::ItemImpl) -> Result<(), CodegenError> {
        let name = self.name.to_string();
        let body = imp.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f) => f.block.stmts.last(),
            _ => None,
        });
        let Some(syn::Stmt::Expr(Expr::Struct(literal), None)) = body else {
            return Err(shape_error(
                "builder",
                &name,
                "its `Default` is not a struct literal",
            ));
        };
        for fv in &literal.fields {
            let syn::Member::Named(ident) = &fv.member else {
                continue;
            };
            let Some(field) = self.fields.iter_mut().find(|f| f.ident == *ident) else {
                continue;
            };
            if let Expr::Call(call) = &fv.expr
                && matches!(&*call.func, Expr::Path(p) if p.path.is_ident("Ok"))
                && call.args.len() == 1
            {
                field.default = call.args.first().cloned();
            }
        }
        Ok(())
    }

    /// typify's five items for this field list.
    fn expected_items(&self) -> [TokenStream; 5] {
        let name = &self.name;
        let idents: Vec<&syn::Ident> = self.fields.iter().map(|f| &f.ident).collect();
        let types: Vec<&Type> = self.fields.iter().map(|f| &f.ty).collect();
        let defaults = self.fields.iter().map(|f| match &f.default {
            Some(d) => quote!(Ok(#d)),
            None => {
                let message = format!("no value supplied for {}", f.ident);
                quote!(Err(#message.to_string()))
            }
        });
        let setters = self.fields.iter().map(|f| {
            let (ident, ty) = (&f.ident, &f.ty);
            let message = format!("error converting supplied value for {ident}: {{e}}");
            quote! {
                pub fn #ident<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<#ty>,
                    T::Error: ::std::fmt::Display,
                {
                    self.#ident = value.try_into().map_err(|e| format!(#message));
                    self
                }
            }
        });
        let error = quote!(super::error::ConversionError);
        [
            quote! {
                #[derive(Clone, Debug)]
                pub struct #name {
                    #(#idents: ::std::result::Result<#types, ::std::string::String>,)*
                }
            },
            quote! {
                impl ::std::default::Default for #name {
                    fn default() -> Self {
                        Self { #(#idents: #defaults,)* }
                    }
                }
            },
            quote!(impl #name { #(#setters)* }),
            quote! {
                impl ::std::convert::TryFrom<#name> for super::#name {
                    type Error = #error;
                    fn try_from(value: #name) -> ::std::result::Result<Self, #error> {
                        Ok(Self { #(#idents: value.#idents?,)* })
                    }
                }
            },
            quote! {
                impl ::std::convert::From<super::#name> for #name {
                    fn from(value: super::#name) -> Self {
                        Self { #(#idents: Ok(value.#idents),)* }
                    }
                }
            },
        ]
    }

    fn invocation(&self, krate: &TokenStream) -> Item {
        let name = &self.name;
        let fields = self.fields.iter().map(|f| {
            let (ident, ty) = (&f.ident, &f.ty);
            match &f.default {
                Some(d) => quote!(#ident: #ty = #d),
                None => quote!(#ident: #ty),
            }
        });
        syn::parse_quote!(#krate::runtime::struct_builder! { #name { #(#fields,)* } })
    }
}

/// `T` of `::std::result::Result<T, ::std::string::String>`.
fn result_ok_type(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(setter_message: &str) -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct Body {
                        id: ::std::result::Result<::std::string::String, ::std::string::String>,
                        note: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl ::std::default::Default for Body {
                        fn default() -> Self {
                            Self {
                                id: Err("no value supplied for id".to_string()),
                                note: Ok(Default::default()),
                            }
                        }
                    }
                    impl Body {
                        pub fn id<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::string::String>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.id = value.try_into().map_err(|e| format!(#setter_message));
                            self
                        }
                        pub fn note<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.note = value.try_into().map_err(|e| format!("error converting supplied value for note: {e}"));
                            self
                        }
                    }
                    impl ::std::convert::TryFrom<Body> for super::Body {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Body) -> ::std::result::Result<Self, super::error::ConversionError> {
                            Ok(Self { id: value.id?, note: value.note?, })
                        }
                    }
                    impl ::std::convert::From<super::Body> for Body {
                        fn from(value: super::Body) -> Self {
                            Self { id: Ok(value.id), note: Ok(value.note), }
                        }
                    }
                }
            }
        })
        .unwrap()
    }

    #[test]
    fn typify_builders_become_one_invocation_with_required_and_default_fields() {
        let mut file = file_with("error converting supplied value for id: {e}");
        assert_eq!(compact_builders(&mut file, &quote!(crate)).unwrap(), 1);
        let types = crate::emit::types_items(&mut file).unwrap();
        let items = crate::emit::module_items(types, "builder").unwrap();
        let [Item::Macro(m)] = items.as_slice() else {
            panic!("one invocation expected, got {} items", items.len())
        };
        assert_eq!(m.mac.path.segments.last().unwrap().ident, "struct_builder");
    }

    #[test]
    fn required_fields_are_the_ones_without_a_default() {
        let mut file = file_with("error converting supplied value for id: {e}");
        let types = crate::emit::types_items(&mut file).unwrap();
        let items = crate::emit::module_items(types, "builder").unwrap();
        let (Item::Struct(s), Item::Impl(default)) = (&items[0], &items[1]) else {
            panic!("struct and Default impl expected")
        };
        let mut builder = Builder::of(s).unwrap();
        builder.read_defaults(default).unwrap();
        let required: Vec<String> = builder
            .fields
            .iter()
            .filter(|f| f.default.is_none())
            .map(|f| f.ident.to_string())
            .collect();
        assert_eq!(required, ["id"]);
    }

    #[test]
    fn a_builder_in_another_shape_fails_naming_it() {
        let mut file = file_with("could not convert id: {e}");
        let e = compact_builders(&mut file, &quote!(crate)).unwrap_err();
        assert!(
            e.reason.contains("builder `Body`") && e.reason.contains("setters"),
            "{e}"
        );
    }
}
