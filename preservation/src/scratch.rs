//! Scratch crates: a standalone package (its own `[workspace]`) depending on
//! this workspace's `leak_audit` by path, checked or tested with cargo, offline,
//! in a shared target directory. Errors come back as structured diagnostics.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The workspace root (where `runtime/` and `Cargo.lock` are).
#[must_use]
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("preservation/ has a parent").to_path_buf()
}

/// One error reported by rustc.
#[derive(Clone, Debug)]
pub struct Diag {
    /// `E0063` and so on, when the error has a code.
    pub code: Option<String>,
    /// The one-line message.
    pub message: String,
    /// The file of the primary span, relative to the package.
    pub file: Option<String>,
    /// The 1-based line of the primary span.
    pub line: Option<usize>,
    /// rustc's full rendering.
    pub rendered: String,
}

impl Diag {
    /// Whether this is the documented error of a struct literal or a struct
    /// pattern without `..` outside the annotated code.
    #[must_use]
    pub fn is_documented_outside_error(&self) -> bool {
        (self.code.as_deref() == Some("E0063") && self.message.contains("missing field `__leak_audit`"))
            || (self.code.as_deref() == Some("E0027") && self.message.contains("`__leak_audit`"))
    }
}

/// What one cargo run gave.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Whether cargo exited successfully.
    pub ok: bool,
    /// The compiler errors (not warnings).
    pub errors: Vec<Diag>,
    /// Cargo's stderr (build failures of dependencies, test output, ...).
    pub stderr: String,
    /// The stdout of cargo (test harness output for `cargo test`).
    pub stdout: String,
    /// How long it took.
    pub elapsed: Duration,
}

impl Outcome {
    /// A short summary of the errors, for reports.
    #[must_use]
    pub fn error_summary(&self) -> String {
        if self.errors.is_empty() {
            let tail: Vec<&str> = self.stderr.lines().rev().take(15).collect();
            return tail.into_iter().rev().collect::<Vec<_>>().join("\n");
        }
        self.errors.iter().map(|diag| diag.rendered.trim_end().to_owned()).collect::<Vec<_>>().join("\n")
    }
}

/// A scratch package on disk.
#[derive(Clone, Debug)]
pub struct Scratch {
    /// The package directory.
    pub dir: PathBuf,
    /// The cargo target directory (shared between scratch packages).
    pub target: PathBuf,
    /// Pass `--offline` to cargo (the default).
    pub offline: bool,
}

impl Scratch {
    /// Creates (or reuses) the package `name` in `dir`, depending on the
    /// workspace's `leak_audit` by path and on serde; `outside` is a feature
    /// the generated code gates its deliberately failing uses behind.
    ///
    /// # Panics
    /// When the directory cannot be written.
    #[must_use]
    pub fn generated(dir: &Path, target: &Path, name: &str) -> Self {
        let root = workspace_root();
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nleak_audit = {{ path = {runtime:?} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
             [features]\noutside = []\n\n[workspace]\n",
            runtime = root.join("runtime").display().to_string(),
        );
        std::fs::create_dir_all(dir.join("src")).expect("create scratch dir");
        write_if_changed(&dir.join("Cargo.toml"), &manifest);
        // The workspace's lock file pins serde and friends to versions that are
        // in the local registry cache, so the scratch package resolves offline.
        if !dir.join("Cargo.lock").exists() {
            std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
        }
        Scratch { dir: dir.to_path_buf(), target: target.to_path_buf(), offline: true }
    }

    /// Writes `src/lib.rs`.
    ///
    /// # Panics
    /// When the file cannot be written.
    pub fn write_lib(&self, source: &str) {
        std::fs::write(self.dir.join("src/lib.rs"), source).expect("write lib.rs");
    }

    /// `cargo check` with the given features.
    #[must_use]
    pub fn check(&self, features: &[&str]) -> Outcome {
        self.cargo(&["check", "--lib"], features)
    }

    /// Runs cargo with `args` (plus `--features`, `--offline`, JSON messages).
    ///
    /// # Panics
    /// When cargo cannot be started.
    #[must_use]
    pub fn cargo(&self, args: &[&str], features: &[&str]) -> Outcome {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut command = Command::new(cargo);
        command.args(args).arg("--message-format=json");
        if self.offline {
            command.arg("--offline");
        }
        if !features.is_empty() {
            command.arg("--features").arg(features.join(","));
        }
        command
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET_DIR");
        let start = Instant::now();
        let output = command.output().expect("run cargo");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let mut errors = Vec::new();
        let mut harness = String::new();
        for line in stdout.lines() {
            match serde_json::from_str::<serde_json::Value>(line) {
                Ok(value) => {
                    if value["reason"] == "compiler-message" && value["message"]["level"] == "error" {
                        errors.push(diag(&value["message"]));
                    }
                }
                Err(_) => {
                    harness.push_str(line);
                    harness.push('\n');
                }
            }
        }
        Outcome {
            ok: output.status.success(),
            errors,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            stdout: harness,
            elapsed: start.elapsed(),
        }
    }
}

fn diag(message: &serde_json::Value) -> Diag {
    let primary = message["spans"].as_array().and_then(|spans| spans.iter().find(|span| span["is_primary"] == true));
    let rendered = message["rendered"].as_str().unwrap_or_default();
    Diag {
        code: message["code"]["code"].as_str().map(str::to_owned),
        message: message["message"].as_str().unwrap_or_default().to_owned(),
        file: primary.and_then(|span| span["file_name"].as_str()).map(str::to_owned),
        line: primary.and_then(|span| span["line_start"].as_u64()).and_then(|line| usize::try_from(line).ok()),
        rendered: strip_ansi(rendered),
    }
}

/// Removes ANSI escape sequences, should a cargo configuration force colours.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `text` to `path` unless it already holds exactly that (keeps
/// cargo's fingerprints fresh).
///
/// # Panics
/// When the file cannot be written.
pub fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).expect("write file");
    }
}
