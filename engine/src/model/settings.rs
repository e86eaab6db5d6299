//! The settings tree: the `#[leak_audit(allow/warn/deny(..))]` attributes in
//! force at each type, field, static and fn of the scope.
//!
//! Each attribute that sets a level adds a node whose parent is the node in
//! force around it, so the level of a lint at a place is found by walking up
//! from that place's node to the first node that sets it.

use crate::args::{self, Args};
use crate::config::Config;
use crate::finding::FileId;
use crate::lint::{Level, Lint};

/// Index of a `#[leak_audit(..)]` settings node: the attributes in force at a
/// type, field, static or fn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SettingsId(pub(crate) usize);

impl SettingsId {
    /// The root: no attribute in the source, only the [`Config`].
    pub(crate) const ROOT: SettingsId = SettingsId(0);
}

#[derive(Debug)]
struct SettingsNode {
    parent: Option<SettingsId>,
    args: Args,
}

/// The settings nodes of a scope.
#[derive(Debug)]
pub(crate) struct Settings {
    nodes: Vec<SettingsNode>,
    lints: &'static [&'static Lint],
}

impl Settings {
    /// A tree with only the root, whose attributes name lints of `lints`.
    pub(crate) fn new(lints: &'static [&'static Lint]) -> Self {
        Settings { nodes: vec![SettingsNode { parent: None, args: Args::default() }], lints }
    }

    /// A child of `parent` if `attrs` hold `#[leak_audit(..)]` attributes that
    /// set levels; malformed ones go to `errors`.
    pub(crate) fn child(
        &mut self,
        attrs: &[syn::Attribute],
        file: FileId,
        parent: SettingsId,
        errors: &mut Vec<(FileId, syn::Error)>,
    ) -> SettingsId {
        let mut current = parent;
        for attr in attrs {
            match args::parse_attribute_with(attr, self.lints) {
                None => {}
                Some(Ok(parsed)) if !parsed.levels.is_empty() => {
                    self.nodes.push(SettingsNode { parent: Some(current), args: parsed });
                    current = SettingsId(self.nodes.len() - 1);
                }
                Some(Ok(_)) => {}
                Some(Err(err)) => errors.push((file, err)),
            }
        }
        current
    }

    /// The level of `lint` for a finding anchored at `anchors`: the level at
    /// the first anchor, unless an `allow` at any anchor silences it.
    pub(crate) fn level(&self, lint: &Lint, anchors: &[SettingsId], config: &Config) -> Level {
        let mut level = None;
        for (position, &anchor) in anchors.iter().enumerate() {
            let here = self.level_at(lint, anchor).unwrap_or_else(|| config.level(lint));
            if here == Level::Allow {
                return Level::Allow;
            }
            if position == 0 {
                level = Some(here);
            }
        }
        level.unwrap_or_else(|| config.level(lint))
    }

    fn level_at(&self, lint: &Lint, mut id: SettingsId) -> Option<Level> {
        loop {
            let node = &self.nodes[id.0];
            if let Some(level) = node.args.level_of(lint) {
                return Some(level);
            }
            id = node.parent?;
        }
    }
}
