//! Watches: a value that must be dropped (LeakCanary's
//! `expectWeaklyReachable`), and the strong cycle that keeps one alive.

use core::fmt;
use core::panic::Location;
use std::rc::{self, Rc};
use std::sync::{self as stdsync, Arc};

use crate::trace::{self, short_name, CyclePath, Outcome};

use sealed::Probe;

/// `Probe` for the `Weak` of a pointer type.
macro_rules! probe {
    ($weak:ty, $strong:ident) => {
        impl<T: ?Sized> Probe for $weak {
            fn strong(&self) -> usize {
                self.strong_count()
            }
            fn weak(&self) -> usize {
                self.weak_count()
            }
            fn type_name(&self) -> &'static str {
                core::any::type_name::<T>()
            }
            fn walk(&self) -> Option<Outcome> {
                let alive = self.upgrade()?;
                Some(trace::walk_from($strong::as_ptr(&alive).cast::<()>() as usize, core::any::type_name::<T>()))
            }
        }
    };
}

probe!(rc::Weak<T>, Rc);
probe!(stdsync::Weak<T>, Arc);

/// A pointer that can be watched: `Rc<T>` and `Arc<T>`, for any `T`, sized
/// or not.
///
/// The cycle walk ([`find_cycle`]) starts from values of non-generic structs
/// counted by `#[leak_audit]`; for any other `T` a watch still tells whether
/// the value was dropped.
pub trait Watchable: sealed::Sealed {
    #[doc(hidden)]
    fn __probe(&self) -> Box<dyn Probe>;
}

mod sealed {
    use crate::trace::Outcome;

    pub trait Sealed {}

    /// What a watch needs of the watched pointer, without its type.
    pub trait Probe {
        fn strong(&self) -> usize;
        fn weak(&self) -> usize;
        fn type_name(&self) -> &'static str;
        /// Walks from the value, if it is alive.
        fn walk(&self) -> Option<Outcome>;
    }

    impl<T: ?Sized> Sealed for std::rc::Rc<T> {}
    impl<T: ?Sized> Sealed for std::sync::Arc<T> {}
}

/// Boxes `probe`, forgetting the lifetimes of the watched type.
fn erase<'a, P: Probe + 'a>(probe: P) -> Box<dyn Probe> {
    let probe: Box<dyn Probe + 'a> = Box::new(probe);
    // SAFETY: only the lifetime bound of the trait object changes (same
    // layout). A `Weak` does not touch its value when counted or dropped, so
    // `strong`, `weak`, `type_name` and dropping the box are sound after `'a`.
    // `walk` upgrades, but only reads the value through a tracer found for a
    // non-generic struct of the same name (`Root::of`): such a type has no
    // lifetime parameters, so it is `'static` and the value outlives no
    // borrow it holds.
    unsafe { core::mem::transmute::<Box<dyn Probe + 'a>, Box<dyn Probe + 'static>>(probe) }
}

impl<T: ?Sized> Watchable for Rc<T> {
    fn __probe(&self) -> Box<dyn Probe> {
        erase(Rc::downgrade(self))
    }
}

impl<T: ?Sized> Watchable for Arc<T> {
    fn __probe(&self) -> Box<dyn Probe> {
        erase(Arc::downgrade(self))
    }
}

/// A weak watch on a value that is expected to be dropped; see [`watch`].
pub struct Watch {
    probe: Box<dyn Probe>,
    at: &'static Location<'static>,
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch")
            .field("type", &self.probe.type_name())
            .field("at", &self.at)
            .field("dropped", &self.is_dropped())
            .finish()
    }
}

/// Watches the value `pointer` points to, without keeping it alive (the watch
/// holds a `Weak`).
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
///
/// let value = Rc::new(String::from("temporary"));
/// let watch = leak_audit::watch(&value);
/// assert!(!watch.is_dropped());
/// drop(value);
/// watch.assert_dropped();
/// ```
#[track_caller]
#[must_use]
pub fn watch<P: Watchable>(pointer: &P) -> Watch {
    Watch { probe: pointer.__probe(), at: Location::caller() }
}

/// The shortest strong path from the value `pointer` points to back to
/// itself, through the fields of types annotated `#[leak_audit]`, if there is
/// one.
///
/// The walk goes through `Rc`, `Arc`, `Box`, `Option`, `Vec`, `VecDeque`,
/// maps' values, tuples, arrays, `RefCell`, `Mutex`, `RwLock` and the fields
/// of annotated structs and enums. It never waits: a cell it finds borrowed
/// or locked is skipped, and [`CyclePath::notes`] says so, as it says when
/// the walk met a value it cannot see into (a closure, a type outside
/// annotated items). `Weak` is not followed. Each allocation is visited once.
/// It starts from values of non-generic structs that `#[leak_audit]` counts
/// (any type can be on the path).
///
/// The walk needs the field tracers that `#[leak_audit]` generates with this
/// crate's `cycles` feature; without it, `find_cycle` returns `None`.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod model {
///     use std::{cell::RefCell, rc::Rc};
///     #[leak_audit(allow(rc_cycle), reason = "the example shows the cycle")]
///     pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
///     pub struct Car { pub owner: RefCell<Option<Rc<Person>>> }
///
///     pub fn person_with_car() -> Rc<Person> {
///         let person = Rc::new(Person { cars: RefCell::new(Vec::new()) });
///         let car = Rc::new(Car { owner: RefCell::new(Some(person.clone())) });
///         person.cars.borrow_mut().push(car);
///         person
///     }
/// }
///
/// let person = model::person_with_car();
/// let cycle = leak_audit::find_cycle(&person).unwrap();
/// assert_eq!(cycle.to_string(), "Person#1.cars[0] -> Car#1.owner -> Person#1");
/// # person.cars.borrow_mut().clear();
/// ```
#[must_use]
pub fn find_cycle<P: Watchable>(pointer: &P) -> Option<CyclePath> {
    pointer.__probe().walk().and_then(|outcome| outcome.cycle)
}

impl Watch {
    /// Whether the watched value has been dropped.
    #[must_use]
    pub fn is_dropped(&self) -> bool {
        self.probe.strong() == 0
    }

    /// Panics unless the watched value is dropped, waiting first, with
    /// bounded retries (about one second in all), for drops in flight on other
    /// threads.
    ///
    /// The message names the type, its strong and weak counts, and the strong
    /// cycle that keeps it alive, if the walk of [`find_cycle`] finds one.
    ///
    /// # Panics
    ///
    /// If the value is still alive after the wait.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    ///
    /// let shared = Arc::new(vec![1, 2, 3]);
    /// let watch = leak_audit::watch(&shared);
    /// std::thread::spawn(move || drop(shared));
    /// watch.assert_dropped(); // waits for the other thread's drop
    /// ```
    #[track_caller]
    pub fn assert_dropped(&self) {
        let waited = crate::__private::wait_for(|| self.is_dropped());
        let strong = self.probe.strong();
        if strong == 0 {
            return;
        }
        let mut message = format!(
            "leak_audit: the `{}` watched at {} is still alive (after waiting {}ms for drops on other threads): \
             {strong} strong reference{}, {} weak besides this watch",
            short_name(self.probe.type_name()),
            self.at,
            waited.as_millis(),
            if strong == 1 { "" } else { "s" },
            self.probe.weak().saturating_sub(1),
        );
        if let Some(outcome) = self.probe.walk() {
            match &outcome.cycle {
                Some(cycle) => message.push_str(&format!("\nkept alive by a strong cycle: {cycle}")),
                None => message.push_str("\nno strong cycle through types annotated `#[leak_audit]` leads back to it"),
            }
            for note in &outcome.notes {
                message.push_str(&format!("\nnote: {note}"));
            }
        }
        panic!("{message}");
    }
}
