//! Which types of the scope a field's type can hold, and how: the walk that
//! builds the edges of the [`TypeGraph`](crate::graph::TypeGraph).
//!
//! The walk looks through every type constructor: std wrappers are classified
//! by [`symbol`] lists, aliases are expanded, and generic types of the scope are
//! entered with their parameters substituted (so `struct Handle<T>(Rc<RefCell<T>>)`
//! makes a field of type `Handle<Node>` a strong, mutable edge to `Node`).
//! A trait object of a trait of the scope reaches every type of the scope that
//! implements it. Types the walk cannot see into (references, raw pointers,
//! other trait objects, associated types) give no edge.

use std::collections::HashMap;

use syn::Type;

use crate::graph::EdgeKind;
use crate::model::Scope;
use crate::symbol::{self, is};
use crate::types;

/// A type of the scope that a field can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Reach {
    /// Index into `Scope::types`.
    pub(crate) target: usize,
    pub(crate) kind: EdgeKind,
    /// Interior mutability on the way: the slot can be refilled after construction.
    pub(crate) mutable: bool,
    /// A collection on the way (`Vec<Rc<T>>`): many targets, not one pointer.
    pub(crate) collection: bool,
}

#[derive(Clone, Copy, Default)]
struct State {
    strong: bool,
    weak: bool,
    mutable: bool,
    collection: bool,
    /// Inside the fields of a generic type entered for substitution: only what
    /// comes through its parameters belongs to the outer field.
    inside_generic: bool,
}

/// Generic parameters bound to the types they stand for, each with the frame
/// that type must be read in.
struct Frame<'a> {
    params: HashMap<String, (&'a Type, usize)>,
    self_type: Option<usize>,
}

const MAX_DEPTH: usize = 8;

/// Everything the type `ty` of a field of type `owner` can hold.
pub(crate) fn reaches<'a>(scope: &Scope<'a>, owner: usize, ty: &'a Type) -> Vec<Reach> {
    let mut walker = Walker {
        scope,
        frames: vec![Frame { params: HashMap::new(), self_type: Some(owner) }],
        out: Vec::new(),
        file: scope.types[owner].file,
        owner,
    };
    walker.walk(ty, 0, State::default(), 0);
    walker.out
}

struct Walker<'s, 'a> {
    scope: &'s Scope<'a>,
    frames: Vec<Frame<'a>>,
    out: Vec<Reach>,
    file: crate::FileId,
    /// The type whose field is walked: names resolve from its module.
    owner: usize,
}

impl<'a> Walker<'_, 'a> {
    fn record(&mut self, target: usize, state: State) {
        if state.inside_generic {
            return;
        }
        let kind = if state.weak {
            EdgeKind::Weak
        } else if state.strong {
            EdgeKind::Strong
        } else {
            EdgeKind::Owns
        };
        let reach = Reach { target, kind, mutable: state.mutable, collection: state.collection };
        if !self.out.contains(&reach) {
            self.out.push(reach);
        }
    }

    /// The type definition a path names. Without name resolution, the best
    /// guess among the types of that name: the one whose module matches the
    /// path's qualifier (`b` in `super::b::Elem`), then the one declared
    /// closest to the field (same module, then the longest shared module
    /// prefix), then one in the same file.
    fn resolve(&self, path: &syn::Path, name: &str) -> Option<usize> {
        let owner = &self.scope.types[self.owner];
        self.scope.resolve_type(path, name, &owner.module, self.file)
    }

    fn walk(&mut self, ty: &'a Type, frame: usize, state: State, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match types::peel(ty) {
            Type::Path(_) => self.walk_path(types::peel(ty), frame, state, depth),
            Type::Array(array) => self.walk(&array.elem, frame, State { collection: true, ..state }, depth + 1),
            Type::Slice(slice) => self.walk(&slice.elem, frame, State { collection: true, ..state }, depth + 1),
            Type::Tuple(tuple) => {
                for elem in &tuple.elems {
                    self.walk(elem, frame, state, depth + 1);
                }
            }
            // `dyn Observer` for a trait of the scope: any type of the scope
            // that implements it.
            Type::TraitObject(object) => {
                for bound in &object.bounds {
                    let syn::TypeParamBound::Trait(bound) = bound else { continue };
                    let owner = &self.scope.types[self.owner];
                    for &target in self.scope.implementors(&bound.path, &owner.module, self.file) {
                        self.record(target, state);
                    }
                }
            }
            // References and raw pointers borrow; `impl Trait`, fn pointers
            // and macros cannot be seen into.
            _ => {}
        }
    }

    fn walk_path(&mut self, ty: &'a Type, frame: usize, state: State, depth: usize) {
        let Some(segment) = types::segment(ty) else { return };
        let name = segment.name.as_str();
        let Type::Path(path) = ty else { return };

        // A generic parameter: walk what it stands for, in its own frame.
        if path.path.segments.len() == 1 {
            if let Some(&(bound, bound_frame)) = self.frames[frame].params.get(name) {
                let state = State { inside_generic: false, ..state };
                self.walk(bound, bound_frame, state, depth + 1);
                return;
            }
        }
        if name == "Self" {
            if let Some(target) = self.frames[frame].self_type {
                self.record(target, state);
            }
            return;
        }
        let args = segment.args;
        let next = if is(symbol::WEAK_POINTERS, name) {
            State { weak: true, ..state }
        } else if is(symbol::STRONG_POINTERS, name) {
            let mutable = state.mutable || is(symbol::INTERIOR_MUTABILITY, name);
            State { strong: true, mutable, ..state }
        } else if is(symbol::INTERIOR_MUTABILITY, name) {
            State { mutable: true, ..state }
        } else if is(symbol::NON_OWNING, name) {
            return;
        } else if let Some(alias) = self.scope.aliases.get(name) {
            let inner = self.enter(alias.generics, &args, frame, self.frames[frame].self_type);
            self.walk(alias.ty, inner, state, depth + 1);
            return;
        } else if let Some(target) = self.resolve(&path.path, name) {
            self.record(target, state);
            let def = &self.scope.types[target];
            if def.generics.type_params().next().is_none() || args.is_empty() {
                return;
            }
            let inner = self.enter(def.generics, &args, frame, Some(target));
            let fields: Vec<&'a Type> = def.fields.iter().map(|field| field.ty).collect();
            for field_ty in fields {
                self.walk(field_ty, inner, State { inside_generic: true, ..state }, depth + 1);
            }
            return;
        } else if is(symbol::GROWABLE, name) || args.len() > 1 {
            State { collection: true, ..state }
        } else {
            state
        };
        for arg in args {
            self.walk(arg, frame, next, depth + 1);
        }
    }

    /// A frame binding `generics`' type parameters to `args` (read in `outer`).
    fn enter(
        &mut self,
        generics: &'a syn::Generics,
        args: &[&'a Type],
        outer: usize,
        self_type: Option<usize>,
    ) -> usize {
        let params = generics
            .type_params()
            .zip(args.iter())
            .map(|(param, &arg)| (param.ident.to_string(), (arg, outer)))
            .collect();
        self.frames.push(Frame { params, self_type });
        self.frames.len() - 1
    }
}
