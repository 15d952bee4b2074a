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
    #[error("{0}")]
    Parse(String),
    /// An argument that is well-formed but not allowed, such as a negative duration.
    #[error("{0}")]
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
    #[error("{format} line {line}: {message}")]
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
