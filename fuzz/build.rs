//! Lists the modules of the macro crate (`mod x;` lines of `macros/src/lib.rs`)
//! so `src/lib.rs` compiles all of them, whatever modules the macro has today.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let macro_src = manifest_dir.join("../macros/src").canonicalize().expect("macros/src exists");
    let lib = macro_src.join("lib.rs");
    println!("cargo:rerun-if-changed={}", lib.display());
    let text = std::fs::read_to_string(&lib).expect("macros/src/lib.rs is readable");
    let mut modules = String::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("pub(crate) ").or_else(|| line.strip_prefix("pub ")).unwrap_or(line);
        if let Some(name) = line.strip_prefix("mod ").and_then(|rest| rest.strip_suffix(';')) {
            let _ = writeln!(modules, "pub(crate) mod {name};");
        }
    }
    let generated = format!("#[path = {:?}]\n#[allow(dead_code, unreachable_pub, clippy::all, clippy::pedantic)]\nmod macro_src {{\n{modules}}}\n", macro_src.display().to_string());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("macro_modules.rs");
    std::fs::write(out, generated).unwrap();
}
