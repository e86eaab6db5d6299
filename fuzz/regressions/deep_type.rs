// A field type nested 40 wrappers deep (syn's own parser overflows a 2 MiB
// stack at about 150 in release builds, before the engine is involved).
use std::cell::RefCell;
use std::rc::Rc;
pub struct Deep { value: Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<Rc<RefCell<Vec<Option<u8>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>> }
