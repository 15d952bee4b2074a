//! Statements through the desk on a real database: the contract's price for work written off
//! by fact, night work logged the next morning with its start, a call's real duration in
//! seconds, and work that started in one month and was logged in the next.

use reglament_desk::{Acted, DeskCommand, DeskError, Lang, OPERATOR, OrganizationInput, Request};
use reglament_domain::{OrgId, Principal, Role, TicketId};
use reglament_testkit::{Db, TestApp, on_both_databases};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// SaveIT's regulation with second-edition billing in place of its own.
fn regulation() -> String {
    let head = SAVEIT
        .split("[billing]")
        .next()
        .expect("saveit has billing");
    format!(
        "{head}{}",
        r#"
[billing]
currency = "RUB"

[billing.activities.fact]
title = "Работы по факту"
rate = "contract"
unit = "человеко-час"

[billing.activities.timed]
title = "Работы по времени суток"
rate = 2500

[billing.activities.call]
title = "Звонок"
tiers = [ { up_to = "5 minutes", price = 200 }, { up_to = "15 minutes", price = 500 } ]
rate = 2400
rounding = "1 minute"

[[billing.multipliers]]
title = "Ночь"
hours = "22:00-07:00"
rate = 4500
activities = ["timed"]
"#
    )
}

fn log(activity: &str, minutes: u32, seconds: u32, started: Option<&str>) -> DeskCommand {
    DeskCommand::LogTime {
        activity: activity.into(),
        minutes,
        seconds,
        started: started.map(str::to_string),
        description: "работа".into(),
    }
}

async fn ticket(app: &TestApp, customer: Principal) -> TicketId {
    TicketId(
        app.desk
            .open_ticket(customer, Request::new("Сбой", "Не работает"), Lang::Ru)
            .await
            .expect("filed")
            .id,
    )
}

async fn night_work_logged_in_the_morning_is_priced_at_the_night_rate_of_its_start(db: Db) {
    let app = TestApp::spawn(db, &regulation()).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let id = ticket(&app, customer).await;
    // Logged at 09:00 on Tuesday 24 November 2026; the work ran 23:00–00:30 that night.
    let morning = app.desk_at("2026-11-24T09:00:00+03:00");
    let done = morning
        .act(
            agent,
            id,
            log("timed", 90, 0, Some("2026-11-23T23:00")),
            Lang::Ru,
        )
        .await;
    assert!(matches!(done, Ok(Acted::Updated(_))), "{done:?}");
    // Without its start the same work is priced as morning work.
    morning
        .act(agent, id, log("timed", 60, 0, None), Lang::Ru)
        .await
        .expect("logged");
    let org = customer.organization().unwrap();
    let st = morning
        .statement(agent, org, "2026-11")
        .await
        .expect("statement");
    let amounts: Vec<i64> = st.lines.iter().map(|l| l.amount_kopecks / 100).collect();
    assert_eq!(amounts, [6750, 2500], "{st:#?}");
    assert_eq!(st.lines[0].at, "2026-11-23T23:00:00+03:00");
    assert_eq!(st.lines[0].parts[0].window.as_deref(), Some("Ночь"));
    // The journal says when the work started.
    let seen = morning
        .ticket_page(agent, id, Lang::Ru)
        .await
        .expect("page");
    let text = format!("{seen:?}");
    assert!(text.contains("начало работы 23.11.2026 23:00"), "{text}");
}

async fn work_started_on_the_last_night_of_a_month_is_billed_in_that_month(db: Db) {
    let app = TestApp::spawn(db, &regulation()).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let id = ticket(&app, customer).await;
    let desk = app.desk_at("2026-12-01T09:00:00+03:00");
    desk.act(
        agent,
        id,
        log("timed", 60, 0, Some("2026-11-30T23:30")),
        Lang::Ru,
    )
    .await
    .expect("logged");
    let org = customer.organization().unwrap();
    let nov = desk
        .statement(agent, org, "2026-11")
        .await
        .expect("november");
    assert_eq!(nov.total_kopecks, 450_000, "{nov:#?}");
    let dec = desk
        .statement(agent, org, "2026-12")
        .await
        .expect("december");
    assert!(dec.lines.is_empty(), "{dec:#?}");
    let entries = desk
        .time_entries(agent, "2026-11", Some(org))
        .await
        .expect("entries");
    assert_eq!(entries.total_minutes, 60);
}

async fn a_start_in_the_future_or_more_than_a_week_ago_is_refused_naming_the_rule(db: Db) {
    let app = TestApp::spawn(db, &regulation()).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let id = ticket(&app, customer).await;
    let desk = app.desk_at("2026-11-24T09:00:00+03:00");
    for (started, minutes, code) in [
        ("2026-11-24T08:30", 60, "domain-time-future"),
        ("2026-11-16T08:59", 10, "domain-time-too-old"),
    ] {
        let r = desk
            .act(agent, id, log("timed", minutes, 0, Some(started)), Lang::Ru)
            .await;
        let text = format!("{r:?}");
        assert!(
            matches!(r, Err(DeskError::Invalid(_)) | Err(DeskError::Conflict(_)))
                && text.contains(code),
            "{started}: {text}"
        );
    }
    let r = desk
        .act(agent, id, log("timed", 10, 0, Some("вчера")), Lang::Ru)
        .await;
    assert!(format!("{r:?}").contains("action-bad-started"), "{r:?}");
    let r = desk
        .act(agent, id, log("call", 5, 60, None), Lang::Ru)
        .await;
    assert!(format!("{r:?}").contains("domain-time-seconds"), "{r:?}");
}

async fn a_call_s_seconds_decide_its_tier_and_the_contract_prices_work_by_fact(db: Db) {
    let app = TestApp::spawn(db, &regulation()).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let org = customer.organization().unwrap();
    let id = ticket(&app, customer).await;
    let desk = app.desk_at("2026-11-24T12:00:00+03:00");
    for cmd in [
        log("call", 4, 59, None),
        log("call", 5, 1, None),
        log("fact", 90, 0, None),
    ] {
        desk.act(agent, id, cmd, Lang::Ru).await.expect("logged");
    }
    // No price in the contract: the statement says what is missing.
    let r = desk.statement(agent, org, "2026-11").await;
    assert!(
        format!("{r:?}").contains("billing-no-contract-rate"),
        "{r:?}"
    );
    let current = app.desk.organization(OPERATOR, org).await.expect("org");
    let input = |rate: &str| OrganizationInput {
        name: current.name.clone(),
        contract_number: current.contract_number.clone(),
        contract_rate: Some(rate.into()),
        ..OrganizationInput::default()
    };
    let bad = app
        .desk
        .update_organization(OPERATOR, org, input("дорого"))
        .await;
    assert!(
        format!("{bad:?}").contains("dir-bad-contract-rate"),
        "{bad:?}"
    );
    let saved = app
        .desk
        .update_organization(OPERATOR, org, input("1 800,00"))
        .await
        .expect("saved");
    assert_eq!(saved.contract_rate.as_deref(), Some("1 800 ₽"));
    assert_eq!(saved.contract_rate_kopecks, Some(180_000));
    let st = desk
        .statement(agent, org, "2026-11")
        .await
        .expect("statement");
    let amounts: Vec<i64> = st.lines.iter().map(|l| l.amount_kopecks / 100).collect();
    assert_eq!(amounts, [200, 500, 2700], "{st:#?}");
    assert_eq!(st.lines[2].note, "1 800 ₽/ч по договору");
    // The customer sees the same statement of their own organization, and not another's.
    let own = desk.statement(customer, org, "2026-11").await.expect("own");
    assert_eq!(own.total_kopecks, 340_000);
    let other = OrgId(org.0 + 1000);
    assert!(desk.statement(customer, other, "2026-11").await.is_err());
}

on_both_databases!(
    night_work_logged_in_the_morning_is_priced_at_the_night_rate_of_its_start,
    work_started_on_the_last_night_of_a_month_is_billed_in_that_month,
    a_start_in_the_future_or_more_than_a_week_ago_is_refused_naming_the_rule,
    a_call_s_seconds_decide_its_tier_and_the_contract_prices_work_by_fact,
);
