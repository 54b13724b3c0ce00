//! Strip: the carrier types exist only so typify names the operations'
//! parameter, body and response types; their own items are dropped. Each
//! carrier must be found, or generation fails naming it.

use std::collections::BTreeSet;

use syn::Item;

use crate::error::CodegenError;

/// Removes every item of `types` that defines or implements a carrier.
pub(super) fn carriers(
    items: &mut Vec<Item>,
    names: &BTreeSet<String>,
) -> Result<(), CodegenError> {
    let mut found = BTreeSet::new();
    items.retain(|item| {
        let name = match item {
            Item::Struct(s) => Some(s.ident.to_string()),
            Item::Impl(i) => super::self_type_name(&i.self_ty),
            _ => None,
        };
        match name {
            Some(name) if names.contains(&name) => {
                if matches!(item, Item::Struct(_)) {
                    found.insert(name);
                }
                false
            }
            _ => true,
        }
    });
    match names.iter().find(|n| !found.contains(*n)) {
        Some(missing) => Err(CodegenError::at(
            "",
            format!("post-processing: typify made no carrier struct `{missing}`"),
        )),
        None => Ok(()),
    }
}
