// Malformed `repeat`/`warmup` arguments of `#[leak_audit::test]`: each is an
// error at its span, and the test fn is still emitted.

#[leak_audit::test(repeat = 0)]
fn no_runs() {}

#[leak_audit::test(repeat = "5")]
fn string_count() {}

#[leak_audit::test(repeat = 5u8)]
fn suffixed_count() {}

#[leak_audit::test(repeat)]
fn missing_count() {}

#[leak_audit::test(warmup = 1)]
fn warmup_alone() {}

#[leak_audit::test(repeat = 2, repeat = 3)]
fn repeat_twice() {}

#[leak_audit::test(repeat = 2 warmup = 1)]
fn missing_comma() {}

#[leak_audit::test(repeats = 2)]
fn misspelled() {}

#[leak_audit::test(repeat = 2)]
async fn asynchronous() {}

#[leak_audit::test(repeat = 2)]
fn returns_a_result() -> Result<(), String> {
    Ok(())
}

fn main() {}
