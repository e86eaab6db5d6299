//! The counting rewrite from tokens to tokens, without a compiler: which
//! structs get the hidden field, which literals and patterns are fixed, which
//! structs the safety net leaves uncounted, and that the output is still
//! valid items.

use leak_audit_count::{instrument, is_counted, Helper, Instrumented, Options, FIELD};
use quote::{quote, ToTokens};
use syn::visit::{self, Visit};

/// Reads `#[leak_audit(no_count)]`, `#[leak_audit(assert)]` and
/// `#[leak_audit(allow(..))]` as the attribute's own parser does, for the
/// forms these tests use.
fn helper(attr: &syn::Attribute) -> Option<Helper> {
    if !attr.path().is_ident("leak_audit") {
        return None;
    }
    let tokens = match &attr.meta {
        syn::Meta::Path(_) => String::new(),
        syn::Meta::List(list) => list.tokens.to_string(),
        syn::Meta::NameValue(_) => return None,
    };
    Some(Helper {
        no_count: tokens.contains("no_count"),
        assert: tokens.contains("assert"),
        sets_levels: tokens.contains("allow") || tokens.contains("warn") || tokens.contains("deny"),
    })
}

const OPTIONS: Options<'static> = Options { no_count: false, assert: None, helper, source: None };

fn run(item: syn::Item, options: &Options) -> (syn::Item, Instrumented) {
    // With the item's tokens, the rewrite copies the tree only when a rerun is
    // possible and parses the tokens again for one it did not foresee: the
    // result is the same as with the copy always made.
    let source = item.to_token_stream();
    let mut from_source = item.clone();
    let with_source = instrument(&mut from_source, &Options { source: Some(&source), ..*options });
    let mut item = item;
    let instrumented = instrument(&mut item, options);
    assert_eq!(from_source.to_token_stream().to_string(), item.to_token_stream().to_string());
    assert_eq!(with_source.extra.to_string(), instrumented.extra.to_string());
    assert_eq!(with_source.errors.len(), instrumented.errors.len());
    // Whatever was rewritten, the item and the items beside it parse as Rust.
    let extra = &instrumented.extra;
    let output = quote!(#item #extra);
    if let Err(err) = syn::parse2::<syn::File>(output.clone()) {
        panic!("the output is not valid items ({err}):\n{output}");
    }
    (item, instrumented)
}

/// The structs of `item`, by name, and whether each is counted.
fn counted(item: &syn::Item) -> Vec<(String, bool)> {
    struct Structs(Vec<(String, bool)>);
    impl<'ast> Visit<'ast> for Structs {
        fn visit_item_struct(&mut self, def: &'ast syn::ItemStruct) {
            self.0.push((def.ident.to_string(), is_counted(def)));
            visit::visit_item_struct(self, def);
        }
    }
    let mut structs = Structs(Vec::new());
    structs.visit_item(item);
    structs.0
}

/// Each struct literal of `item` (its path's last name) and whether it sets
/// the hidden field.
fn literals(item: &syn::Item) -> Vec<(String, bool)> {
    struct Literals(Vec<(String, bool)>);
    impl<'ast> Visit<'ast> for Literals {
        fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
            let sets_field =
                literal.fields.iter().any(|field| matches!(&field.member, syn::Member::Named(name) if name == FIELD));
            self.0.push((literal.path.segments.last().unwrap().ident.to_string(), sets_field));
            visit::visit_expr_struct(self, literal);
        }
    }
    let mut literals = Literals(Vec::new());
    literals.visit_item(item);
    literals.0
}

/// Each struct pattern of `item` and whether it ends in `..`.
fn patterns(item: &syn::Item) -> Vec<(String, bool)> {
    struct Patterns(Vec<(String, bool)>);
    impl<'ast> Visit<'ast> for Patterns {
        fn visit_pat_struct(&mut self, pattern: &'ast syn::PatStruct) {
            self.0.push((pattern.path.segments.last().unwrap().ident.to_string(), pattern.rest.is_some()));
            visit::visit_pat_struct(self, pattern);
        }
    }
    let mut patterns = Patterns(Vec::new());
    patterns.visit_item(item);
    patterns.0
}

fn pairs(expected: &[(&str, bool)]) -> Vec<(String, bool)> {
    expected.iter().map(|(name, flag)| ((*name).to_owned(), *flag)).collect()
}

#[test]
fn should_count_named_structs_and_fix_their_literals_and_patterns() {
    let (item, instrumented) = run(
        syn::parse_quote! {
            mod model {
                pub struct Person { name: String }
                pub struct Pair(u8, u8);
                pub fn person() -> Person { Person { name: String::new() } }
                pub fn name(p: &Person) -> &str { let Person { name } = p; name }
            }
        },
        &OPTIONS,
    );
    assert!(instrumented.errors.is_empty());
    assert_eq!(counted(&item), pairs(&[("Person", true), ("Pair", false)]));
    assert_eq!(literals(&item), pairs(&[("Person", true)]));
    assert_eq!(patterns(&item), pairs(&[("Person", true)]));
    // One `Counted` impl for the counted struct, placed beside it in the module.
    let text = item.to_token_stream().to_string();
    assert_eq!(text.matches("Counted for Person").count(), 1, "{text}");
    assert!(!text.contains("Counted for Pair"), "{text}");
}

#[test]
fn should_put_the_hidden_field_first() {
    let (item, _) = run(
        syn::parse_quote!(
            struct Path {
                len: usize,
                bytes: [u8],
            }
        ),
        &OPTIONS,
    );
    let syn::Item::Struct(def) = item else { unreachable!() };
    let names: Vec<String> = def.fields.iter().map(|field| field.ident.as_ref().unwrap().to_string()).collect();
    assert_eq!(names, [FIELD, "len", "bytes"]);
}

#[test]
fn should_change_nothing_with_no_count() {
    let input: syn::Item = syn::parse_quote! {
        mod model {
            pub struct Person { name: String }
            pub fn person() -> Person { Person { name: String::new() } }
        }
    };
    let options = Options { no_count: true, ..OPTIONS };
    let (item, instrumented) = run(input.clone(), &options);
    assert_eq!(item.to_token_stream().to_string(), input.to_token_stream().to_string());
    assert!(instrumented.extra.is_empty());
    assert!(instrumented.errors.is_empty());
}

#[test]
fn should_leave_uncounted_the_structs_that_cannot_be_counted() {
    let (item, _) = run(
        syn::parse_quote! {
            mod model {
                #[leak_audit(no_count)]
                pub struct Opted { a: u8 }
                pub struct Copied { a: u8 }
                impl Clone for Copied { fn clone(&self) -> Self { *self } }
                impl Copy for Copied {}
                pub struct Constant { a: u8 }
                pub const C: Constant = Constant { a: 1 };
                pub struct Counted { a: u8 }
            }
        },
        &OPTIONS,
    );
    // `Opted` by its helper; `Copied` and `Constant` by how the code uses them.
    assert_eq!(counted(&item), pairs(&[("Opted", false), ("Copied", false), ("Constant", false), ("Counted", true)]));
    assert_eq!(literals(&item), pairs(&[("Constant", false)]));
}

#[test]
fn should_leave_uncounted_a_struct_built_where_the_rewrite_cannot_see() {
    // A literal in a `thread_local!` body: the rewrite cannot parse it, so the
    // safety net leaves `Slot` uncounted and reruns; `Other` stays counted.
    let (item, instrumented) = run(
        syn::parse_quote! {
            mod model {
                pub struct Slot { a: u8 }
                pub struct Other { a: u8 }
                thread_local! { static SLOT: Slot = Slot { a: 1 }; }
                pub fn slot() -> Slot { Slot { a: 2 } }
                pub fn other() -> Other { Other { a: 3 } }
            }
        },
        &OPTIONS,
    );
    assert_eq!(counted(&item), pairs(&[("Slot", false), ("Other", true)]));
    assert_eq!(literals(&item), pairs(&[("Slot", false), ("Other", true)]));
    let text = instrumented.extra.to_string() + &item.to_token_stream().to_string();
    assert!(!text.contains("Counted for Slot"), "{text}");
}

#[test]
fn should_guard_an_annotated_fn_and_inner_fns_that_ask_for_it() {
    let (item, instrumented) = run(
        syn::parse_quote! {
            fn run() {
                #[leak_audit]
                fn watched() {}
                #[leak_audit(allow(rc_cycle))]
                fn levels_only() {}
                #[leak_audit(no_count)]
                fn opted_out() {}
                let x = 1;
            }
        },
        &OPTIONS,
    );
    assert!(instrumented.errors.is_empty());
    let syn::Item::Fn(function) = &item else { unreachable!() };
    let guards = |block: &syn::Block| block.to_token_stream().to_string().matches("CallGuard :: new").count();
    // The outer fn's guard comes after the items that open its body.
    let first_statement = function.block.stmts.iter().position(|stmt| !matches!(stmt, syn::Stmt::Item(_))).unwrap();
    let guard = function.block.stmts[first_statement].to_token_stream().to_string();
    assert!(guard.contains("CallGuard :: new") && guard.contains("\"run\" , false"), "{guard}");
    let inner: Vec<usize> = function
        .block
        .stmts
        .iter()
        .filter_map(|stmt| match stmt {
            syn::Stmt::Item(syn::Item::Fn(inner)) => Some(guards(&inner.block)),
            _ => None,
        })
        .collect();
    assert_eq!(inner, [1, 0, 0]);
}

#[test]
fn should_guard_with_assert_and_reject_assert_off_fns() {
    let span = proc_macro2::Span::call_site();
    let options = Options { assert: Some(span), ..OPTIONS };
    let (item, instrumented) = run(
        syn::parse_quote!(
            fn run() {}
        ),
        &options,
    );
    assert!(instrumented.errors.is_empty());
    assert!(item.to_token_stream().to_string().contains("\"run\" , true"));
    let (_, instrumented) = run(
        syn::parse_quote!(
            struct S {
                a: u8,
            }
        ),
        &options,
    );
    assert_eq!(instrumented.errors.len(), 1);
    assert!(instrumented.errors[0].to_string().contains("`assert` only applies to a fn"));
    // A const fn cannot count: no guard.
    let (item, _) = run(
        syn::parse_quote!(
            const fn run() {}
        ),
        &options,
    );
    assert!(!item.to_token_stream().to_string().contains("CallGuard"));
}

#[test]
fn should_give_a_generic_struct_a_marker_type() {
    let (item, instrumented) = run(
        syn::parse_quote!(
            struct Wrapper<T> {
                value: T,
            }
        ),
        &OPTIONS,
    );
    assert!(matches!(&item, syn::Item::Struct(def) if is_counted(def)));
    let extra: syn::File = syn::parse2(instrumented.extra).unwrap();
    let markers: Vec<String> = extra
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(def) => Some(def.ident.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(markers, ["__leak_audit_Wrapper"]);
    // The hidden field names the marker, never `T`.
    let syn::Item::Struct(def) = &item else { unreachable!() };
    let field = def.fields.iter().next().unwrap().ty.to_token_stream().to_string();
    assert!(field.ends_with("< __leak_audit_Wrapper >"), "{field}");
}
