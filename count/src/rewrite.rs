//! Rewriting the struct literals and struct patterns of counted structs inside
//! the annotated item, so that they keep compiling with the hidden field.
//!
//! Literals get `__leak_audit: Default::default()` (a fresh counted token,
//! also with `..base`, so a `Drop` base is never moved out of); patterns
//! without `..` get one.
//!
//! Which struct a path names is decided syntactically, by a scope walk that
//! follows Rust's rules closely enough for annotated code: blocks see the
//! items of enclosing blocks and modules; a module sees only its own items,
//! its `use`s, and its parent's items through `use super::*`. A qualified
//! path (`super::Person`, `crate::model::Person`, `model::Person`) whose
//! prefix is made of `self`, `super`, `crate` and modules of the annotated
//! item names the counted struct of that name, if every struct of that name in
//! the item is counted. Anything else (another crate's type of the same name,
//! an ambiguous name) is left alone: a literal of a counted struct that is not
//! recognised fails to compile with ``missing field `__leak_audit` ``, never
//! silently miscounts.

use std::collections::{HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::Token;

use super::structs::FIELD;
use super::ReadHelper;

/// What the first pass learnt about the item's structs and modules.
#[derive(Default)]
pub(super) struct Names {
    /// Per struct name: how many structs of that name are counted and how many
    /// are not.
    pub(super) structs: HashMap<String, (usize, usize)>,
    /// The names of the modules inside the item.
    pub(super) modules: HashSet<String>,
}

impl Names {
    /// Whether every struct called `name` in the item is counted.
    fn all_counted(&self, name: &str) -> bool {
        self.structs.get(name).is_some_and(|&(counted, uncounted)| counted > 0 && uncounted == 0)
    }
}

/// Rewrites the literals and patterns in `item`, and adds the call guards of
/// the fns inside it that carry a `#[leak_audit(..)]` helper (read with
/// `helper`). When `item` is a struct, it is the scope of its own name.
pub(super) fn rewrite(item: &mut syn::Item, names: &Names, helper: ReadHelper) {
    let mut rewriter = Rewriter { names, scopes: Vec::new(), selves: Vec::new(), changed: false, helper };
    if let syn::Item::Struct(def) = item {
        let counted = super::is_counted(def);
        rewriter.scopes.push(Scope {
            defs: HashMap::from([(def.ident.to_string(), Def::Known(counted))]),
            transparent: false,
            glob: false,
            modules: 0,
        });
    }
    rewriter.visit_item_mut(item);
}

enum Def {
    /// A struct (counted or not), enum, union or trait defined in the scope.
    Known(bool),
    /// A `use` or type alias: whatever this path names.
    Via(syn::Path),
}

struct Scope {
    defs: HashMap<String, Def>,
    /// Whether lookups continue in the enclosing scope (blocks, and modules
    /// with `use super::*`).
    transparent: bool,
    /// Whether it has a glob import other than `use super::*`.
    glob: bool,
    /// How many modules of the annotated item enclose this scope (the
    /// annotated module itself included): a path with more `super`s than
    /// this leaves the item.
    modules: usize,
}

impl Scope {
    fn of_items<'a>(items: impl IntoIterator<Item = &'a syn::Item>, module: bool, outer_modules: usize) -> Self {
        let modules = outer_modules + usize::from(module);
        let mut scope = Scope { defs: HashMap::new(), transparent: !module, glob: false, modules };
        for item in items {
            match item {
                syn::Item::Struct(def) => {
                    scope.defs.insert(def.ident.to_string(), Def::Known(super::is_counted(def)));
                }
                syn::Item::Enum(def) => {
                    scope.defs.insert(def.ident.to_string(), Def::Known(false));
                }
                syn::Item::Union(def) => {
                    scope.defs.insert(def.ident.to_string(), Def::Known(false));
                }
                syn::Item::Trait(def) => {
                    scope.defs.insert(def.ident.to_string(), Def::Known(false));
                }
                syn::Item::Type(alias) => {
                    let def = match &*alias.ty {
                        syn::Type::Path(path) if path.qself.is_none() => Def::Via(path.path.clone()),
                        _ => Def::Known(false),
                    };
                    scope.defs.insert(alias.ident.to_string(), def);
                }
                syn::Item::Use(use_item) => scope.add_use(&use_item.tree, &mut Vec::new()),
                _ => {}
            }
        }
        scope
    }

    fn add_use(&mut self, tree: &syn::UseTree, prefix: &mut Vec<syn::Ident>) {
        let path_to = |prefix: &[syn::Ident], last: &syn::Ident| {
            let segments = prefix.iter().chain(Some(last));
            syn::parse_quote!(#(#segments)::*)
        };
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.clone());
                self.add_use(&path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(name) if name.ident != "self" => {
                self.defs.insert(name.ident.to_string(), Def::Via(path_to(prefix, &name.ident)));
            }
            syn::UseTree::Rename(rename) if rename.ident != "self" => {
                self.defs.insert(rename.rename.to_string(), Def::Via(path_to(prefix, &rename.ident)));
            }
            syn::UseTree::Glob(_) => {
                if prefix.len() == 1 && prefix[0] == "super" {
                    self.transparent = true;
                } else {
                    // `use ext::*;`: a name the scope does not define may
                    // come from the glob and shadow the enclosing ones.
                    self.glob = true;
                }
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.add_use(tree, prefix);
                }
            }
            syn::UseTree::Name(_) | syn::UseTree::Rename(_) => {}
        }
    }
}

struct Rewriter<'a> {
    names: &'a Names,
    scopes: Vec<Scope>,
    /// Whether `Self` names a counted struct, per enclosing impl or trait.
    selves: Vec<bool>,
    /// Set whenever a literal or pattern is rewritten, so that a macro's
    /// tokens are only replaced when something inside them changed.
    changed: bool,
    /// Reads the `#[leak_audit(..)]` helpers of inner fns.
    helper: ReadHelper,
}

/// Std macros whose arguments are expressions (or, for `matches!`, an
/// expression and a pattern): their literals are rewritten too.
const EXPR_MACROS: &[&str] = &[
    "vec",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "format_args",
    "write",
    "writeln",
    "panic",
    "dbg",
    "todo",
    "unimplemented",
    "unreachable",
];
const PAT_MACROS: &[&str] = &["matches", "assert_matches", "debug_assert_matches"];

impl Rewriter<'_> {
    /// Whether `path` names a counted struct, looked up from scope `depth`.
    fn names_counted(&self, path: &syn::Path, depth: usize, hops: usize) -> bool {
        if hops > 8 {
            return false;
        }
        if path.is_ident("Self") {
            return self.selves.last().copied().unwrap_or(false);
        }
        let Some(last) = path.segments.last() else { return false };
        if path.segments.len() == 1 && path.leading_colon.is_none() {
            return self.lookup(&last.ident.to_string(), depth, hops);
        }
        // `super::` past the annotated module, or `self::` outside any
        // module of the item, names something outside the item.
        let modules = depth.checked_sub(1).map_or(0, |index| self.scopes[index].modules);
        let supers = path.segments.iter().take_while(|segment| segment.ident == "super").count();
        let leaves = supers >= modules.max(1) || (path.segments[0].ident == "self" && modules == 0);
        let prefix_is_local = path.leading_colon.is_none()
            && !leaves
            && path.segments.iter().rev().skip(1).all(|segment| {
                segment.arguments.is_none()
                    && (segment.ident == "self"
                        || segment.ident == "super"
                        || segment.ident == "crate"
                        || self.names.modules.contains(&segment.ident.to_string()))
            });
        prefix_is_local && self.names.all_counted(&last.ident.to_string())
    }

    fn lookup(&self, name: &str, depth: usize, hops: usize) -> bool {
        for index in (0..depth).rev() {
            let scope = &self.scopes[index];
            match scope.defs.get(name) {
                Some(Def::Known(counted)) => return *counted,
                Some(Def::Via(path)) => {
                    // A `use` path is resolved from the crate root or the
                    // module (`super::`, `crate::`); a type alias like a type.
                    return self.names_counted(path, index + 1, hops + 1);
                }
                None if !scope.transparent || scope.glob => return false,
                None => {}
            }
        }
        false
    }

    /// How many modules of the item enclose the current node.
    fn modules(&self) -> usize {
        self.scopes.last().map_or(0, |scope| scope.modules)
    }

    fn path_counted(&self, path: &syn::Path) -> bool {
        self.names_counted(path, self.scopes.len(), 0)
    }

    fn rewrite_macro(&mut self, mac: &mut syn::Macro) {
        let Some(name) = mac.path.segments.last().map(|segment| segment.ident.to_string()) else { return };
        let changed_before = std::mem::replace(&mut self.changed, false);
        let tokens = if EXPR_MACROS.contains(&name.as_str()) {
            self.rewrite_expr_args(mac.tokens.clone())
        } else if PAT_MACROS.contains(&name.as_str()) {
            self.rewrite_matches_args(mac.tokens.clone())
        } else {
            None
        };
        if let Some(tokens) = tokens {
            mac.tokens = tokens;
        }
        self.changed |= changed_before;
    }

    /// The rewritten arguments of an expression macro, or `None` when nothing
    /// in them changed (then they are not printed again).
    fn rewrite_expr_args(&mut self, tokens: TokenStream) -> Option<TokenStream> {
        if let Ok(mut args) = Punctuated::<syn::Expr, Token![,]>::parse_terminated.parse2(tokens.clone()) {
            for arg in &mut args {
                self.visit_expr_mut(arg);
            }
            return self.changed.then(|| args.into_token_stream());
        }
        // `vec![elem; n]`
        let (mut elem, semi, mut len) = (|input: ParseStream<'_>| {
            Ok((input.parse::<syn::Expr>()?, input.parse::<Token![;]>()?, input.parse::<syn::Expr>()?))
        })
        .parse2(tokens)
        .ok()?;
        self.visit_expr_mut(&mut elem);
        self.visit_expr_mut(&mut len);
        self.changed.then(|| quote!(#elem #semi #len))
    }

    /// The rewritten arguments of `matches!`-like macros, or `None` when
    /// nothing in them changed.
    fn rewrite_matches_args(&mut self, tokens: TokenStream) -> Option<TokenStream> {
        type Guard = Option<(Token![if], syn::Expr)>;
        let parsed = (|input: ParseStream<'_>| {
            let expr: syn::Expr = input.parse()?;
            let comma: Token![,] = input.parse()?;
            let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
            let guard: Guard = if input.peek(Token![if]) { Some((input.parse()?, input.parse()?)) } else { None };
            let rest: TokenStream = input.parse()?;
            Ok((expr, comma, pat, guard, rest))
        })
        .parse2(tokens)
        .ok()?;
        let (mut expr, comma, mut pat, mut guard, rest) = parsed;
        self.visit_expr_mut(&mut expr);
        self.visit_pat_mut(&mut pat);
        if let Some((_, guard)) = &mut guard {
            self.visit_expr_mut(guard);
        }
        if !self.changed {
            return None;
        }
        let guard = guard.map(|(if_token, guard)| quote!(#if_token #guard));
        Some(quote!(#expr #comma #pat #guard #rest))
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_item_mod_mut(&mut self, node: &mut syn::ItemMod) {
        let Some((_, items)) = &node.content else { return };
        self.scopes.push(Scope::of_items(items, true, self.modules()));
        visit_mut::visit_item_mod_mut(self, node);
        self.scopes.pop();
    }

    fn visit_block_mut(&mut self, node: &mut syn::Block) {
        let items = node.stmts.iter().filter_map(|stmt| match stmt {
            syn::Stmt::Item(item) => Some(item),
            _ => None,
        });
        self.scopes.push(Scope::of_items(items, false, self.modules()));
        visit_mut::visit_block_mut(self, node);
        self.scopes.pop();
    }

    fn visit_item_impl_mut(&mut self, node: &mut syn::ItemImpl) {
        let counted = match &*node.self_ty {
            syn::Type::Path(path) if path.qself.is_none() => {
                // `impl Counted<T>`: the generic arguments do not matter.
                let mut path = path.path.clone();
                if let Some(last) = path.segments.last_mut() {
                    last.arguments = syn::PathArguments::None;
                }
                self.path_counted(&path)
            }
            _ => false,
        };
        self.selves.push(counted);
        visit_mut::visit_item_impl_mut(self, node);
        self.selves.pop();
    }

    fn visit_item_trait_mut(&mut self, node: &mut syn::ItemTrait) {
        self.selves.push(false);
        visit_mut::visit_item_trait_mut(self, node);
        self.selves.pop();
    }

    fn visit_item_fn_mut(&mut self, node: &mut syn::ItemFn) {
        super::inner_guard(&node.attrs, &node.sig, &mut node.block, self.helper);
        // A fn item does not see the `Self` of an enclosing impl.
        self.selves.push(false);
        visit_mut::visit_item_fn_mut(self, node);
        self.selves.pop();
    }

    fn visit_expr_struct_mut(&mut self, node: &mut syn::ExprStruct) {
        visit_mut::visit_expr_struct_mut(self, node);
        if node.qself.is_some() || !self.path_counted(&without_arguments(&node.path)) {
            return;
        }
        let mentions_field =
            node.fields.iter().any(|field| matches!(&field.member, syn::Member::Named(ident) if ident == FIELD));
        if mentions_field {
            return;
        }
        // The call gets the span of the literal's path, so that a creation
        // site (`#[track_caller]`) points at the literal.
        let span = node.path.segments.last().map_or_else(|| node.path.span(), |segment| segment.ident.span());
        let field: syn::FieldValue = syn::parse_quote_spanned! {span=>
            __leak_audit: ::core::default::Default::default()
        };
        node.fields.push(field);
        if node.rest.is_some() || node.dot2_token.is_some() {
            node.fields.push_punct(<Token![,]>::default());
        }
        self.changed = true;
    }

    fn visit_expr_assign_mut(&mut self, node: &mut syn::ExprAssign) {
        for attr in &mut node.attrs {
            self.visit_attribute_mut(attr);
        }
        self.rewrite_assignee(&mut node.left);
        self.visit_expr_mut(&mut node.right);
    }

    fn visit_impl_item_fn_mut(&mut self, node: &mut syn::ImplItemFn) {
        super::inner_guard(&node.attrs, &node.sig, &mut node.block, self.helper);
        visit_mut::visit_impl_item_fn_mut(self, node);
    }

    fn visit_pat_struct_mut(&mut self, node: &mut syn::PatStruct) {
        visit_mut::visit_pat_struct_mut(self, node);
        if node.rest.is_none() && node.qself.is_none() && self.path_counted(&without_arguments(&node.path)) {
            node.rest = Some(syn::PatRest { attrs: Vec::new(), dot2_token: <Token![..]>::default() });
            self.changed = true;
        }
    }

    fn visit_macro_mut(&mut self, node: &mut syn::Macro) {
        self.rewrite_macro(node);
    }
}

impl Rewriter<'_> {
    /// The left side of a destructuring assignment (`Pair { a, b } = p;`):
    /// a struct expression there is a pattern, so it gets `..` rather than
    /// the hidden field.
    fn rewrite_assignee(&mut self, expr: &mut syn::Expr) {
        match expr {
            syn::Expr::Tuple(tuple) => tuple.elems.iter_mut().for_each(|elem| self.rewrite_assignee(elem)),
            syn::Expr::Array(array) => array.elems.iter_mut().for_each(|elem| self.rewrite_assignee(elem)),
            syn::Expr::Paren(paren) => self.rewrite_assignee(&mut paren.expr),
            syn::Expr::Call(call) => call.args.iter_mut().for_each(|arg| self.rewrite_assignee(arg)),
            syn::Expr::Struct(node) => {
                for field in &mut node.fields {
                    self.rewrite_assignee(&mut field.expr);
                }
                if node.dot2_token.is_none()
                    && node.qself.is_none()
                    && self.path_counted(&without_arguments(&node.path))
                {
                    if !node.fields.empty_or_trailing() {
                        node.fields.push_punct(<Token![,]>::default());
                    }
                    node.dot2_token = Some(<Token![..]>::default());
                    self.changed = true;
                }
            }
            other => self.visit_expr_mut(other),
        }
    }
}

/// `path` without generic arguments on its last segment (`Wrapper::<u8>`).
fn without_arguments(path: &syn::Path) -> syn::Path {
    let mut path = path.clone();
    if let Some(last) = path.segments.last_mut() {
        last.arguments = syn::PathArguments::None;
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(source: &str, names: &Names) -> String {
        let mut item: syn::Item = syn::parse_str(source).unwrap();
        rewrite(&mut item, names, |_| None);
        item.into_token_stream().to_string()
    }

    fn names(counted: &[&str], modules: &[&str]) -> Names {
        Names {
            structs: counted.iter().map(|name| ((*name).to_owned(), (1, 0))).collect(),
            modules: modules.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    #[test]
    fn should_not_rewrite_another_crates_type_of_the_same_name() {
        let source = "mod m { struct P { a: u8, __leak_audit: T } fn f() { other::P { a: 1 }; } }";
        assert!(!rewritten(source, &names(&["P"], &["m"])).contains("other :: P { a : 1 , __leak_audit"));
    }

    #[test]
    fn should_rewrite_local_and_qualified_paths() {
        let source = "mod m { struct P { a: u8, __leak_audit: T } fn f() { P { a: 1 }; self::P { a: 2 }; } }";
        let out = rewritten(source, &names(&["P"], &["m"]));
        assert_eq!(out.matches("__leak_audit : :: core :: default :: Default :: default ()").count(), 2, "{out}");
    }

    #[test]
    fn should_respect_shadowing_by_an_inner_uncounted_struct() {
        let source = "mod m { struct P { a: u8, __leak_audit: T } fn f() { struct P { a: u8 } P { a: 1 }; } }";
        let out = rewritten(source, &names(&["P"], &["m"]));
        assert!(!out.contains("Default :: default"), "{out}");
    }

    #[test]
    fn should_add_rest_to_patterns_without_it() {
        let source = "mod m { struct P { a: u8, __leak_audit: T } fn f(p: &P) { let P { a } = p; } }";
        let out = rewritten(source, &names(&["P"], &["m"]));
        assert!(out.contains("P { a , .. }"), "{out}");
    }

    #[test]
    fn should_rewrite_inside_std_macros() {
        let source = "mod m { struct P { a: u8, __leak_audit: T } fn f() { vec![P { a: 1 }]; \
                      assert!(matches!(x, P { a: 1 })); } }";
        let out = rewritten(source, &names(&["P"], &["m"]));
        assert!(out.contains("P { a : 1 , __leak_audit"), "{out}");
        assert!(out.contains("P { a : 1 , .. }"), "{out}");
    }
}
