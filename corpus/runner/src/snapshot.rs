//! The findings snapshot: every finding of the corpus as one sorted line of
//! tab-separated fields, checked in as `corpus/findings.txt`.
//!
//! A run compares what the engine finds with the snapshot and fails with the
//! lines gained and lost; `--bless` writes the new findings instead. The lines
//! hold no timing and no absolute path, so two runs of one engine over one
//! corpus write the same file byte for byte. Fields are separated by tabs
//! (shown here as two spaces):
//!
//! ```text
//! # crate  version  lint  file  line  column  message
//! egui  0.31.1  rc_cycle  src/menu.rs  64  5  `MenuState.sub_menu` closes a strong `Arc` cycle: ..
//! ```

use std::fmt;

use crate::manifest::Crate;
use crate::scan::Record;

/// The header line of the snapshot file (a comment, like every line that
/// starts with `#`).
pub const HEADER: &str = "# crate\tversion\tlint\tfile\tline\tcolumn\tmessage";

/// One finding in the snapshot.
///
/// The fields are in the order of the line, so the derived order sorts by
/// crate, version, lint, file, then line and column as numbers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Line {
    /// The crate's name on crates.io.
    pub krate: String,
    /// Its pinned version.
    pub version: String,
    /// The lint's name.
    pub lint: String,
    /// The file, relative to the crate's folder, with `/` separators.
    pub file: String,
    /// 1-based line of the finding's span.
    pub line: usize,
    /// 1-based column of the finding's span.
    pub column: usize,
    /// The first line of the finding's message (tabs made spaces).
    pub message: String,
}

impl Line {
    /// The snapshot line of a finding of `krate`.
    ///
    /// ```
    /// use leak_audit_corpus::manifest::Crate;
    /// use leak_audit_corpus::scan::Record;
    /// use leak_audit_corpus::snapshot::Line;
    ///
    /// let krate = Crate { name: "demo".into(), version: "1.0.0".into(), kind: String::new() };
    /// let record = Record {
    ///     file: "src/lib.rs".into(),
    ///     line: 3,
    ///     column: 8,
    ///     lint: "unbounded_static",
    ///     message: "static `LOG` only ever grows".into(),
    ///     text: "static `LOG` only ever grows; note: ..".into(),
    /// };
    /// let line = Line::new(&krate, &record);
    /// assert_eq!(line.to_string(), "demo\t1.0.0\tunbounded_static\tsrc/lib.rs\t3\t8\tstatic `LOG` only ever grows");
    /// ```
    #[must_use]
    pub fn new(krate: &Crate, record: &Record) -> Self {
        let file: Vec<String> =
            record.file.components().map(|part| part.as_os_str().to_string_lossy().into_owned()).collect();
        Line {
            krate: krate.name.clone(),
            version: krate.version.clone(),
            lint: record.lint.to_owned(),
            file: file.join("/"),
            line: record.line,
            column: record.column,
            message: record.message.lines().next().unwrap_or_default().replace('\t', " "),
        }
    }

    /// Parses one line of the snapshot (not a comment).
    ///
    /// # Errors
    ///
    /// Says which field is missing or is not a number.
    ///
    /// ```
    /// use leak_audit_corpus::snapshot::Line;
    ///
    /// let line = Line::parse("demo\t1.0.0\trc_cycle\tsrc/a.rs\t10\t5\t`A.b` closes a cycle").unwrap();
    /// assert_eq!((line.file.as_str(), line.line, line.column), ("src/a.rs", 10, 5));
    /// assert!(Line::parse("demo\t1.0.0\trc_cycle\tsrc/a.rs\tten\t5\tx").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let fields: Vec<&str> = text.splitn(7, '\t').collect();
        let [krate, version, lint, file, line, column, message] = fields[..] else {
            return Err(format!("expected 7 tab-separated fields, found {}", fields.len()));
        };
        let number =
            |what: &str, text: &str| text.parse::<usize>().map_err(|_| format!("{what} `{text}` is not a number"));
        Ok(Line {
            krate: krate.to_owned(),
            version: version.to_owned(),
            lint: lint.to_owned(),
            file: file.to_owned(),
            line: number("line", line)?,
            column: number("column", column)?,
            message: message.to_owned(),
        })
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            self.krate, self.version, self.lint, self.file, self.line, self.column, self.message
        )
    }
}

/// Parses a snapshot file: every line that is neither empty nor a `#` comment.
///
/// # Errors
///
/// Names the first line that does not parse, with its 1-based number.
pub fn parse(text: &str) -> Result<Vec<Line>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| Line::parse(line).map_err(|err| format!("line {}: {err}", index + 1)))
        .collect()
}

/// The text of a snapshot file: the header, then the lines sorted.
///
/// ```
/// use leak_audit_corpus::snapshot::{parse, render, HEADER};
///
/// let lines = parse("b\t1.0.0\trc_cycle\tsrc/a.rs\t2\t1\tm\na\t1.0.0\trc_cycle\tsrc/a.rs\t10\t1\tm\n").unwrap();
/// let text = render(lines);
/// assert!(text.starts_with(HEADER));
/// assert_eq!(parse(&text).unwrap()[0].krate, "a");
/// ```
#[must_use]
pub fn render(mut lines: Vec<Line>) -> String {
    lines.sort();
    let mut text = String::from(HEADER);
    text.push('\n');
    for line in lines {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    text
}

/// What changed between the snapshot and a run.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Diff {
    /// Findings of the run that the snapshot does not have, sorted.
    pub gained: Vec<Line>,
    /// Findings of the snapshot that the run does not have, sorted.
    pub lost: Vec<Line>,
}

impl Diff {
    /// Whether the run found exactly what the snapshot holds.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.gained.is_empty() && self.lost.is_empty()
    }
}

/// Compares two lists of findings as multisets (a finding reported twice
/// counts twice).
///
/// ```
/// use leak_audit_corpus::snapshot::{diff, Line};
///
/// let a = Line::parse("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\tm").unwrap();
/// let b = Line::parse("a\t1.0.0\trc_cycle\tsrc/b.rs\t1\t1\tm").unwrap();
/// let changes = diff(&[a.clone(), b.clone()], &[b.clone(), b.clone()]);
/// assert_eq!(changes.lost, [a]);
/// assert_eq!(changes.gained, [b]);
/// ```
#[must_use]
pub fn diff(expected: &[Line], actual: &[Line]) -> Diff {
    let mut expected = expected.to_vec();
    let mut actual = actual.to_vec();
    expected.sort();
    actual.sort();
    let mut changes = Diff::default();
    let (mut old, mut new) = (expected.into_iter().peekable(), actual.into_iter().peekable());
    loop {
        match (old.peek(), new.peek()) {
            (None, None) => break,
            (Some(_), None) => changes.lost.extend(old.by_ref()),
            (None, Some(_)) => changes.gained.extend(new.by_ref()),
            (Some(a), Some(b)) => match a.cmp(b) {
                std::cmp::Ordering::Less => changes.lost.extend(old.next()),
                std::cmp::Ordering::Greater => changes.gained.extend(new.next()),
                std::cmp::Ordering::Equal => {
                    old.next();
                    new.next();
                }
            },
        }
    }
    changes
}

/// Whether `line` belongs to the crates a run covers (all of them when
/// `only` is `None`).
#[must_use]
pub fn covered(line: &Line, only: Option<&[String]>) -> bool {
    only.is_none_or(|names| names.contains(&line.krate))
}

/// The snapshot after blessing a run over `only` (all crates when `None`):
/// the run's findings replace those of the crates it covered; the other
/// crates' lines are kept as they were.
///
/// ```
/// use leak_audit_corpus::snapshot::{bless, Line};
///
/// let old_a = Line::parse("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\told").unwrap();
/// let old_b = Line::parse("b\t1.0.0\trc_cycle\tsrc/b.rs\t1\t1\tkept").unwrap();
/// let new_a = Line::parse("a\t1.0.0\trc_cycle\tsrc/a.rs\t2\t1\tnew").unwrap();
/// let only = ["a".to_owned()];
/// let lines = bless(&[old_a, old_b.clone()], &[new_a.clone()], Some(&only));
/// assert_eq!(lines, [new_a, old_b]);
/// ```
#[must_use]
pub fn bless(old: &[Line], run: &[Line], only: Option<&[String]>) -> Vec<Line> {
    let mut lines: Vec<Line> = old.iter().filter(|line| !covered(line, only)).cloned().collect();
    lines.extend(run.iter().cloned());
    lines.sort();
    lines
}

/// The diff as text for a reader: `-` lines lost, `+` lines gained.
#[must_use]
pub fn render_diff(changes: &Diff) -> String {
    let mut text = String::new();
    for line in &changes.lost {
        text.push_str(&format!("- {line}\n"));
    }
    for line in &changes.gained {
        text.push_str(&format!("+ {line}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Line {
        Line::parse(text).unwrap()
    }

    #[test]
    fn lines_sort_by_crate_lint_file_then_line_as_a_number() {
        let text = render(vec![
            line("a\t1.0.0\tunbounded_static\tsrc/a.rs\t1\t1\tm"),
            line("a\t1.0.0\trc_cycle\tsrc/a.rs\t10\t1\tm"),
            line("a\t1.0.0\trc_cycle\tsrc/a.rs\t9\t4\tm"),
            line("a\t1.0.0\trc_cycle\tsrc/a.rs\t9\t2\tm"),
        ]);
        let order: Vec<(String, usize, usize)> =
            parse(&text).unwrap().into_iter().map(|line| (line.lint, line.line, line.column)).collect();
        assert_eq!(
            order,
            [
                ("rc_cycle".into(), 9, 2),
                ("rc_cycle".into(), 9, 4),
                ("rc_cycle".into(), 10, 1),
                ("unbounded_static".into(), 1, 1)
            ]
        );
    }

    #[test]
    fn render_then_parse_is_the_identity_on_sorted_lines() {
        let lines = vec![line("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\t`A.b` closes a cycle: `A.b -> A`")];
        assert_eq!(parse(&render(lines.clone())).unwrap(), lines);
    }

    #[test]
    fn parse_names_the_bad_line() {
        let err = parse("# header\n\na\t1.0.0\trc_cycle\n").unwrap_err();
        assert!(err.starts_with("line 3:"), "{err}");
    }

    #[test]
    fn a_message_with_tabs_stays_one_field() {
        let krate = Crate { name: "a".into(), version: "1.0.0".into(), kind: String::new() };
        let record = Record {
            file: "src/x.rs".into(),
            line: 1,
            column: 1,
            lint: "rc_cycle",
            message: "one\ttwo\nsecond line".into(),
            text: String::new(),
        };
        let made = Line::new(&krate, &record);
        assert_eq!(made.message, "one two");
        assert_eq!(Line::parse(&made.to_string()).unwrap(), made);
    }

    #[test]
    fn diff_of_equal_lists_is_empty_whatever_their_order() {
        let a = line("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\tm");
        let b = line("b\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\tm");
        assert!(diff(&[a.clone(), b.clone()], &[b, a]).is_empty());
    }

    #[test]
    fn render_diff_marks_lost_and_gained() {
        let changes = Diff {
            gained: vec![line("a\t1.0.0\trc_cycle\tsrc/a.rs\t2\t1\tnew")],
            lost: vec![line("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\told")],
        };
        assert_eq!(
            render_diff(&changes),
            "- a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\told\n+ a\t1.0.0\trc_cycle\tsrc/a.rs\t2\t1\tnew\n"
        );
    }

    #[test]
    fn bless_without_only_replaces_everything() {
        let old = [line("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\told")];
        let run = [line("b\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\tnew")];
        assert_eq!(bless(&old, &run, None), run);
    }
}
