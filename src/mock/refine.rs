//! What Kombo's documentation says of an answer beyond its schema, for the
//! operations where a test or a demo sees it: a reconnection link has the
//! form of its link type (`EMBEDDED`: the Connect SDK's `token=embedded_…`,
//! valid an hour; `MAGIC_LINK`: `/magic?token=magic_…`, valid a year), with a
//! fresh token each time. Named by the generated `OPERATION`, so a spec that
//! drops the operation drops its refinement with it.

use serde_json::Value;

use crate::Operation;

/// Refines the built answer `body` of `operation` to a request with `request_body`.
pub(super) fn refine(operation: &Operation, request_body: &[u8], body: &mut Value) {
    #[cfg(feature = "general")]
    if operation == &crate::general::create_reconnection_link::OPERATION {
        let magic = serde_json::from_slice::<Value>(request_body)
            .ok()
            .is_some_and(|b| b.get("link_type") == Some(&Value::from("MAGIC_LINK")));
        let token = format!("{:016x}", fastrand::u64(..));
        let link = match magic {
            true => format!("https://connect.kombo.dev/v1/magic?token=magic_{token}"),
            false => format!("https://connect.kombo.dev/v1?token=embedded_{token}"),
        };
        if let Some(data) = body.get_mut("data").and_then(Value::as_object_mut) {
            data.insert("link".into(), Value::String(link));
        }
    }
    let _ = (operation, request_body, body);
}
