//! The counting rewrite of `#[leak_audit]`: instrument the structs of an
//! annotated item so the `leak_audit` runtime counts their live instances,
//! and rewrite the item's struct literals and patterns so they keep compiling.
//!
//! A plain library (proc-macro crates can only export macros), so the rewrite
//! is tested without a compiler in the loop, and the proc macro and the fuzz
//! target call the same code. It takes syntax trees and gives back syntax
//! trees and tokens; reading the attribute's arguments is the caller's job
//! (see [`Options`]).
//!
//! # Passes
//!
//! [`instrument`] makes three passes over the annotated item:
//!
//! 1. `exclude` finds the structs that must stay uncounted because of how
//!    the code uses them (built at compile time, `Copy`);
//! 2. `structs` adds the hidden `__leak_audit` field to every other struct
//!    with named fields and emits, next to it, a marker type holding the
//!    counter and the `Counted` impls;
//! 3. `rewrite` fixes the struct literals and patterns that name counted
//!    structs, so that the code keeps compiling.
//!
//! A fn annotated `#[leak_audit]` (the item itself, or a fn inside it carrying
//! a `#[leak_audit(..)]` helper, handled during pass 3) gets a call guard that
//! reports the growth of counted types across each call.
//!
//! # Safety net
//!
//! The `safety` pass then checks that every use of a counted struct inside the
//! item will still compile; a struct for which that is in doubt is marked
//! `#[leak_audit(no_count)]` and the rewrite runs again, so code that compiled
//! keeps compiling and the struct is simply not counted.

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod const_context;
mod exclude;
mod rerun;
mod rewrite;
mod safety;
mod structs;

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use syn::visit_mut::{self, VisitMut};

/// What the attribute on the item asks of the rewrite, how to read the
/// `#[leak_audit(..)]` helpers inside it, and where the item came from.
#[derive(Clone, Copy, Debug)]
pub struct Options<'a> {
    /// `no_count`: count nothing (the call guard of `assert` is not added either).
    pub no_count: bool,
    /// `assert`, where it was written: on a fn, the call guard panics on growth.
    pub assert: Option<Span>,
    /// Reads one attribute: `Some` for a well-formed `#[leak_audit(..)]`
    /// helper, `None` for any other attribute (or a malformed helper).
    pub helper: ReadHelper,
    /// The tokens the item was parsed from. With them, the copy of the tree
    /// that a rerun of the rewrite starts from is only made when a rerun is
    /// possible, and an unforeseen rerun parses the tokens again; without
    /// them, the copy is always made.
    pub source: Option<&'a TokenStream>,
}

/// Reads a `#[leak_audit(..)]` helper attribute; see [`Options::helper`].
pub type ReadHelper = fn(&syn::Attribute) -> Option<Helper>;

/// What a `#[leak_audit(..)]` helper inside the item says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Helper {
    /// `no_count`: leave this struct (or everything in this item) uncounted.
    pub no_count: bool,
    /// `assert`: the fn's call guard panics on growth.
    pub assert: bool,
    /// Whether it sets lint levels (`allow(..)`, `warn(..)`, `deny(..)`).
    pub sets_levels: bool,
}

/// What instrumenting an item produced besides the rewritten item itself.
#[derive(Debug, Default)]
pub struct Instrumented {
    /// Items to emit after the annotated item (counter statics, impls).
    pub extra: TokenStream,
    /// Problems to report; the item is emitted regardless.
    pub errors: Vec<syn::Error>,
}

/// Structs the counting safety net may leave uncounted before it gives up
/// checking (each retreat reruns the rewrite).
const MAX_RETREATS: usize = 64;

/// Rewrites `item` so the runtime counts live instances of its structs,
/// leaving uncounted any struct whose uses inside `item` would no longer
/// compile.
///
/// # Examples
///
/// ```
/// use leak_audit_count::{instrument, Options};
///
/// let mut item: syn::Item = syn::parse_quote! {
///     mod model {
///         pub struct Person { name: String }
///         pub fn person() -> Person { Person { name: String::new() } }
///     }
/// };
/// let options = Options { no_count: false, assert: None, helper: |_| None, source: None };
/// let instrumented = instrument(&mut item, &options);
/// assert!(instrumented.errors.is_empty());
/// let syn::Item::Mod(module) = &item else { unreachable!() };
/// let syn::Item::Struct(person) = &module.content.as_ref().unwrap().1[0] else { unreachable!() };
/// assert!(leak_audit_count::is_counted(person));
/// ```
pub fn instrument(item: &mut syn::Item, options: &Options) -> Instrumented {
    if options.no_count {
        // Nothing is counted, so nothing can need a rerun: no copy of the tree.
        return instrument_once(item, options);
    }
    // Count what can be counted without breaking the build: when the
    // rewrite leaves a use of a counted struct that would not compile, that
    // struct is left uncounted and the rewrite runs again.
    // A rerun starts from a copy of the item taken up front when one is
    // possible: cloning the tree costs a few milliseconds where parsing the
    // input again through the proc-macro bridge costs several times that (6 ms
    // against 43 ms for the 7,400 lines of the `log` crate), and real code
    // often needs one rerun. Where none is possible (`rerun::possible`), no
    // copy is made, and the tokens are parsed again if one is needed after all.
    let copy = match options.source {
        Some(_) if !rerun::possible(item) => None,
        _ => Some(item.clone()),
    };
    let mut uncounted = HashSet::new();
    loop {
        let instrumented = instrument_once(item, options);
        let doubtful = safety::doubtful(item);
        if doubtful.is_empty() || doubtful.is_subset(&uncounted) || uncounted.len() > MAX_RETREATS {
            return instrumented;
        }
        let original = match (&copy, options.source) {
            (Some(copy), _) => copy.clone(),
            (None, Some(source)) => match syn::parse2(source.clone()) {
                Ok(original) => original,
                // Cannot happen for the tokens the item was parsed from.
                Err(_) => return instrumented,
            },
            (None, None) => return instrumented,
        };
        uncounted.extend(doubtful);
        *item = original;
        safety::mark_no_count(item, &uncounted);
    }
}

/// One run of the three passes.
fn instrument_once(item: &mut syn::Item, options: &Options) -> Instrumented {
    let mut instrumented = Instrumented::default();
    if let Some(span) = options.assert {
        if !matches!(item, syn::Item::Fn(_)) {
            instrumented.errors.push(syn::Error::new(
                span,
                "`assert` only applies to a fn: it panics when a call leaves more live values",
            ));
        }
    }
    if options.no_count {
        return instrumented;
    }

    let excluded = exclude::excluded_names(item);
    let mut adder = AddFields {
        excluded: &excluded,
        names: rewrite::Names::default(),
        helper: options.helper,
        shared: structs::Shared::new(),
    };
    if let syn::Item::Struct(def) = item {
        if !has_no_count(&def.attrs, options.helper) {
            if let Some(extra) = adder.instrument_struct(def) {
                instrumented.extra.extend(extra);
            }
        }
    } else {
        adder.visit_item_mut(item);
    }
    if let syn::Item::Fn(function) = item {
        add_call_guard(function, options.assert.is_some());
    }
    // Also adds the call guards of inner fns (see `inner_guard`).
    rewrite::rewrite(item, &adder.names, options.helper);
    instrumented
}

pub use structs::FIELD;

/// Whether the rewrite gave `def` the hidden counting field.
///
/// # Examples
///
/// ```
/// let def: syn::ItemStruct = syn::parse_quote!(struct S { a: u8 });
/// assert!(!leak_audit_count::is_counted(&def));
/// ```
pub fn is_counted(def: &syn::ItemStruct) -> bool {
    def.fields.iter().any(|field| field.ident.as_ref().is_some_and(|ident| ident == FIELD))
}

/// Whether `attrs` hold `#[leak_audit(no_count)]`.
fn has_no_count(attrs: &[syn::Attribute], helper: ReadHelper) -> bool {
    attrs.iter().any(|attr| helper(attr).is_some_and(|helper| helper.no_count))
}

/// The first well-formed `#[leak_audit(..)]` helper in `attrs`.
fn first_helper(attrs: &[syn::Attribute], helper: ReadHelper) -> Option<Helper> {
    attrs.iter().find_map(helper)
}

/// The last identifier of `path` (`model::Person` gives `Person`).
fn path_name(path: &syn::Path) -> Option<String> {
    path.segments.last().map(|segment| segment.ident.to_string())
}

/// Pass 2: the hidden field on every countable struct, with its items placed
/// next to it (in the same module or block, where the struct's name resolves).
struct AddFields<'a> {
    excluded: &'a HashSet<String>,
    names: rewrite::Names,
    helper: ReadHelper,
    shared: structs::Shared,
}

impl AddFields<'_> {
    fn instrument_struct(&mut self, def: &mut syn::ItemStruct) -> Option<TokenStream> {
        let name = def.ident.to_string();
        let result = if self.excluded.contains(&name) || has_no_count(&def.attrs, self.helper) {
            None
        } else {
            structs::instrument(def, &self.shared).ok()
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

impl VisitMut for AddFields<'_> {
    fn visit_item_mod_mut(&mut self, node: &mut syn::ItemMod) {
        if has_no_count(&node.attrs, self.helper) {
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
        if !has_no_count(&node.attrs, self.helper) {
            visit_mut::visit_item_fn_mut(self, node);
        }
    }

    fn visit_item_impl_mut(&mut self, node: &mut syn::ItemImpl) {
        if !has_no_count(&node.attrs, self.helper) {
            visit_mut::visit_item_impl_mut(self, node);
        }
    }

    fn visit_item_trait_mut(&mut self, node: &mut syn::ItemTrait) {
        if !has_no_count(&node.attrs, self.helper) {
            visit_mut::visit_item_trait_mut(self, node);
        }
    }

    fn visit_impl_item_fn_mut(&mut self, node: &mut syn::ImplItemFn) {
        if !has_no_count(&node.attrs, self.helper) {
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
fn inner_guard(attrs: &[syn::Attribute], sig: &syn::Signature, block: &mut syn::Block, helper: ReadHelper) {
    if let Some(helper) = first_helper(attrs, helper) {
        // Only lint levels (`#[leak_audit(allow(..), reason = "..")]`): a
        // setting for the lints, not a request to watch the fn's calls.
        let settings_only = helper.sets_levels && !helper.assert;
        if !helper.no_count && !settings_only && sig.constness.is_none() {
            insert_guard(block, call_guard(&sig.ident.to_string(), helper.assert));
        }
    }
}
