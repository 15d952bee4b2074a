//! The six example regulations in `examples/regulations/`: each parses, its deadlines land where
//! the regulation and the Russian production calendar say they must, its bills come to the
//! right amounts and its published text reads correctly.
//!
//! Every expected deadline below was worked out by hand from the regulation's rules and the
//! production-calendar facts in `reference/ru-production-calendar.json`; the comment next to
//! each case shows the arithmetic. The facts used most:
//!
//! - 2024: 27 April is a working Saturday; 29 April – 1 May off; 2 November is a working,
//!   shortened Saturday; 28 December is a working Saturday.
//! - 2025: 1 November is a working, shortened Saturday; 3–4 November off; 30 December is a full
//!   day; 31 December off.
//! - 2026: 1–11 January off (1–9 holidays, 10–11 weekend); 23 February (Mon) off; 9 March (Mon)
//!   off; 30 April shortened; 1 May off; 8 May shortened; 9–11 May off; 11 June shortened;
//!   12 June off; 3 November shortened; 4 November off; 30 December a full day; 31 December off.
//! - 2027: 1–10 January off (1–8 holidays, 9–10 weekend); 11 January (Mon) the first working day.
//!
//! A shortened pre-holiday day ends one hour earlier.

use std::sync::OnceLock;

use jiff::civil::{DateTime, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use reglament_regulation::sla::{self, ClockState, Event, EventKind};
use reglament_regulation::{
    Money, Regulation, TermSource, TicketFacts, TimeEntry, billing, render,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

macro_rules! example_text {
    ($file:literal) => {{
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/regulations/",
            $file
        );
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }};
}

macro_rules! example {
    ($file:literal) => {{
        static REG: OnceLock<Regulation> = OnceLock::new();
        REG.get_or_init(|| {
            Regulation::parse(&example_text!($file))
                .unwrap_or_else(|e| panic!("{} does not parse:\n{e}", $file))
        })
    }};
}

fn bitrix() -> &'static Regulation {
    example!("bitrix24-integrator.toml")
}
fn saveit() -> &'static Regulation {
    example!("saveit.toml")
}
fn insales() -> &'static Regulation {
    example!("insales.toml")
}
fn echo() -> &'static Regulation {
    example!("echo.toml")
}
fn pass24() -> &'static Regulation {
    example!("pass24.toml")
}
fn quartech() -> &'static Regulation {
    example!("quartech.toml")
}

fn moscow() -> TimeZone {
    TimeZone::get("Europe/Moscow").expect("bundled tzdb has Moscow")
}

/// A Moscow wall-clock time, `2026-05-08T16:00`.
fn msk(s: &str) -> Timestamp {
    let dt: DateTime = s
        .parse()
        .unwrap_or_else(|e| panic!("bad test time {s}: {e}"));
    dt.to_zoned(moscow())
        .expect("valid Moscow time")
        .timestamp()
}

/// A timestamp as Moscow wall-clock time, `2026-05-08T16:00`.
fn show(t: Timestamp) -> String {
    t.to_zoned(moscow()).strftime("%Y-%m-%dT%H:%M").to_string()
}

fn received(at: &str, channel: Option<&str>, level: Option<&str>, priority: Option<&str>) -> Event {
    Event::new(
        msk(at),
        EventKind::Received {
            channel: channel.map(Into::into),
            level: level.map(Into::into),
            priority: priority.map(Into::into),
            category: None,
        },
    )
}

fn status(at: &str, s: &str) -> Event {
    Event::new(msk(at), EventKind::Status(s.into()))
}

fn event(at: &str, kind: EventKind) -> Event {
    Event::new(msk(at), kind)
}

/// Evaluates the clocks at `now` and returns the one for `target`.
fn clock(reg: &Regulation, events: &[Event], now: &str, target: &str) -> sla::Clock {
    let clocks = sla::evaluate(reg, events, msk(now)).expect("evaluates");
    let ids: Vec<String> = clocks.iter().map(|c| c.target.clone()).collect();
    clocks
        .into_iter()
        .find(|c| c.target == target)
        .unwrap_or_else(|| panic!("no clock `{target}` among {ids:?}"))
}

/// One row of a deadline table: the ticket's events, the target, and the deadline worked out
/// by hand.
struct Case {
    what: &'static str,
    events: Vec<Event>,
    target: &'static str,
    due: &'static str,
}

/// Checks every row and reports all the rows that disagree at once.
fn check_deadlines(reg: &Regulation, cases: &[Case]) {
    let mut failures = Vec::new();
    for c in cases {
        let now = c.events.last().expect("a case has events").at;
        let clocks = match sla::evaluate(reg, &c.events, now) {
            Ok(k) => k,
            Err(e) => {
                failures.push(format!("{}: evaluation failed: {e}", c.what));
                continue;
            }
        };
        match clocks.iter().find(|k| k.target == c.target) {
            None => failures.push(format!("{}: no clock `{}`", c.what, c.target)),
            Some(k) => {
                let got = k.due.map(show);
                if got.as_deref() != Some(c.due) {
                    failures.push(format!(
                        "{}: `{}` expected due {}, got {:?}",
                        c.what, c.target, c.due, got
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "deadlines off:\n{}",
        failures.join("\n")
    );
}

fn assert_contains_all(text: &str, phrases: &[&str]) {
    let missing: Vec<&&str> = phrases.iter().filter(|p| !text.contains(**p)).collect();
    assert!(missing.is_empty(), "missing {missing:?} in:\n{text}");
}

fn entry(at: &str, minutes: i64, activity: &str) -> TimeEntry {
    TimeEntry::new(msk(at), SignedDuration::from_mins(minutes), activity)
}

fn rub(r: i64) -> Money {
    Money::from_rubles(r)
}

// ---------------------------------------------------------------------------------------------
// (1) Every example parses
// ---------------------------------------------------------------------------------------------

#[test]
fn every_example_regulation_parses_without_diagnostics() {
    let texts = [
        (
            "bitrix24-integrator.toml",
            example_text!("bitrix24-integrator.toml"),
        ),
        ("saveit.toml", example_text!("saveit.toml")),
        ("insales.toml", example_text!("insales.toml")),
        ("echo.toml", example_text!("echo.toml")),
        ("pass24.toml", example_text!("pass24.toml")),
        ("quartech.toml", example_text!("quartech.toml")),
    ];
    for (name, text) in texts {
        if let Err(e) = Regulation::parse(&text) {
            panic!("{name} does not parse:\n{e}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bitrix24 integrator [B]: 10:00–18:00 Mon–Fri, RU calendar, three lines
// ---------------------------------------------------------------------------------------------

#[test]
fn bitrix_declares_three_lines_with_reaction_targets_in_working_hours() {
    let reg = bitrix();
    let lines: Vec<(String, String)> = reg
        .lines
        .iter()
        .map(|l| (l.id.clone(), l.reaction.expect("reaction").to_string()))
        .collect();
    assert_eq!(
        lines,
        [
            ("L1".to_string(), "2 working hours".to_string()),
            ("L2".to_string(), "4 working hours".to_string()),
            ("L3".to_string(), "4 working hours".to_string()),
        ]
    );
    for id in ["reaction_L1", "reaction_L2", "reaction_L3"] {
        let t = reg.target(id).expect("a reaction target per line");
        assert!(t.repeat, "{id} restarts at every hand-over");
        assert_eq!(t.schedule, "office");
    }
}

#[test]
fn bitrix_out_of_scope_categories_are_implementation_previous_integrators_and_training() {
    let out: Vec<&str> = bitrix()
        .categories
        .iter()
        .filter(|c| !c.in_scope)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(out, ["implementation", "previous_integrators", "training"]);
}

#[test]
fn bitrix_phone_messenger_and_skype_are_unofficial_channels() {
    let reg = bitrix();
    for id in ["phone", "personal_messenger", "skype"] {
        assert!(
            !reg.channel(id).expect(id).official,
            "{id} must be unofficial"
        );
    }
    assert!(reg.channel("chat").expect("chat").official);
    assert!(reg.channel("chat").expect("chat").registers);
}

#[test]
fn bitrix_level_follows_the_problem_category() {
    let reg = bitrix();
    let level = |category: &str| {
        reg.resolve_level(&TicketFacts {
            category: Some(category),
            ..TicketFacts::default()
        })
        .map(|l| l.id.clone())
    };
    assert_eq!(level("billing_documents").as_deref(), Some("SLA1"));
    assert_eq!(level("basic_functions").as_deref(), Some("SLA1"));
    assert_eq!(level("product_consulting").as_deref(), Some("SLA2"));
    assert_eq!(level("administration_development").as_deref(), Some("SLA3"));
    assert_eq!(level("training"), None);
}

#[test]
fn bitrix_customer_may_reopen_and_rate_the_dialog() {
    let lc = &bitrix().lifecycle;
    assert_eq!(lc.reopen, reglament_regulation::ReopenRule::Reopen);
    assert!(lc.rating);
}

fn handed(at: &str, line: &str) -> Vec<Event> {
    vec![
        received(at, Some("chat"), None, None),
        event(at, EventKind::HandedOver(line.into())),
    ]
}

#[test]
fn bitrix_line_reaction_deadlines_cross_holidays_weekends_and_shortened_days() {
    check_deadlines(
        bitrix(),
        &[
            // Fri 8 May 2026 closes at 17:00: 16–17 is 1 h; 9–11 May off; Tue 12 May 10:00 + 1 h.
            Case {
                what: "L1 on the shortened Friday before the May holidays",
                events: handed("2026-05-08T16:00", "L1"),
                target: "reaction_L1",
                due: "2026-05-12T11:00",
            },
            // Tue 30 Dec 2025 is a full day: 15–18 is 3 h; 31 Dec and 1–11 Jan off; Mon 12 Jan
            // 10:00 + 1 h.
            Case {
                what: "L2 across the New Year holidays 2025/2026",
                events: handed("2025-12-30T15:00", "L2"),
                target: "reaction_L2",
                due: "2026-01-12T11:00",
            },
            // Fri 31 Oct 2025 16–18 is 2 h; Sat 1 Nov 2025 is a working shortened day
            // 10:00–17:00: 10:00 + 2 h.
            Case {
                what: "L3 into the working Saturday 2025-11-01",
                events: handed("2025-10-31T16:00", "L3"),
                target: "reaction_L3",
                due: "2025-11-01T12:00",
            },
            // Sat 1 Nov 2025 15–17 is 2 h; Sun 2, Mon 3 (transferred), Tue 4 Nov off; Wed 5 Nov
            // 10:00 + 2 h.
            Case {
                what: "L2 from the working Saturday over the November holidays",
                events: handed("2025-11-01T15:00", "L2"),
                target: "reaction_L2",
                due: "2025-11-05T12:00",
            },
            // Fri 6 Mar 2026 17:30–18:00 is 30 min; 7–8 weekend, Mon 9 Mar off; Tue 10 Mar
            // 10:00 + 1.5 h.
            Case {
                what: "L1 over 8 March 2026 moved to Monday",
                events: handed("2026-03-06T17:30", "L1"),
                target: "reaction_L1",
                due: "2026-03-10T11:30",
            },
            // Fri 26 Apr 2024 17–18 is 1 h; Sat 27 Apr 2024 is a full working day: 10:00 + 1 h.
            Case {
                what: "L1 into the working Saturday 2024-04-27",
                events: handed("2024-04-26T17:00", "L1"),
                target: "reaction_L1",
                due: "2024-04-27T11:00",
            },
            // Wed 30 Dec 2026 17–18 is 1 h; 31 Dec 2026 and 1–10 Jan 2027 off; Mon 11 Jan 2027
            // 10:00 + 3 h.
            Case {
                what: "L3 across the New Year holidays 2026/2027 where 31 December is off",
                events: handed("2026-12-30T17:00", "L3"),
                target: "reaction_L3",
                due: "2027-01-11T13:00",
            },
        ],
    );
}

#[test]
fn bitrix_each_hand_over_starts_the_receiving_lines_clock_and_an_unanswered_one_breaches() {
    let reg = bitrix();
    let events = vec![
        received("2026-11-23T09:50", Some("chat"), Some("SLA1"), None),
        event("2026-11-23T10:00", EventKind::HandedOver("L1".into())),
        event("2026-11-23T11:30", EventKind::Assigned),
        event("2026-11-23T14:00", EventKind::HandedOver("L2".into())),
        event("2026-11-23T17:00", EventKind::PublicReply),
        event("2026-11-24T16:00", EventKind::HandedOver("L3".into())),
    ];
    let now = "2026-11-25T12:30";
    // L1: 10:00 + 2 h = 12:00, assigned at 11:30.
    let l1 = clock(reg, &events, now, "reaction_L1");
    assert_eq!(l1.state, ClockState::Met);
    assert_eq!(l1.due.map(show).as_deref(), Some("2026-11-23T12:00"));
    // L2: 14:00 + 4 h = 18:00, answered at 17:00.
    let l2 = clock(reg, &events, now, "reaction_L2");
    assert_eq!(l2.state, ClockState::Met);
    assert_eq!(l2.due.map(show).as_deref(), Some("2026-11-23T18:00"));
    // L3: Tue 16–18 is 2 h, Wed 10:00 + 2 h = 12:00; nobody took it by 12:30.
    let l3 = clock(reg, &events, now, "reaction_L3");
    assert_eq!(l3.state, ClockState::Breached);
    assert_eq!(l3.due.map(show).as_deref(), Some("2026-11-25T12:00"));
    assert_eq!(l3.remaining, SignedDuration::from_mins(-30));
}

#[test]
fn bitrix_a_hand_over_ends_the_reaction_clock_of_the_line_the_ticket_left() {
    let reg = bitrix();
    let events = vec![
        received("2026-11-23T10:00", Some("chat"), Some("SLA2"), None),
        event("2026-11-23T10:00", EventKind::HandedOver("L2".into())),
        // Nobody on L2 reacted; the ticket went on to L3 within L2's four hours.
        event("2026-11-23T12:00", EventKind::HandedOver("L3".into())),
    ];
    // Two days later L2's clock has not breached: it ended when the ticket left L2.
    let l2 = clock(reg, &events, "2026-11-25T12:00", "reaction_L2");
    assert_eq!(l2.state, ClockState::Cancelled);
    assert_eq!(l2.stopped_at.map(show).as_deref(), Some("2026-11-23T12:00"));
    assert_eq!(l2.remaining, SignedDuration::ZERO);
    // L3's clock is the one that breached.
    let l3 = clock(reg, &events, "2026-11-25T12:00", "reaction_L3");
    assert_eq!(l3.state, ClockState::Breached);
}

#[test]
fn a_met_clock_shows_no_time_remaining() {
    let reg = bitrix();
    let events = vec![
        received("2026-11-23T10:00", Some("chat"), Some("SLA1"), None),
        event("2026-11-23T10:00", EventKind::HandedOver("L1".into())),
        event("2026-11-23T10:30", EventKind::Assigned),
    ];
    let l1 = clock(reg, &events, "2026-11-23T11:00", "reaction_L1");
    assert_eq!(l1.state, ClockState::Met);
    assert_eq!(l1.remaining, SignedDuration::ZERO);
}

#[test]
fn bitrix_second_hand_over_to_the_same_line_is_a_new_cycle_remembering_the_earlier_breach() {
    let reg = bitrix();
    let events = vec![
        received("2026-11-23T10:00", Some("chat"), None, None),
        // First cycle: due 12:00, assigned only at 13:00.
        event("2026-11-23T10:00", EventKind::HandedOver("L1".into())),
        event("2026-11-23T13:00", EventKind::Assigned),
        // Second cycle: 15:00 + 2 h = 17:00, assigned at 15:30.
        event("2026-11-23T15:00", EventKind::HandedOver("L1".into())),
        event("2026-11-23T15:30", EventKind::Assigned),
    ];
    let l1 = clock(reg, &events, "2026-11-23T16:00", "reaction_L1");
    assert_eq!(l1.state, ClockState::Met);
    assert_eq!(l1.started_at.map(show).as_deref(), Some("2026-11-23T15:00"));
    assert_eq!(l1.due.map(show).as_deref(), Some("2026-11-23T17:00"));
    assert_eq!(l1.earlier_breaches, 1);
}

#[test]
fn bitrix_renders_line_reactions_and_out_of_scope_categories_in_russian() {
    let md = render::markdown(bitrix());
    assert_contains_all(
        &md,
        &[
            "| L1 | Консультант | 2 рабочих часа |",
            "| L2 | Менеджер проектов | 4 рабочих часа |",
            "| L3 | Инженер или разработчик | 4 рабочих часа |",
            "| Рабочее время | пн–пт 10:00–18:00 | московское время |",
            "| Обучение персонала | не входит в поддержку, обсуждается отдельно |",
            "неофициальный канал, обращения не регистрируются",
            "По завершении клиент оценивает качество обслуживания от 1 до 5.",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// SaveIT [S]: 09:00–18:00 Mon–Fri, RU calendar, priorities P1–P4, 30-minute minimum
// ---------------------------------------------------------------------------------------------

fn registered(at: &str, priority: &str) -> Vec<Event> {
    vec![
        received(at, Some("email"), None, Some(priority)),
        status(at, "registered"),
    ]
}

#[test]
fn saveit_p1_registered_on_shortened_friday_is_due_tuesday_morning() {
    // Fri 8 May 2026 closes at 17:00: 15–17 is 2 h; 9–11 May off; Tue 12 May 09:00 + 2 h.
    let c = clock(
        saveit(),
        &registered("2026-05-08T15:00", "P1"),
        "2026-05-08T15:00",
        "resolution",
    );
    assert_eq!(c.state, ClockState::Running);
    assert_eq!(c.term_source, Some(TermSource::Priority("P1".into())));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-05-12T11:00"));
    assert!(!c.provisional);
}

#[test]
fn saveit_p4_registered_before_new_year_2028_is_due_in_january_and_marked_provisional() {
    // Mon 20 Dec 2027 10:00: 21 [1], 22 [2], 23 [3], 24 [4], 27 [5], 28 [6], 29 [7], 30 [8];
    // 31 Dec 2027 is off. 2028 is beyond the known calendar, so only the Art. 112 holidays
    // 1–8 January apply: Mon 3 – Fri 7 Jan off; Mon 10 Jan [9], Tue 11 Jan 2028 [10].
    let c = clock(
        saveit(),
        &registered("2027-12-20T10:00", "P4"),
        "2027-12-20T10:00",
        "resolution",
    );
    assert_eq!(c.due.map(show).as_deref(), Some("2028-01-11T10:00"));
    assert!(c.provisional);
}

#[test]
fn saveit_ticket_without_a_priority_gets_the_default_consultation_priority() {
    let reg = saveit();
    assert_eq!(
        reg.initial_priority(None).expect("a default priority").id,
        "P3"
    );
    assert!(reg.priority("P1").expect("P1").out_of_turn);
}

#[test]
fn saveit_resolution_deadlines_by_priority_cross_holidays_and_working_saturdays() {
    check_deadlines(
        saveit(),
        &[
            // Fri 20 Feb 2026 16–18 is 2 h; 21–22 weekend, Mon 23 Feb holiday; Tue 24 Feb
            // 09:00 + 2 h.
            Case {
                what: "P1 over Defender of the Fatherland Day 2026",
                events: registered("2026-02-20T16:00", "P1"),
                target: "resolution",
                due: "2026-02-24T11:00",
            },
            // Fri 26 Apr 2024 14–18 is 4 h; Sat 27 Apr 2024 works 09–18: 09:00 + 4 h.
            Case {
                what: "P2 into the working Saturday 2024-04-27",
                events: registered("2024-04-26T14:00", "P2"),
                target: "resolution",
                due: "2024-04-27T13:00",
            },
            // Tue 30 Dec 2025 12–18 is 6 h (not shortened); 31 Dec and 1–11 Jan off; Mon 12 Jan
            // 09:00 + 2 h.
            Case {
                what: "P2 across the New Year holidays 2025/2026",
                events: registered("2025-12-30T12:00", "P2"),
                target: "resolution",
                due: "2026-01-12T11:00",
            },
            // Working days after Thu 5 Mar 2026: Fri 6 [1], (7–9 off) Tue 10 [2], 11 [3], 12 [4],
            // Fri 13 [5], same time of day.
            Case {
                what: "P3 over 8 March 2026 moved to Monday",
                events: registered("2026-03-05T11:00", "P3"),
                target: "resolution",
                due: "2026-03-13T11:00",
            },
            // Thu 23 Apr 2026 17:30: Fri 24 [1], 27 [2], 28 [3], 29 [4], Thu 30 Apr [5] — which
            // is shortened and closes at 17:00, so 17:30 is capped at 17:00.
            Case {
                what: "P3 landing on the shortened 30 April is capped at its closing",
                events: registered("2026-04-23T17:30", "P3"),
                target: "resolution",
                due: "2026-04-30T17:00",
            },
            // Registered on the 1 May holiday: the start moves to Mon 4 May 09:00, which counts
            // whole: 4 [1], 5 [2], 6 [3], 7 [4], Fri 8 May [5] — shortened before the 9 May
            // holiday, so due at its 17:00 close, the same working instant as Tue 12 May 09:00.
            Case {
                what: "P3 registered on a holiday counts from the next opening",
                events: registered("2026-05-01T10:00", "P3"),
                target: "resolution",
                due: "2026-05-08T17:00",
            },
            // Wed 29 Apr 2026: Thu 30 [1], (1–3 May off) 4 [2], 5 [3], 6 [4], 7 [5], 8 [6],
            // (9–11 off) 12 [7], 13 [8], 14 [9], Fri 15 May [10].
            Case {
                what: "P4 across both May holidays 2026",
                events: registered("2026-04-29T10:00", "P4"),
                target: "resolution",
                due: "2026-05-15T10:00",
            },
            // Thu 25 Dec 2025: Fri 26 [1], Mon 29 [2], Tue 30 [3], (31 Dec – 11 Jan off) Mon 12
            // [4], 13 [5], 14 [6], 15 [7], Fri 16 [8], Mon 19 [9], Tue 20 Jan [10].
            Case {
                what: "P4 across the New Year holidays 2025/2026",
                events: registered("2025-12-25T14:00", "P4"),
                target: "resolution",
                due: "2026-01-20T14:00",
            },
        ],
    );
}

#[test]
fn saveit_registration_within_three_working_hours_of_arrival() {
    let arrival = |at: &str| vec![received(at, Some("email"), None, None)];
    check_deadlines(
        saveit(),
        &[
            // Wed 30 Dec 2026 16:30–18:00 is 1.5 h; 31 Dec 2026 off, 1–10 Jan 2027 off; Mon 11 Jan
            // 2027 09:00 + 1.5 h.
            Case {
                what: "arrival on 30 December 2026 before the day-off 31 December",
                events: arrival("2026-12-30T16:30"),
                target: "registration",
                due: "2027-01-11T10:30",
            },
            // Fri 8 May 2026 15:30–17:00 is 1.5 h; Tue 12 May 09:00 + 1.5 h.
            Case {
                what: "arrival on the shortened 8 May 2026",
                events: arrival("2026-05-08T15:30"),
                target: "registration",
                due: "2026-05-12T10:30",
            },
            // Sunday 8 March 2026: Mon 9 Mar is off too; Tue 10 Mar 09:00 + 3 h.
            Case {
                what: "arrival on Sunday 8 March 2026",
                events: arrival("2026-03-08T12:00"),
                target: "registration",
                due: "2026-03-10T12:00",
            },
            // Fri 1 Nov 2024 17–18 is 1 h; Sat 2 Nov 2024 works 09:00–17:00 (shortened):
            // 09:00 + 2 h.
            Case {
                what: "arrival before the working shortened Saturday 2024-11-02",
                events: arrival("2024-11-01T17:00"),
                target: "registration",
                due: "2024-11-02T11:00",
            },
        ],
    );
}

#[test]
fn saveit_waiting_for_the_customer_over_a_long_weekend_does_not_count() {
    let reg = saveit();
    let mut events = registered("2026-03-06T15:00", "P1");
    events.push(status("2026-03-06T16:00", "waiting_customer"));
    events.push(status("2026-03-10T10:00", "in_progress"));
    events.push(status("2026-03-10T12:30", "completed"));
    // Without the pause: Fri 15–18 is 3 h, Tue 10 Mar 09:00 + 1 h = 10:00. The pause covers
    // Fri 16–18 (2 h) and Tue 09–10 (1 h) of working time; 7–9 March are off anyway. 10:00 + 3 h.
    let c = clock(reg, &events, "2026-03-10T12:30", "resolution");
    assert_eq!(c.due.map(show).as_deref(), Some("2026-03-10T13:00"));
    assert_eq!(c.paused, SignedDuration::from_hours(3));
    assert_eq!(c.elapsed, SignedDuration::from_mins(210));
    // Met half an hour early; a met clock owes nothing more, so nothing is shown remaining.
    assert_eq!(c.state, ClockState::Met);
    assert_eq!(c.remaining, SignedDuration::ZERO);
    assert_eq!(c.stopped_at.map(show).as_deref(), Some("2026-03-10T12:30"));
    assert_eq!(c.pauses.len(), 1);
    assert_eq!(c.pauses[0].why, "waiting_customer");
}

#[test]
fn saveit_while_still_waiting_the_deadline_moves_with_the_pause() {
    let reg = saveit();
    let mut events = registered("2026-11-23T10:00", "P2");
    events.push(status("2026-11-23T12:00", "waiting_customer"));
    // 2 h used before the pause; 6 h are left from "now", Wed 10:00, to 16:00.
    let c = clock(reg, &events, "2026-11-25T10:00", "resolution");
    assert_eq!(c.state, ClockState::Paused);
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-25T16:00"));
    assert_eq!(c.paused, SignedDuration::from_hours(16));
}

#[test]
fn saveit_a_rejected_or_closed_unfinished_ticket_stops_its_clocks_instead_of_breaching_later() {
    let reg = saveit();
    for finish in ["rejected", "closed"] {
        let mut events = registered("2026-11-23T10:00", "P2");
        events.push(status("2026-11-23T12:00", finish));
        // A week later nothing has breached: the clock stopped with 2 working hours used. It
        // was not met either: it was cancelled, and shows nothing remaining.
        let c = clock(reg, &events, "2026-11-30T10:00", "resolution");
        assert_eq!(c.state, ClockState::Cancelled, "{finish}");
        assert_eq!(c.remaining, SignedDuration::ZERO, "{finish}");
        assert_eq!(
            c.stopped_at.map(show).as_deref(),
            Some("2026-11-23T12:00"),
            "{finish}"
        );
        assert_eq!(c.elapsed, SignedDuration::from_hours(2), "{finish}");
    }
}

#[test]
fn saveit_reasoned_objection_reopens_the_clock_without_counting_the_completed_time() {
    let reg = saveit();
    let mut events = registered("2026-11-23T10:00", "P2");
    events.push(status("2026-11-23T14:00", "completed"));
    events.push(event("2026-11-24T10:00", EventKind::Reopened));
    events.push(status("2026-11-24T10:00", "in_progress"));
    events.push(status("2026-11-24T13:00", "completed"));
    // 4 h used by Mon 14:00; stopped Mon 14–18 and Tue 09–10 (5 h); 4 h left from Tue 10:00.
    let c = clock(reg, &events, "2026-11-24T13:30", "resolution");
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-24T14:00"));
    assert_eq!(c.state, ClockState::Met);
    assert_eq!(c.paused, SignedDuration::from_hours(5));
    assert!(c.pauses.iter().any(|p| p.why == "stopped"));
}

#[test]
fn saveit_raising_a_consultation_to_p1_recomputes_the_deadline_from_registration() {
    let reg = saveit();
    let mut events = registered("2026-11-23T10:00", "P3");
    events.push(event(
        "2026-11-23T11:00",
        EventKind::PriorityChanged("P1".into()),
    ));
    // P1: 10:00 + 4 h = 14:00 the same Monday.
    let c = clock(reg, &events, "2026-11-23T12:00", "resolution");
    assert_eq!(c.term_source, Some(TermSource::Priority("P1".into())));
    assert_eq!(c.started_at.map(show).as_deref(), Some("2026-11-23T10:00"));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-23T14:00"));
    assert_eq!(c.state, ClockState::Running);
}

#[test]
fn saveit_raising_priority_after_its_term_has_passed_breaches_at_once() {
    let reg = saveit();
    let mut events = registered("2026-11-23T10:00", "P3");
    events.push(event(
        "2026-11-23T15:00",
        EventKind::PriorityChanged("P1".into()),
    ));
    let c = clock(reg, &events, "2026-11-23T15:00", "resolution");
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-23T14:00"));
    assert_eq!(c.state, ClockState::Breached);
}

#[test]
fn saveit_lowering_p1_to_p2_keeps_the_start_and_the_pause_over_the_may_holiday() {
    let reg = saveit();
    let mut events = registered("2026-04-30T15:00", "P1");
    events.push(status("2026-04-30T16:00", "waiting_customer"));
    events.push(status("2026-05-04T10:00", "in_progress"));
    events.push(event(
        "2026-05-04T11:00",
        EventKind::PriorityChanged("P2".into()),
    ));
    // P2 = 8 h from Thu 30 Apr 15:00 (shortened, closes 17:00): 2 h there, 1–3 May off, Mon 4 May
    // 09:00 + 6 h = 15:00. The pause took Thu 16–17 and Mon 09–10: 2 h, so 17:00.
    let c = clock(reg, &events, "2026-05-04T12:00", "resolution");
    assert_eq!(c.term_source, Some(TermSource::Priority("P2".into())));
    assert_eq!(c.paused, SignedDuration::from_hours(2));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-05-04T17:00"));
    assert_eq!(c.state, ClockState::Running);
}

#[test]
fn saveit_requires_the_appendix_1_fields_and_accepts_bmp_only_archived() {
    let reg = saveit();
    for f in [
        "organization",
        "contact_name",
        "position",
        "phone",
        "email",
        "state_contract_number",
    ] {
        assert!(reg.fields.is_required(f), "{f} is required by Appendix 1");
    }
    let a = &reg.attachments;
    for ok in [
        "screen.jpg",
        "screen.GIF",
        "screen.png",
        "screens.zip",
        "screens.rar",
    ] {
        assert!(a.check(ok, 1000).is_ok(), "{ok} must be accepted");
    }
    assert!(
        a.check("screen.bmp", 1000)
            .unwrap_err()
            .russian()
            .contains("ZIP или RAR")
    );
    assert!(a.check("report.docx", 1000).is_err());
}

#[test]
fn saveit_icq_skype_googletalk_and_forum_are_listed_as_unofficial() {
    let reg = saveit();
    let mut unofficial: Vec<&str> = reg
        .channels
        .iter()
        .filter(|c| !c.official)
        .map(|c| c.id.as_str())
        .collect();
    unofficial.sort_unstable();
    assert_eq!(unofficial, ["forum", "googletalk", "icq", "skype"]);
    for id in ["portal", "email", "phone"] {
        let c = reg.channel(id).expect(id);
        assert!(
            c.official && c.registers,
            "{id} is an official registering channel"
        );
    }
}

#[test]
fn saveit_channels_keep_the_order_of_the_file() {
    let ids: Vec<&str> = saveit().channels.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "portal",
            "email",
            "phone",
            "icq",
            "skype",
            "googletalk",
            "forum"
        ]
    );
}

#[test]
fn saveit_completed_ticket_closes_by_itself_after_24_hours() {
    let reg = saveit();
    assert_eq!(
        reg.lifecycle
            .auto_close_after
            .expect("auto-close")
            .to_string(),
        "24 hours"
    );
}

#[test]
fn saveit_bills_at_least_thirty_minutes_per_answer_in_the_moscow_month() {
    let reg = saveit();
    let entries = [
        entry("2026-11-23T10:00", 10, "answer"), // raised to 30 min: 1800 × 0.5 = 900
        entry("2026-11-24T11:00", 45, "answer"), // 1800 × 0.75 = 1350
        entry("2026-11-25T09:00", 30, "answer"), // 900
        entry("2026-11-26T14:00", 100, "answer"), // 1800 × 100/60 = 3000
        // 1 Dec 01:00 in Moscow is still 30 Nov in UTC, but belongs to December.
        entry("2026-12-01T01:00", 20, "answer"),
        // 1 Nov 00:30 in Moscow is 31 Oct in UTC, but belongs to November: 30 min, 900.
        entry("2026-11-01T00:30", 5, "answer"),
    ];
    let s = billing::bill(reg, date(2026, 11, 1), None, &entries).expect("bills");
    let amounts: Vec<Money> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(
        amounts,
        [rub(900), rub(900), rub(1350), rub(900), rub(3000)]
    );
    let billed: Vec<i64> = s.lines.iter().map(|l| l.billed.as_mins()).collect();
    assert_eq!(billed, [30, 30, 45, 30, 100]);
    assert_eq!(s.billed_time, SignedDuration::from_mins(235));
    assert_eq!(s.total, rub(7050));
    assert_eq!(s.fee, Money::ZERO);
}

#[test]
fn saveit_renders_priority_terms_with_correct_russian_plurals() {
    let md = render::markdown(saveit());
    assert_contains_all(
        &md,
        &[
            "«Приоритет 1»: 4 рабочих часа; «Приоритет 2»: 8 рабочих часов; «Приоритет 3»: 5 рабочих дней; «Приоритет 4»: 10 рабочих дней",
            "| Регистрация заявки | 3 рабочих часа |",
            "Ответ Заказчику: 1 800 ₽ в час; учитывается не менее 30 минут",
            "bmp — только в архиве ZIP или RAR",
            "Решается вне очереди.",
        ],
    );
    assert!(!md.contains("Консультации по электронной почте предоставляются бесплатно"));
}

#[test]
fn each_email_channel_publishes_what_it_does_with_mail_from_unknown_senders() {
    let with = |rule: &str| {
        let text = format!(
            "[regulation]\nname = \"R\"\n[channels.email]\ntitle = \"Почта\"\nkind = \"email\"\naddress = \"help@example.ru\"\ntrusted_only = true\n{rule}"
        );
        render::markdown(&Regulation::parse(&text).unwrap())
    };
    for (rule, says) in [
        (
            "",
            "передаются сотруднику поддержки и регистрируются после проверки",
        ),
        (
            "unknown_senders = \"hold\"",
            "передаются сотруднику поддержки и регистрируются после проверки",
        ),
        (
            "unknown_senders = \"reject\"",
            "письма с адресов, не известных как контактные лица клиентов, не регистрируются",
        ),
        (
            "unknown_senders = \"accept\"",
            "регистрируются на базовом уровне обслуживания",
        ),
    ] {
        let md = with(rule);
        assert!(md.contains(says), "{rule}: {md}");
        assert!(md.contains("только от доверенных лиц организации"), "{md}");
    }
}

/// A regulation's text with `extra` after its office schedule.
fn office(extra: &str) -> Regulation {
    Regulation::parse(&format!(
        "[regulation]\nname = \"R\"\n[schedules.office]\ntitle = \"Офис\"\nhours = {{ weekdays = \"09:00-18:00\" }}\n{extra}"
    ))
    .unwrap()
}

#[test]
fn the_document_states_each_enforced_setting_and_nothing_the_file_does_not_say() {
    let work = "[billing.activities.work]\ntitle = \"Работы\"\nrate = 2000\nrounding = \"15 minutes\"\n[billing.activities.call]\ntitle = \"Звонок\"\nrate = 1000\n";
    let target = "[[targets]]\nid = \"reaction\"\ntitle = \"Реакция\"\nstart = \"registered\"\nstop = \"public_reply\"\nschedule = \"office\"\nduration = \"2 working hours\"\nchannels = [\"email\"]\n[channels.email]\ntitle = \"Почта\"\nkind = \"email\"\n";
    // (what, the file after the office schedule, phrases the document has, phrases it must not)
    let cases: &[(&str, String, &[&str], &[&str])] = &[
        (
            "pre-holiday days kept whole",
            "shortened_days = false\n".into(),
            &["предпраздничные дни не сокращаются"],
            &["короче на 1 час"],
        ),
        (
            "pre-holiday days shortened by default",
            String::new(),
            &["предпраздничные дни короче на 1 час"],
            &[],
        ),
        (
            "no free email support unless the file says so",
            work.into(),
            &["Работы: 2 000 ₽ в час; с округлением вверх до 15 минут"],
            &["бесплатно"],
        ),
        (
            "free email support when the file says so",
            format!("{work}[billing]\nfree_email = true\n"),
            &["Консультации по электронной почте предоставляются бесплатно."],
            &[],
        ),
        (
            "activities in file order, and a multiplier as the price that results",
            format!(
                "{work}[schedules.night]\ntitle = \"Ночь\"\nhours = {{ daily = \"00:00-08:00\" }}\ncalendar = \"none\"\n[[billing.multipliers]]\ntitle = \"Ночные работы\"\nfactor = 1.8\ninside = \"night\"\nactivities = [\"work\"]\n"
            ),
            &[
                "- Работы: 2 000 ₽ в час; с округлением вверх до 15 минут\n- Звонок: 1 000 ₽ в час",
                "Ночные работы: Работы — 3 600 ₽ в час за работу в период «Ночь",
            ],
            // A schedule that only prices work is no support hours.
            &["| Ночь |", "×1,8"],
        ),
        (
            "a target's channel scope",
            target.into(),
            &[
                "при обращении через «Почта»",
                "сообщаются номер обращения и срок",
            ],
            &[],
        ),
        (
            "no targets: no deadline is promised, and empty lists are not printed",
            String::new(),
            &["При регистрации клиенту сообщаются номер обращения. "],
            &[
                "исчисляются в рабочем времени",
                "по следующим причинам:\n\n#",
            ],
        ),
    ];
    for (what, extra, has, lacks) in cases {
        let md = render::markdown(&office(extra));
        for h in *has {
            assert!(md.contains(h), "{what}: {h:?} missing from:\n{md}");
        }
        for l in *lacks {
            assert!(!md.contains(l), "{what}: {l:?} in:\n{md}");
        }
    }
}

#[test]
fn saveit_renders_auto_close_as_within_24_hours_in_the_genitive() {
    let md = render::markdown(saveit());
    assert_contains_all(
        &md,
        &["при отсутствии ответа в течение 24 часов оно закрывается автоматически"],
    );
}

// ---------------------------------------------------------------------------------------------
// InSales [I]: 24/7 without a calendar; terms by type, Premium 3 hours for any type
// ---------------------------------------------------------------------------------------------

#[test]
fn insales_premium_wins_over_the_request_type_because_it_is_listed_first() {
    let reg = insales();
    let level = |tariff: Option<&str>, category: Option<&str>| {
        reg.resolve_level(&TicketFacts {
            tariff,
            category,
            ..TicketFacts::default()
        })
        .map(|l| l.id.clone())
    };
    assert_eq!(
        level(Some("Премиум"), Some("layout")).as_deref(),
        Some("premium")
    );
    assert_eq!(
        level(Some("premium"), Some("functionality")).as_deref(),
        Some("premium")
    );
    assert_eq!(
        level(Some("Базовый"), Some("layout")).as_deref(),
        Some("layout")
    );
    assert_eq!(
        level(Some("Базовый"), Some("functionality")).as_deref(),
        Some("functionality")
    );
    assert_eq!(level(None, None).as_deref(), Some("functionality"));
}

#[test]
fn insales_lists_layout_seo_business_and_third_party_questions_as_out_of_scope() {
    let out: Vec<&str> = insales()
        .categories
        .iter()
        .filter(|c| !c.in_scope)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        out,
        [
            "third_party_layout",
            "seo_advertising",
            "business_legal",
            "third_party_services"
        ]
    );
    let sensitive = insales()
        .category("rights_transfer")
        .expect("rights transfer");
    assert!(
        sensitive
            .note
            .as_deref()
            .unwrap_or("")
            .contains("только от владельца магазина")
    );
}

#[test]
fn insales_phone_is_consultation_only() {
    let phone = insales().channel("phone").expect("phone");
    assert!(phone.official && !phone.registers);
}

fn arrived(at: &str, level: &str) -> Vec<Event> {
    vec![received(at, Some("backoffice"), Some(level), None)]
}

#[test]
fn insales_reaction_terms_run_round_the_clock_through_holidays() {
    check_deadlines(
        insales(),
        &[
            // 24 h, holidays do not matter: 31 Dec 2026 10:00 + 24 h.
            Case {
                what: "functional question on the day-off 31 December 2026",
                events: arrived("2026-12-31T10:00", "functionality"),
                target: "reaction",
                due: "2027-01-01T10:00",
            },
            // 36 h from Fri 8 May 2026 20:00 (shortened day and the holidays do not matter).
            Case {
                what: "layout on the evening of 8 May 2026",
                events: arrived("2026-05-08T20:00", "layout"),
                target: "reaction",
                due: "2026-05-10T08:00",
            },
            // 3 h from 1 Jan 2026 23:00.
            Case {
                what: "Premium on New Year's night",
                events: arrived("2026-01-01T23:00", "premium"),
                target: "reaction",
                due: "2026-01-02T02:00",
            },
            // 3 h from Sun 8 Mar 2026 22:30, across midnight into the day off 9 March.
            Case {
                what: "Premium late on 8 March",
                events: arrived("2026-03-08T22:30", "premium"),
                target: "reaction",
                due: "2026-03-09T01:30",
            },
        ],
    );
}

#[test]
fn insales_reaction_is_met_by_a_reply_a_minute_early_and_breached_a_minute_late() {
    let reg = insales();
    let mut early = arrived("2026-11-23T10:00", "functionality");
    early.push(event("2026-11-24T09:59", EventKind::PublicReply));
    assert_eq!(
        clock(reg, &early, "2026-11-24T12:00", "reaction").state,
        ClockState::Met
    );
    let mut late = arrived("2026-11-23T10:00", "functionality");
    late.push(event("2026-11-24T10:01", EventKind::PublicReply));
    assert_eq!(
        clock(reg, &late, "2026-11-24T12:00", "reaction").state,
        ClockState::Breached
    );
}

#[test]
fn insales_reclassifying_a_question_as_layout_keeps_the_arrival_and_grants_36_hours() {
    let reg = insales();
    let mut events = arrived("2026-11-23T10:00", "functionality");
    events.push(event(
        "2026-11-23T20:00",
        EventKind::LevelChanged("layout".into()),
    ));
    let c = clock(reg, &events, "2026-11-24T21:00", "reaction");
    assert_eq!(c.term_source, Some(TermSource::Level("layout".into())));
    // Mon 10:00 + 36 h = Tue 22:00; at Tue 21:00 the clock still runs.
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-24T22:00"));
    assert_eq!(c.state, ClockState::Running);
}

#[test]
fn insales_round_the_clock_deadlines_are_never_provisional() {
    // No production calendar, so nothing depends on unknown years: 31 Dec 2030 23:00 + 3 h.
    let c = clock(
        insales(),
        &arrived("2030-12-31T23:00", "premium"),
        "2030-12-31T23:00",
        "reaction",
    );
    assert_eq!(c.due.map(show).as_deref(), Some("2031-01-01T02:00"));
    assert!(!c.provisional);
}

#[test]
fn insales_ticket_without_a_level_gets_the_default_24_hours() {
    let reg = insales();
    let events = vec![received("2026-11-23T10:00", Some("backoffice"), None, None)];
    let c = clock(reg, &events, "2026-11-23T10:00", "reaction");
    assert_eq!(c.term_source, Some(TermSource::Default));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-24T10:00"));
}

#[test]
fn insales_renders_calendar_hour_terms_and_the_round_the_clock_schedule() {
    let md = render::markdown(insales());
    assert_contains_all(
        &md,
        &[
            "Тариф «Премиум»: 3 часа",
            "Вёрстка: 36 часов",
            "Вопросы по функционалу: 24 часа",
            "остальные: 24 часа",
            "| Круглосуточно | ежедневно круглосуточно | московское время | работает и в праздничные дни |",
            "консультации; заявки регистрируются только в письменном виде",
            "Пользователь вносил изменения в шаблоны темы оформления",
        ],
    );
    assert!(
        !md.contains("оценивает качество"),
        "InSales does not ask for a rating"
    );
}

// ---------------------------------------------------------------------------------------------
// Echo [E]: 08:00–16:00 Mon–Fri standard, 06:00–20:00 daily emergency line, double rate
// ---------------------------------------------------------------------------------------------

#[test]
fn echo_emergency_level_comes_from_category_subject_keyword_or_messenger() {
    let reg = echo();
    let level = |facts: TicketFacts<'_>| reg.resolve_level(&facts).map(|l| l.id.clone());
    for category in [
        "site_down",
        "cart_broken",
        "payments_broken",
        "wrong_order_total",
        "order_integrations_down",
        "delivery_modules_down",
        "site_hacked",
    ] {
        assert_eq!(
            level(TicketFacts {
                category: Some(category),
                channel: Some("email"),
                ..TicketFacts::default()
            })
            .as_deref(),
            Some("emergency"),
            "{category}"
        );
    }
    assert_eq!(
        level(TicketFacts {
            subject: "Срочно: не открывается каталог",
            channel: Some("email"),
            ..TicketFacts::default()
        })
        .as_deref(),
        Some("emergency_marked")
    );
    assert_eq!(
        level(TicketFacts {
            subject: "Проблема",
            channel: Some("telegram"),
            ..TicketFacts::default()
        })
        .as_deref(),
        Some("emergency_messenger")
    );
    assert_eq!(
        level(TicketFacts {
            subject: "Поменять баннер",
            category: Some("site_changes"),
            channel: Some("email"),
            ..TicketFacts::default()
        })
        .as_deref(),
        Some("standard")
    );
    let high = reg
        .initial_priority(reg.level("emergency"))
        .expect("priority");
    assert_eq!(high.id, "high");
    assert!(high.out_of_turn);
}

#[test]
fn echo_not_urgent_in_the_subject_is_not_the_urgent_mark() {
    let reg = echo();
    let facts = TicketFacts {
        subject: "Несрочно: поменять баннер на главной",
        category: Some("site_changes"),
        channel: Some("email"),
        ..TicketFacts::default()
    };
    assert_eq!(
        reg.resolve_level(&facts).map(|l| l.id.as_str()),
        Some("standard")
    );
    // The mark itself, in any case and with punctuation around it, still counts.
    let marked = TicketFacts {
        subject: "[срочно!] Не работает корзина",
        ..facts
    };
    assert_eq!(
        reg.resolve_level(&marked).map(|l| l.id.as_str()),
        Some("emergency_marked")
    );
}

#[test]
fn echo_messengers_and_the_managers_phone_are_for_emergencies_during_the_emergency_line() {
    let reg = echo();
    for id in ["telegram", "whatsapp", "viber", "manager_phone"] {
        let c = reg.channel(id).expect(id);
        assert!(c.emergency_only, "{id}");
        assert_eq!(c.accepted.as_deref(), Some("emergency"), "{id}");
    }
    for id in ["icq", "googletalk", "skype"] {
        assert!(!reg.channel(id).expect(id).official, "{id}");
    }
}

fn echo_arrival(at: &str, level: &str) -> Vec<Event> {
    vec![received(at, Some("email"), Some(level), None)]
}

#[test]
fn echo_reaction_deadlines_on_the_standard_and_emergency_schedules() {
    check_deadlines(
        echo(),
        &[
            // Fri 8 May 2026 works 08:00–15:00: 14–15 is 1 h; 9–11 May off; Tue 12 May 08:00 + 7 h.
            Case {
                what: "standard on the shortened 8 May 2026",
                events: echo_arrival("2026-05-08T14:00", "standard"),
                target: "reaction_standard",
                due: "2026-05-12T15:00",
            },
            // Fri 31 Oct 2025 12–16 is 4 h; Sat 1 Nov 2025 works Monday's hours shortened,
            // 08:00–15:00: 08:00 + 4 h.
            Case {
                what: "standard into the working shortened Saturday 2025-11-01",
                events: echo_arrival("2025-10-31T12:00", "standard"),
                target: "reaction_standard",
                due: "2025-11-01T12:00",
            },
            // Fri 27 Dec 2024 15–16 is 1 h; Sat 28 Dec 2024 is a full working day 08–16: 08:00 + 7 h.
            Case {
                what: "standard into the working Saturday 2024-12-28",
                events: echo_arrival("2024-12-27T15:00", "standard"),
                target: "reaction_standard",
                due: "2024-12-28T15:00",
            },
            // Wed 30 Dec 2026 15–16 is 1 h; 31 Dec – 10 Jan off; Mon 11 Jan 2027 08:00 + 7 h.
            Case {
                what: "standard across the New Year holidays 2026/2027",
                events: echo_arrival("2026-12-30T15:00", "standard"),
                target: "reaction_standard",
                due: "2027-01-11T15:00",
            },
            // The emergency line works on holidays; 05:30 waits for 06:00, + 1 h.
            Case {
                what: "site down before dawn on 1 January 2026",
                events: echo_arrival("2026-01-01T05:30", "emergency"),
                target: "reaction_emergency",
                due: "2026-01-01T07:00",
            },
            // Sat 28 Nov 2026 19:30–20:00 is 30 min; Sun 29 Nov 06:00 + 30 min.
            Case {
                what: "emergency on Saturday evening carries over to Sunday morning",
                events: echo_arrival("2026-11-28T19:30", "emergency"),
                target: "reaction_emergency",
                due: "2026-11-29T06:30",
            },
            // Mon 23 Nov 2026 10:15 + 1 h.
            Case {
                what: "«СРОЧНО» in the subject during working hours",
                events: echo_arrival("2026-11-23T10:15", "emergency_marked"),
                target: "reaction_emergency",
                due: "2026-11-23T11:15",
            },
            // 31 Dec 2026 (a day off) 19:45–20:00 is 15 min; 1 Jan 2027 06:00 + 45 min.
            Case {
                what: "messenger on New Year's Eve",
                events: vec![received(
                    "2026-12-31T19:45",
                    Some("telegram"),
                    Some("emergency_messenger"),
                    None,
                )],
                target: "reaction_emergency",
                due: "2027-01-01T06:45",
            },
        ],
    );
}

#[test]
fn echo_reaction_stops_at_registration() {
    let reg = echo();
    let mut events = echo_arrival("2026-11-23T10:00", "standard");
    events.push(status("2026-11-23T11:00", "registered"));
    let c = clock(reg, &events, "2026-11-23T12:00", "reaction_standard");
    assert_eq!(c.state, ClockState::Met);
    assert_eq!(c.elapsed, SignedDuration::from_hours(1));
}

#[test]
fn echo_raising_a_standard_ticket_to_emergency_switches_to_the_one_hour_line_from_arrival() {
    let reg = echo();
    let mut events = echo_arrival("2026-11-23T15:00", "standard");
    events.push(event(
        "2026-11-23T15:10",
        EventKind::LevelChanged("emergency".into()),
    ));
    let clocks = sla::evaluate(reg, &events, msk("2026-11-23T15:30")).expect("evaluates");
    assert!(
        clocks.iter().all(|c| c.target != "reaction_standard"),
        "the standard target no longer applies"
    );
    let c = clocks
        .iter()
        .find(|c| c.target == "reaction_emergency")
        .expect("emergency reaction");
    assert_eq!(c.started_at.map(show).as_deref(), Some("2026-11-23T15:00"));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-23T16:00"));
    assert_eq!(c.state, ClockState::Running);
}

#[test]
fn echo_every_customer_reply_restarts_the_follow_up_reaction() {
    let reg = echo();
    let mut events = echo_arrival("2026-11-23T09:00", "standard");
    events.push(status("2026-11-23T09:30", "registered"));
    // Mon 14–16 is 2 h; Tue 08:00 + 6 h = 14:00; answered Tue 10:00.
    events.push(event("2026-11-23T14:00", EventKind::CustomerReply));
    events.push(event("2026-11-24T10:00", EventKind::PublicReply));
    // Tue 15–16 is 1 h; Wed 08:00 + 7 h = 15:00; unanswered at 15:30.
    events.push(event("2026-11-24T15:00", EventKind::CustomerReply));
    let c = clock(reg, &events, "2026-11-25T15:30", "followup_standard");
    assert_eq!(c.started_at.map(show).as_deref(), Some("2026-11-24T15:00"));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-25T15:00"));
    assert_eq!(c.state, ClockState::Breached);
    assert_eq!(c.earlier_breaches, 0);
}

/// The amount of a single one-entry statement, and whether the multiplier applied.
fn echo_single(at: &str, minutes: i64) -> (Money, bool) {
    let e = entry(at, minutes, "work");
    let month = msk(at).to_zoned(moscow()).date().first_of_month();
    let s = billing::bill(echo(), month, None, &[e]).expect("bills");
    assert_eq!(s.lines.len(), 1, "{at}");
    (s.lines[0].amount, s.lines[0].multiplier.is_some())
}

#[test]
fn echo_doubles_the_rate_at_18_on_a_weekday_and_at_7_on_saturday_but_not_at_10_on_a_weekday() {
    // 1500 ₽/h. Mon 23 Nov 2026 18:00 is inside 06–20 and outside 08–16: ×2.
    assert_eq!(echo_single("2026-11-23T18:00", 60), (rub(3000), true));
    // Sat 28 Nov 2026 07:00, 90 min: 2250 × 2.
    assert_eq!(echo_single("2026-11-28T07:00", 90), (rub(4500), true));
    // Mon 23 Nov 2026 10:00 is standard working time.
    assert_eq!(echo_single("2026-11-23T10:00", 60), (rub(1500), false));
}

#[test]
fn echo_double_rate_window_edges_and_holidays() {
    let cases = [
        // Opening of the emergency line is inside it; the office opens only at 08:00.
        ("2026-11-23T06:00", 30, rub(1500), true),
        // The office closes at 16:00 (exclusive): from 16:00 the double rate applies.
        ("2026-11-23T16:00", 30, rub(1500), true),
        // The emergency line closes at 20:00: work starting then is at the normal rate.
        ("2026-11-24T20:00", 60, rub(1500), false),
        // Before 06:00 there is no emergency line either; the half hour after it is doubled:
        // work crossing the window's opening is priced by part (750 + 1500).
        ("2026-11-23T05:30", 60, rub(2250), false),
        // Wed 4 Nov 2026 is a holiday: the office is closed, the emergency line is not.
        ("2026-11-04T10:00", 60, rub(3000), true),
        // Tue 3 Nov 2026 is shortened: the office closes at 15:00.
        ("2026-11-03T15:30", 60, rub(3000), true),
        // Sat 1 Nov 2025 is a working Saturday, 08:00–15:00: normal rate at 10:00 …
        ("2025-11-01T10:00", 60, rub(1500), false),
        // … and double after 15:00.
        ("2025-11-01T15:00", 60, rub(3000), true),
    ];
    let mut failures = Vec::new();
    for (at, mins, amount, doubled) in cases {
        let got = echo_single(at, mins);
        if got != (amount, doubled) {
            failures.push(format!(
                "{at} {mins} min: expected ({amount}, {doubled}), got ({}, {})",
                got.0, got.1
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn echo_monthly_statement_adds_normal_and_doubled_work() {
    let entries = [
        entry("2026-11-23T10:00", 60, "work"), // 1500
        entry("2026-11-23T18:00", 60, "work"), // 3000
        entry("2026-11-28T07:00", 90, "work"), // 4500
        entry("2026-11-04T10:00", 60, "work"), // 3000
    ];
    let s = billing::bill(echo(), date(2026, 11, 1), None, &entries).expect("bills");
    assert_eq!(s.total, rub(12000));
    assert_eq!(s.billed_time, SignedDuration::from_mins(270));
}

#[test]
fn echo_renders_both_schedules_reactions_and_the_double_rate() {
    let md = render::markdown(echo());
    assert_contains_all(
        &md,
        &[
            "| Стандартная поддержка | пн–пт 08:00–16:00 | московское время |",
            "| Экстренная поддержка | ежедневно 06:00–20:00 | московское время | работает и в праздничные дни |",
            "| Время реакции (Экстренная поддержка, Экстренная поддержка (пометка «СРОЧНО»), Экстренная поддержка (мессенджер или звонок)) | 1 рабочий час | Экстренная поддержка | начало: поступление обращения; окончание: переход в статус «Зарегистрирована» |",
            "| Время реакции (Стандартная поддержка) | 8 рабочих часов | Стандартная поддержка |",
            "только для аварийных ситуаций",
            "Срочное выполнение стандартной задачи в нерабочее время: Работа программиста — 3 000 ₽ в час за работу в период «Экстренная поддержка (ежедневно 06:00–20:00)», вне графика «Стандартная поддержка»",
            "в теме письма: «СРОЧНО»",
        ],
    );
}

#[test]
fn echo_html_escapes_the_quoted_urgent_mark_and_injected_markup() {
    let html = render::html(echo());
    assert!(html.contains("с пометкой &quot;СРОЧНО&quot; в теме письма"));
    assert!(!html.contains("\"СРОЧНО\""));

    let mut reg = echo().clone();
    reg.name = "Регламент <b>ЭХО</b> & «партнёры»".into();
    reg.categories[0].title = "<script>alert('взлом')</script>".into();
    let html = render::html(&reg);
    assert!(html.contains("<h1>Регламент &lt;b&gt;ЭХО&lt;/b&gt; &amp; «партнёры»</h1>"));
    assert!(html.contains("<title>Регламент &lt;b&gt;ЭХО&lt;/b&gt; &amp; «партнёры»</title>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;взлом&#39;)&lt;/script&gt;"));
    assert!(!html.contains("<script>"));
    let md = render::markdown(&reg);
    assert!(md.starts_with("# Регламент \\<b\\>ЭХО\\</b\\> & «партнёры»\n"));
}

// ---------------------------------------------------------------------------------------------
// PASS24 [P]: 09:00–18:00 Mon–Fri, RU calendar; bounded terms; email only on days off
// ---------------------------------------------------------------------------------------------

fn pass_registered(at: &str, level: &str) -> Vec<Event> {
    vec![
        received(at, Some("email"), Some(level), None),
        status(at, "registered"),
    ]
}

#[test]
fn pass24_terms_are_four_working_hours_and_bounded_by_five_weekdays() {
    let t = pass24().target("resolution").expect("resolution");
    let terms: Vec<(String, String)> = t
        .by_level
        .iter()
        .map(|(l, t)| (l.clone(), t.to_string()))
        .collect();
    assert_eq!(
        terms,
        [
            (
                "consultation".to_string(),
                "48 working hours, at most 5 weekdays".to_string()
            ),
            ("emergency".to_string(), "4 working hours".to_string()),
            (
                "standard".to_string(),
                "24 working hours, at most 5 weekdays".to_string()
            ),
        ]
    );
}

#[test]
fn pass24_only_email_is_accepted_on_days_off_and_the_phone_registers_tickets() {
    let reg = pass24();
    assert!(reg.channel("email").expect("email").on_days_off);
    for id in ["web_form", "phone", "chat_bot"] {
        assert!(!reg.channel(id).expect(id).on_days_off, "{id}");
    }
    assert!(reg.channel("phone").expect("phone").registers);
}

#[test]
fn pass24_resolution_deadlines_with_the_five_weekday_bound() {
    check_deadlines(
        pass24(),
        &[
            // Fri 20 Feb 2026 16–18 is 2 h; 21–23 Feb off; Tue 24 Feb 09:00 + 2 h.
            Case {
                what: "emergency over 23 February 2026",
                events: pass_registered("2026-02-20T16:00", "emergency"),
                target: "resolution",
                due: "2026-02-24T11:00",
            },
            // Thu 11 Jun 2026 is shortened (closes 17:00): 15–17 is 2 h; 12–14 Jun off; Mon
            // 15 Jun 09:00 + 2 h.
            Case {
                what: "emergency on the shortened day before Russia Day 2026",
                events: pass_registered("2026-06-11T15:00", "emergency"),
                target: "resolution",
                due: "2026-06-15T11:00",
            },
            // Fri 31 Oct 2025 17–18 is 1 h; Sat 1 Nov 2025 works 09:00–17:00: 09:00 + 3 h.
            Case {
                what: "emergency into the working shortened Saturday 2025-11-01",
                events: pass_registered("2025-10-31T17:00", "emergency"),
                target: "resolution",
                due: "2025-11-01T12:00",
            },
            // 24 h: Mon 10–18 (8), Tue 9 h (17), Wed 09:00 + 7 h = 16:00. The bound, Mon 30 Nov
            // 10:00, comes later.
            Case {
                what: "standard in an ordinary week: the working hours come first",
                events: pass_registered("2026-11-23T10:00", "standard"),
                target: "resolution",
                due: "2026-11-25T16:00",
            },
            // 24 h: Wed 30 Dec 10–18 (8), 31 Dec – 10 Jan off, Mon 11 Jan (17), Tue 12 Jan
            // 09:00 + 7 h = 16:00. Bound: Thu 31 [1], Fri 1 [2], Mon 4 [3], Tue 5 [4], Wed 6 Jan
            // [5] at 10:00 — holidays are not excluded, so the bound comes first, on a holiday.
            Case {
                what: "standard across the New Year holidays: the five-weekday bound comes first",
                events: pass_registered("2026-12-30T10:00", "standard"),
                target: "resolution",
                due: "2027-01-06T10:00",
            },
            // 24 h: Thu 30 Apr 12–17 (5, shortened), 1–3 May off, Mon 4 (14), Tue 5 (23), Wed 6
            // 09:00 + 1 h = 10:00. Bound: Fri 1 [1], Mon 4 [2], 5 [3], 6 [4], Thu 7 May [5] 12:00.
            Case {
                what: "standard across 1 May 2026",
                events: pass_registered("2026-04-30T12:00", "standard"),
                target: "resolution",
                due: "2026-05-06T10:00",
            },
            // 24 h: Fri 8 May 10–17 (7, shortened), 9–11 off, Tue 12 (16), Wed 13 09:00 + 8 h =
            // 17:00. Bound: Mon 11 [1], 12 [2], 13 [3], 14 [4], Fri 15 May [5] 10:00.
            Case {
                what: "standard on the shortened 8 May 2026",
                events: pass_registered("2026-05-08T10:00", "standard"),
                target: "resolution",
                due: "2026-05-13T17:00",
            },
            // 48 h would end Fri 13 Mar 17:00 (Thu 4, Fri 13, Tue 22, Wed 31, Thu 40, Fri 09:00 +
            // 8). Bound: Fri 6 [1], Mon 9 [2], Tue 10 [3], Wed 11 [4], Thu 12 Mar [5] 14:00.
            Case {
                what: "consultation over 8 March 2026: the bound comes first",
                events: pass_registered("2026-03-05T14:00", "consultation"),
                target: "resolution",
                due: "2026-03-12T14:00",
            },
            // Registered on Saturday 28 Nov: the bound counts from Monday 30 Nov 00:00 — Tue 1
            // [1], 2 [2], 3 [3], 4 [4], Mon 7 Dec [5] 00:00; 48 h would end Mon 7 Dec 12:00.
            Case {
                what: "consultation registered on a Saturday",
                events: pass_registered("2026-11-28T12:00", "consultation"),
                target: "resolution",
                due: "2026-12-07T00:00",
            },
        ],
    );
}

#[test]
fn pass24_moving_a_standard_ticket_down_to_consultation_keeps_its_registration_time() {
    let reg = pass24();
    let mut events = pass_registered("2026-11-23T10:00", "standard");
    events.push(event(
        "2026-11-24T11:00",
        EventKind::LevelChanged("consultation".into()),
    ));
    // 48 h would end Mon 30 Nov 13:00; five weekdays end Mon 30 Nov 10:00.
    let clocks = sla::evaluate_explained(reg, &events, msk("2026-11-24T12:00")).expect("evaluates");
    let c = clocks
        .iter()
        .find(|c| c.target == "resolution")
        .expect("resolution");
    assert_eq!(
        c.term_source,
        Some(TermSource::Level("consultation".into()))
    );
    assert_eq!(c.started_at.map(show).as_deref(), Some("2026-11-23T10:00"));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-30T10:00"));
    assert_eq!(c.state, ClockState::Running);
    let notes = &c.explanation.as_ref().expect("explained").notes;
    assert!(
        notes
            .iter()
            .any(|n| n == "capped by the bound of 5 weekdays"),
        "{notes:?}"
    );
}

#[test]
fn pass24_waiting_for_the_customer_extends_a_standard_deadline_by_the_paused_working_time() {
    let reg = pass24();
    let mut events = pass_registered("2026-11-23T10:00", "standard");
    events.push(status("2026-11-23T12:00", "waiting_customer"));
    events.push(status("2026-11-24T12:00", "in_progress"));
    events.push(status("2026-11-26T15:00", "completed"));
    // Base deadline Wed 16:00. Paused Mon 12–18 (6 h) and Tue 09–12 (3 h): 9 h more — Wed 16–18
    // (2 h) and Thu 09:00 + 7 h = 16:00.
    let c = clock(reg, &events, "2026-11-26T15:00", "resolution");
    assert_eq!(c.paused, SignedDuration::from_hours(9));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-11-26T16:00"));
    assert_eq!(c.state, ClockState::Met);
}

#[test]
fn pass24_pause_extends_a_bounded_consultation_deadline_in_working_time() {
    let reg = pass24();
    let mut events = pass_registered("2026-03-05T14:00", "consultation");
    events.push(status("2026-03-06T10:00", "waiting_customer"));
    events.push(status("2026-03-10T10:00", "in_progress"));
    // Base deadline (bound) Thu 12 Mar 14:00. Paused Fri 6 Mar 10–18 (8 h), 7–9 Mar off, Tue
    // 09–10 (1 h): 9 h more — Thu 14–18 (4 h) and Fri 13 Mar 09:00 + 5 h = 14:00.
    let c = clock(reg, &events, "2026-03-10T11:00", "resolution");
    assert_eq!(c.paused, SignedDuration::from_hours(9));
    assert_eq!(c.due.map(show).as_deref(), Some("2026-03-13T14:00"));
}

#[test]
fn pass24_renders_bounded_terms_and_the_days_off_rule() {
    let md = render::markdown(pass24());
    assert_contains_all(
        &md,
        &[
            "Экстренная поддержка: 4 рабочих часа",
            "Стандартная поддержка: 24 рабочих часа, но не более 5 календарных дней без учёта выходных",
            "Консультирование по общим вопросам: 48 рабочих часов, но не более 5 календарных дней без учёта выходных",
            "Телефон: +7 (495) 324-24-42 — в выходные и праздничные дни не принимаются",
            "время в статусе «Ожидает ответа клиента» не учитывается",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Quartech [Q]: 10:00–20:00 Mon–Fri, RU calendar; free email support, paid phone and remote, VIP
// ---------------------------------------------------------------------------------------------

fn email_at(at: &str) -> Vec<Event> {
    vec![received(at, Some("email"), Some("free"), None)]
}

#[test]
fn quartech_email_answer_deadlines_in_working_hours() {
    check_deadlines(
        quartech(),
        &[
            // Fri 8 May 2026 works 10–19: 15–19 is 4 h; 9–11 May off; Tue 12 May 10:00 + 4 h.
            Case {
                what: "email on the shortened 8 May 2026",
                events: email_at("2026-05-08T15:00"),
                target: "reaction",
                due: "2026-05-12T14:00",
            },
            // 31 Dec 2026 is off, as are 1–10 Jan 2027; Mon 11 Jan 10:00 + 8 h.
            Case {
                what: "email on the day-off 31 December 2026",
                events: email_at("2026-12-31T12:00"),
                target: "reaction",
                due: "2027-01-11T18:00",
            },
            // Fri 20 Feb 2026 19–20 is 1 h; 21–23 Feb off; Tue 24 Feb 10:00 + 7 h.
            Case {
                what: "email on Friday evening before 23 February",
                events: email_at("2026-02-20T19:00"),
                target: "reaction",
                due: "2026-02-24T17:00",
            },
            // Fri 31 Oct 2025 18–20 is 2 h; Sat 1 Nov 2025 works 10–19 (shortened): 10:00 + 6 h.
            Case {
                what: "email into the working shortened Saturday 2025-11-01",
                events: email_at("2025-10-31T18:00"),
                target: "reaction",
                due: "2025-11-01T16:00",
            },
            // Fri 26 Apr 2024 16–20 is 4 h; Sat 27 Apr 2024 works 10–20: 10:00 + 4 h.
            Case {
                what: "email into the working Saturday 2024-04-27",
                events: email_at("2024-04-26T16:00"),
                target: "reaction",
                due: "2024-04-27T14:00",
            },
        ],
    );
}

#[test]
fn quartech_paid_phone_calls_have_no_free_answer_deadline() {
    let events = vec![received(
        "2026-11-23T10:00",
        Some("phone"),
        Some("commercial"),
        None,
    )];
    let clocks = sla::evaluate(quartech(), &events, msk("2026-11-23T10:00")).expect("evaluates");
    assert!(clocks.iter().all(|c| c.target != "reaction"), "{clocks:?}");
}

#[test]
fn quartech_still_working_notice_is_due_after_eight_working_hours() {
    let c = clock(
        quartech(),
        &email_at("2026-05-08T15:00"),
        "2026-05-08T15:00",
        "reaction",
    );
    // The notice comes when 8 working hours have passed without an answer: Tue 12 May 14:00.
    assert_eq!(c.interim_at.map(show).as_deref(), Some("2026-05-12T14:00"));
}

#[test]
fn quartech_phone_tiers_remote_minimum_and_free_email() {
    let cases = [
        ("phone", 10, Money::from_rubles(500)),
        ("phone", 15, Money::from_rubles(500)),
        ("phone", 30, Money::from_rubles(1000)),
        ("phone", 45, Money::from_rubles(1000)),
        // Beyond 45 minutes the whole call is 2000 ₽/h: 90 min = 3000 ₽, 50 min = 1666,67 ₽.
        ("phone", 90, Money::from_rubles(3000)),
        ("phone", 50, Money::from_kopecks(166_667)),
        // Remote access: at least one hour.
        ("remote", 20, Money::from_rubles(2000)),
        ("remote", 60, Money::from_rubles(2000)),
        ("remote", 90, Money::from_rubles(3000)),
        ("email", 120, Money::ZERO),
    ];
    let mut failures = Vec::new();
    for (activity, mins, expected) in cases {
        let s = billing::bill(
            quartech(),
            date(2026, 11, 1),
            None,
            &[entry("2026-11-23T11:00", mins, activity)],
        )
        .expect("bills");
        if s.lines[0].amount != expected {
            failures.push(format!(
                "{activity} {mins} min: expected {expected}, got {}",
                s.lines[0].amount
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let remote = billing::bill(
        quartech(),
        date(2026, 11, 1),
        None,
        &[entry("2026-11-23T11:00", 20, "remote")],
    )
    .expect("bills");
    assert_eq!(remote.lines[0].billed, SignedDuration::from_hours(1));
}

#[test]
fn quartech_statement_without_a_plan_sums_calls_remote_sessions_and_free_email() {
    let entries = [
        entry("2026-11-02T10:30", 10, "phone"),  // 500
        entry("2026-11-03T12:00", 30, "phone"),  // 1000
        entry("2026-11-05T15:00", 90, "phone"),  // 3000
        entry("2026-11-06T11:00", 20, "remote"), // 2000
        entry("2026-11-09T10:00", 45, "email"),  // free
    ];
    let s = billing::bill(quartech(), date(2026, 11, 1), None, &entries).expect("bills");
    assert_eq!(s.total, rub(6500));
    assert_eq!(s.plan, None);
}

#[test]
fn quartech_vip_plan_with_35_billed_hours_costs_the_fee_plus_five_hours_overage() {
    let reg = quartech();
    assert_eq!(
        reg.billing
            .as_ref()
            .expect("billing")
            .plan_for_tariff("vip")
            .expect("VIP")
            .id,
        "vip"
    );
    let entries = [
        entry("2026-11-02T10:00", 10 * 60, "remote"),
        entry("2026-11-10T10:00", 20 * 60, "remote"),
        entry("2026-11-20T10:00", 5 * 60, "remote"),
    ];
    let s = billing::bill(reg, date(2026, 11, 1), Some("vip"), &entries).expect("bills");
    assert_eq!(s.fee, rub(20000));
    assert_eq!(s.billed_time, SignedDuration::from_hours(35));
    assert_eq!(s.included_time, SignedDuration::from_hours(30));
    let amounts: Vec<Money> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, [Money::ZERO, Money::ZERO, rub(10000)]);
    assert_eq!(s.total, rub(30000));
}

#[test]
fn quartech_vip_hours_running_out_mid_session_bill_only_the_part_beyond_thirty() {
    let entries = [
        entry("2026-11-02T10:00", 28 * 60, "remote"),
        entry("2026-11-20T10:00", 7 * 60, "remote"),
    ];
    let s = billing::bill(quartech(), date(2026, 11, 1), Some("vip"), &entries).expect("bills");
    assert_eq!(s.lines[1].included, SignedDuration::from_hours(2));
    assert_eq!(s.lines[1].amount, rub(10000));
    assert_eq!(s.total, rub(30000));
}

#[test]
fn quartech_free_email_stays_free_after_the_vip_hours_are_used_up() {
    let entries = [
        entry("2026-11-02T10:00", 30 * 60, "remote"),
        entry("2026-11-20T10:00", 60, "email"),
    ];
    let s = billing::bill(quartech(), date(2026, 11, 1), Some("vip"), &entries).expect("bills");
    assert_eq!(s.lines[1].amount, Money::ZERO);
    assert_eq!(s.total, rub(20000));
}

#[test]
fn quartech_renders_the_price_list_and_the_interim_notice() {
    let md = render::markdown(quartech());
    assert_contains_all(
        &md,
        &[
            "Телефонная поддержка: до 15 минут — 500 ₽; от 15 минут до 45 минут — 1 000 ₽; свыше 45 минут — 2 000 ₽ в час",
            "Удалённое подключение к компьютеру клиента: 2 000 ₽ в час",
            "Консультация по электронной почте: бесплатно",
            "Тариф «VIP поддержка»: 20 000 ₽ в месяц, включено до 30 часов работ; сверх — 2 000 ₽ в час",
            "| Ответ на обращение (при обращении через «Электронная почта») | 8 рабочих часов | Рабочее время |",
            "если решение не найдено за 8 рабочих часов, клиенту сообщается, что работа продолжается",
            "| Рабочее время | пн–пт 10:00–20:00 | московское время |",
        ],
    );
}

#[test]
fn quartech_renders_the_remote_minimum_as_at_least_one_hour_in_the_genitive() {
    let md = render::markdown(quartech());
    assert_contains_all(&md, &["учитывается не менее 1 часа"]);
}
