//! Gate: with one Cargo feature per tag, a type is compiled only when a tag
//! whose operations reach it is on — `#[cfg(any(feature = "hris", …))]` on
//! its definition and on every item that names it (impls, builders, serde
//! default functions). Which tags reach which type is asked of the type
//! space, not re-derived from the spec; a type nothing but webhooks or no
//! operation reaches (error envelopes, webhook payloads) is always compiled.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::Item;

use crate::name::tag_feature;

/// Type name → the tag modules whose operations reach it.
pub type Reach = BTreeMap<String, BTreeSet<String>>;

/// Adds the `cfg` each item of `items` (recursively, through `defaults` and
/// `builder`) needs; returns how many items were gated.
pub fn gate_types(items: &mut [Item], reach: &Reach) -> usize {
    let mut gated = 0;
    for item in items.iter_mut() {
        if let Item::Mod(m) = item
            && let Some((_, inner)) = m.content.as_mut()
        {
            gated += gate_types(inner, reach);
            continue;
        }
        let mut needs: BTreeSet<&BTreeSet<String>> = BTreeSet::new();
        mentioned(item.to_token_stream(), reach, &mut needs);
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
    gated
}

/// Every gated type an item's tokens name.
fn mentioned<'a>(tokens: TokenStream, reach: &'a Reach, out: &mut BTreeSet<&'a BTreeSet<String>>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                if let Some(tags) = reach.get(&ident.to_string()) {
                    out.insert(tags);
                }
            }
            TokenTree::Group(group) => mentioned(group.stream(), reach, out),
            _ => {}
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
    use super::*;

    #[test]
    fn items_naming_a_gated_type_get_its_tags() {
        let mut file: syn::File = syn::parse_quote! {
            pub struct Employee { pub team: Team }
            pub struct Team { pub name: String }
            impl From<&Team> for Team { fn from(v: &Team) -> Self { v.clone() } }
            pub struct ErrorEnvelope { pub message: String }
            pub mod defaults {
                pub(super) fn team() -> super::Team { todo!() }
            }
        };
        let reach = Reach::from([
            ("Employee".to_owned(), BTreeSet::from(["hris".to_owned()])),
            (
                "Team".to_owned(),
                BTreeSet::from(["hris".to_owned(), "ai_apply".to_owned()]),
            ),
        ]);
        assert_eq!(gate_types(&mut file.items, &reach), 4);
        // The features each item's cfg names, by the item's position.
        let features = |item: &Item| -> Vec<String> {
            let attrs = match item {
                Item::Struct(i) => &i.attrs,
                Item::Impl(i) => &i.attrs,
                Item::Fn(i) => &i.attrs,
                _ => return Vec::new(),
            };
            let mut out: Vec<String> = attrs
                .iter()
                .filter(|a| a.path().is_ident("cfg"))
                .flat_map(|a| {
                    a.meta
                        .to_token_stream()
                        .to_string()
                        .split('"')
                        .skip(1)
                        .step_by(2)
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .collect();
            out.sort();
            out.dedup();
            out
        };
        assert_eq!(features(&file.items[0]), ["ai-apply", "hris"]);
        assert_eq!(features(&file.items[1]), ["ai-apply", "hris"]);
        assert_eq!(features(&file.items[2]), ["ai-apply", "hris"]);
        assert!(features(&file.items[3]).is_empty(), "an ungated type");
        let Item::Mod(defaults) = &file.items[4] else {
            panic!()
        };
        assert_eq!(
            features(&defaults.content.as_ref().unwrap().1[0]),
            ["ai-apply", "hris"]
        );
    }
}
