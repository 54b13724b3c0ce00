//! The checked passes over typify's output (the items of `types`), in the
//! order [`super::generate`] runs them. Every pass has one shape:
//!
//! - it is given the exact items it must change (the carriers, the types the
//!   normalizer opened, the roles of the operations' types) or a rule that
//!   holds for every item of a kind;
//! - it reads what it matches once, as syntax (paths, attributes, impls),
//!   never as token text;
//! - it returns a `Result`, and an item not in the shape typify 0.8 writes is
//!   an error naming the item and the JSON pointer of its schema
//!   ([`Sites::error`]), so a generator bump cannot leave the output
//!   half-changed. The one fallback — a struct with serde attributes the
//!   macros do not take keeps serde's derive (`compact/structs.rs`) — is
//!   documented there and tested.
//!
//! 1. [`carriers`]: the operations' carrier types go;
//! 2. [`helper_modules`]: typify's `error` becomes `kombo::ConversionError`,
//!    `defaults` private;
//! 3. [`open_unions`]: the normalizer's open unions get `UnknownVariant`;
//! 4. [`growable`]: every struct and enum is `#[non_exhaustive]`;
//! 5. [`compact`]: string enums become `string_enum!` (open ones with their
//!    catch-all), struct serde derives `deserialize_struct!` /
//!    `serialize_struct!`, unions' `Deserialize` derive `deserialize_union!`;
//! 6. [`roles`]: a received-only type's `Serialize` behind the opt-in feature;
//! 7. [`gate`]: each type behind the tag features that reach it.

use std::collections::BTreeMap;

use syn::Item;

use crate::error::{CodegenError, push_pointer};
use crate::name::rust_type_name;

pub(crate) mod attrs;
pub(super) mod carriers;
pub(super) mod compact;
pub(super) mod gate;
pub(super) mod growable;
pub(super) mod helper_modules;
pub(super) mod open_unions;
pub(super) mod roles;

/// Where each generated type's schema is: component schemas by their Rust
/// name, the types the normalizer named (open types, carriers), and for an
/// inline type typify named after its parent (`ParentField`), the nearest
/// named parent.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sites {
    pointers: BTreeMap<String, String>,
}

impl Sites {
    /// The sites of a normalized document's component schemas.
    pub(crate) fn of(doc: &serde_json::Value) -> Self {
        let pointers = crate::walk::component_names(doc)
            .into_iter()
            .map(|key| {
                (
                    rust_type_name(&key),
                    push_pointer("/components/schemas", &key),
                )
            })
            .collect();
        Sites { pointers }
    }

    /// Adds types the normalizer named, with their pointers.
    pub(crate) fn extend<'a>(&mut self, named: impl IntoIterator<Item = (&'a String, &'a String)>) {
        for (name, pointer) in named {
            self.pointers.insert(name.clone(), pointer.clone());
        }
    }

    /// The pointer of type `name`'s schema, or of its nearest named parent.
    pub(crate) fn pointer(&self, name: &str) -> String {
        if let Some(pointer) = self.pointers.get(name) {
            return pointer.clone();
        }
        self.pointers
            .range(..=name.to_owned())
            .rev()
            .take_while(|(known, _)| name.chars().next() == known.chars().next())
            .find(|(known, _)| name.starts_with(known.as_str()))
            .map(|(_, pointer)| pointer.clone())
            .unwrap_or_default()
    }

    /// `pass` found type `name` in another shape than typify 0.8 writes.
    pub(crate) fn error(&self, pass: &str, name: &str, why: &str) -> CodegenError {
        CodegenError::at(
            self.pointer(name),
            format!(
                "post-processing ({pass}): type `{name}` is not in the shape typify 0.8 emits: {why}"
            ),
        )
    }
}

/// The name of the type an item defines or implements (`impl X`, `impl T
/// for X<'a>`), if any.
pub(crate) fn subject(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Enum(e) => Some(e.ident.to_string()),
        Item::Impl(i) => self_type_name(&i.self_ty),
        _ => None,
    }
}

/// The last segment of a type path (`Foo<'a>` → `Foo`).
pub(crate) fn self_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_is_located_at_its_schema_or_its_nearest_named_parent() {
        let doc = serde_json::json!({"components": {"schemas": {
            "Job": {}, "JobPosting": {}, "Zeta": {}
        }}});
        let sites = Sites::of(&doc);
        assert_eq!(sites.pointer("Job"), "/components/schemas/Job");
        assert_eq!(
            sites.pointer("JobPostingStatus"),
            "/components/schemas/JobPosting"
        );
        assert_eq!(sites.pointer("JobStatus"), "/components/schemas/Job");
        assert_eq!(sites.pointer("Other"), "");
        let e = sites.error("gate", "JobStatus", "why");
        assert_eq!(e.pointer, "/components/schemas/Job");
        assert!(
            e.reason.contains("(gate)") && e.reason.contains("`JobStatus`"),
            "{e}"
        );
    }
}
