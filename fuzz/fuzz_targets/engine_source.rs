//! Arbitrary text to the engine: as a file, and as the tokens of one item (what
//! the attribute macro gets). The engine must not panic on anything syn parses.

#![no_main]

use leak_audit_engine::{analyze, Config, FileId, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let config = Config::default();
    if let Ok(file) = syn::parse_file(text) {
        let analysis = analyze(&[Source::new(FileId(0), &file.items)], &config);
        for finding in &analysis.findings {
            let _ = finding.one_line();
        }
        // Each item alone, as the attribute sees it.
        for item in &file.items {
            let _ = analyze(&[Source::new(FileId(0), std::slice::from_ref(item))], &config);
        }
    }
    if let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() {
        if let Ok(item) = syn::parse2::<syn::Item>(tokens) {
            let _ = analyze(&[Source::new(FileId(0), std::slice::from_ref(&item))], &config);
        }
    }
});
