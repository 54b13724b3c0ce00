//! Kombo client (work in progress).
pub mod runtime { pub struct Runtime; }
