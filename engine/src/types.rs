//! Type walking helpers.
