//! Gate: with one Cargo feature per tag, a type is compiled only when a tag
//! whose operations reach it is on — `#[cfg(any(feature = "hris", …))]` on
//! its definition and on every item that names it (impls, builders, serde
//! default functions). Which tags reach which type is asked of the type
//! space, not re-derived from the spec; a type nothing but webhooks or no
//! operation reaches (error envelopes, webhook payloads) is always compiled.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::{GenericArgument, Item, PathArguments, ReturnType, Type};

use super::Sites;
use crate::error::CodegenError;
use crate::name::tag_feature;

/// Type name → the tag modules whose operations reach it.
pub(crate) type Reach = BTreeMap<String, BTreeSet<String>>;

/// The runtime macros the passes invoke inside `types`, each naming its
/// type first (`deserialize_struct!(Name { … })`).
const TYPE_MACROS: [&str; 6] = [
    "deserialize_struct",
    "deserialize_union",
    "serialize_struct",
    "serialize_union",
    "string_enum",
    "fields_builder",
];

/// Adds the `cfg` each item of `items` (recursively, through `defaults` and
/// `builder`) needs; returns how many items were gated. An item the pass
/// cannot tell the types of (another macro, another kind of item) is an
/// error naming it.
pub(crate) fn gate_types(
    items: &mut [Item],
    reach: &Reach,
    sites: &Sites,
) -> Result<usize, CodegenError> {
    let mut gated = 0;
    for item in items.iter_mut() {
        if let Item::Mod(m) = item
            && let Some((_, inner)) = m.content.as_mut()
        {
            gated += gate_types(inner, reach, sites)?;
            continue;
        }
        let names = types_of(item).map_err(|(name, why)| sites.error("gate", &name, &why))?;
        let needs: BTreeSet<&BTreeSet<String>> =
            names.iter().filter_map(|n| reach.get(n)).collect();
        let Some(cfg) = cfg_for(&needs) else {
            continue;
        };
        let attr: syn::Attribute = syn::parse_quote!(#cfg);
        match item {
            Item::Struct(i) => i.attrs.insert(0, attr),
            Item::Enum(i) => i.attrs.insert(0, attr),
            Item::Impl(i) => i.attrs.insert(0, attr),
            Item::Fn(i) => i.attrs.insert(0, attr),
            Item::Macro(i) => i.attrs.insert(0, attr),
            Item::Type(i) => i.attrs.insert(0, attr),
            Item::Const(i) => i.attrs.insert(0, attr),
            _ => continue,
        }
        gated += 1;
    }
    Ok(gated)
}

/// The types an item needs, by name: what it defines, what an impl is for
/// (and its trait's type arguments), what a function returns, the type a
/// runtime macro is invoked for. Read from type positions, so a variant or
/// a field that shares a gated type's name is not mistaken for it. The
/// error is the item's name and why.
fn types_of(item: &Item) -> Result<BTreeSet<String>, (String, String)> {
    let mut out = BTreeSet::new();
    match item {
        Item::Struct(s) => {
            out.insert(s.ident.to_string());
        }
        Item::Enum(e) => {
            out.insert(e.ident.to_string());
        }
        Item::Type(t) => {
            out.insert(t.ident.to_string());
            type_names(&t.ty, &mut out);
        }
        Item::Const(c) => type_names(&c.ty, &mut out),
        Item::Impl(i) => {
            type_names(&i.self_ty, &mut out);
            if let Some((path, _)) = &i.trait_ {
                path_names(path, &mut out);
            }
        }
        Item::Fn(f) => {
            if let ReturnType::Type(_, ty) = &f.sig.output {
                type_names(ty, &mut out);
            }
        }
        Item::Macro(m) => {
            let name = m
                .mac
                .path
                .segments
                .last()
                .map(|s| s.ident.to_string())
                .unwrap_or_default();
            if !TYPE_MACROS.contains(&name.as_str()) {
                return Err((name, "a macro invocation the gate does not know".into()));
            }
            match m.mac.tokens.clone().into_iter().next() {
                Some(TokenTree::Ident(ty)) => {
                    out.insert(ty.to_string());
                }
                _ => {
                    return Err((
                        name,
                        "a macro invocation that does not start with its type".into(),
                    ));
                }
            }
        }
        Item::Use(_) => {}
        other => {
            let head: String = quote!(#other).to_string().chars().take(40).collect();
            return Err((head, "an item the gate does not know".into()));
        }
    }
    Ok(out)
}

fn type_names(ty: &Type, out: &mut BTreeSet<String>) {
    match ty {
        Type::Path(p) => {
            if let Some(q) = &p.qself {
                type_names(&q.ty, out);
            }
            path_names(&p.path, out);
        }
        Type::Reference(r) => type_names(&r.elem, out),
        Type::Slice(s) => type_names(&s.elem, out),
        Type::Array(a) => type_names(&a.elem, out),
        Type::Paren(p) => type_names(&p.elem, out),
        Type::Group(g) => type_names(&g.elem, out),
        Type::Tuple(t) => t.elems.iter().for_each(|e| type_names(e, out)),
        _ => {}
    }
}

fn path_names(path: &syn::Path, out: &mut BTreeSet<String>) {
    for segment in &path.segments {
        out.insert(segment.ident.to_string());
        if let PathArguments::AngleBracketed(args) = &segment.arguments {
            for arg in &args.args {
                if let GenericArgument::Type(ty) = arg {
                    type_names(ty, out);
                }
            }
        }
    }
}

/// `cfg(all(any(tags of A), any(tags of B), …))`, simplified when one set.
fn cfg_for(needs: &BTreeSet<&BTreeSet<String>>) -> Option<TokenStream> {
    let clauses: Vec<TokenStream> = needs
        .iter()
        .map(|tags| {
            let features = tags.iter().map(|t| tag_feature(t));
            quote!(any(#(feature = #features),*))
        })
        .collect();
    match clauses.as_slice() {
        [] => None,
        [one] => Some(quote!(#[cfg(#one)])),
        many => Some(quote!(#[cfg(all(#(#many),*))])),
    }
}

#[cfg(test)]
mod tests {
    use syn::punctuated::Punctuated;
    use syn::{Meta, Token};

    use super::*;

    /// The features an item's `cfg` requires, read as metas.
    fn features(item: &Item) -> BTreeSet<String> {
        fn walk(meta: &Meta, out: &mut BTreeSet<String>) {
            match meta {
                Meta::NameValue(nv) if nv.path.is_ident("feature") => {
                    if let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = &nv.value
                    {
                        out.insert(s.value());
                    }
                }
                Meta::List(list) => {
                    let nested = list
                        .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                        .unwrap();
                    nested.iter().for_each(|m| walk(m, out));
                }
                _ => {}
            }
        }
        let attrs = match item {
            Item::Struct(i) => &i.attrs,
            Item::Enum(i) => &i.attrs,
            Item::Impl(i) => &i.attrs,
            Item::Fn(i) => &i.attrs,
            Item::Macro(i) => &i.attrs,
            _ => return BTreeSet::new(),
        };
        let mut out = BTreeSet::new();
        for attr in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
            walk(&attr.meta, &mut out);
        }
        out
    }

    fn reach() -> Reach {
        Reach::from([
            ("Employee".to_owned(), BTreeSet::from(["hris".to_owned()])),
            (
                "Team".to_owned(),
                BTreeSet::from(["hris".to_owned(), "ai_apply".to_owned()]),
            ),
        ])
    }

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn items_of_a_gated_type_get_its_tags() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Employee { pub team: Team }
            pub struct Team { pub name: String }
            impl From<&Team> for Team { fn from(v: &Team) -> Self { v.clone() } }
            impl From<Team> for i64 { fn from(v: Team) -> Self { 0 } }
            crate::runtime::deserialize_struct!(Team { 0 name: "name" });
            pub struct ErrorEnvelope { pub message: String }
            pub mod defaults {
                pub(super) fn team() -> ::std::option::Option<super::Team> { None }
            }
        };
        assert_eq!(
            gate_types(&mut file.items, &reach(), &Sites::default()).unwrap(),
            6
        );
        let hris_or_ai = set(&["ai-apply", "hris"]);
        assert_eq!(features(&file.items[0]), set(&["hris"]));
        for i in 1..=4 {
            assert_eq!(features(&file.items[i]), hris_or_ai, "item {i}");
        }
        assert!(features(&file.items[5]).is_empty(), "an ungated type");
        let Item::Mod(defaults) = &file.items[6] else {
            panic!()
        };
        assert_eq!(
            features(&defaults.content.as_ref().unwrap().1[0]),
            hris_or_ai
        );
    }

    #[test]
    fn a_variant_or_field_named_like_a_gated_type_does_not_gate() {
        let mut file: syn::File = syn::parse_quote! {
            pub enum Category { Employee, Team(String) }
            pub struct Owner { pub employee: String }
            impl Category { fn is_team(&self) -> bool { matches!(self, Self::Team(_)) } }
        };
        assert_eq!(
            gate_types(&mut file.items, &reach(), &Sites::default()).unwrap(),
            0
        );
    }

    #[test]
    fn an_item_the_gate_does_not_know_is_an_error_naming_it() {
        let mut file: syn::File = syn::parse_quote! {
            other_macro!(Team);
        };
        let e = gate_types(&mut file.items, &reach(), &Sites::default()).unwrap_err();
        assert!(
            e.reason.contains("`other_macro`") && e.reason.contains("(gate)"),
            "{e}"
        );
    }
}
