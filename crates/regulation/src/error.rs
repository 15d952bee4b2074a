//! Errors in a regulation file, each with its line and column.

use std::fmt;

/// One problem in a regulation file: where it is and what was expected.
///
/// # Example
///
/// ```
/// let err = reglament_regulation::Regulation::parse("[regulation]\nname = 5\n").unwrap_err();
/// let d = &err.diagnostics[0];
/// assert_eq!((d.line, d.column), (2, 8));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong, naming the bad value, and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// A regulation file that could not be loaded: every problem found, in file order.
///
/// # Example
///
/// ```
/// let err = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { mon-fri = \"9-18\" }\n").unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "line 4, column 21: schedule `office`: `mon-fri` = `9-18`: time of day `9` is not valid, expected `HH:MM` from `00:00` to `24:00`",
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct RegulationError {
    /// The problems, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for RegulationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Turns byte offsets into line and column.
pub(crate) struct Locator<'a> {
    text: &'a str,
}

impl<'a> Locator<'a> {
    pub(crate) fn new(text: &'a str) -> Locator<'a> {
        Locator { text }
    }

    pub(crate) fn at(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let col_start = before.rfind('\n').map_or(0, |p| p + 1);
        Diagnostic {
            line,
            column: self.text[col_start..offset].chars().count() + 1,
            message: reglament_calendar::printable(&message.into()),
        }
    }
}
