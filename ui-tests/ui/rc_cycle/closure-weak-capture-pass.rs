#![deny(deprecated)]

#[leak_audit::leak_audit]
mod widget {
    use std::{cell::RefCell, rc::Rc};

    pub struct Widget {
        pub on_click: RefCell<Option<Box<dyn Fn()>>>,
        pub clicks: RefCell<u32>,
    }

    pub fn wire(widget: &Rc<Widget>) {
        let weak = Rc::downgrade(widget);
        *widget.on_click.borrow_mut() = Some(Box::new(move || {
            if let Some(w) = weak.upgrade() {
                *w.clicks.borrow_mut() += 1;
            }
        }));
    }
}

fn main() {}
