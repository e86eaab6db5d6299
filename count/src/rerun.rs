//! Whether the safety net could have to run the rewrite again, judged before
//! the rewrite from the item as written, so that the copy of the tree a rerun
//! starts from is only made when a rerun is possible.
//!
//! It over-approximates [`crate::safety::doubtful`] without resolving any
//! name: an item is in doubt when one of its struct names is defined twice or
//! is also an enum variant's, is imported or aliased, or is built by a
//! qualified path or in a const context; when it has a glob import other than
//! `use super::*`; or when a macro's tokens hold braces (a literal the rewrite
//! may not see). When it says no and the safety net still finds a doubtful
//! struct, the item is parsed again from its tokens: slower, never wrong.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::visit::{self, Visit};

/// Whether a rerun of the rewrite on `item` is possible.
pub(crate) fn possible(item: &syn::Item) -> bool {
    let mut seen = Seen::default();
    seen.visit_item(item);
    if seen.flagged {
        return true;
    }
    let structs: HashSet<&String> = seen.structs.keys().collect();
    seen.structs.values().any(|&count| count > 1) || seen.named.iter().any(|name| structs.contains(name))
}

#[derive(Default)]
struct Seen {
    /// Struct definitions by name.
    structs: HashMap<String, usize>,
    /// Names that put a struct of the same name in doubt: enum variants,
    /// imports and aliases, qualified literals and patterns, literals and
    /// patterns in const contexts.
    named: Vec<String>,
    /// A glob import other than `use super::*`, or a macro with braces.
    flagged: bool,
    /// Inside a `const`/`static` initializer, a `const fn` or a `const` block.
    in_const: usize,
}

impl Seen {
    fn in_const(&mut self, visit: impl FnOnce(&mut Self)) {
        self.in_const += 1;
        visit(self);
        self.in_const -= 1;
    }

    /// A struct literal or pattern: in doubt when qualified or in a const context.
    fn built(&mut self, qself: Option<&syn::QSelf>, path: &syn::Path) {
        if let Some(last) = path.segments.last() {
            if self.in_const > 0 || qself.is_some() || path.segments.len() > 1 {
                self.named.push(last.ident.to_string());
            }
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, after_super: bool) {
        match tree {
            syn::UseTree::Path(path) => self.use_tree(&path.tree, path.ident == "super"),
            syn::UseTree::Name(name) => self.named.push(name.ident.to_string()),
            syn::UseTree::Rename(rename) => self.named.push(rename.rename.to_string()),
            syn::UseTree::Glob(_) => self.flagged |= !after_super,
            syn::UseTree::Group(group) => group.items.iter().for_each(|tree| self.use_tree(tree, false)),
        }
    }
}

fn has_braces(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Group(group) => group.delimiter() == Delimiter::Brace || has_braces(group.stream()),
        _ => false,
    })
}

impl<'ast> Visit<'ast> for Seen {
    fn visit_item_struct(&mut self, def: &'ast syn::ItemStruct) {
        *self.structs.entry(def.ident.to_string()).or_default() += 1;
        visit::visit_item_struct(self, def);
    }

    fn visit_variant(&mut self, variant: &'ast syn::Variant) {
        self.named.push(variant.ident.to_string());
        visit::visit_variant(self, variant);
    }

    fn visit_item_use(&mut self, node: &'ast syn::ItemUse) {
        self.use_tree(&node.tree, false);
    }

    fn visit_item_type(&mut self, node: &'ast syn::ItemType) {
        self.named.push(node.ident.to_string());
        visit::visit_item_type(self, node);
    }

    fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
        self.built(literal.qself.as_ref(), &literal.path);
        visit::visit_expr_struct(self, literal);
    }

    fn visit_pat_struct(&mut self, pattern: &'ast syn::PatStruct) {
        self.built(pattern.qself.as_ref(), &pattern.path);
        visit::visit_pat_struct(self, pattern);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.flagged |= has_braces(mac.tokens.clone());
    }

    crate::const_context::visit_const_contexts!();
    crate::const_context::visit_const_fns!();
}

#[cfg(test)]
mod tests {
    use super::possible;

    fn check(source: &str) -> bool {
        possible(&syn::parse_str(source).unwrap())
    }

    #[test]
    fn should_not_foresee_a_rerun_for_plain_literals_and_patterns() {
        assert!(!check("mod m { struct P { a: u8 } fn f(p: P) -> P { let P { a } = p; Self::g(); P { a } } }"));
        assert!(!check("mod m { struct P { a: u8 } impl P { fn new() -> Self { Self { a: 1 } } } use super::*; }"));
        assert!(!check("mod m { struct P { a: u8 } fn f() { println!(\"{}\", 1); } }"));
    }

    #[test]
    fn should_foresee_a_rerun_where_the_safety_net_can_find_doubt() {
        // Two structs or a struct and a variant of one name.
        assert!(check("mod m { struct P { a: u8 } fn f() { struct P { b: u8 } } }"));
        assert!(check("mod m { struct P { a: u8 } enum E { P } }"));
        // Imported, aliased, qualified, in a const context.
        assert!(check("mod m { struct P { a: u8 } mod n { use super::P; } }"));
        assert!(check("mod m { struct P { a: u8 } type Q = P; type P2 = P; mod n { type P = u8; } }"));
        assert!(check("mod m { struct P { a: u8 } fn f() -> P { self::P { a: 1 } } }"));
        assert!(check("mod m { struct P { a: u8 } const C: u8 = { let _ = P { a: 1 }; 1 }; }"));
        assert!(check("mod m { struct P { a: u8 } const fn f(p: &P) -> u8 { let P { a } = p; *a } }"));
        // A glob other than `use super::*`; braces in a macro.
        assert!(check("mod m { struct P { a: u8 } use other::*; }"));
        assert!(check("mod m { struct P { a: u8 } thread_local! { static S: P = P { a: 1 }; } }"));
        assert!(check("mod m { struct P { a: u8 } fn f() -> Vec<P> { vec![P { a: 1 }] } }"));
    }
}
