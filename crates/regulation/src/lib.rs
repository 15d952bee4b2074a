//! The support regulation as configuration: a TOML file that declares working hours, channels,
//! levels, priorities, SLA targets, lines, lifecycle and billing, validated with line-precise
//! errors, and the pure functions that enforce it (SLA clocks), bill by it and publish it.
//!
//! ```
//! use reglament_regulation::{Regulation, sla::{self, Event, EventKind, ClockState}};
//!
//! let reg = Regulation::parse(r#"
//! [regulation]
//! name = "Регламент технической поддержки"
//! timezone = "Europe/Moscow"
//!
//! [schedules.office]
//! hours = { "mon-fri" = "09:00-18:00" }
//! calendar = "ru"
//!
//! [[priorities]]
//! id = "P1"
//! title = "Критический"
//!
//! [[targets]]
//! id = "resolution"
//! title = "Решение"
//! start = "registered"
//! stop = "completed"
//! pause_in = ["waiting_customer"]
//! schedule = "office"
//! by_priority = { P1 = "4 working hours" }
//! "#)?;
//!
//! // Registered on the shortened Friday before the May holidays, 16:00 Moscow time.
//! let events = [
//!     Event::new("2026-05-08T15:55:00+03:00".parse()?, EventKind::Received { channel: None, level: None, priority: Some("P1".into()), category: None }),
//!     Event::new("2026-05-08T16:00:00+03:00".parse()?, EventKind::Status("registered".into())),
//! ];
//! let clocks = sla::evaluate(&reg, &events, "2026-05-12T10:00:00+03:00".parse()?)?;
//! assert_eq!(clocks[0].state, ClockState::Running);
//! // One hour on Friday (closes at 17:00), 9–11 May off, three more hours on Tuesday.
//! assert_eq!(clocks[0].due.unwrap().to_string(), "2026-05-12T09:00:00Z");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Map
//!
//! - [`Regulation`] is the validated model; [`Regulation::parse`] reports every problem as a
//!   [`Diagnostic`] with line and column. The format is documented in `docs/regulation.md`.
//! - [`sla`] evaluates the clocks of a ticket from its events.
//! - [`billing`] turns time entries into a monthly [`Statement`].
//! - [`render`] produces the customer-facing document in Russian.

#![deny(missing_docs)]

pub mod billing;
mod error;
mod model;
mod raw;
pub mod render;
pub mod sla;

pub use billing::{
    Activity, Billing, BillingError, DailyHours, Granularity, LinePart, Money, Multiplier, Plan,
    Statement, StatementLine, Terms, Tier, TimeEntry, WindowPrice,
};
pub use error::{Diagnostic, RegulationError};
pub use model::{
    AttachmentPolicy, AttachmentRefusal, AttachmentRule, BaseStatus, Calendars, Category, Channel,
    ChannelKind, EventPattern, Fields, KNOWN_FIELDS, Level, Lifecycle, Line, NamedSchedule,
    Priority, Reason, Regulation, ReopenRule, Status, Target, TermRule, TermSource, TicketClass,
    TicketFacts, UnknownSenders, Warning, format_size,
};
