//! The generated code's model: a case is one module of structs (with
//! generics, derives, reprs, `cfg`'d fields, `Drop` impls), an enum, a nested
//! module, and the fns, impls and statics that build and destructure them.
//!
//! Every case is valid Rust by construction ([`Case::normalize`] enforces what
//! the compiler requires); the plain build still checks it.

/// A field type (instantiated with `T = u32`, `N = 3`, `'a = 'static`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `u8`
    U8,
    /// `u32`
    U32,
    /// `String`
    Str,
    /// `Vec<T0>` (or `Vec<u8>`)
    Vec,
    /// `Option<Box<u32>>`
    OptBox,
    /// `&'a str`
    Ref,
    /// `[u8; N]` (or `[u8; 3]`)
    Array,
    /// `PhantomData<T0>` (or `PhantomData<u8>`)
    Phantom,
    /// `HashMap<String, u32>`
    Map,
    /// `Rc<RefCell<Vec<u8>>>`
    RcCell,
    /// The type parameter `T<i>`.
    Param(u8),
}

/// A `cfg` on a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cfg {
    /// No `cfg`.
    None,
    /// `#[cfg(all())]`: always on.
    On,
    /// `#[cfg(any())]`: always off.
    Off,
    /// `#[cfg(test)]`: off in `cargo check`.
    Test,
}

/// A struct's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Named fields (counted).
    Named,
    /// A tuple struct (not counted).
    Tuple,
    /// A unit struct (not counted).
    Unit,
}

/// A `#[repr(..)]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repr {
    /// None.
    None,
    /// `repr(C)`
    C,
    /// `repr(transparent)`
    Transparent,
    /// `repr(packed)` (not counted)
    Packed,
    /// `repr(align(8))`
    Align,
    /// `repr(C, align(8))`
    CAlign,
}

/// A type parameter's bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bound {
    /// None.
    None,
    /// `Clone`
    Clone,
    /// `core::fmt::Debug + Clone`
    DebugClone,
    /// `'static`
    Static,
    /// `Default`
    Default,
}

/// A standard derive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Derive {
    /// `Clone`
    Clone,
    /// `Copy` (not counted)
    Copy,
    /// `Debug`
    Debug,
    /// `Default`
    Default,
    /// `PartialEq`
    PartialEq,
    /// `Eq`
    Eq,
    /// `Hash`
    Hash,
    /// `PartialOrd`
    PartialOrd,
    /// `Ord`
    Ord,
}

/// All derives, in dependency order.
pub const DERIVES: [Derive; 9] = [
    Derive::Clone,
    Derive::Copy,
    Derive::Debug,
    Derive::Default,
    Derive::PartialEq,
    Derive::Eq,
    Derive::Hash,
    Derive::PartialOrd,
    Derive::Ord,
];

/// serde derives and a container attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Serde {
    /// No serde derive.
    None,
    /// `Serialize, Deserialize`
    Plain,
    /// plus `#[serde(deny_unknown_fields)]`
    DenyUnknown,
    /// plus `#[serde(rename_all = "camelCase")]`
    RenameAll,
    /// plus `#[serde(default)]` (needs `Default`)
    Default,
    /// plus `#[serde(transparent)]` (one field)
    Transparent,
}

/// A struct literal form used inside the annotated module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lit {
    /// `S { f0, f1 }`
    Shorthand,
    /// `S { f0: v, ..Default::default() }`
    UpdateDefault,
    /// `S { f0: v, ..base }`
    UpdateBase,
    /// through `type A = S<..>`
    Alias,
    /// `Self { .. }` in an inherent impl
    SelfImpl,
    /// `use self::S as Renamed;` in a fn
    Rename,
    /// `self::S { .. }`
    QualifiedSelf,
    /// `crate::path::S { .. }`
    QualifiedCrate,
    /// in `impl From<u8> for S`
    FromImpl,
    /// in a closure
    InClosure,
    /// in `vec![..]`
    InVecMacro,
    /// in `Some(Box::new(..))`
    Nested,
    /// in a local `macro_rules!`
    MacroRules,
    /// in a `thread_local!` initializer
    ThreadLocal,
    /// in a `const` item (the struct is then not counted)
    ConstItem,
    /// in a `const fn` (the struct is then not counted)
    ConstFn,
    /// in `const _: () = assert!(S { .. }.f0 == ..);`
    ConstAssert,
}

/// A struct pattern form used inside the annotated module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pat {
    /// `let S { all fields } = s;`
    LetNoRest,
    /// `let S { f0, .. } = s;`
    LetRest,
    /// `match s { S { all fields } => .. }`
    MatchNoRest,
    /// `match s { S { f0: 1, .. } => .., _ => .. }`
    MatchRest,
    /// `fn f(S { f0, .. }: &S)`
    FnParam,
    /// `|S { f0, .. }: &S| ..`
    ClosureParam,
    /// `if let Some(S { f0, .. }) = ..`
    IfLetSome,
    /// `matches!(s, S { all fields })`
    Matches,
    /// `let Self { all fields } = self;`
    SelfPattern,
    /// `[S { all fields }]` in a slice pattern
    Slice,
}

/// A static holding instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Static {
    /// `static R: Mutex<Vec<S>>`
    MutexVec,
    /// `static M: LazyLock<Mutex<HashMap<u32, S>>>`
    LazyMap,
    /// `thread_local!` `RefCell<Vec<S>>` pushed into by a fn
    ThreadLocalPush,
    /// a literal inside `vec![..]` in a `LazyLock` initializer (counted: the
    /// exclusion pass does not look into macro arguments, the rewrite does)
    LazyLiteral,
    /// a literal directly in a `LazyLock` initializer (the struct is then not
    /// counted, as documented for static initializers)
    LazyLiteralPlain,
}

/// A field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Its type.
    pub ty: Ty,
    /// Its `cfg`.
    pub cfg: Cfg,
    /// 0: `pub`, 1: `pub(crate)`, 2: `pub(super)`.
    pub vis: u8,
}

/// A struct definition and its uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructDef {
    /// Its shape.
    pub kind: Kind,
    /// Whether it has a lifetime `'a`.
    pub lifetime: bool,
    /// Its type parameters' bounds.
    pub params: Vec<Bound>,
    /// Whether it has `const N: usize`.
    pub const_param: bool,
    /// Whether bounds are written in a where clause.
    pub where_clause: bool,
    /// Its fields.
    pub fields: Vec<Field>,
    /// Its standard derives.
    pub derives: Vec<Derive>,
    /// One `#[derive]` per trait instead of one list.
    pub split_derives: bool,
    /// serde derives.
    pub serde: Serde,
    /// Its repr.
    pub repr: Repr,
    /// A user `Drop` impl.
    pub drop_impl: bool,
    /// `#[non_exhaustive]`
    pub non_exhaustive: bool,
    /// Literal forms.
    pub lits: Vec<Lit>,
    /// Pattern forms.
    pub pats: Vec<Pat>,
    /// Statics.
    pub statics: Vec<Static>,
}

/// How the nested module names its parent's struct.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubForm {
    /// `use super::*;`
    GlobSuper,
    /// `use super::S0;`
    NamedUse,
    /// `use super::S0 as Parent;`
    Rename,
    /// `super::S0 { .. }`
    QualifiedSuper,
    /// `crate::path::S0 { .. }`
    QualifiedCrate,
}

/// A nested module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sub {
    /// How it names the parent's first struct.
    pub form: SubForm,
    /// It defines a struct the parent builds.
    pub own_struct: bool,
    /// It holds a module with an uncounted (`Copy`) struct of the same name as
    /// the parent's first struct.
    pub twin: bool,
    /// A module two levels down with `use super::super::*;`.
    pub deep_glob: bool,
}

/// An enum and its uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDef {
    /// Standard derives (`Default` via `#[default]` on the unit variant).
    pub derives: Vec<Derive>,
    /// serde derives.
    pub serde: bool,
    /// A variant with named fields called like the first struct, brought into
    /// a fn by `use Enum::*`.
    pub shadow_glob: bool,
}

/// One generated module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Case {
    /// Its structs (`S0`, `S1`, ...).
    pub structs: Vec<StructDef>,
    /// Its enum.
    pub enum_def: Option<EnumDef>,
    /// Its nested module.
    pub sub: Option<Sub>,
    /// A fn with a struct (and a `Drop` impl) defined in its body.
    pub local_struct: bool,
    /// The case module sits in a plain module (`nest_k::case_k`).
    pub nested: bool,
}

/// The generator's forms that hit the failures F1 to F7 of
/// `preservation/RESULTS.md`. The macro's counting safety net now keeps them
/// compiling, so they are generated unless `PRESERVATION_KNOWN_BUGS=0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Known {
    /// Generate the known-failing forms.
    pub enabled: bool,
}

impl Known {
    /// From the environment.
    #[must_use]
    pub fn from_env() -> Self {
        Known { enabled: std::env::var("PRESERVATION_KNOWN_BUGS").map_or(true, |value| value != "0") }
    }
}

impl Ty {
    /// Whether the field type has the derive's trait (with `T = u32`).
    #[must_use]
    pub fn supports(self, derive: Derive, const_param: bool) -> bool {
        match derive {
            Derive::Clone | Derive::Debug | Derive::PartialEq | Derive::Eq => true,
            Derive::Copy => matches!(self, Ty::U8 | Ty::U32 | Ty::Ref | Ty::Array | Ty::Phantom | Ty::Param(_)),
            Derive::Default => !(self == Ty::Array && const_param),
            Derive::Hash => !matches!(self, Ty::Map | Ty::RcCell),
            Derive::PartialOrd | Derive::Ord => self != Ty::Map,
        }
    }

    /// Whether serde derives work for it.
    #[must_use]
    pub fn serde(self, const_param: bool) -> bool {
        match self {
            Ty::RcCell => false,
            Ty::Array => !const_param,
            _ => true,
        }
    }

    /// Whether it is `Send` (for statics).
    #[must_use]
    pub fn send(self) -> bool {
        self != Ty::RcCell
    }

    /// Whether a value can be built in a const context.
    #[must_use]
    pub fn const_constructible(self) -> bool {
        !matches!(self, Ty::Map | Ty::RcCell)
    }

    /// Whether it is `Copy` with `T = u32`.
    #[must_use]
    pub fn copy(self) -> bool {
        self.supports(Derive::Copy, false)
    }
}

impl StructDef {
    /// Whether the documentation says this struct is counted.
    #[must_use]
    pub fn counted(&self) -> bool {
        self.kind == Kind::Named
            && !self.derives.contains(&Derive::Copy)
            && self.repr != Repr::Packed
            && !self.lits.iter().any(|lit| matches!(lit, Lit::ConstItem | Lit::ConstFn))
            && !self.statics.contains(&Static::LazyLiteralPlain)
    }

    /// The fields that exist in a `cargo check` build.
    pub fn live_fields(&self) -> impl Iterator<Item = (usize, &Field)> {
        self.fields.iter().enumerate().filter(|(_, field)| matches!(field.cfg, Cfg::None | Cfg::On))
    }

    fn uses_param(&self, param: u8) -> bool {
        self.fields.iter().any(|field| {
            field.cfg == Cfg::None
                && (field.ty == Ty::Param(param) || (param == 0 && matches!(field.ty, Ty::Vec | Ty::Phantom)))
        })
    }

    /// Makes the struct valid Rust and its uses valid for it.
    #[allow(clippy::too_many_lines)]
    pub fn normalize(&mut self) {
        match self.kind {
            Kind::Unit => {
                self.fields.clear();
                self.lifetime = false;
                self.params.clear();
                self.const_param = false;
                self.repr = Repr::None;
                self.lits.retain(|lit| matches!(lit, Lit::Alias | Lit::QualifiedSelf | Lit::Rename | Lit::ConstItem));
                self.pats.retain(|pat| *pat == Pat::Matches);
                if self.serde == Serde::Transparent || self.serde == Serde::Default {
                    self.serde = Serde::Plain;
                }
            }
            Kind::Tuple => {
                for field in &mut self.fields {
                    field.cfg = Cfg::None;
                }
                self.lits.retain(|lit| *lit != Lit::Shorthand);
            }
            Kind::Named => {}
        }
        self.params.truncate(2);
        if self.repr == Repr::Transparent {
            self.lifetime = false;
            self.const_param = false;
            self.params.truncate(1);
            let main = if self.params.is_empty() {
                self.fields.iter().map(|field| field.ty).find(|ty| !matches!(ty, Ty::Phantom | Ty::Param(_)))
            } else {
                Some(Ty::Param(0))
            };
            let main = main.filter(|ty| *ty != Ty::Ref && *ty != Ty::Array).unwrap_or(Ty::U32);
            let phantom = self.fields.iter().any(|field| field.ty == Ty::Phantom);
            let vis = self.fields.first().map_or(0, |field| field.vis);
            self.fields = vec![Field { ty: main, cfg: Cfg::None, vis }];
            if phantom {
                self.fields.push(Field { ty: Ty::Phantom, cfg: Cfg::None, vis });
            }
        }
        if self.repr == Repr::Packed {
            self.lifetime = false;
            self.const_param = false;
            self.params.clear();
            for field in &mut self.fields {
                field.ty = Ty::U8;
            }
            for derive in [Derive::Clone, Derive::Copy] {
                if !self.derives.contains(&derive) {
                    self.derives.push(derive);
                }
            }
        }
        if self.kind != Kind::Unit {
            for field in &mut self.fields {
                if let Ty::Param(index) = field.ty {
                    if usize::from(index) >= self.params.len() {
                        field.ty = Ty::U32;
                    }
                }
                if field.ty == Ty::Ref && !self.lifetime {
                    field.ty = Ty::Str;
                }
            }
            if self.lifetime && !self.fields.iter().any(|field| field.ty == Ty::Ref && field.cfg == Cfg::None) {
                self.fields.push(Field { ty: Ty::Ref, cfg: Cfg::None, vis: 0 });
            }
            for param in 0..self.params.len() {
                let param = u8::try_from(param).unwrap_or(0);
                if !self.uses_param(param) {
                    self.fields.push(Field { ty: Ty::Param(param), cfg: Cfg::None, vis: 0 });
                }
            }
            if !self.fields.iter().any(|field| field.cfg == Cfg::None) {
                self.fields.push(Field { ty: Ty::U8, cfg: Cfg::None, vis: 0 });
            }
        }

        // Derives: only what every field supports, closed under the
        // supertraits.
        let const_param = self.const_param;
        let fields = self.fields.clone();
        self.derives.sort();
        self.derives.dedup();
        self.derives.retain(|derive| fields.iter().all(|field| field.ty.supports(*derive, const_param)));
        loop {
            let before = self.derives.len();
            let has = self.derives.clone();
            self.derives.retain(|derive| match derive {
                Derive::Copy => has.contains(&Derive::Clone),
                Derive::Eq | Derive::PartialOrd => has.contains(&Derive::PartialEq),
                Derive::Ord => has.contains(&Derive::Eq) && has.contains(&Derive::PartialOrd),
                _ => true,
            });
            if self.derives.len() == before {
                break;
            }
        }
        if self.derives.contains(&Derive::Copy) {
            self.drop_impl = false;
        }
        if self.serde != Serde::None {
            // serde_derive rejects const generics; with a user `Drop`,
            // `default` and `transparent` move fields out of the value.
            let ok = !const_param && self.fields.iter().all(|field| field.ty.serde(const_param));
            let drop_moves = self.drop_impl && matches!(self.serde, Serde::Default | Serde::Transparent);
            if !ok || drop_moves {
                self.serde = Serde::None;
            } else if (self.serde == Serde::Default && !self.derives.contains(&Derive::Default))
                || (self.serde == Serde::Transparent && self.live_fields().count() != 1)
            {
                self.serde = Serde::Plain;
            }
        }

        let copy_rest =
            |except_first: bool| self.live_fields().skip(usize::from(except_first)).all(|(_, field)| field.ty.copy());
        let update_base_ok = !self.drop_impl || copy_rest(true);
        let has_default = self.derives.contains(&Derive::Default);
        let const_ok = self.fields.iter().all(|field| field.ty.const_constructible());
        let send = self.fields.iter().all(|field| field.ty.send());
        let const_assert_ok = self.kind != Kind::Unit
            && !self.drop_impl
            && self.live_fields().all(|(_, field)| field.ty.copy() && field.ty != Ty::Ref)
            && self.live_fields().next().is_some_and(|(_, field)| matches!(field.ty, Ty::U8 | Ty::U32 | Ty::Param(_)));
        let mut seen = Vec::new();
        self.lits.retain(|lit| {
            let ok = !seen.contains(lit)
                && match lit {
                    Lit::UpdateDefault => has_default && update_base_ok,
                    Lit::UpdateBase => update_base_ok,
                    Lit::ConstItem | Lit::ConstFn => const_ok,
                    Lit::ConstAssert => const_assert_ok,
                    _ => true,
                };
            seen.push(*lit);
            ok
        });
        let mut seen = Vec::new();
        self.pats.retain(|pat| {
            let ok = !seen.contains(pat);
            seen.push(*pat);
            ok
        });
        let mut seen = Vec::new();
        self.statics.retain(|item| {
            let ok = !seen.contains(item)
                && match item {
                    Static::MutexVec | Static::LazyMap | Static::LazyLiteral | Static::LazyLiteralPlain => send,
                    Static::ThreadLocalPush => true,
                };
            seen.push(*item);
            ok
        });
    }
}

impl Case {
    /// Makes every part valid, and drops the known-failing forms unless
    /// `known.enabled`.
    pub fn normalize(&mut self, known: Known) {
        for def in &mut self.structs {
            def.normalize();
            if !known.enabled {
                def.lits.retain(|lit| !matches!(lit, Lit::MacroRules | Lit::ThreadLocal | Lit::ConstAssert));
                if self.nested {
                    def.lits.retain(|lit| *lit != Lit::QualifiedCrate);
                }
            }
        }
        let first_named = self.structs.first().is_some_and(|def| def.kind == Kind::Named);
        if let Some(sub) = &mut self.sub {
            if !known.enabled {
                sub.twin = false;
                sub.deep_glob = false;
                if self.nested && sub.form == SubForm::QualifiedCrate {
                    sub.form = SubForm::QualifiedSuper;
                }
            }
            if !first_named {
                sub.twin = false;
                sub.deep_glob = false;
            }
        }
        if let Some(def) = &mut self.enum_def {
            if !first_named || !known.enabled {
                def.shadow_glob = false;
            }
            def.derives.sort();
            def.derives.dedup();
            def.derives.retain(|derive| *derive != Derive::Copy);
            let has = def.derives.clone();
            def.derives.retain(|derive| match derive {
                Derive::Eq | Derive::PartialOrd => has.contains(&Derive::PartialEq),
                Derive::Ord => has.contains(&Derive::Eq) && has.contains(&Derive::PartialOrd),
                _ => true,
            });
            let has = def.derives.clone();
            def.derives.retain(|derive| *derive != Derive::Ord || has.contains(&Derive::PartialOrd));
        }
    }

    /// Smaller variants of the case, for minimising a failure: each removes
    /// one part or one feature.
    #[must_use]
    pub fn reductions(&self) -> Vec<Case> {
        let mut out = Vec::new();
        let mut push = |mut case: Case| {
            case.normalize(Known { enabled: true });
            if case != *self {
                out.push(case);
            }
        };
        for index in 0..self.structs.len() {
            let mut case = self.clone();
            case.structs.remove(index);
            push(case);
        }
        if self.enum_def.is_some() {
            push(Case { enum_def: None, ..self.clone() });
        }
        if self.sub.is_some() {
            push(Case { sub: None, ..self.clone() });
        }
        if let Some(sub) = &self.sub {
            for change in 0..4 {
                let mut sub = sub.clone();
                match change {
                    0 => sub.own_struct = false,
                    1 => sub.twin = false,
                    2 => sub.deep_glob = false,
                    _ => sub.form = SubForm::GlobSuper,
                }
                push(Case { sub: Some(sub), ..self.clone() });
            }
        }
        if let Some(def) = &self.enum_def {
            for index in 0..def.derives.len() {
                let mut def = def.clone();
                def.derives.remove(index);
                push(Case { enum_def: Some(def), ..self.clone() });
            }
            push(Case { enum_def: Some(EnumDef { serde: false, ..def.clone() }), ..self.clone() });
            push(Case { enum_def: Some(EnumDef { shadow_glob: false, ..def.clone() }), ..self.clone() });
        }
        push(Case { local_struct: false, ..self.clone() });
        push(Case { nested: false, ..self.clone() });
        for (index, def) in self.structs.iter().enumerate() {
            let mut variants: Vec<StructDef> = Vec::new();
            for i in 0..def.lits.len() {
                let mut d = def.clone();
                d.lits.remove(i);
                variants.push(d);
            }
            for i in 0..def.pats.len() {
                let mut d = def.clone();
                d.pats.remove(i);
                variants.push(d);
            }
            for i in 0..def.statics.len() {
                let mut d = def.clone();
                d.statics.remove(i);
                variants.push(d);
            }
            for i in 0..def.derives.len() {
                let mut d = def.clone();
                d.derives.remove(i);
                variants.push(d);
            }
            for i in 0..def.fields.len() {
                let mut d = def.clone();
                d.fields.remove(i);
                variants.push(d);
            }
            for i in 0..def.fields.len() {
                let mut d = def.clone();
                d.fields[i].cfg = Cfg::None;
                d.fields[i].vis = 0;
                if !matches!(d.fields[i].ty, Ty::U8) {
                    let mut e = d.clone();
                    e.fields[i].ty = Ty::U8;
                    variants.push(e);
                }
                variants.push(d);
            }
            variants.push(StructDef { serde: Serde::None, ..def.clone() });
            variants.push(StructDef { repr: Repr::None, ..def.clone() });
            variants.push(StructDef { drop_impl: false, ..def.clone() });
            variants.push(StructDef { non_exhaustive: false, ..def.clone() });
            variants.push(StructDef { split_derives: false, ..def.clone() });
            variants.push(StructDef { where_clause: false, ..def.clone() });
            variants.push(StructDef { lifetime: false, ..def.clone() });
            variants.push(StructDef { const_param: false, ..def.clone() });
            if !def.params.is_empty() {
                let mut d = def.clone();
                d.params.pop();
                variants.push(d);
                let mut d = def.clone();
                d.params.iter_mut().for_each(|bound| *bound = Bound::None);
                variants.push(d);
            }
            for variant in variants {
                let mut case = self.clone();
                case.structs[index] = variant;
                push(case);
            }
        }
        out
    }
}
