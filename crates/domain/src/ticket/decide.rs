//! The state machine: a command from an actor, decided under the regulation's lifecycle at
//! `now`, becomes events or a refusal.

use super::*;

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
        /// Seconds beyond the minutes, 0–59: a phone call's real duration.
        seconds: u32,
        /// When the work started, if not just now: night work logged in the morning.
        started: Option<Timestamp>,
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

/// The most minutes one time entry may log.
pub const MAX_LOGGED_MINUTES: u32 = 24 * 60;

/// How long after it started work may still be logged with its start: a week. A statement
/// takes the entries logged up to this long after its month.
///
/// ```
/// assert_eq!(reglament_domain::MAX_BACKDATED.as_hours(), 7 * 24);
/// ```
pub const MAX_BACKDATED: jiff::SignedDuration = jiff::SignedDuration::from_hours(7 * 24);

pub(super) fn allowed(from: BaseStatus, to: BaseStatus) -> bool {
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
    /// Decides what a command does to this ticket: the events to append, or an error that says
    /// why it is not allowed. `journal` is the ticket's history, for checks that need clocks.
    ///
    /// # Errors
    ///
    /// [`DomainError::Forbidden`] for a command the actor may not give,
    /// [`DomainError::Transition`] for a status change the lifecycle does not allow, and
    /// [`DomainError::Unknown`], [`DomainError::NeedsReason`] and [`DomainError::Empty`] for
    /// unknown ids, missing reasons and missing texts, and [`DomainError::Rule`] for a rule of
    /// the lifecycle — `state` set when the ticket's present state refuses the command (an
    /// existing link, a met clock, a finished ticket).
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
    /// assert!(matches!(t.decide(&journal, Command::Confirm, agent, &reg, at("2026-11-23T12:00:00+03:00")), Err(DomainError::Forbidden { .. })));
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
        let staff_only = |action: &'static str, what: &str| -> Result<(), DomainError> {
            if actor.is_customer() {
                Err(forbidden(
                    "domain-staff-only",
                    action,
                    format!("only support staff may {what}"),
                ))
            } else {
                Ok(())
            }
        };
        let customer_only = |action: &'static str, what: &str| -> Result<(), DomainError> {
            if actor.is_customer() {
                Ok(())
            } else {
                Err(forbidden(
                    "domain-customer-only",
                    action,
                    format!("only the customer may {what}"),
                ))
            }
        };
        let base = self.base_status(reg);
        let events = match cmd {
            Command::Register { number } => {
                staff_or_system(actor, "register", "register a ticket")?;
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
                staff_only("assign", "assign a ticket")?;
                let mut ev = vec![TicketEvent::Assigned { agent }];
                if base == BaseStatus::Registered {
                    ev.push(self.change_status(reg, BaseStatus::InProgress.id(), None)?);
                }
                ev
            }
            Command::HandOver { line } => {
                staff_only("hand-over", "hand a ticket over")?;
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
                staff_or_system(actor, "status", "change the status")?;
                vec![self.change_status(reg, &status, reason)?]
            }
            Command::ChangePriority { priority, reason } => {
                staff_only("priority", "change the priority")?;
                known(
                    "priority",
                    &priority,
                    reg.priorities.iter().map(|x| x.id.as_str()),
                )?;
                non_empty(&reason, "priority_change")?;
                vec![TicketEvent::PriorityChanged { priority, reason }]
            }
            Command::ChangeLevel { level, reason } => {
                staff_only("level", "change the level")?;
                known("level", &level, reg.levels.iter().map(|x| x.id.as_str()))?;
                non_empty(&reason, "level_change")?;
                vec![TicketEvent::LevelChanged { level, reason }]
            }
            Command::Reply { public, body } => {
                non_empty(&body, "reply")?;
                if actor.is_customer() {
                    match base {
                        BaseStatus::Closed | BaseStatus::Rejected => {
                            return self.reply_after_close(reg, body, now);
                        }
                        BaseStatus::WaitingCustomer => vec![
                            TicketEvent::Replied { public: true, body },
                            self.change_status(reg, BaseStatus::InProgress.id(), None)?,
                        ],
                        // Writing back about completed work is an objection: work resumes, and
                        // the message is its reason.
                        BaseStatus::Completed => vec![
                            TicketEvent::Reopened {
                                reason: body.clone(),
                            },
                            self.change_status(reg, BaseStatus::InProgress.id(), None)?,
                            TicketEvent::Replied { public: true, body },
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
                seconds,
                started,
                description,
            } => {
                staff_only("time", "log time")?;
                if seconds > 59 {
                    return Err(rule(
                        "domain-time-seconds",
                        vec![("value", seconds.to_string())],
                        format!("`{seconds}` seconds: give 0 to 59 seconds beyond the minutes"),
                        false,
                    ));
                }
                if minutes == 0 && seconds == 0 {
                    return Err(rule(
                        "domain-time-too-short",
                        vec![],
                        "logged time must be longer than zero".into(),
                        false,
                    ));
                }
                // One entry is at most a day's work: a slip of the keyboard must not bill a year.
                if minutes > MAX_LOGGED_MINUTES || (minutes == MAX_LOGGED_MINUTES && seconds > 0) {
                    return Err(rule(
                        "domain-time-too-long",
                        vec![("max", MAX_LOGGED_MINUTES.to_string())],
                        format!(
                            "logged time must be at most {MAX_LOGGED_MINUTES} minutes (24 hours) per entry"
                        ),
                        false,
                    ));
                }
                if let Some(start) = started {
                    let took = jiff::SignedDuration::from_secs(
                        i64::from(minutes) * 60 + i64::from(seconds),
                    );
                    // Work given a start has happened: it ended by now, and not long ago.
                    if start.checked_add(took).is_ok_and(|end| end > now) {
                        return Err(rule(
                            "domain-time-future",
                            vec![],
                            "the work must have ended by now: its start plus its duration is in the future".into(),
                            false,
                        ));
                    }
                    if now.duration_since(start) > MAX_BACKDATED {
                        return Err(rule(
                            "domain-time-too-old",
                            vec![("days", (MAX_BACKDATED.as_hours() / 24).to_string())],
                            format!(
                                "work may be logged at most {} days after it started",
                                MAX_BACKDATED.as_hours() / 24
                            ),
                            false,
                        ));
                    }
                }
                if let Some(b) = &reg.billing
                    && !b.activities.contains_key(&activity)
                {
                    let expected = b.activities.keys().cloned().collect::<Vec<_>>().join(", ");
                    return Err(rule(
                        "domain-unknown-activity",
                        vec![("id", activity.clone()), ("expected", expected.clone())],
                        format!("unknown activity `{activity}`, expected one of: {expected}"),
                        false,
                    ));
                }
                vec![TicketEvent::TimeLogged {
                    activity,
                    minutes,
                    seconds,
                    started,
                    description,
                }]
            }
            Command::Extend { target, by, reason } => {
                staff_only("extend", "extend a deadline")?;
                non_empty(&reason, "extension")?;
                let t = reg.target(&target).ok_or_else(|| {
                    rule(
                        "domain-unknown-target",
                        vec![("id", target.clone())],
                        format!("unknown target `{target}`"),
                        false,
                    )
                })?;
                if t.extension.is_none() {
                    return Err(rule(
                        "domain-no-extension",
                        vec![("target", t.title.clone())],
                        format!("the regulation allows no extension of `{target}`"),
                        false,
                    ));
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
                        return Err(rule(
                            "domain-already-met",
                            vec![("target", t.title.clone())],
                            format!("`{target}` is already met"),
                            true,
                        ));
                    }
                    Some(c) if c.extensions.iter().any(|x| x.capped) => {
                        let bound = t.extension.map(|x| x.to_string()).unwrap_or_default();
                        return Err(rule(
                            "domain-extension-bound",
                            vec![
                                ("target", t.title.clone()),
                                ("by", by.to_string()),
                                ("bound", bound.clone()),
                            ],
                            format!(
                                "extending `{target}` by {by} goes past the regulation's bound of {bound}"
                            ),
                            false,
                        ));
                    }
                    Some(c) if c.state != ClockState::Pending => {}
                    _ => {
                        return Err(rule(
                            "domain-not-running",
                            vec![("target", t.title.clone())],
                            format!("`{target}` is not running for this ticket"),
                            true,
                        ));
                    }
                }
                vec![event]
            }
            Command::Confirm => {
                customer_only("confirm", "confirm completion")?;
                if base != BaseStatus::Completed {
                    return Err(DomainError::Transition {
                        from: self.status.clone(),
                        to: "closed".into(),
                    });
                }
                vec![self.change_status(reg, BaseStatus::Closed.id(), None)?]
            }
            Command::Object { reason } => {
                customer_only("object", "object to completion")?;
                non_empty(&reason, "objection")?;
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
                    return Err(forbidden(
                        "domain-timer-only",
                        "auto-close",
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
                staff_only("reopen", "reopen a ticket")?;
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
                customer_only("rate", "rate the service")?;
                if !reg.lifecycle.rating {
                    return Err(DomainError::RatingsOff);
                }
                if !matches!(base, BaseStatus::Completed | BaseStatus::Closed) {
                    return Err(DomainError::NotRatable);
                }
                vec![TicketEvent::Rated { rating, comment }]
            }
            Command::Link { ticket, relation } => {
                staff_only("link", "link tickets")?;
                if self.links.iter().any(|(t, _)| *t == ticket) {
                    return Err(rule(
                        "domain-already-linked",
                        vec![("id", ticket.0.to_string())],
                        format!("already linked to ticket {}", ticket.0),
                        true,
                    ));
                }
                let ends_here = matches!(relation, Relation::MergedFrom | Relation::SplitInto);
                if ends_here && matches!(base, BaseStatus::Closed | BaseStatus::Rejected) {
                    return Err(rule(
                        "domain-finished",
                        vec![("status", self.status.clone())],
                        format!(
                            "ticket in status `{}` is finished; split or merge only open tickets",
                            self.status
                        ),
                        true,
                    ));
                }
                vec![TicketEvent::Linked { ticket, relation }]
            }
            Command::MergeInto { ticket } => {
                staff_only("merge", "merge tickets")?;
                if matches!(base, BaseStatus::Closed | BaseStatus::Rejected) {
                    return Err(rule(
                        "domain-finished",
                        vec![("status", self.status.clone())],
                        format!(
                            "ticket in status `{}` is finished; merge only open tickets",
                            self.status
                        ),
                        true,
                    ));
                }
                if self.links.iter().any(|(t, _)| *t == ticket) {
                    return Err(rule(
                        "domain-already-linked",
                        vec![("id", ticket.0.to_string())],
                        format!("already linked to ticket {}", ticket.0),
                        true,
                    ));
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
                            .and_then(|()| match reg.attachments.max_total {
                                Some(max) if total + f.size > max => {
                                    Err(reglament_regulation::AttachmentRefusal {
                                        file: f.name.clone(),
                                        rule: reglament_regulation::AttachmentRule::TotalTooBig {
                                            max,
                                        },
                                        real_type: None,
                                    })
                                }
                                _ => Ok(()),
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
                            Err(refusal) => TicketEvent::AttachmentRejected {
                                name: f.name,
                                size: f.size,
                                reason: refusal.russian(),
                                refusal: Some(refusal),
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

fn staff_or_system(actor: Actor, action: &'static str, what: &str) -> Result<(), DomainError> {
    if actor.is_customer() {
        Err(forbidden(
            "domain-staff-only",
            action,
            format!("only support staff may {what}"),
        ))
    } else {
        Ok(())
    }
}

/// Checks that `id` is one of the regulation's ids of a kind, naming them all if not.
fn known<'a>(
    what: &'static str,
    id: &str,
    ids: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), DomainError> {
    if ids.clone().any(|x| x == id) {
        return Ok(());
    }
    let all: Vec<&str> = ids.collect();
    Err(DomainError::Unknown {
        what,
        id: id.to_string(),
        expected: all.join(", "),
    })
}

/// A refusal of who is acting: `id` is the message, `action` what was refused.
fn forbidden(id: &'static str, action: &'static str, text: String) -> DomainError {
    DomainError::Forbidden { id, action, text }
}

/// A refusal by a rule of the lifecycle.
fn rule(
    id: &'static str,
    args: Vec<(&'static str, String)>,
    text: String,
    state: bool,
) -> DomainError {
    DomainError::Rule {
        id,
        args,
        text,
        state,
    }
}

fn non_empty(text: &str, what: &'static str) -> Result<(), DomainError> {
    if text.trim().is_empty() {
        Err(DomainError::Empty { what })
    } else {
        Ok(())
    }
}
