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
        clock(&t, "resolution")
            .explanation
            .contains("отсчёт отменён"),
        "{}",
        clock(&t, "resolution").explanation
    );
}

fn reply(body: &str) -> DeskCommand {
    DeskCommand::Reply {
        body: body.into(),
        public: true,
    }
}

async fn a_customer_writing_back_about_completed_work_objects_and_work_resumes(db: Db) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let t = app
        .desk
        .open_ticket(customer, Request::new("Ошибка", "Текст"), Lang::Ru)
        .await
        .unwrap();
    let id = TicketId(t.id);
    let done = DeskCommand::Status {
        status: "completed".into(),
        reason: None,
    };
    updated(app.desk.act(agent, id, done, Lang::Ru).await);
    let t = updated(
        app.desk
            .act(customer, id, reply("Всё ещё не работает"), Lang::Ru)
            .await,
    );
    assert_eq!(t.status, "in_progress");
    assert!(
        t.journal.iter().any(|e| matches!(&e.event, reglament_domain::TicketEvent::Reopened { reason } if reason == "Всё ещё не работает")),
        "{:?}",
        t.journal
    );
}

async fn a_customer_message_to_a_merged_duplicate_goes_to_the_ticket_it_was_merged_into(db: Db) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let supervisor = app
        .as_agent(Role::Supervisor, None)
        .await
        .principal
        .unwrap();
    let open = |s: &'static str| {
        app.desk
            .open_ticket(customer, Request::new(s, "Текст"), Lang::Ru)
    };
    let dup = TicketId(open("Повтор").await.unwrap().id);
    let kept = TicketId(open("Основная").await.unwrap().id);
    updated(
        app.desk
            .act(
                supervisor,
                dup,
                DeskCommand::MergeInto { ticket: kept },
                Lang::Ru,
            )
            .await,
    );
    let t = updated(
        app.desk
            .act(customer, dup, reply("Дополнение"), Lang::Ru)
            .await,
    );
    assert_eq!(
        t.id, kept.0,
        "the message went to the ticket that carries on"
    );
    let d = app.desk.ticket(customer, dup, Lang::Ru).await.unwrap();
    assert_eq!(d.status, "closed", "the duplicate stays closed");
}

async fn a_second_message_to_a_rejected_ticket_joins_its_follow_up_instead_of_opening_another(
    db: Db,
) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let t = app
        .desk
        .open_ticket(customer, Request::new("Вопрос", "Текст"), Lang::Ru)
        .await
        .unwrap();
    let id = TicketId(t.id);
    let reject = DeskCommand::Status {
        status: "rejected".into(),
        reason: Some("out_of_scope".into()),
    };
    updated(app.desk.act(agent, id, reject, Lang::Ru).await);
    let first = match app.desk.act(customer, id, reply("Почему?"), Lang::Ru).await {
        Ok(Acted::Opened(v)) => v,
        other => panic!("{other:?}"),
    };
    let second = updated(
        app.desk
            .act(customer, id, reply("Ответьте, пожалуйста"), Lang::Ru)
            .await,
    );
    assert_eq!(second.id, first.id, "no third ticket");
    let queue = app.desk.queue(agent, Default::default()).await.unwrap();
    assert_eq!(queue.items.len(), 1, "{:?}", queue.items);
}

async fn a_split_ticket_is_registered_on_its_line_with_a_running_clock(db: Db) {
    let app = TestApp::spawn(db, BITRIX)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app
        .as_agent(Role::Agent, Some("L1"))
        .await
        .principal
        .unwrap();
    let mut r = Request::new("Две проблемы", "Текст");
    r.category = Some("basic_functions".into());
    let t = app.desk.open_ticket(customer, r, Lang::Ru).await.unwrap();
    let split = DeskCommand::Split {
        subject: "Вторая проблема".into(),
        description: "Текст".into(),
    };
    let new = updated(app.desk.act(agent, TicketId(t.id), split, Lang::Ru).await);
    assert_ne!(new.id, t.id);
    assert_eq!(new.line.as_deref(), Some("L1"));
    assert_eq!(clock(&new, "reaction_L1").state, "running");
}

async fn tickets_of_different_organizations_cannot_be_linked(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let a = app.as_customer(true, false).await.principal.unwrap();
    let b = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let ta = app
        .desk
        .open_ticket(a, Request::new("A", "x"), Lang::Ru)
        .await
        .unwrap();
    let tb = app
        .desk
        .open_ticket(b, Request::new("B", "x"), Lang::Ru)
        .await
        .unwrap();
    let link = DeskCommand::Link {
        ticket: TicketId(tb.id),
        relation: reglament_domain::Relation::Related,
    };
    assert!(matches!(
        app.desk.act(agent, TicketId(ta.id), link, Lang::Ru).await,
        Err(DeskError::Conflict(_))
    ));
    let seen = app.desk.ticket(a, TicketId(ta.id), Lang::Ru).await.unwrap();
    assert!(seen.links.is_empty());
}

async fn logged_time_is_at_most_a_day_per_entry(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let t = app
        .desk
        .open_ticket(customer, Request::new("A", "x"), Lang::Ru)
        .await
        .unwrap();
    let log = |minutes| DeskCommand::LogTime {
        activity: "answer".into(),
        minutes,
        seconds: 0,
        started: None,
        description: "x".into(),
    };
    assert!(matches!(
        app.desk
            .act(agent, TicketId(t.id), log(4_000_000_000), Lang::Ru)
            .await,
        Err(DeskError::Invalid(_))
    ));
    updated(
        app.desk
            .act(agent, TicketId(t.id), log(1440), Lang::Ru)
            .await,
    );
}

async fn one_address_is_one_account_and_an_admin_cannot_switch_themselves_off(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let admin = app.as_agent(Role::Admin, None).await;
    let agent = |email: &str| reglament_desk::AgentInput {
        full_name: "Новый".into(),
        email: email.into(),
        role: "agent".into(),
        line: None,
        password: None,
    };
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let contacts = app
        .desk
        .contacts(customer, customer.organization().unwrap())
        .await
        .unwrap();
    let taken = contacts[0].email.as_str().to_uppercase();
    let r = app
        .desk
        .create_agent(admin.principal.unwrap(), agent(&taken))
        .await;
    assert!(
        matches!(r, Err(DeskError::Conflict(ref t)) if t.id() == "dir-email-taken"),
        "{r:?}"
    );
    let me = TestApp::agent_id(&admin);
    let r = app
        .desk
        .set_agent_active(admin.principal.unwrap(), me, false)
        .await;
    assert!(
        matches!(r, Err(DeskError::Conflict(ref t)) if t.id() == "dir-self-deactivate"),
        "{r:?}"
    );
}

async fn files_are_judged_by_their_content_and_empty_ones_are_refused(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let t = app
        .desk
        .open_ticket(customer, Request::new("Скриншот", "x"), Lang::Ru)
        .await
        .unwrap();
    let id = TicketId(t.id);
    let file = |name: &str, data: Vec<u8>| reglament_desk::Upload {
        name: name.into(),
        content_type: "image/png".into(),
        data,
    };
    // A BMP renamed `.png`: SaveIT takes BMP only inside an archive.
    let mut bmp = b"BM".to_vec();
    bmp.extend([0u8; 64]);
    match app
        .desk
        .attach(customer, id, vec![file("screen.png", bmp)])
        .await
    {
        Err(DeskError::Invalid(p)) => {
            assert_eq!(
                p[0].text.render(Lang::Ru),
                "Файл «screen.png» на самом деле BMP. Файлы .bmp принимаются только в архиве ZIP или RAR."
            );
            assert_eq!(
                p[0].text.render(Lang::En),
                "The file “screen.png” is really BMP. .bmp files are accepted only inside a ZIP or RAR archive."
            );
        }
        other => panic!("{other:?}"),
    }
    match app
        .desk
        .attach(customer, id, vec![file("empty.png", Vec::new())])
        .await
    {
        Err(DeskError::Invalid(p)) => assert_eq!(p[0].text.id(), "attach-empty"),
        other => panic!("{other:?}"),
    }
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let accepted = app
        .desk
        .attach(customer, id, vec![file("real.png", png.clone())])
        .await
        .unwrap();
    assert_eq!(accepted.len(), 1);
    // Bidirectional overrides would make a name read as another.
    let tricky = app
        .desk
        .attach(customer, id, vec![file("скрин\u{202E}gnp.png", png)])
        .await
        .unwrap();
    assert_eq!(tricky[0].name, "скринgnp.png");
}

async fn texts_with_a_nul_character_are_refused(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    match app
        .desk
        .open_ticket(customer, Request::new("Тема\0", "x"), Lang::Ru)
        .await
    {
        Err(DeskError::Invalid(p)) => assert_eq!(p[0].text.id(), "intake-nul"),
        other => panic!("{other:?}"),
    }
    let t = app
        .desk
        .open_ticket(customer, Request::new("Тема", "x"), Lang::Ru)
        .await
        .unwrap();
    assert!(matches!(
        app.desk
            .act(customer, TicketId(t.id), reply("a\0b"), Lang::Ru)
            .await,
        Err(DeskError::Invalid(_))
    ));
}

async fn a_follow_up_is_filed_by_who_wrote_and_keeps_the_owner_only_rule(db: Db) {
    let app = TestApp::spawn(db, INSALES)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let (org, owner_id) = app.organization_with_contact(true, true).await;
    let owner = Principal::Contact(owner_id, org);
    let employee = app
        .desk
        .create_contact(
            reglament_desk::OPERATOR,
            org,
            reglament_desk::ContactInput {
                full_name: "Сотрудник".into(),
                position: None,
                phone: None,
                email: "employee@shop.test".into(),
                trusted: true,
                owner: false,
                password: None,
            },
        )
        .await
        .unwrap();
    let employee = Principal::Contact(employee.id, org);
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let mut r = Request::new("Удалите товары", "Все товары каталога");
    r.category = Some("content_deletion".into());
    let t = app.desk.open_ticket(owner, r, Lang::Ru).await.unwrap();
    let id = TicketId(t.id);
    let reject = DeskCommand::Status {
        status: "rejected".into(),
        reason: Some("out_of_scope".into()),
    };
    updated(app.desk.act(agent, id, reject, Lang::Ru).await);
    match app
        .desk
        .act(employee, id, reply("Удалите всё равно"), Lang::Ru)
        .await
    {
        Err(DeskError::Invalid(p)) => assert_eq!(p[0].text.id(), "intake-owner-only"),
        other => panic!("{other:?}"),
    }
    let follow = match app
        .desk
        .act(owner, id, reply("Прошу пересмотреть"), Lang::Ru)
        .await
    {
        Ok(Acted::Opened(v)) => v,
        other => panic!("{other:?}"),
    };
    assert_eq!(follow.contact_id, Some(owner_id.0));
}

on_both_databases!(
    a_ticket_escalates_from_the_first_line_to_development_and_each_line_owns_its_clock,
    a_public_reply_by_token_stops_the_reaction_clock_and_reaches_the_customer,
    a_customer_has_no_internal_notes,
    supervisors_change_priority_and_merge_and_agents_may_not,
    a_rejected_ticket_has_its_clocks_cancelled_not_met,
    a_customer_writing_back_about_completed_work_objects_and_work_resumes,
    a_customer_message_to_a_merged_duplicate_goes_to_the_ticket_it_was_merged_into,
    a_second_message_to_a_rejected_ticket_joins_its_follow_up_instead_of_opening_another,
    a_split_ticket_is_registered_on_its_line_with_a_running_clock,
    tickets_of_different_organizations_cannot_be_linked,
    logged_time_is_at_most_a_day_per_entry,
    one_address_is_one_account_and_an_admin_cannot_switch_themselves_off,
    files_are_judged_by_their_content_and_empty_ones_are_refused,
    texts_with_a_nul_character_are_refused,
    a_follow_up_is_filed_by_who_wrote_and_keeps_the_owner_only_rule,
);
