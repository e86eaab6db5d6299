use crate::finding::{Label, Location};
use crate::lint::declare_lint;
use crate::lints::{cache_without_eviction, Cx};
use crate::model::classify::{self, Collection, Place};
use crate::model::items::StaticKind;
use crate::model::uses::{self, Op, Root, Use};
use crate::model::Scope;

declare_lint! {
    /// ### What it does
    /// Finds growable collections (`Vec`, `VecDeque`, `String`, `HashMap`,
    /// `HashSet`, `BTreeMap`, `BinaryHeap`, `IndexMap`, `DashMap`, ...) held in
    /// statics — a `static` or `static mut`, behind `LazyLock`, `OnceLock`,
    /// once_cell's `Lazy`/`OnceCell`, a `Mutex`/`RwLock` (std, parking_lot, ...),
    /// in `lazy_static!` or in `thread_local!` — that code in scope grows
    /// (`push`, `insert`, `extend`, `entry`, `append`, `push_str`, `+=`,
    /// `write!`, ...) and never shrinks (`remove`, `pop*`, `clear`, `retain`,
    /// `truncate`, `drain`, `take`, `split_off`, `mem::take`, assigning a new
    /// collection). Growth that only happens after a `len()` check is taken as
    /// bounded, and so is an insert whose key is written out in the code (a
    /// literal, a constant, an enum variant, `TypeId::of::<T>()`) or whose key
    /// type has a few values only (`bool`, `TypeId`, a fieldless enum or unit
    /// struct of the scope, tuples of those): such keys are a closed set. Values that
    /// grow inside such a map (`map.entry(key).or_default().push(..)`,
    /// `map.get_mut(&key).unwrap().push(..)`) still count as growth.
    ///
    /// Growth in code that runs once per process (a bin's `fn main`, a
    /// `#[ctor]` fn, a closure given to `Once::call_once`,
    /// `OnceLock::get_or_init` or `LazyLock::new`) is taken as bounded too, and
    /// so is growth once per item of the program: adding a `&'static` item
    /// the fn was given (`&'static dyn Callsite`, `&'static BitmapFont`, but
    /// not a `&'static str`, which `Box::leak` can make at run time) or a fn
    /// pointer, a tuple of those with literals or `&'static` names (`(name,
    /// handler)` per exported fn), or anything added by a fn generic over
    /// types that takes no value (`fn register<P: Plugin>()`). Keys from a
    /// closed set also cover call sites (`Location::caller()`, `file!()`,
    /// `line!()`), fn pointers, `format!` of constants, and a parameter of a
    /// private fn, or a `&'static` parameter of any fn, whose callers in
    /// scope all pass literals.
    ///
    /// Growth is seen through `push`/`insert`/`extend`/`append`/...,
    /// `io::Write` and `fmt::Write` (`write!`, `write_all`, `write_str`), an
    /// accessor fn that returns the static, its guard or a reference to it, a
    /// struct field that was given a reference to the static (`Writer { buf:
    /// &LOG }`), and the `Ref::map`/`MutexGuard::map` projections of a guard.
    ///
    /// A static that holds a struct of the scope (`OnceLock<Logger>`,
    /// `LazyLock<Mutex<Registry>>`) is checked field by field: a collection
    /// field that is grown through the static or by the struct's own methods
    /// and never shrunk is reported at the static.
    ///
    /// A `pub` static that could grow but that nothing in scope touches is
    /// reported too, with a note that its growth is elsewhere, when code
    /// outside the crate can reach it: not in a private module.
    ///
    /// ### Why is this bad?
    /// A static lives until the program exits (a thread-local until its thread
    /// does, and pooled or main threads live that long). Everything added to a
    /// collection in one stays allocated: a module-level list that every request
    /// appends to is the classic slow leak of long-running services.
    ///
    /// ### Example
    /// ```rust,no_run
    /// use std::sync::Mutex;
    ///
    /// static HISTORY: Mutex<Vec<String>> = Mutex::new(Vec::new());
    ///
    /// pub fn handle(request: &str) {
    ///     HISTORY.lock().unwrap().push(request.to_owned());
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,no_run
    /// use std::collections::VecDeque;
    /// use std::sync::Mutex;
    ///
    /// const MAX_HISTORY: usize = 1_000;
    /// static HISTORY: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
    ///
    /// pub fn handle(request: &str) {
    ///     let mut history = HISTORY.lock().unwrap();
    ///     if history.len() == MAX_HISTORY {
    ///         history.pop_front();
    ///     }
    ///     history.push_back(request.to_owned());
    /// }
    /// ```
    ///
    /// Immutable tables (`static NAMES: LazyLock<HashMap<..>>` with no lock
    /// around the map) and atomics are never reported. A static map that
    /// `cache_without_eviction` reports as a memo table is not reported here
    /// as well; every other static that only grows is.
    ///
    /// ### Known problems
    /// - Growth and shrinking are seen only in the analysed scope: a static
    ///   handed to a function (`helper(&mut HISTORY.lock().unwrap())`) or named in a
    ///   macro whose body is not an expression list is assumed to be shrunk there.
    /// - Any `remove`, `pop` or `clear` counts as eviction, even one that only
    ///   runs on an error path, except an emptying of the whole collection
    ///   (`clear`, `drain`, `take`, `= Vec::new()`) in a fn named for shutting
    ///   down (`shutdown_all`, `teardown`, `atexit`, `deinit`): that runs
    ///   when the program ends, after all the growth. A shutdown fn with
    ///   another name is taken for eviction. Test code is not analysed: items
    ///   under `#[test]` (and `#[tokio::test]`-style attributes), `#[cfg(test)]`,
    ///   `#[cfg(any(test, feature = "test-utils"))]` and other features named
    ///   for tests, mocks or fuzzing, and, for `cargo leak-audit`, the files
    ///   of test and bench targets.
    /// - A `len()` check on the collection anywhere in a condition of the same fn
    ///   counts as a bound on the growth in that fn.
    /// - Names are matched without name resolution: a local variable with a
    ///   static's name is taken to be the static.
    /// - Growth inside a map's values is not counted where any code reaches
    ///   the values mutably (`get_mut`, `values_mut`, `iter_mut`): they may be
    ///   emptied there.
    /// - Run-once code is recognised where it is written: a fn called only
    ///   from `main` or from a `call_once` closure is not known to run once.
    /// - For a struct held in a static, growth in the struct's own methods
    ///   counts even when those methods only run while the value is built,
    ///   before it is stored, or on other values of the struct (a shrink on
    ///   any value of the struct counts too); it does not count for a static
    ///   that only test code names and code outside the crate cannot reach.
    /// - A registry is bounded by the program only where the lint can see it
    ///   (a `&'static` item, a fn pointer, a type parameter): one that
    ///   registers a value per compiled-in item in another form (a name and a
    ///   boxed callback per plugin) is reported; allow it with a reason.
    /// - A `pub` static in a private module that is re-exported (`pub use
    ///   imp::REGISTRY`) is taken to be unreachable from outside the crate.
    pub UNBOUNDED_STATIC, unbounded_static, Warn, "growable collections in statics that are only ever grown"
}

/// Reports statics whose collection only grows: the static's own collection,
/// or one in a field of the struct the static holds (`OnceLock<Logger>` whose
/// `Logger` has a `lines: Mutex<Vec<String>>`).
pub(crate) fn check(cx: &mut Cx<'_, '_>) {
    for (id, def) in cx.scope.statics.iter().enumerate() {
        match classify::find(cx.scope, Place::of_static(cx.scope, id), &def.ty, &cx.config.bounded_cache_types) {
            Some(found) => check_own(cx, id, &found),
            None => check_held_struct(cx, id),
        }
    }
}

fn check_own(cx: &mut Cx<'_, '_>, id: usize, found: &Collection) {
    let scope = cx.scope;
    let def = &scope.statics[id];
    let mutable = found.mutable || def.kind == StaticKind::StaticMut;
    if found.bounded || !mutable {
        return;
    }
    let uses: Vec<&Use> = scope.uses_of_static(id).collect();
    if cache_without_eviction::reports(scope, found, &uses) {
        // A memo table: `cache_without_eviction` reports it.
        return;
    }
    if uses.iter().any(|u| u.bounds(scope)) {
        return;
    }
    let values_reached = reaches_values(&uses);
    let grows: Vec<&Use> = uses.iter().copied().filter(|u| is_growth(found, u, values_reached)).collect();
    let name = &def.name;
    let holder = holder(def.kind);
    let (message, labels, notes) = if let Some(first) = grows.first() {
        let fn_name = scope.fns[first.fn_id].name;
        (
            format!(
                "{holder} `{name}` only ever grows: `{}` adds to its `{}` in `{fn_name}` and nothing in scope removes from it",
                first.verb, found.name
            ),
            grow_labels(scope, name, &grows),
            [lifetime_note(def.kind).to_string()].into_iter().chain(uses::late_emptying_note(scope, &uses)).collect(),
        )
    } else if uses.is_empty() && def.reachable {
        (
            format!("public {holder} `{name}` holds a growable `{}` that nothing in scope empties", found.name),
            Vec::new(),
            vec![
                lifetime_note(def.kind).to_string(),
                format!("nothing in the analysed code touches `{name}`: its growth is elsewhere, so check that code also removes what it adds"),
            ],
        )
    } else {
        return;
    };
    report(cx, id, message, labels, notes, help(&found.name));
}

/// A static holding a struct of the scope by value: each collection field of
/// the struct that is grown (through the static or in the struct's own
/// methods) and never shrunk anywhere.
fn check_held_struct(cx: &mut Cx<'_, '_>, id: usize) {
    let scope = cx.scope;
    let def = &scope.statics[id];
    let Some((type_id, through_cell)) = classify::held_struct(scope, id) else { return };
    // A static nothing outside test code names, and that code outside the
    // crate cannot reach, is never grown, whatever its struct's methods do.
    if !def.reachable && scope.uses_of_static(id).next().is_none() {
        return;
    }
    let type_name = scope.types[type_id].name.to_string();
    for field in &scope.types[type_id].fields {
        let Some(field_name) = field.name.map(ToString::to_string) else { continue };
        let place = Place::of_type(scope, type_id);
        let Some(found) = classify::find(scope, place, field.ty, &cx.config.bounded_cache_types) else { continue };
        let mutable = found.mutable || through_cell || def.kind == StaticKind::StaticMut;
        if found.bounded || !mutable {
            continue;
        }
        // Uses of the field on this struct, and, for shrinking, on values
        // whose type is unknown (a shrink anywhere is taken as eviction).
        let uses = scope.uses_of_field(type_id, &field_name);
        if uses.iter().any(|u| u.bounds(scope)) || cache_without_eviction::reports(scope, &found, &uses) {
            continue;
        }
        let values_reached = reaches_values(&uses);
        let grows: Vec<&Use> = uses
            .iter()
            .copied()
            .filter(|u| is_growth(&found, u, values_reached) && matches!(&u.root, Root::Field { owner: Some(_), .. }))
            .collect();
        let Some(first) = grows.first() else { continue };
        let name = &def.name;
        let fn_name = scope.fns[first.fn_id].name;
        let message = format!(
            "{} `{name}` only ever grows: `{}` adds to `{type_name}.{field_name}` (a `{}`) in `{fn_name}` and nothing in scope removes from it",
            holder(def.kind),
            first.verb,
            found.name
        );
        let mut notes = vec![
            lifetime_note(def.kind).to_string(),
            format!("the `{type_name}` in `{name}` is never dropped, so neither is its `{field_name}`"),
        ];
        notes.extend(uses::late_emptying_note(scope, &uses));
        let labels = grow_labels(scope, name, &grows);
        report(cx, id, message, labels, notes, help(&found.name));
    }
}

/// A growth not bounded by a `len()` check or a closed set of keys (a map
/// with closed keys still grows through its values, when those are
/// collections: a `push` on a user type's value is that type's own method,
/// and when no code reaches the values mutably, where it may empty them).
fn is_growth(found: &Collection, u: &Use, values_reached: bool) -> bool {
    u.grow().is_some_and(|grow| {
        grow.bound.is_none() && if grow.in_value { found.values_grow && !values_reached } else { !found.closed_keys }
    })
}

/// Whether some use reaches the collection's values mutably (`get_mut`,
/// `values_mut`, `iter_mut`), which the analysis does not follow further.
fn reaches_values(uses: &[&Use]) -> bool {
    uses.iter().any(|u| matches!(u.op, Op::ValuesMut) || matches!(u.op, Op::Lookup(lookup) if lookup.mutable))
}

fn holder(kind: StaticKind) -> &'static str {
    match kind {
        StaticKind::ThreadLocal => "thread-local",
        StaticKind::LazyStatic => "lazy static",
        StaticKind::Static | StaticKind::StaticMut => "static",
    }
}

fn lifetime_note(kind: StaticKind) -> &'static str {
    match kind {
        StaticKind::ThreadLocal => {
            "a thread-local lives as long as its thread, and the main thread and pooled worker threads live as long as the program: everything added stays allocated"
        }
        _ => "a static lives until the program exits, so everything added to it stays allocated",
    }
}

fn help(collection: &str) -> String {
    format!(
        "bound it (drop the oldest entry once `len()` reaches a limit, or use a ring buffer such as a capped `VecDeque`), empty it when its contents are consumed (`clear`, `drain`, `mem::take`), or keep the `{collection}` in a value with a shorter life"
    )
}

fn grow_labels(scope: &Scope<'_>, name: &syn::Ident, grows: &[&Use]) -> Vec<Label> {
    grows
        .iter()
        .map(|u| Label {
            location: Location { file: scope.fns[u.fn_id].file, span: u.span },
            message: format!("`{name}` grows here"),
        })
        .collect()
}

fn report(cx: &mut Cx<'_, '_>, id: usize, message: String, labels: Vec<Label>, notes: Vec<String>, help: String) {
    let (location, settings) = (cx.scope.static_location(id), cx.scope.statics[id].settings);
    let mut finding = cx.report(location, message).labels(labels).help(help).anchor(settings);
    for note in notes {
        finding = finding.note(note);
    }
    finding.emit();
}
