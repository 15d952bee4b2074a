//! The ticket as a reader sees it: one typed value, redacted for customers in one place, with
//! its clocks explained in the reader's language and times in the regulation's time zone.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use reglament_domain::{Actor, JournalEntry, Principal, Ticket, TicketEvent, TicketId};
use reglament_regulation::Regulation;
use reglament_regulation::sla::{Clock, ClockState};
use serde::Serialize;

use crate::{Lang, Text, duration_text};

/// A ticket as one principal sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TicketView {
    /// The id.
    pub id: i64,
    /// The registration number.
    pub number: Option<String>,
    /// The status id.
    pub status: String,
    /// The status's title in the regulation.
    pub status_title: Option<String>,
    /// The subject.
    pub subject: String,
    /// The description.
    pub description: String,
    /// The channel it came through.
    pub channel: String,
    /// The organization.
    pub organization_id: Option<i64>,
    /// The customer contact.
    pub contact_id: Option<i64>,
    /// The category id.
    pub category: Option<String>,
    /// The level id.
    pub level: Option<String>,
    /// The priority id.
    pub priority: Option<String>,
    /// The line that owns it.
    pub line: Option<String>,
    /// The assigned agent.
    pub assignee_id: Option<i64>,
    /// The customer's rating, 1–5 stars.
    pub stars: Option<u8>,
    /// Links to other tickets.
    pub links: Vec<LinkView>,
    /// Accepted attachments.
    pub attachments: Vec<AttachmentView>,
    /// Work time logged, in minutes; staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minutes_logged: Option<u64>,
    /// When it arrived, in the regulation's time zone.
    pub received_at: Option<String>,
    /// Every SLA clock that applies.
    pub clocks: Vec<ClockView>,
    /// The journal; customers never see internal notes or logged time.
    pub journal: Vec<JournalView>,
}

/// A link to another ticket.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkView {
    /// The other ticket.
    pub ticket_id: i64,
    /// How this ticket relates to it.
    pub relation: reglament_domain::Relation,
}

/// An accepted attachment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttachmentView {
    /// The id.
    pub id: i64,
    /// The file name.
    pub name: String,
    /// The media type.
    pub content_type: String,
    /// The size in bytes.
    pub size: u64,
    /// Where to download it.
    pub url: String,
}

/// An SLA clock.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClockView {
    /// The target id.
    pub target: String,
    /// The target's title.
    pub title: String,
    /// `pending`, `running`, `paused`, `met`, `breached` or `cancelled`.
    pub state: String,
    /// The deadline.
    pub due: Option<String>,
    /// When the warning fires.
    pub warn_at: Option<String>,
    /// The warning has fired and the clock still runs.
    pub warning: bool,
    /// Working time used, in seconds.
    pub elapsed_seconds: i64,
    /// Working time left, in seconds; negative once overdue, zero once stopped in time.
    pub remaining_seconds: i64,
    /// The deadline depends on years the calendar does not know yet.
    pub provisional: bool,
    /// How the deadline was reached, in the reader's language.
    pub explanation: String,
}

/// One journal entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct JournalView {
    /// When, in the regulation's time zone.
    pub at: String,
    /// Who.
    pub actor: Actor,
    /// What.
    pub event: TicketEvent,
}

/// An instant as RFC 3339 with the offset of a time zone.
pub(crate) fn instant(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// An instant for reading: `23.11.2026 12:00 MSK`.
fn readable(t: Timestamp, tz: &TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%d.%m.%Y %H:%M %Z")
        .to_string()
}

impl TicketView {
    /// Builds the view of a ticket's journal and clocks for a principal: a customer's view
    /// leaves out internal notes, logged time and the minutes logged.
    pub(crate) fn build(
        reg: &Regulation,
        id: TicketId,
        who: Principal,
        journal: &[JournalEntry],
        ticket: &Ticket,
        clocks: &[Clock],
        lang: Lang,
    ) -> TicketView {
        let tz = &reg.timezone;
        let customer = who.is_customer();
        let visible = |e: &&JournalEntry| {
            !(customer
                && matches!(
                    e.event,
                    TicketEvent::Replied { public: false, .. } | TicketEvent::TimeLogged { .. }
                ))
        };
        TicketView {
            id: id.0,
            number: ticket.number.as_ref().map(|n| n.as_str().to_string()),
            status: ticket.status.clone(),
            status_title: reg.status(&ticket.status).map(|s| s.title.clone()),
            subject: ticket.subject.clone(),
            description: ticket.description.clone(),
            channel: ticket.channel.clone(),
            organization_id: ticket.organization.map(|o| o.0),
            contact_id: ticket.contact.map(|c| c.0),
            category: ticket.category.clone(),
            level: ticket.level.clone(),
            priority: ticket.priority.clone(),
            line: ticket.line.clone(),
            assignee_id: ticket.assignee.map(|a| a.0),
            stars: ticket.rating.map(|r| r.stars()),
            links: ticket
                .links
                .iter()
                .map(|(other, relation)| LinkView {
                    ticket_id: other.0,
                    relation: *relation,
                })
                .collect(),
            attachments: ticket
                .attachments
                .iter()
                .map(|a| AttachmentView {
                    id: a.attachment,
                    name: a.name.clone(),
                    content_type: a.content_type.clone(),
                    size: a.size,
                    url: format!("/api/v1/tickets/{}/attachments/{}", id.0, a.attachment),
                })
                .collect(),
            minutes_logged: (!customer).then_some(ticket.minutes_logged),
            received_at: ticket.received_at.map(|t| instant(t, tz)),
            clocks: clocks
                .iter()
                .map(|c| ClockView {
                    target: c.target.clone(),
                    title: c.title.clone(),
                    state: c.state.to_string(),
                    due: c.due.map(|d| instant(d, tz)),
                    warn_at: c.warn_at.map(|d| instant(d, tz)),
                    warning: c.warning,
                    elapsed_seconds: c.elapsed.as_secs(),
                    remaining_seconds: c.remaining.as_secs(),
                    provisional: c.provisional,
                    explanation: explain(c, tz, lang),
                })
                .collect(),
            journal: journal
                .iter()
                .filter(visible)
                .map(|e| JournalView {
                    at: instant(e.at, tz),
                    actor: e.actor,
                    event: e.event.clone(),
                })
                .collect(),
        }
    }
}

fn state_text(s: ClockState) -> Text {
    Text::new(match s {
        ClockState::Pending => "clock-state-pending",
        ClockState::Running => "clock-state-running",
        ClockState::Paused => "clock-state-paused",
        ClockState::Met => "clock-state-met",
        ClockState::Breached => "clock-state-breached",
        ClockState::Cancelled => "clock-state-cancelled",
    })
}

/// A clock's explanation in a language: the term, the start, the pauses, the deadline, the
/// working intervals counted and the days skipped.
pub fn explain(c: &Clock, tz: &TimeZone, lang: Lang) -> String {
    let mut lines = vec![
        Text::new("clock-line-title")
            .arg("title", c.title.clone())
            .arg("state", state_text(c.state).render(lang))
            .render(lang),
    ];
    if let Some(t) = &c.term {
        let term = match lang {
            Lang::Ru => reglament_regulation::render::term_ru(t),
            Lang::En => t.to_string(),
        };
        lines.push(Text::new("clock-line-term").arg("term", term).render(lang));
    }
    if let Some(s) = c.started_at {
        lines.push(
            Text::new("clock-line-started")
                .arg("at", readable(s, tz))
                .render(lang),
        );
    }
    if let Some(e) = &c.explanation
        && e.effective_start.timestamp() != e.from.timestamp()
    {
        lines.push(
            Text::new("clock-line-counting-from")
                .arg("at", readable(e.effective_start.timestamp(), tz))
                .render(lang),
        );
    }
    for p in &c.pauses {
        let to = p.to.map_or_else(
            || Text::new("clock-line-pause-open").render(lang),
            |t| readable(t, tz),
        );
        lines.push(
            Text::new("clock-line-pause")
                .arg("from", readable(p.from, tz))
                .arg("to", to)
                .arg("why", p.why.clone())
                .arg("working", duration_text(p.working, lang))
                .render(lang),
        );
    }
    for x in &c.extensions {
        let by = match lang {
            Lang::Ru => reglament_regulation::render::term_ru(&x.by),
            Lang::En => x.by.to_string(),
        };
        lines.push(
            Text::new("clock-line-extended")
                .arg("by", by)
                .arg("reason", x.reason.clone())
                .render(lang),
        );
    }
    if let Some(d) = c.due {
        lines.push(
            Text::new("clock-line-due")
                .arg("at", readable(d, tz))
                .render(lang),
        );
    }
    if let Some(s) = c.stopped_at {
        lines.push(
            Text::new("clock-line-stopped")
                .arg("at", readable(s, tz))
                .render(lang),
        );
    }
    lines.push(
        Text::new("clock-line-elapsed")
            .arg("elapsed", duration_text(c.elapsed, lang))
            .arg("remaining", duration_text(c.remaining, lang))
            .render(lang),
    );
    if let Some(e) = &c.explanation {
        let mut skipped = e.skipped.iter().peekable();
        for i in &e.counted {
            while let Some(s) = skipped.next_if(|s| s.date < i.from.date()) {
                lines.push(skipped_day(&s.plan, lang));
            }
            let to = if i.to.date() != i.from.date() && i.to.time() == jiff::civil::Time::midnight()
            {
                "24:00".to_string()
            } else {
                i.to.strftime("%H:%M").to_string()
            };
            lines.push(
                Text::new("clock-line-counted")
                    .arg("date", i.from.strftime("%d.%m.%Y").to_string())
                    .arg("from", i.from.strftime("%H:%M").to_string())
                    .arg("to", to)
                    .arg("working", duration_text(i.duration(), lang))
                    .render(lang),
            );
        }
        for s in skipped {
            lines.push(skipped_day(&s.plan, lang));
        }
    }
    if c.provisional {
        lines.push(Text::new("clock-line-provisional").render(lang));
    }
    lines.join("\n")
}

/// Why a day was skipped, in a language: `Пропущено: 06.12.2026 (воскресенье) — выходной`.
fn skipped_day(plan: &reglament_calendar::DayPlan, lang: Lang) -> String {
    use jiff::civil::Weekday;
    use reglament_calendar::{DayOverride, DayReason};
    let weekday = match plan.date.weekday() {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    };
    let why = match &plan.reason {
        DayReason::Pattern => match plan.date.weekday() {
            Weekday::Saturday | Weekday::Sunday => Text::new("day-weekend"),
            _ => Text::new("day-not-in-schedule"),
        },
        DayReason::Calendar(o) | DayReason::Schedule(o) => match o {
            DayOverride::Holiday { name } => Text::new("day-holiday").arg("name", name.clone()),
            DayOverride::TransferredDayOff { from: Some(d) } => {
                Text::new("day-transferred-from").arg("from", d.strftime("%d.%m.%Y").to_string())
            }
            DayOverride::TransferredDayOff { from: None } => Text::new("day-transferred"),
            DayOverride::Presidential { basis, .. } => {
                Text::new("day-presidential").arg("basis", basis.clone())
            }
            DayOverride::NonWorking { reason } | DayOverride::Hours { reason, .. } => {
                Text::new("day-other").arg("reason", reason.clone())
            }
            DayOverride::Working { .. } => Text::new("day-not-in-schedule"),
        },
    };
    Text::new("clock-line-skipped")
        .arg("date", plan.date.strftime("%d.%m.%Y").to_string())
        .arg(
            "weekday",
            Text::new(format!("weekday-{weekday}")).render(lang),
        )
        .arg("why", why.render(lang))
        .render(lang)
}
