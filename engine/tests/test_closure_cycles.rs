//! `rc_cycle` on closures that keep their owner alive: a closure stored in a
//! slot of a value that captures a strong pointer back to that value.

mod support;

use support::{findings_of, pointed_text};

fn cycles(source: &str) -> Vec<leak_audit_engine::Finding> {
    findings_of("rc_cycle", source)
}

fn assert_one(source: &str) -> leak_audit_engine::Finding {
    let found = cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    found.into_iter().next().unwrap()
}

fn assert_none(source: &str) {
    let found = cycles(source);
    assert!(found.is_empty(), "{found:#?}");
}

// === must warn ===

#[test]
fn should_warn_widget_click_handler_capturing_its_widget() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handlers: Vec<Box<dyn Fn()>>, clicks: u32 }
impl Widget {
    pub fn on_click(&mut self, f: impl Fn() + 'static) { self.handlers.push(Box::new(f)); }
}
pub fn build() -> Rc<RefCell<Widget>> {
    let widget = Rc::new(RefCell::new(Widget { handlers: Vec::new(), clicks: 0 }));
    let w = widget.clone();
    widget.borrow_mut().on_click(move || w.borrow_mut().clicks += 1);
    widget
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "w");
    assert!(
        found.message.contains("`Widget.handlers -> closure -> Rc<RefCell<Widget>> -> Widget`"),
        "{}",
        found.message
    );
    assert!(found.help.as_deref().unwrap().contains("Rc::downgrade(&w)"));
    assert_eq!(found.labels.len(), 1);
}

#[test]
fn should_warn_emitter_listener_capturing_the_subscriber() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Emitter { listeners: RefCell<Vec<Box<dyn Fn(u32)>>> }
impl Emitter {
    pub fn subscribe(&self, f: impl Fn(u32) + 'static) { self.listeners.borrow_mut().push(Box::new(f)); }
}
pub struct Subscriber { emitter: Rc<Emitter>, seen: RefCell<Vec<u32>> }
pub fn wire(emitter: Rc<Emitter>) -> Rc<Subscriber> {
    let sub = Rc::new(Subscriber { emitter: emitter.clone(), seen: RefCell::new(Vec::new()) });
    let listener = sub.clone();
    emitter.subscribe(move |event| listener.seen.borrow_mut().push(event));
    sub
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "listener");
    assert!(
        found.message.contains("`Emitter.listeners -> closure -> Rc<Subscriber> -> Subscriber.emitter -> Emitter`"),
        "{}",
        found.message
    );
}

#[test]
fn should_warn_timer_callback_capturing_arc_clone_of_self() {
    let source = "
use std::sync::{Arc, Mutex};
pub struct Timer { callback: Mutex<Option<Box<dyn Fn() + Send>>>, ticks: Mutex<u64> }
impl Timer {
    pub fn start(self: &Arc<Self>) {
        let me = Arc::clone(self);
        *self.callback.lock().unwrap() = Some(Box::new(move || *me.ticks.lock().unwrap() += 1));
    }
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "me");
    assert!(found.message.contains("Timer.callback -> closure -> Arc<Timer> -> Timer"), "{}", found.message);
    assert!(found.help.as_deref().unwrap().contains("Arc::downgrade(&me)"));
}

#[test]
fn should_warn_wasm_closure_field_capturing_its_component() {
    let source = "
use std::{cell::RefCell, rc::Rc};
use wasm_bindgen::closure::Closure;
pub struct Component { on_tick: RefCell<Option<Closure<dyn FnMut()>>>, count: RefCell<u32> }
impl Component {
    pub fn mount(self: Rc<Self>) {
        let this = self.clone();
        let closure = Closure::new(move || *this.count.borrow_mut() += 1);
        *self.on_tick.borrow_mut() = Some(closure);
    }
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "this");
    assert!(found.message.contains("Component.on_tick -> closure -> Rc<Component> -> Component"), "{}", found.message);
}

#[test]
fn should_warn_self_scheduling_closure_through_shared_option() {
    let source = "
use std::{cell::RefCell, rc::Rc};
use wasm_bindgen::closure::Closure;
pub fn start_loop() {
    let f: Rc<RefCell<Option<Closure<dyn FnMut()>>>> = Rc::new(RefCell::new(None));
    let g = f.clone();
    *g.borrow_mut() = Some(Closure::new(move || {
        request_animation_frame(f.borrow().as_ref().unwrap());
    }));
    request_animation_frame(g.borrow().as_ref().unwrap());
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "f");
    assert!(
        found.message.contains("`g -> closure -> Rc<RefCell<Option<Closure<dyn FnMut()>>>> -> f`"),
        "{}",
        found.message
    );
}

#[test]
fn should_warn_toolkit_handler_capturing_a_clone_of_its_receiver() {
    let source = "
pub fn build(window: gtk::ApplicationWindow) {
    let win = window.clone();
    window.connect_close_request(move |_| { win.hide(); glib::Propagation::Stop });
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "win");
    assert!(found.message.contains("closure stored in `window`"), "{}", found.message);
    assert_eq!(found.labels.len(), 1);
}

#[test]
fn should_warn_glib_clone_macro_strong_capture_old_syntax() {
    let source = "
pub fn build(button: gtk::Button) {
    button.connect_clicked(glib::clone!(@strong button => move |_| button.set_label(\"clicked\")));
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "button");
}

#[test]
fn should_warn_glib_clone_macro_strong_capture_new_syntax() {
    let source = "
pub fn build(button: gtk::Button) {
    button.connect_clicked(clone!(#[strong] button, move |_| button.set_label(\"clicked\")));
}
";
    assert_one(source);
}

#[test]
fn should_warn_handle_newtype_captured_by_its_own_field_closure() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct AppInner { on_change: RefCell<Option<Box<dyn Fn()>>>, value: RefCell<i32> }
#[derive(Clone)]
pub struct App(Rc<AppInner>);
impl App {
    pub fn watch(&self) {
        let app = self.clone();
        *self.0.on_change.borrow_mut() = Some(Box::new(move || *app.0.value.borrow_mut() += 1));
    }
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "app");
}

#[test]
fn should_warn_handler_inserted_into_a_map_field() {
    let source = "
use std::{cell::RefCell, collections::HashMap, rc::Rc};
pub struct Bus { routes: RefCell<HashMap<String, Rc<dyn Fn(&str)>>>, log: RefCell<Vec<String>> }
pub fn route(bus: &Rc<Bus>) {
    let b = Rc::clone(bus);
    bus.routes.borrow_mut().insert(\"log\".to_string(), Rc::new(move |m: &str| b.log.borrow_mut().push(m.to_string())));
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "b");
    assert!(found.message.contains("Bus.routes"), "{}", found.message);
}

#[test]
fn should_warn_closure_held_in_a_local_before_it_is_stored() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Button { on_press: RefCell<Option<Box<dyn Fn()>>>, presses: RefCell<u32> }
pub fn wire(button: Rc<Button>) {
    let this = button.clone();
    let handler = move || *this.presses.borrow_mut() += 1;
    *button.on_press.borrow_mut() = Some(Box::new(handler));
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "this");
}

#[test]
fn should_warn_registration_through_a_field_of_the_captured_value() {
    let source = "
pub struct Window { button: gtk::Button, title: String }
pub fn wire(window: std::rc::Rc<Window>) {
    let w = window.clone();
    window.button.connect_clicked(move |_| println!(\"{}\", w.title));
}
";
    let found = assert_one(source);
    assert!(found.message.contains("closure stored in `Window.button`"), "{}", found.message);
    assert!(found.message.contains("`Window.button -> closure -> std::rc::Rc<Window> -> Window`"), "{}", found.message);
}

#[test]
fn should_warn_observer_registered_through_a_scope_method_on_an_arc() {
    let source = "
use std::sync::{Arc, Mutex};
pub struct Store { observers: Mutex<Vec<Box<dyn Fn(i32) + Send>>>, state: Mutex<i32> }
impl Store {
    pub fn observe(&self, f: Box<dyn Fn(i32) + Send>) { self.observers.lock().unwrap().push(f); }
}
pub fn wire(store: Arc<Store>) {
    let s = Arc::clone(&store);
    store.observe(Box::new(move |v| *s.state.lock().unwrap() = v));
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "s");
    assert!(found.message.contains("Store.observers -> closure -> Arc<Store> -> Store"), "{}", found.message);
}

#[test]
fn should_warn_child_callback_capturing_the_parent_that_owns_the_child() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Child { on_done: RefCell<Option<Box<dyn Fn()>>> }
pub struct Parent { child: Child, done: RefCell<bool> }
pub fn wire(parent: Rc<Parent>) {
    let p = parent.clone();
    *parent.child.on_done.borrow_mut() = Some(Box::new(move || *p.done.borrow_mut() = true));
}
";
    let found = assert_one(source);
    assert!(
        found.message.contains("Child.on_done -> closure -> Rc<Parent> -> Parent.child -> Child"),
        "{}",
        found.message
    );
}

#[test]
fn should_warn_once_per_closure_with_two_strong_captures() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handler: RefCell<Option<Box<dyn Fn()>>>, n: RefCell<u32> }
pub fn wire(widget: Rc<Widget>) {
    let a = widget.clone();
    let b = widget.clone();
    *widget.handler.borrow_mut() = Some(Box::new(move || { *a.n.borrow_mut() += 1; *b.n.borrow_mut() += 1; }));
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "a");
}

#[test]
fn should_warn_set_callback_on_a_foreign_receiver_with_a_clone_of_it() {
    let source = "
pub fn wire(slider: slint::Weak<AppWindow>, window: AppWindow) {
    let handle = window.clone_strong();
    let w = window.clone();
    window.on_clicked(move || w.set_counter(w.get_counter() + 1));
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "w");
}

// === must not warn ===

#[test]
fn should_not_warn_weak_capture_via_downgrade() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handlers: Vec<Box<dyn Fn()>>, clicks: u32 }
impl Widget {
    pub fn on_click(&mut self, f: impl Fn() + 'static) { self.handlers.push(Box::new(f)); }
}
pub fn build() -> Rc<RefCell<Widget>> {
    let widget = Rc::new(RefCell::new(Widget { handlers: Vec::new(), clicks: 0 }));
    let weak = Rc::downgrade(&widget);
    widget.borrow_mut().on_click(move || if let Some(w) = weak.upgrade() { w.borrow_mut().clicks += 1 });
    widget
}
",
    );
}

#[test]
fn should_not_warn_closure_capturing_nothing() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handlers: RefCell<Vec<Box<dyn Fn()>>> }
pub fn wire(widget: Rc<Widget>) {
    widget.handlers.borrow_mut().push(Box::new(|| println!(\"clicked\")));
}
",
    );
}

#[test]
fn should_not_warn_closure_capturing_plain_data() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handlers: RefCell<Vec<Box<dyn Fn()>>> }
pub fn wire(widget: Rc<Widget>, name: String, count: u32) {
    widget.handlers.borrow_mut().push(Box::new(move || println!(\"{name} {count}\")));
}
",
    );
}

#[test]
fn should_not_warn_glib_clone_macro_weak_capture() {
    assert_none(
        "
pub fn build(button: gtk::Button) {
    button.connect_clicked(glib::clone!(@weak button => move |_| button.set_label(\"clicked\")));
    button.connect_clicked(clone!(#[weak] button, move |_| button.set_label(\"again\")));
}
",
    );
}

#[test]
fn should_not_warn_handler_capturing_another_widget_on_a_toolkit_receiver() {
    // The label does not own the button: no cycle.
    assert_none(
        "
pub fn build(button: gtk::Button, label: gtk::Label) {
    let label = label.clone();
    button.connect_clicked(move |_| label.set_text(\"clicked\"));
}
",
    );
}

#[test]
fn should_not_warn_capture_of_a_type_that_cannot_reach_the_owner() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Counter { n: RefCell<u32> }
pub struct Widget { handler: RefCell<Option<Box<dyn Fn()>>> }
pub fn wire(widget: Rc<Widget>, counter: Rc<Counter>) {
    let c = counter.clone();
    *widget.handler.borrow_mut() = Some(Box::new(move || *c.n.borrow_mut() += 1));
}
",
    );
}

#[test]
fn should_not_warn_closure_that_is_called_not_stored() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { n: RefCell<u32> }
pub fn run(widget: Rc<Widget>) {
    let w = widget.clone();
    let bump = move || *w.n.borrow_mut() += 1;
    bump();
    std::thread::sleep(std::time::Duration::from_millis(1));
}
",
    );
}

#[test]
fn should_not_warn_closure_passed_to_a_method_that_runs_it() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { n: RefCell<u32> }
impl Widget {
    pub fn with<R>(&self, f: impl FnOnce(&Widget) -> R) -> R { f(self) }
}
pub fn run(widget: Rc<Widget>) {
    let w = widget.clone();
    widget.with(move |_| *w.n.borrow_mut() += 1);
}
",
    );
}

#[test]
fn should_not_warn_copy_of_a_plain_struct_captured() {
    // `me` is a copy of a struct without shared pointers: the closure does
    // not hold the `Settings` that stores it.
    assert_none(
        "
use std::cell::RefCell;
#[derive(Clone)]
pub struct Settings { on_save: RefCell<Option<Box<dyn Fn()>>>, name: String }
impl Settings {
    pub fn wire(&self) {
        let name = self.name.clone();
        *self.on_save.borrow_mut() = Some(Box::new(move || println!(\"{name}\")));
    }
}
",
    );
}

#[test]
fn should_not_warn_weak_handle_type_captured() {
    assert_none(
        "
use std::{cell::RefCell, rc::{Rc, Weak}};
pub struct AppInner { on_change: RefCell<Option<Box<dyn Fn()>>>, value: RefCell<i32> }
pub struct WeakApp(Weak<AppInner>);
pub fn watch(app: Rc<AppInner>) {
    let weak = WeakApp(Rc::downgrade(&app));
    *app.on_change.borrow_mut() = Some(Box::new(move || if let Some(a) = weak.0.upgrade() { *a.value.borrow_mut() += 1 }));
}
",
    );
}

#[test]
fn should_not_warn_thread_spawn_capturing_an_arc() {
    assert_none(
        "
use std::sync::{Arc, Mutex};
pub struct Worker { jobs: Mutex<Vec<u32>> }
pub fn run(worker: Arc<Worker>) {
    let w = Arc::clone(&worker);
    std::thread::spawn(move || w.jobs.lock().unwrap().push(1));
}
",
    );
}

#[test]
fn should_not_warn_iterator_closures() {
    assert_none(
        "
use std::rc::Rc;
pub struct Item { weight: u32 }
pub fn total(items: Vec<Rc<Item>>, base: Rc<Item>) -> u32 {
    let b = base.clone();
    items.iter().map(move |item| item.weight + b.weight).sum()
}
",
    );
}

#[test]
fn should_not_warn_registration_on_a_different_receiver_of_the_same_toolkit_type() {
    assert_none(
        "
pub fn build(ok: gtk::Button, cancel: gtk::Button) {
    let other = cancel.clone();
    ok.connect_clicked(move |_| other.set_sensitive(false));
}
",
    );
}

#[test]
fn should_not_warn_closure_slot_of_a_short_lived_local() {
    // The slot is a local `Vec` that dies with the fn; it is not shared.
    assert_none(
        "
use std::rc::Rc;
pub struct State { n: std::cell::Cell<u32> }
pub fn run(state: Rc<State>) {
    let mut callbacks: Vec<Box<dyn Fn()>> = Vec::new();
    let s = state.clone();
    callbacks.push(Box::new(move || s.n.set(s.n.get() + 1)));
    for callback in &callbacks { callback(); }
}
",
    );
}

#[test]
fn should_not_warn_when_allowed_on_the_slot_field() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Widget {
    #[leak_audit(allow(rc_cycle), reason = \"cleared in Widget::close\")]
    handler: RefCell<Option<Box<dyn Fn()>>>,
    n: RefCell<u32>,
}
pub fn wire(widget: Rc<Widget>) {
    let w = widget.clone();
    *widget.handler.borrow_mut() = Some(Box::new(move || *w.n.borrow_mut() += 1));
}
",
    );
}

#[test]
fn should_not_warn_slot_emptied_by_hand() {
    // `close` sets the handler back to `None`: the crate breaks the cycle.
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handler: RefCell<Option<Box<dyn Fn()>>>, n: RefCell<u32> }
impl Widget {
    pub fn close(&self) { *self.handler.borrow_mut() = None; }
}
pub fn wire(widget: Rc<Widget>) {
    let w = widget.clone();
    *widget.handler.borrow_mut() = Some(Box::new(move || *w.n.borrow_mut() += 1));
}
",
    );
}

#[test]
fn should_warn_slot_replaced_only_by_other_closures() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handler: RefCell<Option<Box<dyn Fn()>>>, n: RefCell<u32> }
pub fn wire(widget: Rc<Widget>) {
    let w = widget.clone();
    *widget.handler.borrow_mut() = Some(Box::new(move || *w.n.borrow_mut() += 1));
}
pub fn rewire(widget: Rc<Widget>) {
    *widget.handler.borrow_mut() = Some(Box::new(|| println!(\"quiet\")));
}
";
    assert_one(source);
}

#[test]
fn should_not_warn_closure_without_move_that_borrows() {
    assert_none(
        "
use std::{cell::RefCell, rc::Rc};
pub struct Runtime { scopes: RefCell<Vec<u32>>, hooks: RefCell<Vec<Box<dyn Fn()>>> }
impl Runtime {
    pub fn on_scope<O>(&self, id: u32, f: impl FnOnce() -> O) -> O { f() }
    pub fn drop_scope(self: &Rc<Self>, id: u32) {
        self.on_scope(id, || { self.scopes.borrow_mut().clear(); });
    }
}
",
    );
}

#[test]
fn should_not_warn_value_producing_closure_of_a_cache() {
    assert_none(
        "
use std::sync::Arc;
pub struct Device { cache: OnceCache<u64, Arc<Display>> }
pub struct Display { device: Arc<Device> }
impl Device {
    pub fn display(self: &Arc<Self>, handle: u64) -> Arc<Display> {
        self.cache.get_or_insert_with(handle, move |_| Arc::new(Display { device: self.clone() }))
    }
}
",
    );
}

#[test]
fn graph_shows_closure_slots_as_nodes_with_their_captures() {
    let source = "
use std::{cell::RefCell, rc::Rc};
pub struct Widget { handler: RefCell<Option<Box<dyn Fn()>>>, n: RefCell<u32> }
pub fn wire(widget: Rc<Widget>) {
    let w = widget.clone();
    *widget.handler.borrow_mut() = Some(Box::new(move || *w.n.borrow_mut() += 1));
}
";
    let file = syn::parse_file(source).unwrap();
    let sources = [leak_audit_engine::Source::new(leak_audit_engine::FileId(0), &file.items)];
    let graph = leak_audit_engine::analyze(&sources, &leak_audit_engine::Config::default()).graph;
    let slot = graph.nodes.iter().position(|node| node.closure).expect("a closure slot node");
    assert_eq!(graph.nodes[slot].name, "Widget.handler (closure)");
    assert!(graph.edges.iter().any(|edge| edge.from == 0 && edge.to == slot && edge.mutable));
    let capture = graph.edges.iter().find(|edge| edge.from == slot).expect("a capture edge");
    assert_eq!((capture.to, capture.field_label.as_str()), (0, "w"));
    assert_eq!(capture.kind, leak_audit_engine::graph::EdgeKind::Strong);
    assert!(graph.to_dot().contains("shape=ellipse"));
}

#[test]
fn should_warn_self_scheduling_closure_built_in_a_block_into_an_unannotated_cell() {
    // No type written anywhere: `Rc::new(RefCell::new(None))` is known to be a
    // shared cell, and the closure is the value of the block.
    let source = "
use std::{cell::RefCell, rc::Rc};
use wasm_bindgen::closure::Closure;
pub fn start(update: Rc<dyn Fn()>) {
    let frame = Rc::new(RefCell::new(None));
    let frame_clone = frame.clone();
    *frame_clone.borrow_mut() = Some(Closure::new({
        let update = update.clone();
        move || {
            update();
            request_animation_frame(frame.borrow().as_ref().unwrap());
        }
    }));
}
";
    let found = assert_one(source);
    assert_eq!(pointed_text(source, &found), "frame");
    assert!(found.message.contains("`frame_clone -> closure -> Rc<RefCell<Option<_>>> -> frame`"), "{}", found.message);
}

const LISTEN: &str = "
pub fn watch(history: gloo::history::BrowserHistory, log: std::rc::Rc<std::cell::RefCell<Vec<String>>>) {
    let callback = {
        let history = history.clone();
        move || log.borrow_mut().push(history.location().path().to_owned())
    };
    REGISTRATION;
}
";

#[test]
fn should_warn_registration_whose_handle_is_dropped_on_the_spot() {
    let source = LISTEN.replace("REGISTRATION", "history.listen(callback)");
    let found = assert_one(&source);
    assert!(found.message.contains("closure stored in `history`"), "{}", found.message);
}

#[test]
fn should_not_warn_registration_whose_handle_the_code_keeps() {
    // The listener removes the callback when it is dropped (or the id lets the
    // code disconnect it): the registration is undone by the code that keeps it.
    let source = LISTEN.replace("REGISTRATION;", "let listener = history.listen(callback);\n    listener").replace(
        "log: std::rc::Rc<std::cell::RefCell<Vec<String>>>)",
        "log: std::rc::Rc<std::cell::RefCell<Vec<String>>>) -> gloo::history::HistoryListener",
    );
    assert_none(&source);
}

#[test]
fn should_not_warn_registration_whose_handle_is_stored() {
    // Kept in a field or pushed into a list of guards: dropped with them.
    let stored = LISTEN
        .replace("pub fn watch(", "pub struct Watch { listener: gloo::history::HistoryListener }\npub fn watch(")
        .replace("REGISTRATION;", "let watch = Watch { listener: history.listen(callback) };\n    drop(watch);");
    assert_none(&stored);
    let pushed = LISTEN.replace(
        "REGISTRATION;",
        "let mut guards = Vec::new();\n    guards.push(history.listen(callback));\n    drop(guards);",
    );
    assert_none(&pushed);
}
