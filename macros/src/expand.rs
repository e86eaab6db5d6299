//! `#[leak_audit]`: run the engine on the annotated item, render its findings as
//! compiler warnings (or errors), instrument counted types, and hand the item
//! back with every user span intact.

use leak_audit_engine::args::{self, Args};
use leak_audit_engine::{Config, FileId, Finding, Level, Source};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::visit_mut::VisitMut;

use crate::trace;

pub(crate) fn leak_audit(args: TokenStream, input: TokenStream) -> TokenStream {
    let args: Args = match syn::parse2(args) {
        Ok(args) => args,
        // The item is still emitted, so the user sees one error and not a cascade
        // of "cannot find type" errors wherever it is used.
        Err(err) => return with_item(err, input),
    };
    let mut item: syn::Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => return with_item(syn::Error::new(Span::call_site(), UNSUPPORTED), input),
    };
    if let Err(err) = check_supported(&item) {
        return with_item(err, input);
    }

    let mut config = Config::default();
    for setting in &args.levels {
        config.levels.insert(setting.lint.name, setting.level);
    }
    let analysis =
        leak_audit_engine::analyze(&[Source::new(FileId(0), std::slice::from_ref(&item)).fragment()], &config);

    let mut errors: Vec<syn::Error> = analysis.errors.into_iter().map(|(_, err)| err).collect();
    let warnings: TokenStream = analysis.findings.iter().map(render).collect();

    let options = leak_audit_count::Options {
        no_count: args.no_count.is_some(),
        assert: args.assert,
        helper,
        source: Some(&input),
    };
    let instrumented = leak_audit_count::instrument(&mut item, &options);
    errors.extend(instrumented.errors);
    let extra = instrumented.extra;

    StripHelperAttrs.visit_item_mut(&mut item);
    let tracers = trace::tracers(&mut item);
    let errors: TokenStream = errors.iter().map(syn::Error::to_compile_error).collect();
    // A fn may be a method in an `impl` or a trait, where no `const _` item can
    // stand beside it: its warnings go inside its body, where items always can.
    let warnings = match &mut item {
        syn::Item::Fn(function) if !warnings.is_empty() => {
            let block = &function.block;
            match syn::parse2::<syn::Block>(quote!({ #warnings #block })) {
                Ok(with_warnings) => {
                    *function.block = with_warnings;
                    TokenStream::new()
                }
                // Cannot happen for tokens syn printed; never panic regardless.
                Err(_) => warnings,
            }
        }
        _ => warnings,
    };
    quote! {
        #item
        #extra
        #tracers
        #warnings
        #errors
    }
}

/// Reads a `#[leak_audit(..)]` helper for the counting rewrite, with the same
/// parser as the attribute's own arguments.
fn helper(attr: &syn::Attribute) -> Option<leak_audit_count::Helper> {
    let args = leak_audit_engine::parse_attribute(attr)?.ok()?;
    Some(leak_audit_count::Helper {
        no_count: args.no_count.is_some(),
        assert: args.assert.is_some(),
        sets_levels: !args.levels.is_empty(),
    })
}

const UNSUPPORTED: &str = "`#[leak_audit]` goes on an inline `mod m { .. }`, a struct, enum or union, \
     an `impl` block, a fn, a trait, or a `static`";

fn check_supported(item: &syn::Item) -> syn::Result<()> {
    match item {
        syn::Item::Mod(module) if module.content.is_none() => Err(syn::Error::new_spanned(
            module,
            "`#[leak_audit]` cannot see into a module in another file; put it inside that file \
             on an inline module, or run `cargo leak-audit` to check the whole crate",
        )),
        syn::Item::Mod(_)
        | syn::Item::Struct(_)
        | syn::Item::Enum(_)
        | syn::Item::Union(_)
        | syn::Item::Impl(_)
        | syn::Item::Fn(_)
        | syn::Item::Trait(_)
        | syn::Item::Static(_)
        | syn::Item::Type(_)
        | syn::Item::Macro(_) => Ok(()),
        // `fn area(&self) -> f64;` in a trait: a fn without a body.
        syn::Item::Verbatim(tokens) if syn::parse2::<syn::TraitItemFn>(tokens.clone()).is_ok() => Err(syn::Error::new_spanned(
            tokens,
            "`#[leak_audit]` on a fn needs its body: put it on the trait, on a provided method, or on the method in each `impl`",
        )),
        other => Err(syn::Error::new_spanned(other, UNSUPPORTED)),
    }
}

fn with_item(err: syn::Error, input: TokenStream) -> TokenStream {
    let err = err.to_compile_error();
    quote!(#err #input)
}

/// Renders a finding as a stable-Rust warning: the use of a `#[deprecated]`
/// constant named after the lint, whose note is the finding's text and whose
/// path's last segment carries the user's span.
///
/// rustc shows it as ``warning: use of deprecated constant `_::leak_audit::rc_cycle`: ..``
/// with the caret on the user's token.
fn render(finding: &Finding) -> TokenStream {
    let lint = Ident::new(finding.lint.name, Span::call_site());
    let used = Ident::new(finding.lint.name, finding.location.span);
    // The message on the first line (after rustc's ``use of deprecated
    // constant `_::leak_audit::<lint>`:``), then the notes and help on lines
    // of their own, which rustc indents under the message.
    let note = finding.joined("\nnote: ", "\nhelp: ");
    // In deny mode the level attribute makes the same text an error. Warnings
    // carry no attribute, so the user's own `#![deny(deprecated)]` or
    // `#![deny(warnings)]` still applies to them.
    let level = match finding.level {
        Level::Deny => quote!(#[deny(deprecated)]),
        Level::Warn | Level::Allow => TokenStream::new(),
    };
    let mut path = quote!(leak_audit::);
    used.to_tokens(&mut path);
    quote_spanned! {Span::call_site()=>
        #level
        const _: () = {
            #[allow(non_upper_case_globals, dead_code, missing_docs, unreachable_pub)]
            mod leak_audit {
                #[deprecated(note = #note)]
                pub const #lint: () = ();
            }
            #path
        };
    }
}

/// Removes `#[leak_audit(..)]` helper attributes (and inner `#[leak_audit]`
/// attributes, which the outer one has already handled) from everything inside
/// the annotated item, so the compiler never sees them on fields or variants.
struct StripHelperAttrs;

fn strip(attrs: &mut Vec<syn::Attribute>) {
    attrs.retain(|attr| !args::is_leak_audit_path(attr.path()));
}

impl VisitMut for StripHelperAttrs {
    fn visit_attributes_mut(&mut self, attrs: &mut Vec<syn::Attribute>) {
        strip(attrs);
    }
}
