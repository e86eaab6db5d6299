#![deny(deprecated)]

#[leak_audit::leak_audit]
mod calculator {
    use std::collections::HashMap;

    const MAX_ENTRIES: usize = 2;

    #[derive(Default)]
    pub struct Calculator {
        cache: HashMap<(i64, i64), i64>,
    }

    impl Calculator {
        pub fn add(&mut self, a: i64, b: i64) -> i64 {
            if self.cache.len() >= MAX_ENTRIES {
                self.cache.clear();
            }
            *self.cache.entry((a, b)).or_insert_with(|| a + b)
        }

        pub fn len(&self) -> usize {
            self.cache.len()
        }
    }
}

fn main() {
    let mut calculator = calculator::Calculator::default();
    for a in 0..10 {
        calculator.add(a, 1);
    }
    assert!(calculator.len() <= 2);
}
