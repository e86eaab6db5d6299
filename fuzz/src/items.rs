//! A structured input for the engine: modules of types, statics and fns in the
//! shapes the lints look at, rendered to Rust source.
//!
//! Names come from small pools so that fields, statics and method calls refer
//! to each other often; every rendered module is valid Rust syntax (it need
//! not type-check: the engine only reads syntax).

use std::fmt::Write as _;

use arbitrary::Arbitrary;

const TYPES: [&str; 6] = ["Node", "Parent", "Child", "Person", "Car", "Graph"];
const FIELDS: [&str; 8] = ["parent", "children", "owner", "cars", "next", "prev", "cache", "items"];
const STATICS: [&str; 4] = ["CACHE", "LOG", "REGISTRY", "SEEN"];
const FNS: [&str; 4] = ["add", "get", "link", "reset"];

/// How deep types and modules may nest when rendered.
const MAX_DEPTH: usize = 6;

/// A module: the unit handed to the engine.
#[derive(Arbitrary, Debug)]
pub struct Module {
    items: Vec<Item>,
}

#[derive(Arbitrary, Debug)]
enum Item {
    Struct { name: u8, fields: Vec<(u8, Ty)>, generic: bool },
    TupleStruct { name: u8, fields: Vec<Ty> },
    Enum { name: u8, variants: Vec<(u8, Vec<Ty>)> },
    Alias { name: u8, ty: Ty },
    Static { name: u8, ty: Ty, form: StaticForm },
    Fn { name: u8, body: Vec<Stmt> },
    Impl { name: u8, fns: Vec<(u8, Vec<Stmt>)> },
    Mod { name: u8, items: Vec<Item> },
    Attr { attr: Attr, item: Box<Item> },
}

#[derive(Arbitrary, Debug)]
enum Attr {
    Allow(u8),
    Deny(u8),
    Bare,
    Cached(Option<u16>),
    Cfg,
    Derive,
}

#[derive(Arbitrary, Debug)]
enum StaticForm {
    Plain,
    Mut,
    LazyLock,
    OnceLock,
    OnceCellLazy,
    ThreadLocal,
    LazyStatic,
}

#[derive(Arbitrary, Debug)]
enum Ty {
    Wrap(Wrapper, Box<Ty>),
    Map(MapKind, Box<Ty>, Box<Ty>),
    Tuple(Vec<Ty>),
    Array(Box<Ty>, u8),
    Named(u8),
    Generic(u8, Vec<Ty>),
    SelfTy,
    Prim(u8),
    Str,
    Ref(Box<Ty>),
    Qualified(u8, Box<Ty>),
    Fn(Box<Ty>),
    Dyn,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Wrapper {
    Rc,
    Arc,
    Weak,
    SyncWeak,
    RefCell,
    Cell,
    Mutex,
    RwLock,
    Box,
    Vec,
    VecDeque,
    Option,
    OnceCell,
    HashSet,
    BinaryHeap,
    LinkedList,
    UnsafeCell,
    ParkingMutex,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum MapKind {
    HashMap,
    BTreeMap,
    IndexMap,
    DashMap,
    LruCache,
    MokaCache,
}

#[derive(Arbitrary, Debug)]
enum Stmt {
    Call { place: Place, method: Method, arg: Option<Place> },
    Entry { place: Place, or_default: bool },
    MemoIf { place: Place },
    If { cond: Place, then: Vec<Stmt> },
    Loop(Vec<Stmt>),
    Closure(Vec<Stmt>),
    Let { name: u8, value: Place },
    Static { name: u8, ty: Ty },
    Assign { place: Place, value: Place },
    Take { place: Place },
    Return(Place),
}

#[derive(Arbitrary, Debug)]
enum Place {
    Static(u8),
    Field(u8),
    SelfField(u8, Option<u8>),
    Local(u8),
    Locked(Box<Place>),
    Borrowed(Box<Place>),
    With(u8, Vec<(Method, Option<u8>)>),
    Len(Box<Place>),
    Lit(u16),
    New(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Method {
    Push,
    PushBack,
    Insert,
    Extend,
    Append,
    PushStr,
    Get,
    ContainsKey,
    Remove,
    Pop,
    PopFront,
    Clear,
    Retain,
    Truncate,
    Drain,
    SplitOff,
    Clone,
    Upgrade,
    Downgrade,
    Other,
}

fn pick<'a>(pool: &[&'a str], index: u8) -> &'a str {
    pool[usize::from(index) % pool.len()]
}

impl Module {
    /// The module as Rust source text.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        for item in &self.items {
            item.render(&mut out, 0);
        }
        out
    }
}

impl Item {
    fn render(&self, out: &mut String, depth: usize) {
        match self {
            Item::Struct { name, fields, generic } => {
                let generics = if *generic { "<'a, T: Clone + 'a>" } else { "" };
                let _ = write!(out, "pub struct {}{generics} {{", pick(&TYPES, *name));
                let mut seen = Vec::new();
                for (field, ty) in fields {
                    let field = pick(&FIELDS, *field);
                    if seen.contains(&field) {
                        continue;
                    }
                    seen.push(field);
                    let _ = write!(out, " pub {field}: {},", ty.render(depth));
                }
                out.push_str(" }\n");
            }
            Item::TupleStruct { name, fields } => {
                let fields: Vec<String> = fields.iter().map(|ty| ty.render(depth)).collect();
                let _ = writeln!(out, "struct {}({});", pick(&TYPES, *name), fields.join(", "));
            }
            Item::Enum { name, variants } => {
                let _ = write!(out, "enum {} {{", pick(&TYPES, *name));
                let mut seen = Vec::new();
                for (variant, fields) in variants {
                    let variant = pick(&["Cons", "Nil", "Leaf", "Branch"], *variant);
                    if seen.contains(&variant) {
                        continue;
                    }
                    seen.push(variant);
                    if fields.is_empty() {
                        let _ = write!(out, " {variant},");
                    } else {
                        let fields: Vec<String> = fields.iter().map(|ty| ty.render(depth)).collect();
                        let _ = write!(out, " {variant}({}),", fields.join(", "));
                    }
                }
                out.push_str(" }\n");
            }
            Item::Alias { name, ty } => {
                let _ = writeln!(out, "type {}Ref = {};", pick(&TYPES, *name), ty.render(depth));
            }
            Item::Static { name, ty, form } => render_static(out, pick(&STATICS, *name), &ty.render(depth), form),
            Item::Fn { name, body } => {
                let _ = writeln!(out, "pub fn {}(key: u32) {{", pick(&FNS, *name));
                render_body(out, body, depth);
                out.push_str("}\n");
            }
            Item::Impl { name, fns } => {
                let _ = writeln!(out, "impl {} {{", pick(&TYPES, *name));
                for (name, body) in fns {
                    let _ = writeln!(out, "fn {}_{}(&mut self, key: u32) {{", pick(&FNS, *name), out.len() % 97);
                    render_body(out, body, depth);
                    out.push_str("}\n");
                }
                out.push_str("}\n");
            }
            Item::Mod { name, items } => {
                let _ = writeln!(out, "mod m{name} {{");
                if depth < MAX_DEPTH {
                    for item in items {
                        item.render(out, depth + 1);
                    }
                }
                out.push_str("}\n");
            }
            Item::Attr { attr, item } => {
                let lint = |index: &u8| pick(&["rc_cycle", "unbounded_static", "cache_without_eviction"], *index);
                match attr {
                    Attr::Allow(index) => {
                        let _ = writeln!(out, "#[leak_audit(allow({}), reason = \"fuzz\")]", lint(index));
                    }
                    Attr::Deny(index) => {
                        let _ = writeln!(out, "#[leak_audit(deny({}))]", lint(index));
                    }
                    Attr::Bare => out.push_str("#[leak_audit]\n"),
                    Attr::Cached(None) => out.push_str("#[cached]\n"),
                    Attr::Cached(Some(size)) => {
                        let _ = writeln!(out, "#[cached(size = {size})]");
                    }
                    Attr::Cfg => out.push_str("#[cfg(test)]\n"),
                    Attr::Derive => out.push_str("#[derive(Clone, Debug)]\n"),
                }
                if depth < MAX_DEPTH {
                    item.render(out, depth + 1);
                } else {
                    out.push_str("struct Leaf;\n");
                }
            }
        }
    }
}

fn render_static(out: &mut String, name: &str, ty: &str, form: &StaticForm) {
    let _ = match form {
        StaticForm::Plain => writeln!(out, "pub static {name}: std::sync::Mutex<{ty}> = std::sync::Mutex::new(Default::default());"),
        StaticForm::Mut => writeln!(out, "static mut {name}: {ty} = Vec::new();"),
        StaticForm::LazyLock => {
            writeln!(out, "static {name}: std::sync::LazyLock<std::sync::Mutex<{ty}>> = std::sync::LazyLock::new(Default::default);")
        }
        StaticForm::OnceLock => writeln!(out, "static {name}: std::sync::OnceLock<{ty}> = std::sync::OnceLock::new();"),
        StaticForm::OnceCellLazy => {
            writeln!(out, "static {name}: once_cell::sync::Lazy<parking_lot::RwLock<{ty}>> = once_cell::sync::Lazy::new(Default::default);")
        }
        StaticForm::ThreadLocal => {
            writeln!(out, "thread_local! {{ static {name}: std::cell::RefCell<{ty}> = std::cell::RefCell::new(Default::default()); }}")
        }
        StaticForm::LazyStatic => {
            writeln!(out, "lazy_static::lazy_static! {{ pub static ref {name}: std::sync::Mutex<{ty}> = std::sync::Mutex::new(Default::default()); }}")
        }
    };
}

fn render_body(out: &mut String, body: &[Stmt], depth: usize) {
    for stmt in body {
        stmt.render(out, depth);
    }
}

impl Stmt {
    fn render(&self, out: &mut String, depth: usize) {
        let nested = |out: &mut String, body: &[Stmt]| {
            if depth < MAX_DEPTH {
                render_body(out, body, depth + 1);
            }
        };
        match self {
            Stmt::Call { place, method, arg } => {
                let arg = arg.as_ref().map_or_else(|| "key".to_owned(), |arg| arg.render(depth));
                let _ = writeln!(out, "{}.{}({arg});", place.render(depth), method.name());
            }
            Stmt::Entry { place, or_default } => {
                let tail = if *or_default { "or_default()" } else { "or_insert_with(|| key * 2)" };
                let _ = writeln!(out, "{}.entry(key).{tail};", place.render(depth));
            }
            Stmt::MemoIf { place } => {
                let place = place.render(depth);
                let _ = writeln!(out, "if let Some(v) = {place}.get(&key) {{ return *v; }} {place}.insert(key, key + 1);");
            }
            Stmt::If { cond, then } => {
                let _ = writeln!(out, "if {} > 100 {{", cond.render(depth));
                nested(out, then);
                out.push_str("}\n");
            }
            Stmt::Loop(body) => {
                out.push_str("for key in 0..key {\n");
                nested(out, body);
                out.push_str("}\n");
            }
            Stmt::Closure(body) => {
                out.push_str("let f = move |key: u32| {\n");
                nested(out, body);
                out.push_str("};\n");
            }
            Stmt::Let { name, value } => {
                let _ = writeln!(out, "let mut v{name} = {};", value.render(depth));
            }
            Stmt::Static { name, ty } => {
                let _ = writeln!(
                    out,
                    "static {}: std::sync::Mutex<{}> = std::sync::Mutex::new(Default::default());",
                    pick(&STATICS, *name),
                    ty.render(depth)
                );
            }
            Stmt::Assign { place, value } => {
                let _ = writeln!(out, "{} = {};", place.render(depth), value.render(depth));
            }
            Stmt::Take { place } => {
                let _ = writeln!(out, "let _ = std::mem::take(&mut *{});", place.render(depth));
            }
            Stmt::Return(place) => {
                let _ = writeln!(out, "return {};", place.render(depth));
            }
        }
    }
}

impl Place {
    fn render(&self, depth: usize) -> String {
        if depth >= MAX_DEPTH {
            return "key".to_owned();
        }
        match self {
            Place::Static(name) => pick(&STATICS, *name).to_owned(),
            Place::Field(name) => format!("node.{}", pick(&FIELDS, *name)),
            Place::SelfField(name, None) => format!("self.{}", pick(&FIELDS, *name)),
            Place::SelfField(name, Some(inner)) => format!("self.{}.{}", pick(&FIELDS, *name), pick(&FIELDS, *inner)),
            Place::Local(name) => format!("v{name}"),
            Place::Locked(place) => format!("{}.lock().unwrap()", place.render(depth + 1)),
            Place::Borrowed(place) => format!("{}.borrow_mut()", place.render(depth + 1)),
            Place::With(name, calls) => {
                let mut text = format!("{}.with(|c| c.borrow_mut()", pick(&STATICS, *name));
                for (method, arg) in calls.iter().take(4) {
                    let _ = write!(text, ".{}({})", method.name(), arg.map_or_else(|| "key".to_owned(), |arg| arg.to_string()));
                }
                text.push(')');
                text
            }
            Place::Len(place) => format!("{}.len()", place.render(depth + 1)),
            Place::Lit(value) => value.to_string(),
            Place::New(name) => format!("std::rc::Rc::new(std::cell::RefCell::new({}::default()))", pick(&TYPES, *name)),
        }
    }
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Push => "push",
            Method::PushBack => "push_back",
            Method::Insert => "insert",
            Method::Extend => "extend",
            Method::Append => "append",
            Method::PushStr => "push_str",
            Method::Get => "get",
            Method::ContainsKey => "contains_key",
            Method::Remove => "remove",
            Method::Pop => "pop",
            Method::PopFront => "pop_front",
            Method::Clear => "clear",
            Method::Retain => "retain",
            Method::Truncate => "truncate",
            Method::Drain => "drain",
            Method::SplitOff => "split_off",
            Method::Clone => "clone",
            Method::Upgrade => "upgrade",
            Method::Downgrade => "downgrade",
            Method::Other => "frobnicate",
        }
    }
}

impl Ty {
    fn render(&self, depth: usize) -> String {
        if depth >= MAX_DEPTH {
            return "u8".to_owned();
        }
        let inner = |ty: &Ty| ty.render(depth + 1);
        match self {
            Ty::Wrap(wrapper, ty) => {
                let path = match wrapper {
                    Wrapper::Rc => "Rc",
                    Wrapper::Arc => "std::sync::Arc",
                    Wrapper::Weak => "Weak",
                    Wrapper::SyncWeak => "std::sync::Weak",
                    Wrapper::RefCell => "RefCell",
                    Wrapper::Cell => "std::cell::Cell",
                    Wrapper::Mutex => "Mutex",
                    Wrapper::RwLock => "std::sync::RwLock",
                    Wrapper::Box => "Box",
                    Wrapper::Vec => "Vec",
                    Wrapper::VecDeque => "std::collections::VecDeque",
                    Wrapper::Option => "Option",
                    Wrapper::OnceCell => "std::cell::OnceCell",
                    Wrapper::HashSet => "HashSet",
                    Wrapper::BinaryHeap => "BinaryHeap",
                    Wrapper::LinkedList => "alloc::collections::LinkedList",
                    Wrapper::UnsafeCell => "core::cell::UnsafeCell",
                    Wrapper::ParkingMutex => "parking_lot::Mutex",
                };
                format!("{path}<{}>", inner(ty))
            }
            Ty::Map(kind, key, value) => {
                let path = match kind {
                    MapKind::HashMap => "HashMap",
                    MapKind::BTreeMap => "std::collections::BTreeMap",
                    MapKind::IndexMap => "indexmap::IndexMap",
                    MapKind::DashMap => "DashMap",
                    MapKind::LruCache => "lru::LruCache",
                    MapKind::MokaCache => "moka::sync::Cache",
                };
                format!("{path}<{}, {}>", inner(key), inner(value))
            }
            Ty::Tuple(items) => {
                let items: Vec<String> = items.iter().take(4).map(inner).collect();
                if items.len() == 1 {
                    format!("({},)", items[0])
                } else {
                    format!("({})", items.join(", "))
                }
            }
            Ty::Array(ty, len) => format!("[{}; {len}]", inner(ty)),
            Ty::Named(name) => pick(&TYPES, *name).to_owned(),
            Ty::Generic(name, args) => {
                if args.is_empty() {
                    pick(&TYPES, *name).to_owned()
                } else {
                    let args: Vec<String> = args.iter().take(3).map(inner).collect();
                    format!("{}<{}>", pick(&TYPES, *name), args.join(", "))
                }
            }
            Ty::SelfTy => "Self".to_owned(),
            Ty::Prim(index) => pick(&["u8", "u32", "usize", "bool", "char", "f64"], *index).to_owned(),
            Ty::Str => "String".to_owned(),
            Ty::Ref(ty) => format!("&'static {}", inner(ty)),
            Ty::Qualified(index, ty) => {
                let path = pick(&["std::rc::Rc", "alloc::rc::Rc", "::std::sync::Arc", "std::rc::Weak", "core::cell::RefCell"], *index);
                format!("{path}<{}>", inner(ty))
            }
            Ty::Fn(ty) => format!("fn({}) -> u8", inner(ty)),
            Ty::Dyn => "Box<dyn Fn(u32) -> u32>".to_owned(),
        }
    }
}
