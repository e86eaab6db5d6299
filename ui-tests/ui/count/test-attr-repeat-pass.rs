// `repeat` and `warmup` in every accepted form, next to the other test
// attributes.

#[leak_audit::test(repeat = 5)]
fn five_runs() {}

#[leak_audit::test(repeat = 3, warmup = 0)]
fn no_warmup() {}

#[leak_audit::test(warmup = 1, repeat = 2,)]
#[ignore]
fn either_order_with_a_trailing_comma() {}

#[leak_audit::test(repeat = 2)]
#[should_panic(expected = "boom")]
fn still_panics() {
    panic!("boom");
}

#[leak_audit::test(repeat = 2)]
fn returns_early() {
    if true {
        return;
    }
}

fn main() {}
