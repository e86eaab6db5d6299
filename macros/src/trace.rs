//! The field tracer: a `Trace` impl for every struct (named or tuple) and
//! enum of the annotated item, counted or not, which the runtime's cycle walk
//! (`leak_audit::find_cycle`) uses to go through their fields.
//!
//! ```text
//! struct Car { model: String, owner: RefCell<Option<Rc<Person>>> }
//!   =>
//! impl Trace for Car {
//!     fn __trace(&self, w: &mut Walk) {
//!         use ::leak_audit::__private::{Field as F, Opaque as _, Traced as _};
//!         (&F(&self.owner)).__visit(w, "owner");
//!     }
//! }
//! ```
//!
//! Each field goes through the `Field` probe, whose method resolves by autoref
//! to the walk (the field's type implements `Trace`) or to a note that the walk
//! cannot see into it (any other type: a closure, a type outside annotated
//! items), so no field type can make the impl fail to compile. A generic
//! type's impl asks its type parameters to be traced too (`T: Trace +
//! 'static`): `Node<u32>` is walked, `Node<Foreign>` is opaque. Fields whose type obviously holds no strong pointer (`u64`,
//! `String`, `Vec<String>`, `RefCell<Weak<T>>`) are left out to keep the code
//! small. Types the tracer cannot describe (packed structs, whose fields
//! cannot be borrowed; unions) get no impl. The impls add no field and no
//! code to any other path: the runtime only calls them from the walk.
//!
//! The impls and the walk's starting points go through the runtime's
//! `__if_cycles!`/`__cycle_root!` macros, which keep them only when its
//! `cycles` feature is on: the counter of every counted type points to its
//! tracer, so the compiler generates code for every tracer, and a build that
//! never walks should not pay for that.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::visit_mut::{self, VisitMut};

/// Adds the `Trace` impls next to the structs and enums inside `item`, and
/// returns the impl for `item` itself when it is a struct or an enum (to be
/// emitted after it).
pub(crate) fn tracers(item: &mut syn::Item) -> TokenStream {
    match item {
        syn::Item::Struct(_) | syn::Item::Enum(_) => tracer(item).unwrap_or_default(),
        _ => {
            AddTracers.visit_item_mut(item);
            TokenStream::new()
        }
    }
}

struct AddTracers;

impl VisitMut for AddTracers {
    fn visit_item_mod_mut(&mut self, node: &mut syn::ItemMod) {
        visit_mut::visit_item_mod_mut(self, node);
        if let Some((_, items)) = &mut node.content {
            let inserts: Vec<(usize, TokenStream)> =
                items.iter().enumerate().filter_map(|(index, item)| Some((index, tracer(item)?))).collect();
            for (index, tokens) in inserts.into_iter().rev() {
                items.insert(index + 1, syn::Item::Verbatim(tokens));
            }
        }
    }

    fn visit_block_mut(&mut self, node: &mut syn::Block) {
        visit_mut::visit_block_mut(self, node);
        let inserts: Vec<(usize, TokenStream)> = node
            .stmts
            .iter()
            .enumerate()
            .filter_map(|(index, stmt)| match stmt {
                syn::Stmt::Item(item) => Some((index, tracer(item)?)),
                _ => None,
            })
            .collect();
        for (index, tokens) in inserts.into_iter().rev() {
            node.stmts.insert(index + 1, syn::Stmt::Item(syn::Item::Verbatim(tokens)));
        }
    }
}

/// The `Trace` impl of a struct or enum, if the tracer can describe it.
fn tracer(item: &syn::Item) -> Option<TokenStream> {
    let (attrs, ident, generics, body) =
        match item {
            syn::Item::Struct(def) => {
                if is_packed(&def.attrs) {
                    return None;
                }
                let visits = def.fields.iter().enumerate().filter_map(|(index, field)| {
                    let member = member(field, index);
                    let name = member_name(field, index)?;
                    let cfgs = cfgs(&field.attrs);
                    Some(quote!(#(#cfgs)* (&F(&self.#member)).__visit(w, #name);))
                });
                (&def.attrs, &def.ident, &def.generics, visits.collect::<TokenStream>())
            }
            syn::Item::Enum(def) => {
                let mut traced = false;
                let arms: Vec<TokenStream> = def.variants.iter().map(|variant| {
                let name = &variant.ident;
                let cfgs = cfgs(&variant.attrs);
                let mut bindings = Vec::new();
                let mut visits = Vec::new();
                for (index, field) in variant.fields.iter().enumerate() {
                    let Some(field_name) = member_name(field, index) else { continue };
                    if !cfgs_of(field).is_empty() {
                        continue;
                    }
                    let member = member(field, index);
                    let binding = format_ident!("__{}", index, span = Span::call_site());
                    bindings.push(quote!(#member: ref #binding));
                    visits.push(quote!((&F(#binding)).__visit(w, #field_name);));
                }
                let label = unraw(name);
                traced |= !visits.is_empty();
                if visits.is_empty() {
                    quote!(#(#cfgs)* Self::#name { .. } => {})
                } else {
                    quote!(#(#cfgs)* Self::#name { #(#bindings,)* .. } => w.__variant(#label, |w| { #(#visits)* }),)
                }
            }).collect();
                let body = if traced { quote!(match *self { #(#arms)* }) } else { TokenStream::new() };
                (&def.attrs, &def.ident, &def.generics, body)
            }
            _ => return None,
        };
    let cfgs = cfgs(attrs);
    let mut bounded = generics.clone();
    // The walk keeps clones of the pointers it meets (`'static`), and goes
    // into fields of a parameter's type only where the parameter is traced.
    for param in bounded.type_params_mut() {
        param.bounds.push(syn::parse_quote!(::leak_audit::__private::Trace));
        param.bounds.push(syn::parse_quote!('static));
    }
    let (impl_generics, _, _) = bounded.split_for_impl();
    let (_, ty_generics, where_clause) = generics.split_for_impl();
    let walk = if body.is_empty() { quote!(_) } else { quote!(w) };
    // Kept only with the runtime's `cycles` feature (the tracers cost build
    // time, and normal builds never walk).
    Some(quote! {
        ::leak_audit::__if_cycles! {
        #(#cfgs)*
        #[automatically_derived]
        #[allow(deprecated)]
        impl #impl_generics ::leak_audit::__private::Trace for #ident #ty_generics #where_clause {
            fn __trace(&self, #walk: &mut ::leak_audit::__private::Walk) {
                #[allow(unused_imports)]
                use ::leak_audit::__private::{Field as F, Opaque as _, Traced as _};
                #body
            }
        }
        }
    })
}

fn member(field: &syn::Field, index: usize) -> syn::Member {
    match &field.ident {
        Some(ident) => syn::Member::Named(ident.clone()),
        None => syn::Member::Unnamed(syn::Index {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            span: Span::call_site(),
        }),
    }
}

/// The field's name for paths (`owner`, `0`), or `None` for fields left out:
/// the hidden counting field and fields that cannot hold a strong pointer.
fn member_name(field: &syn::Field, index: usize) -> Option<String> {
    if holds_no_pointer(&field.ty) {
        return None;
    }
    match &field.ident {
        Some(ident) if ident == leak_audit_count::FIELD => None,
        Some(ident) => Some(unraw(ident)),
        None => Some(index.to_string()),
    }
}

fn unraw(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map_or_else(|| name.clone(), str::to_owned)
}

fn cfgs(attrs: &[syn::Attribute]) -> Vec<&syn::Attribute> {
    attrs.iter().filter(|attr| attr.path().is_ident("cfg")).collect()
}

fn cfgs_of(field: &syn::Field) -> Vec<&syn::Attribute> {
    cfgs(&field.attrs)
}

fn is_packed(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("repr")
            && attr.meta.require_list().is_ok_and(|list| list.tokens.to_string().contains("packed"))
    })
}

/// Types that surely own no `Rc` or `Arc`: primitives, `String`, `Weak`, and
/// the standard containers of those. Anything else is traced.
fn holds_no_pointer(ty: &syn::Type) -> bool {
    const LEAVES: &[&str] = &[
        "bool", "char", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
        "f64", "String", "str", "Weak", "PathBuf", "Duration", "Instant",
    ];
    const CONTAINERS: &[&str] =
        &["Vec", "VecDeque", "Option", "Box", "HashMap", "BTreeMap", "RefCell", "Mutex", "RwLock"];
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => {
            let Some(last) = path.path.segments.last() else { return false };
            let name = last.ident.to_string();
            match &last.arguments {
                syn::PathArguments::None => LEAVES.contains(&name.as_str()),
                syn::PathArguments::AngleBracketed(args) if name == "Weak" => !args.args.is_empty(),
                syn::PathArguments::AngleBracketed(args) if CONTAINERS.contains(&name.as_str()) => {
                    args.args.iter().all(|arg| matches!(arg, syn::GenericArgument::Type(ty) if holds_no_pointer(ty)))
                }
                _ => false,
            }
        }
        syn::Type::Tuple(tuple) => tuple.elems.iter().all(holds_no_pointer),
        syn::Type::Array(array) => holds_no_pointer(&array.elem),
        syn::Type::Paren(inner) => holds_no_pointer(&inner.elem),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::{holds_no_pointer, tracers};
    use quote::quote;

    fn expand(item: proc_macro2::TokenStream) -> String {
        let mut item: syn::Item = syn::parse2(item).unwrap();
        let extra = tracers(&mut item);
        quote!(#item #extra).to_string()
    }

    #[test]
    fn should_trace_the_fields_that_can_hold_a_pointer() {
        let output = expand(quote!(
            struct Car {
                model: String,
                owner: RefCell<Option<Rc<Person>>>,
                back: RefCell<Weak<Person>>,
            }
        ));
        assert!(output.contains("(& F (& self . owner)) . __visit (w , \"owner\")"), "{output}");
        assert!(!output.contains("\"model\"") && !output.contains("\"back\""), "{output}");
    }

    #[test]
    fn should_trace_tuple_structs_and_enum_variants() {
        let output = expand(quote!(
            mod m {
                struct Pair(u8, Rc<Pair>);
                enum Link {
                    Next(Rc<Node>),
                    Named { to: Rc<Node>, id: u32 },
                    End,
                }
            }
        ));
        assert!(output.contains("(& F (& self . 1)) . __visit (w , \"1\")"), "{output}");
        assert!(output.contains("Self :: Next { 0 : ref __0 , .. } => w . __variant (\"Next\""), "{output}");
        assert!(output.contains("Self :: Named { to : ref __0 , .. }"), "{output}");
        assert!(output.contains("Self :: End { .. } => { }"), "{output}");
    }

    #[test]
    fn should_bound_type_parameters_and_skip_packed_structs() {
        let output = expand(quote!(
            struct Node<T: Clone>
            where
                T: Default,
            {
                value: T,
                next: Option<Rc<Node<T>>>,
            }
        ));
        assert!(
            output.contains(
                "impl < T : Clone + :: leak_audit :: __private :: Trace + 'static > :: leak_audit :: __private :: Trace \
                 for Node < T > where T : Default ,"
            ),
            "{output}"
        );
        let output = expand(quote!(
            #[repr(C, packed)]
            struct Packed {
                next: Option<Rc<Packed>>,
            }
        ));
        assert!(!output.contains("Trace"), "{output}");
    }

    #[test]
    fn should_know_the_types_that_hold_no_pointer() {
        for ty in [quote!(u64), quote!(Vec<String>), quote!(RefCell<Weak<Node>>), quote!(HashMap<u64, (u8, bool)>)] {
            assert!(holds_no_pointer(&syn::parse2(ty.clone()).unwrap()), "{ty}");
        }
        for ty in [quote!(Rc<Node>), quote!(Vec<T>), quote!(Box<dyn Fn()>), quote!(Node)] {
            assert!(!holds_no_pointer(&syn::parse2(ty.clone()).unwrap()), "{ty}");
        }
    }
}
