//! Structs that must not be counted because of how the annotated code uses
//! them: built or dropped at compile time, or `Copy`.

use std::collections::HashSet;

use syn::visit::{self, Visit};

use super::path_name;

/// The names of structs that are `Copy` (by an `impl Copy for ..`), built by a
/// struct literal in a `const`/`static` initializer, a const block or a
/// `const fn`, or taken by value by a `const fn` (a hidden field with drop glue
/// cannot be dropped at compile time).
pub(super) fn excluded_names(item: &syn::Item) -> HashSet<String> {
    let mut visitor = Exclusions { names: HashSet::new(), self_types: Vec::new(), const_depth: 0 };
    visitor.visit_item(item);
    visitor.names
}

struct Exclusions {
    names: HashSet<String>,
    /// The self type of each enclosing `impl` (`None` for traits).
    self_types: Vec<Option<String>>,
    /// How many const contexts enclose the current node.
    const_depth: usize,
}

impl Exclusions {
    fn in_const(&mut self, f: impl FnOnce(&mut Self)) {
        self.const_depth += 1;
        f(self);
        self.const_depth -= 1;
    }

    fn name_of(&self, path: &syn::Path) -> Option<String> {
        if path.is_ident("Self") {
            return self.self_types.last().cloned().flatten();
        }
        path_name(path)
    }

    fn const_fn_inputs(&mut self, sig: &syn::Signature) {
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(receiver) if matches!(receiver.kind, syn::ReceiverKind::Value) => {
                    if let Some(Some(name)) = self.self_types.last() {
                        self.names.insert(name.clone());
                    }
                }
                // Every type held by value, in tuples, arrays and generic
                // arguments too (`(S, u8)`, `Option<S>`, `[S; 2]`), but not
                // behind a reference or pointer.
                syn::FnArg::Typed(typed) => {
                    let mut held = HeldByValue { paths: Vec::new() };
                    held.visit_type(&typed.ty);
                    for path in held.paths {
                        if let Some(name) = self.name_of(path) {
                            self.names.insert(name);
                        }
                    }
                }
                syn::FnArg::Receiver(_) => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Exclusions {
    fn visit_item_impl(&mut self, node: &'ast syn::ItemImpl) {
        let self_name = match &*node.self_ty {
            syn::Type::Path(path) if path.qself.is_none() => path_name(&path.path),
            _ => None,
        };
        if let Some((trait_path, _)) = &node.trait_ {
            if trait_path.segments.last().is_some_and(|segment| segment.ident == "Copy") {
                if let Some(name) = &self_name {
                    self.names.insert(name.clone());
                }
            }
        }
        self.self_types.push(self_name);
        visit::visit_item_impl(self, node);
        self.self_types.pop();
    }

    fn visit_item_trait(&mut self, node: &'ast syn::ItemTrait) {
        self.self_types.push(None);
        visit::visit_item_trait(self, node);
        self.self_types.pop();
    }

    crate::const_context::visit_const_contexts!();

    fn visit_item_fn(&mut self, node: &'ast syn::ItemFn) {
        if node.sig.constness.is_some() {
            // A fn item does not see the `Self` of an enclosing impl.
            self.self_types.push(None);
            self.const_fn_inputs(&node.sig);
            self.in_const(|this| visit::visit_item_fn(this, node));
            self.self_types.pop();
        } else {
            // Non-const fns nested in a const context run at run time.
            let depth = std::mem::take(&mut self.const_depth);
            self.self_types.push(None);
            visit::visit_item_fn(self, node);
            self.self_types.pop();
            self.const_depth = depth;
        }
    }

    fn visit_impl_item_fn(&mut self, node: &'ast syn::ImplItemFn) {
        if node.sig.constness.is_some() {
            self.const_fn_inputs(&node.sig);
            self.in_const(|this| visit::visit_impl_item_fn(this, node));
        } else {
            visit::visit_impl_item_fn(self, node);
        }
    }

    fn visit_trait_item_fn(&mut self, node: &'ast syn::TraitItemFn) {
        if node.sig.constness.is_some() {
            self.const_fn_inputs(&node.sig);
            self.in_const(|this| visit::visit_trait_item_fn(this, node));
        } else {
            visit::visit_trait_item_fn(self, node);
        }
    }

    fn visit_expr_struct(&mut self, node: &'ast syn::ExprStruct) {
        if self.const_depth > 0 && node.qself.is_none() {
            if let Some(name) = self.name_of(&node.path) {
                self.names.insert(name);
            }
        }
        visit::visit_expr_struct(self, node);
    }
}

/// The paths of the types a type holds by value.
struct HeldByValue<'ast> {
    paths: Vec<&'ast syn::Path>,
}

impl<'ast> Visit<'ast> for HeldByValue<'ast> {
    fn visit_type_reference(&mut self, _: &'ast syn::TypeReference) {}

    fn visit_type_ptr(&mut self, _: &'ast syn::TypePtr) {}

    fn visit_type_path(&mut self, node: &'ast syn::TypePath) {
        if node.qself.is_none() {
            self.paths.push(&node.path);
        }
        visit::visit_type_path(self, node);
    }
}
