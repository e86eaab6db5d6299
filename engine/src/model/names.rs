//! Pass 2: name resolution.
//!
//! Indexes the types, statics and traits of the scope by name, and answers
//! which definition a path written somewhere in the scope names: the only one
//! of its name, or the best of several by the path's qualifier and the module
//! and file it is written in. It also records which types of the scope
//! implement which traits of the scope (for trait objects).

use std::collections::HashMap;

use syn::Ident;

use super::items::{Items, TypeDef};
use super::Scope;
use crate::finding::{FileId, Location};

/// What a path written in the scope names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A type of the scope; `explicit` when an import or a qualified path
    /// says so, not only its name.
    Type { id: usize, explicit: bool },
    /// A `type` alias of the scope, likewise.
    Alias { id: usize, explicit: bool },
    /// Something the scope does not define, by the name it has where it is
    /// defined (`Rc` for `Shared` after `use std::rc::Rc as Shared;`);
    /// `elsewhere` when the path or an import says it is from std or another
    /// crate, not only that no type of the scope has its name.
    Foreign { name: String, elsewhere: bool },
}

/// Where a `use` declaration is (its module) and the path it names.
type ImportedAs = (Vec<String>, Vec<String>);

/// The name indexes of a scope.
#[derive(Debug, Default)]
pub(crate) struct Names {
    type_index: HashMap<String, Vec<usize>>,
    alias_index: HashMap<String, Vec<usize>>,
    /// `use` declarations: name to the (module, path it stands for) pairs.
    imports: HashMap<String, Vec<ImportedAs>>,
    /// Names of the modules of the scope.
    modules: std::collections::HashSet<String>,
    static_index: HashMap<String, Vec<usize>>,
    /// Traits defined in the scope: name, and where (module, file).
    traits: Vec<(String, Vec<String>, FileId)>,
    trait_index: HashMap<String, Vec<usize>>,
    /// The types of the scope implementing each trait of the scope (by index).
    trait_impls: HashMap<usize, Vec<usize>>,
}

impl Names {
    /// Indexes the items of pass 1.
    pub(crate) fn build(items: &mut Items<'_>) -> Names {
        let mut names = Names {
            traits: std::mem::take(&mut items.traits),
            modules: std::mem::take(&mut items.modules),
            ..Names::default()
        };
        for (index, alias) in items.aliases.iter().enumerate() {
            names.alias_index.entry(alias.name.to_string()).or_default().push(index);
        }
        for import in std::mem::take(&mut items.imports) {
            names.imports.entry(import.name).or_default().push((import.module, import.path));
        }
        for (index, def) in items.types.iter().enumerate() {
            names.type_index.entry(def.name.to_string()).or_default().push(index);
        }
        for (index, def) in items.statics.iter().enumerate() {
            names.static_index.entry(def.name.to_string()).or_default().push(index);
        }
        for (index, (name, _, _)) in names.traits.iter().enumerate() {
            names.trait_index.entry(name.clone()).or_default().push(index);
        }
        for (trait_path, path, module, file) in std::mem::take(&mut items.impl_paths) {
            let (Some(trait_id), Some(last)) = (names.resolve_trait(trait_path, &module, file), path.segments.last())
            else {
                continue;
            };
            if let Some(target) = names.resolve_type(&items.types, path, &last.ident.to_string(), &module, file) {
                names.trait_impls.entry(trait_id).or_default().push(target);
            }
        }
        names
    }

    fn resolve_trait(&self, path: &syn::Path, here: &[String], file: FileId) -> Option<usize> {
        let name = path.segments.last()?.ident.to_string();
        let candidates = self.trait_index.get(&name).map_or(&[][..], Vec::as_slice);
        best_candidate(candidates, path, here, file, |index| (&self.traits[index].1, self.traits[index].2))
    }

    fn types_named(&self, name: &str) -> &[usize] {
        self.type_index.get(name).map_or(&[], Vec::as_slice)
    }

    /// The path `name` stands for in module `here` by a `use` declaration
    /// there, or in the module around a fn body it is in (items in a fn body
    /// see the names of their module).
    fn import(&self, here: &[String], name: &str) -> Option<&Vec<String>> {
        let declared = self.imports.get(name)?;
        let mut module = here;
        loop {
            if let Some((_, path)) = declared.iter().find(|(at, _)| at.as_slice() == module) {
                return Some(path);
            }
            match module.split_last() {
                Some((last, outer)) if last.starts_with("fn ") => module = outer,
                _ => return None,
            }
        }
    }

    fn resolve_type(
        &self,
        types: &[TypeDef<'_>],
        path: &syn::Path,
        name: &str,
        here: &[String],
        file: FileId,
    ) -> Option<usize> {
        best_candidate(self.types_named(name), path, here, file, |index| (&types[index].module, types[index].file))
    }
}

impl Scope<'_> {
    /// The types of the scope that implement the trait of the scope that
    /// `path` names from module `here` of `file`, if it names one.
    pub(crate) fn implementors(&self, path: &syn::Path, here: &[String], file: FileId) -> &[usize] {
        self.names
            .resolve_trait(path, here, file)
            .and_then(|id| self.names.trait_impls.get(&id))
            .map_or(&[], Vec::as_slice)
    }

    /// The type definitions named `name`.
    pub(crate) fn types_named(&self, name: &str) -> &[usize] {
        self.names.types_named(name)
    }

    /// What `path`, written in module `here` of `file`, names: a `use`
    /// declaration of its first segment is followed (renames included); a
    /// path into std, `core`, `alloc` or a crate that is not a module of the
    /// scope is foreign; a path through `crate`, `self`, `super` or a module
    /// of the scope, or a plain name, is the scope's type or alias of that
    /// name (the best of several: by the path's qualifier, then the same
    /// module, then the longest shared module prefix, then the same file), if it
    /// has one.
    pub(crate) fn resolve_path(&self, path: &syn::Path, here: &[String], file: FileId) -> Resolved {
        let (Some(first), Some(last)) = (path.segments.first(), path.segments.last()) else {
            return Resolved::Foreign { name: String::new(), elsewhere: false };
        };
        if path.leading_colon.is_some() {
            return Resolved::Foreign { name: last.ident.to_string(), elsewhere: true };
        }
        let imported = self.names.import(here, &first.ident.to_string());
        let full = self.expand_path(path, here);
        let name = full.last().cloned().unwrap_or_default();
        let local = full.len() == 1
            || matches!(full[0].as_str(), "crate" | "self" | "super")
            || (!matches!(full[0].as_str(), "std" | "core" | "alloc") && self.names.modules.contains(&full[0]));
        if !local {
            return Resolved::Foreign { name, elsewhere: true };
        }
        let explicit = imported.is_some() || path.segments.len() > 1;
        let aliases = self.names.alias_index.get(&name).map_or(&[][..], Vec::as_slice);
        let types = self.names.types_named(&name);
        // A path from the crate root, `self` or `super` names one module: the
        // type of that name there, if the scope has it; none if the scope
        // does not have that module (a file not analysed), not a same-named
        // type elsewhere. Where the module is in the scope without the type,
        // it may re-export one: the best by name is taken, as below.
        if let Some(target) = rooted_module(&full, here) {
            if target.last().is_some_and(|module| !self.names.modules.contains(module)) {
                return Resolved::Foreign { name, elsewhere: true };
            }
            if let Some(id) = aliases.iter().copied().find(|&index| self.aliases[index].module == target) {
                return Resolved::Alias { id, explicit };
            }
            if let Some(id) = types.iter().copied().find(|&index| self.types[index].module == target) {
                return Resolved::Type { id, explicit };
            }
        }
        // Qualified by the module the path names (`model::Node`).
        let qualifier = full.len().checked_sub(2).map(|index| full[index].as_str());
        if let Some(id) = best_qualified(aliases, qualifier, here, file, |index| {
            (&self.aliases[index].module, self.aliases[index].file)
        }) {
            return Resolved::Alias { id, explicit };
        }
        match best_qualified(types, qualifier, here, file, |index| (&self.types[index].module, self.types[index].file))
        {
            Some(id) => Resolved::Type { id, explicit },
            None => Resolved::Foreign { name, elsewhere: explicit },
        }
    }

    /// The type of the scope that `self` is in fn `id` (a method), if the
    /// scope defines it: of same-named types, the one of the fn's module,
    /// else the nearest.
    pub(crate) fn self_type(&self, id: usize) -> Option<usize> {
        let def = &self.fns[id];
        let name = def.self_ty.as_deref()?;
        best_qualified(self.names.types_named(name), None, &outside_fns(&def.module), def.file, |index| {
            (&self.types[index].module, self.types[index].file)
        })
    }

    /// The segments `path`, written in module `here`, stands for once a `use`
    /// declaration of its first segment is followed (`["comemo", "memoize"]`
    /// for `memoize` after `use comemo::memoize;`); as written when nothing
    /// in scope imports it.
    pub(crate) fn expand_path(&self, path: &syn::Path, here: &[String]) -> Vec<String> {
        let written = path.segments.iter().map(|segment| segment.ident.to_string());
        match path.segments.first().and_then(|first| self.names.import(here, &first.ident.to_string())) {
            Some(target) => target.iter().cloned().chain(written.skip(1)).collect(),
            None => written.collect(),
        }
    }

    /// The static `name` as seen from inside fn `from`: one declared in that fn
    /// or an enclosing one first, then one declared outside any fn.
    pub(crate) fn resolve_static(&self, name: &Ident, from: Option<usize>) -> Option<usize> {
        let candidates = self.names.static_index.get(&name.to_string())?;
        let mut scope_fn = from;
        loop {
            let found = candidates.iter().copied().find(|&id| self.statics[id].owner_fn == scope_fn);
            if found.is_some() {
                return found;
            }
            match scope_fn {
                Some(id) => scope_fn = self.fns[id].parent_fn,
                None => return None,
            }
        }
    }

    /// Where a static is declared.
    pub(crate) fn static_location(&self, id: usize) -> Location {
        Location { file: self.statics[id].file, span: self.statics[id].name.span() }
    }
}

/// The module a place in `module` is in once the fn bodies on its path
/// (`fn name` segments) are left: what `self` and `super` start from.
fn outside_fns(module: &[String]) -> Vec<String> {
    module.iter().take_while(|segment| !segment.starts_with("fn ")).cloned().collect()
}

/// The module a path that starts at the crate root, `self` or `super` names
/// its last segment in (`crate::a::Surface` is in `a`), written in module
/// `here`; `None` for other paths. Items in a fn body see their module's
/// `self` and `super`.
fn rooted_module(full: &[String], here: &[String]) -> Option<Vec<String>> {
    let (_, modules) = full.split_last()?;
    let mut module = outside_fns(here);
    let mut rest = modules;
    match modules.first().map(String::as_str) {
        Some("crate") => {
            module.clear();
            rest = &modules[1..];
        }
        Some("self") => rest = &modules[1..],
        Some("super") => {
            while let Some(("super", tail)) = rest.split_first().map(|(first, tail)| (first.as_str(), tail)) {
                module.pop()?;
                rest = tail;
            }
        }
        _ => return None,
    }
    module.extend(rest.iter().cloned());
    Some(module)
}

/// Of same-named items (`candidates`, each with its module and file), the
/// one `path` names from module `here` of `file`: the only one, or the best
/// by the path's qualifier, then the same module, then the longest shared
/// module prefix, then the same file.
fn best_candidate<'m>(
    candidates: &[usize],
    path: &syn::Path,
    here: &[String],
    file: FileId,
    place: impl Fn(usize) -> (&'m Vec<String>, FileId),
) -> Option<usize> {
    let qualifier = path.segments.iter().rev().nth(1).map(|segment| segment.ident.to_string());
    best_qualified(candidates, qualifier.as_deref(), here, file, place)
}

/// [`best_candidate`] with the path's qualifier (the segment before the
/// name) given as text.
fn best_qualified<'m>(
    candidates: &[usize],
    qualifier: Option<&str>,
    here: &[String],
    file: FileId,
    place: impl Fn(usize) -> (&'m Vec<String>, FileId),
) -> Option<usize> {
    if candidates.len() <= 1 {
        return candidates.first().copied();
    }
    let qualifier = qualifier.filter(|segment| !matches!(*segment, "self" | "super" | "crate" | "Self"));
    candidates.iter().copied().max_by_key(|&index| {
        let (module, in_file) = place(index);
        let qualified = qualifier.is_some_and(|qualifier| module.last().is_some_and(|last| last == qualifier));
        let shared = here.iter().zip(module).take_while(|(a, b)| a == b).count();
        let same_module = module.as_slice() == here;
        // `max_by_key` keeps the last maximum: negate the index to prefer the first.
        (qualified, same_module, shared, in_file == file, std::cmp::Reverse(index))
    })
}
