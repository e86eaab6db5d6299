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
