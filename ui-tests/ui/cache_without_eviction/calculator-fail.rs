#[leak_audit::leak_audit(deny(cache_without_eviction))]
mod calculator {
    use std::collections::HashMap;

    #[derive(Default)]
    pub struct Calculator {
        cache: HashMap<(i64, i64), i64>,
    }

    impl Calculator {
        pub fn add(&mut self, a: i64, b: i64) -> i64 {
            if let Some(sum) = self.cache.get(&(a, b)) {
                return *sum;
            }
            let sum = a + b;
            self.cache.insert((a, b), sum);
            sum
        }
    }
}

fn main() {
    assert_eq!(calculator::Calculator::default().add(2, 3), 5);
}
