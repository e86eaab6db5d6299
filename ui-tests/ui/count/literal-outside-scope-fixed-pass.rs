// The fixes for `literal-outside-scope-fail.rs`: annotate the module so the
// literals inside it are rewritten, build values through a fn inside the
// annotated code, and give outside patterns a `..`.

#[leak_audit::leak_audit]
mod geometry {
    pub struct Point {
        pub x: i32,
        pub y: i32,
    }

    pub fn point(x: i32, y: i32) -> Point {
        Point { x, y }
    }

    pub fn origin() -> Point {
        Point { x: 0, y: 0 }
    }
}

#[leak_audit::leak_audit(no_count)]
pub struct Uncounted {
    pub x: i32,
}

fn main() {
    let point = geometry::point(1, 2);
    let geometry::Point { x, y, .. } = point;
    let _ = geometry::origin();
    let _ = Uncounted { x };
    println!("{x} {y}");
}
