//! The table printed at the end of a run, and the verdict.

use std::fmt::Write as _;
use std::time::Duration;

use leak_audit_engine::LINTS;

use crate::manifest::Crate;
use crate::scan::{count_by_lint, CrateReport};

/// A problem that fails the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The engine (or syn) panicked on a file or a crate.
    Panic {
        /// `crate-version/path` or `crate-version (whole crate)`.
        place: String,
        /// The panic's message and location.
        message: String,
    },
    /// The engine took longer than the limit on one file.
    Slow {
        /// `crate-version/path`.
        place: String,
        /// How long the engine took.
        time: Duration,
    },
}

/// Every failure in `results`: panics anywhere, and engine times over `limit`
/// (when `limit` is `Some`).
#[must_use]
pub fn failures(results: &[(Crate, CrateReport)], limit: Option<Duration>) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (krate, report) in results {
        for file in &report.files {
            let place = format!("{}/{}", krate.dir_name(), file.path.display());
            if let Some(message) = &file.panic {
                failures.push(Failure::Panic { place: place.clone(), message: message.clone() });
            }
            if limit.is_some_and(|limit| file.engine_time > limit) {
                failures.push(Failure::Slow { place, time: file.engine_time });
            }
        }
        if let Some(message) = &report.crate_panic {
            failures.push(Failure::Panic {
                place: format!("{} (whole crate)", krate.dir_name()),
                message: message.clone(),
            });
        }
    }
    failures
}

fn ms(time: Duration) -> String {
    format!("{:.1}", time.as_secs_f64() * 1000.0)
}

/// The table: one row per crate and a total row.
#[must_use]
pub fn table(results: &[(Crate, CrateReport)]) -> String {
    let lints: Vec<&str> = LINTS.iter().map(|lint| lint.name).collect();
    let mut header = vec!["crate", "files", "lines", "parse err", "parse ms", "engine ms", "crate ms"];
    header.extend(&lints);
    header.extend(["slowest file", "ms"]);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut totals = Totals::default();
    for (krate, report) in results {
        let counts = count_by_lint(&report.findings);
        let line_count: usize = report.files.iter().map(|file| file.lines).sum();
        let parse_errors = report.files.iter().filter(|file| file.parse_error.is_some()).count();
        let parse_time: Duration = report.files.iter().map(|file| file.parse_time).sum();
        let engine_time: Duration = report.files.iter().map(|file| file.engine_time).sum();
        let slowest = report.files.iter().max_by_key(|file| file.engine_time);
        let mut row = vec![
            krate.to_string(),
            report.files.len().to_string(),
            line_count.to_string(),
            parse_errors.to_string(),
            ms(parse_time),
            ms(engine_time),
            ms(report.crate_time),
        ];
        row.extend(lints.iter().map(|lint| counts.get(lint).copied().unwrap_or(0).to_string()));
        row.push(slowest.map_or_else(String::new, |file| file.path.display().to_string()));
        row.push(slowest.map_or_else(String::new, |file| ms(file.engine_time)));
        rows.push(row);

        totals.files += report.files.len();
        totals.lines += line_count;
        totals.parse_errors += parse_errors;
        totals.parse_time += parse_time;
        totals.engine_time += engine_time;
        totals.crate_time += report.crate_time;
        for (index, lint) in lints.iter().enumerate() {
            totals.by_lint.resize(lints.len(), 0);
            totals.by_lint[index] += counts.get(lint).copied().unwrap_or(0);
        }
        if let Some(file) = slowest {
            if totals.slowest.as_ref().is_none_or(|(_, time)| file.engine_time > *time) {
                totals.slowest = Some((format!("{}/{}", krate.name, file.path.display()), file.engine_time));
            }
        }
    }
    totals.by_lint.resize(lints.len(), 0);
    let mut total_row = vec![
        format!("total ({} crates)", results.len()),
        totals.files.to_string(),
        totals.lines.to_string(),
        totals.parse_errors.to_string(),
        ms(totals.parse_time),
        ms(totals.engine_time),
        ms(totals.crate_time),
    ];
    total_row.extend(totals.by_lint.iter().map(ToString::to_string));
    total_row.push(totals.slowest.as_ref().map_or_else(String::new, |(path, _)| path.clone()));
    total_row.push(totals.slowest.as_ref().map_or_else(String::new, |(_, time)| ms(*time)));
    rows.push(total_row);
    render(&header, &rows)
}

#[derive(Default)]
struct Totals {
    files: usize,
    lines: usize,
    parse_errors: usize,
    parse_time: Duration,
    engine_time: Duration,
    crate_time: Duration,
    by_lint: Vec<usize>,
    slowest: Option<(String, Duration)>,
}

/// A Markdown table (readable as plain text too); numbers right-aligned.
fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|cell| cell.len()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let numeric = |column: usize| rows.iter().all(|row| row[column].is_empty() || row[column].parse::<f64>().is_ok());
    let line = |cells: Vec<&str>| {
        let mut text = String::from("|");
        for (column, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if numeric(column) {
                let _ = write!(text, " {cell:>width$} |");
            } else {
                let _ = write!(text, " {cell:<width$} |");
            }
        }
        text.push('\n');
        text
    };
    let mut text = line(header.to_vec());
    let rule: Vec<String> = widths
        .iter()
        .enumerate()
        .map(
            |(column, width)| {
                if numeric(column) {
                    format!("{}:", "-".repeat(*width - 1))
                } else {
                    "-".repeat(*width)
                }
            },
        )
        .collect();
    text.push_str(&line(rule.iter().map(String::as_str).collect()));
    for row in rows {
        text.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::FileReport;

    fn krate() -> Crate {
        Crate { name: "demo".into(), version: "1.0.0".into(), kind: String::new() }
    }

    #[test]
    fn should_fail_on_panics_and_slow_files_only() {
        let report = CrateReport {
            files: vec![
                FileReport {
                    path: "src/a.rs".into(),
                    engine_time: Duration::from_millis(150),
                    ..FileReport::default()
                },
                FileReport { path: "src/b.rs".into(), panic: Some("boom".into()), ..FileReport::default() },
                FileReport { path: "src/c.rs".into(), engine_time: Duration::from_millis(5), ..FileReport::default() },
            ],
            ..CrateReport::default()
        };
        let results = [(krate(), report)];
        let failures = failures(&results, Some(Duration::from_millis(100)));
        assert_eq!(
            failures,
            [
                Failure::Slow { place: "demo-1.0.0/src/a.rs".into(), time: Duration::from_millis(150) },
                Failure::Panic { place: "demo-1.0.0/src/b.rs".into(), message: "boom".into() },
            ]
        );
        assert_eq!(super::failures(&results, None).len(), 1);
    }

    #[test]
    fn table_has_a_row_per_crate_and_a_total() {
        let report = CrateReport {
            files: vec![FileReport { path: "src/lib.rs".into(), lines: 12, ..FileReport::default() }],
            ..CrateReport::default()
        };
        let text = table(&[(krate(), report)]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[0].contains("rc_cycle") && lines[0].contains("slowest file"), "{text}");
        assert!(lines[2].starts_with("| demo 1.0.0 "), "{text}");
        assert!(lines[3].starts_with("| total (1 crates) "), "{text}");
        assert!(lines[3].contains(" 12 |"), "{text}");
    }
}
