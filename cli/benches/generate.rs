//! Writes a large crate of ordinary Rust for the benchmark: records, enums,
//! impls with loops and matches, traits, and here and there the patterns the
//! lints look for (a growing static, a memo cache, an `Rc` cycle across two
//! files). It compiles without errors, so `cargo check` can be timed on it.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Writes a crate named `generated` into `dir` with `files` module files of
/// at least `lines_per_file` lines each; returns the total number of lines.
///
/// # Errors
///
/// Any error writing the files.
pub fn generate(dir: &Path, files: usize, lines_per_file: usize) -> io::Result<usize> {
    let src = dir.join("src");
    if src.exists() {
        fs::remove_dir_all(&src)?;
    }
    fs::create_dir_all(src.join("parts"))?;
    fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"generated\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n",
    )?;
    let mut total = 0;
    let mut lib = String::from("//! A generated crate for benchmarks.\n#![allow(dead_code)]\n\npub mod parts;\n");
    total += lib.lines().count();
    fs::write(src.join("lib.rs"), &lib)?;
    lib.clear();

    let mut parts = String::new();
    for file in 0..files {
        writeln!(parts, "pub mod part_{file};").unwrap();
    }
    total += parts.lines().count();
    fs::write(src.join("parts.rs"), parts)?;

    for file in 0..files {
        let text = file_text(file, files, lines_per_file);
        total += text.lines().count();
        fs::write(src.join("parts").join(format!("part_{file}.rs")), text)?;
    }
    Ok(total)
}

/// One file of at least `lines` lines: units until the size is reached, then the leaks.
fn file_text(file: usize, files: usize, lines: usize) -> String {
    let mut tail = String::new();
    // One leak of each kind per file, and a cycle that spans two files:
    // `Owner` of each even file and `Item` of the next odd file hold each other.
    let partner = if file.is_multiple_of(2) { (file + 1).min(files - 1) } else { file - 1 };
    write!(
        tail,
        r"
static JOURNAL_{file}: Mutex<Vec<String>> = Mutex::new(Vec::new());

pub fn journal_{file}(line: &str) {{
    JOURNAL_{file}.lock().unwrap().push(line.to_owned());
}}

pub struct Memo{file} {{
    cache: HashMap<u64, u64>,
}}

impl Memo{file} {{
    pub fn get(&mut self, key: u64) -> u64 {{
        *self.cache.entry(key).or_insert_with(|| key.wrapping_mul(31) ^ {file})
    }}
}}

pub struct Owner{file} {{
    pub items: RefCell<Vec<Rc<super::part_{partner}::Item{partner}>>>,
}}

pub struct Item{file} {{
    pub owner: RefCell<Option<Rc<super::part_{partner}::Owner{partner}>>>,
    pub back: RefCell<Weak<Owner{file}>>,
}}
"
    )
    .unwrap();
    let mut out = String::new();
    out.push_str(
        "use std::cell::RefCell;\nuse std::collections::HashMap;\nuse std::fmt;\nuse std::rc::{Rc, Weak};\nuse std::sync::Mutex;\n\n",
    );
    let mut unit = 0;
    while out.lines().count() + tail.lines().count() < lines {
        unit_text(&mut out, file, unit);
        unit += 1;
    }
    out.push_str(&tail);
    out
}

fn unit_text(out: &mut String, file: usize, unit: usize) {
    let name = format!("Record{file}x{unit}");
    let event = format!("Event{file}x{unit}");
    write!(
        out,
        r#"/// A record of the generated domain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct {name} {{
    pub id: u64,
    pub name: String,
    pub tags: Vec<String>,
    pub score: f64,
    pub children: Vec<Box<{name}>>,
    pub index: HashMap<String, usize>,
}}

/// What can happen to a record.
#[derive(Debug, Clone, PartialEq)]
pub enum {event} {{
    Created {{ id: u64, name: String }},
    Renamed(String),
    Tagged(Vec<String>),
    Scored(f64),
    Deleted,
}}

impl {name} {{
    pub fn new(id: u64, name: &str) -> Self {{
        {name} {{ id, name: name.to_owned(), ..Default::default() }}
    }}

    pub fn apply(&mut self, event: &{event}) -> Result<(), String> {{
        match event {{
            {event}::Created {{ id, name }} => {{
                self.id = *id;
                self.name = name.clone();
            }}
            {event}::Renamed(name) if name.is_empty() => return Err(format!("empty name for {{}}", self.id)),
            {event}::Renamed(name) => self.name = name.clone(),
            {event}::Tagged(tags) => {{
                for tag in tags {{
                    let position = self.tags.len();
                    self.index.insert(tag.clone(), position);
                    self.tags.push(tag.clone());
                }}
            }}
            {event}::Scored(score) => self.score = (self.score + score) / 2.0,
            {event}::Deleted => {{
                self.tags.clear();
                self.index.clear();
            }}
        }}
        Ok(())
    }}

    pub fn total_score(&self) -> f64 {{
        self.score + self.children.iter().map(|child| child.total_score()).sum::<f64>()
    }}

    pub fn find(&self, tag: &str) -> Option<&str> {{
        self.index.get(tag).and_then(|&position| self.tags.get(position)).map(String::as_str)
    }}
}}

impl fmt::Display for {name} {{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{
        write!(f, "{{}} #{{}} ({{:.2}})", self.name, self.id, self.score)?;
        for tag in &self.tags {{
            write!(f, " [{{tag}}]")?;
        }}
        Ok(())
    }}
}}

pub fn replay_{file}_{unit}(events: &[{event}]) -> Result<{name}, String> {{
    let mut record = {name}::new(0, "new");
    for (step, event) in events.iter().enumerate() {{
        record.apply(event).map_err(|error| format!("step {{step}}: {{error}}"))?;
    }}
    Ok(record)
}}
"#
    )
    .unwrap();
}
