//! proptest strategies for [`Case`]s.

use proptest::collection::vec;
use proptest::prelude::*;

use crate::model::{
    Bound, Case, Cfg, Derive, EnumDef, Field, Kind, Known, Lit, Pat, Repr, Serde, Static, StructDef, Sub, SubForm, Ty,
    DERIVES,
};

fn ty() -> impl Strategy<Value = Ty> {
    prop_oneof![
        3 => Just(Ty::U8),
        2 => Just(Ty::U32),
        3 => Just(Ty::Str),
        1 => Just(Ty::Vec),
        1 => Just(Ty::OptBox),
        1 => Just(Ty::Ref),
        1 => Just(Ty::Array),
        1 => Just(Ty::Phantom),
        1 => Just(Ty::Map),
        1 => Just(Ty::RcCell),
        2 => (0u8..2).prop_map(Ty::Param),
    ]
}

fn cfg() -> impl Strategy<Value = Cfg> {
    prop_oneof![8 => Just(Cfg::None), 1 => Just(Cfg::On), 1 => Just(Cfg::Off), 1 => Just(Cfg::Test)]
}

fn field() -> impl Strategy<Value = Field> {
    (ty(), cfg(), prop_oneof![4 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)]).prop_map(|(ty, cfg, vis)| Field {
        ty,
        cfg,
        vis,
    })
}

fn bound() -> impl Strategy<Value = Bound> {
    prop_oneof![
        Just(Bound::None),
        Just(Bound::Clone),
        Just(Bound::DebugClone),
        Just(Bound::Static),
        Just(Bound::Default)
    ]
}

fn lit() -> impl Strategy<Value = Lit> {
    prop_oneof![
        Just(Lit::Shorthand),
        Just(Lit::UpdateDefault),
        Just(Lit::UpdateBase),
        Just(Lit::Alias),
        Just(Lit::SelfImpl),
        Just(Lit::Rename),
        Just(Lit::QualifiedSelf),
        Just(Lit::QualifiedCrate),
        Just(Lit::FromImpl),
        Just(Lit::InClosure),
        Just(Lit::InVecMacro),
        Just(Lit::Nested),
        Just(Lit::MacroRules),
        Just(Lit::ThreadLocal),
        Just(Lit::ConstItem),
        Just(Lit::ConstFn),
        Just(Lit::ConstAssert),
    ]
}

fn pat() -> impl Strategy<Value = Pat> {
    prop_oneof![
        Just(Pat::LetNoRest),
        Just(Pat::LetRest),
        Just(Pat::MatchNoRest),
        Just(Pat::MatchRest),
        Just(Pat::FnParam),
        Just(Pat::ClosureParam),
        Just(Pat::IfLetSome),
        Just(Pat::Matches),
        Just(Pat::SelfPattern),
        Just(Pat::Slice),
    ]
}

fn statik() -> impl Strategy<Value = Static> {
    prop_oneof![
        3 => Just(Static::MutexVec),
        3 => Just(Static::LazyMap),
        3 => Just(Static::ThreadLocalPush),
        1 => Just(Static::LazyLiteral),
        1 => Just(Static::LazyLiteralPlain),
    ]
}

fn derive_set() -> impl Strategy<Value = Vec<Derive>> {
    // Each derive with probability ~1/2 (Copy ~1/8: it makes the struct
    // uncounted).
    (vec(any::<bool>(), DERIVES.len()), 0u8..8).prop_map(|(picks, copy)| {
        DERIVES
            .iter()
            .zip(picks)
            .filter(|(derive, pick)| if **derive == Derive::Copy { copy == 0 } else { *pick })
            .map(|(derive, _)| *derive)
            .collect()
    })
}

fn struct_def() -> impl Strategy<Value = StructDef> {
    let shape = (
        prop_oneof![8 => Just(Kind::Named), 1 => Just(Kind::Tuple), 1 => Just(Kind::Unit)],
        prop_oneof![3 => Just(false), 1 => Just(true)],
        vec(bound(), 0..=2),
        prop_oneof![3 => Just(false), 1 => Just(true)],
        any::<bool>(),
        vec(field(), 1..6),
    );
    let attrs = (
        derive_set(),
        any::<bool>(),
        prop_oneof![
            4 => Just(Serde::None),
            2 => Just(Serde::Plain),
            1 => Just(Serde::DenyUnknown),
            1 => Just(Serde::RenameAll),
            1 => Just(Serde::Default),
            1 => Just(Serde::Transparent)
        ],
        prop_oneof![
            6 => Just(Repr::None),
            2 => Just(Repr::C),
            1 => Just(Repr::Transparent),
            1 => Just(Repr::Packed),
            1 => Just(Repr::Align),
            1 => Just(Repr::CAlign)
        ],
        prop_oneof![2 => Just(false), 1 => Just(true)],
        prop_oneof![5 => Just(false), 1 => Just(true)],
    );
    let uses = (vec(lit(), 0..5), vec(pat(), 0..5), vec(statik(), 0..3));
    (shape, attrs, uses).prop_map(
        |(
            (kind, lifetime, params, const_param, where_clause, fields),
            (derives, split_derives, serde, repr, drop_impl, non_exhaustive),
            (lits, pats, statics),
        )| StructDef {
            kind,
            lifetime,
            params,
            const_param,
            where_clause,
            fields,
            derives,
            split_derives,
            serde,
            repr,
            drop_impl,
            non_exhaustive,
            lits,
            pats,
            statics,
        },
    )
}

fn sub() -> impl Strategy<Value = Sub> {
    (
        prop_oneof![
            Just(SubForm::GlobSuper),
            Just(SubForm::NamedUse),
            Just(SubForm::Rename),
            Just(SubForm::QualifiedSuper),
            Just(SubForm::QualifiedCrate)
        ],
        any::<bool>(),
        prop_oneof![3 => Just(false), 1 => Just(true)],
        prop_oneof![3 => Just(false), 1 => Just(true)],
    )
        .prop_map(|(form, own_struct, twin, deep_glob)| Sub { form, own_struct, twin, deep_glob })
}

fn enum_def() -> impl Strategy<Value = EnumDef> {
    (derive_set(), any::<bool>(), prop_oneof![3 => Just(false), 1 => Just(true)])
        .prop_map(|(derives, serde, shadow_glob)| EnumDef { derives, serde, shadow_glob })
}

/// A normalised case; known-failing forms only when `known.enabled`.
pub fn case(known: Known) -> impl Strategy<Value = Case> {
    (
        vec(struct_def(), 1..=3),
        proptest::option::weighted(0.4, enum_def()),
        proptest::option::weighted(0.5, sub()),
        prop_oneof![3 => Just(false), 1 => Just(true)],
        prop_oneof![4 => Just(false), 1 => Just(true)],
    )
        .prop_map(move |(structs, enum_def, sub, local_struct, nested)| {
            let mut case = Case { structs, enum_def, sub, local_struct, nested };
            case.normalize(known);
            case
        })
}
