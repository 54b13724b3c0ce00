//! Roles: which serde impls a type needs. A type a request sends (a body, a
//! parameter, or anything either reaches) serializes; a type the client only
//! receives (responses, webhook payloads, error envelopes) needs
//! `Deserialize` alone, and its `Serialize` impl is compiled only with the
//! opt-in feature ([`crate::emit::Options::serialize_feature`]) — serde's
//! impls are most of what rustc compiles of a generated client, and the
//! received types are most of the types.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::Item;

use super::Sites;
use super::attrs::{self, DESERIALIZE, SERIALIZE};
use crate::emit::types::TypeIndex;
use crate::error::CodegenError;
use crate::model::{Body, Carrier, Operation};

/// The types requests send, and the feature that turns on `Serialize` for
/// the others (`None`: every type serializes).
pub(crate) struct Roles {
    sent: BTreeSet<String>,
    feature: Option<String>,
}

impl Roles {
    /// Roles from the sent types' names.
    #[cfg(test)]
    pub(crate) fn new(sent: BTreeSet<String>, feature: Option<String>) -> Self {
        Roles { sent, feature }
    }

    /// Roles of the operations' types: what their parameters and JSON bodies
    /// reach is sent.
    pub(crate) fn of(
        index: &TypeIndex,
        ops: &[Operation],
        feature: Option<String>,
    ) -> Result<Self, CodegenError> {
        let mut sent = BTreeSet::new();
        for op in ops {
            let mut fields = Vec::new();
            if let Ok(params) = index.component_fields(&Carrier::Params.key(&op.operation_id)) {
                fields.extend(params);
            }
            if matches!(op.body, Some(Body::Json { .. })) {
                let io = index.component_fields(&Carrier::Io.key(&op.operation_id))?;
                fields.extend(io.into_iter().filter(|f| f.name == "body"));
            }
            for field in &fields {
                index.reached(&field.type_id, &mut sent);
            }
        }
        Ok(Roles { sent, feature })
    }

    /// The `cfg` on the `Serialize` impl of type `name`: none for a sent
    /// type, or when every type serializes.
    pub(crate) fn serialize_gate(&self, name: &str) -> TokenStream {
        match &self.feature {
            Some(feature) if !self.sent.contains(name) => quote!(#[cfg(feature = #feature)]),
            _ => quote!(),
        }
    }

    /// The feature behind which type `name`'s `Serialize` is compiled:
    /// `None` for a sent type, or when every type serializes.
    pub(crate) fn received_only(&self, name: &str) -> Option<&str> {
        self.feature
            .as_deref()
            .filter(|_| !self.sent.contains(name))
    }

    /// Puts serde's `Serialize` derive of every received-only struct and
    /// enum still deriving it behind the feature; returns how many. A type
    /// that derives `Serialize` but implements `Deserialize` by hand (typify's
    /// constrained newtypes) keeps it: its serde attributes are valid only
    /// while a serde derive is there.
    pub(crate) fn gate_serialize_derives(
        &self,
        items: &mut [Item],
        sites: &Sites,
    ) -> Result<usize, CodegenError> {
        let Some(feature) = &self.feature else {
            return Ok(0);
        };
        let mut gated = 0;
        for item in items.iter_mut() {
            let (name, attrs) = match item {
                Item::Struct(s) => (s.ident.to_string(), &mut s.attrs),
                Item::Enum(e) => (e.ident.to_string(), &mut e.attrs),
                _ => continue,
            };
            if self.sent.contains(&name) {
                continue;
            }
            let err = |why: String| sites.error("roles", &name, &why);
            let both = attrs::has(attrs, SERIALIZE).map_err(err)?
                && attrs::has(attrs, DESERIALIZE).map_err(err)?;
            if !both {
                continue;
            }
            attrs::take(attrs, SERIALIZE).map_err(err)?;
            attrs.push(
                syn::parse_quote!(#[cfg_attr(feature = #feature, derive(::serde::Serialize))]),
            );
            gated += 1;
        }
        Ok(gated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(sent: &[&str]) -> Roles {
        Roles::new(
            sent.iter().map(|s| s.to_string()).collect(),
            Some("serialize-responses".into()),
        )
    }

    #[test]
    fn a_received_only_type_serializes_behind_the_feature() {
        let file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            pub struct Received { pub id: String }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            pub struct Sent { pub id: String }
            #[derive(::serde::Serialize, Clone)]
            #[serde(transparent)]
            pub struct Checked(String);
        };
        let mut items = file.items;
        let gated = roles(&["Sent"])
            .gate_serialize_derives(&mut items, &Sites::default())
            .unwrap();
        assert_eq!(gated, 1);
        let serializes = |item: &Item| match item {
            Item::Struct(s) => attrs::has(&s.attrs, SERIALIZE).unwrap(),
            _ => unreachable!(),
        };
        assert!(!serializes(&items[0]), "behind cfg_attr");
        let Item::Struct(received) = &items[0] else {
            panic!()
        };
        assert!(received.attrs.iter().any(|a| a.path().is_ident("cfg_attr")));
        assert!(serializes(&items[1]), "a sent type always serializes");
        assert!(
            serializes(&items[2]),
            "its serde attribute needs the derive"
        );
    }

    #[test]
    fn an_unreadable_derive_list_is_an_error_naming_the_type() {
        let file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, = )]
            pub struct Received { pub id: String }
        };
        let mut items = file.items;
        let e = roles(&[])
            .gate_serialize_derives(&mut items, &Sites::default())
            .unwrap_err();
        assert!(
            e.reason.contains("`Received`") && e.reason.contains("(roles)"),
            "{e}"
        );
    }
}
