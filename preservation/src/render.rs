//! Rendering cases as Rust source: the case module (annotated or not), a
//! module using it from outside in the allowed ways, and a module (behind the
//! `outside` feature) using it in the ways documented to fail.

use std::fmt::Write as _;

use crate::model::{Bound, Case, Cfg, Derive, Kind, Lit, Pat, Repr, Serde, Static, StructDef, SubForm, Ty};

/// A rendered batch: one crate with many cases.
#[derive(Clone, Debug)]
pub struct Batch {
    /// The crate's `src/lib.rs`.
    pub source: String,
    /// Per case, the 1-based line range (inclusive) its modules take.
    pub ranges: Vec<(usize, usize)>,
    /// The lines that must fail with the documented error when annotated and
    /// built with the `outside` feature: (case, line).
    pub limit_lines: Vec<(usize, usize)>,
}

impl Batch {
    /// The case a line belongs to.
    #[must_use]
    pub fn case_of(&self, line: usize) -> Option<usize> {
        self.ranges.iter().position(|&(start, end)| (start..=end).contains(&line))
    }
}

/// Renders `cases` as one crate; `annotated` puts `#[leak_audit]` on every
/// case module.
#[must_use]
pub fn batch(cases: &[Case], annotated: bool) -> Batch {
    let mut out = Lines::default();
    out.push("#![allow(warnings)]\n");
    let mut ranges = Vec::new();
    let mut limit_lines = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        let start = out.line + 1;
        render_case(&mut out, case, k, annotated, &mut limit_lines);
        ranges.push((start, out.line));
    }
    Batch { source: out.text, ranges, limit_lines }
}

/// Only the case module of `case`, annotated, for reports.
#[must_use]
pub fn case_alone(case: &Case) -> String {
    batch(std::slice::from_ref(case), true).source
}

#[derive(Default)]
struct Lines {
    text: String,
    line: usize,
}

impl Lines {
    fn push(&mut self, text: &str) {
        self.line += text.matches('\n').count();
        self.text.push_str(text);
    }
}

fn name(index: usize) -> String {
    format!("S{index}")
}

fn cfg_attr(cfg: Cfg) -> &'static str {
    match cfg {
        Cfg::None => "",
        Cfg::On => "#[cfg(all())] ",
        Cfg::Off => "#[cfg(any())] ",
        Cfg::Test => "#[cfg(test)] ",
    }
}

fn ty(def: &StructDef, ty: Ty) -> String {
    let param0 = if def.params.is_empty() { "u8" } else { "T0" };
    match ty {
        Ty::U8 => "u8".into(),
        Ty::U32 => "u32".into(),
        Ty::Str => "::std::string::String".into(),
        Ty::Vec => format!("::std::vec::Vec<{param0}>"),
        Ty::OptBox => "::core::option::Option<::std::boxed::Box<u32>>".into(),
        Ty::Ref => "&'a str".into(),
        Ty::Array => {
            if def.const_param {
                "[u8; N]".into()
            } else {
                "[u8; 3]".into()
            }
        }
        Ty::Phantom => format!("::core::marker::PhantomData<{param0}>"),
        Ty::Map => "::std::collections::HashMap<::std::string::String, u32>".into(),
        Ty::RcCell => "::std::rc::Rc<::core::cell::RefCell<::std::vec::Vec<u8>>>".into(),
        Ty::Param(index) => format!("T{index}"),
    }
}

fn value(def: &StructDef, ty: Ty, konst: bool) -> String {
    match ty {
        Ty::U8 => "1u8".into(),
        Ty::U32 | Ty::Param(_) => "4u32".into(),
        Ty::Str if konst => "::std::string::String::new()".into(),
        Ty::Str => "::std::string::String::from(\"s\")".into(),
        Ty::Vec if konst => "::std::vec::Vec::new()".into(),
        Ty::Vec if def.params.is_empty() => "::std::vec![1u8]".into(),
        Ty::Vec => "::std::vec![4u32]".into(),
        Ty::OptBox if konst => "::core::option::Option::None".into(),
        Ty::OptBox => "::core::option::Option::Some(::std::boxed::Box::new(3u32))".into(),
        Ty::Ref => "\"r\"".into(),
        Ty::Array => "[0u8; 3]".into(),
        Ty::Phantom => "::core::marker::PhantomData".into(),
        Ty::Map => "::std::collections::HashMap::new()".into(),
        Ty::RcCell => "::std::rc::Rc::new(::core::cell::RefCell::new(::std::vec::Vec::new()))".into(),
    }
}

fn bound(bound: Bound) -> Option<&'static str> {
    match bound {
        Bound::None => None,
        Bound::Clone => Some("::core::clone::Clone"),
        Bound::DebugClone => Some("::core::fmt::Debug + ::core::clone::Clone"),
        Bound::Static => Some("'static"),
        Bound::Default => Some("::core::default::Default"),
    }
}

/// `<'a, T0: Clone, const N: usize>` and ` where T0: Clone`.
fn generics(def: &StructDef) -> (String, String) {
    let mut params = Vec::new();
    let mut wheres = Vec::new();
    if def.lifetime {
        params.push("'a".to_owned());
    }
    for (index, b) in def.params.iter().enumerate() {
        match bound(*b) {
            Some(b) if def.where_clause => {
                params.push(format!("T{index}"));
                wheres.push(format!("T{index}: {b}"));
            }
            Some(b) => params.push(format!("T{index}: {b}")),
            None => params.push(format!("T{index}")),
        }
    }
    if def.const_param {
        params.push("const N: usize".to_owned());
    }
    let decl = if params.is_empty() { String::new() } else { format!("<{}>", params.join(", ")) };
    let clause = if wheres.is_empty() { String::new() } else { format!(" where {}", wheres.join(", ")) };
    (decl, clause)
}

fn args(def: &StructDef, concrete: bool) -> String {
    let mut args = Vec::new();
    if def.lifetime {
        args.push(if concrete { "'static".to_owned() } else { "'a".to_owned() });
    }
    for index in 0..def.params.len() {
        args.push(if concrete { "u32".to_owned() } else { format!("T{index}") });
    }
    if def.const_param {
        args.push(if concrete { "3".to_owned() } else { "N".to_owned() });
    }
    if args.is_empty() {
        String::new()
    } else {
        format!("<{}>", args.join(", "))
    }
}

/// The concrete instance type, with `prefix` before the name.
fn inst(def: &StructDef, index: usize, prefix: &str) -> String {
    format!("{prefix}{}{}", name(index), args(def, true))
}

fn vis(vis: u8, nested: bool) -> &'static str {
    match vis {
        0 => "pub ",
        2 if !nested => "pub(super) ",
        _ => "pub(crate) ",
    }
}

fn first_live(def: &StructDef) -> usize {
    def.live_fields().next().map_or(0, |(index, _)| index)
}

/// A literal of `def` through `path`; `braces` forces `Path { 0: .. }` for
/// tuple structs and `Path {}` for unit structs.
fn literal(def: &StructDef, path: &str, konst: bool, braces: bool) -> String {
    match def.kind {
        Kind::Named => {
            let fields: Vec<String> = def
                .fields
                .iter()
                .enumerate()
                .map(|(i, field)| format!("{}f{i}: {}", cfg_attr(field.cfg), value(def, field.ty, konst)))
                .collect();
            format!("{path} {{ {} }}", fields.join(", "))
        }
        Kind::Tuple if braces => {
            let fields: Vec<String> = def
                .fields
                .iter()
                .enumerate()
                .map(|(i, field)| format!("{i}: {}", value(def, field.ty, konst)))
                .collect();
            format!("{path} {{ {} }}", fields.join(", "))
        }
        Kind::Tuple => {
            let fields: Vec<String> = def.fields.iter().map(|field| value(def, field.ty, konst)).collect();
            format!("{path}({})", fields.join(", "))
        }
        Kind::Unit if braces => format!("{path} {{}}"),
        Kind::Unit => path.to_owned(),
    }
}

/// A pattern naming every field (the first live one bound by name).
fn pattern_all(def: &StructDef, path: &str) -> String {
    let first = first_live(def);
    match def.kind {
        Kind::Named => {
            let fields: Vec<String> = def
                .fields
                .iter()
                .enumerate()
                .map(|(i, field)| {
                    if i == first {
                        format!("{}f{i}", cfg_attr(field.cfg))
                    } else {
                        format!("{}f{i}: _", cfg_attr(field.cfg))
                    }
                })
                .collect();
            format!("{path} {{ {} }}", fields.join(", "))
        }
        Kind::Tuple => format!("{path}({})", vec!["_"; def.fields.len()].join(", ")),
        Kind::Unit => path.to_owned(),
    }
}

/// A pattern with `..`.
fn pattern_rest(def: &StructDef, path: &str) -> String {
    match def.kind {
        Kind::Named => format!("{path} {{ f{}, .. }}", first_live(def)),
        Kind::Tuple => format!("{path} {{ 0: _, .. }}"),
        Kind::Unit => format!("{path} {{ .. }}"),
    }
}

fn derive_name(derive: Derive) -> &'static str {
    match derive {
        Derive::Clone => "Clone",
        Derive::Copy => "Copy",
        Derive::Debug => "Debug",
        Derive::Default => "Default",
        Derive::PartialEq => "PartialEq",
        Derive::Eq => "Eq",
        Derive::Hash => "Hash",
        Derive::PartialOrd => "PartialOrd",
        Derive::Ord => "Ord",
    }
}

fn derives(def: &StructDef) -> String {
    let mut names: Vec<&str> = def.derives.iter().map(|derive| derive_name(*derive)).collect();
    if def.serde != Serde::None {
        names.push("::serde::Serialize");
        names.push("::serde::Deserialize");
    }
    if names.is_empty() {
        return String::new();
    }
    if def.split_derives {
        names.iter().map(|name| format!("    #[derive({name})]\n")).collect()
    } else {
        format!("    #[derive({})]\n", names.join(", "))
    }
}

fn struct_def(out: &mut String, def: &StructDef, index: usize, nested: bool) {
    let s = name(index);
    let (decl, clause) = generics(def);
    out.push_str(&derives(def));
    match def.serde {
        Serde::DenyUnknown => out.push_str("    #[serde(deny_unknown_fields)]\n"),
        Serde::RenameAll => out.push_str("    #[serde(rename_all = \"camelCase\")]\n"),
        Serde::Default => out.push_str("    #[serde(default)]\n"),
        Serde::Transparent => out.push_str("    #[serde(transparent)]\n"),
        Serde::None | Serde::Plain => {}
    }
    match def.repr {
        Repr::None => {}
        Repr::C => out.push_str("    #[repr(C)]\n"),
        Repr::Transparent => out.push_str("    #[repr(transparent)]\n"),
        Repr::Packed => out.push_str("    #[repr(packed)]\n"),
        Repr::Align => out.push_str("    #[repr(align(8))]\n"),
        Repr::CAlign => out.push_str("    #[repr(C, align(8))]\n"),
    }
    if def.non_exhaustive {
        out.push_str("    #[non_exhaustive]\n");
    }
    match def.kind {
        Kind::Named => {
            let _ = writeln!(out, "    pub struct {s}{decl}{clause} {{");
            for (i, field) in def.fields.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "        {}{}f{i}: {},",
                    cfg_attr(field.cfg),
                    vis(field.vis, nested),
                    ty(def, field.ty)
                );
            }
            out.push_str("    }\n");
        }
        Kind::Tuple => {
            let fields: Vec<String> =
                def.fields.iter().map(|field| format!("{}{}", vis(field.vis, nested), ty(def, field.ty))).collect();
            let _ = writeln!(out, "    pub struct {s}{decl}({}){clause};", fields.join(", "));
        }
        Kind::Unit => {
            let _ = writeln!(out, "    pub struct {s};");
        }
    }
    if def.drop_impl {
        let _ = writeln!(
            out,
            "    impl{decl} ::core::ops::Drop for {s}{}{clause} {{ fn drop(&mut self) {{ let _ = 1; }} }}",
            args(def, false)
        );
    }
}

#[allow(clippy::too_many_lines)]
fn struct_uses(out: &mut String, def: &StructDef, index: usize, base: &str) {
    let s = name(index);
    let i = inst(def, index, "");
    let lit = |path: &str| literal(def, path, false, false);
    let _ = writeln!(out, "    pub fn make_{s}() -> {i} {{ {} }}", lit(&s));
    for form in &def.lits {
        let f = first_live(def);
        let first_value = def.fields.get(f).map(|field| value(def, field.ty, false)).unwrap_or_default();
        let first_member = if def.kind == Kind::Named { format!("f{f}") } else { "0".to_owned() };
        let line = match form {
            Lit::Shorthand => {
                let lets: String = def
                    .fields
                    .iter()
                    .enumerate()
                    .map(|(n, field)| format!("{}let f{n} = {}; ", cfg_attr(field.cfg), value(def, field.ty, false)))
                    .collect();
                let names: Vec<String> =
                    def.fields.iter().enumerate().map(|(n, field)| format!("{}f{n}", cfg_attr(field.cfg))).collect();
                format!("pub fn lit_{s}_short() -> {i} {{ {lets}{s} {{ {} }} }}", names.join(", "))
            }
            Lit::UpdateDefault => format!(
                "pub fn lit_{s}_update_default() -> {i} {{ {s} {{ {first_member}: {first_value}, ..::core::default::Default::default() }} }}"
            ),
            Lit::UpdateBase => format!(
                "pub fn lit_{s}_update_base() -> {i} {{ let base = make_{s}(); {s} {{ {first_member}: {first_value}, ..base }} }}"
            ),
            Lit::Alias => format!(
                "pub type A{s} = {i}; pub fn lit_{s}_alias() -> A{s} {{ {} }}",
                literal(def, &format!("A{s}"), false, true)
            ),
            Lit::SelfImpl => format!("impl {i} {{ pub fn new_self() -> Self {{ {} }} }}", lit("Self")),
            Lit::Rename => {
                format!("pub fn lit_{s}_rename() -> {i} {{ use self::{s} as Renamed{s}; {} }}", lit(&format!("Renamed{s}")))
            }
            Lit::QualifiedSelf => format!("pub fn lit_{s}_self_path() -> {i} {{ {} }}", lit(&format!("self::{s}"))),
            Lit::QualifiedCrate => format!("pub fn lit_{s}_crate_path() -> {i} {{ {} }}", lit(&format!("{base}::{s}"))),
            Lit::FromImpl => {
                format!("impl ::core::convert::From<u8> for {i} {{ fn from(_: u8) -> Self {{ {} }} }}", lit(&s))
            }
            Lit::InClosure => format!("pub fn lit_{s}_closure() -> {i} {{ let f = || {}; f() }}", lit(&s)),
            Lit::InVecMacro => {
                format!("pub fn lit_{s}_vec() -> {i} {{ let mut v = ::std::vec![{}]; v.pop().unwrap() }}", lit(&s))
            }
            Lit::Nested => format!(
                "pub fn lit_{s}_nested() -> {i} {{ *::core::option::Option::Some(::std::boxed::Box::new({})).unwrap() }}",
                lit(&s)
            ),
            Lit::MacroRules => {
                format!("macro_rules! mk_{s} {{ () => {{ {} }}; }}\n    pub fn lit_{s}_macro() -> {i} {{ mk_{s}!() }}", lit(&s))
            }
            Lit::ThreadLocal => format!(
                "::std::thread_local! {{ static TL_{s}: ::core::cell::RefCell<::core::option::Option<{i}>> = \
                 ::core::cell::RefCell::new(::core::option::Option::Some({})); }}\n    \
                 pub fn lit_{s}_thread_local() -> bool {{ TL_{s}.with(|v| v.borrow().is_some()) }}",
                lit(&s)
            ),
            Lit::ConstItem => {
                format!("pub const C_{s}: {i} = {};", literal(def, &s, true, def.kind == Kind::Unit))
            }
            Lit::ConstFn => format!("pub const fn const_{s}() -> {i} {{ {} }}", literal(def, &s, true, false)),
            Lit::ConstAssert => {
                let member = if def.kind == Kind::Named { format!("f{f}") } else { "0".to_owned() };
                format!("const _: () = ::core::assert!({}.{member} > 0);", literal(def, &s, true, false))
            }
        };
        let _ = writeln!(out, "    {line}");
    }
    for form in &def.pats {
        let all = pattern_all(def, &s);
        let rest = pattern_rest(def, &s);
        let line = match form {
            Pat::LetNoRest => format!("pub fn pat_{s}_let_all(s: &{i}) -> usize {{ let {all} = s; 0 }}"),
            Pat::LetRest => format!("pub fn pat_{s}_let_rest(s: &{i}) -> usize {{ let {rest} = s; 0 }}"),
            Pat::MatchNoRest => format!("pub fn pat_{s}_match_all(s: &{i}) -> usize {{ match s {{ {all} => 1 }} }}"),
            Pat::MatchRest => {
                format!("pub fn pat_{s}_match_rest(s: &{i}) -> usize {{ match s {{ {rest} => 1, _ => 0 }} }}")
            }
            Pat::FnParam => format!("pub fn pat_{s}_param({rest}: &{i}) -> usize {{ 0 }}"),
            Pat::ClosureParam => {
                format!("pub fn pat_{s}_closure(s: &{i}) -> usize {{ let f = |{rest}: &{i}| 0usize; f(s) }}")
            }
            Pat::IfLetSome => format!(
                "pub fn pat_{s}_if_let(s: &{i}) -> usize {{ if let ::core::option::Option::Some({rest}) = \
                 ::core::option::Option::Some(s) {{ 1 }} else {{ 0 }} }}"
            ),
            Pat::Matches => format!("pub fn pat_{s}_matches(s: &{i}) -> bool {{ ::core::matches!(s, {all}) }}"),
            Pat::SelfPattern => {
                format!(
                    "impl {i} {{ pub fn pat_self(&self) -> usize {{ let {} = self; 0 }} }}",
                    pattern_all(def, "Self")
                )
            }
            Pat::Slice => format!(
                "pub fn pat_{s}_slice() -> usize {{ let v = [make_{s}()]; match &v[..] {{ [{all}] => 1, _ => 0 }} }}"
            ),
        };
        let _ = writeln!(out, "    {line}");
    }
    for item in &def.statics {
        let line = match item {
            Static::MutexVec => format!(
                "pub static REG_{s}: ::std::sync::Mutex<::std::vec::Vec<{i}>> = ::std::sync::Mutex::new(::std::vec::Vec::new());\n    \
                 pub fn register_{s}() {{ REG_{s}.lock().unwrap().push(make_{s}()); }}"
            ),
            Static::LazyMap => format!(
                "pub static MAP_{s}: ::std::sync::LazyLock<::std::sync::Mutex<::std::collections::HashMap<u32, {i}>>> = \
                 ::std::sync::LazyLock::new(|| ::std::sync::Mutex::new(::std::collections::HashMap::new()));\n    \
                 pub fn insert_{s}(k: u32) {{ MAP_{s}.lock().unwrap().insert(k, make_{s}()); }}"
            ),
            Static::ThreadLocalPush => format!(
                "::std::thread_local! {{ static TLV_{s}: ::core::cell::RefCell<::std::vec::Vec<{i}>> = \
                 ::core::cell::RefCell::new(::std::vec::Vec::new()); }}\n    \
                 pub fn tl_push_{s}() {{ TLV_{s}.with(|v| v.borrow_mut().push(make_{s}())); }}"
            ),
            Static::LazyLiteral => format!(
                "pub static LIT_{s}: ::std::sync::LazyLock<::std::sync::Mutex<::std::vec::Vec<{i}>>> = \
                 ::std::sync::LazyLock::new(|| ::std::sync::Mutex::new(::std::vec![{}]));",
                lit(&s)
            ),
            Static::LazyLiteralPlain => format!(
                "pub static LITP_{s}: ::std::sync::LazyLock<::std::sync::Mutex<::core::option::Option<{i}>>> = \
                 ::std::sync::LazyLock::new(|| ::std::sync::Mutex::new(::core::option::Option::Some({})));",
                lit(&s)
            ),
        };
        let _ = writeln!(out, "    {line}");
    }
}

fn enum_def(out: &mut String, case: &Case) {
    let Some(def) = &case.enum_def else { return };
    let mut names: Vec<&str> = def.derives.iter().map(|derive| derive_name(*derive)).collect();
    if def.serde {
        names.extend(["::serde::Serialize", "::serde::Deserialize"]);
    }
    if !names.is_empty() {
        let _ = writeln!(out, "    #[derive({})]", names.join(", "));
    }
    let default = if def.derives.contains(&Derive::Default) { "#[default] " } else { "" };
    let shadow = if def.shadow_glob { ", S0 { z: u32 }" } else { "" };
    let _ =
        writeln!(out, "    pub enum E<T> {{ {default}A, B(u8, T), C {{ x: T, y: ::std::string::String }}{shadow} }}");
    out.push_str("    pub fn make_e() -> E<u32> { E::C { x: 1, y: ::std::string::String::new() } }\n");
    let shadow_arm = if def.shadow_glob { ", E::S0 { .. } => 3" } else { "" };
    let _ = writeln!(
        out,
        "    pub fn read_e(e: &E<u32>) -> usize {{ match e {{ E::A => 0, E::B(a, _) => 1, E::C {{ x, .. }} => 2{shadow_arm} }} }}"
    );
    out.push_str("    pub fn read_e_all(e: &E<u32>) -> usize { match e { E::C { x, y } => 1, _ => 0 } }\n");
    if def.shadow_glob {
        out.push_str("    pub fn shadow_e() -> E<u32> { use self::E::*; S0 { z: 1 } }\n");
    }
}

fn sub_module(out: &mut String, case: &Case, base: &str) {
    let Some(sub) = &case.sub else { return };
    out.push_str("    pub mod inner {\n");
    let target = case.structs.first().filter(|def| def.kind == Kind::Named);
    if let Some(def) = target {
        let path = match sub.form {
            SubForm::GlobSuper => {
                out.push_str("        use super::*;\n");
                "S0".to_owned()
            }
            SubForm::NamedUse => {
                out.push_str("        use super::S0;\n");
                "S0".to_owned()
            }
            SubForm::Rename => {
                out.push_str("        use super::S0 as Parent;\n");
                "Parent".to_owned()
            }
            SubForm::QualifiedSuper => "super::S0".to_owned(),
            SubForm::QualifiedCrate => format!("{base}::S0"),
        };
        let i = inst(def, 0, "super::");
        let _ = writeln!(out, "        pub fn build_parent() -> {i} {{ {} }}", literal(def, &path, false, false));
        let _ =
            writeln!(out, "        pub fn peek_parent(s: &{i}) -> usize {{ let {} = s; 0 }}", pattern_rest(def, &path));
        if sub.twin {
            out.push_str(
                "        pub mod twin { #[derive(Clone, Copy)] pub struct S0 { pub x: u8 } pub fn t() -> S0 { S0 { x: 1 } } }\n",
            );
        }
        if sub.deep_glob {
            let _ = writeln!(
                out,
                "        pub mod deeper {{ use super::super::*; pub fn build() -> {} {{ {} }} }}",
                inst(def, 0, "super::super::"),
                literal(def, "S0", false, false)
            );
        }
    }
    if sub.own_struct {
        out.push_str("        pub struct Inner { pub a: u8, pub b: ::std::string::String }\n");
        out.push_str("        pub fn make_inner() -> Inner { Inner { a: 1, b: ::std::string::String::new() } }\n");
    }
    out.push_str("    }\n");
    if sub.own_struct {
        out.push_str(
            "    pub fn inner_from_parent() -> inner::Inner { let i = inner::Inner { a: 2, b: ::std::string::String::new() }; \
             let inner::Inner { a, .. } = &i; i }\n",
        );
    }
}

const LOCAL_STRUCT: &str = "    pub fn local_struct() -> usize {
        #[derive(Clone, Debug, PartialEq)]
        struct L { a: u8, b: ::std::string::String }
        impl ::core::ops::Drop for L { fn drop(&mut self) {} }
        let l = L { a: 1, b: ::std::string::String::new() };
        let L { a, b } = &l;
        let m = l.clone();
        let L { a: _, .. } = &m;
        usize::from(*a) + b.len()
    }
";

fn render_case(out: &mut Lines, case: &Case, k: usize, annotated: bool, limit_lines: &mut Vec<(usize, usize)>) {
    let base = if case.nested { format!("crate::nest_{k}::case_{k}") } else { format!("crate::case_{k}") };
    let mut body = String::new();
    for (index, def) in case.structs.iter().enumerate() {
        struct_def(&mut body, def, index, case.nested);
        struct_uses(&mut body, def, index, &base);
    }
    enum_def(&mut body, case);
    if case.local_struct {
        body.push_str(LOCAL_STRUCT);
    }
    sub_module(&mut body, case, &base);

    let attr = if annotated { "#[::leak_audit::leak_audit]\n" } else { "" };
    if case.nested {
        out.push(&format!("pub mod nest_{k} {{\n{attr}pub mod case_{k} {{\n{body}}}\n}}\n"));
    } else {
        out.push(&format!("{attr}pub mod case_{k} {{\n{body}}}\n"));
    }

    // Uses from outside the annotated module, in the allowed ways.
    let mut uses = format!(
        "pub mod use_{k} {{\n    use {base}::*;\n    fn ser<T: ::serde::Serialize>(_: &T) {{}}\n    \
         fn de<'de, T: ::serde::Deserialize<'de>>() {{}}\n    pub fn outside() {{\n"
    );
    for (index, def) in case.structs.iter().enumerate() {
        let s = name(index);
        let i = inst(def, index, "");
        let v = format!("v{index}");
        let _ = writeln!(uses, "        let {v}: {i} = make_{s}();");
        let has = |derive| def.derives.contains(&derive);
        if has(Derive::Clone) {
            let _ = writeln!(uses, "        let _ = {v}.clone();");
        }
        if has(Derive::PartialEq) {
            let _ = writeln!(uses, "        let _ = {v} == {v};");
        }
        if has(Derive::PartialOrd) {
            let _ = writeln!(uses, "        let _ = {v}.partial_cmp(&{v});");
        }
        if has(Derive::Debug) {
            let _ = writeln!(uses, "        let _ = ::std::format!(\"{{:?}}\", {v});");
        }
        if has(Derive::Default) {
            let _ = writeln!(uses, "        let _: {i} = ::core::default::Default::default();");
        }
        if has(Derive::Hash) {
            let _ = writeln!(
                uses,
                "        ::core::hash::Hash::hash(&{v}, &mut ::std::collections::hash_map::DefaultHasher::new());"
            );
        }
        if has(Derive::Ord) {
            let _ = writeln!(uses, "        let mut all = ::std::vec![make_{s}(), make_{s}()]; all.sort();");
        }
        if def.serde != Serde::None {
            let _ = writeln!(uses, "        ser(&{v}); de::<{i}>();");
        }
        if def.counted() {
            let _ = writeln!(uses, "        let {} = &{v};", pattern_rest(def, &s));
        } else {
            let konst = def.lits.iter().any(|lit| matches!(lit, Lit::ConstItem | Lit::ConstFn));
            let _ = writeln!(uses, "        let lit{index}: {i} = {};", literal(def, &s, konst, false));
            let _ = writeln!(uses, "        let {} = &lit{index};", pattern_all(def, &s));
        }
    }
    if case.enum_def.is_some() {
        uses.push_str("        let e = make_e(); let _ = read_e(&e); let _: E<u32> = E::C { x: 1, y: ::std::string::String::new() };\n");
    }
    if case.sub.as_ref().is_some_and(|sub| sub.own_struct) {
        uses.push_str("        let i = inner::make_inner(); let inner::Inner { a, .. } = &i;\n");
    }
    uses.push_str("    }\n}\n");
    out.push(&uses);

    // Uses documented to fail when annotated: one per line.
    let counted: Vec<(usize, &StructDef)> = case.structs.iter().enumerate().filter(|(_, def)| def.counted()).collect();
    if counted.is_empty() {
        return;
    }
    out.push(&format!("#[cfg(feature = \"outside\")]\npub mod limit_{k} {{\n    use {base}::*;\n"));
    for (index, def) in counted {
        let s = name(index);
        let i = inst(def, index, "");
        out.push(&format!("    pub fn lit_{s}() -> {i} {{ {} }}\n", literal(def, &s, false, false)));
        limit_lines.push((k, out.line));
        out.push(&format!("    pub fn pat_{s}(s: &{i}) -> usize {{ let {} = s; 0 }}\n", pattern_all(def, &s)));
        limit_lines.push((k, out.line));
    }
    out.push("}\n");
}
