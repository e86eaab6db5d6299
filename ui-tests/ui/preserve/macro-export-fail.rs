// Everything an attribute macro emits is macro-expanded, and rustc does not
// let a crate refer to its own macro-expanded `#[macro_export]` macros by path
// (`crate::make!`, `$crate::make!`): the deny-by-default lint
// `macro_expanded_macro_exports_accessed_by_absolute_paths` fires at the use,
// and an `allow` on the module does not reach it. This is true of any attribute
// macro, and is one of the documented ways `#[leak_audit]` on a module can stop
// code that compiled from compiling. Fixes: call the macro by its plain name
// (`make!()`), or keep `#[macro_export]` macros out of the annotated module.

#[leak_audit::leak_audit]
pub mod m {
    #[macro_export]
    macro_rules! make {
        () => {
            1
        };
    }

    pub fn f() -> u8 {
        crate::make!()
    }

    pub fn g() -> u8 {
        make!()
    }
}

fn main() {
    assert_eq!(m::f() + m::g(), 2);
}
