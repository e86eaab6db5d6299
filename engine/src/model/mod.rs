//! The borrowed model of an analysed scope, built in passes with one job each:
//!
//! 1. `items`: collect the type definitions and their fields, aliases,
//!    statics (including the tokens of `thread_local!` and `lazy_static!`),
//!    traits and fn bodies, with the `#[leak_audit(..)]` `settings` in
//!    force at each;
//! 2. `names`: index them by name and resolve the paths written in the
//!    scope to them;
//! 3. `uses`: walk every fn body once and record each place a static or a
//!    field is grown, shrunk, looked up or handed elsewhere, as a typed
//!    operation;
//! 4. `flows`: record each closure stored in a slot (a field, a cell, a
//!    callback registered on a receiver) and the variables it captures.
//!
//! `cells` says, on demand, which fields the code may write after their value
//! is built (a link set once in a struct literal cannot close a cycle).
//!
//! `classify` is the one walk over types that says what a type holds and
//! how (owned, strong, weak, behind a cell, in a collection); the passes, the
//! [type graph](crate::graph) and the lints all use it. Everything keeps the
//! span of the user's tokens, so findings point at the user's code.

use std::collections::HashMap;

pub(crate) mod cells;
pub(crate) mod classify;
pub(crate) mod flows;
pub(crate) mod items;
pub(crate) mod names;
pub(crate) mod repeat;
pub(crate) mod settings;
pub(crate) mod uses;

pub use settings::SettingsId;

use crate::finding::FileId;
use crate::lint::Lint;
use crate::source::Source;
use items::{Alias, FnDef, StaticDef, TypeDef};
use names::Names;
use settings::Settings;
use uses::{Root, Use};

/// The analysed scope.
#[derive(Debug)]
pub struct Scope<'a> {
    pub(crate) types: Vec<TypeDef<'a>>,
    pub(crate) aliases: Vec<Alias<'a>>,
    pub(crate) statics: Vec<StaticDef<'a>>,
    pub(crate) fns: Vec<FnDef<'a>>,
    pub(crate) uses: Vec<Use>,
    pub(crate) settings: Settings,
    pub(crate) errors: Vec<(FileId, syn::Error)>,
    names: Names,
    uses_by_static: HashMap<usize, Vec<usize>>,
    /// Indices into `uses` by (field name, owner type or `None` when unknown).
    uses_by_field: HashMap<(String, Option<usize>), Vec<usize>>,
    /// The closures stored in slots, with what they capture.
    pub(crate) stores: Vec<flows::Store>,
    /// The values written into fields after construction.
    pub(crate) writes: Vec<flows::FieldWrite<'a>>,
}

impl<'a> Scope<'a> {
    /// Builds the model of `sources`, whose `#[leak_audit(..)]` attributes
    /// name lints of `lints`.
    pub(crate) fn build(sources: &[Source<'a>], lints: &'static [&'static Lint], registrars: &[String]) -> Scope<'a> {
        let mut items = items::collect(sources, lints);
        let names = Names::build(&mut items);
        let mut scope = Scope {
            types: items.types,
            aliases: items.aliases,
            statics: items.statics,
            fns: items.fns,
            uses: Vec::new(),
            settings: items.settings,
            errors: items.errors,
            names,
            uses_by_static: HashMap::new(),
            uses_by_field: HashMap::new(),
            stores: Vec::new(),
            writes: Vec::new(),
        };
        scope.uses = uses::collect(&scope);
        let registrars: Vec<String> =
            flows::CALLBACK_REGISTRARS.iter().map(ToString::to_string).chain(registrars.iter().cloned()).collect();
        (scope.stores, scope.writes) = flows::collect(&scope, &registrars);
        for (index, found) in scope.uses.iter().enumerate() {
            match &found.root {
                Root::Static(id) => scope.uses_by_static.entry(*id).or_default().push(index),
                Root::Field { owner, name } => {
                    scope.uses_by_field.entry((name.clone(), *owner)).or_default().push(index);
                }
            }
        }
        scope
    }

    /// The uses of static `id`.
    pub(crate) fn uses_of_static(&self, id: usize) -> impl Iterator<Item = &Use> {
        self.uses_by_static.get(&id).into_iter().flatten().map(|&index| &self.uses[index])
    }

    /// The uses of field `field` of type `owner`: through that type, or
    /// through a value whose type is not known, in the order of `uses`.
    pub(crate) fn uses_of_field(&self, owner: usize, field: &str) -> Vec<&Use> {
        let list =
            |owner: Option<usize>| self.uses_by_field.get(&(field.to_owned(), owner)).map_or(&[][..], Vec::as_slice);
        let mut indices = [list(Some(owner)), list(None)].concat();
        indices.sort_unstable();
        indices.into_iter().map(|index| &self.uses[index]).collect()
    }
}
