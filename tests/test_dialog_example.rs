//! The README's and the crate docs' example of growth runs, watches and
//! cycles, with the messages they quote: a dialog that leaks itself and its
//! button on each open/close, found by `repeat`, explained by `find_cycle`,
//! fixed with `Weak`.

// The titles and labels are there to make the example read like real code.
#![allow(dead_code)]

#[leak_audit::leak_audit(allow(rc_cycle), reason = "the example's leak, found at run time below")]
mod ui {
    use std::{cell::RefCell, rc::Rc};

    pub struct Dialog {
        pub title: String,
        pub buttons: RefCell<Vec<Rc<Button>>>,
    }

    pub struct Button {
        pub label: String,
        /// The dialog the button closes when clicked.
        pub dialog: RefCell<Option<Rc<Dialog>>>,
    }

    pub fn open(title: &str) -> Rc<Dialog> {
        let dialog = Rc::new(Dialog { title: title.into(), buttons: RefCell::new(Vec::new()) });
        let ok = Rc::new(Button { label: "OK".into(), dialog: RefCell::new(Some(dialog.clone())) });
        dialog.buttons.borrow_mut().push(ok);
        dialog
    }

    pub fn close(dialog: Rc<Dialog>) {
        drop(dialog);
    }
}

#[leak_audit::test(repeat = 5)]
#[should_panic(expected = "live values grew on every measured run
`Button` grew on every run: [1, 1, 1, 1, 1] (after 2 warm-up runs)
`Dialog` grew on every run: [1, 1, 1, 1, 1] (after 2 warm-up runs)
")]
fn opening_and_closing_a_dialog_leaks_nothing() {
    let dialog = ui::open("Save changes?");
    ui::close(dialog);
}

#[test]
fn what_keeps_a_closed_dialog_alive() {
    let dialog = ui::open("Save changes?");
    assert_eq!(
        leak_audit::find_cycle(&dialog).unwrap().to_string(),
        "Dialog#1.buttons[0] -> Button#1.dialog -> Dialog#1"
    );
    let watch = leak_audit::watch(&dialog);
    ui::close(dialog);
    let failure = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| watch.assert_dropped())).unwrap_err();
    let message = failure.downcast_ref::<String>().unwrap();
    let expected_start = "leak_audit: the `Dialog` watched at tests/test_dialog_example.rs:";
    let expected_end = "is still alive (after waiting 1027ms for drops on other threads): 1 strong reference, 0 weak \
                        besides this watch\nkept alive by a strong cycle: Dialog#1.buttons[0] -> Button#1.dialog -> \
                        Dialog#1";
    assert!(message.starts_with(expected_start) && message.ends_with(expected_end), "{message}");
}

#[leak_audit::leak_audit]
mod fixed {
    use std::{
        cell::RefCell,
        rc::{Rc, Weak},
    };

    pub struct Dialog {
        pub title: String,
        pub buttons: RefCell<Vec<Rc<Button>>>,
    }

    pub struct Button {
        pub label: String,
        pub dialog: RefCell<Weak<Dialog>>,
    }

    pub fn open(title: &str) -> Rc<Dialog> {
        let dialog = Rc::new(Dialog { title: title.into(), buttons: RefCell::new(Vec::new()) });
        let ok = Rc::new(Button { label: "OK".into(), dialog: RefCell::new(Rc::downgrade(&dialog)) });
        dialog.buttons.borrow_mut().push(ok);
        dialog
    }

    pub fn close(dialog: Rc<Dialog>) {
        drop(dialog);
    }
}

#[leak_audit::test(repeat = 5)]
fn opening_and_closing_the_fixed_dialog_leaks_nothing() {
    let dialog = fixed::open("Save changes?");
    let watch = leak_audit::watch(&dialog);
    assert!(leak_audit::find_cycle(&dialog).is_none());
    fixed::close(dialog);
    watch.assert_dropped();
}
