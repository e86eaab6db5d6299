//! Helpers over `syn::Type`: names, type arguments and readable printing.

use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type};

/// The last segment of a path type, with its type arguments.
pub(crate) struct Segment<'a> {
    pub(crate) name: String,
    pub(crate) args: Vec<&'a Type>,
}

/// Splits a path type into its last segment's name and type arguments.
/// Qualified paths (`<T as Trait>::Assoc`) are not resolved and give `None`.
pub(crate) fn segment(ty: &Type) -> Option<Segment<'_>> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    Some(Segment { name: last.ident.to_string(), args: type_args(&last.arguments) })
}

/// The type arguments of a path segment (`K` and `V` of `HashMap<K, V>`),
/// including the types of associated-type bindings.
pub(crate) fn type_args(arguments: &PathArguments) -> Vec<&Type> {
    match arguments {
        PathArguments::AngleBracketed(angle) => angle
            .args
            .iter()
            .filter_map(|arg| match arg {
                GenericArgument::Type(ty) => Some(ty),
                GenericArgument::AssocType(assoc) => Some(&assoc.ty),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Strips parentheses and invisible groups around a type.
pub(crate) fn peel(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Paren(inner) => ty = &inner.elem,
            Type::Group(inner) => ty = &inner.elem,
            _ => return ty,
        }
    }
}

/// Prints a type the way a person writes it: `RefCell<Weak<Person>>`, not
/// `RefCell < Weak < Person > >`.
pub(crate) fn display(ty: &Type) -> String {
    tidy(&ty.to_token_stream().to_string())
}

/// Removes the spaces `TokenStream`'s `Display` puts between every token.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = text.to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
        (" ;", ";"),
        ("Fn (", "Fn("),
        ("FnMut (", "FnMut("),
        ("FnOnce (", "FnOnce("),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// A field's name as code writes it: `cars`, or `0` for a tuple field.
pub(crate) fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => ident.to_string(),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_types_without_token_spacing() {
        let ty: Type = syn::parse_str("RefCell<Option<std::rc::Weak<Person>>>").unwrap();
        assert_eq!(display(&ty), "RefCell<Option<std::rc::Weak<Person>>>");
        let ty: Type = syn::parse_str("HashMap<(u32, u32), Vec<&'static str>>").unwrap();
        assert_eq!(display(&ty), "HashMap<(u32, u32), Vec<&'static str>>");
    }
}
