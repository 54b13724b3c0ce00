//! Client generated from `tests/fixtures/kombo-subset.yaml` (feature `spec-fixtures`).
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

include!(concat!(env!("OUT_DIR"), "/subset/kombo_client.rs"));
