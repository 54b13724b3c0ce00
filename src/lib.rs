//! Typed Rust client for the [Kombo](https://kombo.dev) unified HRIS/ATS/LMS API.
//!
//! The operations and their types are generated at build time from the
//! vendored OpenAPI document (`openapi/kombo.yaml`) by `kombo-codegen`; this
//! crate adds regions, authentication, one error type with Kombo's error
//! codes, retries and tracing.
//!
//! ```no_run
//! use kombo::{Kombo, Region, types};
//!
//! # async fn run() -> Result<(), kombo::Error> {
//! let kombo = Kombo::builder().api_key("my-api-key").region(Region::Eu).build()?;
//! let response = kombo
//!     .create_reconnection_link()
//!     .integration_id("personio:93fCvorjZ2jas7ZekX1V1n5d")
//!     .body(types::PostIntegrationsIntegrationIdRelinkRequestBody {
//!         link_type: types::PostIntegrationsIntegrationIdRelinkRequestBodyLinkType::MagicLink,
//!         ..Default::default()
//!     })
//!     .send()
//!     .await?;
//! println!("{}", response.data.link);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod client;
mod error;

/// A module holding code generated at build time; lints do not apply to it.
macro_rules! generated_module {
    ($(#[$meta:meta])* $name:ident, $file:literal) => {
        $(#[$meta])*
        #[allow(
            missing_docs,
            clippy::all,
            clippy::pedantic,
            unused_imports,
            dead_code,
            rustdoc::bare_urls,
            rustdoc::broken_intra_doc_links,
            rustdoc::invalid_html_tags
        )]
        pub mod $name {
            include!(concat!(env!("OUT_DIR"), $file));
        }
    };
}

generated_module!(
    /// The client generated at build time from `openapi/kombo.yaml` (the
    /// reviewed copy is `generated/kombo_client.rs`). Do not edit.
    generated,
    "/kombo_client.rs"
);
mod region;
mod retry;
#[doc(hidden)]
pub mod runtime;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(feature = "spec-fixtures")]
generated_module!(
    /// Test-only: the client generated from Kombo's merged 16-endpoint subset.
    #[doc(hidden)]
    subset,
    "/subset/kombo_client.rs"
);

pub use client::{
    API_KEY_ENV, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, Kombo, KomboBuilder, default_user_agent,
    http_client_builder,
};
pub use error::{
    ApiError, BODY_SNIPPET_LIMIT, Error, ErrorCode, ErrorFamily, RateLimit, UnexpectedResponse,
    retry_after,
};
pub use generated::{ResponseValue, builder, operations, types};
pub use region::Region;
pub use retry::RetryPolicy;

/// Parses a URL returned by the API (e.g. a reconnection link).
///
/// ```
/// let url = kombo::parse_url("https://connect.kombo.dev/v1?token=abc")?;
/// assert_eq!(url.host_str(), Some("connect.kombo.dev"));
/// # Ok::<(), kombo::Error>(())
/// ```
pub fn parse_url(text: &str) -> Result<url::Url, Error> {
    url::Url::parse(text).map_err(|e| {
        Error::UnexpectedResponse(Box::new(UnexpectedResponse {
            status: None,
            content_type: None,
            body_snippet: error::snippet(text.as_bytes()),
            headers: Default::default(),
            reason: Some(format!("not a URL: {e}")),
        }))
    })
}

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
