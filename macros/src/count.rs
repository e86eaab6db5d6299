//! Instrumentation of annotated types for live-instance counting.
//!
//! Three passes over the annotated item:
//!
//! 1. [`exclude`] finds the structs that must stay uncounted because of how
//!    the code uses them (built at compile time, `Copy`);
//! 2. [`structs`] adds the hidden `__leak_audit` field to every other struct
//!    with named fields and emits, next to it, a marker type holding the
//!    counter and the `Counted` impls;
//! 3. [`rewrite`] fixes the struct literals and patterns that name counted
//!    structs, so that the code keeps compiling.
//!
//! A fn annotated `#[leak_audit]` (the item itself, or a fn inside it carrying
//! a `#[leak_audit(..)]` helper, handled during pass 3) gets a call guard that
//! reports the growth of counted types across each call.

mod exclude;
mod rewrite;
mod structs;

use leak_audit_engine::args::Args;
use proc_macro2::TokenStream;
use syn::visit_mut::{self, VisitMut};

/// What instrumenting an item produced besides the rewritten item itself.
#[derive(Default)]
pub(crate) struct Instrumented {
    /// Items to emit after the annotated item (counter statics, impls).
    pub(crate) extra: TokenStream,
    /// Problems to report; the item is emitted regardless.
    pub(crate) errors: Vec<syn::Error>,
}

/// Rewrites `item` so the runtime counts live instances of its structs.
pub(crate) fn instrument(item: &mut syn::Item, args: &Args) -> Instrumented {
    let mut instrumented = Instrumented::default();
    if let Some(span) = args.assert {
        if !matches!(item, syn::Item::Fn(_)) {
            instrumented.errors.push(syn::Error::new(
                span,
                "`assert` only applies to a fn: it panics when a call leaves more live values",
            ));
        }
    }
    if args.no_count.is_some() {
        return instrumented;
    }

    let excluded = exclude::excluded_names(item);
    let mut adder = AddFields { excluded: &excluded, names: rewrite::Names::default() };
    if let syn::Item::Struct(def) = item {
        if !has_no_count(&def.attrs) {
            if let Some(extra) = adder.instrument_struct(def) {
                instrumented.extra.extend(extra);
            }
        }
    } else {
        adder.visit_item_mut(item);
    }
    if let syn::Item::Fn(function) = item {
        add_call_guard(function, args.assert.is_some());
    }
    // Also adds the call guards of inner fns (see `inner_guard`).
    rewrite::rewrite(item, &adder.names);
    instrumented
}

pub(crate) use structs::FIELD;

/// Whether the rewrite gave `def` the hidden counting field.
pub(crate) fn is_counted(def: &syn::ItemStruct) -> bool {
    def.fields.iter().any(|field| field.ident.as_ref().is_some_and(|ident| ident == FIELD))
}

/// Whether `attrs` hold `#[leak_audit(no_count)]`.
fn has_no_count(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|attr| matches!(leak_audit_engine::parse_attribute(attr), Some(Ok(args)) if args.no_count.is_some()))
}

/// The arguments of the first well-formed `#[leak_audit(..)]` helper in `attrs`.
fn helper_args(attrs: &[syn::Attribute]) -> Option<Args> {
    attrs.iter().find_map(|attr| leak_audit_engine::parse_attribute(attr).and_then(Result::ok))
}

/// The last identifier of `path` (`model::Person` gives `Person`).
fn path_name(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|segment| segment.ident.to_string())
}

/// Pass 2: the hidden field on every countable struct, with its items placed
/// next to it (in the same module or block, where the struct's name resolves).
struct AddFields<'a> {
    excluded: &'a std::collections::HashSet<String>,
    names: rewrite::Names,
}

impl AddFields<'_> {
    fn instrument_struct(&mut self, def: &mut syn::ItemStruct) -> Option<TokenStream> {
        let name = def.ident.to_string();
        let result = if self.excluded.contains(&name) || has_no_count(&def.attrs) {
            None
        } else {
            structs::instrument(def).ok()
        };
        let entry = self.names.structs.entry(name).or_insert((0, 0));
        if result.is_some() {
            entry.0 += 1;
        } else {
            entry.1 += 1;
        }
        result
    }

    /// Instruments the structs among `items` and returns, per position, the
    /// items to insert after it. They go in as verbatim tokens: nothing after
    /// this pass needs to look into them, so they are never parsed.
    fn instrument_items<'i>(&mut self, items: impl Iterator<Item = &'i mut syn::Item>) -> Vec<(usize, syn::Item)> {
        let mut inserts = Vec::new();
        for (index, item) in items.enumerate() {
            if let syn::Item::Struct(def) = item {
                if let Some(extra) = self.instrument_struct(def) {
                    inserts.push((index, syn::Item::Verbatim(extra)));
                }
            }
        }
        inserts
    }
}

fn skip_item(attrs: &[syn::Attribute]) -> bool {
    has_no_count(attrs)
}

impl VisitMut for AddFields<'_> {
    fn visit_item_mod_mut(&mut self, node: &mut syn::ItemMod) {
        if skip_item(&node.attrs) {
            return;
        }
        self.names.modules.insert(node.ident.to_string());
        let Some((_, items)) = &mut node.content else { return };
        for item in items.iter_mut() {
            if !matches!(item, syn::Item::Struct(_)) {
                self.visit_item_mut(item);
            }
        }
        let inserts = self.instrument_items(items.iter_mut());
        for (index, extra) in inserts.into_iter().rev() {
            items.insert(index + 1, extra);
        }
    }

    fn visit_block_mut(&mut self, node: &mut syn::Block) {
        for stmt in &mut node.stmts {
            if !matches!(stmt, syn::Stmt::Item(syn::Item::Struct(_))) {
                self.visit_stmt_mut(stmt);
            }
        }
        let mut positions = Vec::new();
        let items = node.stmts.iter_mut().enumerate().filter_map(|(position, stmt)| match stmt {
            syn::Stmt::Item(item) => {
                positions.push(position);
                Some(item)
            }
            _ => None,
        });
        let inserts = self.instrument_items(items);
        for (index, extra) in inserts.into_iter().rev() {
            node.stmts.insert(positions[index] + 1, syn::Stmt::Item(extra));
        }
    }

    fn visit_item_fn_mut(&mut self, node: &mut syn::ItemFn) {
        if !skip_item(&node.attrs) {
            visit_mut::visit_item_fn_mut(self, node);
        }
    }

    fn visit_item_impl_mut(&mut self, node: &mut syn::ItemImpl) {
        if !skip_item(&node.attrs) {
            visit_mut::visit_item_impl_mut(self, node);
        }
    }

    fn visit_item_trait_mut(&mut self, node: &mut syn::ItemTrait) {
        if !skip_item(&node.attrs) {
            visit_mut::visit_item_trait_mut(self, node);
        }
    }

    fn visit_impl_item_fn_mut(&mut self, node: &mut syn::ImplItemFn) {
        if !skip_item(&node.attrs) {
            visit_mut::visit_impl_item_fn_mut(self, node);
        }
    }
}

/// Puts a `CallGuard` at the start of `function`'s body (not for `const fn`s,
/// which cannot count).
fn add_call_guard(function: &mut syn::ItemFn, assert: bool) {
    if function.sig.constness.is_some() {
        return;
    }
    let name = function.sig.ident.to_string();
    insert_guard(&mut function.block, call_guard(&name, assert));
}

/// Puts the guard first among the body's statements, after the items that
/// open it (clippy's `items_after_statements` would flag them otherwise).
fn insert_guard(block: &mut syn::Block, guard: syn::Stmt) {
    let first_statement =
        block.stmts.iter().position(|stmt| !matches!(stmt, syn::Stmt::Item(_))).unwrap_or(block.stmts.len());
    block.stmts.insert(first_statement, guard);
}

fn call_guard(name: &str, assert: bool) -> syn::Stmt {
    syn::parse_quote! {
        let __leak_audit_call = ::leak_audit::__private::CallGuard::new(::core::module_path!(), #name, #assert);
    }
}

/// A call guard for a fn inside the item that carries its own
/// `#[leak_audit(..)]` helper (without `no_count`, and not lint levels
/// alone); called by the rewrite pass, which visits every fn anyway.
fn inner_guard(attrs: &[syn::Attribute], sig: &syn::Signature, block: &mut syn::Block) {
    if let Some(args) = helper_args(attrs) {
        // Only lint levels (`#[leak_audit(allow(..), reason = "..")]`): a
        // setting for the lints, not a request to watch the fn's calls.
        let settings_only = !args.levels.is_empty() && args.assert.is_none();
        if args.no_count.is_none() && !settings_only && sig.constness.is_none() {
            insert_guard(block, call_guard(&sig.ident.to_string(), args.assert.is_some()));
        }
    }
}
