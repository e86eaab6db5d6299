//! `#[leak_audit::test]`: a `#[test]` whose body runs inside a test scope.
//!
//! ```text
//! #[leak_audit::test]            #[test]
//! fn name() -> R {        =>     fn name() -> R {
//!     body                           let __leak_audit_test = TestGuard::new("path::name");
//! }                                  let __leak_audit_result = { body };
//!                                    __leak_audit_result
//!                                }
//! ```
//!
//! The guard checks for leaks when it is dropped, after every local of the
//! body. The body goes in its own block so that the temporaries of its tail
//! expression are dropped before the check too (in edition 2021 they would
//! otherwise outlive the fn's locals). An early `return` or `?` still drops the
//! guard last.
//!
//! `#[test]` is added unless the fn already has a test attribute (any attribute
//! whose last path segment is `test`, like `#[tokio::test]`), so that async
//! runtimes' test attributes compose in either order.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    if !args.is_empty() {
        let err = syn::Error::new_spanned(args, "`#[leak_audit::test]` takes no arguments").to_compile_error();
        return quote!(#err #[test] #input);
    }
    let function = match parse_test_fn(input, "#[leak_audit::test]") {
        Ok(function) => function,
        Err(tokens) => return tokens,
    };
    let body = function.block.clone();
    guarded_test(function, &TokenStream::new(), |_guard| body.into_token_stream())
}

/// The test fn under `#[attribute]`; if it is not one, the error and the
/// item unchanged.
pub(crate) fn parse_test_fn(input: TokenStream, attribute: &str) -> Result<syn::ItemFn, TokenStream> {
    let original = input.clone();
    let Ok(function) = syn::parse2::<syn::ItemFn>(input) else {
        let err = syn::Error::new(Span::call_site(), format!("`{attribute}` goes on a test fn")).to_compile_error();
        return Err(quote!(#err #original));
    };
    if let Some(constness) = &function.sig.constness {
        let err =
            syn::Error::new_spanned(constness, format!("a `{attribute}` fn cannot be `const`")).to_compile_error();
        return Err(quote!(#err #function));
    }
    Ok(function)
}

/// `function` as a test whose body is `items` (placed first) and then the
/// test's result, computed by `result` (given the name of the test's guard)
/// inside the test's scope.
pub(crate) fn guarded_test(
    mut function: syn::ItemFn,
    items: &TokenStream,
    result: impl FnOnce(&syn::Ident) -> TokenStream,
) -> TokenStream {
    let name = function.sig.ident.to_string();
    // A bare `#[should_panic]` test that returns fails anyway; its leak check
    // must not supply the panic it expects (with `expected = ".."`, the
    // harness tells the leak report from the test's own panic).
    let expects_panic = function.attrs.iter().any(|attr| {
        matches!(&attr.meta, syn::Meta::Path(path) if path.segments.last().is_some_and(|segment| segment.ident == "should_panic"))
    });
    let open = if expects_panic { quote!(expecting_panic) } else { quote!(new) };
    let guard = syn::Ident::new("__leak_audit_test", Span::call_site());
    let result = result(&guard);
    let block: syn::Block = syn::parse_quote! {{
        #items
        let #guard = ::leak_audit::__private::TestGuard::#open(
            ::core::concat!(::core::module_path!(), "::", #name),
        );
        let __leak_audit_result = #result;
        // Unreachable when the body diverges (`panic!`, `loop {}`).
        #[allow(unreachable_code, clippy::needless_return)]
        return __leak_audit_result;
    }};
    *function.block = block;

    let has_test_attribute =
        function.attrs.iter().any(|attr| attr.path().segments.last().is_some_and(|segment| segment.ident == "test"));
    let test_attribute = if has_test_attribute { None } else { Some(quote!(#[::core::prelude::v1::test])) };
    let mut output = quote!(#test_attribute);
    function.to_tokens(&mut output);
    output
}

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    fn test_attributes(output: &str) -> usize {
        output.matches(":: core :: prelude :: v1 :: test").count()
    }

    #[test]
    fn should_add_test_attribute_to_a_plain_fn() {
        let output = expand(
            quote!(),
            quote!(
                fn works() {}
            ),
        )
        .to_string();
        assert_eq!(test_attributes(&output), 1, "{output}");
        assert!(output.contains("TestGuard :: new"), "{output}");
    }

    #[test]
    fn should_not_add_a_second_test_attribute_under_an_async_runtime() {
        for attribute in [quote!(#[tokio::test]), quote!(#[async_std::test]), quote!(#[test])] {
            let output = expand(quote!(), quote!(#attribute async fn works() {})).to_string();
            assert_eq!(test_attributes(&output), 0, "{output}");
            assert!(output.contains("TestGuard :: new"), "{output}");
        }
    }

    #[test]
    fn should_keep_other_attributes() {
        let output = expand(
            quote!(),
            quote!(
                #[should_panic(expected = "x")]
                #[ignore]
                fn works() {}
            ),
        )
        .to_string();
        assert!(output.contains("# [should_panic (expected = \"x\")] # [ignore]"), "{output}");
    }

    #[test]
    fn should_reject_arguments_and_non_fns_with_the_item_kept() {
        let output = expand(
            quote!(strict),
            quote!(
                fn works() {}
            ),
        )
        .to_string();
        assert!(output.contains("takes no arguments"), "{output}");
        let output = expand(
            quote!(),
            quote!(
                struct NotAFn;
            ),
        )
        .to_string();
        assert!(output.contains("goes on a test fn") && output.contains("struct NotAFn"), "{output}");
    }
}
