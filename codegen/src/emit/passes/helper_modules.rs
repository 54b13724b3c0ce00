//! typify's two helper modules inside `types` are not API: `error` holds its
//! `ConversionError` (the error of every generated `FromStr`, `TryFrom` and
//! builder), whose shape follows the generator, and `defaults` the functions
//! serde's defaults call. `error` becomes a private re-export of the
//! hand-written `kombo::ConversionError`, so the generated paths
//! (`self::error::ConversionError`) resolve to a type whose shape is ours;
//! `defaults` becomes private, and goes when empty. A module in another
//! shape fails generation naming it.

use proc_macro2::TokenStream;
use syn::{Item, ItemMod};

use crate::error::CodegenError;

/// Rewrites `error` and `defaults` among the items of `types`.
pub(crate) fn privatize(items: &mut Vec<Item>, krate: &TokenStream) -> Result<(), CodegenError> {
    let mut kept = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        match item {
            Item::Mod(m) if m.ident == "error" => {
                check_error_module(&m)?;
                kept.push(syn::parse_quote! {
                    mod error {
                        pub use #krate::ConversionError;
                    }
                });
            }
            Item::Mod(mut m) if m.ident == "defaults" => {
                if m.content
                    .as_ref()
                    .is_some_and(|(_, inner)| !inner.is_empty())
                {
                    m.vis = syn::Visibility::Inherited;
                    kept.push(Item::Mod(m));
                }
            }
            other => kept.push(other),
        }
    }
    *items = kept;
    Ok(())
}

/// typify's `error` module holds `ConversionError` and its impls, nothing
/// else; anything more would be lost by the re-export.
fn check_error_module(m: &ItemMod) -> Result<(), CodegenError> {
    let shape_error = |why: String| {
        CodegenError::at(
            "",
            format!(
                "post-processing: typify's module `types::error` is not in the shape typify 0.8 emits: {why}"
            ),
        )
    };
    let Some((_, inner)) = &m.content else {
        return Err(shape_error("it has no body".into()));
    };
    let mut has_struct = false;
    for item in inner {
        match item {
            Item::Struct(s) if s.ident == "ConversionError" => has_struct = true,
            Item::Impl(i)
                if super::self_type_name(&i.self_ty).as_deref() == Some("ConversionError") => {}
            other => {
                let tokens = quote::ToTokens::to_token_stream(other).to_string();
                let head: String = tokens.chars().take(60).collect();
                return Err(shape_error(format!("it holds another item: `{head}…`")));
            }
        }
    }
    if !has_struct {
        return Err(shape_error("it defines no `ConversionError`".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn items(tokens: TokenStream) -> Vec<Item> {
        syn::parse2::<syn::File>(tokens).unwrap().items
    }

    #[test]
    fn typify_modules_become_private_and_an_empty_one_goes() {
        let mut types = items(quote! {
            pub mod defaults {}
            pub mod error {
                pub struct ConversionError(::std::borrow::Cow<'static, str>);
                impl From<String> for ConversionError {
                    fn from(value: String) -> Self { Self(value.into()) }
                }
            }
            pub struct Kept;
        });
        privatize(&mut types, &quote!(crate)).unwrap();
        let [Item::Mod(error), Item::Struct(kept)] = types.as_slice() else {
            panic!("{} items", types.len());
        };
        assert_eq!(error.ident, "error");
        assert!(matches!(error.vis, syn::Visibility::Inherited));
        assert_eq!(kept.ident, "Kept");
    }

    #[test]
    fn another_shape_of_the_error_module_is_an_error_naming_it() {
        let mut types = items(quote! {
            pub mod error {
                pub struct ConversionError(String);
                pub fn helper() {}
            }
        });
        let e = privatize(&mut types, &quote!(crate))
            .unwrap_err()
            .to_string();
        assert!(e.contains("types::error") && e.contains("helper"), "{e}");
        let mut types = items(quote! { pub mod error { pub struct Other; } });
        let e = privatize(&mut types, &quote!(crate))
            .unwrap_err()
            .to_string();
        assert!(e.contains("types::error"), "{e}");
    }
}
