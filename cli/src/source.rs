//! Source files as text: where lines start, and the conversion from
//! proc-macro2's line/column positions to the byte offsets editors want.
//!
//! Byte offsets are computed from line and column against the file's own
//! text, not with `Span::byte_range`: proc-macro2 keeps one source map per
//! thread, so a span's byte range is only meaningful on the thread that parsed
//! it, and only relative to everything else that thread parsed.

use std::path::PathBuf;

/// One source file of a crate, as read from disk.
#[derive(Debug)]
pub struct SourceText {
    /// The path shown to users and written into JSON and SARIF: relative to the
    /// workspace root, with `/` separators, as cargo shows it.
    pub display_path: String,
    /// The path on disk.
    pub path: PathBuf,
    /// The text, without a leading byte order mark.
    pub text: String,
    /// Length in bytes of the byte order mark that was removed (0 or 3).
    bom_len: usize,
    /// Byte offset in `text` where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
}

/// A position in a file, in every unit a consumer may want.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (rustc's JSON convention).
    pub column: usize,
    /// 0-based byte offset in the file on disk.
    pub byte: usize,
}

impl SourceText {
    /// Wraps the text of a file read from `path`.
    #[must_use]
    pub fn new(display_path: String, path: PathBuf, text: String) -> SourceText {
        let (text, bom_len) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_owned(), '\u{feff}'.len_utf8()),
            None => (text, 0),
        };
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(index, _)| index + 1));
        SourceText { display_path, path, text, bom_len, line_starts }
    }

    /// Number of lines.
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of 1-based `line`, without its line ending.
    #[must_use]
    pub fn line(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(self.text.len(), |&next| next);
        self.text[start..end].trim_end_matches('\n').trim_end_matches('\r')
    }

    /// Byte offset in [`text`](Self::text) where 1-based `line` starts.
    #[must_use]
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line.saturating_sub(1)).copied().unwrap_or(self.text.len())
    }

    /// Byte offset in [`text`](Self::text) of the end of 1-based `line`, line ending excluded.
    #[must_use]
    pub fn line_end(&self, line: usize) -> usize {
        self.line_start(line) + self.line(line).len()
    }

    /// Converts proc-macro2's position (1-based line, 0-based column in
    /// characters) into a [`Position`]. Positions past the end of a line or of
    /// the file are clamped to it.
    #[must_use]
    pub fn position(&self, line: usize, column: usize) -> Position {
        let line = line.clamp(1, self.line_count());
        let text = self.line(line);
        let offset = text.char_indices().nth(column).map_or(text.len(), |(offset, _)| offset);
        let column = text[..offset].chars().count();
        Position { line, column: column + 1, byte: self.bom_len + self.line_start(line) + offset }
    }

    /// The position just past the last character of the file.
    #[must_use]
    pub fn end_position(&self) -> Position {
        let line = self.line_count();
        self.position(line, usize::MAX)
    }

    /// Byte offset of `position` in [`text`](Self::text) (the text without a
    /// byte order mark), as renderers that show the text need it.
    #[must_use]
    pub fn text_offset(&self, position: Position) -> usize {
        position.byte - self.bom_len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceText {
        SourceText::new("src/lib.rs".into(), PathBuf::from("src/lib.rs"), text.into())
    }

    #[test]
    fn should_count_columns_in_characters_and_offsets_in_bytes() {
        let file = source("// é\nlet ü = 1;\r\nlast");
        assert_eq!(file.line_count(), 3);
        assert_eq!(file.line(2), "let ü = 1;");
        let position = file.position(2, 6);
        assert_eq!(position, Position { line: 2, column: 7, byte: 6 + 7 });
        assert_eq!(&file.text[position.byte..=position.byte], "=");
        assert_eq!(file.line(3), "last");
        assert_eq!(file.end_position(), Position { line: 3, column: 5, byte: file.text.len() });
    }

    #[test]
    fn should_clamp_positions_outside_the_file() {
        let file = source("ab\n");
        assert_eq!(file.position(1, 10), Position { line: 1, column: 3, byte: 2 });
        assert_eq!(file.position(9, 0), Position { line: 2, column: 1, byte: 3 });
    }

    #[test]
    fn should_count_a_byte_order_mark_in_byte_offsets_only() {
        let file = source("\u{feff}fn f() {}");
        let position = file.position(1, 3);
        assert_eq!(position, Position { line: 1, column: 4, byte: 6 });
        assert_eq!(file.text_offset(position), 3);
    }
}
