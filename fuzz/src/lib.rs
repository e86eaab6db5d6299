//! Shared code of the fuzz targets: the `#[leak_audit]` expansion's steps run
//! as ordinary code, and the structured item generator.
//!
//! A proc-macro crate can only export macros, so [`expand`] runs what the
//! attribute runs, from the libraries the macro itself calls: the engine's
//! argument parser and analysis, and the counting rewrite of
//! `leak_audit_count`. Only the macro's rendering of findings as tokens is left
//! out.

pub mod items;

use leak_audit_engine::args::Args;
use leak_audit_engine::{Config, FileId, Source};
use quote::quote;

/// Runs the `#[leak_audit]` expansion on attribute arguments and an item: the
/// item comes back instrumented, followed by the counting rewrite's items and
/// errors. Input the attribute rejects comes back unchanged.
pub fn expand(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    let Ok(args) = syn::parse2::<Args>(args) else { return item };
    let Ok(mut parsed) = syn::parse2::<syn::Item>(item.clone()) else { return item };
    let mut config = Config::default();
    for setting in &args.levels {
        config.levels.insert(setting.lint.name, setting.level);
    }
    let _ = leak_audit_engine::analyze(&[Source::new(FileId(0), std::slice::from_ref(&parsed)).fragment()], &config);
    let options =
        leak_audit_count::Options { no_count: args.no_count.is_some(), assert: args.assert, helper, source: Some(&item) };
    let instrumented = leak_audit_count::instrument(&mut parsed, &options);
    let extra = instrumented.extra;
    let errors = instrumented.errors.iter().map(syn::Error::to_compile_error);
    quote!(#parsed #extra #(#errors)*)
}

/// Reads a `#[leak_audit(..)]` helper as the macro does.
fn helper(attr: &syn::Attribute) -> Option<leak_audit_count::Helper> {
    let args = leak_audit_engine::parse_attribute(attr)?.ok()?;
    Some(leak_audit_count::Helper {
        no_count: args.no_count.is_some(),
        assert: args.assert.is_some(),
        sets_levels: !args.levels.is_empty(),
    })
}
