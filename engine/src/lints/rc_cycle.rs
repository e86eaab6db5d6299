use crate::lints::{declare_lint, Raw};
use crate::model::Scope;

declare_lint! {
    /// ### What it does
    /// placeholder
    pub RC_CYCLE, rc_cycle, Warn, "placeholder"
}
pub(crate) fn check(_scope: &Scope<'_>, _out: &mut Vec<Raw>) -> crate::TypeGraph { Default::default() }
