//! Shared code of the fuzz targets: the `#[leak_audit]` expansion compiled as
//! ordinary code, and the structured item generator.
//!
//! A proc-macro crate can only export macros, so the expansion's modules are
//! compiled here from the macro crate's own files: `build.rs` lists the
//! modules `macros/src/lib.rs` declares and writes an inline module whose
//! `#[path]` is `macros/src`, so each module (and its submodules, such as
//! `count/`) is found as in the macro crate; the glob re-export makes the
//! macro's own `crate::<module>` paths resolve.

pub mod items;

include!(concat!(env!("OUT_DIR"), "/macro_modules.rs"));

// The macro's own `crate::<module>` paths resolve through this.
#[allow(unused_imports)]
pub(crate) use macro_src::*;

/// Runs the `#[leak_audit]` expansion on attribute arguments and an item.
pub fn expand(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    macro_src::expand::leak_audit(args, item)
}
