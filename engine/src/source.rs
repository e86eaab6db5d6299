//! What an analysis reads: the items of source files, with where they are.

use crate::finding::FileId;

/// The items of one source file (or of one macro invocation) to analyse.
///
/// ```
/// use leak_audit_engine::{FileId, Source};
/// let file = syn::parse_file("pub struct Rx { inner: u8 }").unwrap();
/// let module = vec!["sync".to_string(), "mpsc".to_string(), "list".to_string()];
/// let source = Source::new(FileId(3), &file.items).in_module(&module);
/// assert_eq!(source.module, ["sync", "mpsc", "list"]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The file the items come from; findings point back at it.
    pub file: FileId,
    /// The items, in source order.
    pub items: &'a [syn::Item],
    /// The file's module path in its crate (`["sync", "mpsc", "list"]` for
    /// `src/sync/mpsc/list.rs`); empty for a crate root or a macro input. Types
    /// with the same name in different files are told apart by it.
    pub module: &'a [String],
    /// Whether the items are a fragment of their module (the one item an
    /// attribute is on) rather than all of it: code elsewhere in the module
    /// can then use the private fields of the fragment's top-level types.
    pub fragment: bool,
}

impl<'a> Source<'a> {
    /// Items of `file` at the crate root.
    pub fn new(file: FileId, items: &'a [syn::Item]) -> Self {
        Source { file, items, module: &[], fragment: false }
    }

    /// The same items, declared in module `module` of their crate.
    #[must_use]
    pub fn in_module(self, module: &'a [String]) -> Self {
        Source { module, ..self }
    }

    /// The same items, as one item of a module whose other items are not
    /// shown (an attribute's input): the analysis does not take what it sees
    /// of their private fields for all that is done with them.
    ///
    /// ```
    /// use leak_audit_engine::{FileId, Source};
    /// let file = syn::parse_file("pub struct Node { next: u8 }").unwrap();
    /// assert!(Source::new(FileId(0), &file.items).fragment().fragment);
    /// ```
    #[must_use]
    pub fn fragment(self) -> Self {
        Source { fragment: true, ..self }
    }
}

/// The module path a file of a crate stands for, from the file paths alone:
/// `src/sync/mpsc/list.rs` under the root `src/lib.rs` is `["sync", "mpsc",
/// "list"]`, `src/net/mod.rs` is `["net"]`. Files outside the root's folder
/// (`#[path]` elsewhere) get the path they can be given from their own name.
///
/// ```
/// use std::path::Path;
/// use leak_audit_engine::module_path_of_file;
/// let root = Path::new("src/lib.rs");
/// assert_eq!(module_path_of_file(root, Path::new("src/sync/mpsc/list.rs")), ["sync", "mpsc", "list"]);
/// assert_eq!(module_path_of_file(root, Path::new("src/net/mod.rs")), ["net"]);
/// assert!(module_path_of_file(root, root).is_empty());
/// ```
pub fn module_path_of_file(root: &std::path::Path, file: &std::path::Path) -> Vec<String> {
    if file == root {
        return Vec::new();
    }
    let base = root.parent().unwrap_or(root);
    let relative = file.strip_prefix(base).unwrap_or(file);
    let mut parts: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        if stem != "mod" {
            parts.push(stem);
        }
    }
    parts.retain(|part| !part.is_empty() && part != "..");
    parts
}
