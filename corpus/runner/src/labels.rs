//! Labels: the verdicts of a hand review, as data (`corpus/labels.tsv`), and
//! the precision and recall they give each lint.
//!
//! A label names a site (crate, version, lint, file, line), a verdict and a
//! one-line reason with its evidence. Fields are separated by tabs (shown
//! here as two spaces):
//!
//! ```text
//! # crate  version  lint  file  line  verdict  reason
//! egui  0.31.1  rc_cycle  src/menu.rs  64  FALSE  only ever stores a new node (src/menu.rs:420), never an existing one
//! ```
//!
//! `TRUE`, `FALSE` and `DEBATABLE` judge a finding (the verdicts of
//! `LABELLING.md`); `LEAK` records a real leak a lint should find, at the
//! field or static that leaks, whether or not it is found today. A finding at
//! a site is matched by the site alone, so all findings of one lint on one
//! line count as one (a site reported twice is judged once).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::str::FromStr;

use crate::manifest::Crate;
use crate::snapshot::Line;

/// The header line of the labels file.
pub const HEADER: &str = "# crate\tversion\tlint\tfile\tline\tverdict\treason";

/// A label's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// The lint's definition holds, through the crate's own API.
    True,
    /// The definition does not hold.
    False,
    /// The definition holds but the growth or the cycle is bounded in practice.
    Debatable,
    /// A real leak the lint should report, found or not.
    Leak,
}

impl FromStr for Verdict {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "TRUE" => Ok(Verdict::True),
            "FALSE" => Ok(Verdict::False),
            "DEBATABLE" => Ok(Verdict::Debatable),
            "LEAK" => Ok(Verdict::Leak),
            other => Err(format!("verdict `{other}` is not one of TRUE, FALSE, DEBATABLE, LEAK")),
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::True => "TRUE",
            Verdict::False => "FALSE",
            Verdict::Debatable => "DEBATABLE",
            Verdict::Leak => "LEAK",
        })
    }
}

/// Where a label points: the fields a finding must share to be judged by it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Site {
    /// The crate's name.
    pub krate: String,
    /// Its pinned version.
    pub version: String,
    /// The lint.
    pub lint: String,
    /// The file, relative to the crate's folder.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

impl Site {
    /// The site of a finding.
    ///
    /// ```
    /// use leak_audit_corpus::labels::Site;
    /// use leak_audit_corpus::snapshot::Line;
    ///
    /// let finding = Line::parse("a\t1.0.0\trc_cycle\tsrc/a.rs\t3\t9\tm").unwrap();
    /// assert_eq!(Site::of(&finding).to_string(), "a 1.0.0 rc_cycle src/a.rs:3");
    /// ```
    #[must_use]
    pub fn of(finding: &Line) -> Self {
        Site {
            krate: finding.krate.clone(),
            version: finding.version.clone(),
            lint: finding.lint.clone(),
            file: finding.file.clone(),
            line: finding.line,
        }
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {} {}:{}", self.krate, self.version, self.lint, self.file, self.line)
    }
}

/// One line of the labels file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// What it judges.
    pub site: Site,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, with `file:line` evidence (or an upstream issue or PR).
    pub reason: String,
}

/// Parses a labels file: every line that is neither empty nor a `#` comment.
///
/// # Errors
///
/// Names the first bad line (1-based): a missing field, a line that is not a
/// number, an unknown verdict, an empty reason, or a site labelled twice.
///
/// ```
/// use leak_audit_corpus::labels::{parse, Verdict};
///
/// let labels = parse("# c\tv\tlint\tfile\tline\tverdict\treason\n\
///                     a\t1.0.0\trc_cycle\tsrc/a.rs\t3\tFALSE\tonly set in new (src/a.rs:20)\n").unwrap();
/// assert_eq!(labels[0].verdict, Verdict::False);
/// assert!(parse("a\t1.0.0\trc_cycle\tsrc/a.rs\t3\tMAYBE\twhy\n").is_err());
/// ```
pub fn parse(text: &str) -> Result<Vec<Label>, String> {
    let mut labels: Vec<Label> = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |err: String| format!("line {}: {err}", index + 1);
        let fields: Vec<&str> = line.splitn(7, '\t').collect();
        let [krate, version, lint, file, number, verdict, reason] = fields[..] else {
            return Err(at(format!("expected 7 tab-separated fields, found {}", fields.len())));
        };
        let number = number.parse::<usize>().map_err(|_| at(format!("line `{number}` is not a number")))?;
        let verdict = verdict.parse::<Verdict>().map_err(at)?;
        if reason.trim().is_empty() {
            return Err(at("the reason is empty".to_owned()));
        }
        let site = Site {
            krate: krate.to_owned(),
            version: version.to_owned(),
            lint: lint.to_owned(),
            file: file.to_owned(),
            line: number,
        };
        if !seen.insert(site.clone()) {
            return Err(at(format!("{site} is labelled twice")));
        }
        labels.push(Label { site, verdict, reason: reason.to_owned() });
    }
    Ok(labels)
}

/// Checks that every label is of a crate and version the manifest pins, so
/// that a version bump cannot leave labels that silently match nothing.
///
/// # Errors
///
/// Names the first label of a crate not in `crates`, or of another version.
///
/// ```
/// use leak_audit_corpus::labels::{check_pins, parse};
/// use leak_audit_corpus::manifest::Crate;
///
/// let crates = [Crate { name: "a".into(), version: "1.0.1".into(), kind: String::new() }];
/// let labels = parse("a\t1.0.0\trc_cycle\tsrc/a.rs\t3\tTRUE\tr\n").unwrap();
/// assert!(check_pins(&labels, &crates).unwrap_err().contains("pins a 1.0.1"));
/// ```
pub fn check_pins(labels: &[Label], crates: &[Crate]) -> Result<(), String> {
    for label in labels {
        match crates.iter().find(|krate| krate.name == label.site.krate) {
            None => return Err(format!("label of `{}`, which is not in the manifest", label.site)),
            Some(krate) if krate.version != label.site.version => {
                return Err(format!(
                    "label of `{}`, but the manifest pins {krate}: label the pinned version",
                    label.site
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The figures of one lint.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Score {
    /// The lint's name.
    pub lint: String,
    /// Findings of the run (a site reported twice counts twice).
    pub findings: usize,
    /// Distinct sites of those findings.
    pub sites: usize,
    /// Sites with a label.
    pub labelled: usize,
    /// Labelled sites judged `TRUE` (or marked `LEAK`: a known leak found).
    pub true_sites: usize,
    /// Labelled sites judged `FALSE`.
    pub false_sites: usize,
    /// Labelled sites judged `DEBATABLE`.
    pub debatable_sites: usize,
    /// One finding of each site that has no label, sorted.
    pub unlabelled: Vec<Line>,
    /// `TRUE` and `LEAK` labels of this lint: what it should find.
    pub positives: usize,
    /// Those of them the run found.
    pub found: usize,
    /// The `TRUE` and `LEAK` labels the run did not find.
    pub missed: Vec<Label>,
}

impl Score {
    /// Precision with `DEBATABLE` left out: `TRUE / (TRUE + FALSE)`.
    #[must_use]
    pub fn precision(&self) -> Option<f64> {
        ratio(self.true_sites, self.true_sites + self.false_sites)
    }

    /// Precision with `DEBATABLE` counted as false: `TRUE / labelled`.
    #[must_use]
    pub fn strict_precision(&self) -> Option<f64> {
        ratio(self.true_sites, self.true_sites + self.false_sites + self.debatable_sites)
    }

    /// Recall against the `TRUE` and `LEAK` labels: `found / positives`.
    #[must_use]
    pub fn recall(&self) -> Option<f64> {
        ratio(self.found, self.positives)
    }
}

#[allow(clippy::cast_precision_loss, reason = "counts of findings are far below 2^52")]
fn ratio(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Scores every lint in `lints` (and any other lint a finding or a label
/// names) from the findings of a run and the labels of the crates it covered.
///
/// ```
/// use leak_audit_corpus::labels::{parse, score};
/// use leak_audit_corpus::snapshot::Line;
///
/// let findings = [
///     Line::parse("a\t1.0.0\tunbounded_static\tsrc/a.rs\t3\t1\tm").unwrap(),
///     Line::parse("a\t1.0.0\tunbounded_static\tsrc/a.rs\t9\t1\tm").unwrap(),
/// ];
/// let labels = parse("a\t1.0.0\tunbounded_static\tsrc/a.rs\t3\tTRUE\tpushed per request (src/a.rs:40)\n\
///                     a\t1.0.0\tunbounded_static\tsrc/b.rs\t7\tLEAK\tgrows per call (src/b.rs:12)\n").unwrap();
/// let scores = score(&findings, &labels, &["unbounded_static"]);
/// assert_eq!(scores[0].precision(), Some(1.0));
/// assert_eq!(scores[0].unlabelled.len(), 1);
/// assert_eq!(scores[0].recall(), Some(0.5));
/// ```
#[must_use]
pub fn score(findings: &[Line], labels: &[Label], lints: &[&str]) -> Vec<Score> {
    let by_site: BTreeMap<&Site, &Label> = labels.iter().map(|label| (&label.site, label)).collect();
    let mut sites: BTreeMap<Site, &Line> = BTreeMap::new();
    let mut names: Vec<String> = lints.iter().map(|&lint| lint.to_owned()).collect();
    let mut scores: BTreeMap<String, Score> = BTreeMap::new();
    for finding in findings {
        let entry = scores.entry(finding.lint.clone()).or_default();
        entry.findings += 1;
        sites.entry(Site::of(finding)).or_insert(finding);
    }
    for (site, finding) in &sites {
        let entry = scores.entry(site.lint.clone()).or_default();
        entry.sites += 1;
        match by_site.get(site).map(|label| label.verdict) {
            None => entry.unlabelled.push((*finding).clone()),
            Some(verdict) => {
                entry.labelled += 1;
                match verdict {
                    Verdict::True | Verdict::Leak => entry.true_sites += 1,
                    Verdict::False => entry.false_sites += 1,
                    Verdict::Debatable => entry.debatable_sites += 1,
                }
            }
        }
    }
    for label in labels.iter().filter(|label| matches!(label.verdict, Verdict::True | Verdict::Leak)) {
        let entry = scores.entry(label.site.lint.clone()).or_default();
        entry.positives += 1;
        if sites.contains_key(&label.site) {
            entry.found += 1;
        } else {
            entry.missed.push(label.clone());
        }
    }
    for lint in scores.keys() {
        if !names.contains(lint) {
            names.push(lint.clone());
        }
    }
    names
        .into_iter()
        .map(|lint| {
            let mut entry = scores.remove(&lint).unwrap_or_default();
            entry.lint = lint;
            entry
        })
        .collect()
}

/// Labels that judge a finding (`TRUE`, `FALSE`, `DEBATABLE`) but whose site
/// no finding of the run has: a false alarm fixed, or a finding that moved.
#[must_use]
pub fn without_finding<'a>(findings: &[Line], labels: &'a [Label]) -> Vec<&'a Label> {
    let sites: BTreeSet<Site> = findings.iter().map(Site::of).collect();
    labels.iter().filter(|label| label.verdict != Verdict::Leak && !sites.contains(&label.site)).collect()
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |value| format!("{:.0}%", value * 100.0))
}

/// The scores as a table, then the unlabelled findings and the missed leaks
/// of each lint, one per line.
#[must_use]
pub fn render(scores: &[Score]) -> String {
    let mut text = String::from(
        "| lint | findings | sites | labelled | TRUE | FALSE | DEBATABLE | precision (DEBATABLE left out) \
         | precision (DEBATABLE false) | unlabelled | recall (found / TRUE+LEAK) |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for score in scores {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} ({}/{}) |",
            score.lint,
            score.findings,
            score.sites,
            score.labelled,
            score.true_sites,
            score.false_sites,
            score.debatable_sites,
            percent(score.precision()),
            percent(score.strict_precision()),
            score.unlabelled.len(),
            percent(score.recall()),
            score.found,
            score.positives,
        );
    }
    for score in scores {
        for finding in &score.unlabelled {
            let _ = writeln!(text, "unlabelled: {finding}");
        }
    }
    for score in scores {
        for label in &score.missed {
            let _ = writeln!(text, "missed {}: {}: {}", label.verdict, label.site, label.reason);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(text: &str) -> Line {
        Line::parse(text).unwrap()
    }

    fn labels(text: &str) -> Vec<Label> {
        parse(text).unwrap()
    }

    #[test]
    fn precision_leaves_debatable_out_or_counts_it_false() {
        let findings = [
            finding("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\tm"),
            finding("a\t1.0.0\trc_cycle\tsrc/a.rs\t2\t1\tm"),
            finding("a\t1.0.0\trc_cycle\tsrc/a.rs\t3\t1\tm"),
            finding("a\t1.0.0\trc_cycle\tsrc/a.rs\t4\t1\tm"),
        ];
        let labels = labels(
            "a\t1.0.0\trc_cycle\tsrc/a.rs\t1\tTRUE\tr\n\
             a\t1.0.0\trc_cycle\tsrc/a.rs\t2\tTRUE\tr\n\
             a\t1.0.0\trc_cycle\tsrc/a.rs\t3\tFALSE\tr\n\
             a\t1.0.0\trc_cycle\tsrc/a.rs\t4\tDEBATABLE\tr\n",
        );
        let score = &score(&findings, &labels, &["rc_cycle"])[0];
        assert_eq!((score.true_sites, score.false_sites, score.debatable_sites), (2, 1, 1));
        assert_eq!(score.precision(), Some(2.0 / 3.0));
        assert_eq!(score.strict_precision(), Some(0.5));
        assert!(score.unlabelled.is_empty());
    }

    #[test]
    fn a_site_reported_twice_is_judged_once() {
        let findings =
            [finding("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t1\tm"), finding("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\t9\tm")];
        let labels = labels("a\t1.0.0\trc_cycle\tsrc/a.rs\t1\tFALSE\tr\n");
        let score = &score(&findings, &labels, &["rc_cycle"])[0];
        assert_eq!((score.findings, score.sites, score.false_sites), (2, 1, 1));
        assert_eq!(score.precision(), Some(0.0));
    }

    #[test]
    fn recall_counts_true_and_leak_labels_found_by_site() {
        let findings = [finding("a\t1.0.0\tcache_without_eviction\tsrc/a.rs\t5\t3\tm")];
        let labels = labels(
            "a\t1.0.0\tcache_without_eviction\tsrc/a.rs\t5\tLEAK\tfixed upstream\n\
             a\t1.0.0\tcache_without_eviction\tsrc/b.rs\t7\tLEAK\tnot found\n\
             a\t1.0.0\tcache_without_eviction\tsrc/c.rs\t9\tTRUE\tlost since\n\
             a\t1.0.0\tcache_without_eviction\tsrc/d.rs\t1\tFALSE\tfixed false alarm\n",
        );
        let score = &score(&findings, &labels, &["cache_without_eviction"])[0];
        assert_eq!((score.positives, score.found), (3, 1));
        assert_eq!(score.recall(), Some(1.0 / 3.0));
        let missed: Vec<String> = score.missed.iter().map(|label| label.site.file.clone()).collect();
        assert_eq!(missed, ["src/b.rs", "src/c.rs"]);
        // A found LEAK counts as a true finding.
        assert_eq!((score.labelled, score.true_sites), (1, 1));
    }

    #[test]
    fn a_label_of_another_lint_or_line_does_not_match() {
        let findings = [finding("a\t1.0.0\trc_cycle\tsrc/a.rs\t5\t3\tm")];
        let labels = labels(
            "a\t1.0.0\tunbounded_static\tsrc/a.rs\t5\tFALSE\tr\n\
             a\t1.0.0\trc_cycle\tsrc/a.rs\t6\tFALSE\tr\n\
             a\t1.0.1\trc_cycle\tsrc/a.rs\t5\tFALSE\tr\n",
        );
        let scores = score(&findings, &labels, &["rc_cycle"]);
        assert_eq!(scores[0].unlabelled.len(), 1);
        assert_eq!(scores[0].precision(), None);
        assert_eq!(without_finding(&findings, &labels).len(), 3);
    }

    #[test]
    fn lints_without_findings_or_only_in_labels_get_a_row() {
        let labels = labels("a\t1.0.0\tleak_per_call\tsrc/a.rs\t5\tLEAK\tBox::leak per request\n");
        let scores = score(&[], &labels, &["rc_cycle"]);
        let names: Vec<&str> = scores.iter().map(|score| score.lint.as_str()).collect();
        assert_eq!(names, ["rc_cycle", "leak_per_call"]);
        assert_eq!(scores[0].recall(), None);
        assert_eq!(scores[1].recall(), Some(0.0));
        let text = render(&scores);
        assert!(text.contains("| leak_per_call | 0 | 0 | 0 | 0 | 0 | 0 | - | - | 0 | 0% (0/1) |"), "{text}");
        assert!(text.contains("missed LEAK: a 1.0.0 leak_per_call src/a.rs:5: Box::leak per request"), "{text}");
    }

    #[test]
    fn the_repository_labels_are_valid_and_pinned() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let labels = parse(&std::fs::read_to_string(dir.join("labels.tsv")).unwrap()).unwrap();
        let crates = crate::manifest::read(&dir.join("crates.toml")).unwrap();
        check_pins(&labels, &crates).unwrap();
        assert!(labels.iter().any(|label| label.verdict == Verdict::Leak), "no known leak is labelled");
    }

    #[test]
    fn the_repository_snapshot_is_sorted_and_every_finding_in_it_is_labelled() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(dir.join("findings.txt")).unwrap();
        let findings = crate::snapshot::parse(&text).unwrap();
        assert_eq!(crate::snapshot::render(findings.clone()), text, "findings.txt is not in the runner's format");
        let labels = parse(&std::fs::read_to_string(dir.join("labels.tsv")).unwrap()).unwrap();
        let unlabelled: Vec<String> = score(&findings, &labels, &[])
            .iter()
            .flat_map(|score| score.unlabelled.iter().map(ToString::to_string))
            .collect();
        assert!(unlabelled.is_empty(), "findings without a label in labels.tsv:\n{}", unlabelled.join("\n"));
    }

    #[test]
    fn parse_rejects_bad_lines_with_their_number() {
        assert!(parse("a\t1.0.0\trc_cycle\tsrc/a.rs\tx\tTRUE\tr\n").unwrap_err().starts_with("line 1:"));
        assert!(parse("\na\t1.0.0\trc_cycle\tsrc/a.rs\t1\tTRUE\t \n").unwrap_err().contains("line 2: the reason"));
        let twice = "a\t1.0.0\trc_cycle\tsrc/a.rs\t1\tTRUE\tr\na\t1.0.0\trc_cycle\tsrc/a.rs\t1\tFALSE\tr\n";
        assert!(parse(twice).unwrap_err().contains("labelled twice"));
        assert!(parse("a\t1.0.0\trc_cycle\n").unwrap_err().contains("7 tab-separated"));
    }
}
