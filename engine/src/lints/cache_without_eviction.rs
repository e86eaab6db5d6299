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
    /// an `OccupiedEntry::remove()`, assigning a new map). A map is a memo
    /// table when one fn both looks a key up in it and, on a miss, fills it
    /// under the same key with a value it computes: `get`/`[k]` then
    /// `insert`, `contains_key` then `insert` and a read back with `map[&k]`
    /// or `get(&k).unwrap()`, `entry(k).or_insert_with(..)` (any form:
    /// `or_insert_with_key`, `or_default`, a `match` on `Occupied`/`Vacant`),
    /// `get_or_insert_with(k, ..)`.
    /// What the fn does with the hit (returns it, formats it, calls a method
    /// on it, reads a field, projects it with `Ref::map`) does not matter,
    /// and a lookup made through a guard's own projection
    /// (`RwLockReadGuard::try_map(map.read(), |m| m.get(k))`, then
    /// `RwLockWriteGuard::downgrade`) is a lookup of that map. A fill of an
    /// inner map reached through a nested entry chain
    /// (`m.entry(a).or_insert_with(HashMap::new).entry(b).or_insert_with(make)`)
    /// fills the outer field.
    /// Also finds `#[cached]` and `#[memoize]` functions with no size or time
    /// limit: the attributes of the `cached` and `memoize` crates, told by
    /// their path and the module's `use` declarations (`use
    /// memoize::memoize as remember;`). Another crate's attribute of the same
    /// name, or the crate's own, is not theirs; and a fn whose key is made of
    /// nothing (no parameter, or every one left out with `Ignore:`) keeps one
    /// result at most.
    ///
    /// Not memo tables: lookups that only test presence or change the
    /// element in place (`*counts.entry(k).or_insert(0) += 1`,
    /// `entry(k).or_default().push(v)`, `get_mut`), and fills that store a
    /// value the fn was given, a constant, or an id counted from what the
    /// owner already holds (`self.items.len()`, a handle its own arena gave
    /// back, a `+= 1` counter): accumulators, group-by tables, dedupe indexes
    /// and declaration tables. (An id stored after the fn did work with the
    /// key, handing it to a call that does more than hold it, `Rc::from(k)`,
    /// or store it, `self.names.push(k)`, names that work's result: `let id
    /// = self.next_id; self.next_id += 1; self.send(Parse { id, sql });
    /// self.ids.insert(sql, id)` is a memo of the statement prepared.) So are a value fixed before the fn's first
    /// lookup (a first-seen table: `match seen.get(&k) { None =>
    /// seen.insert(k, flag), .. }`), one computed from what was looked up (a
    /// counter written on a hit and a miss alike: `let n =
    /// map.get(&k).copied().unwrap_or(0) + 1; map.insert(k, n)`), and a
    /// tuple, array, struct or variant made only of such values
    /// (`or_insert((None, desc))`).
    ///
    /// Not reported either: an insert behind a `len()` check (`if map.len()
    /// < MAX { map.insert(..) }`); keys from a closed set (literals,
    /// constants, enum variants, `TypeId`s, fn pointers, `Location::caller()`,
    /// `file!()`/`line!()`, `format!` of those, a `match` whose arms are
    /// literals, a loop over an array of literals, the parameter (or its
    /// address, `name.as_ptr() as usize`) of a private fn or a `&'static`
    /// parameter of any fn whose callers in scope all pass literals); a map
    /// whose key type is a type parameter of its owner and whose values come
    /// from the caller, as such or made by a closure or fn it passes (`fn
    /// get_or_insert_with(&mut self, k: K, make: impl FnOnce(&K) -> V)`: a
    /// general-purpose map, cache or interner offered to users, whose leaks
    /// are up to them; an owner that makes the values itself on a miss,
    /// `entry(k).or_insert_with(|| self.ctor.make())`, is reported); and a memo
    /// whose owner lives for one call: built in a fn into a local that is
    /// only borrowed or has methods called on it, never stored, returned or
    /// moved into a closure (or into a type that lives for one call itself),
    /// a type declared inside a fn, or a builder consumed by value into its
    /// one result (`fn finish(self) -> Output`). A memo behind a cell or lock
    /// (reached through `&self`), in a static, or in a type held by another
    /// type or a static is taken to live long, and so is an owner the scope
    /// never builds.
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
    /// A static memo table gets this lint and not `unbounded_static` as well;
    /// a static that only grows and that this lint does not report (not a
    /// memo) gets `unbounded_static`.
    ///
    /// ### Known problems
    /// - Fields are matched by name where the owner's type is not known:
    ///   `x.cache` on a value that is not `self` (nor a static's struct) counts
    ///   for every analysed type with a map field called `cache`, and an
    ///   eviction through it counts for all of them.
    /// - Eviction is any `remove`/`retain`/`clear`/... anywhere in scope, even on
    ///   a path that never runs or on an unrelated event, except an emptying
    ///   of the whole map in a fn named for shutting down (`shutdown`,
    ///   `teardown`, `atexit`), which comes after all the growth, or in a
    ///   method that changes what the memo is computed from (one that returns
    ///   `&mut self.db` or sets `self.locale = locale`): that is invalidation,
    ///   which does not bound the map between changes. A method that changes
    ///   the inputs some other way (`self.db.load(path)`) is taken for
    ///   eviction. Code outside the scope (another crate,
    ///   a file not analysed) is not seen, and a map handed to a function by
    ///   `&mut` is assumed to be evicted there.
    /// - Keys are compared as written, through `&`, `*`, conversions such as
    ///   `to_owned()` and a local bound to the key: a lookup and an insert
    ///   that spell one key two ways (`get(&(a, b))`, `insert(key, ..)` with
    ///   `key` built by a helper) are not paired.
    /// - A memo whose result is stored elsewhere and never read in the fn
    ///   that fills it is not seen; a map of state filled with given values
    ///   is not a memo here, and in a static `unbounded_static` reports it.
    /// - How long an owner lives is read from the scope only: an owner built
    ///   by users of a library is taken to live long; one built into a local
    ///   and then handed away through a path the analysis does not follow
    ///   (a method returning `self`) is taken to live for one call.
    /// - Work with the key is any call that is handed it after the fn's first
    ///   lookup, except a holder's constructor (`Rc`, `Box`, `String`, a
    ///   variant) and a collection's own grow, lookup or removal: an id
    ///   index whose miss also logs the key (`self.log(name)`) is taken for a
    ///   memo.
    /// - Whether a generic-keyed owner makes its values itself is read from
    ///   the fill's signature only: a fn that takes any closure or fn
    ///   parameter is taken to get its values from its caller.
    /// - A key type from another crate is not known to be closed: a map keyed
    ///   by a foreign fieldless enum (`Option<CursorIcon>`) is reported.
    /// - `#[cached(ty = "..")]` with a cache type other than `UnboundCache` or
    ///   a std map is taken to be bounded.
    /// - An attribute whose path names no crate (`#[memoize]` with no `use`
    ///   of it in the module, as after a glob import `use other::*;`) is
    ///   taken for the `memoize` or `cached` crate's.
    /// - A memo that computes its value before it looks the key up (on a hit
    ///   too) is taken for a table of values it was given: nothing is saved
    ///   by it, but it grows the same. A value computed from a lookup of any
    ///   map or static of the scope (`render(k, self.settings.get("x"))`),
    ///   not only of the memo's own, is taken for an update of what was
    ///   looked up, as a counter's is.
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
        let Some(subject) = unevicted_memo(cx.scope, &uses) else { continue };
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
            let field_name = name.to_string();
            let uses = scope.uses_of_field(id, &field_name);
            // A general-purpose map, cache or interner offered to users: the
            // keys are theirs, and so are the values (or the fn that makes
            // them) and the decision to evict. An owner that makes the values
            // itself on a miss memoizes for its own ends.
            if found.keyed_by_param && !makes_its_own_values(scope, &uses) {
                continue;
            }
            let Some(subject) = unevicted_memo(cx.scope, &uses) else { continue };
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

/// Whether some fill of a memo in `uses` computes its value without its
/// caller's help: the fn that fills it takes no callable parameter (`make:
/// impl FnOnce(&K) -> V`) to make the value with.
fn makes_its_own_values(scope: &Scope<'_>, uses: &[&Use]) -> bool {
    uses.iter().any(|u| {
        u.grow().is_some_and(|grow| grow.memo && grow.bound.is_none()) && !takes_callable(scope.fns[u.fn_id].sig)
    })
}

/// Whether a fn takes a parameter that is a fn or closure: `impl Fn*`, `&dyn
/// Fn*`, a `fn(..)` pointer, or a type parameter bounded by `Fn*`.
fn takes_callable(sig: &syn::Signature) -> bool {
    let is_fn_bound = |bound: &syn::TypeParamBound| {
        matches!(bound, syn::TypeParamBound::Trait(bound)
            if bound.path.segments.last().is_some_and(|last| matches!(last.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce")))
    };
    let fn_params: Vec<String> = sig
        .generics
        .type_params()
        .filter(|param| param.bounds.iter().any(is_fn_bound))
        .map(|param| param.ident.to_string())
        .chain(sig.generics.where_clause.iter().flat_map(|clause| &clause.predicates).filter_map(|predicate| {
            match predicate {
                syn::WherePredicate::Type(typed) if typed.bounds.iter().any(is_fn_bound) => {
                    Some(typed.bounded_ty.to_token_stream().to_string())
                }
                _ => None,
            }
        }))
        .collect();
    let callable = |mut ty: &syn::Type| loop {
        ty = match crate::types::peel(ty) {
            syn::Type::Reference(reference) => &reference.elem,
            syn::Type::ImplTrait(bounds) => return bounds.bounds.iter().any(is_fn_bound),
            syn::Type::TraitObject(bounds) => return bounds.bounds.iter().any(is_fn_bound),
            syn::Type::FnPtr(_) => return true,
            syn::Type::Path(path) => return fn_params.contains(&path.to_token_stream().to_string()),
            _ => return false,
        }
    };
    sig.inputs.iter().any(|input| matches!(input, syn::FnArg::Typed(typed) if callable(&typed.ty)))
}

/// A map that is not a known bounded cache.
fn memo_map<'a>(scope: &Scope<'a>, place: Place<'_>, ty: &'a syn::Type, config: &Config) -> Option<Collection> {
    classify::find(scope, place, ty, &config.bounded_cache_types)
        .filter(|found| found.is_map && !found.bounded && !found.closed_keys)
}

/// Whether this lint reports the collection `found` with `uses` as a memo
/// table that is never evicted: `unbounded_static` leaves those to it, and
/// reports every other static that only grows.
pub(crate) fn reports(scope: &Scope<'_>, found: &Collection, uses: &[&Use]) -> bool {
    found.is_map && !found.bounded && !found.closed_keys && unevicted_memo(scope, uses).is_some()
}

/// The first memo use, when there are memo uses and no eviction.
fn unevicted_memo<'u>(scope: &Scope<'_>, uses: &[&'u Use]) -> Option<&'u Use> {
    if uses.iter().any(|u| u.bounds(scope)) {
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
    let mut finding = cx.report(location, message).labels(labels).note(note);
    if let Some(late) = uses::late_emptying_note(scope, uses) {
        finding = finding.note(late);
    }
    finding.help(HELP).anchor(settings).emit();
}

fn check_memo_attributes(cx: &mut Cx<'_, '_>) {
    for def in &cx.scope.fns {
        for attr in def.attrs {
            let Some(last) = attr.path().segments.last() else { continue };
            // Whose attribute it is, by its path and the module's `use`
            // declarations (renames included): another crate's `memoize`
            // (comemo's, evicted by age) or the crate's own is not the
            // unbounded one.
            let path = cx.scope.expand_path(attr.path(), &def.module);
            let name = path.last().cloned().unwrap_or_default();
            if !matches!(name.as_str(), "cached" | "memoize")
                || (path.len() > 1 && !matches!(path[0].as_str(), "cached" | "memoize"))
            {
                continue;
            }
            let tokens = match &attr.meta {
                syn::Meta::List(list) => list.tokens.to_string(),
                _ => String::new(),
            };
            if is_bounded_memo_attribute(&name, &tokens) || !has_key_params(def.sig, &tokens) {
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

/// The words of an attribute's arguments.
fn words(tokens: &str) -> Vec<&str> {
    tokens.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|word| !word.is_empty()).collect()
}

/// Whether the generated cache is keyed by something that varies: a typed
/// parameter that the attribute does not leave out of the key (`Ignore:
/// name`), or a key or conversion of its own (`key = ".."`, `convert =
/// ".."`). A fn without one keeps one result at most.
fn has_key_params(sig: &syn::Signature, tokens: &str) -> bool {
    let words = words(tokens);
    if words.iter().any(|word| matches!(*word, "key" | "convert")) {
        return true;
    }
    let ignored: Vec<&str> = words.windows(2).filter(|pair| pair[0] == "Ignore").map(|pair| pair[1]).collect();
    sig.inputs.iter().any(|input| match input {
        syn::FnArg::Typed(typed) => match &*typed.pat {
            syn::Pat::Ident(ident) => !ignored.contains(&ident.ident.to_string().as_str()),
            _ => true,
        },
        syn::FnArg::Receiver(_) => true,
    })
}

fn is_bounded_memo_attribute(name: &str, tokens: &str) -> bool {
    let words = words(tokens);
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
