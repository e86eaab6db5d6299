//! Pass 1: the items of the scope and the settings in force at each.
//!
//! Walks the items it is given (modules, fn bodies, impls, the tokens of
//! `thread_local!` and `lazy_static!`) and collects type definitions with
//! their fields, aliases, statics, traits, `impl Trait for Type` pairs and fn
//! bodies, each with the span of the user's tokens and the
//! `#[leak_audit(..)]` settings in force there. Test-only code is left out.

use std::borrow::Cow;
use std::collections::HashSet;

use proc_macro2::Span;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Ident, Token};

use super::settings::{Settings, SettingsId};
use crate::finding::FileId;
use crate::lint::Lint;
use crate::source::Source;

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
    /// Whether all the code that can use its private fields is in the scope
    /// (false for a top-level type of an attribute's input, whose module
    /// holds code the attribute does not see).
    pub(crate) whole_module: bool,
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
    /// Whether only its own module can use it (no `pub`; fields of enum
    /// variants are as visible as their enum).
    pub(crate) private: bool,
}

/// A `type` alias.
#[derive(Debug)]
pub(crate) struct Alias<'a> {
    pub(crate) name: &'a Ident,
    pub(crate) generics: &'a syn::Generics,
    pub(crate) ty: &'a syn::Type,
    pub(crate) file: FileId,
    /// The inline modules (and fn bodies) it is declared in, as for types.
    pub(crate) module: Vec<String>,
}

/// A name a `use` declaration brings into a module: `Fence` for `use
/// ash::vk::Fence;`, `Shared` for `use std::rc::Rc as Shared;`, `vk` for
/// `use ash::vk;`.
#[derive(Debug)]
pub(crate) struct Import {
    /// The module (and fn bodies) the declaration is in.
    pub(crate) module: Vec<String>,
    /// The name it is known by there.
    pub(crate) name: String,
    /// The path it stands for, from the declaration (`["ash", "vk", "Fence"]`,
    /// `["std", "rc", "Rc"]`).
    pub(crate) path: Vec<String>,
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
    /// Code outside the crate can name it: it is `pub`, declared outside any
    /// fn, and no module on its path is private (`mod`, `pub(crate) mod`).
    pub(crate) reachable: bool,
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
    /// The inline modules (and fn bodies) it is declared in, as for types.
    pub(crate) module: Vec<String>,
    /// Callable from outside the crate's code in scope: `pub`, or a method of
    /// a trait.
    pub(crate) is_pub: bool,
}

/// Everything pass 1 collects.
#[derive(Debug)]
pub(crate) struct Items<'a> {
    pub(crate) types: Vec<TypeDef<'a>>,
    pub(crate) aliases: Vec<Alias<'a>>,
    pub(crate) imports: Vec<Import>,
    /// The names of the modules of the scope (inline, and the files' own).
    pub(crate) modules: HashSet<String>,
    pub(crate) statics: Vec<StaticDef<'a>>,
    pub(crate) fns: Vec<FnDef<'a>>,
    /// Traits defined in the scope: name, and where (module, file).
    pub(crate) traits: Vec<(String, Vec<String>, FileId)>,
    /// `impl Trait for Type` of the scope: the trait's and the self type's
    /// paths, with where they were written (module, file).
    pub(crate) impl_paths: Vec<(&'a syn::Path, &'a syn::Path, Vec<String>, FileId)>,
    pub(crate) settings: Settings,
    pub(crate) errors: Vec<(FileId, syn::Error)>,
    /// While collecting: the module path of the items being collected.
    module: Vec<String>,
    /// The paths of the modules declared without `pub`, inline or as files.
    private_modules: Vec<Vec<String>>,
    /// The module path of the source being collected, when it is a fragment
    /// of that module.
    fragment: Option<Vec<String>>,
}

/// Collects the items of `sources`, whose attributes name lints of `lints`.
pub(crate) fn collect<'a>(sources: &[Source<'a>], lints: &'static [&'static Lint]) -> Items<'a> {
    let mut items = Items {
        types: Vec::new(),
        aliases: Vec::new(),
        imports: Vec::new(),
        modules: HashSet::new(),
        statics: Vec::new(),
        fns: Vec::new(),
        traits: Vec::new(),
        impl_paths: Vec::new(),
        settings: Settings::new(lints),
        errors: Vec::new(),
        module: Vec::new(),
        private_modules: Vec::new(),
        fragment: None,
    };
    for source in sources {
        items.fragment = source.fragment.then(|| source.module.to_vec());
        items.module = source.module.to_vec();
        items.modules.extend(source.module.iter().cloned());
        items.collect_items(source.items.iter(), source.file, SettingsId::ROOT, None);
    }
    items.module.clear();
    for def in &mut items.statics {
        def.reachable = def.is_pub
            && def.owner_fn.is_none()
            && !items.private_modules.iter().any(|private| def.module.starts_with(private));
    }
    items
}

impl<'a> Items<'a> {
    /// Whether all the code of the module being collected is in the scope.
    fn whole_module(&self) -> bool {
        self.fragment.as_ref() != Some(&self.module)
    }

    /// The settings node in force inside an item with `attrs`.
    fn settings(&mut self, attrs: &[syn::Attribute], file: FileId, parent: SettingsId) -> SettingsId {
        self.settings.child(attrs, file, parent, &mut self.errors)
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
            // Test code runs in test builds only: its growth and its
            // clean-ups are not the program's.
            syn::Item::Mod(def) if is_test_only(&def.attrs) => {}
            syn::Item::Fn(def) if is_test_only(&def.attrs) => {}
            syn::Item::Impl(def) if is_test_only(&def.attrs) => {}
            syn::Item::Static(def) if is_test_only(&def.attrs) => {}
            syn::Item::Struct(def) if is_test_only(&def.attrs) => {}
            syn::Item::Enum(def) if is_test_only(&def.attrs) => {}
            syn::Item::Macro(def) if is_test_only(&def.attrs) => {}
            syn::Item::Trait(def) if is_test_only(&def.attrs) => {}
            syn::Item::Struct(def) => {
                let settings = self.settings(&def.attrs, file, parent);
                let fields = self.fields(&def.fields, None, file, settings);
                self.types.push(TypeDef {
                    name: &def.ident,
                    file,
                    generics: &def.generics,
                    fields,
                    settings,
                    module: self.module.clone(),
                    whole_module: self.whole_module(),
                });
            }
            syn::Item::Union(def) => {
                let settings = self.settings(&def.attrs, file, parent);
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
                    whole_module: self.whole_module(),
                });
            }
            syn::Item::Enum(def) => {
                let settings = self.settings(&def.attrs, file, parent);
                let mut fields = Vec::new();
                for variant in &def.variants {
                    let variant_settings = self.settings(&variant.attrs, file, settings);
                    fields.extend(self.fields(&variant.fields, Some(&variant.ident), file, variant_settings));
                }
                self.types.push(TypeDef {
                    name: &def.ident,
                    file,
                    generics: &def.generics,
                    fields,
                    settings,
                    module: self.module.clone(),
                    whole_module: self.whole_module(),
                });
            }
            syn::Item::Type(alias) => self.aliases.push(Alias {
                name: &alias.ident,
                generics: &alias.generics,
                ty: &alias.ty,
                file,
                module: self.module.clone(),
            }),
            syn::Item::Use(def) => self.collect_use(&def.tree, Vec::new()),
            syn::Item::Static(def) => {
                let settings = self.settings(&def.attrs, file, parent);
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
                    reachable: false,
                });
            }
            syn::Item::Macro(def) => {
                let settings = self.settings(&def.attrs, file, parent);
                self.collect_macro(&def.mac, file, settings, owner_fn);
            }
            syn::Item::Mod(def) => {
                let settings = self.settings(&def.attrs, file, parent);
                self.modules.insert(def.ident.to_string());
                if !is_pub(&def.vis) {
                    let mut path = self.module.clone();
                    path.push(def.ident.to_string());
                    self.private_modules.push(path);
                }
                if let Some((_, items)) = &def.content {
                    self.module.push(def.ident.to_string());
                    self.collect_items(items, file, settings, owner_fn);
                    self.module.pop();
                }
            }
            syn::Item::Fn(def) => {
                let settings = self.settings(&def.attrs, file, parent);
                self.collect_fn(&def.sig, &def.attrs, &def.block, None, is_pub(&def.vis), file, settings, owner_fn);
            }
            syn::Item::Impl(def) => {
                let settings = self.settings(&def.attrs, file, parent);
                let self_ty = crate::types::segment(&def.self_ty).map(|segment| segment.name);
                if let (Some((trait_path, _)), syn::Type::Path(self_path)) = (&def.trait_, &*def.self_ty) {
                    self.impl_paths.push((trait_path, &self_path.path, self.module.clone(), file));
                }
                for impl_item in &def.items {
                    if let syn::ImplItem::Fn(method) = impl_item {
                        if is_test_only(&method.attrs) {
                            continue;
                        }
                        let settings = self.settings(&method.attrs, file, settings);
                        self.collect_fn(
                            &method.sig,
                            &method.attrs,
                            &method.block,
                            self_ty.clone(),
                            def.trait_.is_some() || is_pub(&method.vis),
                            file,
                            settings,
                            owner_fn,
                        );
                    }
                }
            }
            syn::Item::Trait(def) => {
                self.traits.push((def.ident.to_string(), self.module.clone(), file));
                let settings = self.settings(&def.attrs, file, parent);
                for trait_item in &def.items {
                    if let syn::TraitItem::Fn(method) = trait_item {
                        if let Some(block) = &method.default {
                            let settings = self.settings(&method.attrs, file, settings);
                            self.collect_fn(&method.sig, &method.attrs, block, None, true, file, settings, owner_fn);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The names a `use` tree brings into the current module (globs bring
    /// names the analysis cannot list, and are left out).
    fn collect_use(&mut self, tree: &syn::UseTree, mut prefix: Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.collect_use(&path.tree, prefix);
            }
            syn::UseTree::Name(name) => {
                let ident = name.ident.to_string();
                // `use a::b::{self}` names the module `b`.
                let (name, path) = if ident == "self" {
                    (prefix.last().cloned().unwrap_or_default(), prefix)
                } else {
                    prefix.push(ident.clone());
                    (ident, prefix)
                };
                self.imports.push(Import { module: self.module.clone(), name, path });
            }
            syn::UseTree::Rename(rename) => {
                let ident = rename.ident.to_string();
                if ident != "self" {
                    prefix.push(ident);
                }
                let name = rename.rename.to_string();
                if name != "_" {
                    self.imports.push(Import { module: self.module.clone(), name, path: prefix });
                }
            }
            syn::UseTree::Group(group) => {
                for item in &group.items {
                    self.collect_use(item, prefix.clone());
                }
            }
            syn::UseTree::Glob(_) => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_fn(
        &mut self,
        sig: &'a syn::Signature,
        attrs: &'a [syn::Attribute],
        body: &'a syn::Block,
        self_ty: Option<String>,
        is_pub: bool,
        file: FileId,
        settings: SettingsId,
        parent_fn: Option<usize>,
    ) {
        let id = self.fns.len();
        let module = self.module.clone();
        self.fns.push(FnDef { name: &sig.ident, sig, attrs, self_ty, body, file, settings, parent_fn, module, is_pub });
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
                    def.private = false;
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
        let settings = self.settings(&field.attrs, file, settings);
        FieldDef {
            label: label.unwrap_or_default(),
            name: field.ident.as_ref(),
            ty: &field.ty,
            span: field.ident.as_ref().map_or_else(|| field.ty.span(), Ident::span),
            settings,
            private: matches!(field.vis, syn::Visibility::Inherited),
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
            let settings = self.settings(&decl.attrs, file, settings);
            self.statics.push(StaticDef {
                name: decl.name,
                ty: Cow::Owned(decl.ty),
                file,
                kind,
                is_pub: decl.is_pub,
                settings,
                owner_fn,
                module: self.module.clone(),
                reachable: false,
            });
        }
    }
}

/// An item compiled into test builds only: `#[test]` (and `#[tokio::test]`
/// and the like), or a `#[cfg(..)]` that holds only in tests (see
/// [`test_only_cfg`]).
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().segments.last().is_some_and(|last| last.ident == "test")
            || (attr.path().is_ident("cfg") && attr.parse_args::<syn::Meta>().is_ok_and(|meta| test_only_cfg(&meta)))
    })
}

/// Whether a `cfg` predicate holds only in test builds: `test`, `doctest`,
/// a feature named for tests (`feature = "test-utils"`, `"testing"`,
/// `"mock"`, `"fuzzing"`), `all(..)` with one of those, `any(..)` of only
/// those.
fn test_only_cfg(meta: &syn::Meta) -> bool {
    match meta {
        syn::Meta::Path(path) => path.is_ident("test") || path.is_ident("doctest") || path.is_ident("fuzzing"),
        syn::Meta::NameValue(pair) if pair.path.is_ident("feature") => match &pair.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. }) => {
                let name = name.value().to_ascii_lowercase();
                name.contains("test") || name.contains("mock") || name.contains("fuzz")
            }
            _ => false,
        },
        syn::Meta::List(list) => {
            let Ok(args) = list.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated) else {
                return false;
            };
            if list.path.is_ident("all") {
                args.iter().any(test_only_cfg)
            } else if list.path.is_ident("any") {
                !args.is_empty() && args.iter().all(test_only_cfg)
            } else {
                false
            }
        }
        _ => false,
    }
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
