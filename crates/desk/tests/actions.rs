//! Acting on tickets through the desk, on SQLite and PostgreSQL: escalation along the lines,
//! what a support reply is, who may do what, and how clocks end.

use reglament_desk::{Acted, DeskCommand, DeskError, Lang, Request, TicketView};
use reglament_domain::{Principal, Role, TicketId};
use reglament_testkit::{Db, TestApp, on_both_databases};

const BITRIX: &str = include_str!("../../../examples/regulations/bitrix24-integrator.toml");
const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");
const INSALES: &str = include_str!("../../../examples/regulations/insales.toml");

fn updated(a: Result<Acted, DeskError>) -> TicketView {
    match a {
        Ok(Acted::Updated(v) | Acted::Merged(v) | Acted::Opened(v)) => v,
        Err(e) => panic!("refused: {e:?}"),
    }
}

fn clock<'a>(t: &'a TicketView, target: &str) -> &'a reglament_desk::ClockView {
    t.clocks
        .iter()
        .find(|c| c.target == target)
        .unwrap_or_else(|| panic!("no clock {target} in {:?}", t.clocks))
}

async fn a_ticket_escalates_from_the_first_line_to_development_and_each_line_owns_its_clock(
    db: Db,
) {
    // Monday 10:30: within Bitrix24's office hours.
    let app = TestApp::spawn(db, BITRIX)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let first = app
        .as_agent(Role::Agent, Some("L1"))
        .await
        .principal
        .unwrap();
    let mut r = Request::new(
        "Не приходят уведомления",
        "С понедельника не приходят письма",
    );
    r.category = Some("basic_functions".into());
    let t = app.desk.open_ticket(customer, r, Lang::Ru).await.unwrap();
    let id = TicketId(t.id);
    // Registered on the first line: its reaction clock runs from registration.
    assert_eq!(t.line.as_deref(), Some("L1"));
    assert_eq!(clock(&t, "reaction_L1").state, "running");
    assert_eq!(
        clock(&t, "reaction_L1").due.as_deref(),
        Some("2026-11-23T12:30:00+03:00")
    );
    assert_eq!(clock(&t, "reaction_L2").state, "pending");
    let act = |cmd| app.desk.act(first, id, cmd, Lang::Ru);
    let t = updated(act(DeskCommand::HandOver { line: "L2".into() }).await);
    assert_eq!(t.line.as_deref(), Some("L2"));
    // Leaving the first line ends its clock: it can no longer breach there.
    assert_eq!(clock(&t, "reaction_L1").state, "cancelled");
    assert_eq!(clock(&t, "reaction_L1").remaining_seconds, 0);
    assert_eq!(clock(&t, "reaction_L2").state, "running");
    let t = updated(act(DeskCommand::HandOver { line: "L3".into() }).await);
    assert_eq!(clock(&t, "reaction_L2").state, "cancelled");
    assert_eq!(clock(&t, "reaction_L3").state, "running");
    let engineer = app.as_agent(Role::Agent, Some("L3")).await;
    let t = updated(
        app.desk
            .act(
                engineer.principal.unwrap(),
                id,
                DeskCommand::Assign {
                    assignee: TestApp::agent_id(&engineer),
                },
                Lang::Ru,
            )
            .await,
    );
    assert_eq!(clock(&t, "reaction_L3").state, "met");
    assert_eq!(t.status, "in_progress");
    // Development: deferred until the developers' release.
    let t = updated(
        act(DeskCommand::Status {
            status: "deferred".into(),
            reason: Some("needs_development".into()),
        })
        .await,
    );
    assert_eq!(t.status, "deferred");
    // Two days later nothing has breached: every line's clock ended in time.
    let later = app.desk_at("2026-11-25T12:00:00+03:00");
    let t = later.ticket(first, id, Lang::Ru).await.unwrap();
    assert!(
        t.clocks.iter().all(|c| c.state != "breached"),
        "{:?}",
        t.clocks
    );
}

async fn a_public_reply_by_token_stops_the_reaction_clock_and_reaches_the_customer(db: Db) {
    let app = TestApp::spawn(db, INSALES)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let mut r = Request::new("Вопрос", "Описание");
    r.category = Some("functionality".into());
    let t = app.desk.open_ticket(customer, r, Lang::Ru).await.unwrap();
    let token = app.as_token(Role::Agent).await.principal.unwrap();
    let t = updated(
        app.desk
            .act(
                token,
                TicketId(t.id),
                DeskCommand::Reply {
                    body: "Ответ из CRM".into(),
                    public: true,
                },
                Lang::Ru,
            )
            .await,
    );
    let reply = t.journal.last().unwrap();
    assert_eq!(
        reply.actor,
        token.actor(),
        "journaled as the token, not the system"
    );
    let reaction = t
        .clocks
        .iter()
        .find(|c| c.target == "reaction")
        .expect("InSales has a reaction target");
    assert_eq!(reaction.state, "met");
    let outbox = app.db.store.pending_outbox(100).await.unwrap();
    let to_customer = outbox
        .iter()
        .find(|m| m.kind == "reply")
        .expect("the reply went to the customer's outbox");
    let Principal::Contact(c, _) = customer else {
        unreachable!()
    };
    assert_eq!(to_customer.recipient, format!("contact:{}", c.0));
    assert_eq!(to_customer.payload["body"], "Ответ из CRM");
}

async fn a_customer_has_no_internal_notes(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let t = app
        .desk
        .open_ticket(customer, Request::new("Вопрос", "Описание"), Lang::Ru)
        .await
        .unwrap();
    let r = app
        .desk
        .act(
            customer,
            TicketId(t.id),
            DeskCommand::Note {
                body: "секрет".into(),
            },
            Lang::Ru,
        )
        .await;
    match r {
        Err(DeskError::Forbidden(text)) => {
            assert_eq!(text.id(), "customer-note");
            assert!(text.render(Lang::Ru).contains("нет внутренних заметок"));
        }
        other => panic!("{other:?}"),
    }
    let t = app
        .desk
        .ticket(customer, TicketId(t.id), Lang::Ru)
        .await
        .unwrap();
    assert_eq!(t.journal.len(), 2, "nothing was written: {:?}", t.journal);
}

async fn supervisors_change_priority_and_merge_and_agents_may_not(db: Db) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let supervisor = app
        .as_agent(Role::Supervisor, None)
        .await
        .principal
        .unwrap();
    let open = |s: &'static str| {
        app.desk
            .open_ticket(customer, Request::new(s, "Описание"), Lang::Ru)
    };
    let urgent = TicketId(open("Не работает выгрузка").await.unwrap().id);
    let kept = TicketId(open("Не работает выгрузка, повтор").await.unwrap().id);
    let set = |who, id, p: &str| {
        app.desk.act(
            who,
            id,
            DeskCommand::Priority {
                priority: p.into(),
                reason: "по договорённости".into(),
            },
            Lang::Ru,
        )
    };
    assert!(matches!(
        set(agent, urgent, "P2").await,
        Err(DeskError::Forbidden(_))
    ));
    updated(set(supervisor, urgent, "P2").await);
    updated(set(supervisor, kept, "P3").await);
    let merge = DeskCommand::MergeInto { ticket: kept };
    assert!(matches!(
        app.desk.act(agent, urgent, merge.clone(), Lang::Ru).await,
        Err(DeskError::Forbidden(_))
    ));
    let t = updated(app.desk.act(supervisor, urgent, merge, Lang::Ru).await);
    assert_eq!(t.id, kept.0);
    assert_eq!(
        t.priority.as_deref(),
        Some("P2"),
        "the more urgent priority is kept"
    );
    // The duplicate's clocks were cancelled, not met.
    let dup = app.desk.ticket(supervisor, urgent, Lang::Ru).await.unwrap();
    assert_eq!(clock(&dup, "resolution").state, "cancelled");
    assert_eq!(clock(&dup, "resolution").remaining_seconds, 0);
}

async fn a_rejected_ticket_has_its_clocks_cancelled_not_met(db: Db) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let t = app
        .desk
        .open_ticket(customer, Request::new("Реклама", "Купите слона"), Lang::Ru)
        .await
        .unwrap();
    let t = updated(
        app.desk
            .act(
                agent,
                TicketId(t.id),
                DeskCommand::Status {
                    status: "rejected".into(),
                    reason: Some("out_of_scope".into()),
                },
                Lang::Ru,
            )
            .await,
    );
    assert_eq!(clock(&t, "resolution").state, "cancelled");
    assert!(
        clock(&t, "resolution").explanation.contains("отменён"),
        "{}",
        clock(&t, "resolution").explanation
    );
}

on_both_databases!(
    a_ticket_escalates_from_the_first_line_to_development_and_each_line_owns_its_clock,
    a_public_reply_by_token_stops_the_reaction_clock_and_reaches_the_customer,
    a_customer_has_no_internal_notes,
    supervisors_change_priority_and_merge_and_agents_may_not,
    a_rejected_ticket_has_its_clocks_cancelled_not_met,
);
