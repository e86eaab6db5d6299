//! `--graph dot`: the type reference graphs of the audited crates.
//!
//! One crate prints the engine's graph as it is. Several crates are put into
//! one `digraph`, each crate's graph a `subgraph cluster_<n>` labelled with
//! the crate, so `dot -Tsvg` renders them side by side in one picture.

use std::fmt::Write as _;

/// Combines `(crate label, DOT of its graph)` pairs into one DOT document.
#[must_use]
pub fn combine(graphs: &[(String, String)]) -> String {
    if let [(_, dot)] = graphs {
        return dot.clone();
    }
    let mut out =
        String::from("digraph leak_audit {\n    rankdir=LR;\n    node [shape=box, fontname=\"monospace\"];\n");
    for (index, (label, dot)) in graphs.iter().enumerate() {
        let _ = write!(out, "    subgraph cluster_{index} {{\n        label=\"{}\";\n", escape(label));
        for line in body(dot) {
            out.push_str("        ");
            out.push_str(&prefix_node_ids(line.trim(), &format!("c{index}_")));
            out.push('\n');
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

/// The statements of a `digraph name { .. }`, without the graph-wide settings
/// that [`combine`] writes once.
fn body(dot: &str) -> impl Iterator<Item = &str> {
    let open = dot.find('{').map_or(0, |index| index + 1);
    let close = dot.rfind('}').unwrap_or(dot.len()).max(open);
    dot[open..close].lines().map(str::trim).filter(|line| {
        !line.is_empty() && !line.starts_with("rankdir") && !line.starts_with("node ") && !line.starts_with("node[")
    })
}

/// Prefixes node identifiers (`n` followed by digits, outside quoted strings)
/// so that the nodes of two crates stay distinct.
fn prefix_node_ids(line: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut in_string = false;
    let mut index = 0;
    while index < chars.len() {
        let ch = chars[index];
        if in_string {
            out.push(ch);
            if ch == '\\' && index + 1 < chars.len() {
                out.push(chars[index + 1]);
                index += 1;
            } else if ch == '"' {
                in_string = false;
            }
        } else if ch == '"' {
            in_string = true;
            out.push(ch);
        } else if ch == 'n'
            && (index == 0 || !is_ident(chars[index - 1]))
            && chars.get(index + 1).is_some_and(char::is_ascii_digit)
        {
            let end = (index + 1..chars.len()).find(|&end| !chars[end].is_ascii_digit()).unwrap_or(chars.len());
            if end == chars.len() || !is_ident(chars[end]) {
                out.push_str(prefix);
            }
            out.extend(&chars[index..end]);
            index = end;
            continue;
        } else {
            out.push(ch);
        }
        index += 1;
    }
    out
}

fn is_ident(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_'
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_print_a_single_graph_unchanged() {
        let dot = "digraph leak_audit {\n    n0 [label=\"A\"];\n}\n".to_owned();
        assert_eq!(combine(&[("a (lib)".into(), dot.clone())]), dot);
    }

    #[test]
    fn should_keep_nodes_of_two_crates_apart() {
        let a = "digraph leak_audit {\n    rankdir=LR;\n    node [shape=box];\n    n0 [label=\"n1 \\\"x\\\"\"];\n    n0 -> n1 [label=\"next (strong)\", color=red];\n}\n";
        let combined = combine(&[("a (lib)".into(), a.into()), ("b (lib)".into(), a.into())]);
        assert_eq!(
            combined,
            "digraph leak_audit {\n    rankdir=LR;\n    node [shape=box, fontname=\"monospace\"];\n    \
             subgraph cluster_0 {\n        label=\"a (lib)\";\n        c0_n0 [label=\"n1 \\\"x\\\"\"];\n        \
             c0_n0 -> c0_n1 [label=\"next (strong)\", color=red];\n    }\n    \
             subgraph cluster_1 {\n        label=\"b (lib)\";\n        c1_n0 [label=\"n1 \\\"x\\\"\"];\n        \
             c1_n0 -> c1_n1 [label=\"next (strong)\", color=red];\n    }\n}\n"
        );
    }
}
