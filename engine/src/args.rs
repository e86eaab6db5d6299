//! The grammar of `#[leak_audit(..)]` arguments, shared by the attribute macro
//! and the CLI (which honours the same attributes in source files).
//!
//! ```text
//! #[leak_audit]
//! #[leak_audit(deny)]
//! #[leak_audit(deny(rc_cycle, unbounded_static))]
//! #[leak_audit(warn(cache_without_eviction))]
//! #[leak_audit(allow(rc_cycle), reason = "the graph is cleared in `Drop`")]
//! #[leak_audit(no_count)]
//! #[leak_audit(assert)]
//! ```

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Ident, LitStr, Token};

use crate::lints::{find_lint, suggest_lint, Level, Lint, LINTS};

/// The message shown for any argument that does not fit the grammar.
pub const EXPECTED_FORMS: &str = "expected `#[leak_audit]`, `#[leak_audit(deny)]`, \
     `#[leak_audit(deny(<lint>, ..))]`, `#[leak_audit(warn(<lint>, ..))]`, \
     `#[leak_audit(allow(<lint>, ..), reason = \"..\")]`, `#[leak_audit(no_count)]` \
     or `#[leak_audit(assert)]`";

/// A lint level set by an attribute, with the span of the lint's name.
#[derive(Clone, Debug)]
pub struct LevelSetting {
    /// The lint the setting is for.
    pub lint: &'static Lint,
    /// The level it sets.
    pub level: Level,
    /// Where the lint's name (or the bare `deny`) was written.
    pub span: Span,
}

/// Parsed arguments of one `#[leak_audit(..)]` attribute.
#[derive(Clone, Debug, Default)]
pub struct Args {
    /// Lint levels set by `deny`, `warn` and `allow`, in the order written.
    pub levels: Vec<LevelSetting>,
    /// The `reason = ".."` text, if given.
    pub reason: Option<LitStr>,
    /// `no_count`: do not count live instances of the annotated type.
    pub no_count: Option<Span>,
    /// `assert`: on a fn, panic when annotated types grew across a call.
    pub assert: Option<Span>,
}

impl Args {
    /// The level this attribute sets for `lint`, if it sets one (the last wins).
    pub fn level_of(&self, lint: &Lint) -> Option<Level> {
        self.levels.iter().rev().find(|setting| std::ptr::eq(setting.lint, lint)).map(|setting| setting.level)
    }

    /// Whether the arguments are empty (`#[leak_audit]`).
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty() && self.reason.is_none() && self.no_count.is_none() && self.assert.is_none()
    }
}

mod kw {
    syn::custom_keyword!(reason);
    syn::custom_keyword!(no_count);
    syn::custom_keyword!(assert);
}

impl Parse for Args {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::reason) {
                let keyword: kw::reason = input.parse()?;
                let malformed = |span: Span| syn::Error::new(span, "expected `reason = \"..\"`, a string saying why");
                if !input.peek(Token![=]) {
                    return Err(malformed(keyword.span));
                }
                input.parse::<Token![=]>()?;
                let text: LitStr = input.parse().map_err(|err| malformed(err.span()))?;
                if args.reason.is_some() {
                    return Err(syn::Error::new(keyword.span, "duplicate `reason`"));
                }
                args.reason = Some(text);
            } else if lookahead.peek(kw::no_count) {
                let keyword: kw::no_count = input.parse()?;
                duplicate_flag(&mut args.no_count, keyword.span, "no_count")?;
            } else if lookahead.peek(kw::assert) {
                let keyword: kw::assert = input.parse()?;
                duplicate_flag(&mut args.assert, keyword.span, "assert")?;
            } else if input.peek(Ident::peek_any) {
                let name = input.call(Ident::parse_any)?;
                let Some(level) = Level::from_name(&name.to_string()) else {
                    return Err(unknown_argument(&name));
                };
                if input.peek(syn::token::Paren) {
                    let content;
                    syn::parenthesized!(content in input);
                    let names = content.parse_terminated(parse_lint_name, Token![,])?;
                    if names.is_empty() {
                        return Err(syn::Error::new(
                            name.span(),
                            format!("`{level}(..)` needs at least one lint name; {}", valid_lints()),
                        ));
                    }
                    for lint_name in names {
                        let lint = lookup(&lint_name)?;
                        args.levels.push(LevelSetting { lint, level, span: lint_name.span() });
                    }
                } else if level == Level::Deny {
                    for lint in LINTS {
                        args.levels.push(LevelSetting { lint, level, span: name.span() });
                    }
                } else {
                    return Err(syn::Error::new(
                        name.span(),
                        format!("`{level}` needs the lints it applies to, as in `{level}(rc_cycle)`"),
                    ));
                }
            } else {
                return Err(expected(input.span()));
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>().map_err(|err| expected(err.span()))?;
        }
        Ok(args)
    }
}

/// A lint name in `deny(..)`: `rc_cycle`, or `leak_audit::rc_cycle` as rustc
/// writes tool lints; `rc-cycle` and `rc_cycle(..)` get errors saying so.
fn parse_lint_name(input: ParseStream<'_>) -> syn::Result<Ident> {
    let first = input.call(Ident::parse_any)?;
    if first == "leak_audit" && input.peek(Token![::]) {
        input.parse::<Token![::]>()?;
        return parse_lint_name(input);
    }
    if input.peek(Token![-]) {
        let mut text = first.unraw().to_string();
        while input.peek(Token![-]) {
            input.parse::<Token![-]>()?;
            text.push('_');
            text.push_str(&input.call(Ident::parse_any)?.unraw().to_string());
        }
        let hint = find_lint(&text).map_or_else(valid_lints, |lint| format!("did you mean `{}`?", lint.name));
        return Err(syn::Error::new(first.span(), format!("lint names are written with underscores: {hint}")));
    }
    if input.peek(syn::token::Paren) {
        return Err(syn::Error::new(
            first.span(),
            format!("a lint name takes no arguments: write `{}` alone", first.unraw()),
        ));
    }
    Ok(first)
}

fn duplicate_flag(slot: &mut Option<Span>, span: Span, name: &str) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(span, format!("duplicate `{name}`")));
    }
    *slot = Some(span);
    Ok(())
}

fn expected(span: Span) -> syn::Error {
    syn::Error::new(span, EXPECTED_FORMS)
}

const ARGUMENTS: &[&str] = &["deny", "warn", "allow", "reason", "no_count", "assert"];

fn unknown_argument(name: &Ident) -> syn::Error {
    let text = name.unraw().to_string();
    let close = ARGUMENTS
        .iter()
        .map(|candidate| (crate::lints::edit_distance(&text, candidate), *candidate))
        .filter(|&(distance, candidate)| distance <= candidate.len() / 2)
        .min();
    let message = match close {
        Some((_, candidate)) => format!("unknown argument `{text}`: did you mean `{candidate}`? {EXPECTED_FORMS}"),
        None => format!("unknown argument `{text}`: {EXPECTED_FORMS}"),
    };
    syn::Error::new(name.span(), message)
}

fn valid_lints() -> String {
    let names: Vec<String> = LINTS.iter().map(|lint| format!("`{}`", lint.name)).collect();
    format!("the lints are {}", names.join(", "))
}

fn lookup(name: &Ident) -> syn::Result<&'static Lint> {
    let text = name.unraw().to_string();
    if let Some(lint) = find_lint(&text) {
        return Ok(lint);
    }
    // `RC_CYCLE`, `Rc_Cycle`: the right name in another case.
    if let Some(lint) = find_lint(&text.to_ascii_lowercase()) {
        return Err(syn::Error::new(name.span(), format!("unknown lint `{text}`: did you mean `{}`?", lint.name)));
    }
    let hint = match suggest_lint(&text) {
        Some(close) => format!("did you mean `{close}`? "),
        None => String::new(),
    };
    Err(syn::Error::new(name.span(), format!("unknown lint `{text}`: {hint}{}", valid_lints())))
}

/// Parses the arguments of `attr` if it is a `#[leak_audit(..)]` or
/// `#[leak_audit::leak_audit(..)]` attribute; `None` for any other attribute.
pub fn parse_attribute(attr: &syn::Attribute) -> Option<syn::Result<Args>> {
    if !is_leak_audit_path(attr.path()) {
        return None;
    }
    Some(match &attr.meta {
        syn::Meta::Path(_) => Ok(Args::default()),
        syn::Meta::List(list) => syn::parse2(list.tokens.clone()),
        syn::Meta::NameValue(name_value) => Err(expected(name_value.eq_token.span)),
    })
}

/// Whether `path` names the attribute: `leak_audit`, `leak_audit::leak_audit` or
/// `::leak_audit::leak_audit`.
pub fn is_leak_audit_path(path: &syn::Path) -> bool {
    let segments: Vec<String> = path.segments.iter().map(|segment| segment.ident.to_string()).collect();
    match segments.as_slice() {
        [only] => only == "leak_audit" && path.leading_colon.is_none(),
        [krate, name] => krate == "leak_audit" && name == "leak_audit",
        _ => false,
    }
}
