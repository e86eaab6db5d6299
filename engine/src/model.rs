//! The borrowed model of an analysed scope.
//!
//! [`Scope::build`] walks the items once to collect type definitions, aliases,
//! statics (including the tokens of `thread_local!` and `lazy_static!`) and fn
//! bodies, then walks every body to record each place a static or field is
//! grown, shrunk, looked up or handed elsewhere (`Use`). Everything keeps the
//! span of the user's tokens, so findings point at the user's code.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Ident, Token};

use crate::args::{self, Args};
use crate::collection;
use crate::lints::{Level, Lint};
use crate::symbol::{self, is};
use crate::{Config, FileId, Location, Source};

/// Index of a `#[leak_audit(..)]` settings node: the attributes in force at a
/// type, field, static or fn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SettingsId(pub(crate) usize);

#[derive(Debug)]
struct SettingsNode {
    parent: Option<SettingsId>,
    args: Args,
}

/// A struct, enum or union of the scope.
#[derive(Debug)]
pub(crate) struct TypeDef<'a> {
    pub(crate) name: &'a Ident,
    pub(crate) file: FileId,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) fields: Vec<FieldDef<'a>>,
    pub(crate) settings: SettingsId,
    /// The inline modules (and fn bodies, as `fn name`) it is declared in.
    pub(crate) module: Vec<String>,
}

/// A field of a struct, union or enum variant.
#[derive(Debug)]
pub(crate) struct FieldDef<'a> {
    /// `cars` for a named field, `0` for a tuple field, `Cons.0` in an enum.
    pub(crate) label: String,
    /// The name of a named field (not of an enum variant's field).
    pub(crate) name: Option<&'a Ident>,
    pub(crate) ty: &'a syn::Type,
    /// The field's name, or its type for a tuple field.
    pub(crate) span: Span,
    pub(crate) settings: SettingsId,
}

/// A `type` alias.
#[derive(Debug)]
pub(crate) struct Alias<'a> {
    pub(crate) generics: &'a syn::Generics,
    pub(crate) ty: &'a syn::Type,
}

/// How a static is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StaticKind {
    Static,
    StaticMut,
    ThreadLocal,
    LazyStatic,
}

/// A static, a `static mut`, a `thread_local!` key or a `lazy_static!` item.
#[derive(Debug)]
pub(crate) struct StaticDef<'a> {
    pub(crate) name: Ident,
    pub(crate) ty: Cow<'a, syn::Type>,
    pub(crate) file: FileId,
    pub(crate) kind: StaticKind,
    pub(crate) is_pub: bool,
    pub(crate) settings: SettingsId,
    /// The fn whose body declares it, if any.
    pub(crate) owner_fn: Option<usize>,
    /// The inline modules (and fn bodies) it is declared in, as for types.
    pub(crate) module: Vec<String>,
}

/// A fn or method with a body.
#[derive(Debug)]
pub(crate) struct FnDef<'a> {
    pub(crate) name: &'a Ident,
    pub(crate) sig: &'a syn::Signature,
    pub(crate) attrs: &'a [syn::Attribute],
    /// The type of `self` when the fn is in an `impl`.
    pub(crate) self_ty: Option<String>,
    pub(crate) body: &'a syn::Block,
    pub(crate) file: FileId,
    pub(crate) settings: SettingsId,
    pub(crate) parent_fn: Option<usize>,
}

/// What a use is rooted at: a static, or a field of some type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Root {
    Static(usize),
    Field { owner: Option<String>, name: String },
}

/// What a use does to the collection behind its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// Adds elements (`push`, `insert`, `entry`, `+=`, ...).
    Grow,
    /// Removes elements or replaces the collection (`remove`, `clear`, `mem::take`, `= ..`).
    Shrink,
    /// Looks an element up (`get`, `contains_key`, `entry(..).or_insert*`).
    Lookup,
    /// Hands the collection to code the analysis does not follow.
    Escape,
    /// Names it, nothing more is known.
    Touch,
}

/// One place in a fn body where a static or field is used.
#[derive(Clone, Debug)]
pub(crate) struct Use {
    pub(crate) root: Root,
    pub(crate) op: Op,
    /// The method (or operator) used, for messages.
    pub(crate) method: String,
    pub(crate) fn_id: usize,
    pub(crate) span: Span,
    /// A growth that only happens after a `len()` check in the same fn.
    pub(crate) guarded: bool,
    /// Part of a memo pattern in its fn: a lookup whose result the fn returns,
    /// and an insert into the same collection.
    pub(crate) memo: bool,
    /// A lookup whose result flows to the fn's return value.
    pub(crate) returned: bool,
    /// A growth or shrink of a value inside the collection (`map.entry(k)
    /// .or_default().push(..)`), not of the collection's own entries.
    pub(crate) in_value: bool,
    /// An insert that stores a value the fn was given, or one updated from
    /// what it looked up (`map.insert(k, n + 1)`): a store or an update, not
    /// a memo filling in what it computed.
    pub(crate) stores: bool,
}

/// The analysed scope.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    pub(crate) types: Vec<TypeDef<'a>>,
    pub(crate) aliases: HashMap<String, Alias<'a>>,
    pub(crate) statics: Vec<StaticDef<'a>>,
    pub(crate) fns: Vec<FnDef<'a>>,
    pub(crate) uses: Vec<Use>,
    pub(crate) errors: Vec<(FileId, syn::Error)>,
    settings: Vec<SettingsNode>,
    type_index: HashMap<String, Vec<usize>>,
    static_index: HashMap<String, Vec<usize>>,
    /// Traits defined in the scope: name, and where (module, file).
    traits: Vec<(String, Vec<String>, FileId)>,
    trait_index: HashMap<String, Vec<usize>>,
    /// `impl Trait for Type` of the scope while building: the trait's and the
    /// self type's paths, with where they were written (module, file).
    impl_paths: Vec<(&'a syn::Path, &'a syn::Path, Vec<String>, FileId)>,
    /// The types of the scope implementing each trait of the scope (by index).
    trait_impls: HashMap<usize, Vec<usize>>,
    uses_by_static: HashMap<usize, Vec<usize>>,
    /// Indices into `uses` by (field name, owner type or `None` when unknown).
    uses_by_field: HashMap<(String, Option<String>), Vec<usize>>,
    /// While building: the module path of the items being collected.
    module: Vec<String>,
}

impl<'a> Scope<'a> {
    /// Builds the model of `sources`.
    pub fn build(sources: &[Source<'a>]) -> Scope<'a> {
        let mut scope =
            Scope { settings: vec![SettingsNode { parent: None, args: Args::default() }], ..Scope::default() };
        for source in sources {
            scope.module = source.module.to_vec();
            scope.collect_items(source.items.iter(), source.file, SettingsId(0), None);
        }
        scope.module.clear();
        for (index, def) in scope.types.iter().enumerate() {
            scope.type_index.entry(def.name.to_string()).or_default().push(index);
        }
        for (index, def) in scope.statics.iter().enumerate() {
            scope.static_index.entry(def.name.to_string()).or_default().push(index);
        }
        for (index, (name, _, _)) in scope.traits.iter().enumerate() {
            scope.trait_index.entry(name.clone()).or_default().push(index);
        }
        for (trait_path, path, module, file) in std::mem::take(&mut scope.impl_paths) {
            let (Some(trait_id), Some(last)) = (scope.resolve_trait(trait_path, &module, file), path.segments.last())
            else {
                continue;
            };
            if let Some(target) = scope.resolve_type(path, &last.ident.to_string(), &module, file) {
                scope.trait_impls.entry(trait_id).or_default().push(target);
            }
        }
        scope.uses = collect_uses(&scope);
        for (index, found) in scope.uses.iter().enumerate() {
            if let Root::Static(id) = found.root {
                scope.uses_by_static.entry(id).or_default().push(index);
            }
            if let Root::Field { owner, name } = &found.root {
                scope.uses_by_field.entry((name.clone(), owner.clone())).or_default().push(index);
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
    pub(crate) fn uses_of_field(&self, owner: &str, field: &str) -> Vec<&Use> {
        let list =
            |owner: Option<String>| self.uses_by_field.get(&(field.to_owned(), owner)).map_or(&[][..], Vec::as_slice);
        let mut indices = [list(Some(owner.to_owned())), list(None)].concat();
        indices.sort_unstable();
        indices.into_iter().map(|index| &self.uses[index]).collect()
    }

    /// The types of the scope that implement the trait of the scope that
    /// `path` names from module `here` of `file`, if it names one.
    pub(crate) fn implementors(&self, path: &syn::Path, here: &[String], file: FileId) -> &[usize] {
        self.resolve_trait(path, here, file).and_then(|id| self.trait_impls.get(&id)).map_or(&[], Vec::as_slice)
    }

    /// The trait of the scope that `path` names from module `here` of `file`,
    /// chosen among same-named traits as [`Scope::resolve_type`] chooses.
    fn resolve_trait(&self, path: &syn::Path, here: &[String], file: FileId) -> Option<usize> {
        let name = path.segments.last()?.ident.to_string();
        let candidates = self.trait_index.get(&name).map_or(&[][..], Vec::as_slice);
        best_candidate(candidates, path, here, file, |index| (&self.traits[index].1, self.traits[index].2))
    }

    /// The type definitions named `name`.
    pub(crate) fn types_named(&self, name: &str) -> &[usize] {
        self.type_index.get(name).map_or(&[], Vec::as_slice)
    }

    /// The type `path` (whose last segment is `name`) names when written in
    /// module `here` of `file`: the only type of that name, or the best of
    /// several by the path's qualifier, then the same module, then the
    /// longest shared module prefix, then the same file.
    pub(crate) fn resolve_type(&self, path: &syn::Path, name: &str, here: &[String], file: FileId) -> Option<usize> {
        best_candidate(self.types_named(name), path, here, file, |index| {
            (&self.types[index].module, self.types[index].file)
        })
    }

    /// The level of `lint` for a finding anchored at `anchors` (see `Raw`).
    pub(crate) fn level(&self, lint: &Lint, anchors: &[SettingsId], config: &Config) -> Level {
        let mut level = None;
        for (position, &anchor) in anchors.iter().enumerate() {
            let here = self.level_at(lint, anchor).unwrap_or_else(|| config.level(lint));
            if here == Level::Allow {
                return Level::Allow;
            }
            if position == 0 {
                level = Some(here);
            }
        }
        level.unwrap_or_else(|| config.level(lint))
    }

    fn level_at(&self, lint: &Lint, mut id: SettingsId) -> Option<Level> {
        loop {
            let node = &self.settings[id.0];
            if let Some(level) = node.args.level_of(lint) {
                return Some(level);
            }
            id = node.parent?;
        }
    }

    /// A child settings node if `attrs` hold `#[leak_audit(..)]` attributes.
    fn settings_for(&mut self, attrs: &[syn::Attribute], file: FileId, parent: SettingsId) -> SettingsId {
        let mut current = parent;
        for attr in attrs {
            match args::parse_attribute(attr) {
                None => {}
                Some(Ok(parsed)) if !parsed.levels.is_empty() => {
                    self.settings.push(SettingsNode { parent: Some(current), args: parsed });
                    current = SettingsId(self.settings.len() - 1);
                }
                Some(Ok(_)) => {}
                Some(Err(err)) => self.errors.push((file, err)),
            }
        }
        current
    }

    fn collect_items(
        &mut self,
        items: impl IntoIterator<Item = &'a syn::Item>,
        file: FileId,
        settings: SettingsId,
        owner_fn: Option<usize>,
    ) {
        for item in items {
            self.collect_item(item, file, settings, owner_fn);
        }
    }

    fn collect_item(&mut self, item: &'a syn::Item, file: FileId, parent: SettingsId, owner_fn: Option<usize>) {
        match item {
            syn::Item::Struct(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                let fields = self.fields(&def.fields, None, file, settings);
                self.types.push(TypeDef {
                    name: &def.ident,
                    file,
                    generics: &def.generics,
                    fields,
                    settings,
                    module: self.module.clone(),
                });
            }
            syn::Item::Union(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                let fields = def
                    .fields
                    .named
                    .iter()
                    .map(|field| self.field(field, field.ident.as_ref().map(Ident::to_string), file, settings))
                    .collect();
                self.types.push(TypeDef {
                    name: &def.ident,
                    file,
                    generics: &def.generics,
                    fields,
                    settings,
                    module: self.module.clone(),
                });
            }
            syn::Item::Enum(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                let mut fields = Vec::new();
                for variant in &def.variants {
                    let variant_settings = self.settings_for(&variant.attrs, file, settings);
                    fields.extend(self.fields(&variant.fields, Some(&variant.ident), file, variant_settings));
                }
                self.types.push(TypeDef {
                    name: &def.ident,
                    file,
                    generics: &def.generics,
                    fields,
                    settings,
                    module: self.module.clone(),
                });
            }
            syn::Item::Type(alias) => {
                self.aliases
                    .entry(alias.ident.to_string())
                    .or_insert(Alias { generics: &alias.generics, ty: &alias.ty });
            }
            syn::Item::Static(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                let kind = match def.mutability {
                    syn::StaticMutability::Mut(_) => StaticKind::StaticMut,
                    _ => StaticKind::Static,
                };
                self.statics.push(StaticDef {
                    name: def.ident.clone(),
                    ty: Cow::Borrowed(&def.ty),
                    file,
                    kind,
                    is_pub: is_pub(&def.vis),
                    settings,
                    owner_fn,
                    module: self.module.clone(),
                });
            }
            syn::Item::Macro(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                self.collect_macro(&def.mac, file, settings, owner_fn);
            }
            // Test code runs in test builds only: its growth and its
            // clean-ups are not the program's.
            syn::Item::Mod(def) if is_test_only(&def.attrs) => {}
            syn::Item::Fn(def) if is_test_only(&def.attrs) => {}
            syn::Item::Impl(def) if is_test_only(&def.attrs) => {}
            syn::Item::Mod(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                if let Some((_, items)) = &def.content {
                    self.module.push(def.ident.to_string());
                    self.collect_items(items, file, settings, owner_fn);
                    self.module.pop();
                }
            }
            syn::Item::Fn(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                self.collect_fn(&def.sig, &def.attrs, &def.block, None, file, settings, owner_fn);
            }
            syn::Item::Impl(def) => {
                let settings = self.settings_for(&def.attrs, file, parent);
                let self_ty = crate::types::segment(&def.self_ty).map(|segment| segment.name);
                if let (Some((trait_path, _)), syn::Type::Path(self_path)) = (&def.trait_, &*def.self_ty) {
                    self.impl_paths.push((trait_path, &self_path.path, self.module.clone(), file));
                }
                for impl_item in &def.items {
                    if let syn::ImplItem::Fn(method) = impl_item {
                        if is_test_only(&method.attrs) {
                            continue;
                        }
                        let settings = self.settings_for(&method.attrs, file, settings);
                        self.collect_fn(
                            &method.sig,
                            &method.attrs,
                            &method.block,
                            self_ty.clone(),
                            file,
                            settings,
                            owner_fn,
                        );
                    }
                }
            }
            syn::Item::Trait(def) => {
                self.traits.push((def.ident.to_string(), self.module.clone(), file));
                let settings = self.settings_for(&def.attrs, file, parent);
                for trait_item in &def.items {
                    if let syn::TraitItem::Fn(method) = trait_item {
                        if let Some(block) = &method.default {
                            let settings = self.settings_for(&method.attrs, file, settings);
                            self.collect_fn(&method.sig, &method.attrs, block, None, file, settings, owner_fn);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_fn(
        &mut self,
        sig: &'a syn::Signature,
        attrs: &'a [syn::Attribute],
        body: &'a syn::Block,
        self_ty: Option<String>,
        file: FileId,
        settings: SettingsId,
        parent_fn: Option<usize>,
    ) {
        let id = self.fns.len();
        self.fns.push(FnDef { name: &sig.ident, sig, attrs, self_ty, body, file, settings, parent_fn });
        let mut nested = BodyItems::default();
        nested.visit_block(body);
        self.module.push(format!("fn {}", sig.ident));
        self.collect_items(nested.items, file, settings, Some(id));
        for mac in nested.macros {
            self.collect_macro(mac, file, settings, Some(id));
        }
        self.module.pop();
    }

    fn fields(
        &mut self,
        fields: &'a syn::Fields,
        variant: Option<&Ident>,
        file: FileId,
        settings: SettingsId,
    ) -> Vec<FieldDef<'a>> {
        fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let own = match &field.ident {
                    Some(ident) => ident.to_string(),
                    None => index.to_string(),
                };
                let label = match variant {
                    Some(variant) => format!("{variant}.{own}"),
                    None => own,
                };
                let mut def = self.field(field, Some(label), file, settings);
                if variant.is_some() {
                    def.name = None;
                }
                def
            })
            .collect()
    }

    fn field(
        &mut self,
        field: &'a syn::Field,
        label: Option<String>,
        file: FileId,
        settings: SettingsId,
    ) -> FieldDef<'a> {
        let settings = self.settings_for(&field.attrs, file, settings);
        FieldDef {
            label: label.unwrap_or_default(),
            name: field.ident.as_ref(),
            ty: &field.ty,
            span: field.ident.as_ref().map_or_else(|| field.ty.span(), Ident::span),
            settings,
        }
    }

    /// `thread_local!` and `lazy_static!` bodies are tokens to the compiler;
    /// parse them as the statics they declare.
    fn collect_macro(&mut self, mac: &syn::Macro, file: FileId, settings: SettingsId, owner_fn: Option<usize>) {
        let Some(name) = mac.path.segments.last().map(|segment| segment.ident.to_string()) else { return };
        let kind = match name.as_str() {
            "thread_local" => StaticKind::ThreadLocal,
            "lazy_static" => StaticKind::LazyStatic,
            _ => return,
        };
        let Ok(decls) = parse_macro_statics.parse2(mac.tokens.clone()) else { return };
        for decl in decls {
            let settings = self.settings_for(&decl.attrs, file, settings);
            self.statics.push(StaticDef {
                name: decl.name,
                ty: Cow::Owned(decl.ty),
                file,
                kind,
                is_pub: decl.is_pub,
                settings,
                owner_fn,
                module: self.module.clone(),
            });
        }
    }

    /// The static `name` as seen from inside fn `from`: one declared in that fn
    /// or an enclosing one first, then one declared outside any fn.
    pub(crate) fn resolve_static(&self, name: &Ident, from: Option<usize>) -> Option<usize> {
        let candidates = self.static_index.get(&name.to_string())?;
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
    if candidates.len() <= 1 {
        return candidates.first().copied();
    }
    let qualifier = path
        .segments
        .iter()
        .rev()
        .nth(1)
        .map(|segment| segment.ident.to_string())
        .filter(|segment| !matches!(segment.as_str(), "self" | "super" | "crate" | "Self"));
    candidates.iter().copied().max_by_key(|&index| {
        let (module, in_file) = place(index);
        let qualified = qualifier.as_ref().is_some_and(|qualifier| module.last() == Some(qualifier));
        let shared = here.iter().zip(module).take_while(|(a, b)| a == b).count();
        let same_module = module.as_slice() == here;
        // `max_by_key` keeps the last maximum: negate the index to prefer the first.
        (qualified, same_module, shared, in_file == file, std::cmp::Reverse(index))
    })
}

/// `#[test]` or `#[cfg(test)]`: an item compiled into test builds only.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("test")
            || (attr.path().is_ident("cfg") && attr.parse_args::<Ident>().is_ok_and(|arg| arg == "test"))
    })
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

/// One declaration inside `thread_local!` or `lazy_static!`.
struct MacroStatic {
    attrs: Vec<syn::Attribute>,
    is_pub: bool,
    name: Ident,
    ty: syn::Type,
}

/// `[attrs] [vis] static [ref] NAME: TYPE = [const] EXPR;` repeated, the last
/// `;` optional.
fn parse_macro_statics(input: ParseStream<'_>) -> syn::Result<Vec<MacroStatic>> {
    let mut decls = Vec::new();
    while !input.is_empty() {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis: syn::Visibility = input.parse()?;
        input.parse::<Token![static]>()?;
        if input.peek(Token![ref]) {
            input.parse::<Token![ref]>()?;
        }
        let name: Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let ty: syn::Type = input.parse()?;
        input.parse::<Token![=]>()?;
        // The initializer is skipped: it runs once and cannot grow anything.
        while !input.is_empty() && !input.peek(Token![;]) {
            input.parse::<proc_macro2::TokenTree>()?;
        }
        if !input.is_empty() {
            input.parse::<Token![;]>()?;
        }
        decls.push(MacroStatic { attrs, is_pub: is_pub(&vis), name, ty });
    }
    Ok(decls)
}

/// Items and macro invocations declared inside a fn body (at any depth, but not
/// inside nested items, which are collected on their own).
#[derive(Default)]
struct BodyItems<'a> {
    items: Vec<&'a syn::Item>,
    macros: Vec<&'a syn::Macro>,
}

impl<'a> Visit<'a> for BodyItems<'a> {
    fn visit_item(&mut self, item: &'a syn::Item) {
        self.items.push(item);
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        self.macros.push(mac);
    }
}

// === uses ===

fn collect_uses(scope: &Scope<'_>) -> Vec<Use> {
    // Fns without parameters whose body ends in a static (`fn cache() ->
    // &'static Mutex<..> { CACHE.get_or_init(..) }`) stand for that static.
    let mut accessors = HashMap::new();
    let no_accessors = HashMap::new();
    for (id, def) in scope.fns.iter().enumerate() {
        if !def.sig.inputs.is_empty() {
            continue;
        }
        if let Some(syn::Stmt::Expr(tail, None)) = def.body.stmts.last() {
            let walker = UseVisitor::new(scope, id, &no_accessors);
            if let Some(Root::Static(static_id)) = walker.root_of(tail) {
                accessors.insert(def.name.to_string(), static_id);
            }
        }
    }
    let mut uses = Vec::new();
    for id in 0..scope.fns.len() {
        let mut walker = UseVisitor::new(scope, id, &accessors);
        walker.visit_body(scope.fns[id].body);
        walker.finish(&mut uses);
    }
    uses
}

struct UseVisitor<'s, 'a> {
    scope: &'s Scope<'a>,
    fn_id: usize,
    accessors: &'s HashMap<String, usize>,
    aliases: HashMap<String, Root>,
    uses: Vec<Use>,
    len_checked: HashSet<Root>,
    in_condition: usize,
    /// The expressions whose value the fn returns (see [`ReturnedExprs`]).
    returned: HashSet<*const Expr>,
    /// Whether the expression being visited is one of them.
    returning: bool,
    /// Locals bound to an element looked up in a collection (`if let Some(v) =
    /// cache.get(k)`): returning them returns the lookup.
    looked_up: HashMap<String, Root>,
    /// Inside code that runs once per process (a bin's `main`, a closure
    /// given to `Once::call_once`, `OnceLock::get_or_init` or `LazyLock::new`):
    /// growth there is bounded.
    run_once: usize,
    /// The fn is a bin's `main` (see `run_once`).
    in_main: bool,
}

impl<'s, 'a> UseVisitor<'s, 'a> {
    fn new(scope: &'s Scope<'a>, fn_id: usize, accessors: &'s HashMap<String, usize>) -> Self {
        UseVisitor {
            scope,
            fn_id,
            accessors,
            aliases: HashMap::new(),
            uses: Vec::new(),
            len_checked: HashSet::new(),
            in_condition: 0,
            returned: HashSet::new(),
            returning: false,
            looked_up: HashMap::new(),
            run_once: 0,
            in_main: false,
        }
    }

    /// Visits a fn body, knowing which of its expressions it returns.
    fn visit_body(&mut self, body: &syn::Block) {
        let mut returned = ReturnedExprs::default();
        returned.mark_block(body);
        returned.visit_block(body);
        self.returned = returned.exprs;
        let def = &self.scope.fns[self.fn_id];
        let is_main =
            def.name == "main" && def.sig.inputs.is_empty() && def.self_ty.is_none() && def.parent_fn.is_none();
        self.run_once = usize::from(is_main);
        self.in_main = is_main;
        self.visit_block(body);
    }

    /// The collection an element expression was looked up in:
    /// `cache.get(k)`, `map[&k]`, `map.entry(k).or_insert(v)`, through
    /// `clone()`, `copied()`, `*` and the like.
    fn lookup_root(&self, expr: &Expr) -> Option<Root> {
        match expr {
            Expr::Paren(inner) => self.lookup_root(&inner.expr),
            Expr::Reference(inner) => self.lookup_root(&inner.expr),
            Expr::Unary(unary) => self.lookup_root(&unary.expr),
            Expr::Try(inner) => self.lookup_root(&inner.expr),
            Expr::Index(index) => self.root_of(&index.expr),
            Expr::Path(path) => path.path.get_ident().and_then(|ident| self.looked_up.get(&ident.to_string()).cloned()),
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if is(symbol::LOOKUP_METHODS, &method) && !call.args.is_empty() {
                    self.root_of(&call.receiver)
                } else if is(symbol::ENTRY_INSERTS, &method) {
                    match &*call.receiver {
                        Expr::MethodCall(entry) if entry.method == "entry" => self.root_of(&entry.receiver),
                        _ => None,
                    }
                } else if is(symbol::PASS_THROUGH_METHODS, &method) {
                    self.lookup_root(&call.receiver)
                } else if is(symbol::WITH_METHODS, &method) {
                    // `CACHE.with(|c| c.borrow().get(k).cloned())`: the
                    // closure's value is the call's (its parameter is an alias
                    // of the receiver by the time a binding is made).
                    // `.and_then(Weak::upgrade)`: a fn path passes the value on.
                    match call.args.iter().find(|arg| matches!(arg, Expr::Closure(_))) {
                        Some(Expr::Closure(closure)) => self.lookup_root(&closure.body),
                        _ => self.lookup_root(&call.receiver),
                    }
                } else {
                    None
                }
            }
            Expr::Block(block) => match block.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => self.lookup_root(tail),
                _ => None,
            },
            _ => None,
        }
    }

    fn push(&mut self, root: Root, op: Op, method: impl Into<String>, span: Span) {
        let returned = op == Op::Lookup && self.returning;
        self.uses.push(Use {
            root,
            op,
            method: method.into(),
            fn_id: self.fn_id,
            span,
            guarded: op == Op::Grow && self.run_once > 0,
            memo: false,
            returned,
            in_value: false,
            stores: false,
        });
    }

    /// Marks growth behind a `len()` check as bounded and lookup-then-insert
    /// pairs as memo uses.
    fn finish(self, out: &mut Vec<Use>) {
        let mut uses = self.uses;
        let returned: HashSet<Root> =
            uses.iter().filter(|u| u.op == Op::Lookup && u.returned).map(|u| u.root.clone()).collect();
        let inserted: HashSet<Root> = uses
            .iter()
            .filter(|u| u.op == Op::Grow && !u.stores && !is(symbol::APPEND_METHODS, &u.method))
            .map(|u| u.root.clone())
            .collect();
        for current in &mut uses {
            if current.op == Op::Grow && self.len_checked.contains(&current.root) {
                current.guarded = true;
            }
            if matches!(current.op, Op::Grow | Op::Lookup)
                && returned.contains(&current.root)
                && inserted.contains(&current.root)
            {
                current.memo = true;
            }
        }
        out.extend(uses);
    }

    fn is_self(expr: &Expr) -> bool {
        matches!(expr, Expr::Path(path) if path.path.is_ident("self"))
    }

    /// The static or field a collection expression is rooted at, looking through
    /// locks, borrows, unwraps, derefs and lazy wrappers.
    fn root_of(&self, expr: &Expr) -> Option<Root> {
        match expr {
            Expr::Paren(inner) => self.root_of(&inner.expr),
            Expr::Group(inner) => self.root_of(&inner.expr),
            Expr::Reference(inner) => self.root_of(&inner.expr),
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => self.root_of(&unary.expr),
            Expr::Try(inner) => self.root_of(&inner.expr),
            Expr::Await(inner) => self.root_of(&inner.base),
            Expr::Index(index) => self.root_of(&index.expr),
            Expr::RawAddr(raw) => self.root_of(&raw.expr),
            // `addr_of_mut!(STATIC)`, the way to reach a `static mut` without a reference.
            Expr::Macro(mac) => {
                let name = mac.mac.path.segments.last()?.ident.to_string();
                if !matches!(name.as_str(), "addr_of_mut" | "addr_of") {
                    return None;
                }
                self.root_of(&mac.mac.parse_body::<Expr>().ok()?)
            }
            Expr::MethodCall(call) if is_access(call) => self.root_of(&call.receiver),
            Expr::Field(field) => {
                let name = match &field.member {
                    syn::Member::Named(ident) => ident.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                let owner = if Self::is_self(&field.base) {
                    self.scope.fns[self.fn_id].self_ty.clone()
                } else if let Some(Root::Static(id)) = self.root_of(&field.base) {
                    // `LOGGER.get().unwrap().lines`: a field of the struct the
                    // static holds.
                    collection::held_struct(self.scope, id)
                        .map(|(type_id, _)| self.scope.types[type_id].name.to_string())
                } else {
                    None
                };
                Some(Root::Field { owner, name })
            }
            Expr::Path(path) if path.qself.is_none() => {
                let last = &path.path.segments.last()?.ident;
                if path.path.segments.len() == 1 {
                    if let Some(root) = self.aliases.get(&last.to_string()) {
                        return Some(root.clone());
                    }
                }
                self.scope.resolve_static(last, Some(self.fn_id)).map(Root::Static)
            }
            Expr::Call(call) if call.args.is_empty() => {
                let Expr::Path(path) = &*call.func else { return None };
                let name = path.path.segments.last()?.ident.to_string();
                self.accessors.get(&name).copied().map(Root::Static)
            }
            _ => None,
        }
    }

    /// Whether an inserted value is one the fn was given (a parameter, maybe
    /// converted: `v`, `v.into()`, `default.to_owned()`) or one computed from
    /// a value it looked up (`n + 1` after `let n = map.get(k)..`).
    fn is_stored_value(&self, key: &Expr, value: &Expr) -> bool {
        /// Whether an expression names a local bound to a looked-up value.
        struct MentionsLookup<'m>(&'m HashMap<String, Root>, bool);
        impl<'ast> Visit<'ast> for MentionsLookup<'_> {
            fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
                if path.path.get_ident().is_some_and(|ident| self.0.contains_key(&ident.to_string())) {
                    self.1 = true;
                }
                visit::visit_expr_path(self, path);
            }
        }
        // A value made from the key (`id.to_string()` for key `id`) is computed.
        let key_text = quote::ToTokens::to_token_stream(key).to_string();
        let params: HashSet<String> = self.scope.fns[self.fn_id]
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => bound_ident(&typed.pat),
                syn::FnArg::Receiver(_) => None,
            })
            .filter(|param| !key_text.split(|c: char| !c.is_alphanumeric() && c != '_').any(|word| word == param))
            .collect();
        let mut plain = value;
        while let Expr::MethodCall(call) = plain {
            if !(call.args.is_empty() && is(symbol::VALUE_CONVERSIONS, &call.method.to_string())) {
                break;
            }
            plain = &call.receiver;
        }
        if let Expr::Path(path) = plain {
            if path.path.get_ident().is_some_and(|ident| params.contains(&ident.to_string())) {
                return true;
            }
        }
        let mut mentions = MentionsLookup(&self.looked_up, false);
        mentions.visit_expr(value);
        mentions.1
    }

    /// The static or field whose map holds the value `expr` reaches by key:
    /// `map.entry(k).or_default()`, `map.get_mut(&k).unwrap()`.
    fn value_root(&self, expr: &Expr) -> Option<Root> {
        let Expr::MethodCall(call) = expr else { return None };
        let method = call.method.to_string();
        if is(symbol::PASS_THROUGH_METHODS, &method) || is_access(call) {
            self.value_root(&call.receiver)
        } else if is(symbol::ENTRY_INSERTS, &method) {
            match &*call.receiver {
                Expr::MethodCall(entry) if entry.method == "entry" => self.root_of(&entry.receiver),
                _ => None,
            }
        } else if method == "get_mut" && call.args.len() == 1 {
            self.root_of(&call.receiver)
        } else {
            None
        }
    }

    /// Binds `pat` (a plain ident, or `Some(x)`/`Ok(x)`) to what `expr` is rooted at.
    fn bind(&mut self, pat: &syn::Pat, expr: &Expr) {
        self.bind_fields(pat, expr);
        let Some(name) = bound_ident(pat) else { return };
        match self.lookup_root(expr) {
            Some(root) => {
                self.looked_up.insert(name.clone(), root);
            }
            None => {
                self.looked_up.remove(&name);
            }
        }
        match self.root_of(expr) {
            Some(root) => {
                self.aliases.insert(name, root);
            }
            None => {
                // A new binding shadows an old alias of the same name.
                self.aliases.remove(&name);
            }
        }
    }

    /// `let Self { cache, .. } = self;`: each field binding is an alias of that
    /// field.
    fn bind_fields(&mut self, pat: &syn::Pat, expr: &Expr) {
        let syn::Pat::Struct(pattern) = pat else { return };
        let through_self = match expr {
            Expr::Unary(unary) => Self::is_self(&unary.expr),
            Expr::Reference(reference) => Self::is_self(&reference.expr),
            other => Self::is_self(other),
        };
        if !through_self {
            return;
        }
        let owner = self.scope.fns[self.fn_id].self_ty.clone();
        for field in &pattern.fields {
            let syn::Member::Named(member) = &field.member else { continue };
            if let Some(name) = bound_ident(&field.pat) {
                let root = Root::Field { owner: owner.clone(), name: member.to_string() };
                self.aliases.insert(name, root);
            }
        }
    }

    /// Records arguments that hand a collection to code we do not follow.
    fn check_args<'e>(&mut self, args: impl IntoIterator<Item = &'e Expr>) {
        for arg in args {
            let handed = match arg {
                Expr::Reference(reference) if reference.mutability.is_some() => self.root_of(&reference.expr),
                Expr::Reference(reference) => self.direct_root(&reference.expr),
                other => self.direct_root(other),
            };
            if let Some(root) = handed {
                self.push(root, Op::Escape, "argument", arg.span());
            }
        }
    }

    /// The root of a bare static, alias or `self.field` (not of a guard or element).
    fn direct_root(&self, expr: &Expr) -> Option<Root> {
        match expr {
            Expr::Path(_) | Expr::Field(_) => self.root_of(expr),
            _ => None,
        }
    }
}

/// `lock()`, `borrow_mut()`, `unwrap()`, `get_or_init(..)`, `get()` with no
/// arguments, `Option::get_or_insert_with(..)`, ...: calls that reach the
/// collection rather than act on it.
fn is_access(call: &syn::ExprMethodCall) -> bool {
    let method = call.method.to_string();
    is(symbol::ACCESS_METHODS, &method)
        || (call.args.is_empty() && matches!(method.as_str(), "get" | "get_mut" | "get_or_insert_default"))
        // `Option::get_or_insert_with(f)`; `HashSet::get_or_insert_with(value, f)` grows.
        || (call.args.len() == 1 && method == "get_or_insert_with")
}

/// A key from a closed set: a literal, a constant or unit enum variant path,
/// `TypeId::of::<T>()`, or a tuple, reference or `to_string()` of those.
fn is_closed_key(key: &Expr) -> bool {
    match key {
        Expr::Lit(_) => true,
        Expr::Paren(inner) => is_closed_key(&inner.expr),
        Expr::Reference(inner) => is_closed_key(&inner.expr),
        Expr::Tuple(tuple) => !tuple.elems.is_empty() && tuple.elems.iter().all(is_closed_key),
        Expr::Path(path) => path.path.segments.last().is_some_and(|last| {
            let name = last.ident.to_string();
            let constant =
                name.len() > 1 && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            let variant = path.path.segments.len() > 1 && name.starts_with(|c: char| c.is_ascii_uppercase());
            constant || variant
        }),
        Expr::Call(call) => {
            call.args.is_empty()
                && matches!(&*call.func, Expr::Path(path) if {
                    let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                    names.ends_with(&["TypeId".to_string(), "of".to_string()])
                })
        }
        Expr::MethodCall(call) => {
            call.args.is_empty()
                && matches!(call.method.to_string().as_str(), "to_string" | "to_owned" | "into")
                && is_closed_key(&call.receiver)
        }
        _ => false,
    }
}

/// Whether a `for` loop's iterable is fixed in size: an array or slice
/// literal, a range between literals, the process's arguments, or (with
/// `variables`) a collection held in a variable.
fn finite_source(expr: &Expr, variables: bool) -> bool {
    match expr {
        Expr::Array(_) => true,
        Expr::Path(_) => variables,
        Expr::Reference(inner) => finite_source(&inner.expr, variables),
        Expr::Paren(inner) => finite_source(&inner.expr, variables),
        Expr::Range(range) => {
            [&range.start, &range.end].iter().all(|end| end.as_deref().is_some_and(|end| matches!(end, Expr::Lit(_))))
        }
        Expr::MethodCall(call)
            if matches!(call.method.to_string().as_str(), "iter" | "into_iter" | "skip" | "enumerate") =>
        {
            finite_source(&call.receiver, variables)
        }
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Path(path) if path.path.segments.last().is_some_and(|segment| segment.ident == "args" || segment.ident == "args_os"))
        }
        _ => false,
    }
}

fn bound_ident(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_string()),
        syn::Pat::Type(typed) => bound_ident(&typed.pat),
        syn::Pat::Guard(guarded) => bound_ident(&guarded.pat),
        syn::Pat::Reference(reference) => bound_ident(&reference.pat),
        syn::Pat::TupleStruct(tuple) if tuple.elems.len() == 1 => {
            let variant = tuple.path.segments.last()?.ident.to_string();
            matches!(variant.as_str(), "Some" | "Ok").then(|| bound_ident(&tuple.elems[0]))?
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for UseVisitor<'_, '_> {
    fn visit_item(&mut self, _item: &'ast syn::Item) {
        // Nested items are analysed on their own.
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        visit::visit_local(self, local);
        if let Some(init) = &local.init {
            self.bind(&local.pat, &init.expr);
        }
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        visit::visit_expr_let(self, expr);
        self.bind(&expr.pat, &expr.expr);
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        self.visit_expr(&expr.expr);
        for arm in &expr.arms {
            // `match cache.get(k) { Some(v) => .., None => .. }` binds `v` to a
            // looked-up element, as `if let` does.
            self.bind(&arm.pat, &expr.expr);
            // Visits the guard too, which syn keeps in the pattern.
            self.visit_pat(&arm.pat);
            self.visit_expr(&arm.body);
        }
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        self.in_condition += 1;
        self.visit_expr(&expr.cond);
        self.in_condition -= 1;
        self.visit_block(&expr.then_branch);
        if let Some((_, else_branch)) = &expr.else_branch {
            self.visit_expr(else_branch);
        }
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.in_condition += 1;
        self.visit_expr(&expr.cond);
        self.in_condition -= 1;
        // A loop may run for as long as the program does, even in `main`.
        let once = std::mem::take(&mut self.run_once);
        self.visit_block(&expr.body);
        self.run_once = once;
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        let once = std::mem::take(&mut self.run_once);
        visit::visit_expr_loop(self, expr);
        self.run_once = once;
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        // Over a fixed set (an array, a range of literals, the process's
        // arguments) a loop is bounded; over a reader or a channel it is not.
        // Inside an initialiser (`call_once`, `get_or_init`), a loop over a
        // collection it was given is bounded too; in `main`, a loop over a
        // variable may be a receiver or a listener.
        let given_data = !self.in_main;
        let once = if finite_source(&expr.expr, given_data) { self.run_once } else { 0 };
        let outer = std::mem::replace(&mut self.run_once, once);
        visit::visit_expr_for_loop(self, expr);
        self.run_once = outer;
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if let Some(root) = self.root_of(&call.receiver) {
            let span = call.method.span();
            if is(symbol::WITH_METHODS, &method) {
                let closure = call.args.iter().find_map(|arg| match arg {
                    Expr::Closure(closure) => Some(closure),
                    _ => None,
                });
                if let Some(name) = closure.and_then(|closure| closure.inputs.first()).and_then(bound_ident) {
                    self.aliases.insert(name, root.clone());
                }
            } else if is_access(call) {
            } else if is(symbol::SHRINK_METHODS, &method) {
                self.push(root, Op::Shrink, method.clone(), span);
            } else if is(symbol::GROW_METHODS, &method) {
                let bounded =
                    matches!(method.as_str(), "insert" | "entry") && call.args.first().is_some_and(is_closed_key);
                let stores = method == "insert"
                    && matches!((call.args.first(), call.args.get(1)), (Some(key), Some(value)) if self.is_stored_value(key, value));
                self.push(root, Op::Grow, method.clone(), span);
                if let Some(last) = self.uses.last_mut() {
                    last.stores = stores;
                }
                if bounded {
                    // Keys written out in the code (literals, constants, enum
                    // variants, `TypeId::of::<T>()`) are a closed set: the
                    // map cannot grow past it.
                    if let Some(last) = self.uses.last_mut() {
                        last.guarded = true;
                    }
                }
            } else if is(symbol::LOOKUP_METHODS, &method) {
                self.push(root, Op::Lookup, method.clone(), span);
            } else if matches!(method.as_str(), "values_mut" | "iter_mut") {
                // Mutable access to the values: they may be emptied there.
                self.push(root, Op::Touch, method.clone(), span);
            } else if method == "len" && self.in_condition > 0 {
                self.len_checked.insert(root);
            }
        }
        // `map.entry(k).or_default().push(..)`, `map.get_mut(&k).unwrap().clear()`:
        // growing or shrinking a value inside the map grows or shrinks the map.
        else if is(symbol::GROW_METHODS, &method) || is(symbol::SHRINK_METHODS, &method) {
            if let Some(root) = self.value_root(&call.receiver) {
                let op = if is(symbol::SHRINK_METHODS, &method) { Op::Shrink } else { Op::Grow };
                self.push(root, op, method.clone(), call.method.span());
                if let Some(last) = self.uses.last_mut() {
                    last.in_value = true;
                }
            }
        }
        // `map.entry(k).or_insert_with(..)`: a lookup that inserts on a miss.
        if is(symbol::ENTRY_INSERTS, &method) {
            if let Expr::MethodCall(entry) = &*call.receiver {
                if entry.method == "entry" {
                    if let Some(root) = self.root_of(&entry.receiver) {
                        self.push(root, Op::Lookup, format!("entry(..).{method}"), call.method.span());
                    }
                }
            }
        }
        self.check_args(&call.args);
        let outer = self.run_once;
        if method == "spawn" {
            // A spawned thread or task may loop for ever.
            self.run_once = 0;
        }
        self.run_once += usize::from(is(symbol::RUN_ONCE_METHODS, &method));
        visit::visit_expr_method_call(self, call);
        self.run_once = outer;
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let name = match &*call.func {
            Expr::Path(path) => path.path.segments.last().map(|segment| segment.ident.to_string()),
            _ => None,
        };
        match name.as_deref() {
            // `mem::take(&mut *CACHE.lock())`, `mem::replace(..)`, `mem::swap(..)`.
            Some(name) if is(symbol::RESET_FUNCTIONS, name) => {
                for arg in &call.args {
                    if let Some(root) = self.root_of(arg) {
                        self.push(root, Op::Shrink, format!("mem::{name}"), arg.span());
                    }
                }
            }
            Some("drop") => {}
            _ => self.check_args(&call.args),
        }
        // `LazyLock::new(|| ..)`: the closure runs once.
        let lazy_new = name.as_deref() == Some("new")
            && matches!(&*call.func, Expr::Path(path) if path.path.segments.iter().rev().nth(1).is_some_and(|wrapper| is(symbol::LAZY_WRAPPERS, &wrapper.ident.to_string())));
        let outer = self.run_once;
        if name.as_deref() == Some("spawn") {
            self.run_once = 0;
        }
        self.run_once += usize::from(lazy_new);
        visit::visit_expr_call(self, call);
        self.run_once = outer;
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        if !matches!(*assign.left, Expr::Index(_)) {
            if let Some(root) = self.root_of(&assign.left) {
                self.push(root, Op::Shrink, "=", assign.eq_token.span());
            }
        }
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        if matches!(binary.op, syn::BinOp::AddAssign(_)) {
            if let Some(root) = self.root_of(&binary.left) {
                self.push(root, Op::Grow, "+=", binary.op.span());
            }
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        let outer = std::mem::replace(&mut self.returning, self.returned.contains(&(expr as *const Expr)));
        visit::visit_expr(self, expr);
        self.returning = outer;
    }

    fn visit_expr_index(&mut self, index: &'ast syn::ExprIndex) {
        if self.returning {
            if let Some(root) = self.root_of(&index.expr) {
                self.push(root, Op::Lookup, "[..]", index.bracket_token.span.join());
            }
        }
        visit::visit_expr_index(self, index);
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if self.returning && path.qself.is_none() {
            if let Some(ident) = path.path.get_ident() {
                if let Some(root) = self.looked_up.get(&ident.to_string()).cloned() {
                    self.push(root, Op::Lookup, "get", ident.span());
                }
            }
        }
        if let Some(segment) = path.path.segments.last() {
            if let Some(id) = self.scope.resolve_static(&segment.ident, Some(self.fn_id)) {
                self.push(Root::Static(id), Op::Touch, "", segment.ident.span());
            }
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
        if matches!(name.as_str(), "thread_local" | "lazy_static") {
            // A declaration, collected with the statics.
            return;
        }
        let parsed = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone());
        match parsed {
            Ok(exprs) => {
                // `write!(buf, ..)` appends to `buf`.
                if matches!(name.as_str(), "write" | "writeln") {
                    if let Some(root) = exprs.first().and_then(|first| self.root_of(first)) {
                        self.push(root, Op::Grow, format!("{name}!"), mac.path.span());
                    }
                }
                for expr in &exprs {
                    self.visit_expr(expr);
                }
            }
            Err(_) => self.touch_idents(mac.tokens.clone()),
        }
    }
}

/// The expressions of a fn body whose value is the fn's result: the body's
/// tail and `return` operands, and, inside them, what passes the value on (the
/// tails of blocks and branches, the receiver of `clone()`/`copied()`/..., the
/// operand of `*`, `&` and `?`, the arguments of `Ok(..)`/`Some(..)`, the body
/// of a closure given to `with(..)`).
#[derive(Default)]
struct ReturnedExprs {
    exprs: HashSet<*const Expr>,
}

impl ReturnedExprs {
    fn mark_block(&mut self, block: &syn::Block) {
        if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
            self.mark(tail);
        }
    }

    fn mark(&mut self, expr: &Expr) {
        if !self.exprs.insert(expr as *const Expr) {
            return;
        }
        match expr {
            Expr::Paren(inner) => self.mark(&inner.expr),
            Expr::Group(inner) => self.mark(&inner.expr),
            Expr::Reference(inner) => self.mark(&inner.expr),
            Expr::Unary(inner) => self.mark(&inner.expr),
            Expr::Try(inner) => self.mark(&inner.expr),
            Expr::Cast(inner) => self.mark(&inner.expr),
            Expr::Await(inner) => self.mark(&inner.base),
            Expr::Block(inner) => self.mark_block(&inner.block),
            Expr::Unsafe(inner) => self.mark_block(&inner.block),
            Expr::If(inner) => {
                self.mark_block(&inner.then_branch);
                if let Some((_, else_branch)) = &inner.else_branch {
                    self.mark(else_branch);
                }
            }
            Expr::Match(inner) => {
                for arm in &inner.arms {
                    self.mark(&arm.body);
                }
            }
            Expr::Closure(closure) => self.mark(&closure.body),
            // The looked-up value itself, converted but not reduced: `a.clone()`,
            // `t.to_vec()`, `w.upgrade()`, `Arc::clone(a)`, `Some(x)`,
            // `entry(k).or_default().get_or_insert_with(f)`. A property of it
            // (`g.len()`) or a value computed from it is not the lookup.
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if is(symbol::PASS_THROUGH_METHODS, &method) || is(symbol::VALUE_CONVERSIONS, &method) {
                    self.mark(&call.receiver);
                }
                if is(symbol::WITH_METHODS, &method) || is(symbol::PASS_THROUGH_METHODS, &method) {
                    for arg in call.args.iter().filter(|arg| matches!(arg, Expr::Closure(_))) {
                        self.mark(arg);
                    }
                }
            }
            Expr::Call(call) => {
                let converts = match &*call.func {
                    Expr::Path(path) => path.path.segments.last().is_some_and(|segment| {
                        let name = segment.ident.to_string();
                        name.starts_with(char::is_uppercase) || is(symbol::VALUE_CONVERSIONS, &name)
                    }),
                    _ => false,
                };
                if converts {
                    for arg in &call.args {
                        self.mark(arg);
                    }
                }
            }
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for ReturnedExprs {
    fn visit_expr_return(&mut self, expr: &'ast syn::ExprReturn) {
        if let Some(value) = &expr.expr {
            self.mark(value);
        }
        visit::visit_expr_return(self, expr);
    }

    fn visit_item(&mut self, _item: &'ast syn::Item) {}
}

impl UseVisitor<'_, '_> {
    /// For macro bodies that are not expressions: a static named anywhere in
    /// them may be used in any way.
    fn touch_idents(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Ident(ident) => {
                    if let Some(id) = self.scope.resolve_static(&ident, Some(self.fn_id)) {
                        self.push(Root::Static(id), Op::Escape, "macro", ident.span());
                    }
                }
                proc_macro2::TokenTree::Group(group) => self.touch_idents(group.stream()),
                _ => {}
            }
        }
    }
}
