//! Adding the hidden counting field to one struct, and the items that go with
//! it: the `Counted` impl naming the type's counter (with a marker type for
//! generic structs), and a `Debug` impl replacing a derived one.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, ToTokens};
use syn::punctuated::Punctuated;
use syn::{parse_quote, Token};

/// The name of the hidden field.
pub const FIELD: &str = "__leak_audit";

/// Why a struct is left uncounted; only used to decide, the reasons are
/// documented in the runtime crate.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Skip {
    NotNamed,
    Packed,
    Copy,
    UnknownDerive,
    AlreadyCounted,
    SerdeRemote,
}

/// Which token type the field gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// Zero-sized in release, the creating test's tag in debug.
    Tagged,
    /// Always zero-sized (`repr(C)`, `repr(transparent)`).
    Zst,
}

/// The derives the rewrite knows to be fine with the hidden field.
const KNOWN_DERIVES: &[&str] =
    &["Clone", "Default", "Debug", "PartialEq", "Eq", "Hash", "PartialOrd", "Ord", "Serialize", "Deserialize"];

/// The tokens every counted struct's items share, built once per expansion
/// and copied into each: building a token is a call into the compiler for a
/// proc macro, and a module can hold hundreds of counted structs.
pub(super) struct Shared {
    /// `::leak_audit::__private::Counter`.
    counter: TokenStream,
    /// `::leak_audit::__private::Counted`.
    counted: TokenStream,
    /// `::leak_audit::__private::Token` and `TokenZst`.
    token: TokenStream,
    token_zst: TokenStream,
    /// `::core::module_path!()`.
    module_path: TokenStream,
    /// `#[automatically_derived]`.
    automatically_derived: TokenStream,
    /// `#[allow(deprecated)]`.
    allow_deprecated: TokenStream,
    /// `#[doc(hidden)]` and the `#[allow(..)]` of the hidden field.
    field_attrs: [syn::Attribute; 2],
    /// `pub(crate)`.
    field_vis: syn::Visibility,
}

impl Shared {
    pub(super) fn new() -> Self {
        Shared {
            counter: quote!(::leak_audit::__private::Counter),
            counted: quote!(::leak_audit::__private::Counted),
            token: quote!(::leak_audit::__private::Token),
            token_zst: quote!(::leak_audit::__private::TokenZst),
            module_path: quote!(::core::module_path!()),
            automatically_derived: quote!(#[automatically_derived]),
            allow_deprecated: quote!(#[allow(deprecated)]),
            field_attrs: [
                outer_attr("doc", quote!(hidden)),
                outer_attr("allow", quote!(dead_code, clippy::pub_underscore_fields)),
            ],
            field_vis: syn::Visibility::Restricted(syn::VisRestricted {
                pub_token: Token![pub](Span::call_site()),
                paren_token: syn::token::Paren::default(),
                in_token: None,
                path: Box::new(syn::Ident::new("crate", Span::call_site()).into()),
            }),
        }
    }
}

/// Adds the hidden field to `item` and returns the items to emit next to it,
/// or why it cannot be counted.
pub(super) fn instrument(item: &mut syn::ItemStruct, shared: &Shared) -> Result<TokenStream, Skip> {
    let plan = plan(item)?;
    // The items that go with the struct exist exactly when it does.
    let cfgs: Vec<syn::Attribute> = item.attrs.iter().filter(|attr| attr.path().is_ident("cfg")).cloned().collect();
    let debug_impl = if plan.derives_debug { Some(debug_impl(item)) } else { None };
    let debug_impl = debug_impl.map(|debug_impl| quote!(#(#cfgs)* #debug_impl));
    if plan.derives_debug {
        remove_derive(&mut item.attrs, "Debug");
    }

    let Shared { counter, counted, module_path, automatically_derived, allow_deprecated, .. } = shared;
    let token = match plan.token {
        Token::Tagged => &shared.token,
        Token::Zst => &shared.token_zst,
    };
    let name = item.ident.unraw_string();
    let ident = &item.ident;
    // A non-generic struct's counter also keeps how the cycle walk starts
    // from one of its values (see the runtime's `trace` module); the
    // runtime's macro leaves it out without its `cycles` feature.
    let traced = item.generics.params.is_empty().then(|| quote!(.traced(::leak_audit::__cycle_root!(#ident))));
    let counter_const = quote! {
        const __LEAK_AUDIT_COUNTER: &'static #counter = {
            static COUNTER: #counter = #counter::new(#name, #module_path)#traced;
            &COUNTER
        };
    };
    // A struct without generics is its own marker: `Token<Person>` inside
    // `Person` changes nothing (the token holds a `PhantomData<fn() -> M>`),
    // and one impl is all the compiler has to check. A generic struct gets a
    // marker type, so that the field never mentions its parameters and one
    // counter serves every instantiation.
    let (marker, extra) = if item.generics.params.is_empty() && item.generics.where_clause.is_none() {
        let extra = quote! {
            #(#cfgs)*
            #automatically_derived
            #allow_deprecated
            impl #counted for #ident { #counter_const }
        };
        (ident.to_token_stream(), extra)
    } else {
        let marker = format_ident!("__leak_audit_{}", item.ident, span = Span::call_site());
        let (impl_generics, ty_generics, where_clause) = item.generics.split_for_impl();
        let extra = quote! {
            #(#cfgs)*
            #[doc(hidden)]
            #[allow(non_camel_case_types, missing_debug_implementations)]
            pub(crate) struct #marker;

            #(#cfgs)*
            #automatically_derived
            impl #counted for #marker { #counter_const }

            #(#cfgs)*
            #automatically_derived
            #allow_deprecated
            impl #impl_generics #counted for #ident #ty_generics #where_clause {
                const __LEAK_AUDIT_COUNTER: &'static #counter =
                    <#marker as #counted>::__LEAK_AUDIT_COUNTER;
            }
        };
        (marker.to_token_stream(), extra)
    };

    // Built directly rather than printed and parsed: every struct gets one.
    let mut attrs = shared.field_attrs.to_vec();
    attrs.extend(plan.serde.iter().map(|cfg| match cfg {
        None => outer_attr("serde", quote!(skip)),
        Some(predicate) => outer_attr("cfg_attr", quote!(#predicate, serde(skip))),
    }));
    let field = syn::Field {
        attrs,
        vis: shared.field_vis.clone(),
        modifiers: syn::FieldModifiers::default(),
        ident: Some(syn::Ident::new(FIELD, Span::call_site())),
        colon_token: Some(Token![:](Span::call_site())),
        ty: syn::Type::Verbatim(quote!(#token<#marker>)),
        default: None,
    };
    let syn::Fields::Named(fields) = &mut item.fields else { return Err(Skip::NotNamed) };
    // First, so that a last field that is unsized (`[u8]`, `Path`, a `?Sized`
    // parameter) stays last; a zero-sized field of alignment 1 first changes
    // no offset of a `repr(C)` struct either.
    fields.named.insert(0, field);

    Ok(quote! {
        #extra
        #debug_impl
    })
}

/// `#[name(tokens)]`, built without parsing.
fn outer_attr(name: &str, tokens: TokenStream) -> syn::Attribute {
    let span = Span::call_site();
    syn::Attribute {
        pound_token: Token![#](span),
        style: syn::AttrStyle::Outer,
        bracket_token: syn::token::Bracket(span),
        meta: syn::Meta::List(syn::MetaList {
            path: syn::Ident::new(name, span).into(),
            delimiter: syn::MacroDelimiter::Paren(syn::token::Paren(span)),
            tokens,
        }),
    }
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("r#").map_or_else(|| text.clone(), str::to_owned)
    }
}

struct Plan {
    token: Token,
    derives_debug: bool,
    /// One entry per serde derive: `None` when unconditional, else the
    /// `cfg_attr` predicate it sits behind.
    serde: Vec<Option<TokenStream>>,
}

fn plan(item: &syn::ItemStruct) -> Result<Plan, Skip> {
    if !matches!(item.fields, syn::Fields::Named(_)) {
        return Err(Skip::NotNamed);
    }
    if super::is_counted(item) {
        return Err(Skip::AlreadyCounted);
    }
    let mut token = Token::Tagged;
    for attr in &item.attrs {
        if !attr.path().is_ident("repr") {
            continue;
        }
        let Ok(reprs) = attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated) else {
            return Err(Skip::Packed);
        };
        for repr in reprs {
            let path = repr.path();
            if path.is_ident("packed") {
                return Err(Skip::Packed);
            }
            if path.is_ident("C") || path.is_ident("transparent") {
                token = Token::Zst;
            }
        }
    }

    let mut derives_debug = false;
    let mut serde = Vec::new();
    for attr in &item.attrs {
        let (predicate, derives) = if attr.path().is_ident("derive") {
            (None, derive_list(&attr.meta).ok_or(Skip::UnknownDerive)?)
        } else if attr.path().is_ident("cfg_attr") {
            match cfg_attr_derives(attr)? {
                Some((predicate, derives)) => (Some(predicate), derives),
                None => continue,
            }
        } else {
            continue;
        };
        for derive in derives {
            let Some(name) = derive.segments.last().map(|segment| segment.ident.to_string()) else {
                return Err(Skip::UnknownDerive);
            };
            match name.as_str() {
                "Copy" => return Err(Skip::Copy),
                // A conditional Debug would need a conditional hand-written impl.
                "Debug" if predicate.is_some() => return Err(Skip::UnknownDerive),
                "Debug" => derives_debug = true,
                "Serialize" | "Deserialize" => {
                    let key = predicate.as_ref().map(ToString::to_string);
                    if !serde.iter().any(|seen: &Option<TokenStream>| seen.as_ref().map(ToString::to_string) == key) {
                        serde.push(predicate.clone());
                    }
                }
                known if KNOWN_DERIVES.contains(&known) => {}
                _ => return Err(Skip::UnknownDerive),
            }
        }
    }

    // `#[serde(remote = "..")]` derives build the remote type from every
    // field, the hidden one included.
    let remote = item.attrs.iter().any(|attr| {
        attr.path().is_ident("serde")
            && attr
                .parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated)
                .map_or(true, |metas| metas.iter().any(|meta| meta.path().is_ident("remote")))
    });
    if remote {
        return Err(Skip::SerdeRemote);
    }
    Ok(Plan { token, derives_debug, serde })
}

fn derive_list(meta: &syn::Meta) -> Option<Vec<syn::Path>> {
    let syn::Meta::List(list) = meta else { return None };
    let paths = list.parse_args_with(Punctuated::<syn::Path, Token![,]>::parse_terminated).ok()?;
    Some(paths.into_iter().collect())
}

/// `#[cfg_attr(predicate, derive(..), ..)]`: the predicate and the derives, or
/// `None` if it has no derive.
fn cfg_attr_derives(attr: &syn::Attribute) -> Result<Option<(TokenStream, Vec<syn::Path>)>, Skip> {
    let Ok(metas) = attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated) else {
        return Err(Skip::UnknownDerive);
    };
    let mut metas = metas.into_iter();
    let Some(predicate) = metas.next() else { return Ok(None) };
    let mut derives = Vec::new();
    for meta in metas {
        if meta.path().is_ident("derive") {
            derives.extend(derive_list(&meta).ok_or(Skip::UnknownDerive)?);
        } else if meta.path().is_ident("repr") {
            // A conditional repr could make the struct packed.
            return Err(Skip::Packed);
        }
    }
    Ok((!derives.is_empty()).then(|| (predicate.into_token_stream(), derives)))
}

/// Removes `name` from every `#[derive(..)]` list, dropping lists left empty.
fn remove_derive(attrs: &mut Vec<syn::Attribute>, name: &str) {
    attrs.retain_mut(|attr| {
        if !attr.path().is_ident("derive") {
            return true;
        }
        let Some(paths) = derive_list(&attr.meta) else { return true };
        let kept: Vec<syn::Path> =
            paths.into_iter().filter(|path| path.segments.last().is_none_or(|segment| segment.ident != name)).collect();
        if kept.is_empty() {
            return false;
        }
        let span = attr.pound_token.span;
        *attr = parse_quote!(#[derive(#(#kept),*)]);
        attr.pound_token.span = span;
        true
    });
}

/// The `Debug` impl `#[derive(Debug)]` would have generated, without the
/// hidden field (which is added after this is built).
fn debug_impl(item: &syn::ItemStruct) -> TokenStream {
    let ident = &item.ident;
    let name = ident.unraw_string();
    let mut generics = item.generics.clone();
    let params: Vec<syn::Ident> = generics.type_params().map(|param| param.ident.clone()).collect();
    {
        let where_clause = generics.make_where_clause();
        for param in &params {
            where_clause.predicates.push(parse_quote!(#param: ::core::fmt::Debug));
        }
        // Like the derive: fields typed `T::Assoc` need their own bound.
        if let syn::Fields::Named(fields) = &item.fields {
            for field in &fields.named {
                if let syn::Type::Path(path) = &field.ty {
                    let projection = path.qself.is_some()
                        || (path.path.segments.len() > 1 && params.contains(&path.path.segments[0].ident));
                    if projection {
                        let ty = &field.ty;
                        where_clause.predicates.push(parse_quote!(#ty: ::core::fmt::Debug));
                    }
                }
            }
        }
    }
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let fields = match &item.fields {
        syn::Fields::Named(fields) => fields.named.iter().collect(),
        _ => Vec::new(),
    };
    let calls = fields.iter().map(|field| {
        let cfgs = field.attrs.iter().filter(|attr| attr.path().is_ident("cfg"));
        let member = field.ident.as_ref();
        let label = member.map(UnrawString::unraw_string).unwrap_or_default();
        quote! {
            #(#cfgs)*
            ::core::fmt::DebugStruct::field(&mut debug, #label, &self.#member);
        }
    });
    quote! {
        #[automatically_derived]
        #[allow(deprecated)]
        impl #impl_generics ::core::fmt::Debug for #ident #ty_generics #where_clause {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                let mut debug = ::core::fmt::Formatter::debug_struct(f, #name);
                #(#calls)*
                ::core::fmt::DebugStruct::finish(&mut debug)
            }
        }
    }
}
