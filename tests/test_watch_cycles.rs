//! Watches (`watch`, `Watch::assert_dropped`) and the strong cycle that keeps
//! a value alive (`find_cycle`), through the tracer `#[leak_audit]` generates:
//! through each container the walk knows, through enums, tuple structs and a
//! generic annotated type; cycles of length 1, 2 and 5; a borrowed `RefCell`
//! or a locked `Mutex` on the path is skipped and said so; `Weak` is not
//! followed; a closure is opaque.

#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::panic;
use std::rc::Rc;
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::Duration;

#[leak_audit::leak_audit(allow(rc_cycle), reason = "these types exist to make cycles")]
mod graph {
    use super::*;

    /// Every container the walk goes through, one field each.
    #[derive(Default)]
    pub struct Hub {
        pub name: String,
        #[allow(clippy::redundant_allocation)] // the walk goes through a `Box`
        pub boxed: RefCell<Option<Box<Rc<Hub>>>>,
        pub list: RefCell<Vec<Rc<Hub>>>,
        pub queue: RefCell<VecDeque<Rc<Hub>>>,
        pub by_name: RefCell<HashMap<String, Rc<Hub>>>,
        pub by_id: RefCell<BTreeMap<u32, Rc<Hub>>>,
        pub pair: RefCell<Option<(u8, Rc<Hub>)>>,
        pub array: RefCell<[Option<Rc<Hub>>; 2]>,
        pub link: RefCell<Link>,
        pub wrapped: RefCell<Option<Wrapper>>,
        pub holder: RefCell<Option<Rc<Holder<Hub>>>>,
        pub button: RefCell<Option<Rc<Button>>>,
        pub parent: RefCell<std::rc::Weak<Hub>>,
    }

    /// A closure is opaque.
    pub struct Button {
        pub on_click: Option<Box<dyn Fn()>>,
    }

    pub fn button(on_click: impl Fn() + 'static) -> Rc<Button> {
        Rc::new(Button { on_click: Some(Box::new(on_click)) })
    }

    /// An enum on the path.
    #[derive(Default)]
    pub enum Link {
        #[default]
        End,
        Next(Rc<Hub>),
        Named {
            id: u32,
            to: Rc<Hub>,
        },
    }

    /// A tuple struct on the path.
    pub struct Wrapper(pub u8, pub Rc<Hub>);

    /// A generic annotated type on the path.
    pub struct Holder<T> {
        pub value: RefCell<Option<Rc<T>>>,
    }

    pub fn hub(name: &str) -> Rc<Hub> {
        Rc::new(Hub { name: name.into(), ..Hub::default() })
    }

    pub fn holder(value: Rc<Hub>) -> Rc<Holder<Hub>> {
        Rc::new(Holder { value: RefCell::new(Some(value)) })
    }

    /// Shared across threads.
    pub struct Worker {
        pub locked: Mutex<Vec<Arc<Worker>>>,
        pub read: RwLock<Option<Arc<Worker>>>,
    }

    pub fn worker() -> Arc<Worker> {
        Arc::new(Worker { locked: Mutex::new(Vec::new()), read: RwLock::new(None) })
    }
}

use graph::{hub, Hub};

/// Breaks every link `hub` holds, so that the test leaks nothing.
fn unlink(hub: &Hub) {
    hub.boxed.borrow_mut().take();
    hub.list.borrow_mut().clear();
    hub.queue.borrow_mut().clear();
    hub.by_name.borrow_mut().clear();
    hub.by_id.borrow_mut().clear();
    hub.pair.borrow_mut().take();
    *hub.array.borrow_mut() = [None, None];
    *hub.link.borrow_mut() = graph::Link::End;
    hub.wrapped.borrow_mut().take();
    hub.holder.borrow_mut().take();
}

fn cycle(start: &Rc<Hub>) -> String {
    leak_audit::find_cycle(start).map(|cycle| cycle.to_string()).unwrap_or_default()
}

fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[leak_audit::test]
fn cycles_through_each_container() {
    let a = hub("a");
    let b = hub("b");
    b.list.borrow_mut().push(a.clone());

    /// The container, how to link `a` to `b` through it, the cycle found.
    type Case<'a> = (&'a str, Box<dyn Fn() + 'a>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            "Box",
            Box::new(|| *a.boxed.borrow_mut() = Some(Box::new(b.clone()))),
            "Hub#1.boxed -> Hub#2.list[0] -> Hub#1",
        ),
        ("Vec", Box::new(|| a.list.borrow_mut().push(b.clone())), "Hub#1.list[0] -> Hub#2.list[0] -> Hub#1"),
        (
            "VecDeque",
            Box::new(|| a.queue.borrow_mut().push_back(b.clone())),
            "Hub#1.queue[0] -> Hub#2.list[0] -> Hub#1",
        ),
        (
            "HashMap",
            Box::new(|| drop(a.by_name.borrow_mut().insert("b".into(), b.clone()))),
            "Hub#1.by_name[\"b\"] -> Hub#2.list[0] -> Hub#1",
        ),
        (
            "BTreeMap",
            Box::new(|| drop(a.by_id.borrow_mut().insert(7, b.clone()))),
            "Hub#1.by_id[7] -> Hub#2.list[0] -> Hub#1",
        ),
        ("tuple", Box::new(|| *a.pair.borrow_mut() = Some((1, b.clone()))), "Hub#1.pair.1 -> Hub#2.list[0] -> Hub#1"),
        ("array", Box::new(|| a.array.borrow_mut()[1] = Some(b.clone())), "Hub#1.array[1] -> Hub#2.list[0] -> Hub#1"),
        (
            "enum tuple variant",
            Box::new(|| *a.link.borrow_mut() = graph::Link::Next(b.clone())),
            "Hub#1.link::Next.0 -> Hub#2.list[0] -> Hub#1",
        ),
        (
            "enum struct variant",
            Box::new(|| *a.link.borrow_mut() = graph::Link::Named { id: 3, to: b.clone() }),
            "Hub#1.link::Named.to -> Hub#2.list[0] -> Hub#1",
        ),
        (
            "tuple struct",
            Box::new(|| *a.wrapped.borrow_mut() = Some(graph::Wrapper(0, b.clone()))),
            "Hub#1.wrapped.1 -> Hub#2.list[0] -> Hub#1",
        ),
        (
            "generic annotated type",
            Box::new(|| *a.holder.borrow_mut() = Some(graph::holder(b.clone()))),
            "Hub#1.holder -> Holder<Hub>#1.value -> Hub#2.list[0] -> Hub#1",
        ),
    ];
    for (container, link, expected) in cases {
        assert_eq!(cycle(&a), "", "before {container}");
        link();
        assert_eq!(cycle(&a), expected, "through {container}");
        unlink(&a);
    }
    unlink(&b);
}

#[leak_audit::test]
fn cycles_through_mutex_and_rwlock_and_a_locked_mutex_is_skipped() {
    let a = graph::worker();
    let b = graph::worker();
    a.locked.lock().unwrap().push(b.clone());
    *b.read.write().unwrap() = Some(a.clone());
    assert_eq!(leak_audit::find_cycle(&a).unwrap().to_string(), "Worker#1.locked[0] -> Worker#2.read -> Worker#1");

    let guard = b.read.write().unwrap();
    let watch = leak_audit::watch(&a);
    let failure = panic::catch_unwind(panic::AssertUnwindSafe(|| watch.assert_dropped())).unwrap_err();
    let text = message(&*failure);
    assert!(text.contains("no strong cycle through types annotated `#[leak_audit]` leads back to it"), "{text}");
    assert!(text.ends_with("note: skipped `Worker#2.read`: RwLock locked for writing"), "{text}");
    drop(guard);

    let locked = a.locked.lock().unwrap();
    assert!(leak_audit::find_cycle(&a).is_none());
    drop(locked);
    a.locked.lock().unwrap().clear();
    b.read.write().unwrap().take();
}

#[leak_audit::test]
fn cycles_of_length_1_2_and_5() {
    let a = hub("a");
    a.list.borrow_mut().push(a.clone());
    assert_eq!(leak_audit::find_cycle(&a).unwrap().len(), 1);
    assert_eq!(cycle(&a), "Hub#1.list[0] -> Hub#1");
    unlink(&a);

    let b = hub("b");
    a.list.borrow_mut().push(b.clone());
    b.queue.borrow_mut().push_back(a.clone());
    assert_eq!(leak_audit::find_cycle(&a).unwrap().len(), 2);
    assert_eq!(cycle(&a), "Hub#1.list[0] -> Hub#2.queue[0] -> Hub#1");
    unlink(&a);
    unlink(&b);

    let ring: Vec<Rc<Hub>> = (0..5).map(|index| hub(&index.to_string())).collect();
    for (index, node) in ring.iter().enumerate() {
        node.list.borrow_mut().push(ring[(index + 1) % 5].clone());
    }
    let found = leak_audit::find_cycle(&ring[0]).unwrap();
    assert_eq!(found.len(), 5);
    assert_eq!(
        found.to_string(),
        "Hub#1.list[0] -> Hub#2.list[0] -> Hub#3.list[0] -> Hub#4.list[0] -> Hub#5.list[0] -> Hub#1"
    );
    assert!(found.notes().is_empty());
    ring.iter().for_each(|node| unlink(node));
}

#[leak_audit::test]
fn the_shortest_cycle_is_found() {
    // a -> b -> c -> a and a -> c -> a.
    let (a, b, c) = (hub("a"), hub("b"), hub("c"));
    a.list.borrow_mut().push(b.clone());
    b.list.borrow_mut().push(c.clone());
    c.list.borrow_mut().push(a.clone());
    a.queue.borrow_mut().push_back(c.clone());
    assert_eq!(cycle(&a), "Hub#1.queue[0] -> Hub#3.list[0] -> Hub#1");
    [&a, &b, &c].into_iter().for_each(|node| unlink(node));
}

#[leak_audit::test]
fn a_borrowed_refcell_on_the_path_is_skipped_and_said_so() {
    let (a, b) = (hub("a"), hub("b"));
    a.list.borrow_mut().push(b.clone());
    b.list.borrow_mut().push(a.clone());
    {
        let _held = b.list.borrow_mut();
        let watch = leak_audit::watch(&a);
        let failure = panic::catch_unwind(panic::AssertUnwindSafe(|| watch.assert_dropped())).unwrap_err();
        let text = message(&*failure);
        assert!(text.contains("note: skipped `Hub#2.list`: RefCell already mutably borrowed"), "{text}");
        assert!(leak_audit::find_cycle(&a).is_none());
    }
    assert_eq!(cycle(&a), "Hub#1.list[0] -> Hub#2.list[0] -> Hub#1");
    unlink(&a);
    unlink(&b);
}

#[leak_audit::test]
fn weak_is_not_followed_and_closures_are_opaque() {
    let (a, b) = (hub("a"), hub("b"));
    a.list.borrow_mut().push(b.clone());
    *b.parent.borrow_mut() = Rc::downgrade(&a);
    assert!(leak_audit::find_cycle(&a).is_none());

    let captured = a.clone();
    *b.button.borrow_mut() = Some(graph::button(move || assert!(!captured.name.is_empty())));
    let watch = leak_audit::watch(&a);
    drop(a);
    let failure = panic::catch_unwind(panic::AssertUnwindSafe(|| watch.assert_dropped())).unwrap_err();
    let text = message(&*failure);
    assert!(text.starts_with("leak_audit: the `Hub` watched at tests/test_watch_cycles.rs:"), "{text}");
    assert!(text.contains("still alive (after waiting "), "{text}");
    assert!(text.contains(": 1 strong reference, 1 weak besides this watch"), "{text}");
    assert!(text.ends_with("note: cannot see inside `Button#1.on_click` (`Option<Box<dyn Fn()>>`)"), "{text}");
    b.button.borrow_mut().take();
    watch.assert_dropped();
}

#[leak_audit::test]
fn watches_report_the_cycle_that_keeps_a_value_alive() {
    let (a, b) = (hub("a"), hub("b"));
    a.list.borrow_mut().push(b.clone());
    b.by_name.borrow_mut().insert("owner".into(), a.clone());
    let watch = leak_audit::watch(&a);
    drop(a);
    assert!(!watch.is_dropped());
    let failure = panic::catch_unwind(panic::AssertUnwindSafe(|| watch.assert_dropped())).unwrap_err();
    let text = message(&*failure);
    assert!(text.contains(": 1 strong reference, 0 weak besides this watch"), "{text}");
    assert!(
        text.ends_with("\nkept alive by a strong cycle: Hub#1.list[0] -> Hub#2.by_name[\"owner\"] -> Hub#1"),
        "{text}"
    );
    b.by_name.borrow_mut().clear();
    watch.assert_dropped();
}

#[leak_audit::test]
fn watches_on_rc_and_on_arc_dropped_on_another_thread() {
    let local = hub("local");
    let watch = leak_audit::watch(&local);
    assert!(!watch.is_dropped());
    drop(local);
    assert!(watch.is_dropped());
    watch.assert_dropped();

    let shared = graph::worker();
    let watch = leak_audit::watch(&shared);
    let handle = thread::spawn(move || {
        thread::sleep(Duration::from_millis(30));
        drop(shared);
    });
    assert!(!watch.is_dropped());
    watch.assert_dropped();
    handle.join().unwrap();

    // Any `T`, sized or not.
    let text: Arc<str> = Arc::from("unsized");
    let watch = leak_audit::watch(&text);
    drop(text);
    watch.assert_dropped();
}

#[test]
fn a_value_of_an_uncounted_type_is_watched_but_not_walked() {
    let value: Rc<dyn std::any::Any> = Rc::new(5u8);
    let watch = leak_audit::watch(&value);
    assert!(leak_audit::find_cycle(&value).is_none());
    let failure = panic::catch_unwind(panic::AssertUnwindSafe(|| watch.assert_dropped())).unwrap_err();
    let text = message(&*failure);
    assert!(
        text.contains("note: cannot see inside `dyn Any`: the walk starts from values of non-generic structs"),
        "{text}"
    );
}
