//! `#[leak_audit::test]`.

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) fn expand(_args: TokenStream, input: TokenStream) -> TokenStream {
    quote!(#[test] #input)
}
