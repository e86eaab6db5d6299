#![deny(warnings)]

#[leak_audit::leak_audit(warn(leak_per_call))]
mod config {
    use std::sync::OnceLock;

    pub struct Config {
        pub name: String,
    }

    static CONFIG: OnceLock<&'static Config> = OnceLock::new();

    pub fn get() -> &'static Config {
        CONFIG.get_or_init(|| Box::leak(Box::new(Config { name: "app".to_owned() })))
    }

    pub fn take_back(name: String) -> String {
        let kept = std::mem::ManuallyDrop::new(name);
        std::mem::ManuallyDrop::into_inner(kept)
    }
}

// Off by default: nothing is reported without `warn(leak_per_call)`.
#[leak_audit::leak_audit]
mod quiet {
    pub fn remember(name: String) -> &'static str {
        Box::leak(name.into_boxed_str())
    }
}

fn main() {
    assert_eq!(config::get().name, "app");
    assert_eq!(config::take_back("x".to_owned()), "x");
    assert_eq!(quiet::remember("q".to_owned()), "q");
}
