//! Tickets: the journal of events that is their truth, the projection of a ticket from it, and
//! the state machine that turns commands into new events under the regulation's lifecycle.

use std::collections::BTreeMap;

use jiff::Timestamp;
use reglament_calendar::Term;
use reglament_regulation::sla::{self, ClockState, Event, EventKind};
use reglament_regulation::{BaseStatus, Regulation, ReopenRule};
use serde::{Deserialize, Serialize};

use crate::{DomainError, Rating, TicketNumber};

mod decide;

use decide::allowed;
pub use decide::{Command, MAX_BACKDATED, MAX_LOGGED_MINUTES, Outcome};

/// A store-assigned id of a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TicketId(pub i64);

/// A store-assigned id of an organization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OrgId(pub i64);

/// A store-assigned id of a customer contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ContactId(pub i64);

/// A store-assigned id of an agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AgentId(pub i64);

/// A store-assigned id of an integration's API token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TokenId(pub i64);

/// Who did something.
///
/// # Example
///
/// ```
/// use reglament_domain::{Actor, AgentId};
///
/// assert!(Actor::Agent(AgentId(1)).is_staff());
/// assert!(!Actor::System.is_customer());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    /// Reglament itself: timers, intake.
    System,
    /// A support agent.
    Agent(AgentId),
    /// A customer contact.
    Contact(ContactId),
    /// An integration acting with an API token; it acts for support staff, never for timers.
    Token(TokenId),
}

impl Actor {
    /// Whether the actor is support staff: an agent, or an integration's token. What staff send
    /// publicly is a support reply, for the SLA clocks and for notifications alike.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::{Actor, TokenId};
    ///
    /// assert!(!Actor::System.is_staff());
    /// assert!(Actor::Token(TokenId(2)).is_staff());
    /// ```
    pub fn is_staff(self) -> bool {
        matches!(self, Actor::Agent(_) | Actor::Token(_))
    }

    /// Whether the actor is a customer contact.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::{Actor, ContactId};
    ///
    /// assert!(Actor::Contact(ContactId(3)).is_customer());
    /// ```
    pub fn is_customer(self) -> bool {
        matches!(self, Actor::Contact(_))
    }
}

/// How two tickets are related.
///
/// # Example
///
/// ```
/// use reglament_domain::Relation;
///
/// assert_eq!(Relation::SplitInto.inverse(), Relation::SplitFrom);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Related in some way.
    Related,
    /// This ticket was split into the other.
    SplitInto,
    /// This ticket was split off the other.
    SplitFrom,
    /// This ticket was merged into the other (it is a duplicate).
    MergedInto,
    /// The other ticket was merged into this one.
    MergedFrom,
    /// This ticket follows up the other, closed one.
    FollowUpOf,
    /// The other ticket follows up this one.
    FollowedUpBy,
}

impl Relation {
    /// The relation seen from the other ticket.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_domain::Relation::Related.inverse(), reglament_domain::Relation::Related);
    /// ```
    pub fn inverse(self) -> Relation {
        match self {
            Relation::Related => Relation::Related,
            Relation::SplitInto => Relation::SplitFrom,
            Relation::SplitFrom => Relation::SplitInto,
            Relation::MergedInto => Relation::MergedFrom,
            Relation::MergedFrom => Relation::MergedInto,
            Relation::FollowUpOf => Relation::FollowedUpBy,
            Relation::FollowedUpBy => Relation::FollowUpOf,
        }
    }
}

/// Something that happened to a ticket. The journal of these is the ticket's truth.
///
/// # Example
///
/// ```
/// use reglament_domain::TicketEvent;
///
/// let e = TicketEvent::PriorityChanged { priority: "P1".into(), reason: "сайт недоступен".into() };
/// let json = serde_json::to_string(&e).unwrap();
/// assert_eq!(json, r#"{"type":"priority_changed","priority":"P1","reason":"сайт недоступен"}"#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TicketEvent {
    /// The ticket arrived.
    Received {
        /// The channel id.
        channel: String,
        /// The subject.
        subject: String,
        /// The description.
        description: String,
        /// The customer organization, when known.
        organization: Option<OrgId>,
        /// The contact who filed it, when known.
        contact: Option<ContactId>,
        /// The category id.
        category: Option<String>,
        /// The level id the regulation chose.
        level: Option<String>,
        /// The priority id the regulation chose.
        priority: Option<String>,
        /// Further fields by id (phone, product, url, reproducibility …).
        #[serde(default)]
        fields: BTreeMap<String, String>,
    },
    /// The ticket was registered with a number.
    Registered {
        /// The registration number.
        number: TicketNumber,
    },
    /// An agent was assigned.
    Assigned {
        /// The agent.
        agent: AgentId,
    },
    /// The ticket was handed over to a line.
    HandedOver {
        /// The line id.
        line: String,
    },
    /// The status changed.
    StatusChanged {
        /// The new status id.
        status: String,
        /// The enumerated reason id, for deferral and rejection.
        reason: Option<String>,
    },
    /// The priority changed.
    PriorityChanged {
        /// The new priority id.
        priority: String,
        /// Why.
        reason: String,
    },
    /// The level changed.
    LevelChanged {
        /// The new level id.
        level: String,
        /// Why.
        reason: String,
    },
    /// A message: an agent's public reply or internal note, or the customer's reply.
    Replied {
        /// Visible to the customer.
        public: bool,
        /// The text.
        body: String,
    },
    /// Work time was logged.
    TimeLogged {
        /// The billing activity id.
        activity: String,
        /// Minutes spent.
        minutes: u32,
        /// Seconds beyond the minutes, for a call's real duration.
        #[serde(default, skip_serializing_if = "is_zero")]
        seconds: u32,
        /// When the work started, when the agent gave it; else when it was logged.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        started: Option<Timestamp>,
        /// What was done.
        description: String,
    },
    /// A deadline was extended.
    DeadlineExtended {
        /// The target id.
        target: String,
        /// By how much, as a term.
        by: String,
        /// The reason, sent to the customer.
        reason: String,
    },
    /// The customer rated the service.
    Rated {
        /// 1 to 5.
        rating: Rating,
        /// A comment.
        comment: Option<String>,
    },
    /// Work resumed after completion or closing.
    Reopened {
        /// Why: the customer's objection, or the agent's note.
        reason: String,
    },
    /// The ticket was linked to another.
    Linked {
        /// The other ticket.
        ticket: TicketId,
        /// How this ticket relates to it.
        relation: Relation,
    },
    /// A file was attached; its content is stored under the attachment id.
    Attached {
        /// The attachment's id in the store.
        attachment: i64,
        /// The file name.
        name: String,
        /// The media type.
        content_type: String,
        /// The size in bytes.
        size: u64,
    },
    /// A file was refused under the regulation's attachment policy; the reason goes to the sender.
    AttachmentRejected {
        /// The file name.
        name: String,
        /// The size in bytes.
        size: u64,
        /// Why, in Russian, as the journal keeps it.
        reason: String,
        /// Why, for channels to word in their reader's language (absent in entries written
        /// before it was recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refusal: Option<reglament_regulation::AttachmentRefusal>,
    },
}

/// A file offered for a ticket: its name, media type and size, before the policy decides.
///
/// # Example
///
/// ```
/// let f = reglament_domain::FileMeta { attachment: 1, name: "screen.png".into(), content_type: "image/png".into(), size: 2048, detected: Some("png".into()) };
/// assert_eq!(f.size, 2048);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// The id the store gives the file if it is accepted.
    pub attachment: i64,
    /// The file name.
    pub name: String,
    /// The media type.
    pub content_type: String,
    /// The size in bytes.
    pub size: u64,
    /// The file's type as its content shows it, as an extension (`bmp` for a BMP renamed
    /// `.png`), when it was recognised. The policy judges a file by this type as well as by
    /// its name.
    pub detected: Option<String>,
}

/// One journal entry: when, who and what.
///
/// # Example
///
/// ```
/// use reglament_domain::{Actor, JournalEntry, TicketEvent};
///
/// let e = JournalEntry::new(jiff::Timestamp::UNIX_EPOCH, Actor::System, TicketEvent::Reopened { reason: "x".into() });
/// assert_eq!(e.actor, Actor::System);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Actor,
    /// What.
    pub event: TicketEvent,
}

impl JournalEntry {
    /// An entry.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::{Actor, JournalEntry, TicketEvent};
    ///
    /// let e = JournalEntry::new(jiff::Timestamp::UNIX_EPOCH, Actor::System, TicketEvent::HandedOver { line: "L2".into() });
    /// assert!(matches!(e.event, TicketEvent::HandedOver { .. }));
    /// ```
    pub fn new(at: Timestamp, actor: Actor, event: TicketEvent) -> JournalEntry {
        JournalEntry { at, actor, event }
    }
}

/// A ticket as its journal makes it: the projection the store keeps as a row.
///
/// # Example
///
/// See [`Ticket::decide`].
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Ticket {
    /// The registration number, once registered.
    pub number: Option<TicketNumber>,
    /// The current status id.
    pub status: String,
    /// The channel it came through.
    pub channel: String,
    /// The subject.
    pub subject: String,
    /// The description.
    pub description: String,
    /// The organization.
    pub organization: Option<OrgId>,
    /// The contact.
    pub contact: Option<ContactId>,
    /// The category id.
    pub category: Option<String>,
    /// The level id.
    pub level: Option<String>,
    /// The priority id.
    pub priority: Option<String>,
    /// The line that owns it.
    pub line: Option<String>,
    /// The assignee.
    pub assignee: Option<AgentId>,
    /// The reason of the current deferral or rejection.
    pub reason: Option<String>,
    /// The customer's rating.
    pub rating: Option<Rating>,
    /// Links to other tickets.
    pub links: Vec<(TicketId, Relation)>,
    /// Further fields.
    pub fields: BTreeMap<String, String>,
    /// When it arrived.
    pub received_at: Option<Timestamp>,
    /// When it last changed.
    pub updated_at: Option<Timestamp>,
    /// When it was last completed.
    pub completed_at: Option<Timestamp>,
    /// When it was last closed.
    pub closed_at: Option<Timestamp>,
    /// Minutes of work logged.
    pub minutes_logged: u64,
    /// Accepted attachments.
    pub attachments: Vec<FileMeta>,
}

impl Ticket {
    /// Replays a journal into the ticket it describes.
    ///
    /// # Errors
    ///
    /// [`DomainError::Invalid`] when the journal does not start with `Received`.
    ///
    /// # Example
    ///
    /// See [`Ticket::decide`].
    pub fn replay(journal: &[JournalEntry]) -> Result<Ticket, DomainError> {
        let mut t = Ticket::default();
        let mut entries = journal.iter();
        match entries.next() {
            Some(JournalEntry {
                at,
                event:
                    TicketEvent::Received {
                        channel,
                        subject,
                        description,
                        organization,
                        contact,
                        category,
                        level,
                        priority,
                        fields,
                    },
                ..
            }) => {
                t.status = BaseStatus::New.id().into();
                t.channel = channel.clone();
                t.subject = subject.clone();
                t.description = description.clone();
                t.organization = *organization;
                t.contact = *contact;
                t.category = category.clone();
                t.level = level.clone();
                t.priority = priority.clone();
                t.fields = fields.clone();
                t.received_at = Some(*at);
                t.updated_at = Some(*at);
            }
            _ => {
                return Err(DomainError::Invalid(
                    "a ticket's journal must start with `received`".into(),
                ));
            }
        }
        for e in entries {
            t.apply(e);
        }
        Ok(t)
    }

    fn apply(&mut self, e: &JournalEntry) {
        self.updated_at = Some(e.at);
        match &e.event {
            TicketEvent::Received { .. } => {}
            TicketEvent::Registered { number } => {
                self.number = Some(number.clone());
                self.status = BaseStatus::Registered.id().into();
            }
            TicketEvent::Assigned { agent } => self.assignee = Some(*agent),
            TicketEvent::HandedOver { line } => self.line = Some(line.clone()),
            TicketEvent::StatusChanged { status, reason } => {
                self.status = status.clone();
                self.reason = reason.clone();
                match status.as_str() {
                    s if s == BaseStatus::Completed.id() => self.completed_at = Some(e.at),
                    s if s == BaseStatus::Closed.id() => self.closed_at = Some(e.at),
                    _ => {}
                }
            }
            TicketEvent::PriorityChanged { priority, .. } => self.priority = Some(priority.clone()),
            TicketEvent::LevelChanged { level, .. } => self.level = Some(level.clone()),
            TicketEvent::Replied { .. }
            | TicketEvent::DeadlineExtended { .. }
            | TicketEvent::Reopened { .. } => {}
            TicketEvent::TimeLogged {
                minutes, seconds, ..
            } => self.minutes_logged += u64::from(*minutes) + u64::from(*seconds > 0),
            TicketEvent::Rated { rating, .. } => self.rating = Some(*rating),
            TicketEvent::Linked { ticket, relation } => self.links.push((*ticket, *relation)),
            TicketEvent::Attached {
                attachment,
                name,
                content_type,
                size,
            } => self.attachments.push(FileMeta {
                attachment: *attachment,
                name: name.clone(),
                content_type: content_type.clone(),
                size: *size,
                detected: None,
            }),
            TicketEvent::AttachmentRejected { .. } => {}
        }
    }

    /// The base status of the current status under a regulation.
    ///
    /// # Example
    ///
    /// See [`Ticket::decide`].
    pub fn base_status(&self, reg: &Regulation) -> BaseStatus {
        reg.base_status(&self.status).unwrap_or(BaseStatus::New)
    }

    fn change_status(
        &self,
        reg: &Regulation,
        status: &str,
        reason: Option<String>,
    ) -> Result<TicketEvent, DomainError> {
        let to = reg
            .base_status(status)
            .ok_or_else(|| DomainError::Unknown {
                what: "status",
                id: status.to_string(),
                expected: reg
                    .statuses
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let from = self.base_status(reg);
        if !allowed(from, to) {
            return Err(DomainError::Transition {
                from: self.status.clone(),
                to: status.to_string(),
            });
        }
        let reasons = match to {
            BaseStatus::Deferred => Some(&reg.lifecycle.deferral_reasons),
            BaseStatus::Rejected => Some(&reg.lifecycle.rejection_reasons),
            _ => None,
        };
        match (reasons, &reason) {
            (Some(list), Some(r)) if list.iter().any(|x| &x.id == r) => {}
            (Some(list), _) => {
                return Err(DomainError::NeedsReason {
                    status: status.to_string(),
                    expected: list
                        .iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            (None, _) => {}
        }
        Ok(TicketEvent::StatusChanged {
            status: status.to_string(),
            reason: if reasons.is_some() { reason } else { None },
        })
    }
}

/// The SLA clock events of one journal entry.
fn to_sla(e: &JournalEntry) -> Vec<Event> {
    let kind = |k| vec![Event::new(e.at, k)];
    match &e.event {
        TicketEvent::Received {
            channel,
            level,
            priority,
            category,
            ..
        } => kind(EventKind::Received {
            channel: Some(channel.clone()),
            level: level.clone(),
            priority: priority.clone(),
            category: category.clone(),
        }),
        TicketEvent::Registered { .. } => {
            kind(EventKind::Status(BaseStatus::Registered.id().into()))
        }
        TicketEvent::Assigned { .. } => kind(EventKind::Assigned),
        TicketEvent::HandedOver { line } => kind(EventKind::HandedOver(line.clone())),
        TicketEvent::StatusChanged { status, .. } => kind(EventKind::Status(status.clone())),
        TicketEvent::PriorityChanged { priority, .. } => {
            kind(EventKind::PriorityChanged(priority.clone()))
        }
        TicketEvent::LevelChanged { level, .. } => kind(EventKind::LevelChanged(level.clone())),
        TicketEvent::Replied { public: true, .. } => match e.actor {
            Actor::Contact(_) => kind(EventKind::CustomerReply),
            _ => kind(EventKind::PublicReply),
        },
        TicketEvent::Reopened { .. } => kind(EventKind::Reopened),
        TicketEvent::DeadlineExtended { target, by, reason } => match by.parse::<Term>() {
            Ok(by) => kind(EventKind::Extended {
                target: target.clone(),
                by,
                reason: reason.clone(),
            }),
            Err(_) => Vec::new(),
        },
        TicketEvent::Replied { public: false, .. }
        | TicketEvent::TimeLogged { .. }
        | TicketEvent::Rated { .. }
        | TicketEvent::Linked { .. }
        | TicketEvent::Attached { .. }
        | TicketEvent::AttachmentRejected { .. } => Vec::new(),
    }
}

/// The SLA clock events of a journal, in order: the input of [`sla::evaluate`].
///
/// # Example
///
/// ```
/// use reglament_domain::{sla_events, Actor, JournalEntry, TicketEvent};
///
/// let j = [JournalEntry::new(jiff::Timestamp::UNIX_EPOCH, Actor::System, TicketEvent::HandedOver { line: "L2".into() })];
/// assert_eq!(sla_events(&j).len(), 1);
/// ```
pub fn sla_events(journal: &[JournalEntry]) -> Vec<Event> {
    journal.iter().flat_map(to_sla).collect()
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
