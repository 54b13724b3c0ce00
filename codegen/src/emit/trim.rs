//! Struct builders only where users build values: typify emits a builder
//! (`types::builder::X`, `X::builder()`) for every struct, but a value is only
//! ever built for a request. Builders of types no request body reaches
//! (responses, webhook payloads) are removed — about half of the generated
//! lines of a Kombo-sized client.

use std::collections::BTreeSet;

use syn::visit::Visit;
use syn::{ImplItem, Item};

use crate::error::CodegenError;

/// Keeps the builders of request body types and of every type they reach.
pub fn unused_builders(file: &mut syn::File) -> Result<usize, CodegenError> {
    let roots = body_builder_types(file);
    let types = super::types_items(file)?;
    let keep = reachable(types, roots);
    let mut removed = 0;
    for item in types.iter_mut() {
        let Item::Mod(m) = item else { continue };
        if m.ident != "builder" {
            continue;
        }
        if let Some((_, items)) = m.content.as_mut() {
            let before = items.len();
            items.retain(|i| item_type(i).is_none_or(|name| keep.contains(&name)));
            removed += before - items.len();
        }
    }
    // `X::builder()` of a type whose builder is gone.
    for item in types.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        let Some(name) = super::self_type_name(&imp.self_ty) else {
            continue;
        };
        if imp.trait_.is_none() && !keep.contains(&name) {
            imp.items
                .retain(|i| !matches!(i, ImplItem::Fn(f) if f.sig.ident == "builder"));
        }
    }
    types.retain(
        |item| !matches!(item, Item::Impl(imp) if imp.trait_.is_none() && imp.items.is_empty()),
    );
    Ok(removed)
}

/// `X` of every `types::builder::X` the operation builders hold.
fn body_builder_types(file: &syn::File) -> BTreeSet<String> {
    struct Finder(BTreeSet<String>);
    impl<'a> Visit<'a> for Finder {
        fn visit_path(&mut self, path: &'a syn::Path) {
            let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if let [types, builder, name] = names.as_slice()
                && types == "types"
                && builder == "builder"
            {
                self.0.insert(name.clone());
            }
            syn::visit::visit_path(self, path);
        }
    }
    let mut finder = Finder(BTreeSet::new());
    for item in &file.items {
        if matches!(item, Item::Mod(m) if m.ident == "builder") {
            finder.visit_item(item);
        }
    }
    finder.0
}

/// The named types `roots` reach through their fields and variants.
fn reachable(types: &[Item], roots: BTreeSet<String>) -> BTreeSet<String> {
    struct Names(BTreeSet<String>);
    impl<'a> Visit<'a> for Names {
        fn visit_path_segment(&mut self, segment: &'a syn::PathSegment) {
            self.0.insert(segment.ident.to_string());
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut keep = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(name) = todo.pop() {
        if !keep.insert(name.clone()) {
            continue;
        }
        let mut names = Names(BTreeSet::new());
        for item in types {
            match item {
                Item::Struct(s) if s.ident == name => names.visit_fields(&s.fields),
                Item::Enum(e) if e.ident == name => e
                    .variants
                    .iter()
                    .for_each(|v| names.visit_fields(&v.fields)),
                _ => {}
            }
        }
        todo.extend(names.0.into_iter().filter(|n| !keep.contains(n)));
    }
    keep
}

/// The builder type an item of `types::builder` belongs to.
fn item_type(item: &Item) -> Option<String> {
    match item {
        Item::Struct(s) => Some(s.ident.to_string()),
        Item::Impl(imp) => {
            let own = super::self_type_name(&imp.self_ty)?;
            // `impl TryFrom<builder::X> for super::X` belongs to `X` too.
            Some(own)
        }
        _ => None,
    }
}
