//! Generated modules of leak-prone shapes (`Rc`/`RefCell`/`Weak` fields,
//! statics, fns growing and shrinking them) to the engine, one file and split
//! over two files.

#![no_main]

use leak_audit_engine::{analyze, Config, FileId, Source};
use leak_audit_fuzz::items::Module;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|module: Module| {
    let source = module.render();
    let file = match syn::parse_file(&source) {
        Ok(file) => file,
        Err(err) => panic!("the generator rendered invalid Rust ({err}):\n{source}"),
    };
    let config = Config::default();
    let whole = analyze(&[Source::new(FileId(0), &file.items)], &config);
    for finding in &whole.findings {
        assert_eq!(finding.location.file, FileId(0));
        let _ = finding.one_line();
    }
    if defines_a_name_twice(&file.items) {
        // Not valid Rust (E0428); which of the two a use means is not defined,
        // so the two analyses below may rightly differ.
        return;
    }
    let (first, second) = file.items.split_at(file.items.len() / 2);
    let split = analyze(
        &[Source::new(FileId(0), first), Source::new(FileId(1), second)],
        &config,
    );
    // The same items in two files are the same scope.
    assert_eq!(whole.findings.len(), split.findings.len(), "findings differ when the module is split:\n{source}");
});

/// Whether two top-level items define the same name in the same namespace.
fn defines_a_name_twice(items: &[syn::Item]) -> bool {
    let mut types = std::collections::HashSet::new();
    let mut values = std::collections::HashSet::new();
    items.iter().any(|item| match item {
        syn::Item::Struct(item) => {
            // A tuple or unit struct is also a value (its constructor).
            let value = !matches!(item.fields, syn::Fields::Named(_)) && !values.insert(item.ident.to_string());
            !types.insert(item.ident.to_string()) || value
        }
        syn::Item::Enum(item) => !types.insert(item.ident.to_string()),
        syn::Item::Union(item) => !types.insert(item.ident.to_string()),
        syn::Item::Type(item) => !types.insert(item.ident.to_string()),
        syn::Item::Mod(item) => !types.insert(item.ident.to_string()),
        syn::Item::Static(item) => !values.insert(item.ident.to_string()),
        syn::Item::Fn(item) => !values.insert(item.sig.ident.to_string()),
        _ => false,
    })
}
