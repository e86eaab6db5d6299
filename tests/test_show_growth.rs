//! `growth()`/`show_growth()`: objgraph's table of the types whose live count
//! grew since the previous call, largest growth first, compared with the
//! previous call and not with a previous peak.
//!
//! Global state (the previous call's counts): one scenario, one test binary.

#[leak_audit::leak_audit]
mod model {
    pub struct Node {
        pub id: u32,
    }
    pub struct Edge {
        pub from: u32,
    }
    pub fn node(id: u32) -> Node {
        Node { id }
    }
    pub fn edge(from: u32) -> Edge {
        Edge { from }
    }
}

#[test]
fn should_report_growth_since_the_previous_call_largest_first() {
    let first = leak_audit::growth();
    assert!(first.is_empty(), "{first}");

    let mut nodes: Vec<model::Node> = (0..5).map(model::node).collect();
    let mut edges: Vec<model::Edge> = (0..2).map(model::edge).collect();
    let growth = leak_audit::growth();
    let rows: Vec<(&str, usize, usize)> = growth.entries().iter().map(|e| (e.name, e.count, e.delta)).collect();
    assert_eq!(rows, [("Node", 5, 5), ("Edge", 2, 2)]);
    let table = growth.to_string();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("Node") && lines[0].ends_with("+5"), "{table}");
    assert!(lines[1].starts_with("Edge") && lines[1].ends_with("+2"), "{table}");
    assert_eq!(
        growth.to_json(),
        format!(
            r#"[{{"type":"Node","module":"{0}::model","count":5,"delta":5}},{{"type":"Edge","module":"{0}::model","count":2,"delta":2}}]"#,
            module_path!()
        )
    );

    // Nothing new: nothing reported.
    assert!(leak_audit::growth().is_empty());

    // Shrink, then grow back below the earlier peak: objgraph would stay
    // silent (it compares with the peak); we compare with the previous call.
    nodes.truncate(1);
    assert!(leak_audit::growth().is_empty());
    nodes.push(model::node(9));
    edges.push(model::edge(9));
    edges.push(model::edge(10));
    let growth = leak_audit::growth();
    let rows: Vec<(&str, usize, usize)> = growth.entries().iter().map(|e| (e.name, e.count, e.delta)).collect();
    assert_eq!(rows, [("Edge", 4, 2), ("Node", 2, 1)]);
    assert_eq!(nodes.iter().map(|n| n.id).sum::<u32>() + edges.iter().map(|e| e.from).sum::<u32>(), 29);

    // `show_growth` prints the same table and moves the baseline too.
    nodes.push(model::node(3));
    leak_audit::show_growth();
    assert!(leak_audit::growth().is_empty());
}
