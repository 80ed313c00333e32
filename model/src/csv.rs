//! CSV as spreadsheets read it safely (RFC 4180): every field quoted, quotes doubled, and a cell
//! a spreadsheet would run as a formula defused (OWASP's CSV injection rule). Shared by every
//! export.

use std::borrow::Cow;

/// A cell as a spreadsheet must not read it: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is a formula there, so it gets a leading `'`.
pub fn defused(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// One line: the fields quoted and defused, ending in CR LF.
pub fn line<S: AsRef<str>>(fields: &[S]) -> String {
    let cells: Vec<String> =
        fields.iter().map(|f| format!("\"{}\"", defused(f.as_ref()).replace('"', "\"\""))).collect();
    format!("{}\r\n", cells.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_every_field() {
        assert_eq!(line(&["al\"ice", "a, b", ""]), "\"al\"\"ice\",\"a, b\",\"\"\r\n");
    }

    #[test]
    fn cells_that_spreadsheets_read_as_formulas_are_defused() {
        for (cell, cut) in [
            ("=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
        ] {
            assert!(defused(cell).starts_with(cut), "{cell:?}");
        }
        assert_eq!(defused("alice"), "alice");
        assert_eq!(defused(""), "");
        assert_eq!(defused("a=b"), "a=b");
    }
}
