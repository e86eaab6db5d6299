//! Reading a crate's sources by following `mod x;` declarations from its root
//! file, the way rustc finds them.
//!
//! The rules (from the Rust reference, "Modules"):
//! - `mod x;` in a crate root, a `mod.rs` or a file loaded through `#[path]`
//!   ("mod-rs" files) is looked up as `x.rs` or `x/mod.rs` next to that file;
//!   in any other file `a.rs` it is looked up under `a/`.
//! - `#[path = "p"] mod x;` is relative to the directory of the file it is in.
//! - Inside an inline `mod m { .. }` both are relative to the inline module's
//!   directory: the file's module directory joined with `m` (or with the
//!   inline module's own `#[path]`).
//!
//! - `#[cfg_attr(pred, path = "p")] mod x;` uses `p` when `pred` holds. The
//!   predicate is not evaluated (it names platforms and features): the first
//!   such path whose file exists is read, else the plain `x.rs`/`x/mod.rs`.
//!
//! A module with a `#[cfg(..)]` or a `#[cfg_attr(.., path = ..)]` whose file is
//! missing is skipped silently: it is most likely compiled only on another
//! platform.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::Token;

use crate::diagnostic::{Diagnostic, DiagnosticSpan};
use crate::source::SourceText;

/// A crate's files, parsed on the current thread.
#[derive(Debug, Default)]
pub struct LoadedCrate {
    /// Every file read, in the order found; index `i` is `FileId(i)`.
    pub files: Vec<Arc<SourceText>>,
    /// The syntax tree of each file of [`files`](Self::files), `None` where it
    /// does not parse.
    pub asts: Vec<Option<syn::File>>,
    /// The module path of each file of [`files`](Self::files) as the `mod`
    /// declarations name it (`["a", "inner", "c"]`; empty for the crate root),
    /// whatever `#[path]` says about where the file is.
    pub modules: Vec<Vec<String>>,
    /// Files that could not be found, read or parsed.
    pub errors: Vec<(Option<usize>, Diagnostic)>,
}

/// Reads the crate whose root file is `root`; `display` turns a path on disk
/// into the path shown to users.
pub fn load_crate(root: &Path, display: &dyn Fn(&Path) -> String) -> LoadedCrate {
    let mut loader = Loader { display, seen: HashSet::new(), krate: LoadedCrate::default() };
    match fs::read_to_string(root) {
        Ok(text) => {
            let dir = root.parent().unwrap_or(Path::new("")).to_path_buf();
            loader.add_file(root.to_path_buf(), text, &dir, Vec::new());
        }
        Err(error) => {
            let message = format!("couldn't read `{}`: {error}", display(root));
            loader.krate.errors.push((None, Diagnostic::error(message, None)));
        }
    }
    loader.krate
}

struct Loader<'d> {
    display: &'d dyn Fn(&Path) -> String,
    seen: HashSet<PathBuf>,
    krate: LoadedCrate,
}

/// Where the `mod` declarations of a list of items are resolved, and the
/// module they are in.
#[derive(Clone, Copy)]
struct Dirs<'p> {
    /// The module path of the items.
    module: &'p [String],
    /// Where `mod x;` looks for `x.rs` and `x/mod.rs`.
    module_dir: &'p Path,
    /// What `#[path]` is relative to.
    path_base: &'p Path,
}

impl Loader<'_> {
    /// Parses a file and follows its modules; `module_dir` is where its own
    /// `mod x;` declarations are looked up.
    fn add_file(&mut self, path: PathBuf, text: String, module_dir: &Path, module: Vec<String>) {
        let key = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !self.seen.insert(key) {
            return;
        }
        let index = self.krate.files.len();
        let file = Arc::new(SourceText::new((self.display)(&path), path, text));
        let parsed = syn::parse_file(&file.text);
        self.krate.files.push(Arc::clone(&file));
        self.krate.asts.push(None);
        self.krate.modules.push(module);
        match parsed {
            Ok(ast) => {
                let file_dir = file.path.parent().unwrap_or(Path::new("")).to_path_buf();
                let module = self.krate.modules[index].clone();
                self.walk(&ast.items, &file, Dirs { module: &module, module_dir, path_base: &file_dir });
                self.krate.asts[index] = Some(ast);
            }
            Err(error) => {
                let mut diagnostics = Diagnostic::from_syn_error(&error, &file);
                if let Some(first) = diagnostics.first_mut() {
                    *first = first.clone().note("this file, and the modules it declares, are not analysed");
                }
                self.krate.errors.extend(diagnostics.into_iter().map(|diagnostic| (Some(index), diagnostic)));
            }
        }
    }

    fn walk(&mut self, items: &[syn::Item], file: &Arc<SourceText>, dirs: Dirs<'_>) {
        for item in items {
            let syn::Item::Mod(module) = item else { continue };
            let path_attr = path_attribute(&module.attrs);
            if let Some((_, inline_items)) = &module.content {
                let dir = dirs.module_dir.join(path_attr.unwrap_or_else(|| module.ident.unraw_string()));
                let path = child_module(dirs.module, &module.ident);
                self.walk(inline_items, file, Dirs { module: &path, module_dir: &dir, path_base: &dir });
                continue;
            }
            self.load_module(module, path_attr, file, dirs);
        }
    }

    fn load_module(
        &mut self,
        module: &syn::ItemMod,
        path_attr: Option<String>,
        file: &Arc<SourceText>,
        dirs: Dirs<'_>,
    ) {
        let name = module.ident.unraw_string();
        // Point at `pub mod x;`, not at the attributes above it (as rustc does).
        let span = || {
            let start = match &module.vis {
                syn::Visibility::Inherited => module.mod_token.span,
                vis => vis.span(),
            };
            let end = module.semi.as_ref().map_or(module.ident.span(), |semi| semi.span);
            let mut span = DiagnosticSpan::from_span(file, start, true, None);
            span.end = DiagnosticSpan::from_span(file, end, true, None).end;
            span
        };
        let conditional_paths = cfg_attr_paths(&module.attrs);
        let is_cfg = !conditional_paths.is_empty() || module.attrs.iter().any(|attr| attr.path().is_ident("cfg"));
        let file_index = self.krate.files.iter().position(|known| Arc::ptr_eq(known, file));

        // `#[path = "p"]`, else the first `#[cfg_attr(pred, path = "p")]`
        // whose file exists (`#[cfg_attr(unix, path = "unix.rs")]`).
        let explicit = path_attr.map(|relative| dirs.path_base.join(relative)).or_else(|| {
            conditional_paths.iter().map(|relative| dirs.path_base.join(relative)).find(|path| path.is_file())
        });
        if let Some(path) = explicit {
            match fs::read_to_string(&path) {
                Ok(text) => {
                    let module_dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
                    self.add_file(path, text, &module_dir, child_module(dirs.module, &module.ident));
                }
                Err(_) if is_cfg && !path.exists() => {}
                Err(error) => {
                    let message = format!("couldn't read `{}`: {error}", (self.display)(&path));
                    self.krate.errors.push((file_index, Diagnostic::error(message, Some(span()))));
                }
            }
            return;
        }

        let flat = dirs.module_dir.join(format!("{name}.rs"));
        let nested = dirs.module_dir.join(&name).join("mod.rs");
        let module_dir = dirs.module_dir.join(&name);
        let (flat_exists, nested_exists) = (flat.is_file(), nested.is_file());
        let chosen = match (flat_exists, nested_exists) {
            (true, true) => {
                let message = format!(
                    "file for module `{name}` found at both \"{}\" and \"{}\"",
                    (self.display)(&flat),
                    (self.display)(&nested),
                );
                let diagnostic = Diagnostic::error(message, Some(span()))
                    .help("delete or rename one of them to remove the ambiguity")
                    .note(format!("\"{}\" is analysed", (self.display)(&flat)));
                self.krate.errors.push((file_index, diagnostic));
                flat
            }
            (true, false) => flat,
            (false, true) => nested,
            (false, false) => {
                if !is_cfg {
                    let message = format!("file not found for module `{name}`");
                    let help = format!(
                        "to create the module `{name}`, create file \"{}\" or \"{}\"",
                        (self.display)(&flat),
                        (self.display)(&nested),
                    );
                    self.krate.errors.push((file_index, Diagnostic::error(message, Some(span())).help(help)));
                }
                return;
            }
        };
        match fs::read_to_string(&chosen) {
            Ok(text) => self.add_file(chosen, text, &module_dir, child_module(dirs.module, &module.ident)),
            Err(error) => {
                let message = format!("couldn't read `{}`: {error}", (self.display)(&chosen));
                self.krate.errors.push((file_index, Diagnostic::error(message, Some(span()))));
            }
        }
    }
}

/// The path of module `name` declared in module `parent`.
fn child_module(parent: &[String], name: &syn::Ident) -> Vec<String> {
    let mut path = parent.to_vec();
    path.push(name.unraw_string());
    path
}

/// The value of a `#[path = ".."]` attribute, if there is one.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| path_value(&attr.meta))
}

/// `"p"` of `path = "p"`.
fn path_value(meta: &syn::Meta) -> Option<String> {
    match meta {
        syn::Meta::NameValue(name_value) if name_value.path.is_ident("path") => match &name_value.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) => Some(text.value()),
            _ => None,
        },
        _ => None,
    }
}

/// The paths of `#[cfg_attr(pred, path = "..")]` attributes, in order.
fn cfg_attr_paths(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut paths = Vec::new();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("cfg_attr")) {
        let Ok(metas) = attr.parse_args_with(Punctuated::<syn::Meta, Token![,]>::parse_terminated) else { continue };
        // The first is the predicate; the rest are the attributes it applies.
        paths.extend(metas.iter().skip(1).filter_map(path_value));
    }
    paths
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        let text = self.to_string();
        text.strip_prefix("r#").map(str::to_owned).unwrap_or(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_name_each_file_by_its_declared_module_path() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/layouts/src");
        let display = |path: &Path| path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let loaded = load_crate(&root.join("lib.rs"), &display);
        assert!(loaded.errors.is_empty());
        let found: Vec<(String, String)> = loaded
            .files
            .iter()
            .zip(&loaded.modules)
            .map(|(file, module)| (file.display_path.clone(), module.join("::")))
            .collect();
        let expected = [
            ("lib.rs", ""),
            ("a.rs", "a"),
            ("a/b.rs", "a::b"),
            ("a/inner/c.rs", "a::inner::c"),
            ("deep/mod.rs", "deep"),
            ("deep/er.rs", "deep::er"),
            ("type.rs", "type"),
            ("inl/p.rs", "inl::q"),
            ("thread_files/tls.rs", "thread::state"),
            ("platform/unix.rs", "platform"),
        ];
        let expected: Vec<(String, String)> = expected.iter().map(|&(a, b)| (a.to_owned(), b.to_owned())).collect();
        assert_eq!(found, expected);
    }
}
