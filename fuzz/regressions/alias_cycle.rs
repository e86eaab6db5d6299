// Aliases that name each other, directly and through wrappers: resolving them
// must stop.
use std::cell::RefCell;
use std::rc::Rc;
type A = B;
type B = A;
type C = Rc<RefCell<D>>;
type D = Vec<C>;
type E<T> = E<Rc<T>>;
pub struct Node { next: C, other: A, grow: E<Node> }
type SelfAlias = SelfAlias;
