//! String enums: serde's derives, the comparison derives, `Display`,
//! `FromStr` and two `TryFrom` impls per enum become `string_enum!(Name,
//! [0 Variant = "value", …], open Catchall | closed)`. Before that, each impl
//! must be typify's, mapping every variant to the string its serde
//! attributes give it — so the macro, which takes those strings, behaves the
//! same.
//!
//! Opening is a parameter: an enum the normalizer named open gets its
//! catch-all variant here (`UnknownValue(String)`, no `Copy`), and the macro
//! writes the conversions that keep an unknown value — typify's impls are
//! checked in their closed form and replaced, never edited.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, Item, ItemEnum, Meta};

use super::{impl_of, same};
use crate::emit::passes::Sites;
use crate::emit::passes::attrs::{self, COPY, DESERIALIZE, Derive, SERIALIZE};
use crate::emit::passes::open_unions::free_variant_name;
use crate::error::CodegenError;

/// Preferred name of the catch-all variant of an open enum.
pub(crate) const UNKNOWN_VARIANT: &str = "UnknownValue";

const PASS: &str = "compact string enums";

/// Replaces the conversion impls of every string enum in `types`, opening
/// those in `open` (name → schema pointer); returns how many enums were
/// compacted.
pub(crate) fn compact_string_enums(
    items: &mut Vec<Item>,
    rt: &TokenStream,
    open: &BTreeMap<String, String>,
    sites: &Sites,
) -> Result<usize, CodegenError> {
    let mut enums: BTreeMap<String, StringEnum> = BTreeMap::new();
    for item in items.iter() {
        let Item::Enum(e) = item else { continue };
        let name = e.ident.to_string();
        let found = StringEnum::of(e).map_err(|why| sites.error(PASS, &name, &why))?;
        match found {
            Some(mut found) => {
                if open.contains_key(&name) {
                    found.catch_all = Some(free_variant_name(e, UNKNOWN_VARIANT));
                }
                enums.insert(name, found);
            }
            None if open.contains_key(&name) => {
                return Err(sites.error(
                    PASS,
                    &name,
                    "an open enum that is not an enum of unit variants",
                ));
            }
            None => {}
        }
    }
    if let Some(missing) = open.keys().find(|name| !enums.contains_key(*name)) {
        return Err(sites.error(PASS, missing, "no such enum in the generated code"));
    }

    // Rendered once per enum: comparing is the pass's main cost.
    let expected: BTreeMap<&String, [String; 4]> = enums
        .iter()
        .map(|(name, e)| (name, e.expected_impls().map(|t| t.to_string())))
        .collect();
    let conversions = conversions();
    let mut found: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut kept = Vec::with_capacity(items.len());
    for mut item in items.drain(..) {
        if let Item::Impl(imp) = &item
            && let Some((trait_, name)) = impl_of(imp)
            && let Some(expected) = expected.get(&name)
            && let Some((path, _)) = &imp.trait_
            && let Some(index) = conversions
                .iter()
                .position(|c| *c == quote!(#path).to_string())
        {
            if !same(imp, &expected[index]) {
                let why = format!("its `{trait_}` impl differs from the expected one");
                return Err(sites.error(PASS, &name, &why));
            }
            found.entry(name).or_default().insert(index);
            continue;
        }
        let mut invocation = None;
        if let Item::Enum(e) = &mut item
            && let Some(plan) = enums.get(&e.ident.to_string())
        {
            let name = e.ident.to_string();
            invocation = Some(rewrite(e, plan, rt).map_err(|why| sites.error(PASS, &name, &why))?);
        }
        kept.push(item);
        kept.extend(invocation);
    }
    *items = kept;
    for name in enums.keys() {
        let n = found.get(name).map_or(0, BTreeSet::len);
        if n != conversions.len() {
            let why = format!("found {n} of its {} conversion impls", conversions.len());
            return Err(sites.error(PASS, name, &why));
        }
    }
    Ok(enums.len())
}

/// Moves what the macro writes out of the enum (serde's derives and variant
/// attributes, the comparison derives), opens it when asked, and returns
/// the invocation.
fn rewrite(e: &mut ItemEnum, plan: &StringEnum, rt: &TokenStream) -> Result<Item, String> {
    // The macro writes the serde impls; the spelling of each value moves
    // from the variants' attributes into it.
    for derive in [SERIALIZE, DESERIALIZE] {
        attrs::take(&mut e.attrs, derive)?;
    }
    // The macro compares as these derives did (by variant, then the kept
    // string), with one small impl each.
    for derive in COMPARISONS {
        attrs::take(&mut e.attrs, derive)?;
    }
    for variant in &mut e.variants {
        variant.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    if let Some(catch_all) = &plan.catch_all {
        open_enum(e, catch_all)?;
    }
    let ident = &e.ident;
    let variants = plan.values.iter().map(|(v, _)| v);
    let values = plan.values.iter().map(|(_, s)| s);
    let indices = (0..plan.values.len())
        .map(|i| syn::LitInt::new(&i.to_string(), proc_macro2::Span::call_site()));
    let rest = match &plan.catch_all {
        Some(catch_all) => quote!(open #catch_all),
        None => quote!(closed),
    };
    Ok(syn::parse_quote!(#rt::string_enum!(#ident, [#(#indices #variants = #values),*], #rest);))
}

/// The catch-all variant keeps a value this version does not know; an enum
/// holding a `String` is not `Copy`.
fn open_enum(e: &mut ItemEnum, catch_all: &syn::Ident) -> Result<(), String> {
    e.variants.push(syn::parse_quote! {
        /// A value this version of the crate does not know, kept as sent.
        #catch_all(::std::string::String)
    });
    attrs::remove(&mut e.attrs, COPY)?;
    let doc = format!(" Values this version does not know decode as `{catch_all}`.");
    // Before `#[non_exhaustive]`, where a type's prose ends.
    let at = e
        .attrs
        .iter()
        .position(|a| a.path().is_ident("non_exhaustive"))
        .unwrap_or(e.attrs.len());
    e.attrs.insert(at, syn::parse_quote!(#[doc = #doc]));
    e.attrs.insert(at, syn::parse_quote!(#[doc = ""]));
    Ok(())
}

/// The comparison derives typify gives a string enum, which the macro
/// implements instead.
const COMPARISONS: [Derive; 5] = [
    Derive::std(&["Eq"]),
    Derive::std(&["Hash"]),
    Derive::std(&["Ord"]),
    Derive::std(&["PartialEq"]),
    Derive::std(&["PartialOrd"]),
];

/// The traits of the four conversion impls, as tokens, in the order of
/// [`StringEnum::expected_impls`].
fn conversions() -> [String; 4] {
    [
        quote!(::std::fmt::Display),
        quote!(::std::str::FromStr),
        quote!(::std::convert::TryFrom<&str>),
        quote!(::std::convert::TryFrom<::std::string::String>),
    ]
    .map(|t| t.to_string())
}

/// An enum of unit variants, each serialized as one string, and the
/// catch-all variant it gets when it is open.
struct StringEnum {
    name: syn::Ident,
    values: Vec<(syn::Ident, String)>,
    catch_all: Option<syn::Ident>,
}

impl StringEnum {
    /// `None` for an enum of another kind (data variants, tagged unions);
    /// an error for attributes that do not parse.
    fn of(e: &ItemEnum) -> Result<Option<StringEnum>, String> {
        if !attrs::serde_metas(&e.attrs)?.is_empty() || e.variants.is_empty() {
            return Ok(None);
        }
        let mut values = Vec::new();
        for v in &e.variants {
            if !matches!(v.fields, Fields::Unit) {
                return Ok(None);
            }
            let mut value = v.ident.to_string();
            for meta in attrs::serde_metas(&v.attrs)? {
                match &meta {
                    Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                        value = string_literal(&nv.value).ok_or("a non-string rename")?;
                    }
                    _ => return Ok(None),
                }
            }
            values.push((v.ident.clone(), value));
        }
        Ok(Some(StringEnum {
            name: e.ident.clone(),
            values,
            catch_all: None,
        }))
    }

    /// typify's four impls for this enum, as typify writes them (closed: an
    /// open enum's conversions are the macro's).
    fn expected_impls(&self) -> [TokenStream; 4] {
        let name = &self.name;
        let variants: Vec<&syn::Ident> = self.values.iter().map(|(v, _)| v).collect();
        let strings: Vec<&String> = self.values.iter().map(|(_, s)| s).collect();
        let error = quote!(self::error::ConversionError);
        [
            quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self {
                            #(Self::#variants => f.write_str(#strings),)*
                        }
                    }
                }
            },
            quote! {
                impl ::std::str::FromStr for #name {
                    type Err = #error;
                    fn from_str(value: &str) -> ::std::result::Result<Self, #error> {
                        match value {
                            #(#strings => Ok(Self::#variants),)*
                            _ => Err("invalid value".into()),
                        }
                    }
                }
            },
            quote! {
                impl ::std::convert::TryFrom<&str> for #name {
                    type Error = #error;
                    fn try_from(value: &str) -> ::std::result::Result<Self, #error> {
                        value.parse()
                    }
                }
            },
            quote! {
                impl ::std::convert::TryFrom<::std::string::String> for #name {
                    type Error = #error;
                    fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, #error> {
                        value.parse()
                    }
                }
            },
        ]
    }
}

fn string_literal(expr: &syn::Expr) -> Option<String> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// typify's shape of a one-value string enum, with `display_arm` as the
    /// `Display` match and `derives` as its derive list.
    fn items_with(display_arm: TokenStream, derives: TokenStream) -> Vec<Item> {
        let file: syn::File = syn::parse2(quote! {
            #[derive(#derives)]
            pub enum Status {
                #[serde(rename = "on")]
                On,
            }
            impl ::std::fmt::Display for Status {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match *self { #display_arm }
                }
            }
            impl ::std::str::FromStr for Status {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    match value { "on" => Ok(Self::On), _ => Err("invalid value".into()), }
                }
            }
            impl ::std::convert::TryFrom<&str> for Status {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
            impl ::std::convert::TryFrom<::std::string::String> for Status {
                type Error = self::error::ConversionError;
                fn try_from(value: ::std::string::String) -> ::std::result::Result<Self, self::error::ConversionError> {
                    value.parse()
                }
            }
            impl ::std::default::Default for Status {
                fn default() -> Self { Self::On }
            }
        })
        .unwrap();
        file.items
    }

    /// typify's derives, with serde's paths under `serde` (`::serde`, or a
    /// spelling without the leading colons).
    fn derives_with(serde: TokenStream) -> TokenStream {
        quote!(#serde::Deserialize, #serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)
    }

    fn typify_derives() -> TokenStream {
        derives_with(quote!(::serde))
    }

    fn typify_items() -> Vec<Item> {
        items_with(quote!(Self::On => f.write_str("on"),), typify_derives())
    }

    fn open(names: &[&str]) -> BTreeMap<String, String> {
        names
            .iter()
            .map(|n| ((*n).to_owned(), format!("/components/schemas/{n}")))
            .collect()
    }

    fn compact(items: &mut Vec<Item>, open_names: &[&str]) -> Result<usize, CodegenError> {
        let open = open(open_names);
        let mut sites = Sites::default();
        sites.extend(&open);
        compact_string_enums(items, &quote!(crate), &open, &sites)
    }

    fn macro_name(item: &Item) -> Option<String> {
        match item {
            Item::Macro(m) => m.mac.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        }
    }

    #[test]
    fn typify_impls_become_one_invocation_and_other_impls_stay() {
        let mut items = typify_items();
        assert_eq!(compact(&mut items, &[]).unwrap(), 1);
        assert_eq!(items.len(), 3, "enum, invocation, Default impl");
        let Item::Enum(e) = &items[0] else { panic!() };
        assert!(
            attrs::has(&e.attrs, COPY).unwrap(),
            "a closed enum stays Copy"
        );
        assert!(!attrs::has(&e.attrs, SERIALIZE).unwrap());
        assert_eq!(macro_name(&items[1]).as_deref(), Some("string_enum"));
        assert!(matches!(&items[2], Item::Impl(_)));
    }

    #[test]
    fn an_open_enum_gets_its_catch_all_and_loses_copy() {
        let mut items = typify_items();
        compact(&mut items, &["Status"]).unwrap();
        let Item::Enum(e) = &items[0] else { panic!() };
        let last = e.variants.last().unwrap();
        assert_eq!(last.ident, UNKNOWN_VARIANT);
        assert!(matches!(&last.fields, Fields::Unnamed(f) if f.unnamed.len() == 1));
        assert!(!attrs::has(&e.attrs, COPY).unwrap());
        assert_eq!(macro_name(&items[1]).as_deref(), Some("string_enum"));
    }

    #[test]
    fn serde_derives_spelled_without_leading_colons_are_still_found() {
        let mut items = items_with(
            quote!(Self::On => f.write_str("on"),),
            derives_with(quote!(serde)),
        );
        compact(&mut items, &[]).unwrap();
        let Item::Enum(e) = &items[0] else { panic!() };
        assert!(!attrs::has(&e.attrs, DESERIALIZE).unwrap());
    }

    #[test]
    fn another_shape_fails_naming_the_enum_and_its_schema() {
        // An impl that disagrees with the serde name.
        let mut items = items_with(quote!(Self::On => f.write_str("ON"),), typify_derives());
        let e = compact(&mut items, &["Status"]).unwrap_err();
        assert_eq!(e.pointer, "/components/schemas/Status");
        assert!(
            e.reason.contains("`Status`") && e.reason.contains("`Display`"),
            "{e}"
        );
        // An impl missing.
        let mut items = typify_items();
        items.retain(|item| !matches!(item, Item::Impl(imp) if impl_of(imp).is_some_and(|(t, _)| t == "FromStr")));
        let e = compact(&mut items, &[]).unwrap_err();
        assert!(
            e.reason.contains("`Status`") && e.reason.contains("found 3 of its 4"),
            "{e}"
        );
        // A derive missing.
        let mut items = items_with(
            quote!(Self::On => f.write_str("on"),),
            quote!(::serde::Deserialize, ::serde::Serialize, Clone, Debug),
        );
        let e = compact(&mut items, &[]).unwrap_err();
        assert!(
            e.reason.contains("`Status`") && e.reason.contains("does not derive `Eq`"),
            "{e}"
        );
        // An open enum typify did not make, or made another kind of.
        let mut items = typify_items();
        let e = compact(&mut items, &["Missing"]).unwrap_err();
        assert!(
            e.reason.contains("`Missing`") && e.reason.contains("no such enum"),
            "{e}"
        );
        let file: syn::File = syn::parse_quote!(
            pub enum Kind {
                A(String),
            }
        );
        let mut items = file.items;
        let e = compact(&mut items, &["Kind"]).unwrap_err();
        assert!(e.reason.contains("not an enum of unit variants"), "{e}");
    }
}
