//! Intake through the desk, on SQLite and PostgreSQL: the regulation's channel, hour, day,
//! trust and field rules decide whether a request becomes a ticket, and a refusal names every
//! problem with its field.

use reglament_desk::{Desk, DeskError, Lang, Request, Text, Via};
use reglament_domain::{Principal, Role, TokenId};
use reglament_testkit::{Db, TestApp, on_both_databases};

const ECHO: &str = include_str!("../../../examples/regulations/echo.toml");
const INSALES: &str = include_str!("../../../examples/regulations/insales.toml");
const PASS24: &str = include_str!("../../../examples/regulations/pass24.toml");
const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// An integration's token: it files what arrives by itself, so every intake rule applies.
const INTEGRATION: Principal = Principal::Token(TokenId(1), Role::Agent);

/// The problems of a refusal as (field, message id), or a panic if it was not a refusal.
fn problems(r: Result<reglament_desk::TicketView, DeskError>) -> Vec<(String, String)> {
    match r {
        Err(DeskError::Invalid(p)) => p
            .into_iter()
            .map(|p| (p.field, p.text.id().to_string()))
            .collect(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn message(r: &Result<reglament_desk::TicketView, DeskError>, field: &str) -> String {
    match r {
        Err(DeskError::Invalid(p)) => p
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.text.render(Lang::Ru))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

async fn filed(app: &TestApp, who: Principal, r: Request) -> reglament_desk::TicketView {
    match app.desk.open_ticket(who, r.clone(), Lang::Ru).await {
        Ok(v) => v,
        Err(e) => panic!("{r:?} was refused: {e:?}"),
    }
}

/// A request for an organization's contact through a medium, with the channel it names.
fn request(
    app_contact: (reglament_domain::OrgId, reglament_domain::ContactId),
    via: Via,
    channel: Option<&str>,
    subject: &str,
) -> Request {
    let mut r = Request::new(subject, "Описание проблемы").via(via);
    r.organization = Some(app_contact.0);
    r.contact = Some(app_contact.1);
    r.channel = channel.map(str::to_string);
    r
}

async fn an_unofficial_channel_registers_nothing_and_names_the_official_ones(db: Db) {
    let app = TestApp::spawn(db, ECHO)
        .await
        .at("2026-12-01T10:00:00+03:00");
    let who = app.organization_with_contact(true, false).await;
    let r = app
        .desk
        .open_ticket(
            INTEGRATION,
            request(who, Via::Messenger, Some("icq"), "Сайт не открывается"),
            Lang::Ru,
        )
        .await;
    let text = message(&r, "channel");
    assert!(text.contains("неофициальный канал"), "{text}");
    let (_, official) = text.split_once("Официальные каналы:").expect(&text);
    assert!(official.contains("«Электронная почта»"), "{text}");
    assert!(
        !official.contains("ICQ") && !official.contains("Skype"),
        "{text}"
    );
    assert_eq!(
        problems(r),
        [(
            "channel".to_string(),
            "intake-unofficial-channel".to_string()
        )]
    );
    let queue = app
        .desk
        .queue(INTEGRATION, Default::default())
        .await
        .unwrap();
    assert!(queue.items.is_empty(), "nothing was registered");
}

async fn an_emergency_channel_takes_only_its_emergencies_and_only_in_its_hours(db: Db) {
    let app = TestApp::spawn(db, ECHO).await;
    let who = app.organization_with_contact(true, false).await;
    let telegram = |category: Option<&str>| {
        let mut r = request(who, Via::Messenger, Some("telegram"), "Не работает корзина");
        r.category = category.map(str::to_string);
        r
    };
    // 21:00 Moscow is after the emergency line's 06:00–20:00.
    let late = app.at("2026-12-01T21:00:00+03:00");
    let r = late
        .desk
        .open_ticket(INTEGRATION, telegram(Some("cart_broken")), Lang::Ru)
        .await;
    assert_eq!(
        problems(r),
        [("channel".to_string(), "intake-outside-hours".to_string())]
    );
    let app = late.at("2026-12-01T19:00:00+03:00");
    // A consultation is not an emergency.
    let r = app
        .desk
        .open_ticket(INTEGRATION, telegram(Some("consulting")), Lang::Ru)
        .await;
    let text = message(&r, "category");
    assert!(text.contains("только для экстренных"), "{text}");
    assert!(
        text.contains("«Сбой: полностью невозможна работа"),
        "{text}"
    );
    assert_eq!(
        problems(r),
        [("category".to_string(), "intake-emergency-only".to_string())]
    );
    let r = app
        .desk
        .open_ticket(INTEGRATION, telegram(None), Lang::Ru)
        .await;
    assert_eq!(
        problems(r),
        [(
            "category".to_string(),
            "intake-category-for-channel".to_string()
        )]
    );
    let t = filed(&app, INTEGRATION, telegram(Some("cart_broken"))).await;
    assert_eq!(t.channel, "telegram");
    assert_eq!(t.level.as_deref(), Some("emergency"));
    assert_eq!(t.status, "registered");
}

async fn a_trusted_only_channel_refuses_other_contacts(db: Db) {
    let app = TestApp::spawn(db, ECHO)
        .await
        .at("2026-12-01T10:00:00+03:00");
    let stranger = app.organization_with_contact(false, false).await;
    let trusted = app.organization_with_contact(true, false).await;
    let r = app
        .desk
        .open_ticket(
            INTEGRATION,
            request(stranger, Via::Email, None, "Вопрос"),
            Lang::Ru,
        )
        .await;
    assert_eq!(
        problems(r),
        [("contact".to_string(), "intake-not-trusted".to_string())]
    );
    let t = filed(
        &app,
        INTEGRATION,
        request(trusted, Via::Email, None, "Вопрос"),
    )
    .await;
    assert_eq!(t.channel, "email");
}

async fn the_urgent_keyword_raises_the_level_only_in_working_hours(db: Db) {
    let app = TestApp::spawn(db, ECHO).await;
    let who = app.organization_with_contact(true, false).await;
    // Echo's office works 08:00–16:00; «СРОЧНО» marks an emergency only then.
    for (now, level) in [
        ("2026-12-01T10:00:00+03:00", "emergency_marked"),
        ("2026-12-01T17:30:00+03:00", "standard"),
        ("2026-12-05T10:00:00+03:00", "standard"),
    ] {
        let desk = app.desk_at(now);
        let r = request(who, Via::Email, None, "СРОЧНО: не работает сайт");
        let t = desk.open_ticket(INTEGRATION, r, Lang::Ru).await.unwrap();
        assert_eq!(t.level.as_deref(), Some(level), "{now}");
    }
}

async fn a_consultation_channel_is_registered_only_by_an_agent(db: Db) {
    let app = TestApp::spawn(db, INSALES)
        .await
        .at("2026-12-01T10:00:00+03:00");
    let who = app.organization_with_contact(true, true).await;
    let mut r = request(who, Via::Phone, Some("phone"), "Как подключить домен?");
    r.category = Some("functionality".into());
    let refused = app.desk.open_ticket(INTEGRATION, r.clone(), Lang::Ru).await;
    let text = message(&refused, "channel");
    assert!(text.contains("только консультации"), "{text}");
    assert_eq!(
        problems(refused),
        [(
            "channel".to_string(),
            "intake-consultation-only".to_string()
        )]
    );
    let agent = app.as_agent(Role::Agent, None).await;
    let t = filed(&app, agent.principal.unwrap(), r).await;
    assert_eq!(t.channel, "phone");
}

async fn sensitive_categories_are_accepted_only_from_the_owner_contact(db: Db) {
    let app = TestApp::spawn(db, INSALES)
        .await
        .at("2026-12-01T10:00:00+03:00");
    let employee = app.as_customer(true, false).await.principal.unwrap();
    let owner = app.as_customer(true, true).await.principal.unwrap();
    let mut r = Request::new("Удалите товары", "Удалите все товары из каталога");
    r.category = Some("content_deletion".into());
    let refused = app.desk.open_ticket(employee, r.clone(), Lang::Ru).await;
    assert_eq!(
        problems(refused),
        [("category".to_string(), "intake-owner-only".to_string())]
    );
    let t = filed(&app, owner, r).await;
    assert_eq!(t.category.as_deref(), Some("content_deletion"));
}

async fn on_a_day_off_only_the_channels_open_on_days_off_accept(db: Db) {
    let app = TestApp::spawn(db, PASS24).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let saturday = app.at("2026-12-05T11:00:00+03:00");
    let r = saturday
        .desk
        .open_ticket(
            customer,
            Request::new("Не работает пропуск", "Описание"),
            Lang::Ru,
        )
        .await;
    let text = message(&r, "channel");
    assert!(text.contains("«Электронная почта»"), "{text}");
    assert_eq!(
        problems(r),
        [("channel".to_string(), "intake-day-off".to_string())]
    );
    // Email is accepted on days off.
    let who = saturday.organization_with_contact(true, false).await;
    let t = filed(
        &saturday,
        INTEGRATION,
        request(who, Via::Email, None, "Не работает пропуск"),
    )
    .await;
    assert_eq!(t.channel, "email");
    let tuesday = saturday.at("2026-12-01T11:00:00+03:00");
    let t = filed(
        &tuesday,
        customer,
        Request::new("Не работает пропуск", "Описание"),
    )
    .await;
    assert_eq!(t.channel, "web_form");
}

async fn a_customer_cannot_claim_a_channel_they_are_not_using(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let mut r = Request::new("Вопрос", "Описание");
    r.channel = Some("email".into());
    let refused = app.desk.open_ticket(customer, r, Lang::Ru).await;
    assert_eq!(
        problems(refused),
        [("channel".to_string(), "intake-wrong-channel".to_string())]
    );
}

async fn the_directory_fills_the_fields_it_knows_and_only_the_rest_are_asked_for(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    // SaveIT requires organization, name, position, phone, email, state-contract number and a
    // description: the directory knows all but the description.
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let r = app
        .desk
        .open_ticket(customer, Request::new("Вопрос", ""), Lang::Ru)
        .await;
    assert_eq!(
        problems(r),
        [(
            "description".to_string(),
            "intake-field-required".to_string()
        )]
    );
    let t = filed(&app, customer, Request::new("Вопрос", "Описание")).await;
    assert_eq!(t.channel, "portal");
    assert!(t.number.is_some());
}

async fn a_refusal_names_every_problem_at_once(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let mut r = Request::new(" ", "");
    r.category = Some("astrology".into());
    r.channel = Some("carrier_pigeon".into());
    let mut got = problems(app.desk.open_ticket(agent, r, Lang::Ru).await);
    got.sort();
    let want = [
        ("category", "intake-unknown-category"),
        ("channel", "intake-unknown-channel"),
        ("contact_id", "intake-contact-required"),
        ("description", "intake-field-required"),
        ("organization_id", "intake-organization-required"),
        ("subject", "intake-subject-required"),
    ];
    assert_eq!(
        got,
        want.map(|(f, m)| (f.to_string(), m.to_string())).to_vec()
    );
}

async fn refusals_read_in_russian_and_in_english(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let r = app
        .desk
        .open_ticket(agent, Request::new("", "x"), Lang::Ru)
        .await;
    assert_eq!(message(&r, "subject"), "Укажите тему обращения.");
    assert_eq!(
        Text::new("intake-subject-too-long")
            .num("max", 500)
            .render(Lang::Ru),
        "Тема длиннее 500 символов."
    );
    assert_eq!(
        Text::new("intake-subject-too-long")
            .num("max", 1)
            .render(Lang::En),
        "The subject is longer than 1 character."
    );
    let _: &Desk = &app.desk;
}

on_both_databases!(
    an_unofficial_channel_registers_nothing_and_names_the_official_ones,
    an_emergency_channel_takes_only_its_emergencies_and_only_in_its_hours,
    a_trusted_only_channel_refuses_other_contacts,
    the_urgent_keyword_raises_the_level_only_in_working_hours,
    a_consultation_channel_is_registered_only_by_an_agent,
    sensitive_categories_are_accepted_only_from_the_owner_contact,
    on_a_day_off_only_the_channels_open_on_days_off_accept,
    a_customer_cannot_claim_a_channel_they_are_not_using,
    the_directory_fills_the_fields_it_knows_and_only_the_rest_are_asked_for,
    a_refusal_names_every_problem_at_once,
    refusals_read_in_russian_and_in_english,
);
