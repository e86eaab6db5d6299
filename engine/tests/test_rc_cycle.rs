//! `rc_cycle`: cases that must warn and cases that must not.

mod support;

use support::{findings_of, line, pointed_text};

fn rc_cycles(source: &str) -> Vec<leak_audit_engine::Finding> {
    findings_of("rc_cycle", source)
}

#[test]
fn should_warn_person_car_owner_cycle_at_the_back_pointer() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
pub struct Car { pub owner: RefCell<Option<Rc<Person>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "owner");
    assert!(found[0].message.contains("`Person.cars -> Car.owner -> Person`"), "{}", found[0].message);
    assert_eq!(found[0].help.as_deref().map(|help| help.contains("`owner: RefCell<Weak<Person>>`")), Some(true));
    assert_eq!(found[0].labels.len(), 1);
}

#[test]
fn should_warn_rust_book_cons_list_self_cycle() {
    let source = "
use std::{cell::RefCell, rc::Rc};
enum List { Cons(i32, RefCell<Rc<List>>), Nil }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("`List::Cons.1`"), "{}", found[0].message);
    assert!(found[0].message.contains("hold a strong `Rc` to another `List`"));
    assert!(found[0].help.as_ref().unwrap().contains("`RefCell<Weak<List>>`"));
}

#[test]
fn should_warn_doubly_linked_list_once_at_prev() {
    let source = "
use std::{cell::RefCell, rc::Rc};
struct Node { next: Option<Rc<RefCell<Node>>>, prev: Option<Rc<RefCell<Node>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "prev");
    assert!(found[0].help.as_ref().unwrap().contains("`prev: Weak<RefCell<Node>>`"));
}

#[test]
fn should_warn_arc_mutex_cycle_with_arc_wording() {
    let source = "
use std::sync::{Arc, Mutex};
struct Parent { children: Mutex<Vec<Arc<Child>>> }
struct Child { parent: Mutex<Option<Arc<Parent>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "parent");
    assert!(found[0].message.contains("strong `Arc` cycle"));
    assert!(found[0].help.as_ref().unwrap().contains("`parent: Mutex<Weak<Parent>>`"));
}

#[test]
fn should_warn_three_type_cycle_once_naming_every_type() {
    let source = "
use std::{cell::RefCell, rc::Rc};
struct A { b: Rc<B> }
struct B { c: Rc<C> }
struct C { a: RefCell<Option<Rc<A>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("`A.b -> B.c -> C.a -> A`"), "{}", found[0].message);
    assert_eq!(found[0].labels.len(), 2);
}

#[test]
fn should_warn_through_type_alias() {
    let source = "
use std::{cell::RefCell, rc::Rc};
type NodeRef = Rc<RefCell<Node>>;
struct Node { id: u32, neighbours: Vec<NodeRef> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "neighbours");
}

#[test]
fn should_warn_through_generic_alias_and_generic_wrapper() {
    let source = "
use std::{cell::RefCell, rc::Rc};
type Shared<T> = Rc<RefCell<T>>;
struct Handle<T>(Shared<T>);
struct Window { widgets: Vec<Handle<Widget>> }
struct Widget { window: Option<Handle<Window>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "window");
}

#[test]
fn should_warn_self_type_and_fully_qualified_paths() {
    let source = "
struct Node { next: std::cell::RefCell<Option<std::rc::Rc<Self>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].help.as_ref().unwrap().contains("`next: std::cell::RefCell<std::rc::Weak<Self>>`"),
        "{:?}",
        found[0].help
    );
}

#[test]
fn should_warn_cycle_through_owned_box() {
    let source = "
use std::{cell::RefCell, rc::Rc};
struct Graph { root: Box<Inner> }
struct Inner { graph: RefCell<Option<Rc<Graph>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "graph");
    assert!(found[0].message.contains("`Graph.root -> Inner.graph -> Graph`"));
}

#[test]
fn should_warn_registry_map_values_at_the_back_reference() {
    let source = "
use std::{cell::RefCell, collections::HashMap, rc::Rc};
struct Registry { items: RefCell<HashMap<String, Rc<Item>>> }
struct Item { name: String, registry: Rc<Registry> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "registry");
    assert!(found[0].help.as_ref().unwrap().contains("`registry: Weak<Registry>`"));
}

#[test]
fn should_warn_enum_struct_variant_field() {
    let source = "
use std::{cell::RefCell, rc::Rc};
enum Expr { Lit(i64), Ref { target: RefCell<Rc<Expr>> } }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "target");
    assert!(found[0].message.contains("`Expr::Ref.target`"));
}

#[test]
fn should_warn_each_independent_cycle_of_a_component() {
    let source = "
use std::{cell::RefCell, rc::Rc};
struct Hub { left: RefCell<Vec<Rc<Left>>>, right: RefCell<Vec<Rc<Right>>> }
struct Left { hub: Rc<Hub> }
struct Right { hub: Rc<Hub> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 2, "{found:#?}");
    let pointed: Vec<String> = found.iter().map(|finding| pointed_text(source, finding)).collect();
    assert_eq!(pointed, ["hub", "hub"]);
    assert_ne!(line(&found[0]), line(&found[1]));
}

#[test]
fn should_warn_across_modules() {
    let source = "
mod a {
    use std::{cell::RefCell, rc::Rc};
    pub struct Doc { pub nodes: RefCell<Vec<Rc<super::b::Elem>>> }
}
mod b {
    use std::rc::Rc;
    pub struct Elem { pub doc: Rc<super::a::Doc> }
}
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "doc");
}

#[test]
fn should_not_warn_when_allowed_on_the_field() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
pub struct Car {
    #[leak_audit(allow(rc_cycle), reason = \"unlinked in Person::drop\")]
    pub owner: RefCell<Option<Rc<Person>>>,
}
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_weak_owner() {
    let source = "
use std::{cell::RefCell, rc::{Rc, Weak}};
pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
pub struct Car { pub owner: RefCell<Weak<Person>> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_rust_book_tree_with_weak_parent() {
    let source = "
use std::{cell::RefCell, rc::{Rc, Weak}};
struct Node { value: i32, parent: RefCell<Weak<Node>>, children: RefCell<Vec<Rc<Node>>> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_doubly_linked_list_with_weak_prev() {
    let source = "
use std::{cell::RefCell, rc::{Rc, Weak}};
struct Node { next: Option<Rc<RefCell<Node>>>, prev: Option<Weak<RefCell<Node>>> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_immutable_rc_dag() {
    let source = "
use std::rc::Rc;
struct Node { label: String, children: Vec<Rc<Node>> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_persistent_list() {
    let source = "
use std::rc::Rc;
enum List { Cons(i32, Rc<List>), Nil }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_box_recursion_even_with_cells() {
    let source = "
use std::cell::RefCell;
struct Tree { left: Option<Box<Tree>>, right: RefCell<Option<Box<Tree>>> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_rc_to_type_that_cannot_reach_back() {
    let source = "
use std::{cell::RefCell, rc::Rc};
struct App { config: RefCell<Rc<Config>>, views: RefCell<Vec<Rc<View>>> }
struct Config { name: String }
struct View { config: Rc<Config> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_through_unimplemented_trait_objects_or_phantom_data() {
    let source = "
use std::{cell::RefCell, marker::PhantomData, rc::Rc};
trait Observer {}
struct Subject { observers: RefCell<Vec<Rc<RefCell<dyn Observer>>>> }
struct Tag { marker: PhantomData<RefCell<Rc<Tag>>> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_borrowed_parent() {
    let source = "
use std::cell::RefCell;
struct Scope<'a> { parent: Option<&'a Scope<'a>>, names: RefCell<Vec<String>> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_immutable_arc_chain() {
    let source = "
use std::sync::Arc;
struct Env { parent: Option<Arc<Env>>, vars: Vec<(String, i64)> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_weak_values_in_maps() {
    let source = "
use std::{cell::RefCell, collections::HashMap, rc::{Rc, Weak}};
struct Interner { by_name: RefCell<HashMap<String, Weak<Symbol>>> }
struct Symbol { interner: Rc<Interner> }
";
    assert!(rc_cycles(source).is_empty());
}

#[test]
fn should_not_warn_when_same_named_types_live_in_different_modules() {
    // `tree::Node` and `list::Node` do not point at each other: each `Node`
    // names the type of its own module.
    let source = "
mod tree {
    use std::rc::Rc;
    pub struct Node { pub children: Vec<Rc<Node>>, pub owner: Option<Rc<super::list::Node>> }
}
mod list {
    use std::{cell::RefCell, rc::Rc};
    pub struct Node { pub value: u32, pub next: Option<Box<Node>>, pub tags: RefCell<Vec<String>> }
}
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_through_a_qualified_path_to_another_module() {
    let source = "
mod ui {
    use std::{cell::RefCell, rc::Rc};
    pub struct Node { pub window: RefCell<Option<Rc<super::app::Node>>> }
}
mod app {
    use std::rc::Rc;
    pub struct Node { pub root: Rc<super::ui::Node> }
}
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    // A cycle between the two types, not a self-cycle of one of them.
    assert!(found[0].message.contains("closes a strong `Rc` cycle: `Node."), "{}", found[0].message);
}

#[test]
fn should_not_warn_tree_whose_children_sit_in_a_contained_value() {
    // The shape of an HTML DOM: the node's payload holds strong children, the
    // node itself a weak parent.
    let source = "
use std::{cell::{Cell, RefCell}, rc::{Rc, Weak}};
type Handle = Rc<Node>;
pub struct Node { pub parent: Cell<Option<Weak<Node>>>, pub data: NodeData }
pub enum NodeData { Text(String), Element { children: RefCell<Vec<Handle>>, template: RefCell<Option<Handle>> } }
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_with_the_alias_expanded_in_the_replacement() {
    let source = "
use std::{cell::RefCell, sync::{Arc, Mutex}};
type Shared<T> = Arc<Mutex<T>>;
pub struct Bus { pub listeners: Mutex<Vec<Shared<Listener>>> }
pub struct Listener { pub bus: Option<Shared<Bus>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("strong `Arc` cycle"), "{}", found[0].message);
    assert!(found[0].help.as_ref().unwrap().contains("`bus: Weak<Mutex<Bus>>`"), "{:?}", found[0].help);
}

#[test]
fn should_warn_long_cycle_naming_its_ends_only() {
    let mut source = String::from("use std::{cell::RefCell, rc::Rc};\n");
    for i in 0..20 {
        source.push_str(&format!("pub struct T{i} {{ pub next: RefCell<Option<Rc<T{}>>> }}\n", (i + 1) % 20));
    }
    let found = rc_cycles(&source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("(13 more)"), "{}", found[0].message);
    assert_eq!(found[0].message.matches(" -> ").count(), 8, "{}", found[0].message);
    assert_eq!(found[0].labels.len(), 8);
}

#[test]
fn should_warn_strong_prev_sibling_despite_a_weak_parent() {
    let source = "
use std::{cell::RefCell, rc::{Rc, Weak}};
pub struct DomNode {
    pub parent: RefCell<Weak<DomNode>>,
    pub first_child: RefCell<Option<Rc<DomNode>>>,
    pub next_sibling: RefCell<Option<Rc<DomNode>>>,
    pub prev_sibling: RefCell<Option<Rc<DomNode>>>,
}
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "prev_sibling");
    assert!(found[0].help.as_ref().unwrap().contains("`prev_sibling: RefCell<Weak<DomNode>>`"), "{:?}", found[0].help);
}

#[test]
fn should_not_warn_sibling_links_with_weak_parent_and_weak_prev() {
    // rctree's layout: strong first child and next sibling, weak the rest.
    let source = "
use std::{cell::RefCell, rc::{Rc, Weak}};
pub struct NodeData {
    parent: Option<Weak<RefCell<NodeData>>>,
    first_child: Option<Rc<RefCell<NodeData>>>,
    last_child: Option<Weak<RefCell<NodeData>>>,
    previous_sibling: Option<Weak<RefCell<NodeData>>>,
    next_sibling: Option<Rc<RefCell<NodeData>>>,
}
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_through_a_generic_wrapper_without_suggesting_the_same_type() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Shared<T>(Rc<RefCell<T>>);
pub struct Window { pub widgets: Vec<Shared<Widget>> }
pub struct Widget { pub window: Option<Shared<Window>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "window");
    let help = found[0].help.as_deref().unwrap();
    assert!(help.contains("hold a `Weak` here instead of `window: Option<Shared<Window>>`"), "{help}");
    assert!(!found[0].notes[0].contains("`interior mutability`"), "{:?}", found[0].notes);
}

#[test]
fn should_name_the_cell_an_alias_hides_and_use_the_right_article() {
    let source = "
use std::{cell::RefCell, rc::Rc};
type ActorRef = Rc<RefCell<Actor>>;
pub struct Actor { pub peers: Vec<ActorRef> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("lets an `Actor` hold"), "{}", found[0].message);
    assert!(found[0].notes[0].contains("through `RefCell`"), "{:?}", found[0].notes);
}

#[test]
fn should_say_values_when_one_type_links_to_itself_through_two_fields() {
    let source = "
use std::{cell::RefCell, collections::HashMap, rc::Rc};
pub struct Trie { pub children: RefCell<HashMap<char, Rc<Trie>>>, pub parent: Option<Rc<Trie>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "parent");
    assert!(found[0].notes[0].contains("`Trie` values keep each other's"), "{:?}", found[0].notes);
}

#[test]
fn should_blame_the_back_pointer_that_holds_a_handle_by_value() {
    let source = "
use std::{cell::RefCell, rc::Rc};
#[derive(Clone)]
pub struct Ctx { inner: Rc<RefCell<CtxInner>> }
pub struct CtxInner { pub children: Vec<ChildComp> }
pub struct ChildComp { pub ctx: Ctx }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "ctx");
    assert!(
        found[0].message.contains("`Ctx.inner -> CtxInner.children -> ChildComp.ctx -> Ctx`"),
        "{}",
        found[0].message
    );
    let help = found[0].help.as_deref().unwrap();
    assert!(help.contains("instead of `ctx: Ctx`") && help.contains("`Weak<RefCell<CtxInner>>`"), "{help}");
    assert_eq!(found[0].labels.len(), 2);
}

#[test]
fn should_name_a_generic_node_type_with_its_parameters_in_the_arena_help() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct GenNode<T> { pub value: T, pub edges: RefCell<Vec<Rc<GenNode<T>>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].help.as_deref().unwrap().contains("arena (`Vec<GenNode<T>>`)"), "{:?}", found[0].help);
}

#[test]
fn should_blame_the_field_holding_a_one_field_handle_and_name_the_wrappers_pointer() {
    let source = "
use std::{collections::HashMap, sync::{Arc, Mutex}};
pub struct RpcClient { inner: Arc<RpcClientInner> }
pub struct RpcClientInner { pending: Mutex<HashMap<u64, PendingCall>> }
pub struct PendingCall { client: RpcClient, id: u64 }
pub struct Shared<T>(pub Arc<Mutex<T>>);
pub struct Application { windows: Vec<Window> }
pub struct Window { app: Shared<Application> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 2, "{found:#?}");
    let client = found.iter().find(|f| f.message.contains("PendingCall.client")).expect("client finding");
    assert_eq!(pointed_text(source, client), "client");
    let app = found.iter().find(|f| f.message.contains("Window.app")).expect("app finding");
    assert!(app.message.contains("strong `Arc` cycle"), "{}", app.message);
    assert!(app.notes[0].contains("`Mutex`"), "{:?}", app.notes);
    assert!(app.help.as_deref().unwrap().contains("Arc::downgrade"), "{:?}", app.help);
}

#[test]
fn should_still_blame_a_one_field_back_pointer_held_directly_by_its_target() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Person { pub cars: RefCell<Vec<Car>> }
pub struct Car { pub driver: Rc<Person> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "driver");
}

#[test]
fn should_weaken_only_the_outer_pointer_of_a_shared_list() {
    let source = "
use std::sync::{Arc, Mutex};
pub struct Peer { pub id: u32, pub all_peers: Arc<Mutex<Vec<Arc<Mutex<Peer>>>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].help.as_deref().unwrap().contains("`all_peers: Weak<Mutex<Vec<Arc<Mutex<Peer>>>>>`"),
        "{:?}",
        found[0].help
    );
}

#[test]
fn should_warn_cycle_through_a_trait_object_of_a_local_trait() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub trait PriceObserver { fn on_price(&self, price: u64); }
pub struct Ticker { observers: RefCell<Vec<Rc<dyn PriceObserver>>> }
pub struct PriceLogger { ticker: Rc<Ticker> }
impl PriceObserver for PriceLogger { fn on_price(&self, _price: u64) {} }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("Ticker.observers") && found[0].message.contains("PriceLogger.ticker"),
        "{}",
        found[0].message
    );
}

#[test]
fn should_not_warn_through_trait_objects_of_foreign_traits() {
    let source = "
use std::{any::Any, cell::RefCell, rc::Rc};
pub struct Bus { handlers: RefCell<Vec<Rc<dyn Any>>>, callbacks: RefCell<Vec<Box<dyn Fn()>>> }
pub struct Handler { bus: Rc<Bus> }
impl std::fmt::Debug for Handler { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(\"h\") } }
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_not_join_same_named_traits_of_different_modules() {
    let source = "
pub mod router {
    use std::sync::{Arc, Mutex};
    pub trait Service { fn call(&self); }
    pub struct Router { pub routes: Mutex<Vec<Arc<dyn Service>>> }
    pub struct Mounted { pub router: Arc<Router> }
    impl crate::middleware::Service for Mounted { fn call(&self) {} }
}
pub mod middleware {
    pub trait Service { fn call(&self); }
}
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
    // The same impl written for the router's own trait does close the cycle.
    let linked = source.replace("impl crate::middleware::Service for Mounted", "impl Service for Mounted");
    assert_eq!(rc_cycles(&linked).len(), 1, "{:#?}", rc_cycles(&linked));
}

#[test]
fn should_not_warn_cycle_that_a_drop_of_its_holder_tears_down() {
    // The service users hold is not on the cycle; dropping it empties the pool.
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct AppState { pool: RequestPool }
pub struct RequestPool { requests: RefCell<Vec<Rc<Request>>> }
impl RequestPool { pub fn clear(&self) { self.requests.borrow_mut().clear(); } }
pub struct Request { state: Rc<AppState> }
pub struct Service { state: Rc<AppState> }
impl Service { fn pool(&self) -> &RequestPool { &self.state.pool } }
impl Drop for Service {
    fn drop(&mut self) { self.pool().clear(); }
}
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_cycle_whose_only_drop_is_on_a_member() {
    // A `Drop` on a member never runs while the cycle keeps it alive.
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct AppState { pool: RequestPool }
pub struct RequestPool { requests: RefCell<Vec<Rc<Request>>> }
pub struct Request { state: Rc<AppState> }
impl Drop for AppState {
    fn drop(&mut self) { self.pool.requests.borrow_mut().clear(); }
}
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

#[test]
fn should_not_warn_link_only_ever_filled_with_new_values() {
    // Every write stores a menu made right there: a submenu never points up.
    let source = "
use std::sync::{Arc, RwLock};
pub struct MenuState { sub_menu: Option<(u64, Arc<RwLock<MenuState>>)>, pos: f32 }
impl MenuState {
    pub fn new(pos: f32) -> Self { Self { sub_menu: None, pos } }
    pub fn open_submenu(&mut self, id: u64, pos: f32) {
        self.sub_menu = Some((id, Arc::new(RwLock::new(Self::new(pos)))));
    }
}
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_link_filled_with_an_existing_value() {
    let source = "
use std::sync::{Arc, RwLock};
pub struct MenuState { sub_menu: Option<(u64, Arc<RwLock<MenuState>>)>, pos: f32 }
impl MenuState {
    pub fn new(pos: f32) -> Self { Self { sub_menu: None, pos } }
    pub fn open_submenu(&mut self, id: u64, pos: f32) {
        self.sub_menu = Some((id, Arc::new(RwLock::new(Self::new(pos)))));
    }
    pub fn adopt(&mut self, id: u64, menu: Arc<RwLock<MenuState>>) {
        self.sub_menu = Some((id, menu));
    }
}
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_new_value_built_from_a_clone_of_the_owner() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Node { child: RefCell<Option<Rc<Node>>>, parent: Option<Rc<Node>> }
impl Node {
    pub fn add_child(self: &Rc<Self>) {
        *self.child.borrow_mut() = Some(Rc::new(Node { child: RefCell::new(None), parent: Some(self.clone()) }));
    }
}
";
    assert!(!rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_not_warn_link_filled_with_new_values_and_emptied() {
    let source = "
use std::sync::{Arc, RwLock};
pub struct MenuState { sub_menu: Option<(u64, Arc<RwLock<MenuState>>)>, pos: f32 }
impl MenuState {
    pub fn new(pos: f32) -> Self { Self { sub_menu: None, pos } }
    pub fn open_submenu(&mut self, id: u64, pos: f32) {
        self.sub_menu = Some((id, Arc::new(RwLock::new(Self::new(pos)))));
    }
    pub fn close(&mut self) { self.sub_menu = None; }
}
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_not_warn_tree_with_children_only() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Node { pub value: i32, pub children: RefCell<Vec<Rc<Node>>> }
pub struct Element { pub inner: Rc<ElementData> }
pub struct ElementData { pub child: RefCell<Option<Element>> }
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_tree_whose_nodes_also_hold_a_strong_parent() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Node { pub children: RefCell<Vec<Rc<Node>>>, pub parent: RefCell<Option<Rc<Node>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("`Node.parent`"), "{}", found[0].message);
}

#[test]
fn should_warn_graph_node_with_neighbours() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Node { pub neighbours: RefCell<Vec<Rc<Node>>> }
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

// === links behind a cell that the code sets only when the value is built ===

/// A job queue whose jobs point at their queue: `Job.queue` is private and
/// the module's code only ever sets it in the struct literal.
const SET_ONCE: &str = "
use std::{cell::RefCell, rc::Rc};
pub struct Queue { jobs: RefCell<Vec<Rc<Job>>> }
pub struct Job { queue: RefCell<Option<Rc<Queue>>>, id: u32 }
impl Queue {
    pub fn new() -> Rc<Self> { Rc::new(Queue { jobs: RefCell::new(Vec::new()) }) }
    pub fn add(self: &Rc<Self>, id: u32) {
        let job = Rc::new(Job { queue: RefCell::new(None), id });
        self.jobs.borrow_mut().push(job);
    }
}
impl Job {
    pub fn queue_len(&self) -> usize {
        self.queue.borrow().as_ref().map_or(0, |q| q.jobs.borrow().len())
    }
}
";

#[test]
fn should_not_warn_back_link_set_only_when_the_value_is_built() {
    assert!(rc_cycles(SET_ONCE).is_empty(), "{:#?}", rc_cycles(SET_ONCE));
}

#[test]
fn should_warn_back_link_that_code_sets_after_the_value_is_built() {
    let source = SET_ONCE.replace(
        "        self.jobs.borrow_mut().push(job);",
        "        *job.queue.borrow_mut() = Some(self.clone());\n        self.jobs.borrow_mut().push(job);",
    );
    let found = rc_cycles(&source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("`Queue.jobs -> Job.queue -> Queue`"), "{}", found[0].message);
}

#[test]
fn should_warn_back_link_handed_to_other_code() {
    // What `link` does with the cell is not followed: it may set it.
    let source = SET_ONCE.replace(
        "    pub fn queue_len(&self)",
        "    pub fn cell(&self) -> &RefCell<Option<Rc<Queue>>> { &self.queue }\n    pub fn queue_len(&self)",
    );
    assert_eq!(rc_cycles(&source).len(), 1, "{:#?}", rc_cycles(&source));
}

#[test]
fn should_warn_back_link_in_a_pub_field() {
    // Users of the type can set a `pub` field: their code is not shown.
    let source = SET_ONCE.replace("pub struct Job { queue:", "pub struct Job { pub queue:");
    assert_eq!(rc_cycles(&source).len(), 1, "{:#?}", rc_cycles(&source));
}

#[test]
fn should_warn_types_that_the_scope_never_builds() {
    // Types alone, with no code: judged by what the types allow.
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Queue { jobs: RefCell<Vec<Rc<Job>>> }
pub struct Job { queue: RefCell<Option<Rc<Queue>>> }
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_set_once_link_when_only_part_of_its_module_is_shown() {
    // The attribute on one item: the rest of the module may set the field.
    let file = syn::parse_file(SET_ONCE).unwrap();
    let sources = [leak_audit_engine::Source::new(leak_audit_engine::FileId(0), &file.items).fragment()];
    let analysis = leak_audit_engine::analyze(&sources, &leak_audit_engine::Config::default());
    assert_eq!(analysis.findings.len(), 1, "{:#?}", analysis.findings);
}

#[test]
fn should_warn_link_behind_a_cell_inside_the_shared_pointer() {
    // `Rc<RefCell<Job>>`: any handle can replace the whole job, link included.
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Queue { jobs: Vec<Rc<RefCell<Job>>> }
pub struct Job { queue: Option<Rc<RefCell<Queue>>>, id: u32 }
impl Queue {
    pub fn add(&mut self, id: u32) {
        self.jobs.push(Rc::new(RefCell::new(Job { queue: None, id })));
    }
}
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_set_once_link_named_in_a_macro() {
    // A macro's tokens are not parsed: a field named in them may be written.
    let source = SET_ONCE.replace(
        "    pub fn queue_len(&self)",
        "    pub fn reset(&self) { reset!(self.queue); }\n    pub fn queue_len(&self)",
    );
    assert_eq!(rc_cycles(&source).len(), 1, "{:#?}", rc_cycles(&source));
}

#[test]
fn should_warn_back_link_built_with_the_queue_then_pushed_into_it() {
    // Set once, but to an existing queue, which a later push points back at.
    let source = SET_ONCE.replace("queue: RefCell::new(None), id", "queue: RefCell::new(Some(self.clone())), id");
    let found = rc_cycles(&source);
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn should_not_warn_cell_link_to_an_existing_value_when_no_other_link_changes() {
    // The parent is set when the node is built and never again, and the
    // children list cannot change: the older parent cannot reach the new node.
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Node { parent: RefCell<Option<Rc<Node>>>, children: Vec<Rc<Node>>, label: String }
impl Node {
    pub fn leaf(parent: Option<Rc<Node>>, label: String) -> Rc<Node> {
        Rc::new(Node { parent: RefCell::new(parent), children: Vec::new(), label })
    }
    pub fn with_children(children: Vec<Rc<Node>>, label: String) -> Rc<Node> {
        Rc::new(Node { parent: RefCell::new(None), children, label })
    }
    pub fn parent_label(&self) -> Option<String> {
        self.parent.borrow().as_ref().map(|parent| parent.label.clone())
    }
}
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
    let written = source.replace(
        "    pub fn parent_label",
        "    pub fn reparent(&self, parent: Rc<Node>) { *self.parent.borrow_mut() = Some(parent); }\n    pub fn parent_label",
    );
    assert_eq!(rc_cycles(&written).len(), 1, "{:#?}", rc_cycles(&written));
}

#[test]
fn should_name_every_field_that_holds_the_same_back_pointer_in_one_finding() {
    // Each timer holds its association strongly: making one weak leaves the
    // others, so the one finding names them all.
    let source = "
use std::sync::{Arc, Mutex};
pub struct Timer<T> { observer: Arc<Mutex<T>> }
pub struct Association { retransmit: Option<Timer<Association>>, ack: Option<Timer<Association>>, state: u8 }
impl Association {
    pub fn arm(this: &Arc<Mutex<Association>>) {
        let mut me = this.lock().unwrap();
        me.retransmit = Some(Timer { observer: this.clone() });
        me.ack = Some(Timer { observer: this.clone() });
    }
}
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .notes
            .iter()
            .any(|note| note.contains("through 1 more field") && note.contains("each needs the same fix")),
        "{:#?}",
        found[0].notes
    );
    assert_eq!(found[0].labels.len(), 1, "{:#?}", found[0].labels);
}

#[test]
fn should_not_add_a_note_for_a_single_back_pointer() {
    let source = "
use std::sync::{Arc, Mutex};
pub struct Timer<T> { observer: Arc<Mutex<T>> }
pub struct Association { ack: Option<Timer<Association>>, state: u8 }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].notes.iter().all(|note| !note.contains("the same way")), "{:#?}", found[0].notes);
}

#[test]
fn should_not_name_a_forward_link_beside_the_back_pointer_it_pairs_with() {
    // `next` is the ownership direction once `prev` is weak: not the same fix.
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct ListNode { pub next: RefCell<Option<Rc<ListNode>>>, pub prev: RefCell<Option<Rc<ListNode>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].notes.iter().all(|note| !note.contains("the same way")), "{:#?}", found[0].notes);
    assert!(found[0].labels.is_empty(), "{:#?}", found[0].labels);
}
