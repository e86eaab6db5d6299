//! Struct patterns inside the annotated code keep compiling: patterns without
//! `..` get one (in `let`, `match`, fn parameters, closures, `if let`,
//! `matches!`, destructuring assignments), patterns with `..` are left alone,
//! and destructuring by value drops the hidden field with the rest of the
//! value.

use leak_audit::count;

#[leak_audit::leak_audit]
mod model {
    pub struct Point {
        pub x: i32,
        pub y: i32,
    }

    pub fn point(x: i32, y: i32) -> Point {
        Point { x, y }
    }

    pub fn sum_let(p: &Point) -> i32 {
        let Point { x, y } = p;
        x + y
    }

    pub fn sum_param(Point { x, y }: Point) -> i32 {
        x + y
    }

    pub fn classify(p: &Point) -> &'static str {
        match p {
            Point { x: 0, y: 0 } => "origin",
            Point { x: 0, y: _ } => "y axis",
            Point { x, y } if x == y => "diagonal",
            Point { .. } => "elsewhere",
        }
    }

    pub fn closure_sum(points: &[Point]) -> i32 {
        points.iter().map(|Point { x, y }| x * y).sum()
    }

    pub fn if_let(p: Option<&Point>) -> i32 {
        if let Some(Point { x, y: 1 }) = p {
            *x
        } else {
            -1
        }
    }

    pub fn with_matches(p: &Point) -> bool {
        matches!(p, Point { x: 1, y: 1 } | Point { x: 2, y: 2 })
    }

    pub struct Pair {
        pub left: Point,
        pub right: Point,
    }

    pub fn pair() -> Pair {
        Pair { left: point(1, 2), right: point(3, 4) }
    }

    pub fn nested(pair: &Pair) -> i32 {
        let Pair { left: Point { x, y: _ }, right: Point { y, .. } } = pair;
        x + y
    }

    pub fn take_apart(pair: Pair) -> (Point, Point) {
        let Pair { left, right } = pair;
        (left, right)
    }

    /// Destructuring assignment: the left side is a pattern.
    pub fn assign(pair: Pair) -> i32 {
        let (x, y, last);
        Pair { left: Point { x, y }, right: last } = pair;
        let (a, b);
        (Point { x: a, .. }, b) = (last, 1);
        x + y + a + b
    }
}

#[test]
fn should_accept_patterns_without_rest_everywhere() {
    let p = model::point(2, 2);
    assert_eq!(model::sum_let(&p), 4);
    assert_eq!(model::classify(&p), "diagonal");
    assert_eq!(model::classify(&model::point(0, 0)), "origin");
    assert_eq!(model::classify(&model::point(0, 5)), "y axis");
    assert_eq!(model::classify(&model::point(3, 5)), "elsewhere");
    assert_eq!(model::if_let(Some(&model::point(7, 1))), 7);
    assert_eq!(model::if_let(None), -1);
    assert!(model::with_matches(&p));
    assert!(!model::with_matches(&model::point(1, 2)));
    assert_eq!(model::closure_sum(&[model::point(2, 3), model::point(1, 1)]), 7);
    assert_eq!(model::sum_param(p), 4);
}

#[test]
fn should_drop_the_hidden_field_when_destructuring_by_value() {
    let pair = model::pair();
    assert_eq!(model::nested(&pair), 5);
    assert_eq!(count::<model::Pair>(), 1);
    let (left, right) = model::take_apart(pair);
    // The pair's hidden field was dropped with the rest of the pair.
    assert_eq!(count::<model::Pair>(), 0);
    assert_eq!((left.x, right.y), (1, 4));
}

#[test]
fn should_accept_destructuring_assignments() {
    assert_eq!(model::assign(model::pair()), 1 + 2 + 3 + 1);
}

#[test]
fn should_count_structs_matched_with_matches() {
    let p = model::point(1, 1);
    assert!(model::with_matches(&p));
    assert!(count::<model::Point>() >= 1);
}
