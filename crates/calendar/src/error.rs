//! The calendar crate's error type.

/// An error from parsing or from working-time arithmetic.
///
/// # Example
///
/// ```
/// let err = "25:00".parse::<reglament_calendar::TimeOfDay>().unwrap_err();
/// assert!(err.to_string().contains("`25:00`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Text that does not follow the expected syntax.
    #[error("{}", printable(.0))]
    Parse(String),
    /// An argument that is well-formed but not allowed, such as a negative duration.
    #[error("{}", printable(.0))]
    Invalid(String),
    /// An instant outside the years a schedule was compiled for.
    #[error("instant `{instant}` is outside the computed years {from}–{to}")]
    OutOfRange {
        /// The instant, as RFC 3339.
        instant: String,
        /// The first compiled year.
        from: i16,
        /// The last compiled year.
        to: i16,
    },
    /// A calendar file that could not be imported.
    #[error("{format} line {line}: {}", printable(.message))]
    Import {
        /// The file format, e.g. `xmlcalendar`.
        format: &'static str,
        /// The 1-based line number.
        line: usize,
        /// What was wrong and what was expected.
        message: String,
    },
}

impl Error {
    pub(crate) fn parse(msg: impl Into<String>) -> Error {
        Error::Parse(msg.into())
    }
}

/// Text as a terminal may print it: values echoed from a file cannot move the cursor, start a
/// new line or reorder the text around them. Control characters and Unicode's bidirectional
/// controls are written as `\u{…}`; everything else is kept.
///
/// # Example
///
/// ```
/// use reglament_calendar::printable;
/// assert_eq!(printable("Europe/\u{202e}wocsoM\n"), "Europe/\\u{202e}wocsoM\\u{a}");
/// assert_eq!(printable("Новый год"), "Новый год");
/// ```
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let bidi = matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        );
        if c.is_control() || bidi {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}
