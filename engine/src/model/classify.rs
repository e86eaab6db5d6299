//! The one walk over types: what a type holds, and how.
//!
//! [`Walker`] goes through a field's or a static's type layer by layer. It
//! classifies each type constructor once ([`Ctor`]: a strong or weak pointer,
//! a cell, a lazy wrapper, an owning wrapper, a collection, a bounded cache, a
//! non-owning marker), expands aliases and enters generic types of the scope
//! with their parameters bound to the arguments they were given (one
//! substitution, by frames), resolves the paths it meets to the types of the
//! scope, and reaches the implementors of a trait of the scope through a
//! trait object. At each layer it tells a [`TypeVisitor`] what it met and the
//! [`State`] of the layers above it, and the visitor says whether to go on
//! inside.
//!
//! The analyses are visitors of that walk: the edges of the
//! [type graph](crate::graph), the growable collection behind a
//! static or field ([`find`]), the struct a static holds ([`held_struct`]),
//! whether a key type has a few values only ([`closed_type`]) and the names
//! that messages quote ([`first_ctor`]).

use std::collections::HashMap;

use syn::Type;

use super::names::Resolved;
use super::Scope;
use crate::finding::FileId;
use crate::symbol::{self, is};
use crate::types;

/// What a type constructor is to the analyses, by its name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ctor {
    /// `Rc`, `Arc`, `ArcSwap`: keeps its target alive, shared.
    pub(crate) strong: bool,
    /// `Weak`: never keeps its target alive.
    pub(crate) weak: bool,
    /// `RefCell`, `Mutex`, `OnceCell`, ...: what is inside can be replaced
    /// through a shared reference.
    pub(crate) cell: bool,
    /// `LazyLock`, `OnceLock`, ...: initialised once, then handed out by `&`.
    pub(crate) lazy: bool,
    /// `Box`, `Option`, `Pin`, ...: owns one value and does not change what it is.
    pub(crate) wrapper: bool,
    /// `Vec`, `HashMap`, ...: a collection that grows without limit.
    pub(crate) collection: bool,
    /// A keyed collection (a map or a set).
    pub(crate) keyed: bool,
    /// A map: keys with values.
    pub(crate) map: bool,
    /// Safe to grow through a shared reference on its own (`DashMap`).
    pub(crate) concurrent: bool,
    /// `LruCache`, moka's `Cache`, ...: a cache that bounds itself.
    pub(crate) bounded_cache: bool,
    /// `PhantomData`, `NonNull`: names a type without owning it.
    pub(crate) non_owning: bool,
}

impl Ctor {
    /// The classification of the constructor `name`; `extra_bounded` are
    /// more names of caches that bound themselves.
    pub(crate) fn of(name: &str, extra_bounded: &[String]) -> Ctor {
        let bounded_cache = is(symbol::BOUNDED_CACHES, name) || extra_bounded.iter().any(|extra| extra == name);
        Ctor {
            strong: is(symbol::STRONG_POINTERS, name),
            weak: is(symbol::WEAK_POINTERS, name),
            cell: is(symbol::INTERIOR_MUTABILITY, name),
            lazy: is(symbol::LAZY_WRAPPERS, name),
            wrapper: is(symbol::OWNING_WRAPPERS, name),
            collection: !bounded_cache && is(symbol::GROWABLE, name),
            keyed: is(symbol::MAPS, name) || is(symbol::SETS, name),
            map: is(symbol::MAPS, name),
            concurrent: is(symbol::CONCURRENT, name),
            bounded_cache,
            non_owning: is(symbol::NON_OWNING, name),
        }
    }

    /// Something a collection or a struct can sit in without changing what
    /// it is: a cell, a lock, a lazy wrapper or an owning pointer.
    pub(crate) fn is_wrapper(self) -> bool {
        self.cell || self.lazy || self.wrapper || self.strong
    }

    /// One of the constructors the analyses know what to make of.
    pub(crate) fn is_known(self) -> bool {
        self.is_wrapper() || self.weak || self.collection || self.bounded_cache || self.non_owning
    }
}

/// What the layers above a point of the walk make of what is below it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct State {
    /// Behind a strong pointer.
    pub(crate) strong: bool,
    /// Behind a weak pointer.
    pub(crate) weak: bool,
    /// Behind a cell: replaceable after construction.
    pub(crate) mutable: bool,
    /// Behind a cell inside a strong pointer (`Rc<RefCell<T>>`): replaceable
    /// through any handle to that pointer, not only through the field.
    pub(crate) shared_cell: bool,
    /// In a collection (many values, not one).
    pub(crate) collection: bool,
    /// Inside the fields of a generic type of the scope, and not reached
    /// through one of its parameters: what is here belongs to that type.
    pub(crate) inside_generic: bool,
}

/// What the walk met at one layer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Seen<'t, 'a> {
    /// A type of the scope, and whether it was given type arguments that its
    /// fields can be walked with.
    Local { id: usize, generic_args: bool },
    /// Any other path type: its name where it is defined (after a renaming
    /// import), classified, its type arguments, and whether its path or an
    /// import says it comes from std or another crate.
    Ctor { name: &'t str, ctor: Ctor, args: &'t [&'a Type], elsewhere: bool },
    /// An array or a slice.
    Sequence,
    /// A tuple of `len` elements.
    Tuple { len: usize },
    /// A reference.
    Reference,
    /// Something callable that can capture values: `dyn Fn*`, `impl Fn*`.
    Callable,
}

/// What an analysis does with the layers of a type.
pub(crate) trait TypeVisitor<'a> {
    /// Called at each layer with the state above it; returns whether the walk
    /// goes on inside (into the type arguments of a constructor, the fields
    /// of a type of the scope, the elements of a sequence or tuple, the
    /// target of a reference).
    fn visit(&mut self, seen: Seen<'_, 'a>, state: State) -> bool;
}

impl<'a, F: FnMut(Seen<'_, 'a>, State) -> bool> TypeVisitor<'a> for F {
    fn visit(&mut self, seen: Seen<'_, 'a>, state: State) -> bool {
        self(seen, state)
    }
}

/// How deep a walk goes: types are finite, but aliases and generic types of
/// invalid code need not be.
const MAX_DEPTH: usize = 8;

/// Where a type is written: its paths resolve from there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Place<'p> {
    pub(crate) module: &'p [String],
    pub(crate) file: FileId,
    /// The type `Self` stands for.
    pub(crate) self_type: Option<usize>,
}

impl<'p> Place<'p> {
    /// Inside the definition of type `id` of `scope`.
    pub(crate) fn of_type(scope: &'p Scope<'_>, id: usize) -> Self {
        let def = &scope.types[id];
        Place { module: &def.module, file: def.file, self_type: Some(id) }
    }

    /// At the declaration of static `id` of `scope`.
    pub(crate) fn of_static(scope: &'p Scope<'_>, id: usize) -> Self {
        let def = &scope.statics[id];
        Place { module: &def.module, file: def.file, self_type: None }
    }
}

struct Frame<'s, 'a> {
    params: HashMap<String, (&'a Type, usize)>,
    self_type: Option<usize>,
    /// Where the types walked in this frame are written.
    module: &'s [String],
    file: FileId,
}

/// The walk itself; see the module docs.
pub(crate) struct Walker<'s, 'a, V> {
    scope: &'s Scope<'a>,
    extra_bounded: &'s [String],
    frames: Vec<Frame<'s, 'a>>,
    /// The generic types of the scope being entered on the current path: a
    /// type met again inside itself (`enum Tree<T> { Node(Box<Tree<T>>) }`)
    /// is not entered again, or each of its fields would multiply the walk.
    entering: Vec<usize>,
    visitor: V,
}

impl<'s, 'a, V: TypeVisitor<'a>> Walker<'s, 'a, V> {
    /// Walks `ty`, written at `place`, with `visitor`.
    pub(crate) fn walk(scope: &'s Scope<'a>, place: Place<'s>, extra_bounded: &'s [String], ty: &'a Type, visitor: V) {
        let mut walker = Walker {
            scope,
            extra_bounded,
            frames: vec![Frame {
                params: HashMap::new(),
                self_type: place.self_type,
                module: place.module,
                file: place.file,
            }],
            entering: Vec::new(),
            visitor,
        };
        walker.walk_type(ty, 0, State::default(), 0);
    }

    fn walk_type(&mut self, ty: &'a Type, frame: usize, state: State, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match types::peel(ty) {
            ty @ Type::Path(_) => self.walk_path(ty, frame, state, depth),
            Type::Array(array) if self.visitor.visit(Seen::Sequence, state) => {
                self.walk_type(&array.elem, frame, State { collection: true, ..state }, depth + 1);
            }
            Type::Slice(slice) if self.visitor.visit(Seen::Sequence, state) => {
                self.walk_type(&slice.elem, frame, State { collection: true, ..state }, depth + 1);
            }
            Type::Tuple(tuple) if self.visitor.visit(Seen::Tuple { len: tuple.elems.len() }, state) => {
                for elem in &tuple.elems {
                    self.walk_type(elem, frame, state, depth + 1);
                }
            }
            Type::Reference(reference) if self.visitor.visit(Seen::Reference, state) => {
                self.walk_type(&reference.elem, frame, state, depth + 1);
            }
            // `dyn Observer` for a trait of the scope: any type of the scope
            // that implements it.
            Type::TraitObject(object) => {
                if object.bounds.iter().any(is_fn_bound) {
                    self.visitor.visit(Seen::Callable, state);
                }
                for bound in &object.bounds {
                    let syn::TypeParamBound::Trait(bound) = bound else { continue };
                    for &target in
                        self.scope.implementors(&bound.path, self.frames[frame].module, self.frames[frame].file)
                    {
                        self.visitor.visit(Seen::Local { id: target, generic_args: false }, state);
                    }
                }
            }
            Type::ImplTrait(object) if object.bounds.iter().any(is_fn_bound) => {
                self.visitor.visit(Seen::Callable, state);
            }
            // Raw pointers, other `impl Trait`, fn pointers (which capture
            // nothing) and macros cannot be seen into.
            _ => {}
        }
    }

    fn walk_path(&mut self, ty: &'a Type, frame: usize, state: State, depth: usize) {
        let Some(segment) = types::segment(ty) else { return };
        let Type::Path(path) = ty else { return };
        let name = segment.name.as_str();
        // A generic parameter: walk what it stands for, in its own frame.
        if path.path.segments.len() == 1 {
            if let Some(&(bound, bound_frame)) = self.frames[frame].params.get(name) {
                self.walk_type(bound, bound_frame, State { inside_generic: false, ..state }, depth + 1);
                return;
            }
        }
        if name == "Self" {
            if let Some(id) = self.frames[frame].self_type {
                self.visitor.visit(Seen::Local { id, generic_args: false }, state);
            }
            return;
        }
        let args = segment.args;
        let (module, file) = (self.frames[frame].module, self.frames[frame].file);
        let resolved = self.scope.resolve_path(&path.path, module, file);
        // Pointers, cells, lazy wrappers and markers named without an import
        // or a path are taken for the std ones even where the scope has a
        // type of the same name (a crate's own `Lazy<T>` is a lazy wrapper
        // too), and a cache type the user configured as bounded is one.
        let configured = self.extra_bounded.iter().any(|extra| extra == name);
        let std_like = |ctor: Ctor| ctor.strong || ctor.weak || ctor.cell || ctor.lazy || ctor.non_owning;
        let by_name_only = |explicit: bool| !explicit && (configured || std_like(Ctor::of(name, self.extra_bounded)));
        let (name, elsewhere) = match resolved {
            Resolved::Alias { id, explicit } if !by_name_only(explicit) => {
                let alias = &self.scope.aliases[id];
                let inner =
                    self.enter(alias.generics, &args, frame, self.frames[frame].self_type, (&alias.module, alias.file));
                self.walk_type(alias.ty, inner, state, depth + 1);
                return;
            }
            Resolved::Type { id, explicit } if !by_name_only(explicit) => {
                let def = &self.scope.types[id];
                let generic_args = def.generics.type_params().next().is_some() && !args.is_empty();
                if self.visitor.visit(Seen::Local { id, generic_args }, state) && !self.entering.contains(&id) {
                    let inner = self.enter(def.generics, &args, frame, Some(id), (&def.module, def.file));
                    self.entering.push(id);
                    let fields: Vec<&'a Type> = def.fields.iter().map(|field| field.ty).collect();
                    for field_ty in fields {
                        self.walk_type(field_ty, inner, State { inside_generic: true, ..state }, depth + 1);
                    }
                    self.entering.pop();
                }
                return;
            }
            Resolved::Foreign { name, elsewhere } => (name, elsewhere),
            Resolved::Alias { .. } | Resolved::Type { .. } => (name.to_owned(), false),
        };
        let name = name.as_str();
        let ctor = Ctor::of(name, self.extra_bounded);
        if !self.visitor.visit(Seen::Ctor { name, ctor, args: &args, elsewhere }, state) {
            return;
        }
        let next = if ctor.weak {
            State { weak: true, ..state }
        } else if ctor.strong {
            State {
                strong: true,
                mutable: state.mutable || ctor.cell,
                shared_cell: state.shared_cell || ctor.cell,
                ..state
            }
        } else if ctor.cell {
            State { mutable: true, shared_cell: state.shared_cell || state.strong, ..state }
        } else if ctor.collection || args.len() > 1 {
            State { collection: true, ..state }
        } else {
            state
        };
        for arg in args {
            self.walk_type(arg, frame, next, depth + 1);
        }
    }

    fn enter(
        &mut self,
        generics: &'a syn::Generics,
        args: &[&'a Type],
        outer: usize,
        self_type: Option<usize>,
        (module, file): (&'s [String], FileId),
    ) -> usize {
        let params = generics
            .type_params()
            .zip(args.iter())
            .map(|(param, &arg)| (param.ident.to_string(), (arg, outer)))
            .collect();
        self.frames.push(Frame { params, self_type, module, file });
        self.frames.len() - 1
    }
}

/// `Fn(..)`, `FnMut(..)`, `FnOnce(..)` (maybe with a path), as a bound.
fn is_fn_bound(bound: &syn::TypeParamBound) -> bool {
    matches!(bound, syn::TypeParamBound::Trait(bound)
        if bound.path.segments.last().is_some_and(|last| matches!(last.ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce")))
}

// === the analyses over the walk ===

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
    /// A keyed collection whose key type is a type parameter of the type it is
    /// a field of (`struct Interner<K> { map: HashMap<K, u32> }`): general
    /// storage offered to users, whose keys are theirs.
    pub(crate) keyed_by_param: bool,
}

/// The outermost collection in `ty` (written at `place`), through the
/// wrappers around it (`LazyLock<Mutex<HashMap<..>>>`, `RefCell<Vec<..>>`, ...).
pub(crate) fn find<'a>(
    scope: &Scope<'a>,
    place: Place<'_>,
    ty: &'a Type,
    extra_bounded: &[String],
) -> Option<Collection> {
    find_nested(scope, place, ty, extra_bounded, 0)
}

/// [`find`] inside the elements of a collection `nesting` levels deep:
/// aliases can make a collection its own element (`type C = Rc<Vec<C>>`).
fn find_nested<'a>(
    scope: &Scope<'a>,
    place: Place<'_>,
    ty: &'a Type,
    extra_bounded: &[String],
    nesting: usize,
) -> Option<Collection> {
    if nesting > MAX_DEPTH {
        return None;
    }
    let mut found: Option<(String, Ctor, Vec<&'a Type>, bool)> = None;
    Walker::walk(scope, place, extra_bounded, ty, |seen: Seen<'_, 'a>, state: State| {
        if found.is_some() {
            return false;
        }
        match seen {
            Seen::Ctor { name, ctor, args, .. } if (ctor.bounded_cache || ctor.collection) && !state.inside_generic => {
                found = Some((name.to_owned(), ctor, args.to_vec(), state.mutable));
                false
            }
            Seen::Ctor { ctor, .. } => ctor.is_wrapper(),
            Seen::Local { id, generic_args } => generic_args && is_own_wrapper(scope, id),
            _ => false,
        }
    });
    let (name, ctor, args, mutable) = found?;
    if ctor.bounded_cache {
        return Some(Collection {
            name,
            is_map: true,
            bounded: true,
            closed_keys: false,
            values_grow: false,
            mutable: true,
            keyed_by_param: false,
        });
    }
    let first = args.first().copied();
    let element = if ctor.map { args.get(1).copied() } else { first };
    let values_grow = element.is_some_and(|element| {
        find_nested(scope, place, element, extra_bounded, nesting + 1).is_some_and(|inner| !inner.bounded)
    });
    let keyed_by_param = ctor.keyed
        && first.is_some_and(|key| {
            let Type::Path(path) = types::peel(key) else { return false };
            place.self_type.is_some_and(|owner| {
                scope.types[owner].generics.type_params().any(|param| path.path.is_ident(&param.ident))
            })
        });
    Some(Collection {
        keyed_by_param,
        is_map: ctor.map,
        bounded: false,
        closed_keys: ctor.keyed && first.is_some_and(|key| closed_type(scope, place, key)),
        values_grow,
        mutable: mutable || ctor.cell || ctor.concurrent,
        name,
    })
}

/// Whether type `id` of the scope is the crate's own version of a wrapper the
/// analyses know (`struct RwLock<T>(parking_lot::RwLock<T>)`, a `Lazy<T>`):
/// generic, and named like one. Walks look through it to what its
/// parameter stands for.
fn is_own_wrapper(scope: &Scope<'_>, id: usize) -> bool {
    Ctor::of(&scope.types[id].name.to_string(), &[]).is_wrapper()
}

/// The type of the scope (by index) that static `id` holds by value through
/// wrappers (`OnceLock<Logger>`, `LazyLock<Mutex<Registry>>`), resolved from
/// the static's module, with whether a cell or lock on the way lets it be
/// changed after initialisation (`OnceLock<S>` hands out `&S` only: set
/// once, never changed after).
pub(crate) fn held_struct(scope: &Scope<'_>, id: usize) -> Option<(usize, bool)> {
    let mut found = None;
    let mut mutable = false;
    Walker::walk(scope, Place::of_static(scope, id), &[], &scope.statics[id].ty, |seen: Seen<'_, '_>, _| {
        if found.is_some() {
            return false;
        }
        match seen {
            Seen::Local { id, generic_args } if generic_args && is_own_wrapper(scope, id) => true,
            Seen::Local { id, .. } => {
                found = Some((id, mutable));
                false
            }
            Seen::Ctor { ctor, .. } if ctor.is_wrapper() => {
                mutable = mutable || (ctor.cell && !ctor.lazy);
                true
            }
            _ => false,
        }
    });
    found
}

/// Whether every value of `ty` is one of a few known in advance, so a map
/// keyed by it cannot outgrow them: `bool`, `()`, `TypeId` (one per type of
/// the program), a fn pointer (one per fn), a `Location` (one per call
/// site), a type of the scope with no fields at all (a fieldless enum such
/// as `enum Level { Error, Warn }`, a unit struct), or a tuple or reference
/// of those.
pub(crate) fn closed_type<'a>(scope: &Scope<'a>, place: Place<'_>, ty: &'a Type) -> bool {
    // A fn pointer: one value per fn of the program (the walk does not see
    // into it, so inside a tuple it adds no open leaf).
    if matches!(types::peel(ty), Type::FnPtr(_)) {
        return true;
    }
    // Every leaf the walk reaches must be closed, and there must be one.
    let mut leaves = 0;
    let mut open = false;
    Walker::walk(scope, place, &[], ty, |seen: Seen<'_, 'a>, _| {
        match seen {
            // `()`: one value.
            Seen::Tuple { len: 0 } => leaves += 1,
            Seen::Tuple { .. } | Seen::Reference => return true,
            Seen::Local { id, generic_args } => {
                leaves += 1;
                // Generic types and same-named types elsewhere: all must be closed.
                let named = scope.types_named(&scope.types[id].name.to_string());
                open |= generic_args || named.iter().any(|&other| !scope.types[other].fields.is_empty());
            }
            Seen::Ctor { name, args, .. } => {
                leaves += 1;
                // `&'static Location<'static>`: one per call site.
                open |= !(args.is_empty() && matches!(name, "bool" | "TypeId" | "Location"));
            }
            Seen::Sequence | Seen::Callable => {
                leaves += 1;
                open = true;
            }
        }
        false
    });
    leaves > 0 && !open
}

/// The name of the first constructor in `ty` (written in type `owner`) that
/// `wanted` accepts, looking through aliases and into the fields of types of
/// the scope it names (`Arc` and `Mutex` for `Shared<App>` with `struct
/// Shared<T>(Arc<Mutex<T>>)`): the pointer or cell a message quotes.
pub(crate) fn first_ctor<'a>(
    scope: &Scope<'a>,
    owner: usize,
    ty: &'a Type,
    wanted: impl Fn(Ctor) -> bool,
) -> Option<String> {
    first_ctor_at(scope, Place::of_type(scope, owner), ty, wanted)
}

/// [`first_ctor`] for a type written at `place`.
pub(crate) fn first_ctor_at<'a>(
    scope: &Scope<'a>,
    place: Place<'_>,
    ty: &'a Type,
    wanted: impl Fn(Ctor) -> bool,
) -> Option<String> {
    let mut found = None;
    Walker::walk(scope, place, &[], ty, |seen: Seen<'_, 'a>, state: State| {
        if found.is_some() {
            return false;
        }
        match seen {
            Seen::Ctor { name, ctor, .. } if wanted(ctor) => {
                found = Some(name.to_owned());
                false
            }
            // One level into the types of the scope, as a reader would look.
            Seen::Local { .. } => !state.inside_generic,
            _ => true,
        }
    });
    found
}

/// Whether a clone of a value of type `ty` (written at `place`) shares what
/// it points to with the original: a strong pointer, a handle type of the
/// scope with a strong pointer in a field, or a type of another crate the
/// analysis does not know (toolkit objects are reference-counted handles).
/// A plain struct or a std value is copied.
pub(crate) fn shares<'a>(scope: &Scope<'a>, place: Place<'_>, ty: &'a Type) -> bool {
    let (mut strong, mut unknown) = (false, false);
    Walker::walk(scope, place, &[], ty, |seen: Seen<'_, 'a>, state: State| match seen {
        Seen::Ctor { ctor, .. } if ctor.strong => {
            strong = true;
            false
        }
        Seen::Ctor { ctor, .. } if ctor.is_wrapper() => true,
        Seen::Ctor { ctor, .. } => {
            unknown |= !state.inside_generic && !ctor.is_known();
            false
        }
        Seen::Local { .. } => !state.inside_generic,
        _ => false,
    });
    strong || unknown
}

/// Whether a field of type `owner` with type `ty` holds something callable
/// that can capture values (a closure slot: `Box<dyn Fn()>`,
/// `RefCell<Vec<Rc<dyn Fn(&Event)>>>`, wasm-bindgen's `Closure<dyn FnMut()>`),
/// and the state of the layers above the first one.
pub(crate) fn closure_slot<'a>(scope: &Scope<'a>, owner: usize, ty: &'a Type) -> Option<State> {
    let mut found = None;
    Walker::walk(scope, Place::of_type(scope, owner), &[], ty, |seen: Seen<'_, 'a>, state: State| {
        if found.is_some() {
            return false;
        }
        match seen {
            Seen::Callable if !state.inside_generic && !state.weak => {
                found = Some(state);
                false
            }
            Seen::Ctor { ctor, .. } => !ctor.non_owning && !ctor.weak,
            Seen::Local { generic_args, .. } => generic_args,
            Seen::Sequence | Seen::Tuple { .. } => true,
            _ => false,
        }
    });
    found
}

/// Whether a value of `ty` (written at `place`) owns memory on the heap: a
/// heap collection or `String`, a `Box`, an `Rc`/`Arc` or a `Weak` (each
/// keeps an allocation alive), or a type the walk cannot see into (a type from
/// outside the scope that is not known to own nothing, a generic parameter,
/// `impl Trait`). Primitives, references, raw and fn pointers, markers, lock
/// guards and OS handles own none, and so does a type of the scope none of
/// whose fields does.
pub(crate) fn owns_memory<'a>(scope: &Scope<'a>, place: Place<'_>, ty: &'a Type) -> bool {
    match types::peel(ty) {
        Type::Reference(_) | Type::Ptr(_) | Type::FnPtr(_) | Type::Never(_) => return false,
        Type::Path(_) | Type::Array(_) | Type::Tuple(_) | Type::Slice(_) => {}
        _ => return true,
    }
    let mut owns = false;
    Walker::walk(scope, place, &[], ty, |seen: Seen<'_, 'a>, _| {
        if owns {
            return false;
        }
        match seen {
            // Into the fields of a type of the scope, the elements of an
            // array or tuple.
            Seen::Local { .. } | Seen::Sequence | Seen::Tuple { .. } => true,
            Seen::Reference => false,
            // A closure may own what it captured; the walk cannot see it.
            Seen::Callable => {
                owns = true;
                false
            }
            Seen::Ctor { name, ctor, .. } => {
                if ctor.collection || ctor.bounded_cache || ctor.strong || ctor.weak || name == "Box" {
                    owns = true;
                    false
                } else if ctor.non_owning || is(symbol::OWNS_NO_HEAP, name) || name.ends_with("Guard") {
                    false
                } else if ctor.is_wrapper() {
                    // `Option`, `Mutex`, `Cell`, `ManuallyDrop`: what is inside.
                    true
                } else {
                    // A type the walk cannot see into.
                    owns = true;
                    false
                }
            }
        }
    });
    owns
}

/// Whether a value of the type of the scope `id` owns memory on the heap
/// (see [`owns_memory`]): whether one of its fields does.
pub(crate) fn type_owns_memory(scope: &Scope<'_>, id: usize) -> bool {
    let place = Place::of_type(scope, id);
    scope.types[id].fields.iter().any(|field| owns_memory(scope, place, field.ty))
}
