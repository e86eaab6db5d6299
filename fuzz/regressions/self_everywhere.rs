// `Self` in places where it names different types, and a trait whose
// associated types are collections.
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};
pub enum List { Cons(i32, RefCell<Rc<Self>>), Nil }
pub trait Store { type Map; fn store(&self) -> RefCell<Rc<Self>>; }
impl Store for List { type Map = HashMap<u8, Rc<Self>>; fn store(&self) -> RefCell<Rc<Self>> { todo!() } }
impl<T> Store for Vec<T> where Self: Sized { type Map = Vec<Self>; fn store(&self) -> RefCell<Rc<Self>> { todo!() } }
pub struct Tree { parent: RefCell<Weak<Self>>, children: RefCell<Vec<Rc<Self>>>, map: <List as Store>::Map }
pub union U { a: std::mem::ManuallyDrop<Rc<RefCell<U>>>, b: u8 }
static mut GLOBAL: Option<HashMap<String, Rc<List>>> = None;
fn grow(key: String) { unsafe { GLOBAL.get_or_insert_with(HashMap::new).insert(key, Rc::new(List::Nil)); } }
