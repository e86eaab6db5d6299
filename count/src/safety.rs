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
//! rewritten item for them and names the structs involved; [`crate::instrument`] then
//! marks those structs `#[leak_audit(no_count)]` and runs the rewrite again, so
//! code that compiled keeps compiling and the struct is simply not counted.

use std::collections::{HashMap, HashSet};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::{self, Visit};

use crate::FIELD;

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
    let mut uses = Uses { counted: &counted, doubtful: &mut doubtful, in_const: 0, path_metavariables: HashSet::new() };
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
        self.structs.entry(def.ident.to_string()).or_default().push(crate::is_counted(def));
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
    /// In a `macro_rules!` body: its metavariables that can name a struct
    /// (`$t:ident`, `:path`, `:ty`, `:tt`; an `$e:expr` cannot precede `{ .. }`
    /// as a struct's name).
    path_metavariables: HashSet<String>,
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
    /// neither set the counting field nor end in `..` is a literal or pattern
    /// that will miss it. `Self { .. }` and `$name { .. }` (in a macro's body)
    /// could be any struct: then every counted struct is in doubt.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        for (index, token) in tokens.iter().enumerate() {
            let TokenTree::Group(group) = token else { continue };
            self.scan_tokens(group.stream());
            if group.delimiter() != proc_macro2::Delimiter::Brace || index == 0 {
                continue;
            }
            let complete = self.in_const == 0 && (mentions_field(&group.stream()) || ends_in_rest(&group.stream()));
            if complete {
                continue;
            }
            match builds(&tokens[..index]) {
                Built::Named(name) if self.counted.contains(&name) => {
                    self.doubtful.insert(name);
                }
                Built::SelfType => self.doubtful.extend(self.counted.iter().cloned()),
                Built::Metavariable(name) if self.path_metavariables.contains(&name) => {
                    self.doubtful.extend(self.counted.iter().cloned());
                }
                Built::Named(_) | Built::Metavariable(_) | Built::Nothing => {}
            }
        }
    }
}

/// What the tokens before a brace group say it builds.
enum Built {
    /// `S {`: struct `S` (or a block after some other name).
    Named(String),
    /// `Self {`: a struct the tokens do not name.
    SelfType,
    /// `$name {` in a macro's body: a struct if `$name` can be a path.
    Metavariable(String),
    /// A declaration (`struct S {`, `impl S {`, `fn f() -> S {`) or anything else.
    Nothing,
}

fn builds(before: &[TokenTree]) -> Built {
    let punct =
        |token: Option<&TokenTree>, ch: char| matches!(token, Some(TokenTree::Punct(punct)) if punct.as_char() == ch);
    let ident = |token: Option<&TokenTree>| match token {
        Some(TokenTree::Ident(ident)) => Some(ident.to_string()),
        _ => None,
    };
    let Some(name) = ident(before.last()) else { return Built::Nothing };
    let rest = &before[..before.len() - 1];
    // A `$name` metavariable: `$` right before the name.
    let (metavariable, rest) = if punct(rest.last(), '$') { (true, &rest[..rest.len() - 1]) } else { (false, rest) };
    // `-> Self {` and `-> S {` are a return type and a fn body.
    let returned = punct(rest.last(), '>') && punct(rest.get(rest.len().wrapping_sub(2)), '-');
    let declared = ident(rest.last()).is_some_and(|word| DECLARING.contains(&word.as_str()));
    if returned || declared {
        Built::Nothing
    } else if metavariable {
        Built::Metavariable(name)
    } else if name == "Self" {
        Built::SelfType
    } else {
        Built::Named(name)
    }
}

/// The `$name:fragment` declarations of a `macro_rules!` body whose fragment
/// can be a struct's name.
fn path_metavariables(tokens: TokenStream, found: &mut HashSet<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        if let TokenTree::Group(group) = token {
            path_metavariables(group.stream(), found);
        }
        if let [TokenTree::Punct(dollar), TokenTree::Ident(name), TokenTree::Punct(colon), TokenTree::Ident(fragment), ..] =
            &tokens[index..]
        {
            let can_name = matches!(fragment.to_string().as_str(), "ident" | "path" | "ty" | "tt");
            if dollar.as_char() == '$' && colon.as_char() == ':' && can_name {
                found.insert(name.to_string());
            }
        }
    }
}

/// Keywords after which a name is declared, not built.
const DECLARING: &[&str] = &["struct", "enum", "union", "impl", "for", "trait", "mod", "fn", "type"];

fn mentions_field(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().any(|token| matches!(&token, TokenTree::Ident(ident) if ident == FIELD))
}

/// Whether braces end in a rest pattern or a struct update (`.., ` or
/// `..base` after a comma or alone), not a range (`x: 0..5`).
fn ends_in_rest(tokens: &TokenStream) -> bool {
    let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
    tokens.windows(2).enumerate().any(|(index, pair)| {
        let dots = pair.iter().all(|token| matches!(token, TokenTree::Punct(punct) if punct.as_char() == '.'));
        let after_comma = index == 0 || matches!(&tokens[index - 1], TokenTree::Punct(punct) if punct.as_char() == ',');
        dots && after_comma
    })
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
        if let Some(name) = self.counted_name(&literal.path) {
            let sets_field =
                literal.fields.iter().any(|field| matches!(&field.member, syn::Member::Named(ident) if ident == FIELD));
            // `..` without a base: the left side of a destructuring assignment.
            if self.in_const > 0 || (!sets_field && literal.dot2_token.is_none()) {
                self.doubtful.insert(name);
            }
        }
        visit::visit_expr_struct(self, literal);
    }

    fn visit_pat_struct(&mut self, pattern: &'ast syn::PatStruct) {
        if let Some(name) = self.counted_name(&pattern.path) {
            let names_field =
                pattern.fields.iter().any(|field| matches!(&field.member, syn::Member::Named(ident) if ident == FIELD));
            if pattern.rest.is_none() && !names_field {
                self.doubtful.insert(name);
            }
        }
        visit::visit_pat_struct(self, pattern);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.is_ident("macro_rules") {
            let mut found = HashSet::new();
            path_metavariables(mac.tokens.clone(), &mut found);
            let outer = std::mem::replace(&mut self.path_metavariables, found);
            self.scan_tokens(mac.tokens.clone());
            self.path_metavariables = outer;
        } else {
            self.scan_tokens(mac.tokens.clone());
        }
    }

    crate::const_context::visit_const_contexts!();
    crate::const_context::visit_const_fns!();
}
