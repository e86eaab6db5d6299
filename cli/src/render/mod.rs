//! The output formats.

pub mod human;
pub mod json;
pub mod sarif;
