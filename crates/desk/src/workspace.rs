//! What the pages show around a ticket: the journal as a timeline in the reader's language with
//! names instead of ids, the customer card, the actions this principal may take with their
//! choices from the regulation, and the intake form the regulation asks for.

use std::collections::BTreeMap;

use reglament_domain::{Actor, JournalEntry, Principal, TicketEvent, TicketId};
use reglament_regulation::BaseStatus;
use serde::Serialize;

use crate::permissions::{self, Action, viewer};
use crate::view::TicketView;
use crate::{Desk, Lang, Named, Result, Text, duration_text, field_title};

/// One journal entry, worded for a reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// When: `23.11.2026 12:00 MSK`.
    pub at: String,
    /// The same instant as RFC 3339, for a `<time>` element.
    pub at_iso: String,
    /// Who, by name.
    pub who: String,
    /// The kind of entry, for styling: `message`, `note`, `customer`, `status`, `system`.
    pub kind: &'static str,
    /// What happened, in the reader's language.
    pub text: String,
    /// The message itself, for replies and notes.
    pub body: Option<String>,
}

/// What a principal may do on a ticket now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Abilities {
    /// Send a public reply.
    pub reply: bool,
    /// Write an internal note.
    pub note: bool,
    /// Change the status.
    pub status: bool,
    /// Change the priority.
    pub priority: bool,
    /// Change the level.
    pub level: bool,
    /// Assign an agent.
    pub assign: bool,
    /// Hand over to a line.
    pub hand_over: bool,
    /// Log work time.
    pub log_time: bool,
    /// Extend a deadline.
    pub extend: bool,
    /// Confirm completion (the customer, once completed).
    pub confirm: bool,
    /// Object to completion (the customer, once completed).
    pub object: bool,
    /// Rate the service (the customer, once completed or closed).
    pub rate: bool,
    /// Reopen a finished ticket (staff).
    pub reopen: bool,
    /// Merge into another ticket.
    pub merge: bool,
    /// Link another ticket.
    pub link: bool,
    /// Split a new ticket off.
    pub split: bool,
    /// Attach files.
    pub attach: bool,
}

/// The customer card beside a ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CustomerCard {
    /// The organization's name.
    pub organization: Option<String>,
    /// The contract number and its term.
    pub contract: Option<String>,
    /// The tariff.
    pub tariff: Option<String>,
    /// Products and versions.
    pub products: Vec<String>,
    /// The contact who filed it, with their flags, phone and email.
    pub contact: Option<String>,
    /// The contact's flags: trusted, owner.
    pub contact_flags: Vec<String>,
    /// Addresses the customer copied on the ticket's mail, who get its mail too.
    pub copied: Vec<String>,
    /// The account manager's name.
    pub account_manager: Option<String>,
    /// The programmer's name.
    pub programmer: Option<String>,
}

/// A ticket with everything its page shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TicketPage {
    /// The ticket.
    pub ticket: TicketView,
    /// The journal, worded, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The customer card; customers see only the organization's name.
    pub card: CustomerCard,
    /// The assignee's name.
    pub assignee: Option<String>,
    /// Titles of the category, level, priority and line.
    pub category_title: Option<String>,
    /// The level's title.
    pub level_title: Option<String>,
    /// The priority's title.
    pub priority_title: Option<String>,
    /// The line's title.
    pub line_title: Option<String>,
    /// The ticket's fields by title.
    pub fields: Vec<(String, String)>,
    /// What the reader may do.
    pub can: Abilities,
    /// Statuses to choose from.
    pub statuses: Vec<Named>,
    /// Reasons for deferral and rejection, with the status they go with.
    pub reasons: Vec<Named>,
    /// Priorities, most urgent first.
    pub priorities: Vec<Named>,
    /// Levels.
    pub levels: Vec<Named>,
    /// Lines.
    pub lines: Vec<Named>,
    /// SLA targets that can be extended.
    pub targets: Vec<Named>,
    /// Billing activities.
    pub activities: Vec<Named>,
    /// Active agents, for assigning.
    pub agents: Vec<Named>,
    /// Mail about this ticket that has not reached its recipient (staff only).
    pub undelivered: Vec<UndeliveredMail>,
    /// The messages that opened or joined it, to read as they came (staff only).
    pub mail: Vec<crate::MailSummary>,
}

/// A message about a ticket that failed, or is failing, to go out, as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UndeliveredMail {
    /// Who it was for: a name and address.
    pub to: String,
    /// What it was, worded.
    pub what: String,
    /// The mail server's answer.
    pub error: String,
    /// `failed` for good, or `retrying`.
    pub state: &'static str,
    /// When it failed, or when it is tried next, in the regulation's time zone.
    pub when: String,
}

/// One field of the intake form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// The field id, the form's input name.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether the regulation requires it.
    pub required: bool,
    /// Fixed choices, for the reproducibility question.
    pub choices: Vec<Named>,
}

/// The deadlines a ticket filed now would get, for one category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeadlinePreview {
    /// The category id; `None` for a ticket without one.
    pub category: Option<String>,
    /// Each target that would run, with its deadline.
    pub targets: Vec<PreviewTarget>,
}

/// A target's deadline in a preview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PreviewTarget {
    /// The target's title.
    pub title: String,
    /// The deadline, as `01.12.2026 18:00` in the regulation's time zone.
    pub due: String,
}

/// The intake form the regulation asks a principal to fill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntakeForm {
    /// Categories in scope the principal may choose.
    pub categories: Vec<Named>,
    /// Whether a category must be chosen.
    pub category_required: bool,
    /// Whether a description must be given.
    pub description_required: bool,
    /// The fields beyond subject, description and category that the directory does not fill.
    pub fields: Vec<FormField>,
    /// The attachment policy in words, if there is one.
    pub attachments: Option<String>,
    /// The largest upload the server takes, in bytes.
    pub upload_cap: u64,
    /// The deadlines a ticket filed now would get, without a category and for each one.
    pub deadlines: Vec<DeadlinePreview>,
}

fn named(id: &str, title: &str) -> Named {
    Named {
        id: id.to_string(),
        title: title.to_string(),
    }
}

/// Fields the directory or the form itself answers.
const NOT_ON_FORM: &[&str] = &[
    "subject",
    "description",
    "category",
    "organization",
    "contact_name",
    "email",
    "attachments",
];

impl Desk {
    /// A ticket with its page: the timeline, the card, and what the reader may do.
    ///
    /// # Errors
    ///
    /// [`crate::DeskError::NotFound`] when there is no such ticket or the principal may not see
    /// it.
    pub async fn ticket_page(
        &self,
        who: Principal,
        id: TicketId,
        lang: Lang,
    ) -> Result<TicketPage> {
        permissions::check(who, Action::ReadTicket)?;
        let journal = self.store.journal(id, viewer(who)).await?;
        let ticket = self.view_of(who, id, &journal, lang)?;
        let reg = &*self.regulation;
        let staff = !who.is_customer();
        // Customers see who answered them by name, as a regulation names the specialist.
        let agents = self.store.agents().await?;
        let agent_name = |a: reglament_domain::AgentId| {
            agents
                .iter()
                .find(|x| x.id == a)
                .map(|x| x.full_name.clone())
        };
        let org = match ticket.organization_id {
            Some(o) => Some(self.store.organization(reglament_domain::OrgId(o)).await?),
            None => None,
        };
        let contact = match ticket.contact_id {
            Some(c) => self
                .store
                .contact(reglament_domain::ContactId(c))
                .await
                .ok(),
            None => None,
        };
        let mut card = CustomerCard {
            organization: org.as_ref().map(|o| o.name.clone()),
            ..CustomerCard::default()
        };
        if let (true, Some(o)) = (staff, &org) {
            card.contract = o.contract_number.as_ref().map(|n| {
                let term = match (&o.contract_from, &o.contract_to) {
                    (Some(f), Some(t)) => format!(" ({f} — {t})"),
                    (None, Some(t)) => format!(" (— {t})"),
                    (Some(f), None) => format!(" ({f} —)"),
                    (None, None) => String::new(),
                };
                format!("{n}{term}")
            });
            card.tariff = o.tariff.clone();
            card.products = o
                .products
                .iter()
                .map(|p| match &p.version {
                    Some(v) => format!("{} {v}", p.name),
                    None => p.name.clone(),
                })
                .collect();
            card.account_manager = o.account_manager.and_then(agent_name);
            card.programmer = o.programmer.and_then(agent_name);
        }
        if let (true, Some(c)) = (staff, &contact) {
            let mut parts = vec![c.full_name.clone()];
            parts.extend(c.position.clone());
            parts.extend(c.phone.clone());
            parts.push(c.email.as_str().to_string());
            card.contact = Some(parts.join(", "));
            if c.trusted {
                card.contact_flags
                    .push(Text::new("ui-contact-trusted").render(lang));
            }
            if c.owner {
                card.contact_flags
                    .push(Text::new("ui-contact-owner").render(lang));
            }
            if let Some(why) = &c.bounced {
                card.contact_flags.push(
                    Text::new("ui-contact-bounced")
                        .arg("why", why.clone())
                        .render(lang),
                );
            }
        }
        card.copied = self.store.participants(id).await?;
        let contact_name = contact.as_ref().map(|c| c.full_name.clone());
        let who_is = |a: Actor| match a {
            Actor::System => Text::new("ui-actor-system").render(lang),
            Actor::Agent(x) => {
                agent_name(x).unwrap_or_else(|| Text::new("ui-actor-support").render(lang))
            }
            Actor::Contact(c) if Some(c.0) == ticket.contact_id => contact_name
                .clone()
                .unwrap_or_else(|| Text::new("ui-actor-customer").render(lang)),
            Actor::Contact(_) => Text::new("ui-actor-customer").render(lang),
            Actor::Token(_) => Text::new("ui-actor-integration").render(lang),
        };
        let timeline = journal
            .iter()
            .filter(|e| {
                !(who.is_customer()
                    && matches!(
                        e.event,
                        TicketEvent::Replied { public: false, .. } | TicketEvent::TimeLogged { .. }
                    ))
            })
            .map(|e| self.timeline_entry(e, &who_is, lang))
            .collect();
        let base = reg.base_status(&ticket.status);
        let finished = matches!(base, Some(BaseStatus::Completed | BaseStatus::Closed));
        let open = !matches!(base, Some(BaseStatus::Closed | BaseStatus::Rejected));
        let may = |a: Action| permissions::check(who, a).is_ok();
        let can = Abilities {
            reply: may(Action::Reply),
            note: may(Action::Note),
            status: may(Action::ChangeStatus) && open,
            priority: may(Action::ChangePriority) && open,
            level: may(Action::ChangeLevel) && open,
            assign: may(Action::Assign) && open,
            hand_over: may(Action::HandOver) && open,
            log_time: may(Action::LogTime) && reg.billing.is_some(),
            extend: may(Action::Extend) && open,
            confirm: may(Action::Confirm) && base == Some(BaseStatus::Completed),
            object: may(Action::Object) && base == Some(BaseStatus::Completed),
            rate: may(Action::Rate) && finished && reg.lifecycle.rating,
            reopen: may(Action::Reopen) && !open,
            merge: may(Action::Merge) && open,
            link: may(Action::Link),
            split: may(Action::Split) && open,
            attach: may(Action::Attach),
        };
        let title_of =
            |v: &Option<String>, f: &dyn Fn(&str) -> Option<String>| v.as_deref().and_then(f);
        let fields = journal
            .iter()
            .find_map(|e| match &e.event {
                TicketEvent::Received { fields, .. } => Some(fields.clone()),
                _ => None,
            })
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (field_title(&k, lang), v))
            .collect();
        let reasons = reg
            .lifecycle
            .deferral_reasons
            .iter()
            .chain(&reg.lifecycle.rejection_reasons)
            .map(|r| named(&r.id, &r.title))
            .collect();
        Ok(TicketPage {
            assignee: ticket
                .assignee_id
                .and_then(|a| agent_name(reglament_domain::AgentId(a))),
            category_title: title_of(&ticket.category, &|c| {
                reg.category(c).map(|c| c.title.clone())
            }),
            level_title: title_of(&ticket.level, &|l| reg.level(l).map(|l| l.title.clone())),
            priority_title: title_of(&ticket.priority, &|p| {
                reg.priority(p).map(|p| p.title.clone())
            }),
            line_title: title_of(&ticket.line, &|l| reg.line(l).map(|l| l.title.clone())),
            fields,
            can,
            statuses: reg
                .statuses
                .iter()
                .map(|s| named(&s.id, &s.title))
                .collect(),
            reasons,
            priorities: reg
                .priorities
                .iter()
                .map(|p| named(&p.id, &p.title))
                .collect(),
            levels: reg.levels.iter().map(|l| named(&l.id, &l.title)).collect(),
            lines: reg.lines.iter().map(|l| named(&l.id, &l.title)).collect(),
            targets: reg.targets.iter().map(|t| named(&t.id, &t.title)).collect(),
            activities: reg
                .billing
                .iter()
                .flat_map(|b| b.activities.values())
                .map(|a| named(&a.id, &a.title))
                .collect(),
            agents: agents
                .iter()
                .filter(|a| staff && a.active)
                .map(|a| named(&a.id.0.to_string(), &a.full_name))
                .collect(),
            undelivered: if staff {
                self.undelivered(id, lang).await?
            } else {
                Vec::new()
            },
            mail: match self.ticket_mail(who, id).await {
                Ok(m) => m,
                // Staff who do not handle mail (and customers) see no list.
                Err(crate::DeskError::Forbidden(_)) => Vec::new(),
                Err(e) => return Err(e),
            },
            card,
            timeline,
            ticket,
        })
    }

    /// The ticket's mail that has not gone out, worded for staff.
    async fn undelivered(&self, id: TicketId, lang: Lang) -> Result<Vec<UndeliveredMail>> {
        let mut out = Vec::new();
        for u in self.store.undelivered(id).await? {
            let (kind, value) = u.recipient.split_once(':').unwrap_or((&u.recipient, ""));
            let to = match (kind, value.parse::<i64>()) {
                ("contact", Ok(c)) => self
                    .store
                    .contact(reglament_domain::ContactId(c))
                    .await
                    .map(|c| format!("{} <{}>", c.full_name, c.email.as_str()))
                    .unwrap_or_else(|_| u.recipient.clone()),
                ("agent", Ok(a)) => self
                    .store
                    .agent(reglament_domain::AgentId(a))
                    .await
                    .map(|a| format!("{} <{}>", a.full_name, a.email.as_str()))
                    .unwrap_or_else(|_| u.recipient.clone()),
                _ => u.recipient.clone(),
            };
            let (state, when) = match (u.failed_at, u.next_attempt_at) {
                (Some(t), _) => ("failed", t),
                (None, Some(t)) => ("retrying", t),
                (None, None) => ("retrying", self.now()),
            };
            out.push(UndeliveredMail {
                to,
                what: Text::new("mail-kind")
                    .arg("kind", u.kind.clone())
                    .render(lang),
                error: u.error,
                state,
                when: self.local_time(when),
            });
        }
        Ok(out)
    }

    fn timeline_entry(
        &self,
        e: &JournalEntry,
        who_is: &dyn Fn(Actor) -> String,
        lang: Lang,
    ) -> TimelineEntry {
        let reg = &*self.regulation;
        let title = |id: &str, found: Option<&str>| found.unwrap_or(id).to_string();
        let (kind, text, body) = match &e.event {
            TicketEvent::Received { channel, .. } => (
                "system",
                Text::new("ui-event-received")
                    .arg(
                        "channel",
                        title(channel, reg.channel(channel).map(|c| c.title.as_str())),
                    )
                    .render(lang),
                None,
            ),
            TicketEvent::Registered { number } => (
                "system",
                Text::new("ui-event-registered")
                    .arg("number", number.as_str().to_string())
                    .render(lang),
                None,
            ),
            TicketEvent::Assigned { agent } => (
                "system",
                Text::new("ui-event-assigned")
                    .arg("agent", who_is(Actor::Agent(*agent)))
                    .render(lang),
                None,
            ),
            TicketEvent::HandedOver { line } => (
                "status",
                Text::new("ui-event-handed-over")
                    .arg(
                        "line",
                        title(line, reg.line(line).map(|l| l.title.as_str())),
                    )
                    .render(lang),
                None,
            ),
            TicketEvent::StatusChanged { status, reason } => {
                let status = title(status, reg.status(status).map(|s| s.title.as_str()));
                let reason_title = reason.as_deref().map(|r| {
                    reg.lifecycle
                        .deferral_reasons
                        .iter()
                        .chain(&reg.lifecycle.rejection_reasons)
                        .find(|x| x.id == r)
                        .map_or_else(|| r.to_string(), |x| x.title.clone())
                });
                let t = match reason_title {
                    Some(r) => Text::new("ui-event-status-reason")
                        .arg("status", status)
                        .arg("reason", r),
                    None => Text::new("ui-event-status").arg("status", status),
                };
                ("status", t.render(lang), None)
            }
            TicketEvent::PriorityChanged { priority, reason } => (
                "status",
                Text::new("ui-event-priority")
                    .arg(
                        "priority",
                        title(priority, reg.priority(priority).map(|p| p.title.as_str())),
                    )
                    .arg("reason", reason.clone())
                    .render(lang),
                None,
            ),
            TicketEvent::LevelChanged { level, reason } => (
                "status",
                Text::new("ui-event-level")
                    .arg(
                        "level",
                        title(level, reg.level(level).map(|l| l.title.as_str())),
                    )
                    .arg("reason", reason.clone())
                    .render(lang),
                None,
            ),
            TicketEvent::Replied { public, body } => {
                let (kind, id) = match (public, e.actor) {
                    (false, _) => ("note", "ui-event-note"),
                    (true, Actor::Contact(_)) => ("customer", "ui-event-customer-message"),
                    (true, _) => ("message", "ui-event-reply"),
                };
                (kind, Text::new(id).render(lang), Some(body.clone()))
            }
            TicketEvent::TimeLogged {
                activity,
                minutes,
                seconds,
                started,
                description,
            } => {
                let mut duration =
                    duration_text(jiff::SignedDuration::from_mins(i64::from(*minutes)), lang);
                if *seconds > 0 {
                    let secs = Text::new("duration-seconds")
                        .num("seconds", f64::from(*seconds))
                        .render(lang);
                    duration = if *minutes == 0 {
                        secs
                    } else {
                        format!("{duration} {secs}")
                    };
                }
                let title = reg
                    .billing
                    .as_ref()
                    .and_then(|b| b.activities.get(activity))
                    .map_or_else(|| activity.clone(), |a| a.title.clone());
                let text = match started {
                    Some(t) => Text::new("ui-event-time-started").arg(
                        "started",
                        reg.timezone
                            .to_datetime(*t)
                            .strftime("%d.%m.%Y %H:%M")
                            .to_string(),
                    ),
                    None => Text::new("ui-event-time"),
                };
                (
                    "note",
                    text.arg("activity", title)
                        .arg("duration", duration)
                        .render(lang),
                    Some(description.clone()),
                )
            }
            TicketEvent::DeadlineExtended { target, by, reason } => (
                "status",
                Text::new("ui-event-extended")
                    .arg(
                        "target",
                        title(target, reg.target(target).map(|t| t.title.as_str())),
                    )
                    .arg("by", by.clone())
                    .render(lang),
                Some(reason.clone()),
            ),
            TicketEvent::Rated { rating, comment } => (
                "customer",
                Text::new("ui-event-rated")
                    .num("stars", f64::from(rating.stars()))
                    .render(lang),
                comment.clone(),
            ),
            TicketEvent::Reopened { reason } => (
                "status",
                Text::new("ui-event-reopened").render(lang),
                Some(reason.clone()),
            ),
            TicketEvent::Linked { ticket, relation } => (
                "system",
                Text::new(relation_text(*relation))
                    .arg("ticket", ticket.0.to_string())
                    .render(lang),
                None,
            ),
            TicketEvent::Attached { name, size, .. } => (
                "system",
                Text::new("ui-event-attached")
                    .arg("name", name.clone())
                    .size("size", *size)
                    .render(lang),
                None,
            ),
            TicketEvent::AttachmentRejected {
                name,
                reason,
                refusal,
                ..
            } => (
                "system",
                Text::new("ui-event-attachment-rejected")
                    .arg("name", name.clone())
                    .render(lang),
                Some(crate::text::attachment_refusal(refusal.as_ref(), reason).render(lang)),
            ),
        };
        let tz = &reg.timezone;
        TimelineEntry {
            at: e
                .at
                .to_zoned(tz.clone())
                .strftime("%d.%m.%Y %H:%M")
                .to_string(),
            at_iso: crate::view::instant(e.at, tz),
            who: who_is(e.actor),
            kind,
            text,
            body,
        }
    }

    /// The ticket a person names: its registration number (`2026-00001`) or its id (`#12`,
    /// `12`), among the tickets the principal may see.
    ///
    /// # Errors
    ///
    /// [`crate::DeskError::NotFound`] when no such ticket is visible to the principal.
    pub async fn find_ticket(&self, who: Principal, reference: &str) -> Result<TicketId> {
        permissions::check(who, Action::ReadTicket)?;
        let r = reference.trim();
        if let Some(id) = r
            .strip_prefix('#')
            .unwrap_or(r)
            .parse::<i64>()
            .ok()
            .filter(|_| !r.contains('-'))
        {
            // An id is checked like any other read: another organization's is "not found".
            self.store.journal(TicketId(id), viewer(who)).await?;
            return Ok(TicketId(id));
        }
        Ok(self.store.ticket_by_number(r, viewer(who)).await?)
    }

    /// The intake form the regulation asks a principal to fill: its categories in scope (an
    /// owner-only category only for an owner), and the required and offered fields the
    /// directory cannot answer for this filer.
    ///
    /// # Errors
    ///
    /// [`crate::DeskError::Forbidden`] for a principal who may not file tickets.
    pub async fn intake_form(&self, who: Principal, lang: Lang) -> Result<IntakeForm> {
        permissions::check(who, Action::FileTicket)?;
        let reg = &*self.regulation;
        let contact = match who {
            Principal::Contact(c, _) => self.store.contact(c).await.ok(),
            _ => None,
        };
        let org = match who {
            Principal::Contact(_, o) => self.store.organization(o).await.ok(),
            _ => None,
        };
        let owner = contact.as_ref().is_some_and(|c| c.owner) || !who.is_customer();
        let filled = |f: &str| match f {
            "position" => contact.as_ref().is_some_and(|c| c.position.is_some()),
            "phone" => contact.as_ref().is_some_and(|c| c.phone.is_some()),
            "contract_number" => org.as_ref().is_some_and(|o| o.contract_number.is_some()),
            "state_contract_number" => org
                .as_ref()
                .is_some_and(|o| o.state_contract_number.is_some()),
            _ => false,
        };
        let mut seen = BTreeMap::new();
        for (f, required) in reg
            .fields
            .required
            .iter()
            .map(|f| (f, true))
            .chain(reg.fields.optional.iter().map(|f| (f, false)))
        {
            if NOT_ON_FORM.contains(&f.as_str()) || filled(f) {
                continue;
            }
            seen.entry(f.clone()).or_insert(required);
        }
        let order: Vec<&str> = reg
            .fields
            .required
            .iter()
            .chain(&reg.fields.optional)
            .map(String::as_str)
            .collect();
        let mut fields: Vec<FormField> = seen
            .into_iter()
            .map(|(id, required)| FormField {
                title: field_title(&id, lang),
                choices: if id == "reproducibility" {
                    vec![
                        named("always", "Воспроизводится всегда"),
                        named("sometimes", "Воспроизводится иногда"),
                        named("once", "Произошло однажды"),
                    ]
                } else {
                    Vec::new()
                },
                id,
                required,
            })
            .collect();
        fields.sort_by_key(|f| order.iter().position(|o| *o == f.id));
        let policy = &reg.attachments;
        let attachments = (policy.max_size.is_some() || !policy.allowed.is_empty()).then(|| {
            let mut parts = Vec::new();
            if !policy.allowed.is_empty() {
                parts.push(policy.allowed.join(", "));
            }
            if let Some(m) = policy.max_size {
                parts.push(format!("≤ {}", crate::format_size(m)));
            }
            parts.join("; ")
        });
        let tariff = org.as_ref().and_then(|o| o.tariff.clone());
        let categories: Vec<Option<&str>> = std::iter::once(None)
            .chain(
                reg.categories
                    .iter()
                    .filter(|c| c.in_scope && (owner || !c.owner_only))
                    .map(|c| Some(c.id.as_str())),
            )
            .collect();
        let deadlines = categories
            .into_iter()
            .map(|c| DeadlinePreview {
                category: c.map(str::to_string),
                targets: self.preview(tariff.as_deref(), c),
            })
            .collect();
        Ok(IntakeForm {
            deadlines,
            categories: reg
                .categories
                .iter()
                .filter(|c| c.in_scope && (owner || !c.owner_only))
                .map(|c| named(&c.id, &c.title))
                .collect(),
            category_required: reg.fields.is_required("category"),
            description_required: reg.fields.is_required("description"),
            fields,
            attachments,
            upload_cap: self.upload_cap() as u64,
        })
    }
}

impl Desk {
    /// The deadlines the regulation gives a portal ticket of a tariff and category filed now:
    /// the same level choice, registration and clocks as intake, on a journal never written.
    fn preview(&self, tariff: Option<&str>, category: Option<&str>) -> Vec<PreviewTarget> {
        use reglament_domain::{Command, Outcome, Ticket};
        use reglament_regulation::TicketFacts;
        let reg = &*self.regulation;
        let now = self.now();
        let level = reg.resolve_level(&TicketFacts {
            tariff,
            category,
            channel: Some("portal"),
            subject: "",
            at: Some(now),
        });
        let mut journal = vec![JournalEntry::new(
            now,
            Actor::System,
            TicketEvent::Received {
                channel: "portal".into(),
                subject: String::new(),
                description: String::new(),
                organization: None,
                contact: None,
                category: category.map(str::to_string),
                level: level.map(|l| l.id.clone()),
                priority: reg.initial_priority(level).map(|p| p.id.clone()),
                fields: BTreeMap::new(),
            },
        )];
        let Ok(ticket) = Ticket::replay(&journal) else {
            return Vec::new();
        };
        let number = self.numbers.format(1, 1);
        if let Ok(Outcome::Events(events)) = ticket.decide(
            &journal,
            Command::Register { number },
            Actor::System,
            reg,
            now,
        ) {
            journal.extend(
                events
                    .into_iter()
                    .map(|e| JournalEntry::new(now, Actor::System, e)),
            );
        }
        let Ok(clocks) =
            reglament_regulation::sla::evaluate(reg, &reglament_domain::sla_events(&journal), now)
        else {
            return Vec::new();
        };
        let tz = &reg.timezone;
        clocks
            .iter()
            .filter(|c| c.stopped_at.is_none())
            .filter_map(|c| {
                let due = c.due?;
                Some(PreviewTarget {
                    title: c.title.clone(),
                    due: due
                        .to_zoned(tz.clone())
                        .strftime("%d.%m.%Y %H:%M")
                        .to_string(),
                })
            })
            .collect()
    }
}

/// The timeline's words for a link, by how this ticket relates to the other.
fn relation_text(r: reglament_domain::Relation) -> &'static str {
    use reglament_domain::Relation;
    match r {
        Relation::Related => "ui-link-related",
        Relation::SplitInto => "ui-link-split-into",
        Relation::SplitFrom => "ui-link-split-from",
        Relation::MergedInto => "ui-link-merged-into",
        Relation::MergedFrom => "ui-link-merged-from",
        Relation::FollowUpOf => "ui-link-follow-up-of",
        Relation::FollowedUpBy => "ui-link-followed-up-by",
    }
}
