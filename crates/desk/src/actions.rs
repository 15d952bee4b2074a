//! Acting on a ticket: one command from one principal, decided by the permission module and
//! the ticket's state machine under the regulation, and what came of it.

use reglament_domain::{
    AgentId, Command, Outcome, Principal, Rating, Relation, TicketEvent, TicketId,
};
use reglament_regulation::BaseStatus;
use reglament_store::tickets::NewFile;

use crate::limits::check_subject;
use crate::permissions::{self, Action, viewer};
use crate::{AttachmentView, Desk, DeskError, Lang, Problem, Result, Text, TicketView};

/// A command on a ticket, as any channel sends it.
#[derive(Clone, Debug, PartialEq)]
pub enum DeskCommand {
    /// A reply; staff may make it internal with `public: false`.
    Reply {
        /// The text.
        body: String,
        /// Seen by the customer.
        public: bool,
    },
    /// An internal note (staff only).
    Note {
        /// The text.
        body: String,
    },
    /// A status change, with a reason for deferral and rejection.
    Status {
        /// The status id.
        status: String,
        /// The reason id.
        reason: Option<String>,
    },
    /// A priority change with its reason.
    Priority {
        /// The priority id.
        priority: String,
        /// Why.
        reason: String,
    },
    /// A level change with its reason.
    Level {
        /// The level id.
        level: String,
        /// Why.
        reason: String,
    },
    /// Assigning an agent.
    Assign {
        /// The agent.
        assignee: AgentId,
    },
    /// Handing the ticket over to a line.
    HandOver {
        /// The line id.
        line: String,
    },
    /// Linking another ticket.
    Link {
        /// The other ticket.
        ticket: TicketId,
        /// `related`, `follow_up_of` or `followed_up_by`.
        relation: Relation,
    },
    /// Logging work time.
    LogTime {
        /// The billing activity id.
        activity: String,
        /// Minutes.
        minutes: u32,
        /// Seconds beyond the minutes, 0–59, for a call's real duration.
        seconds: u32,
        /// When the work started, if not just now: RFC 3339, or a local `YYYY-MM-DDTHH:MM` in
        /// the regulation's time zone.
        started: Option<String>,
        /// What was done.
        description: String,
    },
    /// Extending a deadline.
    Extend {
        /// The target id.
        target: String,
        /// By how much, such as `2 working days`.
        by: String,
        /// Why, as sent to the customer.
        reason: String,
    },
    /// The customer confirms completion.
    Confirm,
    /// The customer objects to completion.
    Object {
        /// Why.
        reason: String,
    },
    /// Staff reopen a finished ticket.
    Reopen {
        /// Why.
        reason: String,
    },
    /// The customer rates the service.
    Rate {
        /// 1–5.
        stars: u8,
        /// A remark.
        comment: Option<String>,
    },
    /// Splitting a new ticket off.
    Split {
        /// The new ticket's subject.
        subject: String,
        /// Its description.
        description: String,
    },
    /// Merging this ticket, a duplicate, into another.
    MergeInto {
        /// The ticket that carries on.
        ticket: TicketId,
    },
}

impl DeskCommand {
    /// Every text the command carries, with its field name and the longest it may be.
    fn texts(&self) -> Vec<(&'static str, &str, usize)> {
        use crate::limits::{MAX_NAME, MAX_TEXT};
        match self {
            DeskCommand::Reply { body, .. } | DeskCommand::Note { body } => {
                vec![("body", body, MAX_TEXT)]
            }
            DeskCommand::Status { status, reason } => {
                let mut v = vec![("status", status.as_str(), MAX_NAME)];
                v.extend(reason.as_deref().map(|r| ("reason", r, MAX_NAME)));
                v
            }
            DeskCommand::Priority {
                priority: id,
                reason,
            }
            | DeskCommand::Level { level: id, reason } => {
                vec![("id", id, MAX_NAME), ("reason", reason, MAX_TEXT)]
            }
            DeskCommand::HandOver { line } => vec![("line", line, MAX_NAME)],
            DeskCommand::LogTime {
                activity,
                description,
                ..
            } => vec![
                ("activity", activity, MAX_NAME),
                ("description", description, MAX_TEXT),
            ],
            DeskCommand::Extend { target, by, reason } => vec![
                ("target", target, MAX_NAME),
                ("by", by, MAX_NAME),
                ("reason", reason, MAX_TEXT),
            ],
            DeskCommand::Object { reason } | DeskCommand::Reopen { reason } => {
                vec![("reason", reason, MAX_TEXT)]
            }
            DeskCommand::Rate { comment, .. } => comment
                .as_deref()
                .map(|c| ("comment", c, MAX_TEXT))
                .into_iter()
                .collect(),
            DeskCommand::Split {
                subject: _,
                description,
            } => vec![("description", description, MAX_TEXT)],
            DeskCommand::Assign { .. }
            | DeskCommand::Link { .. }
            | DeskCommand::Confirm
            | DeskCommand::MergeInto { .. } => Vec::new(),
        }
    }

    /// The permission a command needs.
    pub fn action(&self) -> Action {
        match self {
            DeskCommand::Reply { public: true, .. } => Action::Reply,
            DeskCommand::Reply { public: false, .. } | DeskCommand::Note { .. } => Action::Note,
            DeskCommand::Status { .. } => Action::ChangeStatus,
            DeskCommand::Priority { .. } => Action::ChangePriority,
            DeskCommand::Level { .. } => Action::ChangeLevel,
            DeskCommand::Assign { .. } => Action::Assign,
            DeskCommand::HandOver { .. } => Action::HandOver,
            DeskCommand::Link { .. } => Action::Link,
            DeskCommand::LogTime { .. } => Action::LogTime,
            DeskCommand::Extend { .. } => Action::Extend,
            DeskCommand::Confirm => Action::Confirm,
            DeskCommand::Object { .. } => Action::Object,
            DeskCommand::Reopen { .. } => Action::Reopen,
            DeskCommand::Rate { .. } => Action::Rate,
            DeskCommand::Split { .. } => Action::Split,
            DeskCommand::MergeInto { .. } => Action::Merge,
        }
    }
}

/// What came of a command.
#[derive(Clone, Debug, PartialEq)]
pub enum Acted {
    /// The ticket changed; here it is.
    Updated(TicketView),
    /// A new ticket was opened from it (a split, or a customer's message to a closed ticket
    /// that the regulation answers with a linked follow-up); here is the new one.
    Opened(TicketView),
    /// The ticket was merged into another; here is the one that carries on.
    Merged(TicketView),
}

/// A file as a channel received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// The file name the sender gave.
    pub name: String,
    /// The media type the sender claimed.
    pub content_type: String,
    /// The content.
    pub data: Vec<u8>,
}

impl Desk {
    /// Runs one command on a ticket as a principal.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] when the principal may not see the ticket;
    /// [`DeskError::Forbidden`] when the principal may not do this; [`DeskError::Invalid`] for
    /// bad arguments; [`DeskError::Conflict`] when the ticket's state refuses it.
    pub async fn act(
        &self,
        who: Principal,
        id: TicketId,
        command: DeskCommand,
        lang: Lang,
    ) -> Result<Acted> {
        let acted = self.act_unannounced(who, id, command, lang, None).await?;
        self.announce_acted(id, &acted).await;
        Ok(acted)
    }

    /// Tells live pages what an action changed: the ticket it shows, and the ticket acted on
    /// when that is another one (it links to the new one, or is merged).
    async fn announce_acted(&self, id: TicketId, acted: &Acted) {
        let view = match acted {
            Acted::Updated(v) => v,
            Acted::Opened(v) | Acted::Merged(v) => {
                self.announce_id(id).await;
                v
            }
        };
        self.announce(view).await;
    }

    /// As [`Desk::act`] for a customer's mail: the inbound message is marked as read into the
    /// ticket in the same transaction as its reply.
    pub(crate) async fn act_from_inbound(
        &self,
        who: Principal,
        id: TicketId,
        command: DeskCommand,
        inbound: i64,
    ) -> Result<Acted> {
        let acted = self
            .act_unannounced(who, id, command, Lang::Ru, Some(inbound))
            .await?;
        self.announce_acted(id, &acted).await;
        Ok(acted)
    }

    async fn act_unannounced(
        &self,
        who: Principal,
        id: TicketId,
        command: DeskCommand,
        lang: Lang,
        inbound: Option<i64>,
    ) -> Result<Acted> {
        permissions::check(who, command.action())?;
        let mut problems = Vec::new();
        for (field, text, max) in command.texts() {
            crate::limits::check_len(text, field, max, &mut problems);
        }
        if !problems.is_empty() {
            return Err(DeskError::Invalid(problems));
        }
        // A customer writing to a merged duplicate, or again to a closed ticket that already has
        // an open follow-up, is writing to that ticket.
        let id = match &command {
            DeskCommand::Reply { .. } if who.is_customer() => self.reply_target(who, id).await?,
            _ => id,
        };
        let now = self.now();
        let reg = &*self.regulation;
        let actor = who.actor();
        let v = viewer(who);
        let store = &self.store;
        let cmd = match command {
            DeskCommand::Link { ticket, relation } => {
                if !matches!(
                    relation,
                    Relation::Related | Relation::FollowUpOf | Relation::FollowedUpBy
                ) {
                    return Err(DeskError::field(
                        "relation",
                        Text::new("action-link-relation"),
                    ));
                }
                store
                    .link(reg, id, ticket, relation, actor, v, now)
                    .await
                    .map_err(|e| self.refusal(e))?;
                return Ok(Acted::Updated(self.view(who, id, lang).await?));
            }
            DeskCommand::Split {
                subject,
                description,
            } => {
                let mut problems = Vec::new();
                check_subject(&subject, "subject", &mut problems);
                if !problems.is_empty() {
                    return Err(DeskError::Invalid(problems));
                }
                let new = store
                    .split(reg, id, subject, description, actor, v, &self.numbers, now)
                    .await?;
                return Ok(Acted::Opened(self.view(who, new, lang).await?));
            }
            DeskCommand::MergeInto { ticket } => {
                store
                    .merge(reg, id, ticket, actor, v, now)
                    .await
                    .map_err(|e| self.refusal(e))?;
                return Ok(Acted::Merged(self.view(who, ticket, lang).await?));
            }
            DeskCommand::Reply { body, public } => Command::Reply { public, body },
            DeskCommand::Note { body } => Command::Reply {
                public: false,
                body,
            },
            DeskCommand::Status { status, reason } => Command::SetStatus { status, reason },
            DeskCommand::Priority { priority, reason } => {
                Command::ChangePriority { priority, reason }
            }
            DeskCommand::Level { level, reason } => Command::ChangeLevel { level, reason },
            DeskCommand::Assign { assignee } => {
                let found = store.agent(assignee).await.map_err(DeskError::missing_as(
                    "assignee_id",
                    Text::new("action-unknown-agent").num("id", assignee.0 as f64),
                ))?;
                if !found.active {
                    return Err(DeskError::field(
                        "assignee_id",
                        Text::new("action-agent-inactive"),
                    ));
                }
                Command::Assign { agent: assignee }
            }
            DeskCommand::HandOver { line } => Command::HandOver { line },
            DeskCommand::LogTime {
                activity,
                minutes,
                seconds,
                started,
                description,
            } => Command::LogTime {
                activity,
                minutes,
                seconds,
                started: match started.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(t) => Some(moment(t, &reg.timezone).ok_or_else(|| {
                        DeskError::field(
                            "started",
                            Text::new("action-bad-started").arg("value", t.to_string()),
                        )
                    })?),
                },
                description,
            },
            DeskCommand::Extend { target, by, reason } => Command::Extend {
                target,
                by: by.parse().map_err(|e: reglament_calendar::Error| {
                    DeskError::field(
                        "by",
                        Text::new("action-bad-term").arg("error", e.to_string()),
                    )
                })?,
                reason,
            },
            DeskCommand::Confirm => Command::Confirm,
            DeskCommand::Object { reason } => Command::Object { reason },
            DeskCommand::Reopen { reason } => Command::Reopen { reason },
            DeskCommand::Rate { stars, comment } => Command::Rate {
                rating: Rating::new(stars).map_err(|e| {
                    DeskError::field(
                        "stars",
                        Text::new("action-bad-rating").arg("error", e.to_string()),
                    )
                })?,
                comment,
            },
        };
        let message = match &cmd {
            Command::Reply { body, .. } => Some(body.clone()),
            _ => None,
        };
        match store
            .execute_marking(reg, id, actor, v, cmd, &self.numbers, inbound, now)
            .await
            .map_err(|e| self.refusal(e))?
        {
            Outcome::Events(_) => Ok(Acted::Updated(self.view(who, id, lang).await?)),
            // The ticket is closed and the regulation wants a new ticket for the message.
            Outcome::OpenLinkedTicket => {
                // A follow-up is a new request from whoever wrote: the rules on who may file
                // apply to them as at intake.
                if let Principal::Contact(c, _) = who {
                    self.check_follow_up_filer(who, c, id).await?;
                }
                let new = store
                    .follow_up_marking(
                        reg,
                        id,
                        message.unwrap_or_default(),
                        actor,
                        v,
                        &self.numbers,
                        inbound,
                        now,
                    )
                    .await?;
                Ok(Acted::Opened(self.view(who, new, lang).await?))
            }
        }
    }

    /// Offers files for a ticket. The regulation's policy judges each by its name and by the
    /// type its content shows; a refused file is recorded on the ticket with its reason, which
    /// goes to the sender, and the ticket and the other files are kept.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] on the field `file` when the policy refuses a file (the first
    /// refusal's reason; the others are on the ticket); [`DeskError::NotFound`] when the
    /// principal may not see the ticket; [`DeskError::Conflict`] for a customer's file on a
    /// closed ticket.
    pub async fn attach(
        &self,
        who: Principal,
        id: TicketId,
        files: Vec<Upload>,
    ) -> Result<Vec<AttachmentView>> {
        let done = self.attach_unannounced(who, id, files).await;
        // A refused file is recorded on the ticket too.
        if matches!(done, Ok(_) | Err(DeskError::Invalid(_))) {
            self.announce_id(id).await;
        }
        done
    }

    async fn attach_unannounced(
        &self,
        who: Principal,
        id: TicketId,
        files: Vec<Upload>,
    ) -> Result<Vec<AttachmentView>> {
        permissions::check(who, Action::Attach)?;
        let empty: Vec<Problem> = files
            .iter()
            .filter(|f| f.data.is_empty())
            .map(|f| {
                Problem::new(
                    "file",
                    Text::new("attach-empty").arg("name", f.name.clone()),
                )
            })
            .collect();
        if !empty.is_empty() {
            return Err(DeskError::Invalid(empty));
        }
        let files = files
            .into_iter()
            .map(|f| NewFile {
                detected: infer::get(&f.data).map(|k| k.extension().to_string()),
                name: clean_name(&f.name),
                content_type: f.content_type,
                data: f.data,
            })
            .collect();
        let events = self
            .store
            .attach(
                &self.regulation,
                id,
                files,
                who.actor(),
                viewer(who),
                self.now(),
            )
            .await
            .map_err(|e| self.refusal(e))?;
        let mut accepted = Vec::new();
        let mut refused = Vec::new();
        for e in events {
            match e {
                TicketEvent::Attached {
                    attachment,
                    name,
                    content_type,
                    size,
                } => accepted.push(AttachmentView {
                    id: attachment,
                    name,
                    content_type,
                    size,
                    url: format!("/api/v1/tickets/{}/attachments/{attachment}", id.0),
                }),
                TicketEvent::AttachmentRejected {
                    reason, refusal, ..
                } => {
                    refused.push(Problem::new(
                        "file",
                        crate::text::attachment_refusal(refusal.as_ref(), &reason),
                    ));
                }
                _ => {}
            }
        }
        if !refused.is_empty() && accepted.is_empty() {
            return Err(DeskError::Invalid(refused));
        }
        Ok(accepted)
    }

    /// Whether a contact may open a follow-up of a ticket: an owner-only category needs the
    /// owner, a trusted-only channel a trusted contact.
    async fn check_follow_up_filer(
        &self,
        who: Principal,
        contact: reglament_domain::ContactId,
        id: TicketId,
    ) -> Result<()> {
        let t = self.store.ticket(id, viewer(who)).await?.ticket;
        let c = self.store.contact(contact).await?;
        let reg = &*self.regulation;
        let mut problems = Vec::new();
        if let Some(cat) = t.category.as_deref().and_then(|x| reg.category(x))
            && cat.owner_only
            && !c.owner
        {
            problems.push(Problem::new(
                "category",
                Text::new("intake-owner-only").arg("category", cat.title.clone()),
            ));
        }
        if let Some(ch) = reg.channel(&t.channel)
            && ch.trusted_only
            && !c.trusted
        {
            problems.push(Problem::new(
                "contact",
                Text::new("intake-not-trusted").arg("channel", ch.title.clone()),
            ));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DeskError::Invalid(problems))
        }
    }

    /// Where a customer's message to a ticket belongs: the ticket a duplicate was merged into,
    /// or the open follow-up of a finished ticket, else the ticket itself.
    async fn reply_target(&self, who: Principal, mut id: TicketId) -> Result<TicketId> {
        let v = viewer(who);
        // Merges can chain; a few hops is plenty and a cycle cannot loop.
        let finished = |t: &reglament_domain::Ticket| {
            matches!(
                t.base_status(&self.regulation),
                BaseStatus::Closed | BaseStatus::Rejected
            )
        };
        for _ in 0..4 {
            let t = self.store.ticket(id, v).await?.ticket;
            let link = |rel: Relation| t.links.iter().rev().find(|(_, r)| *r == rel).map(|l| l.0);
            if let Some(kept) = link(Relation::MergedInto) {
                id = kept;
                continue;
            }
            if finished(&t)
                && let Some(follow_up) = link(Relation::FollowedUpBy)
                && !finished(&self.store.ticket(follow_up, v).await?.ticket)
            {
                id = follow_up;
                continue;
            }
            return Ok(id);
        }
        Ok(id)
    }

    /// A store refusal in the reader's words: a lifecycle transition names the statuses by
    /// their titles in the regulation.
    fn refusal(&self, e: reglament_store::StoreError) -> DeskError {
        if let reglament_store::StoreError::Refused(reglament_domain::DomainError::Transition {
            from,
            to,
        }) = &e
        {
            let title = |id: &str| {
                self.regulation
                    .status(id)
                    .map_or_else(|| id.to_string(), |s| s.title.clone())
            };
            return DeskError::Conflict(
                Text::new("domain-transition")
                    .arg("from", title(from))
                    .arg("to", title(to)),
            );
        }
        e.into()
    }

    /// The largest file, in bytes, that a channel should read for one attachment: the
    /// regulation's own limit (doubled, at least 1 MiB, so that an oversized file still gets
    /// the regulation's reason), else 25 MiB.
    pub fn upload_cap(&self) -> usize {
        const DEFAULT: u64 = 25 * 1024 * 1024;
        let cap = self
            .regulation
            .attachments
            .max_size
            .map_or(DEFAULT, |m| m.saturating_mul(2).max(1024 * 1024));
        usize::try_from(cap).unwrap_or(usize::MAX)
    }

    /// An attachment's metadata and content.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] when it does not exist or its ticket is hidden from the
    /// principal.
    pub async fn attachment(
        &self,
        who: Principal,
        id: TicketId,
        attachment: i64,
    ) -> Result<(reglament_domain::FileMeta, Vec<u8>)> {
        permissions::check(who, Action::ReadAttachment)?;
        Ok(self.store.attachment(id, attachment, viewer(who)).await?)
    }
}

/// A file name without the invisible characters that make it read as something else
/// (bidirectional overrides and isolates, zero-width marks): `invoice\u{202E}gpj.exe` would show
/// as `invoiceexe.jpg`.
fn clean_name(name: &str) -> String {
    name.chars()
        .filter(|c| {
            !matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
        })
        .collect()
}

/// An instant as a person gives it: RFC 3339 with an offset, or a local date and time
/// (`2026-11-23T23:10`, as a browser's `datetime-local` sends it) in the regulation's zone.
fn moment(text: &str, tz: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    let local: jiff::civil::DateTime = text.parse().ok()?;
    local.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
}
