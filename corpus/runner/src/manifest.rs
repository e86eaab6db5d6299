//! Reading `corpus/crates.toml`: the pinned list of crates.

use std::fmt;
use std::path::Path;

/// One pinned crate of the corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crate {
    /// Its name on crates.io.
    pub name: String,
    /// The exact version.
    pub version: String,
    /// What kind of crate it is (parser, DOM, cache, ...), shown in the table.
    pub kind: String,
}

impl Crate {
    /// `name-version`, the name of its folder (and of its `.crate` archive).
    #[must_use]
    pub fn dir_name(&self) -> String {
        format!("{}-{}", self.name, self.version)
    }
}

impl fmt::Display for Crate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

/// Reads the manifest at `path`.
///
/// # Errors
///
/// Returns a message if the file cannot be read, is not TOML, or an entry lacks
/// `name`, `version` or `why`, has a version that is not exact, or repeats a
/// name.
pub fn read(path: &Path) -> Result<Vec<Crate>, String> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    parse(&text).map_err(|err| format!("{}: {err}", path.display()))
}

/// Parses the text of a manifest; see [`read`].
///
/// # Errors
///
/// As [`read`].
pub fn parse(text: &str) -> Result<Vec<Crate>, String> {
    let table: toml::Table = text.parse().map_err(|err| format!("invalid TOML: {err}"))?;
    let Some(entries) = table.get("crate").and_then(toml::Value::as_array) else {
        return Err("no `[[crate]]` entries".to_owned());
    };
    let mut crates: Vec<Crate> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let field = |key: &str| entry.get(key).and_then(toml::Value::as_str).map(str::to_owned);
        let name = field("name").ok_or_else(|| format!("entry {} has no `name`", index + 1))?;
        let version = field("version").ok_or_else(|| format!("`{name}` has no `version`"))?;
        if version.split('.').count() != 3 || !version.split('.').all(|part| part.parse::<u64>().is_ok()) {
            return Err(format!("`{name}`: version `{version}` is not an exact `x.y.z` version"));
        }
        if crates.iter().any(|other| other.name == name) {
            return Err(format!("`{name}` is listed twice"));
        }
        if field("why").is_none_or(|why| why.trim().is_empty()) {
            return Err(format!("`{name}` has no `why`: say what the crate brings to the corpus"));
        }
        let kind = field("kind").unwrap_or_default();
        crates.push(Crate { name, version, kind });
    }
    Ok(crates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_read_entries_in_order() {
        let crates = parse(
            "[[crate]]\nname = \"b\"\nversion = \"1.2.3\"\nkind = \"k\"\nwhy = \"w\"\n\
             [[crate]]\nname = \"a\"\nversion = \"0.1.0\"\nwhy = \"w\"\n",
        )
        .unwrap();
        assert_eq!(crates.len(), 2);
        assert_eq!(crates[0].dir_name(), "b-1.2.3");
        assert_eq!(crates[1].kind, "");
    }

    #[test]
    fn should_reject_ranges_and_duplicates() {
        assert!(parse("[[crate]]\nname = \"a\"\nversion = \"1\"\n").unwrap_err().contains("exact"));
        assert!(parse("[[crate]]\nname = \"a\"\nversion = \"^1.0.0\"\n").is_err());
        let twice = "[[crate]]\nname = \"a\"\nversion = \"1.0.0\"\nwhy = \"w\"\n\
                     [[crate]]\nname = \"a\"\nversion = \"1.0.1\"\nwhy = \"w\"\n";
        assert!(parse(twice).unwrap_err().contains("twice"));
        assert!(parse("[[crate]]\nname = \"a\"\nversion = \"1.0.0\"\n").unwrap_err().contains("no `why`"));
    }

    #[test]
    fn the_repository_manifest_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates.toml");
        let crates = read(&path).unwrap();
        assert!(crates.len() >= 30, "the corpus must pin at least 30 crates, it has {}", crates.len());
    }
}
