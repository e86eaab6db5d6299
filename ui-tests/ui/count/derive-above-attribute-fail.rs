// Derives written *above* `#[leak_audit]` expand from the struct as it was
// before the hidden field was added, so their generated literals miss it.
// Put `#[leak_audit]` first (above `#[derive]`), or annotate the enclosing
// module, as in `literal-outside-scope-fixed-pass.rs`.

#[derive(Clone, Default)]
#[leak_audit::leak_audit]
pub struct Settings {
    pub verbose: bool,
}

#[leak_audit::leak_audit]
#[derive(Clone, Default)]
pub struct Fixed {
    pub verbose: bool,
}

fn main() {
    let _ = Settings::default().clone();
    let _ = Fixed::default().clone();
}
