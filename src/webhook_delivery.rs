//! One webhook delivery: its `X-Kombo-Signature` checked, its body decoded.
//! Kombo signs the raw request body with HMAC-SHA256 and the account's
//! webhook secret, base64url-encoded without `=` padding. Users reach these
//! items as `kombo::webhooks::…`: the generated `webhooks` module re-exports
//! them beside the spec's typed `Event`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header Kombo sends the signature in.
pub const SIGNATURE_HEADER: &str = "X-Kombo-Signature";

/// Why a webhook was refused. An unverified body is never parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The webhook secret is empty.
    #[error("the webhook secret is empty")]
    EmptySecret,
    /// No signature (a missing or empty `X-Kombo-Signature`).
    #[error("the X-Kombo-Signature header is missing or empty")]
    MissingSignature,
    /// The signature is not 32 bytes of unpadded base64url.
    #[error("the X-Kombo-Signature header is malformed: {0}")]
    MalformedSignature(String),
    /// The signature does not match the body and secret.
    #[error("the X-Kombo-Signature header does not match the body")]
    SignatureMismatch,
    /// The verified body is not a Kombo webhook event.
    #[error("the webhook body is invalid: {0}")]
    InvalidBody(String),
}

/// Checks `signature` (the `X-Kombo-Signature` value) against the raw body,
/// in constant time. Decodes nothing.
pub fn verify_signature(
    secret: impl AsRef<[u8]>,
    raw_body: &[u8],
    signature: &str,
) -> Result<(), WebhookError> {
    let secret = secret.as_ref();
    if secret.is_empty() {
        return Err(WebhookError::EmptySecret);
    }
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(WebhookError::MissingSignature);
    }
    if signature.contains('=') {
        return Err(WebhookError::MalformedSignature(
            "it has `=` padding; Kombo sends base64url without padding".into(),
        ));
    }
    let expected = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|e| WebhookError::MalformedSignature(format!("not base64url: {e}")))?;
    if expected.len() != 32 {
        return Err(WebhookError::MalformedSignature(format!(
            "{} bytes, an HMAC-SHA256 has 32",
            expected.len()
        )));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| WebhookError::EmptySecret)?;
    mac.update(raw_body);
    mac.verify_slice(&expected)
        .map_err(|_| WebhookError::SignatureMismatch)
}

/// Verifies the signature, then decodes the body as `E` (the generated
/// `webhooks::Event` of a spec with webhooks, or [`RawEvent`]). Verify the
/// bytes exactly as received: re-serialized JSON has other bytes and fails.
///
/// ```
/// use kombo::webhooks::{RawEvent, SIGNATURE_HEADER, verify};
///
/// # fn handler(headers: &http::HeaderMap, body: &[u8]) -> Result<(), kombo::webhooks::WebhookError> {
/// let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
/// let event: RawEvent = verify("my-webhook-secret", body, signature)?;
/// println!("{} {}", event.event_type, event.id.as_deref().unwrap_or(""));
/// # Ok(()) }
/// ```
pub fn verify<E: WebhookEvent>(
    secret: impl AsRef<[u8]>,
    raw_body: &[u8],
    signature: &str,
) -> Result<E, WebhookError> {
    verify_signature(secret, raw_body, signature)?;
    E::from_verified_body(raw_body)
}

/// An event type decoded from a verified body.
pub trait WebhookEvent: Sized {
    /// Decodes a body whose signature was verified.
    fn from_verified_body(body: &[u8]) -> Result<Self, WebhookError>;
    /// The event's `type` (also for a type this version does not know).
    fn event_type(&self) -> &str;
}

/// Any Kombo webhook event, untyped: its `type`, its `id`, and the whole body.
/// Built from a body by [`WebhookEvent::from_verified_body`] (also in tests
/// of a handler); `#[non_exhaustive]`, so what it keeps can grow.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RawEvent {
    /// `type`, e.g. `integration-state-changed`.
    pub event_type: String,
    /// `id` of the event, when sent.
    pub id: Option<String>,
    /// The whole body as JSON.
    pub body: serde_json::Value,
}

impl WebhookEvent for RawEvent {
    fn from_verified_body(body: &[u8]) -> Result<Self, WebhookError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| WebhookError::InvalidBody(format!("not JSON: {e}")))?;
        let event_type = value
            .get("type")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| WebhookError::InvalidBody("no string `type` field".into()))?
            .to_owned();
        let id = value
            .get("id")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        Ok(RawEvent {
            event_type,
            id,
            body: value,
        })
    }

    fn event_type(&self) -> &str {
        &self.event_type
    }
}
