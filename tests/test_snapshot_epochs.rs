//! `Snapshot::diff` tells the live values created after the earlier snapshot
//! (`new_alive`) apart from those alive at both (`survived`), as dotMemory
//! Unit does; debug builds only, `None` in release builds and for
//! `repr(C)`/`repr(transparent)` types. Own binary: the counters are global.

use std::sync::{mpsc, Mutex, PoisonError};
use std::thread;

use leak_audit::snapshot;

#[leak_audit::leak_audit]
mod model {
    pub struct Item {
        pub id: u32,
    }

    pub fn item(id: u32) -> Item {
        Item { id }
    }

    #[repr(C)]
    pub struct Raw {
        pub id: u32,
    }

    pub fn raw(id: u32) -> Raw {
        Raw { id }
    }

    pub struct Fresh {
        pub id: u32,
    }

    pub fn fresh(id: u32) -> Fresh {
        Fresh { id }
    }

    pub struct Churn {
        pub id: u32,
    }

    pub fn churn(id: u32) -> Churn {
        Churn { id }
    }
}

use model::{Fresh, Item, Raw};

/// `(new_alive, survived)` of `T` between two snapshots.
fn split<T: leak_audit::Counted>(
    later: &leak_audit::Snapshot,
    earlier: &leak_audit::Snapshot,
) -> (Option<usize>, Option<usize>) {
    let diff = later.diff(earlier);
    let entry = diff.get::<T>().expect("the type changed in between");
    (entry.new_alive, entry.survived)
}

fn known(new_alive: usize, survived: usize) -> (Option<usize>, Option<usize>) {
    if cfg!(debug_assertions) {
        (Some(new_alive), Some(survived))
    } else {
        (None, None)
    }
}

/// The tests of this binary run one at a time: each compares whole
/// snapshots, which the other's values would change.
static SERIAL: Mutex<()> = Mutex::new(());

// The scenario depends on the order of snapshots and on which values are
// alive, which the other test of this binary would change: they take turns.
#[test]
fn should_tell_new_values_from_survivors() {
    let _turn = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    // Values created before the first snapshot, some dropped later.
    let mut old: Vec<Item> = (0..10).map(model::item).collect();
    let a = snapshot();
    old.truncate(6); // 4 old values dropped after A
    let mut new: Vec<Item> = (10..15).map(model::item).collect();
    new.truncate(3); // 2 new values dropped before B: created and dropped in between
    let b = snapshot();
    {
        let diff = b.diff(&a);
        let items = diff.get::<Item>().unwrap();
        assert_eq!((items.created, items.dropped, items.net, items.live), (5, 6, -1, 9));
    }
    assert_eq!(split::<Item>(&b, &a), known(3, 6));

    // Across several snapshots: the split is relative to the earlier one passed.
    let c = snapshot();
    assert_eq!(c, b, "nothing changed: equal counts, whatever the epochs");
    old.truncate(2); // 4 more survivors of A (and of B) dropped
    new.remove(0); // one value created between A and B dropped after C
    let kept = model::item(99); // created after C
    let d = snapshot();
    // Alive at D: 2 from before A, 2 from between A and B, 1 from after C.
    assert_eq!(split::<Item>(&d, &a), known(3, 2));
    assert_eq!(split::<Item>(&d, &b), known(1, 4));
    assert_eq!(split::<Item>(&d, &c), known(1, 4));
    // The earlier diffs keep their values (snapshots are plain values).
    assert_eq!(split::<Item>(&b, &a), known(3, 6));

    // Passed the wrong way round, or with a default snapshot: unknown.
    let wrong = a.diff(&d);
    assert_eq!(wrong.get::<Item>().map(|entry| (entry.new_alive, entry.survived)), Some((None, None)));
    // Counts that only grow do not wrap round either.
    assert_eq!(wrong.get::<Item>().map(|entry| (entry.created, entry.dropped)), Some((0, 0)));
    let from_nothing = d.diff(&leak_audit::Snapshot::default());
    assert_eq!(from_nothing.get::<Item>().map(|entry| entry.survived), Some(None));

    // A type first instantiated after the earlier snapshot: all new.
    let fresh = model::fresh(1);
    assert_eq!(fresh.id, 1);
    let e = snapshot();
    assert_eq!(split::<Fresh>(&e, &d), known(1, 0));

    // repr(C) types keep no per-instance data: unknown even in debug builds.
    let raws: Vec<Raw> = (0..3).map(model::raw).collect();
    let f = snapshot();
    assert_eq!(split::<Raw>(&f, &e), (None, None));
    assert_eq!(f.diff(&e).get::<Raw>().unwrap().net, 3);

    // Values created on other threads and dropped on yet others, after the
    // threads synchronised with this one (join, channel): still exact.
    let (send, receive) = mpsc::channel();
    let g = snapshot();
    let makers: Vec<_> = (0..4)
        .map(|t| {
            let send = send.clone();
            thread::spawn(move || {
                for i in 0..1000 {
                    send.send(model::item(t * 1000 + i)).unwrap();
                }
            })
        })
        .collect();
    drop(send);
    let mut received: Vec<Item> = receive.iter().collect();
    for maker in makers {
        maker.join().unwrap();
    }
    assert_eq!(received.len(), 4000);
    // Drop half of the new values and one survivor, on another thread.
    let half = received.split_off(2000);
    let survivor = old.pop().unwrap();
    thread::spawn(move || drop((half, survivor))).join().unwrap();
    let h = snapshot();
    // Alive at G: 2 from before A, 2 from between A and B, 1 from after C;
    // one of them dropped since.
    assert_eq!(split::<Item>(&h, &g), known(2000, 4));
    assert_eq!(h.live::<Item>(), 2004);

    // The table shows the split when it is known.
    let text = h.diff(&g).to_string();
    if cfg!(debug_assertions) {
        assert!(text.lines().next().unwrap().contains("survived"), "{text}");
    } else {
        assert!(!text.contains("survived"), "{text}");
    }

    let ids: Vec<u32> = old.iter().chain(&new).chain([&kept]).map(|item| item.id).collect();
    assert_eq!(ids, [0, 11, 12, 99]);
    drop((old, new, kept, fresh, raws, received));
    let end = snapshot();
    assert_eq!(split::<Item>(&end, &h), known(0, 0));
}

/// Threads churn values (some kept across snapshots, dropped later) while
/// snapshots are taken: while they race, a split is approximate like every
/// count, but always within bounds (the check below guards the arithmetic);
/// once the threads are joined the split is exact again.
#[test]
fn should_stay_consistent_while_snapshots_race_with_churn() {
    let _turn = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    use model::Churn;
    let kept_before: Vec<Churn> = (0..100).map(model::churn).collect();
    let start = snapshot();
    let workers: Vec<_> = (0..2)
        .map(|t| {
            thread::spawn(move || {
                let mut window = std::collections::VecDeque::new();
                for i in 0..50_000 {
                    window.push_back(model::churn(t * 100_000 + i));
                    if window.len() > 64 {
                        window.pop_front();
                    }
                }
                window.into_iter().collect::<Vec<_>>()
            })
        })
        .collect();
    let mut previous = snapshot();
    for _ in 0..200 {
        let now = snapshot();
        if let Some(entry) = now.diff(&previous).get::<Churn>() {
            if let (Some(new_alive), Some(survived)) = (entry.new_alive, entry.survived) {
                assert_eq!(new_alive + survived, entry.live, "{entry:?}");
            }
        }
        previous = now;
    }
    let kept: Vec<Churn> = workers.into_iter().flat_map(|worker| worker.join().unwrap()).collect();
    assert_eq!(kept.len(), 128);
    let end = snapshot();
    assert_eq!(end.live::<Churn>(), 228);
    assert_eq!(split::<Churn>(&end, &start), known(128, 100));
    drop(kept_before);
    let after = snapshot();
    assert_eq!(split::<Churn>(&after, &start), known(128, 0));
    assert_eq!(split::<Churn>(&after, &end), known(0, 128));
    assert_eq!(kept.iter().filter(|value| value.id >= 100_000).count(), 64);
}
