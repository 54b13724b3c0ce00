//! The client generated at build time from `openapi/kombo.yaml` (see
//! `generated/kombo_client.rs` for the reviewed copy). Do not edit.
#![allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    unused_imports,
    dead_code,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]

include!(concat!(env!("OUT_DIR"), "/kombo_client.rs"));
