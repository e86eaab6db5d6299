use crate::lints::{declare_lint, Raw};
use crate::model::Scope;

declare_lint! {
    /// ### What it does
    /// placeholder
    pub CACHE_WITHOUT_EVICTION, cache_without_eviction, Warn, "placeholder"
}
pub(crate) fn check(_scope: &Scope<'_>, _config: &crate::Config, _out: &mut Vec<Raw>) {}
