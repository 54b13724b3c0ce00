//! Select: a build with some tag features off generates neither those tags'
//! operations nor the component schemas only they reach, and does not look
//! for the open types of what it left out.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::model::Operation;

/// What a build leaves out of the spec.
pub struct Selection {
    left_out: Vec<Operation>,
    /// Component schemas not typed.
    pub unused: BTreeSet<String>,
}

impl Selection {
    /// Leaves out `left_out` and the schemas only they reach.
    pub fn new(
        doc: &Value,
        left_out: Vec<Operation>,
        generated: &[Operation],
        webhooks: &[crate::normalize::webhooks::Webhook],
    ) -> Self {
        let unused = only_reached_by(doc, &left_out, generated, webhooks);
        Selection { left_out, unused }
    }

    /// The open types (name → schema pointer) whose schema is generated.
    pub fn open_types(&self, types: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        types
            .iter()
            .filter(|(_, pointer)| self.generates(pointer))
            .map(|(name, pointer)| (name.clone(), pointer.clone()))
            .collect()
    }

    fn generates(&self, pointer: &str) -> bool {
        let under = |prefix: &str| pointer == prefix || pointer.starts_with(&format!("{prefix}/"));
        !self.left_out.iter().any(|op| under(&op.pointer))
            && !self
                .unused
                .iter()
                .any(|name| under(&crate::error::push_pointer("/components/schemas", name)))
    }
}

/// The component schemas only the `left_out` operations reach: not the
/// generated operations, the webhooks, or nothing at all (those stay).
fn only_reached_by(
    doc: &Value,
    left_out: &[Operation],
    generated: &[Operation],
    webhooks: &[crate::normalize::webhooks::Webhook],
) -> BTreeSet<String> {
    if left_out.is_empty() {
        return BTreeSet::new();
    }
    let roots = |ops: &[Operation]| {
        let mut refs = BTreeSet::new();
        for op in ops {
            crate::walk::operation_schema_refs(doc, &op.pointer, &mut refs);
        }
        refs
    };
    let mut kept = roots(generated);
    kept.extend(webhooks.iter().map(|w| w.payload.clone()));
    let kept = crate::walk::reachable(doc, &kept);
    let dropped = crate::walk::reachable(doc, &roots(left_out));
    dropped.difference(&kept).cloned().collect()
}
