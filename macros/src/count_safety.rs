//! The counting rewrite's safety net: after it runs, check that every use of
//! a counted struct inside the annotated item will still compile, and leave
//! uncounted any struct for which that is in doubt.
//!
//! The rewrite resolves struct names syntactically and only rewrites what it
//! can see: literals inside macro bodies it cannot parse (`thread_local!`, a
//! local `macro_rules!`), paths it cannot resolve (a glob from a grandparent,
//! `crate::outer::m::S` when the annotated module is not at the root), names
//! shared by two structs or by an enum variant, and literals in `const`
//! contexts (where the counting field's constructor cannot run) would break the
//! build. Rather than follow every one of those forms, [`doubtful`] looks at the
//! rewritten item for them and names the structs involved; the expansion then
//! marks those structs `#[leak_audit(no_count)]` and runs the rewrite again, so
//! code that compiled keeps compiling and the struct is simply not counted.

use std::collections::{HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

use crate::count::{self, FIELD};

/// Names of counted structs of `item` (after the rewrite) whose uses in `item`
/// would not compile.
pub(crate) fn doubtful(item: &syn::Item) -> HashSet<String> {
    let mut names = Names::default();
    names.visit_item(item);
    let counted: HashSet<String> = names
        .structs
        .iter()
        .filter(|(_, defs)| defs.iter().any(|&counted| counted))
        .map(|(name, _)| name.clone())
        .collect();
    if counted.is_empty() {
        return HashSet::new();
    }
    let mut doubtful: HashSet<String> = counted
        .iter()
        .filter(|name| names.structs[*name].len() > 1 || names.variants.contains(*name))
        .cloned()
        .collect();
    let mut uses = Uses { counted: &counted, doubtful: &mut doubtful, in_const: 0 };
    uses.visit_item(item);
    doubtful
}

/// Marks every struct of `item` named in `names` `#[leak_audit(no_count)]`.
pub(crate) fn mark_no_count(item: &mut syn::Item, names: &HashSet<String>) {
    struct Mark<'n>(&'n HashSet<String>);
    impl syn::visit_mut::VisitMut for Mark<'_> {
        fn visit_item_struct_mut(&mut self, def: &mut syn::ItemStruct) {
            if self.0.contains(&def.ident.to_string()) {
                def.attrs.push(syn::parse_quote!(#[leak_audit(no_count)]));
            }
            syn::visit_mut::visit_item_struct_mut(self, def);
        }
    }
    syn::visit_mut::VisitMut::visit_item_mut(&mut Mark(names), item);
}

/// Struct definitions (each: counted or not) and enum variant names.
#[derive(Default)]
struct Names {
    structs: HashMap<String, Vec<bool>>,
    variants: HashSet<String>,
}

impl<'ast> Visit<'ast> for Names {
    fn visit_item_struct(&mut self, def: &'ast syn::ItemStruct) {
        self.structs.entry(def.ident.to_string()).or_default().push(count::is_counted(def));
        visit::visit_item_struct(self, def);
    }

    fn visit_variant(&mut self, variant: &'ast syn::Variant) {
        self.variants.insert(variant.ident.to_string());
        visit::visit_variant(self, variant);
    }
}

struct Uses<'a> {
    counted: &'a HashSet<String>,
    doubtful: &'a mut HashSet<String>,
    /// Inside a `const`/`static` initializer, a `const fn` or a `const` block.
    in_const: usize,
}

impl Uses<'_> {
    fn counted_name(&self, path: &syn::Path) -> Option<String> {
        let name = path.segments.last()?.ident.to_string();
        self.counted.contains(&name).then_some(name)
    }

    fn in_const(&mut self, visit: impl FnOnce(&mut Self)) {
        self.in_const += 1;
        visit(self);
        self.in_const -= 1;
    }

    /// Tokens the rewrite left alone: a counted name followed by braces that
    /// do not set the counting field is a literal or pattern that will miss it.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let mut last = Last::Other;
        for token in tokens {
            last = match &token {
                TokenTree::Group(group) => {
                    if let Last::Counted(name) = &last {
                        let braced = group.delimiter() == proc_macro2::Delimiter::Brace;
                        if braced && (self.in_const > 0 || !mentions_field(&group.stream())) {
                            self.doubtful.insert(name.clone());
                        }
                    }
                    self.scan_tokens(group.stream());
                    Last::Other
                }
                TokenTree::Ident(ident) => {
                    let word = ident.to_string();
                    if DECLARING.contains(&word.as_str()) {
                        Last::Declaring
                    } else if self.counted.contains(&word) && !matches!(last, Last::Declaring) {
                        Last::Counted(word)
                    } else {
                        Last::Other
                    }
                }
                _ => Last::Other,
            };
        }
    }
}

/// What the token before the current one was, for [`Uses::scan_tokens`].
enum Last {
    Other,
    /// A keyword after which a name is declared, not built (`struct S {`).
    Declaring,
    /// The name of a counted struct.
    Counted(String),
}

/// Keywords after which a name is declared, not built.
const DECLARING: &[&str] = &["struct", "enum", "union", "impl", "for", "trait", "mod", "fn", "type"];

fn mentions_field(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|token| matches!(&token, TokenTree::Ident(ident) if ident == FIELD))
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
        if let Some(name) = self.counted_name(&literal.path) {
            let sets_field = literal.fields.iter().any(|field| matches!(&field.member, syn::Member::Named(ident) if ident == FIELD));
            if self.in_const > 0 || (!sets_field && literal.rest.is_none()) {
                self.doubtful.insert(name);
            }
        }
        visit::visit_expr_struct(self, literal);
    }

    fn visit_pat_struct(&mut self, pattern: &'ast syn::PatStruct) {
        if let Some(name) = self.counted_name(&pattern.path) {
            let names_field = pattern.fields.iter().any(|field| matches!(&field.member, syn::Member::Named(ident) if ident == FIELD));
            if pattern.rest.is_none() && !names_field {
                self.doubtful.insert(name);
            }
        }
        visit::visit_pat_struct(self, pattern);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.scan_tokens(mac.tokens.clone());
    }

    crate::const_context::visit_const_contexts!();

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        if item.sig.constness.is_some() {
            self.in_const(|this| visit::visit_item_fn(this, item));
        } else {
            // A fn body inside a `const` initializer runs at run time.
            let outer = std::mem::take(&mut self.in_const);
            visit::visit_item_fn(self, item);
            self.in_const = outer;
        }
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if item.sig.constness.is_some() {
            self.in_const(|this| visit::visit_impl_item_fn(this, item));
        } else {
            visit::visit_impl_item_fn(self, item);
        }
    }
}
