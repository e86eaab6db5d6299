//! The model of an analysed scope (placeholder while the walk is written).

use crate::args::Args;
use crate::lints::{Level, Lint};
use crate::{Config, FileId, Source};

/// Index of a `#[leak_audit(..)]` settings node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SettingsId(pub(crate) usize);

/// The analysed scope.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    pub(crate) errors: Vec<(FileId, syn::Error)>,
    settings: Vec<(Option<SettingsId>, Args)>,
    _sources: Vec<Source<'a>>,
}

impl<'a> Scope<'a> {
    /// Builds the model of `sources`.
    pub fn build(sources: &[Source<'a>]) -> Scope<'a> {
        Scope { errors: Vec::new(), settings: vec![(None, Args::default())], _sources: sources.to_vec() }
    }

    pub(crate) fn level(&self, lint: &Lint, _anchors: &[SettingsId], config: &Config) -> Level {
        let _ = &self.settings;
        config.level(lint)
    }
}
