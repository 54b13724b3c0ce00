//! Carriers: the types that exist only so typify names the operations'
//! parameter, body and response types; their own items are dropped. Each
//! carrier must be found as a struct, or generation fails naming it.

use std::collections::BTreeSet;

use syn::Item;

use super::Sites;
use crate::error::CodegenError;

/// Removes every item of `types` that defines or implements a carrier.
pub(crate) fn remove(
    items: &mut Vec<Item>,
    names: &BTreeSet<String>,
    sites: &Sites,
) -> Result<(), CodegenError> {
    let mut found = BTreeSet::new();
    items.retain(|item| match super::subject(item) {
        Some(name) if names.contains(&name) => {
            if matches!(item, Item::Struct(_)) {
                found.insert(name);
            }
            false
        }
        _ => true,
    });
    match names.iter().find(|n| !found.contains(*n)) {
        Some(missing) => Err(sites.error("carriers", missing, "typify made no struct for it")),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriers_go_and_a_missing_one_is_named() {
        let file: syn::File = syn::parse_quote!(
            pub struct OpIo { pub body: Body }
            impl From<&OpIo> for OpIo { fn from(v: &OpIo) -> Self { todo!() } }
            pub struct Body;
        );
        let mut items = file.items;
        let names = BTreeSet::from(["OpIo".to_owned()]);
        remove(&mut items, &names, &Sites::default()).unwrap();
        assert_eq!(items.len(), 1);
        // typify named it otherwise (a bump): the error names the carrier.
        let file: syn::File = syn::parse_quote!(
            pub enum OpIo {
                A,
            }
        );
        let mut items = file.items;
        let e = remove(&mut items, &names, &Sites::default()).unwrap_err();
        assert!(
            e.reason.contains("`OpIo`") && e.reason.contains("carriers"),
            "{e}"
        );
    }
}
