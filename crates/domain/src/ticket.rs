//! Tickets: the journal of events that is their truth, the projection of a ticket from it, and
//! the state machine that turns commands into new events under the regulation's lifecycle.

use std::collections::BTreeMap;

use jiff::Timestamp;
use reglament_calendar::Term;
use reglament_regulation::sla::{self, ClockState, Event, EventKind};
use reglament_regulation::{BaseStatus, Regulation, ReopenRule};
use serde::{Deserialize, Serialize};

use crate::{DomainError, Rating, TicketNumber};

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
        /// Why, in Russian, for the customer.
        reason: String,
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

/// A request to change a ticket.
///
/// # Example
///
/// See [`Ticket::decide`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Register with a number (sends the number, priority and deadline).
    Register {
        /// The number to give.
        number: TicketNumber,
    },
    /// Assign an agent; a registered ticket goes into work.
    Assign {
        /// The agent.
        agent: AgentId,
    },
    /// Hand over to a line, starting that line's reaction clock.
    HandOver {
        /// The line id.
        line: String,
    },
    /// Move to a status (any status id), with a reason for deferral or rejection.
    SetStatus {
        /// The status id.
        status: String,
        /// The reason id, required for deferral and rejection.
        reason: Option<String>,
    },
    /// Change the priority, with a reason.
    ChangePriority {
        /// The priority id.
        priority: String,
        /// Why.
        reason: String,
    },
    /// Change the level, with a reason.
    ChangeLevel {
        /// The level id.
        level: String,
        /// Why.
        reason: String,
    },
    /// A message: staff reply (public) or internal note; from a customer, always public.
    Reply {
        /// Visible to the customer.
        public: bool,
        /// The text.
        body: String,
    },
    /// Log work time.
    LogTime {
        /// The billing activity id.
        activity: String,
        /// Minutes.
        minutes: u32,
        /// What was done.
        description: String,
    },
    /// Extend a target's deadline within the regulation's bound.
    Extend {
        /// The target id.
        target: String,
        /// By how much.
        by: Term,
        /// The reason, queued for the customer.
        reason: String,
    },
    /// The customer confirms completion; the ticket closes.
    Confirm,
    /// The customer objects to completion, with a reason; work resumes.
    Object {
        /// The objection.
        reason: String,
    },
    /// Close a completed ticket whose confirmation did not come in time.
    AutoClose,
    /// Reopen a closed or rejected ticket.
    Reopen {
        /// Why.
        reason: String,
    },
    /// The customer rates the service.
    Rate {
        /// The rating.
        rating: Rating,
        /// A comment.
        comment: Option<String>,
    },
    /// Link to another ticket.
    Link {
        /// The other ticket.
        ticket: TicketId,
        /// How this ticket relates to it.
        relation: Relation,
    },
    /// Close this ticket as a duplicate of another, linking the two.
    MergeInto {
        /// The ticket that carries on.
        ticket: TicketId,
    },
    /// Attach the files of one message; the regulation's policy accepts or rejects each.
    Attach {
        /// The files.
        files: Vec<FileMeta>,
    },
}

/// What a command leads to.
///
/// # Example
///
/// ```
/// use reglament_domain::Outcome;
///
/// assert_eq!(Outcome::OpenLinkedTicket, Outcome::OpenLinkedTicket);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Append these events to the journal.
    Events(Vec<TicketEvent>),
    /// The ticket is closed and the regulation opens a new ticket, linked to it, instead.
    OpenLinkedTicket,
}

fn allowed(from: BaseStatus, to: BaseStatus) -> bool {
    use BaseStatus::*;
    match from {
        New => matches!(to, Registered | Rejected),
        Registered => matches!(
            to,
            InProgress | WaitingCustomer | Deferred | Completed | Rejected
        ),
        InProgress => matches!(
            to,
            InProgress | WaitingCustomer | Deferred | Completed | Rejected
        ),
        WaitingCustomer => matches!(
            to,
            InProgress | WaitingCustomer | Deferred | Completed | Rejected
        ),
        Deferred => matches!(to, InProgress | Deferred | Completed | Rejected),
        Completed => matches!(to, Closed | InProgress),
        Closed | Rejected => matches!(to, InProgress),
    }
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
            TicketEvent::TimeLogged { minutes, .. } => self.minutes_logged += u64::from(*minutes),
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
        let to = reg.base_status(status).ok_or_else(|| {
            DomainError::Invalid(format!(
                "unknown status `{status}`, expected one of: {}",
                reg.statuses
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
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
                return Err(DomainError::Invalid(format!(
                    "moving to `{status}` needs a reason, one of: {}",
                    list.iter()
                        .map(|r| r.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            (None, _) => {}
        }
        Ok(TicketEvent::StatusChanged {
            status: status.to_string(),
            reason: if reasons.is_some() { reason } else { None },
        })
    }

    /// Decides what a command does to this ticket: the events to append, or an error that says
    /// why it is not allowed. `journal` is the ticket's history, for checks that need clocks.
    ///
    /// # Errors
    ///
    /// [`DomainError::Forbidden`] for a command the actor may not give,
    /// [`DomainError::Transition`] for a status change the lifecycle does not allow, and
    /// [`DomainError::Invalid`] for unknown ids, missing reasons or extensions past the bound, and
    /// [`DomainError::State`] for a command the ticket's present state refuses (an existing link,
    /// a met clock, a finished ticket).
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::*;
    /// use reglament_regulation::Regulation;
    ///
    /// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n")?;
    /// let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    /// let mut journal = vec![JournalEntry::new(at("2026-11-23T10:00:00+03:00"), Actor::System, TicketEvent::Received {
    ///     channel: "email".into(), subject: "Не работает корзина".into(), description: String::new(),
    ///     organization: None, contact: Some(ContactId(1)), category: None, level: None, priority: None,
    ///     fields: Default::default(),
    /// })];
    /// let agent = Actor::Agent(AgentId(7));
    /// for cmd in [
    ///     Command::Register { number: TicketNumberFormat::default().format(2026, 1) },
    ///     Command::Assign { agent: AgentId(7) },
    ///     Command::SetStatus { status: "completed".into(), reason: None },
    /// ] {
    ///     let t = Ticket::replay(&journal)?;
    ///     let Outcome::Events(events) = t.decide(&journal, cmd, agent, &reg, at("2026-11-23T11:00:00+03:00"))? else { unreachable!() };
    ///     journal.extend(events.into_iter().map(|e| JournalEntry::new(at("2026-11-23T11:00:00+03:00"), agent, e)));
    /// }
    /// let t = Ticket::replay(&journal)?;
    /// assert_eq!(t.status, "completed");
    /// // Only the customer confirms completion.
    /// assert!(matches!(t.decide(&journal, Command::Confirm, agent, &reg, at("2026-11-23T12:00:00+03:00")), Err(DomainError::Forbidden(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(
        &self,
        journal: &[JournalEntry],
        cmd: Command,
        actor: Actor,
        reg: &Regulation,
        now: Timestamp,
    ) -> Result<Outcome, DomainError> {
        let staff_only = |what: &str| -> Result<(), DomainError> {
            if actor.is_customer() {
                Err(DomainError::Forbidden(format!(
                    "only support staff may {what}"
                )))
            } else {
                Ok(())
            }
        };
        let customer_only = |what: &str| -> Result<(), DomainError> {
            if actor.is_customer() {
                Ok(())
            } else {
                Err(DomainError::Forbidden(format!(
                    "only the customer may {what}"
                )))
            }
        };
        let base = self.base_status(reg);
        let events = match cmd {
            Command::Register { number } => {
                staff_or_system(actor, "register a ticket")?;
                if base != BaseStatus::New {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: "registered".into(),
                    });
                }
                // A regulation with lines puts a registered ticket on its first line at once, so
                // that line's reaction clock starts at registration.
                let mut ev = vec![TicketEvent::Registered { number }];
                if self.line.is_none()
                    && let Some(line) = reg.initial_line(self.level.as_deref())
                {
                    ev.push(TicketEvent::HandedOver {
                        line: line.id.clone(),
                    });
                }
                ev
            }
            Command::Assign { agent } => {
                staff_only("assign a ticket")?;
                let mut ev = vec![TicketEvent::Assigned { agent }];
                if base == BaseStatus::Registered {
                    ev.push(self.change_status(reg, BaseStatus::InProgress.id(), None)?);
                }
                ev
            }
            Command::HandOver { line } => {
                staff_only("hand a ticket over")?;
                known("line", &line, reg.lines.iter().map(|x| x.id.as_str()))?;
                if matches!(
                    base,
                    BaseStatus::Closed | BaseStatus::Rejected | BaseStatus::New
                ) {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: format!("line {line}"),
                    });
                }
                vec![TicketEvent::HandedOver { line }]
            }
            Command::SetStatus { status, reason } => {
                staff_or_system(actor, "change the status")?;
                vec![self.change_status(reg, &status, reason)?]
            }
            Command::ChangePriority { priority, reason } => {
                staff_only("change the priority")?;
                known(
                    "priority",
                    &priority,
                    reg.priorities.iter().map(|x| x.id.as_str()),
                )?;
                non_empty(&reason, "a priority change")?;
                vec![TicketEvent::PriorityChanged { priority, reason }]
            }
            Command::ChangeLevel { level, reason } => {
                staff_only("change the level")?;
                known("level", &level, reg.levels.iter().map(|x| x.id.as_str()))?;
                non_empty(&reason, "a level change")?;
                vec![TicketEvent::LevelChanged { level, reason }]
            }
            Command::Reply { public, body } => {
                non_empty(&body, "a reply")?;
                if actor.is_customer() {
                    match base {
                        BaseStatus::Closed | BaseStatus::Rejected => {
                            return self.reply_after_close(reg, body, now);
                        }
                        BaseStatus::WaitingCustomer => vec![
                            TicketEvent::Replied { public: true, body },
                            self.change_status(reg, BaseStatus::InProgress.id(), None)?,
                        ],
                        _ => vec![TicketEvent::Replied { public: true, body }],
                    }
                } else {
                    vec![TicketEvent::Replied { public, body }]
                }
            }
            Command::LogTime {
                activity,
                minutes,
                description,
            } => {
                staff_only("log time")?;
                if minutes == 0 {
                    return Err(DomainError::Invalid(
                        "logged time must be at least one minute".into(),
                    ));
                }
                if let Some(b) = &reg.billing
                    && !b.activities.contains_key(&activity)
                {
                    return Err(DomainError::Invalid(format!(
                        "unknown activity `{activity}`, expected one of: {}",
                        b.activities.keys().cloned().collect::<Vec<_>>().join(", ")
                    )));
                }
                vec![TicketEvent::TimeLogged {
                    activity,
                    minutes,
                    description,
                }]
            }
            Command::Extend { target, by, reason } => {
                staff_only("extend a deadline")?;
                non_empty(&reason, "an extension")?;
                let t = reg
                    .target(&target)
                    .ok_or_else(|| DomainError::Invalid(format!("unknown target `{target}`")))?;
                if t.extension.is_none() {
                    return Err(DomainError::Invalid(format!(
                        "the regulation allows no extension of `{target}`"
                    )));
                }
                let event = TicketEvent::DeadlineExtended {
                    target: target.clone(),
                    by: by.to_string(),
                    reason,
                };
                let mut events = sla_events(journal);
                events.extend(to_sla(&JournalEntry::new(now, actor, event.clone())));
                let clocks = sla::evaluate(reg, &events, now)
                    .map_err(|e| DomainError::Invalid(e.to_string()))?;
                let clock = clocks.iter().find(|c| c.target == target);
                match clock {
                    Some(c) if matches!(c.state, ClockState::Met) => {
                        return Err(DomainError::State(format!("`{target}` is already met")));
                    }
                    Some(c) if c.extensions.iter().any(|x| x.capped) => {
                        return Err(DomainError::Invalid(format!(
                            "extending `{target}` by {by} goes past the regulation's bound of {}",
                            t.extension.map(|x| x.to_string()).unwrap_or_default()
                        )));
                    }
                    Some(c) if c.state != ClockState::Pending => {}
                    _ => {
                        return Err(DomainError::State(format!(
                            "`{target}` is not running for this ticket"
                        )));
                    }
                }
                vec![event]
            }
            Command::Confirm => {
                customer_only("confirm completion")?;
                if base != BaseStatus::Completed {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: "closed".into(),
                    });
                }
                vec![self.change_status(reg, BaseStatus::Closed.id(), None)?]
            }
            Command::Object { reason } => {
                customer_only("object to completion")?;
                non_empty(&reason, "an objection")?;
                if base != BaseStatus::Completed {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: "in_progress".into(),
                    });
                }
                vec![
                    TicketEvent::Reopened { reason },
                    self.change_status(reg, BaseStatus::InProgress.id(), None)?,
                ]
            }
            Command::AutoClose => {
                if actor != Actor::System {
                    return Err(DomainError::Forbidden(
                        "only the auto-close timer closes tickets automatically".into(),
                    ));
                }
                if base != BaseStatus::Completed {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: "closed".into(),
                    });
                }
                vec![self.change_status(reg, BaseStatus::Closed.id(), None)?]
            }
            Command::Reopen { reason } => {
                staff_only("reopen a ticket")?;
                non_empty(&reason, "reopening")?;
                if !matches!(
                    base,
                    BaseStatus::Closed | BaseStatus::Rejected | BaseStatus::Completed
                ) {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: "in_progress".into(),
                    });
                }
                vec![
                    TicketEvent::Reopened { reason },
                    self.change_status(reg, BaseStatus::InProgress.id(), None)?,
                ]
            }
            Command::Rate { rating, comment } => {
                customer_only("rate the service")?;
                if !reg.lifecycle.rating {
                    return Err(DomainError::Invalid(
                        "the regulation does not ask for ratings".into(),
                    ));
                }
                if !matches!(base, BaseStatus::Completed | BaseStatus::Closed) {
                    return Err(DomainError::State(
                        "a ticket can be rated once it is completed".into(),
                    ));
                }
                vec![TicketEvent::Rated { rating, comment }]
            }
            Command::Link { ticket, relation } => {
                staff_only("link tickets")?;
                if self.links.iter().any(|(t, _)| *t == ticket) {
                    return Err(DomainError::State(format!(
                        "already linked to ticket {}",
                        ticket.0
                    )));
                }
                let ends_here = matches!(relation, Relation::MergedFrom | Relation::SplitInto);
                if ends_here && matches!(base, BaseStatus::Closed | BaseStatus::Rejected) {
                    return Err(DomainError::State(format!(
                        "ticket in status `{}` is finished; split or merge only open tickets",
                        self.status
                    )));
                }
                vec![TicketEvent::Linked { ticket, relation }]
            }
            Command::MergeInto { ticket } => {
                staff_only("merge tickets")?;
                if matches!(base, BaseStatus::Closed | BaseStatus::Rejected) {
                    return Err(DomainError::State(format!(
                        "ticket in status `{}` is finished; merge only open tickets",
                        self.status
                    )));
                }
                if self.links.iter().any(|(t, _)| *t == ticket) {
                    return Err(DomainError::State(format!(
                        "already linked to ticket {}",
                        ticket.0
                    )));
                }
                // A duplicate closes at once: no confirmation is awaited for work done elsewhere.
                vec![
                    TicketEvent::Linked {
                        ticket,
                        relation: Relation::MergedInto,
                    },
                    TicketEvent::StatusChanged {
                        status: BaseStatus::Closed.id().into(),
                        reason: None,
                    },
                ]
            }
            Command::Attach { files } => {
                if actor.is_customer() && matches!(base, BaseStatus::Closed | BaseStatus::Rejected)
                {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: "attach a file".into(),
                    });
                }
                if files.is_empty() {
                    return Err(DomainError::Invalid("no files to attach".into()));
                }
                let mut total = 0u64;
                files
                    .into_iter()
                    .map(|f| {
                        let verdict = reg
                            .attachments
                            .check_content(&f.name, f.detected.as_deref(), f.size)
                            .and_then(|()| {
                            match reg.attachments.max_total {
                                Some(max) if total + f.size > max => Err(format!(
                                    "файл «{}» не принят: вложения одного сообщения больше {} в сумме",
                                    f.name,
                                    reglament_regulation::format_size(max)
                                )),
                                _ => Ok(()),
                            }
                        });
                        match verdict {
                            Ok(()) => {
                                total += f.size;
                                TicketEvent::Attached {
                                    attachment: f.attachment,
                                    name: f.name,
                                    content_type: f.content_type,
                                    size: f.size,
                                }
                            }
                            Err(reason) => TicketEvent::AttachmentRejected {
                                name: f.name,
                                size: f.size,
                                reason,
                            },
                        }
                    })
                    .collect()
            }
        };
        Ok(Outcome::Events(events))
    }

    fn reply_after_close(
        &self,
        reg: &Regulation,
        body: String,
        now: Timestamp,
    ) -> Result<Outcome, DomainError> {
        let within = match (
            &reg.lifecycle.reopen_within,
            self.closed_at,
            reg.lifecycle_schedule(),
        ) {
            (Some(term), Some(closed), Some(s)) => s
                .working
                .deadline(closed, term)
                .map(|d| now <= d.at)
                .unwrap_or(false),
            _ => true,
        };
        let rejected = self.base_status(reg) == BaseStatus::Rejected;
        if reg.lifecycle.reopen == ReopenRule::NewLinked || !within || rejected {
            return Ok(Outcome::OpenLinkedTicket);
        }
        Ok(Outcome::Events(vec![
            TicketEvent::Reopened {
                reason: body.clone(),
            },
            self.change_status(reg, BaseStatus::InProgress.id(), None)?,
            TicketEvent::Replied { public: true, body },
        ]))
    }
}

fn staff_or_system(actor: Actor, what: &str) -> Result<(), DomainError> {
    if actor.is_customer() {
        Err(DomainError::Forbidden(format!(
            "only support staff may {what}"
        )))
    } else {
        Ok(())
    }
}

/// Checks that `id` is one of the regulation's ids of a kind, naming them all if not.
fn known<'a>(
    what: &str,
    id: &str,
    ids: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), DomainError> {
    if ids.clone().any(|x| x == id) {
        return Ok(());
    }
    let all: Vec<&str> = ids.collect();
    Err(DomainError::Invalid(format!(
        "unknown {what} `{id}`, expected one of: {}",
        all.join(", ")
    )))
}

fn non_empty(text: &str, what: &str) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        Err(DomainError::Invalid(format!("{what} needs a text")))
    } else {
        Ok(())
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
            ..
        } => kind(EventKind::Received {
            channel: Some(channel.clone()),
            level: level.clone(),
            priority: priority.clone(),
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
