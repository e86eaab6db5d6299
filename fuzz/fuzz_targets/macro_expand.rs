//! Arbitrary attribute arguments and items to the `#[leak_audit]` expansion.
//! The input's first line is the arguments, the rest the item. The expansion
//! must not panic, and when both parse it must be valid items again.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (args, item) = text.split_once('\n').unwrap_or(("", text));
    let (Ok(args), Ok(item)) = (args.parse::<proc_macro2::TokenStream>(), item.parse::<proc_macro2::TokenStream>())
    else {
        return;
    };
    let item_parses = syn::parse2::<syn::Item>(item.clone()).is_ok();
    let output = leak_audit_fuzz::expand(args, item);
    if item_parses {
        if let Err(err) = syn::parse2::<syn::File>(output.clone()) {
            panic!("the expansion is not valid items ({err}):\n{output}");
        }
    }
});
