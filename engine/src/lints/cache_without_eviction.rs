use std::collections::HashSet;

use quote::ToTokens;

use crate::config::Config;
use crate::finding::{Label, Location};
use crate::lint::declare_lint;
use crate::lints::Cx;
use crate::model::classify::{self, Collection, Place};
use crate::model::uses::{self, Use};
use crate::model::{Scope, SettingsId};
use crate::symbol::{self, is};

declare_lint! {
    /// ### What it does
    /// Finds maps used as memo tables in a struct field, a static or a static
    /// declared inside a fn, when nothing in scope ever evicts from them
    /// (`remove`, `retain`, `clear`, `drain`, `pop*`, `truncate`, `mem::take`,
    /// assigning a new map). A map is a memo table in a fn that returns what it
    /// looks up in it and inserts into it on a miss: `get`/`contains_key`/`[k]`
    /// with an early `return` of the hit followed by `insert`, or
    /// `entry(k).or_insert_with(..)` as the returned value. Also finds
    /// `#[cached]` and `#[memoize]` functions with no size or time limit.
    ///
    /// Known bounded caches (`lru::LruCache`, moka and quick_cache `Cache`,
    /// schnellru `LruMap`, cached's `SizedCache`/`TimedCache`, ... and the types
    /// configured as bounded) are never reported.
    ///
    /// ### Why is this bad?
    /// A memo table keeps one entry per distinct input for as long as it lives.
    /// When the inputs keep changing (user ids, request paths, floating-point
    /// arguments) it grows without bound: Python's `Calculator.add` memo dict
    /// leak, in Rust. In a static it lives until the program exits.
    ///
    /// ### Example
    /// ```rust,no_run
    /// use std::collections::HashMap;
    ///
    /// pub struct Calculator { cache: HashMap<(i64, i64), i64> }
    ///
    /// impl Calculator {
    ///     pub fn add(&mut self, a: i64, b: i64) -> i64 {
    ///         *self.cache.entry((a, b)).or_insert_with(|| a + b)
    ///     }
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,no_run
    /// use std::collections::HashMap;
    ///
    /// const MAX_ENTRIES: usize = 10_000;
    ///
    /// pub struct Calculator { cache: HashMap<(i64, i64), i64> }
    ///
    /// impl Calculator {
    ///     pub fn add(&mut self, a: i64, b: i64) -> i64 {
    ///         if self.cache.len() >= MAX_ENTRIES {
    ///             self.cache.clear();
    ///         }
    ///         *self.cache.entry((a, b)).or_insert_with(|| a + b)
    ///     }
    /// }
    /// ```
    /// or an LRU cache (`lru::LruCache::new(capacity)`), a time-bounded one
    /// (moka), or `Weak` values pruned with `retain(|_, v| v.strong_count() > 0)`.
    ///
    /// A memo keyed by a type with a few values only (`bool`, a fieldless enum
    /// of the scope) cannot outgrow them and is not reported.
    ///
    /// A static memo table gets this lint and not `unbounded_static` as well.
    ///
    /// ### Known problems
    /// - Fields are matched by name where the owner's type is not known:
    ///   `x.cache` on a value that is not `self` (nor a static's struct) counts
    ///   for every analysed type with a map field called `cache`, and an
    ///   eviction through it counts for all of them.
    /// - Eviction is any `remove`/`retain`/`clear`/... anywhere in scope, even on
    ///   a path that never runs; code outside the scope (another module, a trait
    ///   impl elsewhere) is not seen, and a map handed to a function by `&mut` is
    ///   assumed to be evicted there.
    /// - Only maps whose lookups the fn returns are memo tables here: a map of
    ///   state (`*counts.entry(k).or_insert(0) += 1`, an id assigned on first
    ///   sight and used but not returned) is not reported, even when it grows
    ///   the same way; in a static, `unbounded_static` reports it. A memo whose
    ///   result is stored elsewhere instead of returned is not seen.
    /// - `#[cached(ty = "..")]` with a cache type other than `UnboundCache` or
    ///   a std map is taken to be bounded.
    pub CACHE_WITHOUT_EVICTION, cache_without_eviction, Warn, "memo maps that are filled and never evicted"
}

/// Reports memo tables without eviction.
pub(crate) fn check(cx: &mut Cx<'_, '_>) {
    check_statics(cx);
    check_fields(cx);
    check_memo_attributes(cx);
}

const STATIC_NOTE: &str = "a static lives until the program exits, and so does every entry added to it";

const HELP: &str = "bound it: an LRU cache (`lru::LruCache`, `schnellru`), a size- or time-bounded cache (moka, quick_cache), or evict with `remove`/`retain`/`clear` once `len()` passes a limit";

fn check_statics(cx: &mut Cx<'_, '_>) {
    let (scope, config) = (cx.scope, cx.config);
    for (id, def) in scope.statics.iter().enumerate() {
        let Some(found) = memo_map(scope, Place::of_static(scope, id), &def.ty, config) else { continue };
        let uses: Vec<&Use> = scope.uses_of_static(id).collect();
        let Some(subject) = unevicted_memo(&uses) else { continue };
        let name = &def.name;
        let fn_name = scope.fns[subject.fn_id].name;
        report(
            cx,
            scope.static_location(id),
            format!(
                "static `{name}` is a memo table that is never evicted: `{fn_name}` fills its `{}` on every miss and nothing in scope removes entries",
                found.name
            ),
            &uses,
            STATIC_NOTE.to_string(),
            def.settings,
        );
    }
}

fn check_fields(cx: &mut Cx<'_, '_>) {
    let (scope, config) = (cx.scope, cx.config);
    for (id, def) in scope.types.iter().enumerate() {
        let type_name = def.name.to_string();
        for field in &def.fields {
            let Some(name) = field.name else { continue };
            let Some(found) = memo_map(scope, Place::of_type(scope, id), field.ty, config) else { continue };
            // A general-purpose map, cache or interner offered to users: the
            // keys are theirs, and so is the decision to evict.
            if found.keyed_by_param {
                continue;
            }
            let field_name = name.to_string();
            let uses = scope.uses_of_field(&type_name, &field_name);
            let Some(subject) = unevicted_memo(&uses) else { continue };
            // Scoped memoisation: an owner built and dropped within one call
            // (or consumed by value into one result) bounds its memo by that
            // call's input. Behind a cell the memo is reached through `&self`,
            // which is how long-lived caches are shared.
            if !found.mutable && uses::lives_for_one_call(scope, id) {
                continue;
            }
            let fn_name = scope.fns[subject.fn_id].name;
            report(
                cx,
                Location { file: def.file, span: field.span },
                format!(
                    "`{type_name}.{field_name}` is a memo table that is never evicted: `{fn_name}` fills its `{}` on every miss and nothing in scope removes entries",
                    found.name
                ),
                &uses,
                format!("every distinct key stays in memory for as long as the `{type_name}` lives"),
                field.settings,
            );
        }
    }
}

/// A map that is not a known bounded cache.
fn memo_map<'a>(scope: &Scope<'a>, place: Place<'_>, ty: &'a syn::Type, config: &Config) -> Option<Collection> {
    classify::find(scope, place, ty, &config.bounded_cache_types)
        .filter(|found| found.is_map && !found.bounded && !found.closed_keys)
}

/// Whether this lint reports the collection `found` with `uses` as a memo
/// table that is never evicted: `unbounded_static` leaves those to it, and
/// reports every other static that only grows.
pub(crate) fn reports(found: &Collection, uses: &[&Use]) -> bool {
    found.is_map && !found.bounded && !found.closed_keys && unevicted_memo(uses).is_some()
}

/// The first memo use, when there are memo uses and no eviction.
fn unevicted_memo<'u>(uses: &[&'u Use]) -> Option<&'u Use> {
    if uses.iter().any(|u| u.may_shrink()) {
        return None;
    }
    uses.iter().copied().find(|u| u.grow().is_some_and(|grow| grow.memo && grow.bound.is_none()))
}

fn report(cx: &mut Cx<'_, '_>, location: Location, message: String, uses: &[&Use], note: String, settings: SettingsId) {
    let scope = cx.scope;
    let mut seen = HashSet::new();
    let labels: Vec<Label> = uses
        .iter()
        .filter(|u| u.grow().is_some_and(|grow| grow.memo) && seen.insert(u.fn_id))
        .map(|u| Label {
            location: Location { file: scope.fns[u.fn_id].file, span: u.span },
            message: format!("filled here by `{}`", u.verb),
        })
        .collect();
    cx.report(location, message).labels(labels).note(note).help(HELP).anchor(settings).emit();
}

fn check_memo_attributes(cx: &mut Cx<'_, '_>) {
    for def in &cx.scope.fns {
        for attr in def.attrs {
            let Some(last) = attr.path().segments.last() else { continue };
            let name = last.ident.to_string();
            if !matches!(name.as_str(), "cached" | "memoize") {
                continue;
            }
            let tokens = match &attr.meta {
                syn::Meta::List(list) => list.tokens.to_string(),
                _ => String::new(),
            };
            if is_bounded_memo_attribute(&name, &tokens) {
                continue;
            }
            let fn_name = def.name;
            let help = if name == "cached" {
                "give it a bound: `#[cached(size = 1000)]`, `#[cached(time = 60)]`, or `ty = \"SizedCache<K, V>\"`"
            } else {
                "give it a bound: `#[memoize(Capacity: 1000)]` or `#[memoize(TimeToLive: Duration::from_secs(60))]`"
            };
            cx.report(
                Location { file: def.file, span: last.ident.span() },
                format!("`#[{name}]` on `{fn_name}` keeps a result for every distinct argument, with no size or time limit"),
            )
            .note(format!(
                "the generated cache is a global map that lives until the program exits: `{}` grows with every new argument",
                attr.meta.path().to_token_stream()
            ))
            .help(help)
            .anchor(def.settings)
            .emit();
        }
    }
}

fn is_bounded_memo_attribute(name: &str, tokens: &str) -> bool {
    let words: Vec<&str> =
        tokens.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|word| !word.is_empty()).collect();
    match name {
        "cached" => {
            let custom_store = words.iter().any(|word| matches!(*word, "ty" | "create"))
                && !words.iter().any(|word| matches!(*word, "UnboundCache" | "HashMap" | "BTreeMap"));
            custom_store
                || words.iter().any(|word| {
                    matches!(*word, "size" | "time" | "ttl" | "max_size" | "time_refresh" | "once")
                        || is(symbol::BOUNDED_CACHES, word)
                })
        }
        _ => words.iter().any(|word| matches!(*word, "Capacity" | "TimeToLive")),
    }
}
