//! The ticket lifecycle under real regulations: every transition of DESIGN.md's lifecycle, who
//! may do what, enumerated reasons, reopening rules, and clocks that follow priority changes and
//! extensions.

use jiff::Timestamp;
use reglament_domain::*;
use reglament_regulation::Regulation;
use reglament_regulation::sla::{self, ClockState};

fn saveit() -> Regulation {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/regulations/saveit.toml"
    ))
    .unwrap();
    Regulation::parse(&text).unwrap()
}

const SMALL: &str = r#"
[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[priorities]]
id = "P1"
title = "Критический"
[[priorities]]
id = "P3"
title = "Обычный"
[[lines]]
id = "L1"
title = "Консультант"
reaction = "2 working hours"
schedule = "office"
[[lines]]
id = "L2"
title = "Инженер"
reaction = "4 working hours"
schedule = "office"
[[targets]]
id = "resolution"
title = "Решение"
start = "registered"
stop = "completed"
pause_in = ["waiting_customer"]
resume_on = ["reopened"]
schedule = "office"
by_priority = { P1 = "4 working hours", P3 = "5 working days" }
extension = "1 working day"
[lifecycle]
auto_close_after = "24 hours"
reopen = "new_linked"
"#;

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const AGENT: Actor = Actor::Agent(AgentId(7));
const CUSTOMER: Actor = Actor::Contact(ContactId(3));

/// A ticket's journal with a helper that runs commands as they would run in the service.
struct Desk {
    reg: Regulation,
    journal: Vec<JournalEntry>,
}

impl Desk {
    fn new(reg: Regulation, received: &str, priority: &str) -> Desk {
        let journal = vec![JournalEntry::new(
            at(received),
            Actor::System,
            TicketEvent::Received {
                channel: "email".into(),
                subject: "Не работает выгрузка".into(),
                description: "Ошибка при выгрузке".into(),
                organization: Some(OrgId(1)),
                contact: Some(ContactId(3)),
                category: None,
                level: None,
                priority: Some(priority.into()),
                fields: Default::default(),
            },
        )];
        Desk { reg, journal }
    }

    fn ticket(&self) -> Ticket {
        Ticket::replay(&self.journal).unwrap()
    }

    fn try_run(&mut self, when: &str, actor: Actor, cmd: Command) -> Result<Outcome, DomainError> {
        let out = self
            .ticket()
            .decide(&self.journal, cmd, actor, &self.reg, at(when))?;
        if let Outcome::Events(events) = &out {
            for e in events {
                self.journal
                    .push(JournalEntry::new(at(when), actor, e.clone()));
            }
        }
        Ok(out)
    }

    fn run(&mut self, when: &str, actor: Actor, cmd: Command) {
        let out = self.try_run(when, actor, cmd.clone());
        assert!(matches!(out, Ok(Outcome::Events(_))), "{cmd:?}: {out:?}");
    }

    fn register(&mut self, when: &str) {
        let number = TicketNumberFormat::default().format(2026, 1);
        self.run(when, Actor::System, Command::Register { number });
    }

    fn clock(&self, target: &str, now: &str) -> sla::Clock {
        sla::evaluate(&self.reg, &sla_events(&self.journal), at(now))
            .unwrap()
            .into_iter()
            .find(|c| c.target == target)
            .unwrap()
    }
}

fn status(s: &str) -> Command {
    Command::SetStatus {
        status: s.into(),
        reason: None,
    }
}

#[test]
fn a_ticket_goes_from_arrival_to_confirmed_closing() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:30:00+03:00");
    assert_eq!(d.ticket().status, "registered");
    assert_eq!(d.ticket().number.unwrap().as_str(), "2026-00001");
    d.run(
        "2026-11-23T10:40:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    assert_eq!(d.ticket().status, "in_progress");
    assert_eq!(d.ticket().assignee, Some(AgentId(7)));
    d.run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        status("waiting_customer"),
    );
    d.run(
        "2026-11-24T11:00:00+03:00",
        CUSTOMER,
        Command::Reply {
            public: true,
            body: "Вот журнал".into(),
        },
    );
    assert_eq!(
        d.ticket().status,
        "in_progress",
        "a customer's answer resumes work"
    );
    d.run("2026-11-24T12:00:00+03:00", AGENT, status("completed"));
    d.run("2026-11-24T13:00:00+03:00", CUSTOMER, Command::Confirm);
    let t = d.ticket();
    assert_eq!(t.status, "closed");
    assert_eq!(t.closed_at, Some(at("2026-11-24T13:00:00+03:00")));
}

#[test]
fn waiting_for_the_customer_pauses_resolution_for_that_working_time() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:00:00+03:00");
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    d.run(
        "2026-11-23T12:00:00+03:00",
        AGENT,
        status("waiting_customer"),
    );
    d.run(
        "2026-11-24T12:00:00+03:00",
        CUSTOMER,
        Command::Reply {
            public: true,
            body: "Ответ".into(),
        },
    );
    // 8 working hours from Monday 10:00 would be Tuesday 09:00; a full working day of waiting
    // (9 h, Monday 12:00 to Tuesday 12:00) moves it to Tuesday 18:00.
    let c = d.clock("resolution", "2026-11-24T13:00:00+03:00");
    assert_eq!(c.state, ClockState::Running);
    assert_eq!(c.paused.as_hours(), 9);
    assert_eq!(c.due, Some(at("2026-11-24T18:00:00+03:00")));
}

#[test]
fn a_reasoned_objection_resumes_work_and_the_resolution_clock() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P1");
    d.register("2026-11-23T10:00:00+03:00");
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    d.run("2026-11-23T12:00:00+03:00", AGENT, status("completed"));
    assert_eq!(
        d.clock("resolution", "2026-11-23T12:30:00+03:00").state,
        ClockState::Met
    );
    let empty = d.try_run(
        "2026-11-23T13:00:00+03:00",
        CUSTOMER,
        Command::Object { reason: " ".into() },
    );
    assert_eq!(empty, Err(DomainError::Empty { what: "objection" }));
    d.run(
        "2026-11-23T13:00:00+03:00",
        CUSTOMER,
        Command::Object {
            reason: "Ошибка осталась".into(),
        },
    );
    assert_eq!(d.ticket().status, "in_progress");
    // Two hours used before completion; the hour between completion and objection is not counted.
    let c = d.clock("resolution", "2026-11-23T14:00:00+03:00");
    assert_eq!(c.state, ClockState::Running);
    assert_eq!(c.elapsed.as_hours(), 3);
    assert_eq!(c.due, Some(at("2026-11-23T15:00:00+03:00")));
}

#[test]
fn only_the_timer_auto_closes_and_only_a_completed_ticket() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:00:00+03:00");
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    let early = d.try_run(
        "2026-11-23T11:00:00+03:00",
        Actor::System,
        Command::AutoClose,
    );
    assert!(
        matches!(early, Err(DomainError::Transition { .. })),
        "{early:?}"
    );
    d.run("2026-11-23T12:00:00+03:00", AGENT, status("completed"));
    let by_agent = d.try_run("2026-11-24T12:00:00+03:00", AGENT, Command::AutoClose);
    assert!(
        matches!(by_agent, Err(DomainError::Forbidden { .. })),
        "{by_agent:?}"
    );
    // An integration's token acts for staff, never for the timers.
    let by_token = d.try_run(
        "2026-11-24T12:00:00+03:00",
        Actor::Token(reglament_domain::TokenId(1)),
        Command::AutoClose,
    );
    assert!(
        matches!(by_token, Err(DomainError::Forbidden { .. })),
        "{by_token:?}"
    );
    d.run(
        "2026-11-24T12:00:00+03:00",
        Actor::System,
        Command::AutoClose,
    );
    assert_eq!(d.ticket().status, "closed");
}

#[test]
fn a_reply_to_a_closed_ticket_reopens_it_when_the_regulation_says_reopen() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:00:00+03:00");
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    d.run("2026-11-23T12:00:00+03:00", AGENT, status("completed"));
    d.run(
        "2026-11-24T12:00:00+03:00",
        Actor::System,
        Command::AutoClose,
    );
    d.run(
        "2026-11-25T12:00:00+03:00",
        CUSTOMER,
        Command::Reply {
            public: true,
            body: "Снова ошибка".into(),
        },
    );
    let t = d.ticket();
    assert_eq!(t.status, "in_progress");
    assert!(
        d.journal
            .iter()
            .any(|e| matches!(e.event, TicketEvent::Reopened { .. }))
    );
}

#[test]
fn a_reply_to_a_closed_ticket_opens_a_linked_ticket_when_the_regulation_says_so() {
    let mut d = Desk::new(
        Regulation::parse(SMALL).unwrap(),
        "2026-11-23T10:00:00+03:00",
        "P3",
    );
    d.register("2026-11-23T10:00:00+03:00");
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    d.run("2026-11-23T12:00:00+03:00", AGENT, status("completed"));
    d.run("2026-11-23T13:00:00+03:00", CUSTOMER, Command::Confirm);
    let out = d.try_run(
        "2026-11-25T12:00:00+03:00",
        CUSTOMER,
        Command::Reply {
            public: true,
            body: "Ещё вопрос".into(),
        },
    );
    assert_eq!(out, Ok(Outcome::OpenLinkedTicket));
    assert_eq!(
        d.ticket().status,
        "closed",
        "nothing is appended to the closed ticket"
    );
}

#[test]
fn deferral_and_rejection_need_an_enumerated_reason() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:00:00+03:00");
    let none = d.try_run("2026-11-23T11:00:00+03:00", AGENT, status("deferred"));
    match none {
        Err(e @ DomainError::NeedsReason { .. }) => {
            assert!(e.to_string().contains("needs a reason, one of:"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    let free_text = d.try_run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        Command::SetStatus {
            status: "rejected".into(),
            reason: Some("не хочу".into()),
        },
    );
    assert!(
        matches!(free_text, Err(DomainError::NeedsReason { .. })),
        "{free_text:?}"
    );
    d.run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        Command::SetStatus {
            status: "rejected".into(),
            reason: Some("unlicensed".into()),
        },
    );
    let t = d.ticket();
    assert_eq!(
        (t.status.as_str(), t.reason.as_deref()),
        ("rejected", Some("unlicensed"))
    );
}

#[test]
fn the_lifecycle_refuses_impossible_moves() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    let before_registration = d.try_run("2026-11-23T10:00:00+03:00", AGENT, status("completed"));
    assert_eq!(
        before_registration,
        Err(DomainError::Transition {
            from: "new".into(),
            to: "completed".into()
        })
    );
    d.register("2026-11-23T10:00:00+03:00");
    let twice = d.try_run(
        "2026-11-23T10:00:00+03:00",
        Actor::System,
        Command::Register {
            number: TicketNumberFormat::default().format(2026, 2),
        },
    );
    assert!(
        matches!(twice, Err(DomainError::Transition { .. })),
        "{twice:?}"
    );
    let unknown = d.try_run("2026-11-23T10:00:00+03:00", AGENT, status("done"));
    match unknown {
        Err(e @ DomainError::Unknown { what: "status", .. }) => {
            assert!(e.to_string().contains("unknown status `done`"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn customers_may_not_do_staff_work_and_staff_may_not_confirm_for_customers() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:00:00+03:00");
    for cmd in [
        Command::ChangePriority {
            priority: "P1".into(),
            reason: "срочно".into(),
        },
        Command::Assign { agent: AgentId(3) },
        status("completed"),
        Command::LogTime {
            activity: "answer".into(),
            minutes: 30,
            seconds: 0,
            started: None,
            description: String::new(),
        },
        Command::Reopen { reason: "x".into() },
    ] {
        let r = d.try_run("2026-11-23T11:00:00+03:00", CUSTOMER, cmd.clone());
        assert!(
            matches!(r, Err(DomainError::Forbidden { .. })),
            "{cmd:?}: {r:?}"
        );
    }
    d.run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    d.run("2026-11-23T12:00:00+03:00", AGENT, status("completed"));
    for cmd in [
        Command::Confirm,
        Command::Object { reason: "x".into() },
        Command::Rate {
            rating: Rating::new(5).unwrap(),
            comment: None,
        },
    ] {
        let r = d.try_run("2026-11-23T13:00:00+03:00", AGENT, cmd.clone());
        assert!(
            matches!(r, Err(DomainError::Forbidden { .. })),
            "{cmd:?}: {r:?}"
        );
    }
}

#[test]
fn a_priority_change_keeps_the_registration_as_the_start() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P3");
    d.register("2026-11-23T10:00:00+03:00");
    assert_eq!(
        d.clock("resolution", "2026-11-23T11:00:00+03:00").due,
        Some(at("2026-11-30T10:00:00+03:00"))
    );
    let no_reason = d.try_run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        Command::ChangePriority {
            priority: "P1".into(),
            reason: "".into(),
        },
    );
    assert_eq!(
        no_reason,
        Err(DomainError::Empty {
            what: "priority_change"
        })
    );
    d.run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        Command::ChangePriority {
            priority: "P1".into(),
            reason: "Сайт недоступен".into(),
        },
    );
    let c = d.clock("resolution", "2026-11-23T11:00:00+03:00");
    assert_eq!(c.started_at, Some(at("2026-11-23T10:00:00+03:00")));
    assert_eq!(c.due, Some(at("2026-11-23T14:00:00+03:00")));
}

#[test]
fn a_hand_over_starts_that_lines_reaction_clock() {
    let mut d = Desk::new(
        Regulation::parse(SMALL).unwrap(),
        "2026-11-23T10:00:00+03:00",
        "P3",
    );
    d.register("2026-11-23T10:00:00+03:00");
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::HandOver { line: "L2".into() },
    );
    let c = d.clock("reaction_L2", "2026-11-23T11:00:00+03:00");
    assert_eq!(
        (c.state, c.due),
        (ClockState::Running, Some(at("2026-11-23T14:00:00+03:00")))
    );
    let unknown = d.try_run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::HandOver { line: "L9".into() },
    );
    assert!(matches!(
        unknown,
        Err(DomainError::Unknown { what: "line", .. })
    ));
}

#[test]
fn an_extension_within_the_bound_moves_the_deadline_and_one_past_it_is_refused() {
    let mut d = Desk::new(
        Regulation::parse(SMALL).unwrap(),
        "2026-11-23T10:00:00+03:00",
        "P1",
    );
    d.register("2026-11-23T10:00:00+03:00");
    let by = |s: &str| s.parse().unwrap();
    d.run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        Command::Extend {
            target: "resolution".into(),
            by: by("4 working hours"),
            reason: "Ждём ответа поставщика".into(),
        },
    );
    // 14:00 + 4 working hours is 18:00: a deadline at closing time stays there.
    assert_eq!(
        d.clock("resolution", "2026-11-23T11:00:00+03:00").due,
        Some(at("2026-11-23T18:00:00+03:00"))
    );
    // The bound is one working day from the original 14:00 deadline: Tuesday 14:00.
    let past = d.try_run(
        "2026-11-23T11:00:00+03:00",
        AGENT,
        Command::Extend {
            target: "resolution".into(),
            by: by("1 working day"),
            reason: "Ещё день".into(),
        },
    );
    match past {
        Err(
            e @ DomainError::Rule {
                id: "domain-extension-bound",
                ..
            },
        ) => assert!(
            e.to_string()
                .contains("goes past the regulation's bound of 1 working day"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ratings_come_from_the_customer_after_completion() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:00:00+03:00");
    let early = d.try_run(
        "2026-11-23T10:00:00+03:00",
        CUSTOMER,
        Command::Rate {
            rating: Rating::new(5).unwrap(),
            comment: None,
        },
    );
    assert_eq!(early, Err(DomainError::NotRatable));
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::Assign { agent: AgentId(7) },
    );
    d.run("2026-11-23T12:00:00+03:00", AGENT, status("completed"));
    d.run(
        "2026-11-23T13:00:00+03:00",
        CUSTOMER,
        Command::Rate {
            rating: Rating::new(4).unwrap(),
            comment: Some("Спасибо".into()),
        },
    );
    assert_eq!(d.ticket().rating.map(Rating::stars), Some(4));
}

#[test]
fn a_journal_round_trips_through_json() {
    let mut d = Desk::new(saveit(), "2026-11-23T10:00:00+03:00", "P2");
    d.register("2026-11-23T10:00:00+03:00");
    d.run(
        "2026-11-23T10:00:00+03:00",
        AGENT,
        Command::Link {
            ticket: TicketId(9),
            relation: Relation::SplitInto,
        },
    );
    let json = serde_json::to_string(&d.journal).unwrap();
    let back: Vec<JournalEntry> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d.journal);
    assert_eq!(
        Ticket::replay(&back).unwrap().links,
        vec![(TicketId(9), Relation::SplitInto)]
    );
}

#[test]
fn a_journal_must_start_with_the_arrival() {
    let j = [JournalEntry::new(
        at("2026-11-23T10:00:00+03:00"),
        AGENT,
        TicketEvent::Assigned { agent: AgentId(1) },
    )];
    assert!(matches!(Ticket::replay(&j), Err(DomainError::Invalid(_))));
    assert!(matches!(Ticket::replay(&[]), Err(DomainError::Invalid(_))));
}
