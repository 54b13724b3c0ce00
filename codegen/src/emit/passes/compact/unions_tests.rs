use std::collections::BTreeSet;

use super::*;

fn format() -> ItemEnum {
    syn::parse_quote! {
        #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
        #[serde(tag = "type")]
        pub enum Format {
            #[serde(rename = "TEXT")]
            Text {
                #[serde(skip_serializing_if = "Option::is_none")]
                max_length: Option<i64>,
                #[serde(rename = "type", default = "defaults::kind")]
                kind_: String,
            },
            #[serde(rename = "FILE")]
            File(FileFormat),
            Boolean,
            #[serde(other)]
            UnknownVariant,
        }
    }
}

fn compact(e: ItemEnum, sent: &[&str]) -> Result<Vec<Item>, CodegenError> {
    let sent: BTreeSet<String> = sent.iter().map(|s| s.to_string()).collect();
    let roles = Roles::new(sent, Some("serialize-responses".into()));
    let mut items = vec![Item::Enum(e)];
    compact_unions(&mut items, &quote!(crate), &roles, &Sites::default())?;
    Ok(items)
}

fn ident(s: &str) -> syn::Ident {
    syn::Ident::new(s, proc_macro2::Span::call_site())
}

#[test]
fn the_plan_has_the_tag_each_variants_wire_name_shape_and_the_catch_all() {
    let plan = plan(&format()).unwrap().expect("typify's shape");
    assert_eq!(plan.kind, Kind::Internal("type".into()));
    assert_eq!(plan.other, Some(ident("UnknownVariant")));
    let path = |p: &Option<syn::Path>| p.as_ref().map(|p| quote!(#p).to_string());
    let shapes: Vec<(String, &str)> = plan
        .variants
        .iter()
        .map(|v| (v.ident.to_string(), v.wire.as_str()))
        .collect();
    assert_eq!(
        shapes,
        [
            ("Text".into(), "TEXT"),
            ("File".into(), "FILE"),
            ("Boolean".into(), "Boolean"),
        ]
    );
    let Shape::Struct(fields) = &plan.variants[0].shape else {
        panic!("Text is a struct variant")
    };
    assert_eq!(fields[0].wire, "max_length");
    assert_eq!(path(&fields[0].default), None);
    assert_eq!(fields[1].wire, "type");
    assert_eq!(
        path(&fields[1].default),
        path(&Some(syn::parse_quote!(defaults::kind))),
        "the field's default is kept"
    );
    assert!(matches!(plan.variants[1].shape, Shape::Newtype));
    assert!(matches!(plan.variants[2].shape, Shape::Unit));
}

#[test]
fn adjacent_and_untagged_unions_are_planned() {
    let adjacent: ItemEnum = syn::parse_quote! {
        #[derive(::serde::Deserialize)]
        #[serde(tag = "id_type", content = "application_id")]
        pub enum Id {
            #[serde(rename = "application_id")]
            ApplicationId(String),
            #[serde(other)]
            UnknownVariant,
        }
    };
    let adjacent = plan(&adjacent).unwrap().unwrap();
    assert_eq!(
        adjacent.kind,
        Kind::Adjacent("id_type".into(), "application_id".into())
    );
    let untagged: ItemEnum = syn::parse_quote! {
        #[derive(::serde::Deserialize)]
        #[serde(untagged)]
        pub enum Priority {
            Variant0 { label: String, level: i64 },
            Variant1(Vec<bool>),
        }
    };
    let untagged = plan(&untagged).unwrap().unwrap();
    assert_eq!(untagged.kind, Kind::Untagged);
    assert_eq!(untagged.variants.len(), 2);
}

#[test]
fn a_received_only_union_keeps_its_serde_attributes_only_behind_the_feature() {
    let items = compact(format(), &[]).unwrap();
    let [Item::Enum(e), Item::Macro(m)] = items.as_slice() else {
        panic!("expected the enum and one invocation, got {}", items.len())
    };
    assert!(!attrs::has(&e.attrs, DESERIALIZE).unwrap());
    assert!(!attrs::has(&e.attrs, SERIALIZE).unwrap(), "behind cfg_attr");
    let bare_serde = |attrs: &[Attribute]| attrs.iter().any(|a| a.path().is_ident("serde"));
    assert!(!bare_serde(&e.attrs));
    assert!(
        e.variants
            .iter()
            .all(|v| !bare_serde(&v.attrs) && v.fields.iter().all(|f| !bare_serde(&f.attrs)))
    );
    let conditional = e
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg_attr"))
        .count();
    assert_eq!(conditional, 2, "the derive and the container's tag");
    assert!(
        m.mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "deserialize_union")
    );
    // A sent union keeps serde's Serialize derive and its attributes as they are.
    let items = compact(format(), &["Format"]).unwrap();
    let Item::Enum(e) = &items[0] else { panic!() };
    assert!(attrs::has(&e.attrs, SERIALIZE).unwrap());
    assert!(bare_serde(&e.attrs));
}

#[test]
fn a_union_without_serialize_loses_its_serde_attributes() {
    let mut e = format();
    attrs::take(&mut e.attrs, SERIALIZE).unwrap();
    let items = compact(e, &[]).unwrap();
    let Item::Enum(e) = &items[0] else { panic!() };
    let any_serde = |attrs: &[Attribute]| {
        attrs
            .iter()
            .any(|a| a.path().is_ident("serde") || a.path().is_ident("cfg_attr"))
    };
    assert!(!any_serde(&e.attrs));
    assert!(e.variants.iter().all(|v| !any_serde(&v.attrs)));
}

#[test]
fn other_shapes_keep_serdes_derive_the_documented_fallback() {
    let kept: [ItemEnum; 5] = [
        // serde's default (externally tagged) representation.
        syn::parse_quote! {
            #[derive(::serde::Deserialize)]
            pub enum External { A(String), B { x: i64 } }
        },
        syn::parse_quote! {
            #[derive(::serde::Deserialize)]
            #[serde(tag = "type", deny_unknown_fields)]
            pub enum Strict { A { x: i64 } }
        },
        syn::parse_quote! {
            #[derive(::serde::Deserialize)]
            #[serde(untagged)]
            pub enum WithUnit { A(String), Nothing }
        },
        syn::parse_quote! {
            #[derive(::serde::Deserialize)]
            #[serde(tag = "t", content = "c")]
            pub enum AdjacentStruct { A { x: i64 } }
        },
        syn::parse_quote! {
            #[derive(::serde::Deserialize)]
            #[serde(tag = "type")]
            pub enum Flattened { A { #[serde(flatten)] rest: ::serde_json::Value } }
        },
    ];
    for e in kept {
        let name = e.ident.to_string();
        let items = compact(e, &[]).unwrap();
        assert_eq!(items.len(), 1, "{name}: no invocation added");
        let Item::Enum(e) = &items[0] else { panic!() };
        assert!(attrs::has(&e.attrs, DESERIALIZE).unwrap(), "{name}");
    }
}

#[test]
fn a_union_in_another_shape_fails_naming_it() {
    let e: ItemEnum = syn::parse_quote! {
        #[derive(::serde::Deserialize)]
        #[serde(tag = 1)]
        pub enum Format { A }
    };
    let Err(e) = compact(e, &[]) else {
        panic!("a tag that is not a string was accepted")
    };
    assert!(
        e.reason.contains("`Format`") && e.reason.contains("not a string"),
        "{e}"
    );
}

#[test]
fn a_union_the_macros_serialize_keeps_no_serde_derive_or_attribute() {
    let priority = || -> ItemEnum {
        syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone)]
            #[serde(untagged)]
            pub enum Priority {
                Variant0 {
                    label: String,
                    #[serde(skip_serializing_if = "Option::is_none")]
                    level: Option<i64>,
                },
                Variant1(Vec<bool>),
            }
        }
    };
    let macro_name = |item: &Item| match item {
        Item::Macro(m) => m.mac.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    };
    for (sent, gated) in [(&[][..], true), (&["Priority"][..], false)] {
        let items = compact(priority(), sent).unwrap();
        let [Item::Enum(e), de, ser] = items.as_slice() else {
            panic!("expected the enum and two invocations, got {}", items.len())
        };
        assert!(!attrs::has(&e.attrs, DESERIALIZE).unwrap());
        assert!(!attrs::has(&e.attrs, SERIALIZE).unwrap());
        let serde = |attrs: &[Attribute]| {
            attrs
                .iter()
                .any(|a| a.path().is_ident("serde") || a.path().is_ident("cfg_attr"))
        };
        assert!(!serde(&e.attrs));
        assert!(
            e.variants
                .iter()
                .all(|v| !serde(&v.attrs) && v.fields.iter().all(|f| !serde(&f.attrs)))
        );
        assert_eq!(macro_name(de).as_deref(), Some("deserialize_union"));
        assert_eq!(macro_name(ser).as_deref(), Some("serialize_union"));
        let Item::Macro(ser) = ser else { panic!() };
        assert_eq!(
            ser.attrs.iter().any(|a| a.path().is_ident("cfg")),
            gated,
            "a received-only union serializes behind the feature"
        );
    }
}
