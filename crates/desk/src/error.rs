//! What a desk call answers when it refuses: one error type for every channel, each variant
//! with the kind of refusal a channel maps to its medium (an HTTP status, a mail reply).

use reglament_domain::DomainError;
use reglament_store::StoreError;

use crate::Text;

/// One problem with a request, on one field.
///
/// # Example
///
/// ```
/// use reglament_desk::{Lang, Problem, Text};
///
/// let p = Problem::new("subject", Text::new("intake-subject-required"));
/// assert_eq!(p.field, "subject");
/// assert_eq!(p.text.render(Lang::En), "Enter a subject.");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The field, as the request names it.
    pub field: String,
    /// What is wrong with it.
    pub text: Text,
}

impl Problem {
    /// A problem on a field.
    ///
    /// # Example
    ///
    /// ```
    /// let p = reglament_desk::Problem::new("channel", reglament_desk::Text::plain("closed"));
    /// assert_eq!(p.field, "channel");
    /// ```
    pub fn new(field: impl Into<String>, text: Text) -> Problem {
        Problem {
            field: field.into(),
            text,
        }
    }
}

/// Why the desk refused a request.
///
/// # Example
///
/// ```
/// use reglament_desk::{DeskError, Problem, Text};
///
/// let e = DeskError::Invalid(vec![Problem::new("subject", Text::new("intake-subject-required"))]);
/// assert_eq!(e.to_string(), "the request is invalid: subject");
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DeskError {
    /// No such thing, or the principal may not know it exists (another organization's).
    #[error("not found")]
    NotFound,
    /// The credentials are wrong or missing.
    #[error("wrong or missing credentials")]
    Unauthorized,
    /// The principal is known but may not do this.
    #[error("forbidden: {0:?}")]
    Forbidden(Text),
    /// The request has problems, every one of them named with its field.
    #[error("the request is invalid: {}", .0.iter().map(|p| p.field.as_str()).collect::<Vec<_>>().join(", "))]
    Invalid(Vec<Problem>),
    /// The ticket's state or a taken value refuses it.
    #[error("conflict: {0:?}")]
    Conflict(Text),
    /// Every password check is taken; try again in a moment.
    #[error("busy")]
    Busy,
    /// Too many wrong passwords for this account lately; try again after this many seconds.
    #[error("too many attempts; retry after {0} s")]
    TooManyAttempts(u64),
    /// The database is unavailable; nothing was written. The cause is for the log.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A bug or an unexpected failure; the cause is for the log, never for the user.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DeskError {
    /// A refusal with one problem on one field.
    ///
    /// # Example
    ///
    /// ```
    /// let e = reglament_desk::DeskError::field("limit", reglament_desk::Text::plain("too big"));
    /// assert!(matches!(e, reglament_desk::DeskError::Invalid(ref p) if p.len() == 1));
    /// ```
    pub fn field(field: &str, text: Text) -> DeskError {
        DeskError::Invalid(vec![Problem::new(field, text)])
    }

    /// The refusal in words, every problem with its field: for a terminal or a log.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{DeskError, Lang, Problem, Text};
    ///
    /// let e = DeskError::Invalid(vec![Problem::new("subject", Text::new("intake-subject-required"))]);
    /// assert_eq!(e.render(Lang::En), "`subject`: Enter a subject.");
    /// ```
    pub fn render(&self, lang: crate::Lang) -> String {
        match self {
            DeskError::Invalid(problems) => problems
                .iter()
                .map(|p| format!("`{}`: {}", p.field, p.text.render(lang)))
                .collect::<Vec<_>>()
                .join("\n"),
            DeskError::Forbidden(t) | DeskError::Conflict(t) => t.render(lang),
            other => other.to_string(),
        }
    }

    /// Maps a store error so that a missing referenced row is a problem on the field that
    /// named it, and anything else keeps its own kind.
    pub(crate) fn missing_as(
        field: &'static str,
        text: Text,
    ) -> impl FnOnce(StoreError) -> DeskError {
        move |e| match e {
            StoreError::NotFound => DeskError::field(field, text),
            other => other.into(),
        }
    }
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> DeskError {
        match e {
            StoreError::NotFound => DeskError::NotFound,
            StoreError::Conflict(c) => DeskError::Conflict(Text::new(c.id())),
            StoreError::Refused(d) => d.into(),
            StoreError::Unavailable(cause) => DeskError::Unavailable(cause),
            StoreError::Other(m) => DeskError::Internal(m),
        }
    }
}

impl From<DomainError> for DeskError {
    fn from(d: DomainError) -> DeskError {
        match d {
            DomainError::Forbidden { id, action, .. } => {
                DeskError::Forbidden(Text::new(id).arg("action", action))
            }
            DomainError::Invalid(m) => DeskError::field("command", Text::plain(m)),
            DomainError::Empty { what } => DeskError::field(
                match what {
                    "reply" => "body",
                    _ => "reason",
                },
                Text::new(format!("domain-empty-{}", what.replace('_', "-"))),
            ),
            DomainError::Unknown { what, id, expected } => DeskError::field(
                what,
                Text::new(format!("domain-unknown-{what}"))
                    .arg("id", id)
                    .arg("expected", expected),
            ),
            DomainError::NeedsReason { status, expected } => DeskError::field(
                "reason",
                Text::new("domain-needs-reason")
                    .arg("status", status)
                    .arg("expected", expected),
            ),
            DomainError::Rule {
                id, args, state, ..
            } => {
                let text = args
                    .into_iter()
                    .fold(Text::new(id), |t, (k, v)| t.arg(k, v));
                if state {
                    DeskError::Conflict(text)
                } else {
                    DeskError::field("command", text)
                }
            }
            DomainError::RatingsOff => DeskError::field("stars", Text::new("domain-ratings-off")),
            DomainError::NotRatable => DeskError::Conflict(Text::new("domain-not-ratable")),
            DomainError::Transition { from, to } => DeskError::Conflict(
                Text::new("domain-transition")
                    .arg("from", from)
                    .arg("to", to),
            ),
        }
    }
}
