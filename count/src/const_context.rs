//! The `syn::visit::Visit` methods that enter a const context, shared by the
//! visitors that must know whether code runs at compile time.

/// Implements `visit_item_const`, `visit_item_static`, `visit_impl_item_const`,
/// `visit_trait_item_const` and `visit_expr_const` for a visitor with an
/// `in_const(&mut self, impl FnOnce(&mut Self))` method: each visits its node
/// inside `in_const`.
macro_rules! visit_const_contexts {
    // The list lives in an `@methods` arm: a bare repetition would also match
    // the empty input and write no method at all.
    () => {
        $crate::const_context::visit_const_contexts! {
            @methods
            visit_item_const: syn::ItemConst => syn::visit::visit_item_const;
            visit_item_static: syn::ItemStatic => syn::visit::visit_item_static;
            visit_impl_item_const: syn::ImplItemConst => syn::visit::visit_impl_item_const;
            visit_trait_item_const: syn::TraitItemConst => syn::visit::visit_trait_item_const;
            visit_expr_const: syn::ExprConst => syn::visit::visit_expr_const;
        }
    };
    (@methods $($method:ident: $node:ty => $walk:path;)*) => {
        $(
            fn $method(&mut self, node: &'ast $node) {
                self.in_const(|this| $walk(this, node));
            }
        )*
    };
}
pub(crate) use visit_const_contexts;

/// Implements `visit_item_fn` and `visit_impl_item_fn` for a visitor with an
/// `in_const` method and an `in_const: usize` depth: a `const fn` is a const
/// context, and the body of any other fn item runs at run time even inside a
/// `const` initializer.
macro_rules! visit_const_fns {
    () => {
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            if item.sig.constness.is_some() {
                self.in_const(|this| syn::visit::visit_item_fn(this, item));
            } else {
                let outer = std::mem::take(&mut self.in_const);
                syn::visit::visit_item_fn(self, item);
                self.in_const = outer;
            }
        }

        fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
            if item.sig.constness.is_some() {
                self.in_const(|this| syn::visit::visit_impl_item_fn(this, item));
            } else {
                syn::visit::visit_impl_item_fn(self, item);
            }
        }
    };
}
pub(crate) use visit_const_fns;
