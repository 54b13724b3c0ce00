//! Typed Rust client for the [Kombo](https://kombo.dev) unified HRIS/ATS/LMS API.
//!
//! The operations and their types are generated at build time from the
//! vendored OpenAPI document (`openapi/kombo.yaml`) by `kombo-codegen`; this
//! crate adds regions, authentication, one error type with Kombo's error
//! codes, retries, a client-side limiter and OpenTelemetry-shaped tracing.
//!
//! ```no_run
//! use kombo::general::create_reconnection_link::LinkType;
//!
//! # async fn run() -> Result<(), kombo::Error> {
//! let kombo = kombo::Kombo::builder().api_key("my-api-key").build()?;
//! let response = kombo
//!     .general()
//!     .create_reconnection_link()
//!     .integration_id("personio:93fCvorjZ2jas7ZekX1V1n5d")
//!     .link_type(LinkType::MagicLink)
//!     .send()
//!     .await?;
//! println!("{}", response.data.link);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod api_key;
mod client;
mod constant;
mod conversion;
mod envelope;
mod error;
mod error_code;
mod limits;
mod rate_limit;
mod region;
mod response;
mod retry;
mod runtime;

#[cfg(feature = "mock")]
pub mod mock;
mod webhook_delivery;

/// Includes the client a build script generated (`OUT_DIR/kombo_client.rs`)
/// as a module; its lints are the generator's business, not the includer's.
/// Used by this crate and by crates generating other specs (`kombo-fixtures`).
#[doc(hidden)]
#[macro_export]
macro_rules! __include_generated_client {
    ($(#[$meta:meta])* $vis:vis mod $name:ident) => {
        $(#[$meta])*
        #[allow(
            missing_docs,
            clippy::all,
            clippy::pedantic,
            unused_imports,
            dead_code,
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags,
            rustdoc::private_intra_doc_links
        )]
        $vis mod $name {
            include!(concat!(env!("OUT_DIR"), "/kombo_client.rs"));
        }
    };
}

__include_generated_client!(
    /// The client generated at build time from `openapi/kombo.yaml` (the
    /// reviewed copy is `generated/kombo_client.rs`). Do not edit.
    mod generated
);

pub use api_key::{ApiKeyProvider, BoxError, KeyFuture};
pub use client::{
    API_KEY_ENV, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Kombo, KomboBuilder, default_user_agent,
    http_client_builder,
};
pub use constant::Bool;
pub use conversion::ConversionError;
pub use error::{ApiError, BODY_SNIPPET_LIMIT, Error, UnexpectedResponse};
pub use generated::*;
pub use limits::Limits;
pub use rate_limit::{RateLimit, retry_after};
pub use response::Response;
pub use retry::RetryPolicy;
pub use runtime::{CallOptions, Operation, ScopedHeader};

/// What code generated into another crate (a client of another spec on this
/// runtime) refers to, and what the fuzz targets call (`classify_response`).
/// Not part of the stable API: doc-hidden, it changes with the generator in
/// any release, and the change report and semver checks do not cover it.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::*;
}

/// Parses a URL returned by the API (e.g. a reconnection link).
///
/// ```
/// let url = kombo::parse_url("https://connect.kombo.dev/v1?token=abc")?;
/// assert_eq!(url.host_str(), Some("connect.kombo.dev"));
/// # Ok::<(), kombo::Error>(())
/// ```
pub fn parse_url(text: &str) -> Result<url::Url, Error> {
    url::Url::parse(text).map_err(|e| {
        Error::unexpected(
            None,
            Default::default(),
            text.as_bytes(),
            Some(format!("not a URL: {e}")),
        )
    })
}

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
