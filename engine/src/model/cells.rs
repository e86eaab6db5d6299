//! Which fields the code can write after a value is built.
//!
//! A strong link behind a cell (`parent: RefCell<Option<Rc<Node>>>`) can
//! only close a cycle if some code replaces it after the value is built: a
//! link set once, in the struct literal, points at a value that existed
//! before the new one and so cannot point back at it. This pass walks every
//! fn body of the scope once and notes, by field name, each field used in a
//! way that can write it: any use of the field other than a read through
//! `borrow()`, `get()`, `read()` and the like, or as the base of another
//! field access. A field taken by reference, passed along, bound by a
//! pattern or named in a macro's tokens counts as written, since what the
//! other code does with it is not followed. It also notes the types the
//! code builds with a struct literal, so that a type the scope never builds
//! is not judged by code the scope does not hold, and the values each
//! struct literal gives each field (the writes made when a value is built).

use std::collections::{HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::Expr;

use crate::model::Scope;
use crate::types;

/// Methods of cells and pointers that only read the value inside.
const READS: &[&str] = &[
    "as_ref",
    "borrow",
    "clone",
    "get",
    "is_empty",
    "is_none",
    "is_some",
    "iter",
    "len",
    "read",
    "try_borrow",
    "try_read",
    "upgrade",
];

/// What the code of a scope does with fields, by field name.
#[derive(Debug, Default)]
pub(crate) struct FieldUse<'a> {
    /// Fields (by name, `0` for a tuple field) used in a way that can write them.
    written: HashSet<String>,
    /// Types (by name) that some code builds with a struct literal.
    built: HashSet<String>,
    /// The value each struct literal gives each named field, by type and field.
    inits: HashMap<(String, String), Vec<&'a Expr>>,
    /// Types some struct literal builds from another value (`..base`), whose
    /// fields it does not name.
    copied: HashSet<String>,
}

impl<'a> FieldUse<'a> {
    /// Walks every fn body of `scope`.
    pub(crate) fn of(scope: &Scope<'a>) -> Self {
        let mut walk = Walk { out: FieldUse::default(), self_ty: None };
        for def in &scope.fns {
            walk.self_ty = def.self_ty.as_deref();
            walk.visit_block(def.body);
        }
        walk.out
    }

    /// Whether some code may write a field named `name` after its value is built.
    pub(crate) fn written(&self, name: &str) -> bool {
        self.written.contains(name)
    }

    /// Whether some code builds a value of the type named `name`.
    pub(crate) fn built(&self, name: &str) -> bool {
        self.built.contains(name)
    }

    /// The values the struct literals of type `ty` give field `field`, or
    /// `None` when some literal copies the field from another value
    /// (`Node { id, ..base }`).
    pub(crate) fn initial_values(&self, ty: &str, field: &str) -> Option<&[&'a Expr]> {
        if self.copied.contains(ty) {
            return None;
        }
        Some(self.inits.get(&(ty.to_owned(), field.to_owned())).map_or(&[], Vec::as_slice))
    }
}

struct Walk<'s, 'a> {
    out: FieldUse<'a>,
    self_ty: Option<&'s str>,
}

/// `Default::default()`, `Self::default()`, `Node::default()`.
fn is_default_call(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call) if matches!(&*call.func, Expr::Path(path)
        if path.path.segments.last().is_some_and(|last| last.ident == "default")))
}

impl<'a> Walk<'_, 'a> {
    /// The type a struct literal or constructor call names (`Self` is the
    /// impl's type).
    fn type_named(&self, path: &syn::Path) -> Option<String> {
        let name = path.segments.last()?.ident.to_string();
        Some(match self.self_ty {
            Some(self_ty) if name == "Self" => self_ty.to_owned(),
            _ => name,
        })
    }

    /// Visits an expression whose own field, if it is a field access, is only
    /// read (it is the base of another field access or a read-only call).
    fn visit_read(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Field(field) => self.visit_read(&field.base),
            Expr::Paren(paren) => self.visit_read(&paren.expr),
            _ => self.visit_expr(expr),
        }
    }

    /// Marks every name that follows a `.` in a macro's tokens as written.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let mut after_dot = false;
        for tree in tokens {
            match tree {
                TokenTree::Punct(punct) => after_dot = punct.as_char() == '.',
                TokenTree::Ident(ident) if after_dot => {
                    self.out.written.insert(ident.to_string());
                    after_dot = false;
                }
                TokenTree::Literal(literal) if after_dot => {
                    self.out.written.insert(literal.to_string());
                    after_dot = false;
                }
                TokenTree::Group(group) => {
                    self.scan_tokens(group.stream());
                    after_dot = false;
                }
                _ => after_dot = false,
            }
        }
    }
}

impl<'a> Visit<'a> for Walk<'_, 'a> {
    fn visit_item(&mut self, _item: &'a syn::Item) {
        // Nested items are fns of the scope of their own.
    }

    fn visit_expr_field(&mut self, field: &'a syn::ExprField) {
        self.out.written.insert(types::member_name(&field.member));
        self.visit_read(&field.base);
    }

    fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
        if READS.contains(&call.method.to_string().as_str()) {
            self.visit_read(&call.receiver);
        } else {
            self.visit_expr(&call.receiver);
        }
        for arg in &call.args {
            self.visit_expr(arg);
        }
    }

    fn visit_expr_struct(&mut self, literal: &'a syn::ExprStruct) {
        if let Some(name) = self.type_named(&literal.path) {
            // `..base` copies the fields it does not name from an existing
            // value; `..Default::default()` makes new ones.
            let copies = literal.rest.as_deref().is_some_and(|rest| !is_default_call(rest));
            if copies {
                self.out.copied.insert(name.clone());
            }
            for field in &literal.fields {
                let key = (name.clone(), types::member_name(&field.member));
                self.out.inits.entry(key).or_default().push(&field.expr);
            }
            self.out.built.insert(name);
        }
        visit::visit_expr_struct(self, literal);
    }

    fn visit_expr_call(&mut self, call: &'a syn::ExprCall) {
        // `Wrapper(cell)`: a tuple struct built with its constructor fn; its
        // fields are not told apart.
        if let Expr::Path(path) = &*call.func {
            if let Some(name) = self.type_named(&path.path) {
                self.out.copied.insert(name.clone());
                self.out.built.insert(name);
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_pat_struct(&mut self, pat: &'a syn::PatStruct) {
        for field in &pat.fields {
            self.out.written.insert(types::member_name(&field.member));
        }
        visit::visit_pat_struct(self, pat);
    }

    fn visit_pat_tuple_struct(&mut self, pat: &'a syn::PatTupleStruct) {
        for index in 0..pat.elems.len() {
            self.out.written.insert(index.to_string());
        }
        visit::visit_pat_tuple_struct(self, pat);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        self.scan_tokens(mac.tokens.clone());
    }
}
