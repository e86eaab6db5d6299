//! Types are resolved by their path and the `use` declarations in scope: a
//! path into another crate is a foreign type with no edges, a renamed import
//! keeps what it names, and same-named aliases in two modules are two aliases.

mod support;

use support::findings_of;

fn rc_cycles(source: &str) -> Vec<leak_audit_engine::Finding> {
    findings_of("rc_cycle", source)
}

#[test]
fn should_not_warn_foreign_handle_with_a_local_name() {
    // `vk::Fence` is ash's handle, not this crate's `Fence`.
    let source = "
use std::sync::{Arc, Mutex};
use ash::vk;
pub struct Device { fence_pool: Mutex<Vec<vk::Fence>> }
pub struct Fence { device: Arc<Device>, handle: vk::Fence }
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_local_type_named_through_its_module() {
    let source = "
use std::sync::{Arc, Mutex};
pub mod sync {
    pub struct Fence { pub device: std::sync::Arc<super::Device> }
}
pub struct Device { fence_pool: Mutex<Vec<Arc<sync::Fence>>> }
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

#[test]
fn should_not_warn_type_imported_from_another_crate() {
    // `Window` is the toolkit's, imported by name; the crate's own `Window` is another type.
    let source = "
use std::sync::{Arc, Mutex};
use sctk::shell::xdg::window::Window;
pub mod ours {
    pub struct Window { pub state: std::sync::Arc<std::sync::Mutex<super::WindowState>> }
}
pub struct WindowState { window: Window }
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_type_imported_from_the_crate() {
    let source = "
use std::sync::{Arc, Mutex};
use crate::ours::Window;
pub mod ours {
    pub struct Window { pub state: std::sync::Arc<std::sync::Mutex<super::WindowState>> }
}
pub struct WindowState { window: Window }
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

#[test]
fn should_not_follow_type_arguments_of_foreign_handles() {
    // A queue handle's type argument names what it dispatches to, not what it owns.
    let source = "
use std::sync::{Arc, Mutex};
use wayland_client::QueueHandle;
pub struct State { windows: Vec<Arc<Mutex<WindowState>>> }
pub struct WindowState { queue_handle: QueueHandle<State> }
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_follow_type_arguments_of_std_containers_named_by_path() {
    let source = "
pub struct State { windows: Vec<std::sync::Arc<std::sync::Mutex<WindowState>>> }
pub struct WindowState { owner: std::collections::HashMap<u32, std::sync::Arc<State>> }
";
    assert_eq!(rc_cycles(source).len(), 1, "{:#?}", rc_cycles(source));
}

#[test]
fn should_warn_through_a_renamed_strong_pointer() {
    let source = "
use std::cell::RefCell;
use std::rc::Rc as Shared;
pub struct Person { cars: RefCell<Vec<Shared<Car>>> }
pub struct Car { owner: RefCell<Option<Shared<Person>>> }
";
    let found = rc_cycles(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("strong `Rc` cycle"), "{}", found[0].message);
}

#[test]
fn should_not_warn_through_a_renamed_weak_pointer() {
    let source = "
use std::sync::{Arc, Mutex};
use std::sync::Weak as SyncWeak;
pub struct Person { cars: Mutex<Vec<Arc<Car>>> }
pub struct Car { owner: Mutex<SyncWeak<Person>> }
";
    assert!(rc_cycles(source).is_empty(), "{:#?}", rc_cycles(source));
}

#[test]
fn should_tell_same_named_aliases_in_two_modules_apart() {
    // `a::Inner` holds a strong link back to `Node`; `b::Inner` is a number.
    let strong = "
use std::{cell::RefCell, rc::Rc};
pub mod a {
    pub type Inner = std::rc::Rc<std::cell::RefCell<super::Node>>;
    pub struct Holder { pub inner: Inner }
}
pub mod b {
    pub type Inner = u32;
    pub struct Count { pub inner: Inner }
}
pub struct Node { holder: RefCell<Option<Rc<a::Holder>>>, count: b::Count }
";
    assert_eq!(rc_cycles(strong).len(), 1, "{:#?}", rc_cycles(strong));
    let weak = strong.replace("pub type Inner = std::rc::Rc<", "pub type Inner = std::rc::Weak<");
    assert!(rc_cycles(&weak).is_empty(), "{:#?}", rc_cycles(&weak));
}

#[test]
fn should_not_take_a_renamed_import_from_a_module_not_analysed_for_a_same_named_local_type() {
    // `crate::a::Surface` is another type than this file's `Surface`; the
    // module `a` is not in the scope, so nothing is known of it.
    let source = "
use std::{cell::RefCell, rc::Rc};
use crate::a::Surface as A;
pub enum Surface<T> { A(Rc<RefCell<A<T>>>), Plain(T) }
";
    let found = findings_of("rc_cycle", source);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn should_resolve_a_renamed_import_to_the_type_of_the_module_it_names() {
    // With the module in the scope, the path names its `Surface`, which holds
    // the outer one back: a real cycle between the two types.
    let source = "
use std::{cell::RefCell, rc::Rc};
use crate::a::Surface as A;
pub enum Surface<T> { A(Rc<RefCell<A<T>>>), Plain(T) }
pub mod a {
    pub struct Surface<T> { pub outer: std::cell::RefCell<Option<std::rc::Rc<crate::Surface<T>>>> }
}
";
    let found = findings_of("rc_cycle", source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("Surface"), "{}", found[0].message);
}

#[test]
fn should_walk_a_recursive_generic_type_with_many_variants_once_per_path() {
    // Each variant re-enters the enum: walked naively, the work grows as the
    // variant count to the power of the depth.
    let variants: Vec<String> = (0..8).map(|i| format!("V{i}(Rc<RefCell<Tree<T>>>)")).collect();
    let source =
        format!("use std::{{cell::RefCell, rc::Rc}};\npub enum Tree<T> {{ {}, Leaf(T) }}", variants.join(", "));
    let found = findings_of("rc_cycle", &source);
    assert_eq!(found.len(), 1, "{found:#?}");
}
