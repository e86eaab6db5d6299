//! The workloads of the counting benchmarks, each written twice over
//! identical types: once in a module annotated `#[leak_audit]` (counted) and
//! once in a module opted out with `#[leak_audit(no_count)]` (plain), so the
//! two differ only by the counting.

/// Expands the same source into a counted and a plain module.
macro_rules! twice {
    ($($body:tt)*) => {
        /// The workloads over counted types.
        #[leak_audit::leak_audit]
        pub mod counted { $($body)* }

        /// The same workloads over plain types.
        #[leak_audit::leak_audit(no_count)]
        pub mod plain { $($body)* }
    };
}

twice! {
    use std::hint::black_box;
    use std::rc::Rc;

    /// A binary tree node behind `Rc`.
    pub struct Node {
        /// Left child.
        pub left: Option<Rc<Node>>,
        /// Right child.
        pub right: Option<Rc<Node>>,
        /// Payload.
        pub value: u64,
    }

    /// Builds a complete binary tree of `depth` levels (2^depth - 1 nodes).
    #[must_use]
    pub fn tree(depth: u32, value: u64) -> Option<Rc<Node>> {
        if depth == 0 {
            return None;
        }
        Some(Rc::new(Node {
            left: tree(depth - 1, value * 2),
            right: tree(depth - 1, value * 2 + 1),
            value,
        }))
    }

    /// Sums a tree's values, so that building it cannot be optimised away.
    #[must_use]
    pub fn sum(node: &Option<Rc<Node>>) -> u64 {
        node.as_ref().map_or(0, |node| node.value + sum(&node.left) + sum(&node.right))
    }

    /// A small value that lives on the stack.
    pub struct Point {
        /// X.
        pub x: u64,
        /// Y.
        pub y: u64,
        /// Weight.
        pub weight: u32,
    }

    /// Constructs and drops `n` points, returning a checksum.
    #[must_use]
    pub fn points(n: u32) -> u64 {
        let mut total = 0u64;
        for i in 0..n {
            let point = black_box(Point { x: u64::from(i), y: u64::from(i ^ 0x55), weight: i & 7 });
            total = total.wrapping_add(point.x * u64::from(point.weight) + point.y);
        }
        total
    }

    /// A heap-allocated message.
    pub struct Message {
        /// Id.
        pub id: u64,
        /// Payload.
        pub payload: [u64; 4],
    }

    /// Boxes and drops `n` messages, returning a checksum.
    #[must_use]
    pub fn churn(n: u64) -> u64 {
        let mut total = 0;
        for id in 0..n {
            let message = black_box(Box::new(Message { id, payload: [id; 4] }));
            total += message.id + message.payload[3];
        }
        total
    }
}

/// The stack-values workload over the cheapest count that is exact and
/// registers lazily: one creation and one drop counter at fixed static
/// addresses, updated with a plain load and store (so correct on one thread
/// only), with one test per creation (a lazily registered counter must notice
/// its first use; here "every 1024th", the test `leak_audit` samples with) and
/// none per drop. A per-thread count for every type does all of this and
/// more (find the type's counts and the thread's lane), so this ratio against
/// `plain` is a floor for the stack-values benchmark on the machine running it.
pub mod floor {
    use std::hint::black_box;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static CREATED: AtomicUsize = AtomicUsize::new(0);
    static DROPPED: AtomicUsize = AtomicUsize::new(0);

    #[cold]
    #[inline(never)]
    fn rare(count: usize) {
        black_box(count);
    }

    #[inline]
    fn bump(counter: &AtomicUsize) -> usize {
        let before = counter.load(Relaxed);
        counter.store(before.wrapping_add(1), Relaxed);
        before
    }

    /// Counts a creation when made and a drop when dropped.
    #[derive(Debug)]
    pub struct Token(());

    impl Token {
        #[inline]
        fn new() -> Self {
            let before = bump(&CREATED);
            if before % 1024 == 0 {
                rare(before);
            }
            Token(())
        }
    }

    impl Drop for Token {
        #[inline]
        fn drop(&mut self) {
            bump(&DROPPED);
        }
    }

    /// The same small value as `plain::Point`, with the floor's count.
    #[derive(Debug)]
    pub struct Point {
        /// X.
        pub x: u64,
        /// Y.
        pub y: u64,
        /// Weight.
        pub weight: u32,
        _token: Token,
    }

    /// Constructs and drops `n` points, returning a checksum.
    #[must_use]
    pub fn points(n: u32) -> u64 {
        let mut total = 0u64;
        for i in 0..n {
            let point =
                black_box(Point { x: u64::from(i), y: u64::from(i ^ 0x55), weight: i & 7, _token: Token::new() });
            total = total.wrapping_add(point.x * u64::from(point.weight) + point.y);
        }
        total
    }
}
