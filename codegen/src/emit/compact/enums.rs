//! String enums: serde's derives, the comparison derives, `Display`,
//! `FromStr` and two `TryFrom` impls per enum become `string_enum!(Name,
//! [0 Variant = "value", …], open
//! Catchall | closed)`. Before that, each impl must be typify's, mapping
//! every variant to the string its serde attributes give it — so the
//! macro, which takes those strings, behaves the same.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, Item, ItemEnum, Meta};

use super::{impl_of, same, shape_error};
use crate::emit::serde_metas;
use crate::error::CodegenError;

/// Replaces the conversion impls of every string enum in `types`; returns
/// how many enums were compacted.
pub fn compact_string_enums(file: &mut syn::File, rt: &TokenStream) -> Result<usize, CodegenError> {
    let items = crate::emit::types_items(file)?;
    let enums: BTreeMap<String, StringEnum> = items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) => StringEnum::of(e).transpose(),
            _ => None,
        })
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|e| (e.name.to_string(), e))
        .collect();

    // Rendered once per enum: comparing is the pass's main cost.
    let expected: BTreeMap<&String, [String; 4]> = enums
        .iter()
        .map(|(name, e)| (name, e.expected_impls().map(|t| t.to_string())))
        .collect();
    let conversions = conversions();
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
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
                return Err(shape_error("string enum", &name, &why));
            }
            *found.entry(name).or_default() += 1;
            continue;
        }
        let invocation: Option<Item> = match &mut item {
            Item::Enum(e) if enums.contains_key(&e.ident.to_string()) => {
                let found = &enums[&e.ident.to_string()];
                // The macro writes the serde impls; the spelling of each
                // value moves from the variants' attributes into it.
                if !super::remove_serde_derives(&mut e.attrs) {
                    let why = "it does not derive serde's `Serialize` and `Deserialize`";
                    return Err(shape_error("string enum", &found.name.to_string(), why));
                }
                // The macro compares as these derives did (by variant, then
                // the kept string), with one small impl each.
                for derive in COMPARISONS {
                    if !super::remove_derive(&mut e.attrs, derive) {
                        let why = format!("it does not derive `{derive}`");
                        return Err(shape_error("string enum", &found.name.to_string(), &why));
                    }
                }
                for variant in &mut e.variants {
                    variant.attrs.retain(|a| !a.path().is_ident("serde"));
                }
                let ident = &e.ident;
                let variants = found.values.iter().map(|(v, _)| v);
                let values = found.values.iter().map(|(_, s)| s);
                let indices = (0..found.values.len())
                    .map(|i| syn::LitInt::new(&i.to_string(), proc_macro2::Span::call_site()));
                let rest = match &found.catch_all {
                    Some(catch_all) => quote!(open #catch_all),
                    None => quote!(closed),
                };
                Some(
                    syn::parse_quote!(#rt::string_enum!(#ident, [#(#indices #variants = #values),*], #rest);),
                )
            }
            _ => None,
        };
        kept.push(item);
        kept.extend(invocation);
    }
    *items = kept;
    super::check_all_found("string enum", "conversion impls", enums.keys(), &found, 4)?;
    Ok(enums.len())
}

/// The comparison derives typify gives a string enum, which the macro
/// implements instead.
const COMPARISONS: [&str; 5] = ["Eq", "Hash", "Ord", "PartialEq", "PartialOrd"];

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

/// An enum of unit variants, each serialized as one string, and maybe the
/// catch-all variant an open enum got (`#[serde(untagged)] X(String)`).
struct StringEnum {
    name: syn::Ident,
    values: Vec<(syn::Ident, String)>,
    catch_all: Option<syn::Ident>,
}

impl StringEnum {
    /// `None` for an enum of another kind (data variants, tagged unions).
    fn of(e: &ItemEnum) -> Result<Option<StringEnum>, CodegenError> {
        let name = e.ident.to_string();
        if e.attrs.iter().any(|a| a.path().is_ident("serde")) || e.variants.is_empty() {
            return Ok(None);
        }
        let mut values = Vec::new();
        let mut catch_all = None;
        let last = e.variants.len() - 1;
        for (i, v) in e.variants.iter().enumerate() {
            let serde = serde_metas(&v.attrs);
            match &v.fields {
                Fields::Unit => {
                    let mut value = v.ident.to_string();
                    for meta in &serde {
                        match meta {
                            Meta::NameValue(nv) if nv.path.is_ident("rename") => {
                                value = string_literal(&nv.value).ok_or_else(|| {
                                    shape_error("string enum", &name, "a non-string rename")
                                })?;
                            }
                            _ => return Ok(None),
                        }
                    }
                    values.push((v.ident.clone(), value));
                }
                Fields::Unnamed(f)
                    if i == last
                        && f.unnamed.len() == 1
                        && serde.len() == 1
                        && matches!(&serde[0], Meta::Path(p) if p.is_ident("untagged")) =>
                {
                    catch_all = Some(v.ident.clone());
                }
                _ => return Ok(None),
            }
        }
        Ok(Some(StringEnum {
            name: e.ident.clone(),
            values,
            catch_all,
        }))
    }

    /// typify's four impls for this enum (with the catch-all arms
    /// `open_enums` adds to `Display` and `FromStr`).
    fn expected_impls(&self) -> [TokenStream; 4] {
        let name = &self.name;
        let variants: Vec<&syn::Ident> = self.values.iter().map(|(v, _)| v).collect();
        let strings: Vec<&String> = self.values.iter().map(|(_, s)| s).collect();
        let (display_rest, from_str_rest) = match &self.catch_all {
            Some(u) => (
                quote!(Self::#u(ref value) => f.write_str(value),),
                quote!(_ => Ok(Self::#u(value.to_string())),),
            ),
            None => (quote!(), quote!(_ => Err("invalid value".into()),)),
        };
        let error = quote!(self::error::ConversionError);
        [
            quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        match *self {
                            #(Self::#variants => f.write_str(#strings),)*
                            #display_rest
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
                            #from_str_rest
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

    fn file_with(display_arm: TokenStream) -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
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
            }
        })
        .unwrap()
    }

    #[test]
    fn typify_impls_become_one_invocation_and_other_impls_stay() {
        let mut file = file_with(quote!(Self::On => f.write_str("on"),));
        assert_eq!(compact_string_enums(&mut file, &quote!(crate)).unwrap(), 1);
        let types = crate::emit::types_items(&mut file).unwrap();
        assert_eq!(types.len(), 3, "enum, invocation, Default impl");
        assert!(
            matches!(&types[1], Item::Macro(m) if m.mac.path.segments.last().unwrap().ident == "string_enum")
        );
        assert!(matches!(&types[2], Item::Impl(_)));
    }

    #[test]
    fn an_impl_that_disagrees_with_the_serde_name_fails_naming_the_enum() {
        let mut file = file_with(quote!(Self::On => f.write_str("ON"),));
        let e = compact_string_enums(&mut file, &quote!(crate)).unwrap_err();
        assert!(
            e.reason.contains("`Status`") && e.reason.contains("`Display`"),
            "{e}"
        );
    }

    #[test]
    fn an_enum_missing_one_of_its_impls_fails_naming_it() {
        let mut file = file_with(quote!(Self::On => f.write_str("on"),));
        let types = crate::emit::types_items(&mut file).unwrap();
        types.retain(|item| {
            !matches!(item, Item::Impl(imp) if quote!(#imp).to_string().contains("TryFrom < :: std :: string :: String >"))
        });
        let e = compact_string_enums(&mut file, &quote!(crate)).unwrap_err();
        assert!(
            e.reason.contains("`Status`") && e.reason.contains("found 3 of its 4"),
            "{e}"
        );
    }
}
