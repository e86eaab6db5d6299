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
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use crate::lint::{self, Level, Lint};

/// The message shown for any argument that does not fit the grammar.
pub const EXPECTED_FORMS: &str = "expected `#[leak_audit]`, `#[leak_audit(deny)]`, \
     `#[leak_audit(deny(<lint>, ..))]`, `#[leak_audit(warn(<lint>, ..))]`, \
     `#[leak_audit(allow(<lint>, ..), reason = \"..\")]`, `#[leak_audit(no_count)]` \
     or `#[leak_audit(assert)]`";

/// A lint level set by an attribute.
#[derive(Clone, Debug)]
pub struct LevelSetting {
    /// The lint the setting is for.
    pub lint: &'static Lint,
    /// The level it sets.
    pub level: Level,
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
}

mod kw {
    syn::custom_keyword!(reason);
    syn::custom_keyword!(no_count);
    syn::custom_keyword!(assert);
}

impl Args {
    /// Parses the arguments of one attribute, whose lint names must be lints
    /// of `lints`. (`Args` also implements [`Parse`](syn::parse::Parse) with
    /// all of leak_audit's lints.)
    ///
    /// # Errors
    ///
    /// The first argument that does not fit the grammar, at its span.
    pub fn parse_with(input: ParseStream<'_>, lints: &'static [&'static Lint]) -> syn::Result<Self> {
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
                    let mut names = Vec::new();
                    while !content.is_empty() {
                        names.push(parse_lint_name(&content, lints)?);
                        if content.is_empty() {
                            break;
                        }
                        content.parse::<Token![,]>()?;
                    }
                    if names.is_empty() {
                        return Err(syn::Error::new(
                            name.span(),
                            format!("`{level}(..)` needs at least one lint name; {}", lint::list(lints)),
                        ));
                    }
                    for lint_name in names {
                        let lint = lint::lookup(lints, &lint_name.unraw().to_string(), false)
                            .map_err(|message| syn::Error::new(lint_name.span(), message))?;
                        args.levels.push(LevelSetting { lint, level });
                    }
                } else if level == Level::Deny {
                    // Every lint that is on by default; a lint that is `allow`
                    // by default is named to be turned on.
                    for lint in lints.iter().filter(|lint| lint.default_level != Level::Allow) {
                        args.levels.push(LevelSetting { lint, level });
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
fn parse_lint_name(input: ParseStream<'_>, lints: &'static [&'static Lint]) -> syn::Result<Ident> {
    let first = input.call(Ident::parse_any)?;
    if first == "leak_audit" && input.peek(Token![::]) {
        input.parse::<Token![::]>()?;
        return parse_lint_name(input, lints);
    }
    if input.peek(Token![-]) {
        let mut text = first.unraw().to_string();
        while input.peek(Token![-]) {
            input.parse::<Token![-]>()?;
            text.push('_');
            text.push_str(&input.call(Ident::parse_any)?.unraw().to_string());
        }
        let hint = lint::lookup(lints, &text, false)
            .map_or_else(|_| lint::list(lints), |lint| format!("did you mean `{}`?", lint.name));
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
    let message = match lint::suggest(&text, ARGUMENTS.iter().copied()) {
        Some(candidate) => format!("unknown argument `{text}`: did you mean `{candidate}`? {EXPECTED_FORMS}"),
        None => format!("unknown argument `{text}`: {EXPECTED_FORMS}"),
    };
    syn::Error::new(name.span(), message)
}

/// Parses the arguments of `attr` if it is a `#[leak_audit(..)]` or
/// `#[leak_audit::leak_audit(..)]` attribute; `None` for any other attribute.
pub fn parse_attribute_with(attr: &syn::Attribute, lints: &'static [&'static Lint]) -> Option<syn::Result<Args>> {
    if !is_leak_audit_path(attr.path()) {
        return None;
    }
    Some(match &attr.meta {
        syn::Meta::Path(_) => Ok(Args::default()),
        syn::Meta::List(list) => (|input: ParseStream<'_>| Args::parse_with(input, lints)).parse2(list.tokens.clone()),
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
