#[leak_audit::leak_audit(deny(rc-cycle))]
pub struct Dashed {
    pub name: String,
}

#[leak_audit::leak_audit(deny(RC_CYCLE))]
pub struct Shouted {
    pub name: String,
}

#[leak_audit::leak_audit(deny(rc_cycle(strict)))]
pub struct WithArguments {
    pub name: String,
}

fn main() {}
