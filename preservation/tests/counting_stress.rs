//! Counts stay exact while several threads, for a bounded time, create,
//! clone, send to each other over channels and drop instances of annotated
//! types, with panics thrown inside constructors (fns of the annotated module,
//! before, during and after the struct literal), inside `Clone` and inside
//! user `Drop` impls, all caught with `catch_unwind`.
//!
//! At the end, for every type: `created - dropped == live`, `live` equals
//! what the test still holds, `count::<T>()` agrees, and `created` equals the
//! creations the threads tallied (a creation whose literal or clone was cut
//! short by a panic may or may not have made its hidden field yet: those are
//! tallied apart, as a range). After everything is dropped, every count is 0.
//!
//! Its own test binary, one test: it checks global counts.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use leak_audit::{count, snapshot};

#[leak_audit::leak_audit]
mod model {
    /// A field whose `Clone` panics when asked to.
    #[derive(Debug)]
    pub struct Fuse(pub bool);

    impl Clone for Fuse {
        fn clone(&self) -> Self {
            if self.0 {
                panic!("clone panics");
            }
            Fuse(false)
        }
    }

    #[derive(Clone, Debug)]
    #[allow(dead_code)]
    pub struct Node {
        pub id: u64,
        pub payload: Vec<u8>,
        pub fuse: Fuse,
    }

    /// A generic type: all instantiations share one counter.
    #[derive(Clone, Debug)]
    #[allow(dead_code)]
    pub struct Pair<T> {
        pub left: T,
        pub right: Node,
    }

    /// Its `Drop` panics when `explode` is set (unless already unwinding).
    #[derive(Debug)]
    pub struct Fragile {
        pub id: u64,
        pub explode: bool,
    }

    impl Drop for Fragile {
        fn drop(&mut self) {
            if self.explode && !std::thread::panicking() {
                panic!("drop of fragile {} panics", self.id);
            }
        }
    }

    pub fn node(id: u64) -> Node {
        Node { id, payload: vec![0; (id % 5) as usize], fuse: Fuse(false) }
    }

    pub fn node_with_fuse(id: u64) -> Node {
        Node { id, payload: Vec::new(), fuse: Fuse(true) }
    }

    fn payload_or_panic(id: u64) -> Vec<u8> {
        panic!("payload of {id} panics")
    }

    fn base_or_panic(id: u64) -> Node {
        panic!("base of {id} panics")
    }

    /// How a constructor ends: 0 returns, 1 panics before the literal, 2
    /// panics after it (the value is dropped while unwinding), 3 panics in a
    /// field of the literal, 4 panics in the `..base` of the literal.
    pub fn node_or_panic(id: u64, how: u8) -> Node {
        match how {
            1 => panic!("constructor {id} before building panics"),
            2 => {
                let built = Node { id, payload: Vec::new(), fuse: Fuse(false) };
                if built.id == id {
                    panic!("constructor {id} after building panics");
                }
                built
            }
            3 => Node { id, payload: payload_or_panic(id), fuse: Fuse(false) },
            4 => Node { id, ..base_or_panic(id) },
            _ => Node { id, payload: vec![1], fuse: Fuse(false) },
        }
    }

    pub fn pair<T>(left: T, id: u64) -> Pair<T> {
        Pair { left, right: node(id) }
    }

    pub fn fragile(id: u64, explode: bool) -> Fragile {
        Fragile { id, explode }
    }
}

use model::{Fragile, Node, Pair};

/// Creations the threads tallied.
#[derive(Default)]
struct Tally {
    /// Certain creations.
    created: AtomicUsize,
    /// Creations a panic may have cut short before the hidden field was made.
    uncertain: AtomicUsize,
}

impl Tally {
    fn add(&self, n: usize) {
        self.created.fetch_add(n, Ordering::Relaxed);
    }
}

#[derive(Default)]
struct Tallies {
    node: Tally,
    pair: Tally,
    fragile: Tally,
}

enum Parcel {
    Node(Node),
    PairS(Pair<String>),
    PairU(Pair<u32>),
    Fragile(Fragile),
}

#[derive(Default)]
struct Held {
    nodes: Vec<Node>,
    pairs_s: Vec<Pair<String>>,
    pairs_u: Vec<Pair<u32>>,
    fragiles: Vec<Fragile>,
}

impl Held {
    fn len(&self) -> usize {
        self.nodes.len() + self.pairs_s.len() + self.pairs_u.len() + self.fragiles.len()
    }

    fn keep(&mut self, parcel: Parcel) {
        match parcel {
            Parcel::Node(value) => self.nodes.push(value),
            Parcel::PairS(value) => self.pairs_s.push(value),
            Parcel::PairU(value) => self.pairs_u.push(value),
            Parcel::Fragile(value) => self.fragiles.push(value),
        }
    }

    /// Drops about half of what is held (fragile ones may panic in `Drop`).
    fn thin(&mut self, rng: &mut u64) {
        let keep = |rng: &mut u64| next(rng) % 2 == 0;
        self.nodes.retain(|_| keep(rng));
        self.pairs_s.retain(|_| keep(rng));
        self.pairs_u.retain(|_| keep(rng));
        let fragiles = std::mem::take(&mut self.fragiles);
        for fragile in fragiles {
            if keep(rng) && !fragile.explode {
                self.fragiles.push(fragile);
            } else {
                let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(fragile)));
            }
        }
    }
}

/// Sends `parcel`; if the neighbour has stopped, drops it here (a fragile
/// value may panic in its `Drop`).
fn post(send: &Sender<Parcel>, parcel: Parcel) {
    if let Err(mpsc::SendError(parcel)) = send.send(parcel) {
        let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(parcel)));
    }
}

fn next(state: &mut u64) -> u64 {
    // xorshift64*
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

const THREADS: usize = 4;
const RUN_FOR: Duration = Duration::from_millis(1500);

#[allow(clippy::too_many_lines)]
fn worker(index: usize, send: Sender<Parcel>, receive: Receiver<Parcel>, tallies: &Tallies, deadline: Instant) -> Held {
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64 ^ (index as u64 + 1).wrapping_mul(0x1000_0000_01b3);
    let mut held = Held::default();
    let mut id = (index as u64) << 40;
    while Instant::now() < deadline {
        id += 1;
        match next(&mut rng) % 16 {
            0..=3 => {
                let value = model::node(id);
                tallies.node.add(1);
                if next(&mut rng) % 2 == 0 {
                    post(&send, Parcel::Node(value));
                } else {
                    held.nodes.push(value);
                }
            }
            4 | 5 => {
                let how = (next(&mut rng) % 5) as u8;
                let result = panic::catch_unwind(|| model::node_or_panic(id, how));
                match (how, result) {
                    (0, Ok(value)) => {
                        tallies.node.add(1);
                        held.nodes.push(value);
                    }
                    // Built, then dropped while unwinding.
                    (2, Err(_)) => tallies.node.add(1),
                    (1 | 3, Err(_)) => {}
                    // The hidden field may be made before `..base` panics.
                    (4, Err(_)) => {
                        tallies.node.uncertain.fetch_add(1, Ordering::Relaxed);
                    }
                    (how, result) => panic!("constructor mode {how} gave {:?}", result.is_ok()),
                }
            }
            6 => {
                // Clone panics in a field: the clone may or may not have made
                // its hidden field.
                let value = model::node_with_fuse(id);
                tallies.node.add(1);
                let cloned = panic::catch_unwind(AssertUnwindSafe(|| value.clone()));
                assert!(cloned.is_err());
                tallies.node.uncertain.fetch_add(1, Ordering::Relaxed);
                held.nodes.push(value);
            }
            7 | 8 => {
                if let Some(value) = held.nodes.iter().rev().find(|value| !value.fuse.0) {
                    let copy = value.clone();
                    tallies.node.add(1);
                    post(&send, Parcel::Node(copy));
                }
            }
            9 => {
                let value = model::pair(format!("p{id}"), id);
                tallies.pair.add(1);
                tallies.node.add(1);
                let copy = value.clone();
                tallies.pair.add(1);
                tallies.node.add(1);
                held.pairs_s.push(value);
                post(&send, Parcel::PairS(copy));
            }
            10 => {
                let value = model::pair(id as u32, id);
                tallies.pair.add(1);
                tallies.node.add(1);
                post(&send, Parcel::PairU(value));
            }
            11 | 12 => {
                let explode = next(&mut rng) % 3 == 0;
                let value = model::fragile(id, explode);
                tallies.fragile.add(1);
                if next(&mut rng) % 2 == 0 {
                    post(&send, Parcel::Fragile(value));
                } else {
                    held.fragiles.push(value);
                }
            }
            13 => held.thin(&mut rng),
            _ => {
                // Receive what the neighbour sent: keep it, drop it, or pass
                // it on.
                for _ in 0..8 {
                    match receive.try_recv() {
                        Ok(parcel) => match next(&mut rng) % 3 {
                            0 => held.keep(parcel),
                            1 => post(&send, parcel),
                            _ => {
                                let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(parcel)));
                            }
                        },
                        Err(_) => break,
                    }
                }
            }
        }
        if held.len() > 2_000 {
            held.thin(&mut rng);
        }
    }
    // Stop sending, then take everything still in flight to us (the
    // neighbour's sender goes away when it stops too).
    drop(send);
    loop {
        match receive.try_recv() {
            Ok(parcel) => {
                if next(&mut rng) % 2 == 0 {
                    held.keep(parcel);
                } else {
                    let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(parcel)));
                }
            }
            Err(TryRecvError::Empty) => thread::yield_now(),
            Err(TryRecvError::Disconnected) => break,
        }
    }
    held
}

fn check(name: &str, created: usize, dropped: usize, live: usize, counted: usize, held: usize, tally: &Tally) {
    let certain = tally.created.load(Ordering::Relaxed);
    let uncertain = tally.uncertain.load(Ordering::Relaxed);
    assert_eq!(created - dropped, live, "{name}: created - dropped != live");
    assert_eq!(live, held, "{name}: live != what the test holds");
    assert_eq!(counted, held, "{name}: count::<T>() != what the test holds");
    assert!(
        (certain..=certain + uncertain).contains(&created),
        "{name}: created {created}, tallied {certain} (+ up to {uncertain} cut short by panics)"
    );
}

#[test]
fn counts_stay_exact_under_threads_channels_and_panics() {
    // Keep the deliberate panics quiet; report any other.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied());
        if !message.is_some_and(|message| message.ends_with(" panics")) {
            default_hook(info);
        }
    }));

    let tallies = Tallies::default();
    let deadline = Instant::now() + RUN_FOR;
    let (senders, receivers): (Vec<_>, Vec<_>) = (0..THREADS).map(|_| mpsc::channel::<Parcel>()).unzip();
    let mut held: Vec<Held> = thread::scope(|scope| {
        let mut receivers: Vec<Option<Receiver<Parcel>>> = receivers.into_iter().map(Some).collect();
        let handles: Vec<_> = (0..THREADS)
            .map(|index| {
                // Worker `index` sends to its right neighbour.
                let send = senders[(index + 1) % THREADS].clone();
                let receive = receivers[index].take().expect("one receiver per worker");
                let tallies = &tallies;
                scope.spawn(move || worker(index, send, receive, tallies, deadline))
            })
            .collect();
        drop(senders);
        handles.into_iter().map(|handle| handle.join().expect("worker panicked")).collect()
    });

    let nodes_held: usize = held.iter().map(|h| h.nodes.len() + h.pairs_s.len() + h.pairs_u.len()).sum();
    let pairs_held: usize = held.iter().map(|h| h.pairs_s.len() + h.pairs_u.len()).sum();
    let fragiles_held: usize = held.iter().map(|h| h.fragiles.len()).sum();
    let stats = snapshot();
    let node = stats.get::<Node>().expect("nodes were counted");
    let pair = stats.get::<Pair<String>>().expect("pairs were counted");
    let fragile = stats.get::<Fragile>().expect("fragiles were counted");
    eprintln!(
        "nodes: created {}, dropped {}, live {}; pairs: created {}, live {}; fragiles: created {}, live {}",
        node.created, node.dropped, node.live, pair.created, pair.live, fragile.created, fragile.live
    );
    assert!(node.created > 1_000, "the run did too little to say anything");
    check("Node", node.created, node.dropped, node.live, count::<Node>(), nodes_held, &tallies.node);
    check("Pair", pair.created, pair.dropped, pair.live, count::<Pair<u32>>(), pairs_held, &tallies.pair);
    check(
        "Fragile",
        fragile.created,
        fragile.dropped,
        fragile.live,
        count::<Fragile>(),
        fragiles_held,
        &tallies.fragile,
    );

    // Drop everything: all back to zero, every creation matched by one drop.
    for held in &mut held {
        for fragile in held.fragiles.drain(..) {
            let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(fragile)));
        }
    }
    drop(held);
    let stats = snapshot();
    for (name, stats) in
        [("Node", stats.get::<Node>()), ("Pair", stats.get::<Pair<String>>()), ("Fragile", stats.get::<Fragile>())]
    {
        let stats = stats.expect("counted");
        assert_eq!(stats.live, 0, "{name} still live");
        assert_eq!(stats.created, stats.dropped, "{name}");
    }
    assert_eq!(count::<Node>() + count::<Pair<String>>() + count::<Fragile>(), 0);
    drop(panic::take_hook());
}
