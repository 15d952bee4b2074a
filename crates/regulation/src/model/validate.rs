//! Validation: the raw file, as read, checked and turned into the model, with every problem
//! reported at its line and column.

#![allow(clippy::wildcard_imports)]

use super::*;
use crate::billing::{
    Activity, Billing, DailyHours, Granularity, Money, Multiplier, Plan, Tier, WindowPrice,
};
use crate::error::{Diagnostic, Locator};
use crate::raw::{self, RawMoney, RawRegulation, S};
use jiff::SignedDuration;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use reglament_calendar::{
    DayHours, DayOverride, ProductionCalendar, Schedule, Term, TermPart, WeeklyPattern,
    parse_weekday,
};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub(super) struct Validator<'a> {
    pub(super) loc: Locator<'a>,
    pub(super) diags: Vec<Diagnostic>,
}

fn list(ids: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = ids
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect();
    if v.is_empty() {
        "(none defined)".into()
    } else {
        v.join(", ")
    }
}

/// The largest amount a regulation may name, in rubles: an hour of support costs far less, and
/// sums of such amounts stay well inside the kopeck counter.
const MAX_RUBLES: i64 = 1_000_000_000;
/// The largest attachment size a regulation may name: 1 TiB.
const MAX_SIZE: u64 = 1 << 40;
/// The most hours a plan may include in a month.
const MAX_HOURS: f64 = 100_000.0;
/// The largest price factor.
const MAX_FACTOR: f64 = 1000.0;

impl Validator<'_> {
    fn err(&mut self, at: &S, message: String) {
        self.diags.push(self.loc.at(at.span().start, message));
    }

    fn err_at(&mut self, offset: usize, message: String) {
        self.diags.push(self.loc.at(offset, message));
    }

    fn term(&mut self, ctx: &str, s: &S) -> Option<Term> {
        match s.get_ref().parse::<Term>() {
            Ok(t) => Some(t),
            Err(e) => {
                self.err(s, format!("{ctx}: {e}"));
                None
            }
        }
    }

    /// Terms for the ids of one kind (`by_level`, …), each a term or `not regulated`.
    fn rules(
        &mut self,
        ctx: &str,
        field: &str,
        what: &str,
        map: &BTreeMap<String, S>,
        known: &BTreeSet<String>,
    ) -> BTreeMap<String, TermRule> {
        let mut out = BTreeMap::new();
        for (id, d) in map {
            if !known.contains(id) {
                self.err(
                    d,
                    format!(
                        "{ctx}: `{field}` names unknown {what} `{id}`, expected one of: {}",
                        list(known)
                    ),
                );
            }
            match d.get_ref().parse::<TermRule>() {
                Ok(rule) => {
                    out.insert(id.clone(), rule);
                }
                Err(e) => self.err(d, format!("{ctx}: `{field}.{id}`: {e}, or `not regulated`")),
            }
        }
        out
    }

    /// A plain duration in minutes or hours of calendar time.
    fn plain(&mut self, ctx: &str, s: &S) -> Option<SignedDuration> {
        match self.term(ctx, s)? {
            Term {
                primary: TermPart::Calendar(d),
                at_most: None,
            } => Some(d),
            _ => {
                self.err(
                    s,
                    format!(
                        "{ctx}: `{}` must be plain minutes or hours, such as `30 minutes`",
                        s.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn check_ref(&mut self, ctx: &str, what: &str, s: &S, known: &BTreeSet<String>) {
        if !known.contains(s.get_ref()) {
            self.err(
                s,
                format!(
                    "{ctx}: unknown {what} `{}`, expected one of: {}",
                    s.get_ref(),
                    list(known)
                ),
            );
        }
    }

    fn unique(&mut self, what: &str, ids: &[&S]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        for id in ids {
            if id.get_ref().trim().is_empty() {
                self.err(id, format!("{what} id is empty"));
            } else if !seen.insert(id.get_ref().clone()) {
                self.err(id, format!("duplicate {what} id `{}`", id.get_ref()));
            }
        }
        seen
    }

    fn tz(&mut self, s: &S) -> Option<TimeZone> {
        match TimeZone::get(s.get_ref()) {
            Ok(tz) => Some(tz),
            Err(_) => {
                self.err(
                    s,
                    format!(
                        "unknown time zone `{}`, expected an IANA name such as `Europe/Moscow`",
                        s.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn money(&mut self, ctx: &str, m: &toml::Spanned<RawMoney>) -> Money {
        let parsed = match m.get_ref() {
            RawMoney::Int(i) => i.checked_mul(100).map(Money::from_kopecks),
            RawMoney::Float(f) if f.is_finite() && f.abs() <= MAX_RUBLES as f64 => {
                Some(Money::from_kopecks((f * 100.0).round() as i64))
            }
            RawMoney::Float(_) => None,
            RawMoney::Text(t) => t.parse::<Money>().ok(),
        }
        .filter(|m| (0..=MAX_RUBLES * 100).contains(&m.kopecks()));
        parsed.unwrap_or_else(|| {
            let shown = match m.get_ref() {
                RawMoney::Int(i) => i.to_string(),
                RawMoney::Float(f) => f.to_string(),
                RawMoney::Text(t) => t.clone(),
            };
            self.err_at(
                m.span().start,
                format!("{ctx}: amount `{shown}` is not valid, expected a number of rubles from 0 to 1000000000 such as `2000` or `1500.50`"),
            );
            Money::ZERO
        })
    }

    fn size(&mut self, ctx: &str, s: &S) -> Option<u64> {
        let t = s.get_ref().trim().to_uppercase();
        let (num, mult) = if let Some(n) = t.strip_suffix("MB") {
            (n, 1024 * 1024)
        } else if let Some(n) = t.strip_suffix("KB") {
            (n, 1024)
        } else if let Some(n) = t.strip_suffix('B') {
            (n, 1)
        } else {
            (t.as_str(), 0)
        };
        match num.trim().parse::<u64>() {
            Ok(n) if mult > 0 && n.checked_mul(mult).is_some_and(|b| b <= MAX_SIZE) => {
                Some(n * mult)
            }
            _ => {
                self.err(
                    s,
                    format!(
                        "{ctx}: size `{}` is not valid, expected e.g. `10 MB`, `512 KB`, at most 1048576 MB",
                        s.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn schedule(
        &mut self,
        id: &str,
        r: &raw::RawSchedule,
        default_tz: &TimeZone,
        calendars: &Calendars,
        presidential_default: bool,
    ) -> Option<NamedSchedule> {
        let tz = match &r.timezone {
            Some(s) => self.tz(s)?,
            None => default_tz.clone(),
        };
        let mut weekly = WeeklyPattern::empty();
        let mut ok = true;
        for (days, hours) in r.hours.get_ref() {
            let parsed = hours
                .get_ref()
                .parse::<DayHours>()
                .and_then(|h| weekly.set(days, h));
            if let Err(e) = parsed {
                self.err(
                    hours,
                    format!("schedule `{id}`: `{days}` = `{}`: {e}", hours.get_ref()),
                );
                ok = false;
            }
        }
        if ok && weekly.weekly_minutes() == 0 {
            self.err_at(
                r.hours.span().start,
                format!("schedule `{id}` has no working hours, expected e.g. `hours = {{ \"mon-fri\" = \"09:00-18:00\" }}`"),
            );
            ok = false;
        }
        let mut schedule = Schedule::new(tz, weekly);
        let cal_name = r
            .calendar
            .as_ref()
            .map_or("ru".to_string(), |c| c.get_ref().clone());
        match cal_name.as_str() {
            "ru" => schedule = schedule.with_calendar(ProductionCalendar::russia()),
            "none" => {}
            other => match calendars.get(other) {
                Some(c) => schedule = schedule.with_calendar(c.clone()),
                None => {
                    let c = r.calendar.as_ref().expect("a named calendar was written");
                    let mut known: Vec<&str> = vec!["ru", "none"];
                    known.extend(calendars.keys().map(String::as_str));
                    self.err(
                        c,
                        format!(
                            "schedule `{id}`: unknown calendar `{other}`, expected one of: {}",
                            list(known)
                        ),
                    );
                    ok = false;
                }
            },
        }
        if let Some(s) = r.shortened_days {
            schedule = schedule.shorten_pre_holiday_days(s);
        }
        let presidential = match &r.presidential_days {
            None => presidential_default,
            Some(p) => match p.get_ref().as_str() {
                "working" => true,
                "non-working" => false,
                other => {
                    self.err(p, format!("schedule `{id}`: `presidential_days = \"{other}\"`, expected `working` or `non-working`"));
                    false
                }
            },
        };
        schedule = schedule.count_presidential_days(presidential);
        if let Some(w) = &r.working_weekend_hours {
            match parse_weekday(w.get_ref()) {
                Ok(wd) => schedule = schedule.working_weekend_hours(wd),
                Err(e) => {
                    self.err(w, format!("schedule `{id}`: `working_weekend_hours`: {e}"));
                    ok = false;
                }
            }
        }
        for o in &r.overrides {
            // Exactly `YYYY-MM-DD`: a date with a time would have its time silently dropped.
            let written = o.date.get_ref();
            let plain = written.len() == 10
                && written.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            let date = match written.parse::<Date>() {
                Ok(d) if plain => d,
                _ => {
                    self.err(&o.date, format!("schedule `{id}`: override date `{}` is not a valid date, expected an existing date as `YYYY-MM-DD`", o.date.get_ref()));
                    ok = false;
                    continue;
                }
            };
            if schedule.overrides().any(|(d, _)| d == date) {
                self.err(&o.date, format!("schedule `{id}`: a second override for {date}, expected one override per date"));
                ok = false;
                continue;
            }
            let reason = o
                .reason
                .clone()
                .unwrap_or_else(|| "по решению компании".into());
            let weekend = matches!(
                date.weekday(),
                jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
            );
            let kind = o.hours.get_ref().trim();
            if kind == "working" || kind == "shortened" {
                let shortened = kind == "shortened";
                schedule =
                    schedule.with_override(date, DayOverride::Working { weekend, shortened });
                continue;
            }
            match o.hours.get_ref().parse::<DayHours>() {
                Ok(h) if h.is_empty() => {
                    schedule = schedule.with_override(date, DayOverride::NonWorking { reason });
                }
                Ok(hours) => {
                    schedule = schedule.with_override(date, DayOverride::Hours { hours, reason });
                }
                Err(e) => {
                    self.err(&o.hours, format!("schedule `{id}`: override {date}: {e}; or use `off`, `working` or `shortened`"));
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        match schedule.compile() {
            Ok(wt) => Some(NamedSchedule {
                id: id.to_string(),
                title: r.title.clone().unwrap_or_else(|| id.to_string()),
                calendar: cal_name,
                working: Arc::new(wt),
            }),
            Err(e) => {
                self.err_at(r.hours.span().start, format!("schedule `{id}`: {e}"));
                None
            }
        }
    }

    fn event(
        &mut self,
        ctx: &str,
        s: &S,
        lines: &BTreeSet<String>,
        statuses: &BTreeSet<String>,
    ) -> Option<EventPattern> {
        let Some(p) = EventPattern::parse(s.get_ref()) else {
            self.err(
                s,
                format!(
                    "{ctx}: unknown event `{}`, expected one of {EVENT_NAMES}",
                    s.get_ref()
                ),
            );
            return None;
        };
        match &p {
            EventPattern::HandedOver(Some(l)) if !lines.contains(l) => {
                self.err(
                    s,
                    format!(
                        "{ctx}: unknown line `{l}`, expected one of: {}",
                        list(lines)
                    ),
                );
            }
            EventPattern::EnteredStatus(st) if !statuses.contains(st) => {
                self.err(
                    s,
                    format!(
                        "{ctx}: unknown status `{st}`, expected one of: {}",
                        list(statuses)
                    ),
                );
            }
            _ => {}
        }
        Some(p)
    }

    pub(super) fn regulation(&mut self, raw: RawRegulation, calendars: &Calendars) -> Regulation {
        let tz = raw
            .regulation
            .timezone
            .as_ref()
            .and_then(|s| self.tz(s))
            .unwrap_or_else(|| TimeZone::get("Europe/Moscow").expect("bundled tzdb has Moscow"));

        let mut schedules = BTreeMap::new();
        for (id, r) in &raw.schedules {
            if let Some(s) = self.schedule(id, r, &tz, calendars, false) {
                schedules.insert(id.clone(), s);
            }
        }
        let schedule_ids: BTreeSet<String> = raw.schedules.keys().cloned().collect();

        // Channels.
        let mut channels = Vec::new();
        let mut in_file_order: Vec<(&String, &raw::RawChannel)> = raw.channels.iter().collect();
        in_file_order.sort_by_key(|(_, c)| c.kind.span().start);
        for (id, c) in in_file_order {
            let kind = match c.kind.get_ref().as_str() {
                "email" => ChannelKind::Email,
                "portal" => ChannelKind::Portal,
                "phone" => ChannelKind::Phone,
                "messenger" => ChannelKind::Messenger,
                "other" => ChannelKind::Other,
                other => {
                    self.err(&c.kind, format!("channel `{id}`: unknown kind `{other}`, expected one of `email`, `portal`, `phone`, `messenger`, `other`"));
                    ChannelKind::Other
                }
            };
            let accepted = match &c.accepted {
                Some(a) if a.get_ref() == "always" => None,
                Some(a) => {
                    self.check_ref(
                        &format!("channel `{id}`: `accepted`"),
                        "schedule",
                        a,
                        &schedule_ids,
                    );
                    Some(a.get_ref().clone())
                }
                None => None,
            };
            if c.emergency_only && c.categories.is_empty() {
                self.err(
                    &c.kind,
                    format!(
                        "channel `{id}`: `emergency_only` needs `categories`, the emergencies it accepts"
                    ),
                );
            }
            let unknown_senders = match c.unknown_senders.as_ref() {
                None => UnknownSenders::Hold,
                Some(u) if kind != ChannelKind::Email => {
                    self.err(
                        u,
                        format!(
                            "channel `{id}`: `unknown_senders` applies only to `kind = \"email\"`"
                        ),
                    );
                    UnknownSenders::Hold
                }
                Some(u) => match u.get_ref().as_str() {
                    "hold" => UnknownSenders::Hold,
                    "reject" => UnknownSenders::Reject,
                    "accept" => UnknownSenders::Accept,
                    other => {
                        self.err(
                            u,
                            format!("channel `{id}`: unknown `unknown_senders` value `{other}`, expected one of `hold`, `reject`, `accept`"),
                        );
                        UnknownSenders::Hold
                    }
                },
            };
            channels.push(Channel {
                id: id.clone(),
                title: c.title.clone().unwrap_or_else(|| id.clone()),
                kind,
                address: c.address.clone(),
                registers: c.registers,
                accepted,
                on_days_off: c.on_days_off,
                emergency_only: c.emergency_only,
                paid: c.paid,
                official: c.official,
                trusted_only: c.trusted_only,
                unknown_senders,
                categories: c.categories.iter().map(|s| s.get_ref().clone()).collect(),
                note: c.note.clone(),
            });
        }
        let channel_ids: BTreeSet<String> = raw.channels.keys().cloned().collect();

        let category_ids = self.unique(
            "category",
            &raw.categories.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        let categories = raw
            .categories
            .iter()
            .map(|c| Category {
                id: c.id.get_ref().clone(),
                title: c.title.clone(),
                in_scope: c.in_scope,
                owner_only: c.owner_only,
                note: c.note.clone(),
            })
            .collect();
        for (id, c) in &raw.channels {
            for cat in &c.categories {
                self.check_ref(&format!("channel `{id}`"), "category", cat, &category_ids);
            }
        }

        let priority_ids = self.unique(
            "priority",
            &raw.priorities.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        let defaults: Vec<&raw::RawPriority> =
            raw.priorities.iter().filter(|p| p.default).collect();
        if defaults.len() > 1 {
            self.err(
                &defaults[1].id,
                format!(
                    "priority `{}` is a second default, expected at most one `default = true`",
                    defaults[1].id.get_ref()
                ),
            );
        }
        let priorities = raw
            .priorities
            .iter()
            .map(|p| Priority {
                id: p.id.get_ref().clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                out_of_turn: p.out_of_turn,
                default: p.default,
            })
            .collect();

        let level_ids = self.unique(
            "level",
            &raw.levels.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        let mut levels = Vec::new();
        for l in &raw.levels {
            let ctx = format!("level `{}`", l.id.get_ref());
            for c in &l.categories {
                self.check_ref(&ctx, "category", c, &category_ids);
            }
            for c in &l.channels {
                self.check_ref(&ctx, "channel", c, &channel_ids);
            }
            if let Some(p) = &l.priority {
                self.check_ref(&ctx, "priority", p, &priority_ids);
            }
            if let Some(s) = &l.keywords_during {
                self.check_ref(&ctx, "schedule", s, &schedule_ids);
            }
            levels.push(Level {
                id: l.id.get_ref().clone(),
                title: l.title.clone(),
                description: l.description.clone(),
                tariffs: l.tariffs.clone(),
                categories: l.categories.iter().map(|s| s.get_ref().clone()).collect(),
                channels: l.channels.iter().map(|s| s.get_ref().clone()).collect(),
                subject_keywords: l.subject_keywords.clone(),
                keywords_during: l.keywords_during.as_ref().map(|s| s.get_ref().clone()),
                priority: l.priority.as_ref().map(|s| s.get_ref().clone()),
                line: l.line.as_ref().map(|s| s.get_ref().clone()),
            });
        }

        if let Some(pos) = raw.levels.iter().position(|l| {
            l.tariffs.is_empty()
                && l.categories.is_empty()
                && l.channels.is_empty()
                && l.subject_keywords.is_empty()
        }) && let Some(next) = raw.levels.get(pos + 1)
        {
            self.err(
                    &next.id,
                    format!(
                        "level `{}` can never apply: level `{}` before it has no conditions and matches every ticket; put the catch-all level last",
                        next.id.get_ref(),
                        raw.levels[pos].id.get_ref()
                    ),
                );
        }

        // Statuses: the base ones, renamed, then custom ones.
        let mut statuses: Vec<Status> = BaseStatus::ALL
            .iter()
            .map(|b| Status {
                id: b.id().into(),
                title: b.default_title().into(),
                base: *b,
            })
            .collect();
        self.unique(
            "status",
            &raw.statuses.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        for s in &raw.statuses {
            let id = s.id.get_ref();
            if let Some(b) = BaseStatus::parse(id) {
                if let Some(base) = &s.base
                    && base.get_ref() != id
                {
                    self.err(
                        base,
                        format!(
                            "status `{id}` is a base status and cannot be based on `{}`",
                            base.get_ref()
                        ),
                    );
                }
                statuses[b as usize].title = s.title.clone();
                continue;
            }
            let base = match &s.base {
                None => {
                    self.err(
                        &s.id,
                        format!(
                            "status `{id}` needs `base`, one of: {}",
                            list(BaseStatus::ALL.iter().map(|b| b.id()))
                        ),
                    );
                    continue;
                }
                Some(b) => match BaseStatus::parse(b.get_ref()) {
                    Some(b) => b,
                    None => {
                        self.err(
                            b,
                            format!(
                                "status `{id}`: unknown base status `{}`, expected one of: {}",
                                b.get_ref(),
                                list(BaseStatus::ALL.iter().map(|b| b.id()))
                            ),
                        );
                        continue;
                    }
                },
            };
            statuses.push(Status {
                id: id.clone(),
                title: s.title.clone(),
                base,
            });
        }
        let status_ids: BTreeSet<String> = statuses.iter().map(|s| s.id.clone()).collect();

        // Lines and their reaction targets.
        let line_ids = self.unique("line", &raw.lines.iter().map(|c| &c.id).collect::<Vec<_>>());
        let mut lines = Vec::new();
        let mut targets = Vec::new();
        for l in &raw.lines {
            let id = l.id.get_ref().clone();
            let ctx = format!("line `{id}`");
            let reaction = l
                .reaction
                .as_ref()
                .and_then(|r| self.term(&format!("{ctx}: `reaction`"), r));
            if let Some(s) = &l.schedule {
                self.check_ref(&ctx, "schedule", s, &schedule_ids);
            }
            let schedule = l.schedule.as_ref().map(|s| s.get_ref().clone());
            if let (Some(r), None) = (&l.reaction, &schedule) {
                self.err(
                    r,
                    format!(
                        "{ctx}: a `reaction` needs a `schedule` to count in, expected one of: {}",
                        list(&schedule_ids)
                    ),
                );
            }
            if let (Some(term), Some(schedule)) = (reaction, schedule.clone()) {
                targets.push(Target {
                    id: format!("reaction_{id}"),
                    title: format!("Реакция линии «{}»", l.title),
                    start: EventPattern::HandedOver(Some(id.clone())),
                    stop: vec![EventPattern::Assigned, EventPattern::PublicReply],
                    pause_in: Vec::new(),
                    resume_on: Vec::new(),
                    repeat: true,
                    schedule,
                    duration: Some(term),
                    by_priority: BTreeMap::new(),
                    by_category: BTreeMap::new(),
                    by_level: BTreeMap::new(),
                    by_level_category: BTreeMap::new(),
                    levels: Vec::new(),
                    priorities: Vec::new(),
                    channels: Vec::new(),
                    warning: None,
                    interim_after: None,
                    extension: None,
                    note: None,
                    line: Some(id.clone()),
                });
            }
            lines.push(Line {
                id,
                title: l.title.clone(),
                reaction,
                schedule,
                description: l.description.clone(),
            });
        }

        for l in &raw.levels {
            if let Some(line) = &l.line {
                self.check_ref(
                    &format!("level `{}`", l.id.get_ref()),
                    "line",
                    line,
                    &line_ids,
                );
            }
        }

        self.unique(
            "target",
            &raw.targets.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        for t in &raw.targets {
            if targets.iter().any(|g: &Target| &g.id == t.id.get_ref()) {
                self.err(
                    &t.id,
                    format!(
                        "duplicate target id `{}`: a line's reaction target already has it",
                        t.id.get_ref()
                    ),
                );
            }
        }
        for t in raw.targets {
            let id = t.id.get_ref().clone();
            let ctx = format!("target `{id}`");
            self.check_ref(&ctx, "schedule", &t.schedule, &schedule_ids);
            let start = self.event(&format!("{ctx}: `start`"), &t.start, &line_ids, &status_ids);
            let stop_at = t.stop.span();
            let stop: Vec<EventPattern> = t
                .stop
                .get_ref()
                .0
                .iter()
                .filter_map(|(at, s)| {
                    let s = toml::Spanned::new(at.clone().unwrap_or(stop_at.clone()), s.clone());
                    self.event(&format!("{ctx}: `stop`"), &s, &line_ids, &status_ids)
                })
                .collect();
            if t.stop.get_ref().0.is_empty() {
                self.err_at(
                    stop_at.start,
                    format!("{ctx}: `stop` is empty, expected at least one event"),
                );
            }
            let resume_on = t
                .resume_on
                .iter()
                .filter_map(|s| {
                    self.event(&format!("{ctx}: `resume_on`"), s, &line_ids, &status_ids)
                })
                .collect();
            for p in &t.pause_in {
                self.check_ref(&format!("{ctx}: `pause_in`"), "status", p, &status_ids);
            }
            let duration = t
                .duration
                .as_ref()
                .and_then(|d| self.term(&format!("{ctx}: `duration`"), d));
            let by_priority = self.rules(
                &ctx,
                "by_priority",
                "priority",
                &t.by_priority,
                &priority_ids,
            );
            let by_level = self.rules(&ctx, "by_level", "level", &t.by_level, &level_ids);
            let by_category = self.rules(
                &ctx,
                "by_category",
                "category",
                &t.by_category,
                &category_ids,
            );
            let mut by_level_category = BTreeMap::new();
            for (l, cats) in &t.by_level_category {
                let field = format!("by_level_category.{l}");
                if !level_ids.contains(l)
                    && let Some(first) = cats.values().next()
                {
                    self.err(
                        first,
                        format!("{ctx}: `by_level_category` names unknown level `{l}`, expected one of: {}", list(&level_ids)),
                    );
                }
                let rules = self.rules(&ctx, &field, "category", cats, &category_ids);
                by_level_category.insert(l.clone(), rules);
            }
            if t.duration.is_none()
                && t.by_priority.is_empty()
                && t.by_level.is_empty()
                && t.by_category.is_empty()
                && t.by_level_category.is_empty()
            {
                self.err(
                    &t.id,
                    format!("{ctx} has no term, expected `duration`, `by_priority`, `by_level`, `by_category` or `by_level_category`"),
                );
            }
            for l in &t.levels {
                self.check_ref(&ctx, "level", l, &level_ids);
            }
            for p in &t.priorities {
                self.check_ref(&ctx, "priority", p, &priority_ids);
            }
            for c in &t.channels {
                self.check_ref(&ctx, "channel", c, &channel_ids);
            }
            let warning = match (&t.warn_before, &t.warn_at_percent) {
                (Some(w), None) => match self.term(&format!("{ctx}: `warn_before`"), w) {
                    Some(term) => match term.working_amount().or(match term.primary {
                        TermPart::Calendar(d) => Some(d),
                        _ => None,
                    }) {
                        Some(d) if term.at_most.is_none() => Some(Warning::Before(d)),
                        _ => {
                            self.err(w, format!("{ctx}: `warn_before = \"{}\"` must be working minutes or hours", w.get_ref()));
                            None
                        }
                    },
                    None => None,
                },
                (None, Some(p)) => {
                    if !(1..=99).contains(p.get_ref()) {
                        self.err_at(
                            p.span().start,
                            format!(
                                "{ctx}: `warn_at_percent = {}`, expected 1 to 99",
                                p.get_ref()
                            ),
                        );
                    }
                    Some(Warning::Percent(*p.get_ref()))
                }
                (Some(w), Some(_)) => {
                    self.err(
                        w,
                        format!("{ctx}: set `warn_before` or `warn_at_percent`, not both"),
                    );
                    None
                }
                (None, None) => None,
            };
            let interim_after = t
                .interim_after
                .as_ref()
                .and_then(|d| self.term(&format!("{ctx}: `interim_after`"), d));
            let extension = t
                .extension
                .as_ref()
                .and_then(|d| self.term(&format!("{ctx}: `extension`"), d));
            let (Some(start), false) = (start, stop.is_empty()) else {
                continue;
            };
            targets.push(Target {
                id,
                title: t.title,
                start,
                stop,
                pause_in: t.pause_in.iter().map(|s| s.get_ref().clone()).collect(),
                resume_on,
                repeat: t.repeat,
                schedule: t.schedule.get_ref().clone(),
                duration,
                by_priority,
                by_category,
                by_level,
                by_level_category,
                levels: t.levels.iter().map(|s| s.get_ref().clone()).collect(),
                priorities: t.priorities.iter().map(|s| s.get_ref().clone()).collect(),
                channels: t.channels.iter().map(|s| s.get_ref().clone()).collect(),
                warning,
                interim_after,
                extension,
                note: t.note,
                line: None,
            });
        }

        // Lifecycle.
        let lc = raw.lifecycle;
        if let Some(s) = &lc.schedule {
            self.check_ref("lifecycle", "schedule", s, &schedule_ids);
        }
        let auto_close_after = lc
            .auto_close_after
            .as_ref()
            .and_then(|d| self.term("lifecycle: `auto_close_after`", d));
        let reopen = match &lc.reopen {
            None => ReopenRule::Reopen,
            Some(r) => {
                match r.get_ref().as_str() {
                    "reopen" => ReopenRule::Reopen,
                    "new_linked" => ReopenRule::NewLinked,
                    other => {
                        self.err(r, format!("lifecycle: `reopen = \"{other}\"`, expected `reopen` or `new_linked`"));
                        ReopenRule::Reopen
                    }
                }
            }
        };
        let reopen_within = lc
            .reopen_within
            .as_ref()
            .and_then(|d| self.term("lifecycle: `reopen_within`", d));
        let custom: Vec<Reason> = lc
            .custom_reasons
            .iter()
            .map(|r| Reason {
                id: r.id.get_ref().clone(),
                title: r.title.clone(),
            })
            .collect();
        let mut reasons = |list_: &[S], what: &str| -> Vec<Reason> {
            list_
                .iter()
                .filter_map(|r| {
                    let found = Reason::builtin(r.get_ref())
                        .or_else(|| custom.iter().find(|c| &c.id == r.get_ref()).cloned());
                    if found.is_none() {
                        let mut known: Vec<&str> = BUILTIN_REASONS.iter().map(|(i, _)| *i).collect();
                        known.extend(custom.iter().map(|c| c.id.as_str()));
                        self.err(r, format!("lifecycle: unknown {what} reason `{}`, expected one of: {} (or add it to `custom_reasons`)", r.get_ref(), list(known)));
                    }
                    found
                })
                .collect()
        };
        let mut deferral_reasons = reasons(&lc.deferral_reasons, "deferral");
        let mut rejection_reasons = reasons(&lc.rejection_reasons, "rejection");
        if deferral_reasons.is_empty() {
            deferral_reasons = [
                "cannot_reproduce",
                "insufficient_information",
                "needs_diagnostics",
                "needs_development",
                "third_party",
            ]
            .iter()
            .filter_map(|i| Reason::builtin(i))
            .collect();
        }
        if rejection_reasons.is_empty() {
            rejection_reasons = ["out_of_scope", "unlicensed", "duplicate", "spam"]
                .iter()
                .filter_map(|i| Reason::builtin(i))
                .collect();
        }
        let first_schedule = raw
            .schedules
            .iter()
            .min_by_key(|(_, s)| s.hours.span().start)
            .map(|(id, _)| id.clone());
        let lifecycle = Lifecycle {
            schedule: lc.schedule.map(|s| s.into_inner()).or(first_schedule),
            auto_close_after,
            reopen,
            reopen_within,
            deferral_reasons,
            rejection_reasons,
            rating: lc.rating.unwrap_or(true),
        };

        // Fields and attachments.
        let known_fields: BTreeSet<String> =
            KNOWN_FIELDS.iter().map(|(f, _)| (*f).to_string()).collect();
        for f in raw.fields.required.iter().chain(&raw.fields.optional) {
            self.check_ref("fields", "field", f, &known_fields);
        }
        let fields = Fields {
            required: raw
                .fields
                .required
                .iter()
                .map(|s| s.get_ref().clone())
                .collect(),
            optional: raw
                .fields
                .optional
                .iter()
                .map(|s| s.get_ref().clone())
                .collect(),
        };
        let attachments = AttachmentPolicy {
            max_size: raw
                .attachments
                .max_size
                .as_ref()
                .and_then(|s| self.size("attachments: `max_size`", s)),
            max_total: raw
                .attachments
                .max_total
                .as_ref()
                .and_then(|s| self.size("attachments: `max_total`", s)),
            allowed: raw
                .attachments
                .allowed
                .iter()
                .map(|s| s.trim_start_matches('.').to_lowercase())
                .collect(),
            archived_only: raw
                .attachments
                .archived_only
                .iter()
                .map(|s| s.trim_start_matches('.').to_lowercase())
                .collect(),
        };

        let billing = raw
            .billing
            .map(|b| self.billing(b, &schedule_ids, &level_ids, &priority_ids));

        Regulation {
            name: raw.regulation.name,
            provider: raw.regulation.provider,
            timezone: tz,
            effective: raw.regulation.effective,
            summary: raw.regulation.summary,
            knowledge_base: raw.regulation.knowledge_base,
            schedules,
            channels,
            categories,
            priorities,
            levels,
            lines,
            statuses,
            targets,
            lifecycle,
            fields,
            attachments,
            billing,
        }
    }

    fn billing(
        &mut self,
        b: raw::RawBilling,
        schedule_ids: &BTreeSet<String>,
        level_ids: &BTreeSet<String>,
        priority_ids: &BTreeSet<String>,
    ) -> Billing {
        let rounding = b
            .rounding
            .as_ref()
            .and_then(|r| self.plain("billing: `rounding`", r));
        let mut activities = BTreeMap::new();
        for (id, a) in &b.activities {
            let ctx = format!("billing activity `{id}`");
            let by_contract = a.rate.as_ref().is_some_and(
                |r| matches!(r.get_ref(), RawMoney::Text(t) if t.trim() == "contract"),
            );
            let rate = a
                .rate
                .as_ref()
                .filter(|_| !by_contract)
                .map(|r| self.money(&format!("{ctx}: `rate`"), r));
            let mut by_class = |what: &str,
                                map: &BTreeMap<String, toml::Spanned<RawMoney>>,
                                known: &BTreeSet<String>| {
                let mut out = BTreeMap::new();
                for (id, m) in map {
                    if !known.contains(id) {
                        let expected = known.iter().cloned().collect::<Vec<_>>().join(", ");
                        self.err_at(
                            m.span().start,
                            format!("{ctx}: `rate_by_{what}` names unknown {what} `{id}`, expected one of: {expected}"),
                        );
                    }
                    out.insert(
                        id.clone(),
                        self.money(&format!("{ctx}: `rate_by_{what}.{id}`"), m),
                    );
                }
                out
            };
            let rate_by_level = by_class("level", &a.rate_by_level, level_ids);
            let rate_by_priority = by_class("priority", &a.rate_by_priority, priority_ids);
            let per = match a.per.as_ref().map(|p| p.get_ref().as_str()) {
                None | Some("entry") => Granularity::Entry,
                Some("ticket") => Granularity::Ticket,
                Some("month") => Granularity::Month,
                Some(other) => {
                    let at = a.per.as_ref().expect("given");
                    self.err(
                        at,
                        format!("{ctx}: `per = \"{other}\"` is not known, expected `entry`, `ticket` or `month`"),
                    );
                    Granularity::Entry
                }
            };
            let minimum = a
                .minimum
                .as_ref()
                .and_then(|m| self.plain(&format!("{ctx}: `minimum`"), m));
            let own_rounding = a
                .rounding
                .as_ref()
                .and_then(|m| self.plain(&format!("{ctx}: `rounding`"), m));
            let mut tiers = Vec::new();
            let mut last = SignedDuration::ZERO;
            for t in &a.tiers {
                let Some(up_to) = self.plain(&format!("{ctx}: tier `up_to`"), &t.up_to) else {
                    continue;
                };
                if up_to <= last {
                    self.err(
                        &t.up_to,
                        format!(
                            "{ctx}: tier `up_to = \"{}\"` must be longer than the previous tier",
                            t.up_to.get_ref()
                        ),
                    );
                }
                last = up_to;
                let price = self.money(&format!("{ctx}: tier `price`"), &t.price);
                tiers.push(Tier { up_to, price });
            }
            if rate.is_none() && !by_contract && tiers.is_empty() && a.billable {
                self.err(
                    &a.title,
                    format!("{ctx} has neither `rate` nor `tiers`; set one, `rate = \"contract\"`, or `billable = false`"),
                );
            }
            if !tiers.is_empty() && per != Granularity::Entry {
                let at = a.per.as_ref().expect("per is set when not entry");
                self.err(
                    at,
                    format!("{ctx}: tiers price each call on its own, so `per` must be `entry`"),
                );
            }
            if by_contract && !tiers.is_empty() {
                self.err(
                    &a.title,
                    format!("{ctx}: `rate = \"contract\"` prices by the hour, and cannot be combined with `tiers`"),
                );
            }
            activities.insert(
                id.clone(),
                Activity {
                    id: id.clone(),
                    title: a.title.get_ref().clone(),
                    position: a.title.span().start,
                    rate,
                    by_contract,
                    unit: a.unit.as_ref().map(|u| u.get_ref().trim().to_string()),
                    rate_by_level,
                    rate_by_priority,
                    minimum,
                    rounding: own_rounding,
                    per,
                    tiers,
                    billable: a.billable,
                },
            );
        }
        let mut plans = BTreeMap::new();
        for (id, p) in &b.plans {
            let ctx = format!("billing plan `{id}`");
            let monthly_fee = self.money(&format!("{ctx}: `monthly_fee`"), &p.monthly_fee);
            let overage_rate = p
                .overage_rate
                .as_ref()
                .map(|r| self.money(&format!("{ctx}: `overage_rate`"), r));
            let included = p.included_hours.as_ref().map(|h| {
                let hours = *h.get_ref();
                if !(0.0..=MAX_HOURS).contains(&hours) {
                    self.err_at(
                        h.span().start,
                        format!("{ctx}: `included_hours = {hours}` must be a number of hours from 0 to {MAX_HOURS}"),
                    );
                    return SignedDuration::ZERO;
                }
                SignedDuration::from_secs((hours * 3600.0).round() as i64)
            });
            plans.insert(
                id.clone(),
                Plan {
                    id: id.clone(),
                    title: p.title.get_ref().clone(),
                    position: p.title.span().start,
                    monthly_fee,
                    included,
                    overage_rate,
                    tariffs: p.tariffs.clone(),
                },
            );
        }
        let activity_ids: BTreeSet<String> = activities.keys().cloned().collect();
        let mut multipliers = Vec::new();
        for m in &b.multipliers {
            let ctx = format!("billing multiplier `{}`", m.title.get_ref());
            for s in m.inside.iter().chain(&m.outside) {
                self.check_ref(&ctx, "schedule", s, schedule_ids);
            }
            for a in &m.activities {
                self.check_ref(&ctx, "activity", a, &activity_ids);
            }
            for l in &m.levels {
                self.check_ref(&ctx, "level", l, level_ids);
            }
            for p in &m.priorities {
                self.check_ref(&ctx, "priority", p, priority_ids);
            }
            let hours = m
                .hours
                .as_ref()
                .and_then(|h| match h.get_ref().parse::<DailyHours>() {
                    Ok(d) => Some(d),
                    Err(e) => {
                        self.err(h, format!("{ctx}: {e}"));
                        None
                    }
                });
            if m.inside.is_none()
                && m.outside.is_none()
                && m.hours.is_none()
                && m.levels.is_empty()
                && m.priorities.is_empty()
            {
                self.err(
                    &m.title,
                    format!("{ctx} applies to nothing in particular: set `inside`, `outside`, `hours`, `levels` or `priorities`"),
                );
            }
            let price = match (&m.factor, &m.rate) {
                (Some(f), None) => {
                    let factor = *f.get_ref();
                    if !(factor > 0.0 && factor <= MAX_FACTOR) {
                        self.err_at(
                            f.span().start,
                            format!("{ctx}: `factor = {factor}` must be a positive number up to {MAX_FACTOR}"),
                        );
                    }
                    WindowPrice::Factor(factor)
                }
                (None, Some(r)) => WindowPrice::Rate(self.money(&format!("{ctx}: `rate`"), r)),
                (Some(f), Some(_)) => {
                    self.err_at(
                        f.span().start,
                        format!("{ctx} has both `factor` and `rate`; a window either multiplies the price or has its own"),
                    );
                    WindowPrice::Factor(1.0)
                }
                (None, None) => {
                    self.err(&m.title, format!("{ctx} has neither `factor` nor `rate`"));
                    WindowPrice::Factor(1.0)
                }
            };
            let ids = |v: &[S]| v.iter().map(|s| s.get_ref().clone()).collect::<Vec<_>>();
            multipliers.push(Multiplier {
                title: m.title.get_ref().clone(),
                price,
                inside: m.inside.as_ref().map(|s| s.get_ref().clone()),
                outside: m.outside.as_ref().map(|s| s.get_ref().clone()),
                hours,
                activities: ids(&m.activities),
                levels: ids(&m.levels),
                priorities: ids(&m.priorities),
            });
        }
        Billing {
            currency: b.currency,
            rounding,
            activities,
            plans,
            multipliers,
            free_email: b.free_email,
        }
    }
}
