//! Creation sites: with `LEAK_AUDIT_SITES=1`, a failing `#[leak_audit::test]`
//! lists its leaked values grouped by the line that created them, most first
//! (tracemalloc's `statistics("lineno")`). Debug builds only; release builds keep no sites.
//!
//! The environment variable is read once per process, so this scenario sets
//! it before the first counted value and lives in its own test binary.

use std::panic;
use std::sync::Mutex;

#[leak_audit::leak_audit]
mod model {
    #[derive(Clone, Default)]
    pub struct Blob {
        pub bytes: Vec<u8>,
    }

    pub fn small() -> Blob {
        Blob { bytes: vec![1] }
    }

    pub fn large() -> Blob {
        Blob { bytes: vec![0; 1024] }
    }
}

static PARKED: Mutex<Vec<model::Blob>> = Mutex::new(Vec::new());

#[leak_audit::test]
#[ignore = "run by `should_group_leaks_by_creation_site`"]
fn leaks_from_three_sites() {
    let mut parked = PARKED.lock().unwrap();
    for _ in 0..3 {
        parked.push(model::small());
    }
    parked.push(model::large());
    assert_eq!(parked[3].bytes.len(), 1024);
    let copy = parked[0].clone();
    parked.push(copy);
    // Created and dropped: not listed.
    drop(model::large());
}

/// With creation sites on, the hidden field keeps the site, whose entry keeps
/// the value's snapshot epoch: snapshot diffs still split new values from
/// survivors, and leaks from one line in two epochs are listed together.
#[leak_audit::test]
#[ignore = "run by `should_group_leaks_by_creation_site`"]
fn leaks_across_snapshots() {
    let mut parked = PARKED.lock().unwrap();
    let kept = model::small();
    let gone = model::small();
    let a = leak_audit::snapshot();
    drop(gone);
    parked.push(kept);
    parked.push(model::small());
    let b = leak_audit::snapshot();
    let diff = b.diff(&a);
    let blobs = diff.get::<model::Blob>().unwrap();
    // Alive at A: the 5 parked by `leaks_from_three_sites`, `kept` and `gone`.
    assert_eq!((blobs.live, blobs.new_alive, blobs.survived), (7, Some(1), Some(6)));
}

/// The lines of the leak report `leaks_from_three_sites` fails with, with
/// creation sites asked for, after checking its first two: the 5 `Blob`s.
fn three_sites_report() -> (String, Vec<String>) {
    std::env::set_var("LEAK_AUDIT_SITES", "1");
    let message = failure(leaks_from_three_sites);
    let lines: Vec<String> = message.lines().map(str::to_owned).collect();
    assert!(lines[0].contains("leaked 5 values"), "{message}");
    assert!(lines[1].trim_start().starts_with("Blob") && lines[1].contains(" 5 "), "{message}");
    (message, lines)
}

/// The panic message of a test fn that must fail.
fn failure(test: fn()) -> String {
    panic::catch_unwind(test)
        .map_err(|payload| payload.downcast_ref::<String>().cloned().unwrap_or_default())
        .unwrap_err()
}

#[test]
#[cfg_attr(not(debug_assertions), ignore = "creation sites are kept in debug builds only")]
fn should_group_leaks_by_creation_site() {
    let (message, lines) = three_sites_report();
    let file = file!();
    // `Blob { bytes: vec![1] }` is on line 19, `Blob { bytes: vec![0; 1024] }`
    // on line 23, and the derive(Clone) on line 13.
    assert_eq!(lines[2].trim(), format!("3 created at {file}:19:9"), "{message}");
    let rest: Vec<String> = lines[3..5].iter().map(|line| line.trim().to_owned()).collect();
    assert!(rest.contains(&format!("1 created at {file}:23:9")), "{message}");
    assert!(rest.iter().any(|line| line.starts_with(&format!("1 created at {file}:13:"))), "{message}");
    assert_eq!(lines.len(), 5, "{message}");

    let message = failure(leaks_across_snapshots);
    let lines: Vec<&str> = message.lines().collect();
    assert!(lines[0].contains("leaked 2 values"), "{message}");
    assert_eq!(lines[2].trim(), format!("2 created at {file}:19:9"), "{message}");
    assert_eq!(lines.len(), 3, "{message}");
}

/// Release builds list the leaked values without sites, even with
/// `LEAK_AUDIT_SITES=1`, and end the report with why a release build can
/// charge another thread's values to the test.
#[test]
#[cfg_attr(debug_assertions, ignore = "the release build's report; `cargo test --release` runs it")]
fn should_report_leaks_without_sites_in_release_builds() {
    let (message, lines) = three_sites_report();
    assert!(
        lines[2].starts_with("note: release builds charge a drop to the test running on the dropping thread"),
        "{message}"
    );
    assert_eq!(lines.len(), 3, "{message}");
}
