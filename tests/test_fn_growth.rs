//! `#[leak_audit]` on a fn: growth of counted types across a call on the
//! calling thread is reported on stderr, and with `assert` it panics. Fns
//! inside an annotated module opt in with their own `#[leak_audit(..)]`.

use std::panic;
use std::sync::Mutex;

#[leak_audit::leak_audit]
mod model {
    pub struct Line {
        pub text: String,
    }

    pub fn line(text: &str) -> Line {
        Line { text: text.into() }
    }

    pub struct Cache {
        pub lines: Vec<Line>,
    }

    impl Cache {
        #[leak_audit(assert)]
        pub fn remember(&mut self, text: &str) {
            self.lines.push(line(text));
        }

        #[leak_audit(assert)]
        pub fn touch(&self) -> usize {
            let scratch = line("scratch");
            scratch.text.len() + self.lines.len()
        }
    }

    pub fn cache() -> Cache {
        Cache { lines: Vec::new() }
    }
}

static KEPT: Mutex<Vec<model::Line>> = Mutex::new(Vec::new());

#[leak_audit::leak_audit(assert)]
fn keeps_one(text: &str) {
    KEPT.lock().unwrap().push(model::line(text));
}

#[leak_audit::leak_audit(assert)]
fn keeps_nothing(text: &str) -> usize {
    let line = model::line(text);
    line.text.len()
}

#[leak_audit::leak_audit]
fn reports_only(text: &str) {
    KEPT.lock().unwrap().push(model::line(text));
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn should_panic_on_growth_with_assert() {
    let message = panic::catch_unwind(|| keeps_one("kept")).map_err(panic_message).unwrap_err();
    // The live count is global: other tests of this file run in parallel.
    assert!(
        message.starts_with(
            "leak_audit: `test_fn_growth::keeps_one` returned with more live values of counted types than it \
             started with: Line +1 (live: "
        ),
        "{message}"
    );
}

#[test]
fn should_not_panic_without_growth() {
    assert_eq!(keeps_nothing("four"), 4);
    let mut cache = model::cache();
    assert_eq!(cache.touch(), 7);
    let message = panic::catch_unwind(panic::AssertUnwindSafe(|| cache.remember("x"))).map_err(panic_message);
    assert!(message.unwrap_err().contains("`test_fn_growth::model::remember`"));
}

#[test]
fn should_only_report_without_assert() {
    reports_only("reported on stderr");
}
