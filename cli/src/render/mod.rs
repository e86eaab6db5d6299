//! The output formats.

pub mod dot;
pub mod human;
pub mod json;
pub mod sarif;
