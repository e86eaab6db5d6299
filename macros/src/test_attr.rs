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
//!
//! With `repeat = N` (and `warmup = W`, 2 by default) the body runs `W + N`
//! times in a closure, and the test fails if a counted type grew on every
//! measured run (the growth rule alone: what the warm-up runs created may
//! stay alive):
//!
//! ```text
//! #[leak_audit::test(repeat = 5)]      #[test]
//! fn name() { body }              =>   fn name() {
//!                                          repeat_test("path::name", 2, 5, || body);
//!                                      }
//! ```

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};

/// The default number of warm-up runs of `repeat` (CPython's `-R 3:3` warms
/// up three times; two are enough to fill caches filled on first use).
const DEFAULT_WARMUP: usize = 2;

const FORMS: &str =
    "`#[leak_audit::test]` takes `repeat = N` (runs measured) and `warmup = N` (runs before them, 2 by default)";

/// `repeat = N, warmup = N`, both optional.
#[derive(Default)]
struct Args {
    repeat: Option<(usize, Span)>,
    warmup: Option<(usize, Span)>,
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let key: syn::Ident = input.parse().map_err(|err| syn::Error::new(err.span(), FORMS))?;
            let slot = match key.to_string().as_str() {
                "repeat" => &mut args.repeat,
                "warmup" => &mut args.warmup,
                other => return Err(syn::Error::new(key.span(), format!("unknown argument `{other}`: {FORMS}"))),
            };
            if slot.is_some() {
                return Err(syn::Error::new(key.span(), format!("`{key}` is given twice")));
            }
            if !input.peek(syn::Token![=]) {
                return Err(syn::Error::new(key.span(), format!("`{key}` takes a number: `{key} = 5`")));
            }
            input.parse::<syn::Token![=]>()?;
            let value: syn::Expr = input.parse()?;
            let number = match &value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(int), .. }) if int.suffix().is_empty() => {
                    int.base10_parse::<usize>().ok()
                }
                _ => None,
            };
            let Some(number) = number else {
                return Err(syn::Error::new_spanned(&value, format!("`{key}` takes a whole number: `{key} = 5`")));
            };
            if key == "repeat" && number == 0 {
                return Err(syn::Error::new_spanned(&value, "`repeat` needs at least 1 measured run"));
            }
            *slot = Some((number, key.span()));
            if !input.is_empty() {
                input
                    .parse::<syn::Token![,]>()
                    .map_err(|err| syn::Error::new(err.span(), format!("expected `,` between arguments: {FORMS}")))?;
            }
        }
        if let (None, Some((_, span))) = (args.repeat, args.warmup) {
            return Err(syn::Error::new(span, "`warmup` goes with `repeat = N`: the runs it warms up for"));
        }
        Ok(args)
    }
}

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let args: Args = match syn::parse2(args) {
        Ok(args) => args,
        Err(err) => {
            let err = err.to_compile_error();
            return quote!(#err #[test] #input);
        }
    };
    let function = match parse_test_fn(input, "#[leak_audit::test]") {
        Ok(function) => function,
        Err(tokens) => return tokens,
    };
    if let Some((runs, span)) = args.repeat {
        let name = function.sig.ident.to_string();
        return repeat(function, &name, runs, args.warmup.map_or(DEFAULT_WARMUP, |(warmup, _)| warmup), span);
    }
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
    with_test_attribute(&function)
}

fn with_test_attribute(function: &syn::ItemFn) -> TokenStream {
    let has_test_attribute =
        function.attrs.iter().any(|attr| attr.path().segments.last().is_some_and(|segment| segment.ident == "test"));
    let test_attribute = if has_test_attribute { None } else { Some(quote!(#[::core::prelude::v1::test])) };
    let mut output = quote!(#test_attribute);
    function.to_tokens(&mut output);
    output
}

/// The body of a `repeat` test: run in a closure, once per run, so it must be
/// a plain fn returning `()`.
fn repeat(mut function: syn::ItemFn, name: &str, runs: usize, warmup: usize, span: Span) -> TokenStream {
    let problem = if let Some(asyncness) = &function.sig.asyncness {
        Some(syn::Error::new_spanned(
            asyncness,
            "`repeat` cannot run an `async` body several times: call a sync fn that `block_on`s it",
        ))
    } else if let syn::ReturnType::Type(_, ty) = &function.sig.output {
        Some(syn::Error::new_spanned(ty, "a `repeat` test returns `()`: each run's result would be dropped unchecked"))
    } else {
        None
    };
    if let Some(err) = problem {
        let err = err.to_compile_error();
        return quote!(#err #function);
    }
    let body = &function.block;
    let call = quote::quote_spanned! {span=>
        ::leak_audit::__private::repeat_test(
            ::core::concat!(::core::module_path!(), "::", #name),
            #warmup,
            #runs,
            || #body,
        );
    };
    *function.block = syn::parse_quote!({ #call });
    with_test_attribute(&function)
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
    fn should_run_a_repeat_body_in_a_closure_with_two_warmups_by_default() {
        let output = expand(
            quote!(repeat = 5),
            quote!(
                fn opens() {
                    open();
                }
            ),
        )
        .to_string();
        assert!(output.contains("repeat_test"), "{output}");
        assert!(output.contains("2usize , 5usize , | | { open () ; }"), "{output}");
        let output = expand(
            quote!(repeat = 3, warmup = 0),
            quote!(
                fn opens() {}
            ),
        )
        .to_string();
        assert!(output.contains("0usize , 3usize"), "{output}");
        assert_eq!(test_attributes(&output), 1, "{output}");
    }

    #[test]
    fn should_reject_malformed_repeat_arguments() {
        for (args, message) in [
            (quote!(repeat = 0), "at least 1"),
            (quote!(repeat = "5"), "takes a whole number"),
            (quote!(repeat), "takes a number"),
            (quote!(warmup = 1), "goes with `repeat"),
            (quote!(repeat = 2, repeat = 3), "given twice"),
            (quote!(repeat = 2 warmup = 1), "expected `,` between arguments"),
        ] {
            let output = expand(
                args.clone(),
                quote!(
                    fn works() {}
                ),
            )
            .to_string();
            assert!(output.contains(message), "{args}: {output}");
            assert!(output.contains("fn works"), "{output}");
        }
        let output = expand(
            quote!(repeat = 2),
            quote!(
                async fn works() {}
            ),
        )
        .to_string();
        assert!(output.contains("cannot run an `async` body"), "{output}");
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
        assert!(output.contains("unknown argument `strict`"), "{output}");
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
