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

use super::compact::{derive_list, remove_derive};
use super::types::{TypeIndex, io_key, params_key};
use crate::error::CodegenError;
use crate::model::{Body, Operation};

/// The types requests send, and the feature that turns on `Serialize` for
/// the others (`None`: every type serializes).
pub struct Roles {
    sent: BTreeSet<String>,
    feature: Option<String>,
}

impl Roles {
    /// Roles from the sent types' names.
    #[cfg(test)]
    pub fn new(sent: BTreeSet<String>, feature: Option<String>) -> Self {
        Roles { sent, feature }
    }

    /// Roles of the operations' types: what their parameters and JSON bodies
    /// reach is sent.
    pub fn of(
        index: &TypeIndex,
        ops: &[Operation],
        feature: Option<String>,
    ) -> Result<Self, CodegenError> {
        let mut sent = BTreeSet::new();
        for op in ops {
            let mut fields = Vec::new();
            if let Ok(params) = index.component_fields(&params_key(&op.operation_id)) {
                fields.extend(params);
            }
            if matches!(op.body, Some(Body::Json { .. })) {
                let io = index.component_fields(&io_key(&op.operation_id))?;
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
    pub fn serialize_gate(&self, name: &str) -> TokenStream {
        match &self.feature {
            Some(feature) if !self.sent.contains(name) => quote!(#[cfg(feature = #feature)]),
            _ => quote!(),
        }
    }

    /// Puts serde's `Serialize` derive of every received-only struct and
    /// enum still deriving it behind the feature; returns how many.
    pub fn gate_serialize_derives(&self, items: &mut [Item]) -> usize {
        let Some(feature) = &self.feature else {
            return 0;
        };
        let mut gated = 0;
        for item in items.iter_mut() {
            let (name, attrs) = match item {
                Item::Struct(s) => (s.ident.to_string(), &mut s.attrs),
                Item::Enum(e) => (e.ident.to_string(), &mut e.attrs),
                _ => continue,
            };
            let derives = derive_list(attrs);
            // The field attributes stay valid only while `Deserialize` is
            // still derived.
            let both = ["Serialize", "Deserialize"]
                .iter()
                .all(|d| derives.iter().any(|x| x == d));
            if self.sent.contains(&name) || !both {
                continue;
            }
            remove_derive(attrs, "::serde::Serialize");
            attrs.push(
                syn::parse_quote!(#[cfg_attr(feature = #feature, derive(::serde::Serialize))]),
            );
            gated += 1;
        }
        gated
    }
}
