//! Classifies the differences between two models for the Rust API this crate
//! generates: builder-style calls (a new optional parameter or body field is
//! additive), open response enums, strict request enums.

use serde_json::Value;
use std::collections::BTreeMap;

use super::model::{Field, operations, shared_responses};
use super::{Change, Impact};

/// Enum values added (with the given impact) and removed (a removed variant
/// breaks code that names it).
fn enum_changes(old: &Field, new: &Field, added: Impact) -> Vec<(String, Impact)> {
    let mut out: Vec<(String, Impact)> = new
        .values
        .iter()
        .filter(|v| !old.values.contains(v))
        .map(|v| (format!("enum value {v} added"), added))
        .collect();
    out.extend(
        old.values
            .iter()
            .filter(|v| !new.values.contains(v))
            .map(|v| (format!("enum value {v} removed"), Impact::Breaking)),
    );
    out
}

/// Which way a field travels: a request gets stricter, a response must still decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// Compares the fields of one part of an operation (parameters, body, response).
fn compare_fields(
    location: &str,
    side: Side,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
    out: &mut Vec<Change>,
) {
    use Impact::*;
    let mut push = |impact, name: &str, what: String| {
        out.push(Change {
            impact,
            location: format!("{location} `{name}`"),
            what,
        })
    };
    for (name, n) in new {
        let Some(o) = old.get(name) else {
            match (side, n.required) {
                (Side::Request, true) => push(Breaking, name, "added, required".into()),
                (Side::Request, false) => push(Additive, name, "added, optional".into()),
                (Side::Response, _) => push(Additive, name, "added".into()),
            }
            continue;
        };
        if o.ty != n.ty {
            push(Breaking, name, format!("type changed: {} → {}", o.ty, n.ty));
        }
        let added_value = match side {
            Side::Request => {
                if o.required != n.required {
                    let (impact, what) = if n.required {
                        (Breaking, "made required")
                    } else {
                        (Additive, "made optional")
                    };
                    push(impact, name, what.into());
                }
                if o.nullable != n.nullable {
                    let (impact, what) = if n.nullable {
                        (Additive, "made nullable")
                    } else {
                        (Breaking, "no longer nullable")
                    };
                    push(impact, name, what.into());
                }
                Additive
            }
            Side::Response => {
                // `Option<T>` ↔ `T` changes the Rust field type.
                let always = |f: &Field| f.required && !f.nullable;
                if always(o) != always(n) {
                    let now = if always(n) {
                        "always present"
                    } else {
                        "optional or nullable"
                    };
                    push(
                        Breaking,
                        name,
                        format!("now {now} (the Rust field type changes)"),
                    );
                }
                // An open (non-exhaustive) enum takes a new variant; a closed one
                // (a one-value tag) rejects what it does not list.
                if n.open { Additive } else { Breaking }
            }
        };
        for (what, impact) in enum_changes(o, n, added_value) {
            push(impact, name, what);
        }
    }
    for name in old.keys().filter(|k| !new.contains_key(*k)) {
        push(Breaking, name, "removed".into());
    }
}

/// The changes between two normalized, named documents.
pub fn changes(old: &Value, new: &Value) -> Vec<Change> {
    let (old_ops, new_ops) = (operations(old), operations(new));
    let mut out = Vec::new();
    for (key, n) in &new_ops {
        let Some(o) = old_ops.get(key) else {
            out.push(Change {
                impact: Impact::Additive,
                location: format!("`{}` ({key})", n.method),
                what: "operation added".into(),
            });
            continue;
        };
        let loc = format!("`{}`", n.method);
        if o.method != n.method {
            out.push(Change {
                impact: Impact::Breaking,
                location: key.clone(),
                what: format!("method renamed: `{}` → `{}`", o.method, n.method),
            });
        }
        let part = |what: &str| format!("{loc} {what}");
        compare_fields(
            &part("parameter"),
            Side::Request,
            &o.params,
            &n.params,
            &mut out,
        );
        compare_fields(
            &part("body field"),
            Side::Request,
            &o.body,
            &n.body,
            &mut out,
        );
        compare_fields(
            &part("response"),
            Side::Response,
            &o.response,
            &n.response,
            &mut out,
        );
        compare_fields(
            &part("response header"),
            Side::Response,
            &o.response_headers,
            &n.response_headers,
            &mut out,
        );
        compare_fields(
            &part("error response"),
            Side::Response,
            &o.errors,
            &n.errors,
            &mut out,
        );
    }
    let (old_shared, new_shared) = (shared_responses(old), shared_responses(new));
    let empty = BTreeMap::new();
    for (name, n) in &new_shared {
        let o = old_shared.get(name).unwrap_or(&empty);
        compare_fields(
            &format!("shared response `{name}`"),
            Side::Response,
            o,
            n,
            &mut out,
        );
    }
    for (name, o) in &old_shared {
        if !new_shared.contains_key(name) {
            compare_fields(
                &format!("shared response `{name}`"),
                Side::Response,
                o,
                &empty,
                &mut out,
            );
        }
    }
    for (key, o) in &old_ops {
        if !new_ops.contains_key(key) {
            out.push(Change {
                impact: Impact::Breaking,
                location: format!("`{}` ({key})", o.method),
                what: "operation removed".into(),
            });
        }
    }
    out.extend(server_changes(old, new));
    out
}

/// Regions follow the spec's `servers`: one added is a new `Region` variant
/// (the enum is non-exhaustive), one removed or moved breaks its users.
fn server_changes(old: &Value, new: &Value) -> Vec<Change> {
    use crate::emit::render::region::servers;
    let (old, new) = (
        servers(old).unwrap_or_default(),
        servers(new).unwrap_or_default(),
    );
    let mut out = Vec::new();
    for n in &new {
        let location = format!("`Region` `{}`", n.name);
        match old.iter().find(|o| o.name == n.name) {
            None => out.push(Change {
                impact: Impact::Additive,
                location,
                what: format!("region added ({})", n.url),
            }),
            Some(o) if o.url != n.url => out.push(Change {
                impact: Impact::Breaking,
                location,
                what: format!("base URL changed: {} → {}", o.url, n.url),
            }),
            Some(_) => {}
        }
    }
    for o in old.iter().filter(|o| !new.iter().any(|n| n.name == o.name)) {
        out.push(Change {
            impact: Impact::Breaking,
            location: format!("`Region` `{}`", o.name),
            what: format!("region removed ({})", o.url),
        });
    }
    if old.first().map(|s| &s.name) != new.first().map(|s| &s.name) && !old.is_empty() {
        out.push(Change {
            impact: Impact::Breaking,
            location: "`Region::default()`".into(),
            what: "the default region (the spec's first server) changed".into(),
        });
    }
    out
}
