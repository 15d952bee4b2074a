//! Reglament's domain: tickets as a journal of events, the ticket state machine driven by the
//! regulation's lifecycle, and the newtypes parsed at the boundary. Pure: no I/O, `now` passed in.
//!
//! ```
//! use reglament_domain::{Actor, AgentId, Command, JournalEntry, Outcome, Ticket, TicketEvent, TicketNumberFormat};
//! use reglament_regulation::Regulation;
//!
//! let reg = Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n")?;
//! let now: jiff::Timestamp = "2026-11-23T10:00:00+03:00".parse()?;
//! let journal = vec![JournalEntry::new(now, Actor::System, TicketEvent::Received {
//!     channel: "email".into(), subject: "Ошибка оплаты".into(), description: String::new(),
//!     organization: None, contact: None, category: None, level: None, priority: None,
//!     fields: Default::default(),
//! })];
//! let ticket = Ticket::replay(&journal)?;
//! let number = TicketNumberFormat::default().format(2026, 1);
//! let outcome = ticket.decide(&journal, Command::Register { number }, Actor::System, &reg, now)?;
//! assert!(matches!(outcome, Outcome::Events(ref e) if matches!(e[0], TicketEvent::Registered { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Map
//!
//! - [`TicketNumber`], [`TicketNumberFormat`], [`EmailAddress`], [`Role`], [`Rating`],
//!   [`Reproducibility`]: values parsed once at the boundary.
//! - [`JournalEntry`] and [`TicketEvent`]: the append-only truth; [`Ticket::replay`] projects it.
//! - [`Ticket::decide`] turns a [`Command`] into events or a [`DomainError`].
//! - [`sla_events`] feeds a journal to the SLA clocks of `reglament_regulation::sla`.

#![deny(missing_docs)]

mod identity;
mod ticket;
mod types;

pub use identity::Principal;

pub use ticket::{
    Actor, AgentId, Command, ContactId, FileMeta, JournalEntry, MAX_BACKDATED, MAX_LOGGED_MINUTES,
    OrgId, Outcome, Relation, Ticket, TicketEvent, TicketId, TokenId, sla_events,
};
pub use types::{EmailAddress, Rating, Reproducibility, Role, TicketNumber, TicketNumberFormat};

/// Why a value or a command was refused.
///
/// # Example
///
/// ```
/// let e = reglament_domain::DomainError::Transition { from: "closed".into(), to: "completed".into() };
/// assert_eq!(e.to_string(), "a ticket in status `closed` cannot move to `completed`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value or argument that is not valid; the message names it.
    #[error("{0}")]
    Invalid(String),
    /// The actor may not do this: `id` names the message for translations (`domain-staff-only`,
    /// `domain-customer-only`, `domain-timer-only`), `action` what was refused (`assign`,
    /// `confirm`, …), `text` says it in English.
    #[error("{text}")]
    Forbidden {
        /// The message id.
        id: &'static str,
        /// The refused action.
        action: &'static str,
        /// The message in English.
        text: String,
    },
    /// The lifecycle does not allow this status change.
    #[error("a ticket in status `{from}` cannot move to `{to}`")]
    Transition {
        /// The current status.
        from: String,
        /// The status asked for.
        to: String,
    },
    /// A command that needs a text came without one: `what` is `reply`, `objection`,
    /// `reopening`, `extension`, `priority_change` or `level_change`.
    #[error("{} needs a text", what.replace('_', " "))]
    Empty {
        /// What needed the text.
        what: &'static str,
    },
    /// An id the regulation does not have: `what` is `line`, `priority`, `level` or `status`.
    #[error("unknown {what} `{id}`, expected one of: {expected}")]
    Unknown {
        /// The kind of id.
        what: &'static str,
        /// The id given.
        id: String,
        /// The regulation's ids of that kind, comma-separated.
        expected: String,
    },
    /// Deferral and rejection need one of the regulation's reasons.
    #[error("moving to `{status}` needs a reason, one of: {expected}")]
    NeedsReason {
        /// The status asked for.
        status: String,
        /// The reason ids, comma-separated.
        expected: String,
    },
    /// A rule of the lifecycle refused the command: `id` names the rule for translations, `args`
    /// fill it, `text` says it in English. `state` is true when the ticket's present state
    /// refuses it (a conflict), false when the command itself is invalid.
    #[error("{text}")]
    Rule {
        /// The rule's message id.
        id: &'static str,
        /// The message's arguments.
        args: Vec<(&'static str, String)>,
        /// The message in English.
        text: String,
        /// Refused by the ticket's state rather than by the command.
        state: bool,
    },
    /// The customer rated a ticket that is not completed yet.
    #[error("a ticket can be rated once it is completed")]
    NotRatable,
    /// The regulation asks for no ratings.
    #[error("the regulation does not ask for ratings")]
    RatingsOff,
}
