//! SLA clocks: a pure function of the regulation, a ticket's events and `now` that says, for
//! each target, whether it is running, paused, met or breached, when it is due, and why.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use reglament_calendar::{Error as CalendarError, Explanation, Term, WorkingTime, human};

use crate::model::{BaseStatus, EventPattern, Regulation, Target, TermSource, Warning};

/// Something that happened to a ticket, as the SLA clocks see it.
///
/// # Example
///
/// ```
/// use reglament_regulation::sla::{Event, EventKind};
///
/// let e = Event::new("2026-11-23T10:00:00+03:00".parse()?, EventKind::Status("registered".into()));
/// assert_eq!(e.at.to_string(), "2026-11-23T07:00:00Z");
/// # Ok::<(), jiff::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// When it happened.
    pub at: Timestamp,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// An event at an instant.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::sla::{Event, EventKind};
    ///
    /// let e = Event::new(jiff::Timestamp::UNIX_EPOCH, EventKind::PublicReply);
    /// assert_eq!(e.kind, EventKind::PublicReply);
    /// ```
    pub fn new(at: Timestamp, kind: EventKind) -> Event {
        Event { at, kind }
    }
}

/// The kinds of ticket events that matter to SLA clocks.
///
/// # Example
///
/// ```
/// use reglament_regulation::sla::EventKind;
///
/// let k = EventKind::Received { channel: Some("email".into()), level: None, priority: Some("P2".into()), category: None };
/// assert!(matches!(k, EventKind::Received { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The ticket arrived, with its channel, level and priority.
    Received {
        /// The channel id.
        channel: Option<String>,
        /// The level id.
        level: Option<String>,
        /// The priority id.
        priority: Option<String>,
        /// The category id.
        category: Option<String>,
    },
    /// The ticket entered a status (by id).
    Status(String),
    /// An agent was assigned.
    Assigned,
    /// The ticket was handed over to a line.
    HandedOver(String),
    /// An agent replied to the customer.
    PublicReply,
    /// The customer replied.
    CustomerReply,
    /// The ticket was reopened.
    Reopened,
    /// The priority changed; clocks keep their start and pauses.
    PriorityChanged(String),
    /// The level changed; clocks keep their start and pauses.
    LevelChanged(String),
    /// An agent extended a target's deadline.
    Extended {
        /// The target id.
        target: String,
        /// By how much.
        by: Term,
        /// Why, as sent to the customer.
        reason: String,
    },
}

/// The state of an SLA clock.
///
/// # Example
///
/// ```
/// use reglament_regulation::sla::ClockState;
///
/// assert_eq!(ClockState::Breached.to_string(), "breached");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClockState {
    /// The start event has not happened yet.
    Pending,
    /// Counting.
    Running,
    /// Not counting: the ticket is in a pausing status.
    Paused,
    /// Stopped in time.
    Met,
    /// Past due, stopped or not.
    Breached,
    /// Stopped in time because the ticket was rejected, merged into another or closed unworked:
    /// nothing is owed any more, and reports count it neither as met nor as breached.
    Cancelled,
}

impl fmt::Display for ClockState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClockState::Pending => "pending",
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
            ClockState::Cancelled => "cancelled",
        })
    }
}

/// A pause of a clock.
///
/// # Example
///
/// ```
/// use reglament_regulation::sla::Pause;
///
/// let p = Pause { from: jiff::Timestamp::UNIX_EPOCH, to: None, why: "waiting_customer".into(), working: jiff::SignedDuration::ZERO };
/// assert!(p.to.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pause {
    /// When it began.
    pub from: Timestamp,
    /// When it ended; `None` while it lasts.
    pub to: Option<Timestamp>,
    /// The status, or `stopped` for the time between a stop and a resume.
    pub why: String,
    /// The working time it subtracted, in the target's schedule.
    pub working: SignedDuration,
}

/// An extension applied to a clock.
///
/// # Example
///
/// ```
/// use reglament_regulation::sla::Extension;
///
/// let e = Extension { by: "1 working day".parse()?, reason: "ждём релиз".into(), capped: false };
/// assert_eq!(e.by.to_string(), "1 working day");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// By how much.
    pub by: Term,
    /// The reason sent to the customer.
    pub reason: String,
    /// The regulation's bound cut it short.
    pub capped: bool,
}

/// The state of one SLA target for one ticket.
///
/// # Example
///
/// ```
/// use reglament_regulation::{Regulation, sla::{self, Event, EventKind, ClockState}};
///
/// let reg = Regulation::parse(r#"
/// [regulation]
/// name = "R"
/// [schedules.office]
/// hours = { "mon-fri" = "09:00-18:00" }
/// [[targets]]
/// id = "reaction"
/// title = "Реакция"
/// start = "received"
/// stop = "public_reply"
/// schedule = "office"
/// duration = "2 working hours"
/// "#)?;
/// let events = [Event::new("2026-11-20T17:00:00+03:00".parse()?, EventKind::Received { channel: None, level: None, priority: None, category: None })];
/// let clocks = sla::evaluate(&reg, &events, "2026-11-23T09:30:00+03:00".parse()?)?;
/// assert_eq!(clocks[0].state, ClockState::Running);
/// assert_eq!(clocks[0].due.unwrap().to_string(), "2026-11-23T07:00:00Z"); // Monday 10:00 MSK
/// assert_eq!(clocks[0].remaining.as_mins(), 30);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    /// The target's id.
    pub target: String,
    /// The target's title.
    pub title: String,
    /// The state.
    pub state: ClockState,
    /// The term that applies, if the clock has started.
    pub term: Option<Term>,
    /// Where the term came from.
    pub term_source: Option<TermSource>,
    /// When the current cycle started.
    pub started_at: Option<Timestamp>,
    /// When it stopped.
    pub stopped_at: Option<Timestamp>,
    /// The deadline; while paused, where it would be if work resumed now.
    pub due: Option<Timestamp>,
    /// When the pre-breach warning fires.
    pub warn_at: Option<Timestamp>,
    /// The warning time has passed and the clock is still running.
    pub warning: bool,
    /// When the "still working on it" notice is due.
    pub interim_at: Option<Timestamp>,
    /// Working time counted so far, pauses excluded.
    pub elapsed: SignedDuration,
    /// Working time left until the deadline, negative once overdue.
    pub remaining: SignedDuration,
    /// Working time subtracted by pauses.
    pub paused: SignedDuration,
    /// The pauses of the current cycle.
    pub pauses: Vec<Pause>,
    /// Extensions applied.
    pub extensions: Vec<Extension>,
    /// How many earlier cycles of a repeating target breached.
    pub earlier_breaches: u32,
    /// The deadline depends on years the calendar does not know.
    pub provisional: bool,
    /// How the deadline was computed, when asked for.
    pub explanation: Option<Explanation>,
}

impl Clock {
    fn pending(t: &Target) -> Clock {
        Clock {
            target: t.id.clone(),
            title: t.title.clone(),
            state: ClockState::Pending,
            term: None,
            term_source: None,
            started_at: None,
            stopped_at: None,
            due: None,
            warn_at: None,
            warning: false,
            interim_at: None,
            elapsed: SignedDuration::ZERO,
            remaining: SignedDuration::ZERO,
            paused: SignedDuration::ZERO,
            pauses: Vec::new(),
            extensions: Vec::new(),
            earlier_breaches: 0,
            provisional: false,
            explanation: None,
        }
    }

    /// A human account of the clock: the term and its source, start, pauses, extensions,
    /// deadline and the working-time explanation.
    ///
    /// # Example
    ///
    /// ```
    /// # use reglament_regulation::{Regulation, sla::{self, Event, EventKind}};
    /// # let reg = Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n[[targets]]\nid = \"r\"\ntitle = \"Реакция\"\nstart = \"received\"\nstop = \"public_reply\"\nschedule = \"office\"\nduration = \"2 working hours\"\n")?;
    /// # let events = [Event::new("2026-11-20T17:00:00+03:00".parse()?, EventKind::Received { channel: None, level: None, priority: None, category: None })];
    /// let clocks = sla::evaluate_explained(&reg, &events, "2026-11-23T09:30:00+03:00".parse()?)?;
    /// let text = clocks[0].describe();
    /// assert!(text.contains("term: 2 working hours (the target's default)"));
    /// assert!(text.contains("skipped 2026-11-21 (Saturday): weekend"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn describe(&self) -> String {
        let mut out = format!("{} ({}): {}\n", self.title, self.target, self.state);
        if let (Some(t), Some(s)) = (&self.term, &self.term_source) {
            out.push_str(&format!("term: {t} ({s})\n"));
        }
        if let Some(s) = self.started_at {
            out.push_str(&format!("started: {s}\n"));
        }
        for p in &self.pauses {
            out.push_str(&format!(
                "paused: {} – {} ({}), {} of working time\n",
                p.from,
                p.to.map_or("now".to_string(), |t| t.to_string()),
                p.why,
                human(p.working)
            ));
        }
        for e in &self.extensions {
            out.push_str(&format!(
                "extended by {}{}: {}\n",
                e.by,
                if e.capped {
                    " (capped by the regulation)"
                } else {
                    ""
                },
                e.reason
            ));
        }
        if let Some(d) = self.due {
            out.push_str(&format!("due: {d}\n"));
        }
        if let Some(s) = self.stopped_at {
            out.push_str(&format!("stopped: {s}\n"));
        }
        out.push_str(&format!(
            "elapsed: {}, remaining: {}\n",
            human(self.elapsed),
            human(self.remaining)
        ));
        if let Some(e) = &self.explanation {
            out.push_str(&e.to_string());
        }
        out
    }
}

fn matches(reg: &Regulation, p: &EventPattern, e: &EventKind) -> bool {
    match (p, e) {
        (EventPattern::Received, EventKind::Received { .. })
        | (EventPattern::Assigned, EventKind::Assigned)
        | (EventPattern::PublicReply, EventKind::PublicReply)
        | (EventPattern::CustomerReply, EventKind::CustomerReply)
        | (EventPattern::Reopened, EventKind::Reopened)
        | (EventPattern::HandedOver(None), EventKind::HandedOver(_)) => true,
        (EventPattern::HandedOver(Some(l)), EventKind::HandedOver(m)) => l == m,
        (EventPattern::Entered(b), EventKind::Status(s)) => reg.base_status(s) == Some(*b),
        (EventPattern::EnteredStatus(id), EventKind::Status(s)) => id == s,
        _ => false,
    }
}

/// One cycle of a clock, with raw pauses.
struct Cycle {
    start: Timestamp,
    stop: Option<Timestamp>,
    /// Stopped by the ticket finishing, not by the target's own stop event.
    cancelled: bool,
    pauses: Vec<(Timestamp, Option<Timestamp>, String)>,
}

/// Evaluates every target of the regulation for a ticket's events at `now`, without
/// explanations. Events must be in time order; those after `now` are ignored. Targets that do not apply to the ticket's level,
/// priority or channel are left out; targets not yet started are [`ClockState::Pending`].
///
/// # Errors
///
/// A calendar error when an instant lies outside the compiled years.
///
/// # Example
///
/// ```
/// use reglament_regulation::{Regulation, sla::{self, ClockState, Event, EventKind}};
///
/// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n[[targets]]\nid = \"resolution\"\ntitle = \"Решение\"\nstart = \"registered\"\nstop = \"completed\"\npause_in = [\"waiting_customer\"]\nschedule = \"office\"\nduration = \"8 working hours\"\n")?;
/// let at = |s: &str| s.parse::<jiff::Timestamp>();
/// let events = [
///     Event::new(at("2026-11-23T09:00:00+03:00")?, EventKind::Status("registered".into())),
///     Event::new(at("2026-11-23T11:00:00+03:00")?, EventKind::Status("waiting_customer".into())),
///     Event::new(at("2026-11-24T11:00:00+03:00")?, EventKind::Status("in_progress".into())),
/// ];
/// // A working day spent waiting for the customer moves the deadline by nine working hours.
/// let clocks = sla::evaluate(&reg, &events, at("2026-11-24T12:00:00+03:00")?)?;
/// assert_eq!(clocks[0].state, ClockState::Running);
/// assert_eq!(clocks[0].paused.as_hours(), 9);
/// assert_eq!(clocks[0].due, Some(at("2026-11-24T17:00:00+03:00")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate(
    reg: &Regulation,
    events: &[Event],
    now: Timestamp,
) -> Result<Vec<Clock>, CalendarError> {
    evaluate_with(reg, events, now, false)
}

/// Like [`evaluate`], with each clock's [`Explanation`] filled in.
///
/// # Errors
///
/// As for [`evaluate`].
///
/// # Example
///
/// ```
/// use reglament_regulation::{Regulation, sla::{self, ClockState, Event, EventKind}};
///
/// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n[[targets]]\nid = \"resolution\"\ntitle = \"Решение\"\nstart = \"registered\"\nstop = \"completed\"\npause_in = [\"waiting_customer\"]\nschedule = \"office\"\nduration = \"8 working hours\"\n")?;
/// let at = |s: &str| s.parse::<jiff::Timestamp>();
/// let events = [
///     Event::new(at("2026-11-23T09:00:00+03:00")?, EventKind::Status("registered".into())),
///     Event::new(at("2026-11-23T11:00:00+03:00")?, EventKind::Status("waiting_customer".into())),
///     Event::new(at("2026-11-24T11:00:00+03:00")?, EventKind::Status("in_progress".into())),
/// ];
/// let clocks = sla::evaluate_explained(&reg, &events, at("2026-11-23T12:00:00+03:00")?)?;
/// assert_eq!(clocks[0].state, ClockState::Paused);
/// let e = clocks[0].explanation.as_ref().unwrap();
/// assert!(e.notes.iter().any(|n| n.contains("pauses moved the deadline")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_explained(
    reg: &Regulation,
    events: &[Event],
    now: Timestamp,
) -> Result<Vec<Clock>, CalendarError> {
    evaluate_with(reg, events, now, true)
}

fn evaluate_with(
    reg: &Regulation,
    events: &[Event],
    now: Timestamp,
    explain: bool,
) -> Result<Vec<Clock>, CalendarError> {
    // The clocks as they stand at `now`: later events have not happened yet.
    let events = &events[..events.partition_point(|e| e.at <= now)];
    // The ticket's class at the end of its history: a change of priority or level re-evaluates
    // every clock's term while keeping its start and pauses.
    let mut class = crate::TicketClass::default();
    for e in events {
        match &e.kind {
            EventKind::Received {
                channel: c,
                level: l,
                priority: p,
                category: k,
            } => {
                class = crate::TicketClass {
                    level: l.as_deref(),
                    priority: p.as_deref(),
                    channel: c.as_deref(),
                    category: k.as_deref(),
                };
            }
            EventKind::PriorityChanged(p) => class.priority = Some(p),
            EventKind::LevelChanged(l) => class.level = Some(l),
            _ => {}
        }
    }
    let mut out = Vec::with_capacity(reg.targets.len());
    for target in &reg.targets {
        let Some((term, source)) = target.term_for(class) else {
            continue;
        };
        let Some(schedule) = reg.schedule(&target.schedule) else {
            continue;
        };
        let wt = &schedule.working;
        let cycles = cycles(reg, target, events);
        let Some((last, earlier)) = cycles.split_last() else {
            out.push(Clock::pending(target));
            continue;
        };
        let mut earlier_breaches = 0;
        for c in earlier {
            let clock = measure(target, wt, c, term, &[], now, false)?;
            if clock.state == ClockState::Breached {
                earlier_breaches += 1;
            }
        }
        let extensions: Vec<(Term, String)> = events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Extended {
                    target: t,
                    by,
                    reason,
                } if *t == target.id && e.at >= last.start => Some((*by, reason.clone())),
                _ => None,
            })
            .collect();
        let mut clock = measure(target, wt, last, term, &extensions, now, explain)?;
        clock.term_source = Some(source);
        clock.earlier_breaches = earlier_breaches;
        out.push(clock);
    }
    Ok(out)
}

fn cycles(reg: &Regulation, target: &Target, events: &[Event]) -> Vec<Cycle> {
    let mut cycles: Vec<Cycle> = Vec::new();
    let mut status: Option<&str> = None;
    let pausing = |s: Option<&str>| s.is_some_and(|s| target.pause_in.iter().any(|p| p == s));
    for e in events {
        let was_pausing = pausing(status);
        if let EventKind::Status(s) = &e.kind {
            status = Some(s);
        }
        let now_pausing = pausing(status);
        let active = cycles.last().is_some_and(|c| c.stop.is_none());
        if active {
            let c = cycles.last_mut().expect("active cycle");
            // A finished ticket (closed without completion, as a merged duplicate, or rejected)
            // stops every clock: nothing is owed on it any more.
            let finished = matches!(&e.kind, EventKind::Status(s)
                if matches!(reg.base_status(s), Some(BaseStatus::Closed | BaseStatus::Rejected)));
            // A line's reaction is owed only while the ticket is on that line: a hand-over to
            // another line ends it.
            let left_line = matches!((&target.line, &e.kind),
                (Some(l), EventKind::HandedOver(m)) if l != m);
            let stopped = target.stop.iter().any(|p| matches(reg, p, &e.kind));
            if finished || left_line || stopped {
                if let Some(p) = c.pauses.last_mut().filter(|p| p.1.is_none()) {
                    p.1 = Some(e.at);
                }
                c.stop = Some(e.at);
                c.cancelled = !stopped;
            } else if now_pausing && !was_pausing {
                c.pauses
                    .push((e.at, None, status.unwrap_or_default().to_string()));
            } else if was_pausing
                && !now_pausing
                && let Some(p) = c.pauses.last_mut().filter(|p| p.1.is_none())
            {
                p.1 = Some(e.at);
            }
            continue;
        }
        if let Some(c) = cycles.last_mut()
            && target.resume_on.iter().any(|p| matches(reg, p, &e.kind))
        {
            let stopped = c.stop.take().expect("an inactive cycle has stopped");
            c.cancelled = false;
            c.pauses.push((stopped, Some(e.at), "stopped".into()));
            if now_pausing {
                c.pauses
                    .push((e.at, None, status.unwrap_or_default().to_string()));
            }
            continue;
        }
        if matches(reg, &target.start, &e.kind) && (cycles.is_empty() || target.repeat) {
            let mut c = Cycle {
                start: e.at,
                stop: None,
                cancelled: false,
                pauses: Vec::new(),
            };
            if now_pausing {
                c.pauses
                    .push((e.at, None, status.unwrap_or_default().to_string()));
            }
            cycles.push(c);
        }
    }
    cycles
}

fn measure(
    target: &Target,
    wt: &WorkingTime,
    c: &Cycle,
    term: Term,
    extensions: &[(Term, String)],
    now: Timestamp,
    explain: bool,
) -> Result<Clock, CalendarError> {
    let end = c.stop.unwrap_or(now).max(c.start);
    let mut pauses = Vec::with_capacity(c.pauses.len());
    let mut paused = SignedDuration::ZERO;
    for (from, to, why) in &c.pauses {
        let until = to.unwrap_or(end).min(end).max(*from);
        let working = wt.between(*from, until)?;
        paused += working;
        pauses.push(Pause {
            from: *from,
            to: *to,
            why: why.clone(),
            working,
        });
    }
    let base = wt.deadline(c.start, &term)?;
    let mut due = wt.add(base.at, paused)?;
    let mut applied = Vec::new();
    if let Some(bound) = &target.extension {
        let limit = wt.deadline(due, bound)?.at;
        for (by, reason) in extensions {
            let extended = wt.deadline(due, by)?.at;
            let capped = extended > limit;
            due = extended.min(limit);
            applied.push(Extension {
                by: *by,
                reason: reason.clone(),
                capped,
            });
        }
    }
    let elapsed = wt.between(c.start, end)? - paused;
    // A clock that stopped in time owes nothing more: it shows no time remaining.
    let remaining = match c.stop {
        Some(s) if s <= due => SignedDuration::ZERO,
        _ => wt.between(end, due)?,
    };
    let budget = wt.between(c.start, due)? - paused;
    let paused_now = c.stop.is_none() && c.pauses.last().is_some_and(|p| p.1.is_none());
    let state = match c.stop {
        Some(s) if s <= due && c.cancelled => ClockState::Cancelled,
        Some(s) if s <= due => ClockState::Met,
        Some(_) => ClockState::Breached,
        None if now > due => ClockState::Breached,
        None if paused_now => ClockState::Paused,
        None => ClockState::Running,
    };
    let warn_at = match &target.warning {
        Some(Warning::Before(d)) => Some(wt.subtract(due, *d)?),
        Some(Warning::Percent(p)) => {
            let left = budget * i32::from(100 - *p) / 100;
            Some(wt.subtract(due, left.max(SignedDuration::ZERO))?)
        }
        None => None,
    };
    let interim_at = match &target.interim_after {
        Some(t) => match t.working_amount() {
            Some(x) if x <= budget => Some(wt.subtract(due, budget - x)?),
            Some(_) => None,
            None => Some(wt.deadline(c.start, t)?.at),
        },
        None => None,
    };
    let running = matches!(state, ClockState::Running);
    let explanation = if explain {
        let mut e = wt.explain(c.start, due)?;
        e.notes.push(format!("term: {term}"));
        if base.bounded
            && let Some(b) = &term.at_most
        {
            e.notes.push(format!("capped by the bound of {b}"));
        }
        if paused > SignedDuration::ZERO {
            e.notes.push(format!(
                "pauses moved the deadline by {} of working time",
                human(paused)
            ));
        }
        Some(e)
    } else {
        None
    };
    Ok(Clock {
        target: target.id.clone(),
        title: target.title.clone(),
        state,
        term: Some(term),
        term_source: None,
        started_at: Some(c.start),
        stopped_at: c.stop,
        due: Some(due),
        warn_at,
        warning: running && warn_at.is_some_and(|w| now >= w),
        interim_at,
        elapsed,
        remaining,
        paused,
        pauses,
        extensions: applied,
        earlier_breaches: 0,
        provisional: wt.is_provisional(c.start, due),
        explanation,
    })
}
