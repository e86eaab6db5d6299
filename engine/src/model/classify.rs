//! Finding the growable collection a static or field holds, through the
//! wrappers around it (`LazyLock<Mutex<HashMap<..>>>`, `RefCell<Vec<..>>`, ...).

use syn::Type;

use crate::model::Scope;
use crate::symbol::{self, is};
use crate::types;

/// The collection behind a static or field.
#[derive(Clone, Debug)]
pub(crate) struct Collection {
    /// Its type's name, as written (`HashMap`, `Vec`, `DashMap`).
    pub(crate) name: String,
    /// A keyed map: the shape of a memo table.
    pub(crate) is_map: bool,
    /// A cache type known to bound itself (`LruCache`, moka's `Cache`, ...).
    pub(crate) bounded: bool,
    /// A map or set whose key type has a few values only (see
    /// [`closed_type`]): it cannot gain entries past them, though the values
    /// in it can still grow (`HashMap<Level, Vec<String>>`).
    pub(crate) closed_keys: bool,
    /// Its elements (a map's values) are growable collections themselves
    /// (`HashMap<K, Vec<T>>`, `Vec<Vec<T>>`), so growing one grows it.
    pub(crate) values_grow: bool,
    /// Whether it can be changed through a shared reference (a lock or cell on
    /// the way, or a concurrent collection).
    pub(crate) mutable: bool,
}

/// Wrappers the collection can sit in without changing what it is.
const TRANSPARENT: &[&str] = &[
    "Arc",
    "Rc",
    "Box",
    "Option",
    "AssertUnwindSafe",
    "CachePadded",
    "ManuallyDrop",
    "Pin",
    "Exclusive",
    "SyncWrapper",
];

/// A cell, lock, lazy wrapper or owning pointer: what a collection or a
/// struct can sit in without changing what it is.
fn is_wrapper(name: &str) -> bool {
    is(symbol::INTERIOR_MUTABILITY, name) || is(symbol::LAZY_WRAPPERS, name) || is(TRANSPARENT, name)
}

/// The outermost collection in `ty`, if any.
pub(crate) fn find(scope: &Scope<'_>, ty: &Type, extra_bounded: &[String]) -> Option<Collection> {
    walk(scope, ty, extra_bounded, false, 0)
}

fn walk(scope: &Scope<'_>, ty: &Type, extra_bounded: &[String], mutable: bool, depth: usize) -> Option<Collection> {
    if depth > 8 {
        return None;
    }
    let ty = types::peel(ty);
    let segment = types::segment(ty)?;
    let name = segment.name;
    let first = segment.args.first().copied();
    if is(symbol::BOUNDED_CACHES, &name) || extra_bounded.contains(&name) {
        return Some(Collection {
            name,
            is_map: true,
            bounded: true,
            closed_keys: false,
            values_grow: false,
            mutable: true,
        });
    }
    if is(symbol::GROWABLE, &name) {
        let concurrent = is(symbol::CONCURRENT, &name);
        let keyed = is(symbol::MAPS, &name) || is(symbol::SETS, &name);
        let element = if is(symbol::MAPS, &name) { segment.args.get(1) } else { first.as_ref() };
        let values_grow = element.is_some_and(|element| {
            walk(scope, element, extra_bounded, false, depth + 1).is_some_and(|inner| !inner.bounded)
        });
        return Some(Collection {
            is_map: is(symbol::MAPS, &name),
            bounded: false,
            closed_keys: keyed && first.is_some_and(|key| closed_type(scope, key, 0)),
            values_grow,
            mutable: mutable || concurrent,
            name,
        });
    }
    if let Some(alias) = scope.aliases.get(&name) {
        return walk(scope, alias.ty, extra_bounded, mutable, depth + 1);
    }
    let mutable = mutable || is(symbol::INTERIOR_MUTABILITY, &name);
    if is_wrapper(&name) {
        return walk(scope, first?, extra_bounded, mutable, depth + 1);
    }
    None
}

/// The type of the scope (by index) that static `id` holds by value through
/// wrappers (`OnceLock<Logger>`, `LazyLock<Mutex<Registry>>`), resolved from
/// the static's module, with whether a cell or lock on the way lets it be
/// changed after initialisation.
pub(crate) fn held_struct(scope: &Scope<'_>, id: usize) -> Option<(usize, bool)> {
    let def = &scope.statics[id];
    let mut ty: &Type = &def.ty;
    let mut mutable = false;
    for _ in 0..8 {
        let peeled = types::peel(ty);
        let segment = types::segment(peeled)?;
        let name = segment.name;
        if let Type::Path(path) = peeled {
            if let Some(found) = scope.resolve_type(&path.path, &name, &def.module, def.file) {
                return Some((found, mutable));
            }
        }
        if let Some(alias) = scope.aliases.get(&name) {
            ty = alias.ty;
            continue;
        }
        // `OnceLock<S>` hands out `&S` only: set once, never changed after.
        mutable = mutable || (is(symbol::INTERIOR_MUTABILITY, &name) && !is(symbol::LAZY_WRAPPERS, &name));
        if !is_wrapper(&name) {
            return None;
        }
        ty = segment.args.first().copied()?;
    }
    None
}

/// Whether every value of `ty` is one of a few known in advance, so a map
/// keyed by it cannot outgrow them: `bool`, `()`, `TypeId` (one per type of
/// the program), a type of the scope with no
/// fields at all (a fieldless enum such as `enum Level { Error, Warn }`, a
/// unit struct), or a tuple or reference of those.
fn closed_type(scope: &Scope<'_>, ty: &Type, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match types::peel(ty) {
        Type::Tuple(tuple) => tuple.elems.iter().all(|elem| closed_type(scope, elem, depth + 1)),
        Type::Reference(reference) => closed_type(scope, &reference.elem, depth + 1),
        ty => {
            let Some(segment) = types::segment(ty) else { return false };
            // `TypeId`: one per type of the program.
            if segment.name == "bool" || segment.name == "TypeId" {
                return true;
            }
            if let Some(alias) = scope.aliases.get(&segment.name) {
                return closed_type(scope, alias.ty, depth + 1);
            }
            // Generic types and same-named types elsewhere: all must be closed.
            let named = scope.types_named(&segment.name);
            segment.args.is_empty() && !named.is_empty() && named.iter().all(|&id| scope.types[id].fields.is_empty())
        }
    }
}
