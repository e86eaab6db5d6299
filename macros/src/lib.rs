//! Implementation detail of the [`leak_audit`](https://docs.rs/leak_audit) crate.
//!
//! The documentation of the attributes lives on their re-exports in `leak_audit`.

mod expand;
mod test_attr;
mod tokio_test;
mod trace;

use proc_macro::TokenStream;

/// See `leak_audit::leak_audit`.
#[proc_macro_attribute]
pub fn leak_audit(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::leak_audit(args.into(), input.into()).into()
}

/// See `leak_audit::test`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, input: TokenStream) -> TokenStream {
    test_attr::expand(args.into(), input.into()).into()
}

/// See `leak_audit::tokio_test`.
#[proc_macro_attribute]
pub fn tokio_test(args: TokenStream, input: TokenStream) -> TokenStream {
    tokio_test::expand(args.into(), input.into()).into()
}
