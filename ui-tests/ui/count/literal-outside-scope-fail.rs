// A struct annotated on its own gets the hidden counting field, but literals
// and patterns outside the annotated item are not rewritten: a struct with
// all-public fields built outside fails with `missing field `__leak_audit``.
// The fix is in `literal-outside-scope-fixed-pass.rs`.

#[leak_audit::leak_audit]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

fn main() {
    let point = Point { x: 1, y: 2 };
    let Point { x, y } = point;
    println!("{x} {y}");
}
