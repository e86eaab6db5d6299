//! `#[leak_audit::tokio_test]`: an async test run on a tokio runtime whose
//! threads all count into the test's scope, as [`test_attr`](crate::test_attr)
//! makes a sync one.
//!
//! ```text
//! #[leak_audit::tokio_test(flavor = "multi_thread")]
//! async fn name() -> R { body }
//!     =>
//! #[test]
//! fn name() -> R {
//!     async fn __leak_audit_body() -> R { body }
//!     let __leak_audit_test = TestGuard::new("path::name");
//!     let __leak_audit_result = run_tokio_test(&__leak_audit_test, config, __leak_audit_body());
//!     __leak_audit_result
//! }
//! ```
//!
//! The body stays an `async fn` of its own, so `return`, `?` and the return
//! type mean exactly what they meant. Bad arguments are errors at their span,
//! and the test is still expanded with the defaults, so they are the only
//! errors.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;

use crate::test_attr;

const ATTRIBUTE: &str = "#[leak_audit::tokio_test]";
const EXPECTED: &str =
    "expected `flavor = \"current_thread\"`, `flavor = \"multi_thread\"`, `worker_threads = N`, `start_paused = true` \
     or `allow_running_tasks`";

/// The arguments, with `#[tokio::test]`'s defaults.
#[derive(Default)]
struct Args {
    multi_thread: Option<(bool, Span)>,
    worker_threads: Option<(usize, Span)>,
    start_paused: Option<(bool, Span)>,
    allow_running_tasks: Option<Span>,
}

impl Args {
    fn parse(tokens: TokenStream) -> syn::Result<Args> {
        let mut args = Args::default();
        let parser = syn::meta::parser(|meta| {
            let Some(name) = meta.path.get_ident().map(ToString::to_string) else {
                return Err(meta.error(format!("unknown argument: {EXPECTED}")));
            };
            let span = meta.path.span();
            let duplicate = match name.as_str() {
                "flavor" => args.multi_thread.is_some(),
                "worker_threads" => args.worker_threads.is_some(),
                "start_paused" => args.start_paused.is_some(),
                "allow_running_tasks" => args.allow_running_tasks.is_some(),
                _ => return Err(meta.error(format!("unknown argument `{name}`: {EXPECTED}"))),
            };
            if duplicate {
                return Err(meta.error(format!("duplicate `{name}` argument")));
            }
            if name != "allow_running_tasks" && !meta.input.peek(syn::Token![=]) {
                let form = match name.as_str() {
                    "flavor" => "flavor = \"multi_thread\"",
                    "worker_threads" => "worker_threads = N",
                    _ => "start_paused = true",
                };
                return Err(meta.error(format!("`{name}` takes a value: `{form}`")));
            }
            match name.as_str() {
                "flavor" => {
                    let flavor: syn::LitStr = meta.value()?.parse()?;
                    let multi_thread = match flavor.value().as_str() {
                        "current_thread" => false,
                        "multi_thread" => true,
                        other => {
                            return Err(syn::Error::new(
                                flavor.span(),
                                format!(
                                    "unknown runtime flavor `{other}`: expected `\"current_thread\"` or \
                                     `\"multi_thread\"`"
                                ),
                            ))
                        }
                    };
                    args.multi_thread = Some((multi_thread, span));
                }
                "worker_threads" => {
                    let count: syn::LitInt = meta.value()?.parse()?;
                    let workers: usize = count.base10_parse()?;
                    if workers == 0 {
                        return Err(syn::Error::new(count.span(), "`worker_threads` must be at least 1"));
                    }
                    args.worker_threads = Some((workers, span));
                }
                "start_paused" => {
                    let paused: syn::LitBool = meta.value()?.parse()?;
                    args.start_paused = Some((paused.value, span));
                }
                _ => {
                    if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                        return Err(meta.error("`allow_running_tasks` takes no value"));
                    }
                    args.allow_running_tasks = Some(span);
                }
            }
            Ok(())
        });
        syn::parse::Parser::parse2(parser, tokens)?;
        if let Some((_, span)) = args.worker_threads {
            if !args.multi_thread.is_some_and(|(multi_thread, _)| multi_thread) {
                return Err(syn::Error::new(
                    span,
                    "`worker_threads` needs the multi-thread runtime: add `flavor = \"multi_thread\"`",
                ));
            }
        }
        if let Some((true, span)) = args.start_paused {
            if args.multi_thread.is_some_and(|(multi_thread, _)| multi_thread) {
                return Err(syn::Error::new(
                    span,
                    "`start_paused` needs the current-thread runtime: tokio pauses the clock only there",
                ));
            }
        }
        Ok(args)
    }

    /// The runtime's `TokioTestConfig` literal.
    fn config(&self) -> TokenStream {
        let flavor = if self.multi_thread.is_some_and(|(multi_thread, _)| multi_thread) {
            quote!(MultiThread)
        } else {
            quote!(CurrentThread)
        };
        let workers = self.worker_threads.map_or_else(
            || quote!(::core::option::Option::None),
            |(workers, _)| quote!(::core::option::Option::Some(#workers)),
        );
        let start_paused = self.start_paused.is_some_and(|(paused, _)| paused);
        let check_tasks = self.allow_running_tasks.is_none();
        quote! {
            ::leak_audit::__private::TokioTestConfig {
                flavor: ::leak_audit::__private::TokioFlavor::#flavor,
                worker_threads: #workers,
                start_paused: #start_paused,
                check_tasks: #check_tasks,
            }
        }
    }
}

pub(crate) fn expand(args: TokenStream, input: TokenStream) -> TokenStream {
    let mut function = match test_attr::parse_test_fn(input, ATTRIBUTE) {
        Ok(function) => function,
        Err(tokens) => return tokens,
    };
    if function.sig.asyncness.is_none() {
        let err = syn::Error::new_spanned(
            function.sig.fn_token,
            format!("a `{ATTRIBUTE}` fn must be `async`: write `async fn`, or use `#[leak_audit::test]`"),
        )
        .to_compile_error();
        return quote!(#err #function);
    }
    if !function.sig.inputs.is_empty() {
        let err = syn::Error::new_spanned(&function.sig.inputs, "a test fn cannot take arguments").to_compile_error();
        return quote!(#err #function);
    }
    let runtime_attribute = function.attrs.iter().find(|attr| {
        let segments = &attr.path().segments;
        segments.len() > 1 && segments.last().is_some_and(|segment| segment.ident == "test")
    });
    if let Some(attr) = runtime_attribute {
        let err = syn::Error::new_spanned(
            attr,
            format!("`{ATTRIBUTE}` builds the test's runtime itself: remove this attribute"),
        )
        .to_compile_error();
        return quote!(#err #function);
    }
    let (args, error) = match Args::parse(args) {
        Ok(args) => (args, None),
        Err(err) => (Args::default(), Some(err.to_compile_error())),
    };

    // The body as an `async fn` of its own, named for the expansion.
    let body_fn = syn::Ident::new("__leak_audit_body", Span::call_site());
    let mut inner = function.clone();
    inner.attrs.clear();
    inner.vis = syn::Visibility::Inherited;
    inner.sig.ident = body_fn.clone();
    let items = quote! {
        #[allow(clippy::unused_async)]
        #inner
    };
    function.sig.asyncness = None;
    let config = args.config();
    let test = test_attr::guarded_test(
        function,
        &items,
        |guard| quote!(::leak_audit::__private::run_tokio_test(&#guard, #config, #body_fn())),
    );
    quote!(#error #test)
}

#[cfg(test)]
mod tests {
    use super::expand;
    use quote::quote;

    fn expand_str(args: proc_macro2::TokenStream) -> String {
        expand(
            args,
            quote!(
                async fn works() {}
            ),
        )
        .to_string()
    }

    #[test]
    fn should_default_to_a_current_thread_runtime_that_checks_tasks() {
        let output = expand_str(quote!());
        assert!(output.contains("TokioFlavor :: CurrentThread"), "{output}");
        assert!(output.contains("worker_threads : :: core :: option :: Option :: None"), "{output}");
        assert!(output.contains("start_paused : false"), "{output}");
        assert!(output.contains("check_tasks : true"), "{output}");
        assert!(output.contains("async fn __leak_audit_body"), "{output}");
        assert!(output.contains(":: core :: prelude :: v1 :: test"), "{output}");
        assert!(!output.contains("async fn works"), "{output}");
    }

    #[test]
    fn should_take_tokio_tests_arguments_and_the_opt_out() {
        let output = expand_str(quote!(flavor = "multi_thread", worker_threads = 2, allow_running_tasks));
        assert!(output.contains("TokioFlavor :: MultiThread"), "{output}");
        assert!(output.contains("Option :: Some (2usize)"), "{output}");
        assert!(output.contains("check_tasks : false"), "{output}");
        assert!(!output.contains("compile_error"), "{output}");
        let output = expand_str(quote!(flavor = "current_thread", start_paused = true));
        assert!(output.contains("TokioFlavor :: CurrentThread"), "{output}");
        assert!(output.contains("start_paused : true"), "{output}");
        assert!(!output.contains("compile_error"), "{output}");
    }

    #[test]
    fn should_reject_bad_arguments_and_still_expand_the_test() {
        for (args, message) in [
            (quote!(flavor = "multi"), "unknown runtime flavor `multi`"),
            (quote!(worker_threads = 2), "`worker_threads` needs the multi-thread runtime"),
            (quote!(flavor = "multi_thread", worker_threads = 0), "`worker_threads` must be at least 1"),
            (quote!(start_paused), "`start_paused` takes a value: `start_paused = true`"),
            (quote!(allow_running_tasks = true), "`allow_running_tasks` takes no value"),
            (quote!(flavor = "current_thread", flavor = "current_thread"), "duplicate `flavor` argument"),
            (quote!(crate = "tokio"), "unknown argument"),
            (quote!(flavor = "multi_thread", start_paused = true), "`start_paused` needs the current-thread runtime"),
        ] {
            let output = expand_str(args);
            assert!(output.contains("compile_error") && output.contains(message), "{message}: {output}");
            assert!(output.contains("async fn __leak_audit_body"), "{output}");
        }
    }

    #[test]
    fn should_reject_a_sync_fn_with_the_item_kept() {
        let output = expand(
            quote!(),
            quote!(
                fn sync() {}
            ),
        )
        .to_string();
        assert!(output.contains("must be `async`") && output.contains("fn sync"), "{output}");
    }
}
