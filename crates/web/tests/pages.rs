//! The pages through the real router on a real database: signing in at `/`, the queue, the
//! ticket page and its forms, the portal's filing form, the public regulation, languages, and
//! the refusals — a forged form, another organization's ticket, a wrong password.

use axum::http::StatusCode;
use reglament_domain::Role;
use reglament_testkit::{Client, Db, Part, TestApp, on_both_databases, urlencoded};
use serde_json::json;

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// A PNG's first bytes: enough for the content check.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn app(db: Db) -> TestApp {
    TestApp::spawn(db, SAVEIT).await
}

/// A ticket filed by a customer through the API, returned as its id.
async fn filed(customer: &Client, subject: &str) -> i64 {
    let a = customer
        .post(
            "/api/v1/tickets",
            json!({ "subject": subject, "description": "Ошибка 500 при выгрузке" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.body["id"].as_i64().unwrap()
}

/// Signs in through the form as a browser would: the page's form token, then the form.
async fn sign_in_form(visitor: &Client, email: &str, password: &str) -> reglament_testkit::Page {
    let token = visitor.page("/").await.cookie("reglament_form").unwrap();
    visitor
        .browse(
            "POST",
            "/sign-in",
            "application/x-www-form-urlencoded",
            urlencoded(&[
                ("email", email),
                ("password", password),
                ("form_token", &token),
            ]),
            Some(&format!("reglament_form={token}")),
        )
        .await
}

async fn the_root_is_a_sign_in_page_with_a_form_token_in_a_cookie_and_in_the_form(db: Db) {
    let app = app(db).await;
    let p = app.anonymous().page("/").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(
        p.text
            .contains("<form method=\"post\" action=\"/sign-in\">"),
        "{}",
        p.text
    );
    assert!(p.text.contains("Вход в службу поддержки"));
    let cookie = p.cookie("reglament_form").expect("a form token cookie");
    assert_eq!(p.input("form_token").as_deref(), Some(cookie.as_str()));
    // Served from loopback the cookie is not `Secure`, so a browser keeps it over plain HTTP.
    let set = p.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let csp = p
        .headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
}

async fn signing_in_leads_an_agent_to_the_queue_and_a_wrong_password_keeps_the_email(db: Db) {
    let app = app(db).await;
    app.desk
        .create_agent(
            reglament_desk::OPERATOR,
            reglament_desk::AgentInput {
                full_name: "Анна Смирнова".into(),
                email: "anna@support.test".into(),
                role: "agent".into(),
                line: None,
                password: Some("correct horse battery".into()),
            },
        )
        .await
        .unwrap();
    let visitor = app.anonymous();
    let first = visitor.page("/").await;
    let token = first.cookie("reglament_form").unwrap();
    let cookie = format!("reglament_form={token}");
    let post = |password: &'static str, form_token: String| {
        let visitor = visitor.clone();
        let cookie = cookie.clone();
        async move {
            let body = urlencoded(&[
                ("email", "anna@support.test"),
                ("password", password),
                ("form_token", &form_token),
                ("next", ""),
            ]);
            visitor
                .browse(
                    "POST",
                    "/sign-in",
                    "application/x-www-form-urlencoded",
                    body,
                    Some(&cookie),
                )
                .await
        }
    };
    let wrong = post("wrong password", token.clone()).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.text.contains("Неверная почта или пароль."),
        "{}",
        wrong.text
    );
    assert!(wrong.text.contains("value=\"anna@support.test\""));
    assert!(!wrong.text.contains("wrong password"));
    // A form token that is not the cookie's is a forged form.
    let forged = post("correct horse battery", "other".into()).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.cookie("reglament_session").is_none());
    let ok = post("correct horse battery", token).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text);
    assert_eq!(ok.location(), Some("/queue"));
    assert!(
        ok.cookie("reglament_session")
            .is_some_and(|s| !s.is_empty())
    );
}

async fn a_signed_in_visitor_at_the_root_goes_on_to_the_queue_or_the_portal(db: Db) {
    let app = app(db).await;
    let agent = app.as_agent(Role::Agent, None).await;
    let customer = app.as_customer(true, false).await;
    assert_eq!(agent.page("/").await.location(), Some("/queue"));
    assert_eq!(customer.page("/").await.location(), Some("/portal"));
    assert_eq!(customer.page("/queue").await.location(), Some("/portal"));
    // Without a session a page sends the visitor to sign in and back.
    let p = app.anonymous().page("/tickets/1").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), Some("/?next=/tickets/1"));
}

async fn the_queue_shows_each_ticket_with_its_organization_status_and_working_time_left(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Не работает выгрузка в 1С").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let p = agent.page("/queue").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("Не работает выгрузка в 1С"));
    assert!(p.text.contains(&format!("href=\"/tickets/{id}\"")));
    assert!(p.text.contains("ООО «Клиент"), "{}", p.text);
    assert!(p.text.contains("Зарегистрирована"));
    // The time left is working time in words, on the row of the nearest deadline.
    assert!(p.text.contains("class=\"urgency ok\""), "{}", p.text);
    assert!(
        p.text.contains("час") || p.text.contains("минут"),
        "{}",
        p.text
    );
    // "Mine" holds only the agent's own tickets: none yet.
    let mine = agent.page("/queue?view=mine").await;
    assert!(!mine.text.contains("Не работает выгрузка в 1С"));
    assert!(mine.text.contains("Заявок нет."));
    // A filter the regulation does not know is a clear refusal, not an empty list.
    let bad = agent.page("/queue?status=unknown").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("`unknown`"), "{}", bad.text);
}

async fn an_agent_replies_on_the_ticket_page_and_the_reply_joins_the_timeline(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Ошибка в отчёте").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let page = agent.page(&format!("/tickets/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Как посчитан срок"));
    assert!(page.text.contains("Норматив"), "{}", page.text);
    let csrf = agent.csrf();
    let done = agent
        .submit(
            &format!("/tickets/{id}/act"),
            &[
                Part::Text("csrf", &csrf),
                Part::Text("op", "reply"),
                Part::Text("body", "Проверяем <b>выгрузку</b>"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(
        done.location(),
        Some(format!("/tickets/{id}?done=reply#timeline").as_str())
    );
    let after = agent.page(&format!("/tickets/{id}?done=reply")).await;
    assert!(after.text.contains("Ответ отправлен."));
    // What people type is escaped, never markup.
    assert!(
        after
            .text
            .contains("Проверяем &#60;b&#62;выгрузку&#60;/b&#62;")
            || after.text.contains("Проверяем &lt;b&gt;выгрузку&lt;/b&gt;"),
        "{}",
        after.text
    );
    // The customer sees the reply too, under the agent's name.
    let theirs = customer.page(&format!("/tickets/{id}")).await;
    assert!(theirs.text.contains("Ответ поддержки"));
    assert!(theirs.text.contains("Агент "), "{}", theirs.text);
}

async fn a_form_without_the_session_csrf_token_changes_nothing(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Ошибка").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let forged = agent
        .submit(
            &format!("/tickets/{id}/act"),
            &[
                Part::Text("csrf", "forged"),
                Part::Text("op", "reply"),
                Part::Text("body", "чужой ответ"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let page = agent.page(&format!("/tickets/{id}")).await;
    assert!(!page.text.contains("чужой ответ"));
}

async fn a_customer_cannot_open_another_organizations_ticket_by_its_address(db: Db) {
    let app = app(db).await;
    let a = app.as_customer(true, false).await;
    let b = app.as_customer(true, false).await;
    let id = filed(&a, "Секретная заявка").await;
    let p = b.page(&format!("/tickets/{id}")).await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert!(!p.text.contains("Секретная заявка"));
    let p = b.page("/portal").await;
    assert!(!p.text.contains("Секретная заявка"));
    // Nor act on it.
    let csrf = b.csrf();
    let p = b
        .submit(
            &format!("/tickets/{id}/act"),
            &[
                Part::Text("csrf", &csrf),
                Part::Text("op", "reply"),
                Part::Text("body", "привет"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
}

async fn a_customer_files_a_ticket_with_a_screenshot_on_the_portal_form(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let form = customer.page("/portal/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(form.text.contains("enctype=\"multipart/form-data\""));
    // The directory knows the contact's phone, position and contract: the form does not ask.
    assert!(!form.text.contains("name=\"field_phone\""), "{}", form.text);
    let csrf = customer.csrf();
    let done = customer
        .submit(
            "/portal/new",
            &[
                Part::Text("csrf", &csrf),
                Part::Text("subject", "Не открывается отчёт"),
                Part::Text("description", "Белый экран после входа"),
                Part::File("files", "screen.png", "image/png", PNG),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    let to = done.location().unwrap().to_string();
    assert!(to.ends_with("?done=filed"), "{to}");
    let page = customer.page(&to).await;
    assert!(page.text.contains("Заявка принята."));
    assert!(page.text.contains("screen.png"), "{}", page.text);
    let list = customer.page("/portal").await;
    assert!(list.text.contains("Не открывается отчёт"));
}

async fn a_refused_filing_shows_each_problem_beside_its_field_and_keeps_what_was_typed(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let csrf = customer.csrf();
    let p = customer
        .submit(
            "/portal/new",
            &[
                Part::Text("csrf", &csrf),
                Part::Text("subject", ""),
                Part::Text("description", "Длинное описание, которое нельзя терять"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
    assert!(p.text.contains("id=\"subject-err\""), "{}", p.text);
    assert!(p.text.contains("aria-invalid=\"true\""));
    assert!(p.text.contains("Длинное описание, которое нельзя терять"));
}

async fn the_customer_confirms_and_rates_a_completed_ticket_on_its_page(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Настроить права").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let csrf = agent.csrf();
    for (op, extra) in [
        ("reply", ("body", "Готово")),
        ("status", ("status", "completed")),
    ] {
        let p = agent
            .submit(
                &format!("/tickets/{id}/act"),
                &[
                    Part::Text("csrf", &csrf),
                    Part::Text("op", op),
                    Part::Text(extra.0, extra.1),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{op}: {}", p.text);
    }
    let page = customer.page(&format!("/tickets/{id}")).await;
    assert!(page.text.contains("value=\"confirm\""), "{}", page.text);
    assert!(page.text.contains("5 звёзд"));
    let csrf = customer.csrf();
    for parts in [
        vec![Part::Text("csrf", &csrf), Part::Text("op", "confirm")],
        vec![
            Part::Text("csrf", &csrf),
            Part::Text("op", "rate"),
            Part::Text("stars", "5"),
            Part::Text("comment", "Быстро и вежливо"),
        ],
    ] {
        let p = customer.submit(&format!("/tickets/{id}/act"), &parts).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    }
    let page = customer.page(&format!("/tickets/{id}")).await;
    assert!(page.text.contains("Закрыта"), "{}", page.text);
    assert!(page.text.contains("Оценка: 5 звёзд"), "{}", page.text);
    assert!(page.text.contains("Быстро и вежливо"));
}

async fn a_refused_action_shows_the_reason_on_the_page_and_keeps_the_draft(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Вопрос").await;
    let csrf = customer.csrf();
    // A customer cannot complete their own ticket; the page says why.
    let p = customer
        .submit(
            &format!("/tickets/{id}/act"),
            &[
                Part::Text("csrf", &csrf),
                Part::Text("op", "status"),
                Part::Text("status", "completed"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.text);
    // An empty reply is refused with the text of the rule, and the page comes back.
    let p = customer
        .submit(
            &format!("/tickets/{id}/act"),
            &[
                Part::Text("csrf", &csrf),
                Part::Text("op", "reply"),
                Part::Text("body", "   "),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
    assert!(p.text.contains("role=\"alert\""));
}

async fn the_public_regulation_page_needs_no_sign_in_and_speaks_english_on_request(db: Db) {
    let app = app(db).await;
    let p = app.anonymous().page("/regulation").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.text.contains("<article class=\"document\">"));
    assert!(p.text.contains("<h1>"), "{}", p.text);
    let en = app.anonymous().lang("en").page("/").await;
    assert!(en.text.contains("Sign in to support"), "{}", en.text);
    assert!(en.text.contains("<html lang=\"en\">"));
    // The switcher sets a cookie that wins over the browser's language.
    let switch = app.anonymous().page("/lang/en?back=/regulation").await;
    assert_eq!(switch.status, StatusCode::SEE_OTHER);
    assert_eq!(switch.location(), Some("/regulation"));
    assert_eq!(switch.cookie("reglament_lang").as_deref(), Some("en"));
    let chosen = app
        .anonymous()
        .browse("GET", "/", "", Vec::new(), Some("reglament_lang=en"))
        .await;
    assert!(chosen.text.contains("Sign in to support"));
    // The switcher never sends anyone to another site.
    let away = app.anonymous().page("/lang/ru?back=//evil.example").await;
    assert_eq!(away.location(), Some("/"));
}

async fn an_agent_merges_a_duplicate_by_its_number_and_splits_a_new_ticket_off(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let first = filed(&customer, "Не работает выгрузка").await;
    let duplicate = filed(&customer, "Выгрузка снова не работает").await;
    let agent = app.as_agent(Role::Supervisor, None).await;
    let csrf = agent.csrf();
    let number = agent.get(&format!("/api/v1/tickets/{first}")).await.body["number"]
        .as_str()
        .unwrap()
        .to_string();
    // A number nobody has is said plainly.
    let p = agent
        .submit(
            &format!("/tickets/{duplicate}/act"),
            &[
                Part::Text("csrf", &csrf),
                Part::Text("op", "merge"),
                Part::Text("ticket", "2026-99999"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.text.contains("Заявки «2026-99999» нет"), "{}", p.text);
    let p = agent
        .submit(
            &format!("/tickets/{duplicate}/act"),
            &[
                Part::Text("csrf", &csrf),
                Part::Text("op", "merge"),
                Part::Text("ticket", &number),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    assert_eq!(
        p.location(),
        Some(format!("/tickets/{first}?done=merge#timeline").as_str())
    );
    let page = agent.page(&format!("/tickets/{first}")).await;
    assert!(
        page.text
            .contains(&format!("К ней присоединена заявка #{duplicate}")),
        "{}",
        page.text
    );
    let p = agent
        .submit(
            &format!("/tickets/{first}/act"),
            &[
                Part::Text("csrf", &csrf),
                Part::Text("op", "split"),
                Part::Text("subject", "Отдельно: права доступа"),
                Part::Text("description", "Вопрос о правах из той же переписки"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    let new = p.location().unwrap().to_string();
    let page = agent.page(&new).await;
    assert!(page.text.contains("Отдельно: права доступа"));
    assert!(
        page.text.contains(&format!("Выделена из заявки #{first}")),
        "{}",
        page.text
    );
}

/// Reads server-sent events from a streaming body until one names `ticket`, for at most five
/// seconds.
async fn hears(body: &mut axum::body::Body, ticket: i64) -> bool {
    use http_body_util::BodyExt;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut seen = String::new();
    while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(deadline, body.frame()).await {
        if let Ok(data) = frame.into_data() {
            seen.push_str(&String::from_utf8_lossy(&data));
            if seen.contains(&format!("event: ticket\ndata: {ticket}\n")) {
                return true;
            }
        }
    }
    false
}

async fn live_pages_hear_of_changes_and_a_customer_only_of_their_own(db: Db) {
    use tower::ServiceExt;
    let app = app(db).await;
    let a = app.as_customer(true, false).await;
    let b = app.as_customer(true, false).await;
    let agent = app.as_agent(Role::Agent, None).await;
    let subscribe = |c: &reglament_testkit::Client| {
        let cookie = format!("reglament_session={}", c.session_token());
        let router = app.router.clone();
        async move {
            let req = axum::http::Request::get("/events")
                .header("cookie", cookie)
                .body(axum::body::Body::empty())
                .unwrap();
            let resp = router.oneshot(req).await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            assert_eq!(
                resp.headers().get("content-type").unwrap(),
                "text/event-stream"
            );
            resp.into_body()
        }
    };
    let mut staff = subscribe(&agent).await;
    let mut theirs = subscribe(&b).await;
    let a_ticket = filed(&a, "Заявка организации А").await;
    assert!(
        hears(&mut staff, a_ticket).await,
        "staff hear of every ticket"
    );
    let b_ticket = filed(&b, "Заявка организации Б").await;
    // B's first event is B's own ticket: A's was never sent to B.
    let mut seen = String::new();
    {
        use http_body_util::BodyExt;
        while let Ok(Some(Ok(frame))) =
            tokio::time::timeout(std::time::Duration::from_secs(5), theirs.frame()).await
        {
            if let Ok(data) = frame.into_data() {
                seen.push_str(&String::from_utf8_lossy(&data));
                if seen.contains("event: ticket") {
                    break;
                }
            }
        }
    }
    assert!(seen.contains(&format!("data: {b_ticket}\n")), "{seen}");
    assert!(!seen.contains(&format!("data: {a_ticket}\n")), "{seen}");
    // Without a session there is no stream.
    let p = app.anonymous().page("/events").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
}

async fn the_pages_stay_light_and_an_unknown_address_is_a_page_for_a_browser(db: Db) {
    let app = app(db).await;
    let visitor = app.anonymous();
    let css = visitor.page("/static/app.css").await;
    let js = visitor.page("/static/app.js").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(js.status, StatusCode::OK);
    let total = css.text.len() + js.text.len();
    assert!(
        total <= 100 * 1024,
        "CSS and JavaScript weigh {total} bytes"
    );
    // The API's clients get JSON; a browser asks for HTML and gets a page.
    let json = visitor
        .browse("GET", "/no-such-page", "", Vec::new(), None)
        .await;
    assert_eq!(json.status, StatusCode::NOT_FOUND);
    assert!(json.text.starts_with('{'), "{}", json.text);
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let req = axum::http::Request::get("/no-such-page")
        .header("accept", "text/html,application/xhtml+xml")
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let html = resp.into_body().collect().await.unwrap().to_bytes();
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains("<h1>Не найдено</h1>"), "{html}");
}

async fn the_filing_form_shows_the_deadlines_a_ticket_sent_now_would_get(db: Db) {
    // Tuesday 24 November 2026, 11:00 Moscow time.
    let app = app(db).await.at("2026-11-24T11:00:00+03:00");
    let customer = app.as_customer(true, false).await;
    let form = customer.page("/portal/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.text
            .contains("Сроки по регламенту, если отправить сейчас")
    );
    let table = &form.text[form.text.find("data-deadlines").unwrap()..];
    assert!(table.contains("Без категории"), "{table}");
    // The same deadlines as the ticket then gets.
    let id = customer
        .post(
            "/api/v1/tickets",
            json!({ "subject": "Вопрос", "description": "Текст" }),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let page = customer.page(&format!("/tickets/{id}")).await;
    let due = |text: &str| {
        text.find("<strong>")
            .map(|i| text[i + 8..i + 24].to_string())
            .unwrap_or_default()
    };
    let previewed = due(table);
    // Five working days of resolution: Tuesday 1 December, 11:00.
    assert_eq!(previewed, "01.12.2026 11:00", "{table}");
    assert!(
        page.text.contains(&previewed),
        "{previewed} not on the ticket: {}",
        page.text
    );
}

async fn an_agent_searches_the_queue_by_word_forms_and_by_number(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = customer
        .post(
            "/api/v1/tickets",
            json!({ "subject": "Не формируются отчёты", "description": "С понедельника" }),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    filed(&customer, "Другая тема").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let p = agent.page("/queue?q=%D0%BE%D1%82%D1%87%D1%91%D1%82").await; // «отчёт»
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("Не формируются отчёты"), "{}", p.text);
    assert!(!p.text.contains("Другая тема"));
    let number = agent.get(&format!("/api/v1/tickets/{id}")).await.body["number"]
        .as_str()
        .unwrap()
        .to_string();
    let p = agent.page(&format!("/queue?q={number}")).await;
    assert!(p.text.contains("Не формируются отчёты"), "{}", p.text);
    let p = agent.page("/queue?q=%D0%BA%D0%BE%D1%88%D0%BA%D0%B0").await; // «кошка»
    assert!(p.text.contains("Ничего не нашлось."), "{}", p.text);
    // The API searches the same way.
    let a = agent
        .get("/api/v1/tickets?q=%D0%BE%D1%82%D1%87%D0%B5%D1%82%D0%BE%D0%B2")
        .await; // «отчетов»
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["items"][0]["id"], id);
}

async fn form(c: &Client, path: &str, fields: &[(&str, &str)]) -> reglament_testkit::Page {
    c.browse(
        "POST",
        path,
        "application/x-www-form-urlencoded",
        urlencoded(fields),
        None,
    )
    .await
}

async fn a_supervisor_adds_an_organization_and_a_contact_who_can_then_sign_in(db: Db) {
    let app = app(db).await;
    let supervisor = app.as_agent(Role::Supervisor, None).await;
    let csrf = supervisor.csrf();
    // A nameless organization is refused beside its field.
    let p = form(
        &supervisor,
        "/admin/organizations",
        &[("csrf", &csrf), ("name", " ")],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
    assert!(p.text.contains("id=\"o-name-err\""), "{}", p.text);
    let p = form(
        &supervisor,
        "/admin/organizations",
        &[
            ("csrf", &csrf),
            ("name", "ООО «Василёк»"),
            ("contract_number", "ТП-42"),
            ("contract_from", "2026-01-01"),
            ("contract_to", "2026-12-31"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    let org_page = p.location().unwrap().to_string();
    let page = supervisor.page(&org_page).await;
    assert!(page.text.contains("Сохранено."));
    assert!(page.text.contains("value=\"ТП-42\""), "{}", page.text);
    let contacts = org_page.split('?').next().unwrap().to_string() + "/contacts";
    let p = form(
        &supervisor,
        &contacts,
        &[
            ("csrf", &csrf),
            ("full_name", "Василий Цветков"),
            ("email", "vasily@vasilek.test"),
            ("phone", "+7 495 111-22-33"),
            ("trusted", "1"),
            ("password", "vasilek-password"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    let page = supervisor.page(&org_page).await;
    assert!(page.text.contains("Василий Цветков"));
    assert!(page.text.contains("доверенное лицо"));
    // The same email again is refused, the form kept, the password not echoed.
    let p = form(
        &supervisor,
        &contacts,
        &[
            ("csrf", &csrf),
            ("full_name", "Другой"),
            ("email", "vasily@vasilek.test"),
            ("password", "another-password"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
    assert!(p.text.contains("value=\"Другой\""));
    assert!(!p.text.contains("another-password"));
    // The contact signs in with the password given.
    let signed = sign_in_form(&app.anonymous(), "vasily@vasilek.test", "vasilek-password").await;
    assert_eq!(signed.location(), Some("/portal"), "{}", signed.text);
}

async fn an_admin_adds_an_agent_on_a_line_and_deactivates_them(db: Db) {
    let app = app(db).await;
    let admin = app.as_agent(Role::Admin, None).await;
    let csrf = admin.csrf();
    let page = admin.page("/admin/agents").await;
    assert!(page.text.contains("Новый сотрудник"));
    let p = form(
        &admin,
        "/admin/agents",
        &[
            ("csrf", &csrf),
            ("full_name", "Пётр Линейный"),
            ("email", "petr@support.test"),
            ("role", "agent"),
            ("line", "nonexistent"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.text);
    assert!(p.text.contains("value=\"Пётр Линейный\""));
    let p = form(
        &admin,
        "/admin/agents",
        &[
            ("csrf", &csrf),
            ("full_name", "Пётр Линейный"),
            ("email", "petr@support.test"),
            ("role", "agent"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    let agents = app.desk.agents(reglament_desk::OPERATOR).await.unwrap();
    let petr = agents
        .iter()
        .find(|a| a.full_name == "Пётр Линейный")
        .unwrap();
    let p = form(
        &admin,
        &format!("/admin/agents/{}/active", petr.id.0),
        &[("csrf", &csrf), ("active", "0")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let page = admin.page("/admin/agents").await;
    assert!(page.text.contains("отключён"), "{}", page.text);
    // An agent sees the staff list but no form to change it.
    let agent = app.as_agent(Role::Agent, None).await;
    let page = agent.page("/admin/agents").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("Новый сотрудник"));
}

async fn a_supervisor_deactivates_a_contact_and_the_contacts_pages_end_at_once(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let Some(reglament_domain::Principal::Contact(contact, org)) = customer.principal else {
        panic!("a contact");
    };
    assert_eq!(customer.page("/portal").await.status, StatusCode::OK);
    let supervisor = app.as_agent(Role::Supervisor, None).await;
    let csrf = supervisor.csrf();
    let page = supervisor
        .page(&format!("/admin/organizations/{}", org.0))
        .await;
    assert!(
        page.text
            .contains(&format!("/admin/contacts/{}/active", contact.0)),
        "the contact has a deactivate button"
    );
    let p = form(
        &supervisor,
        &format!("/admin/contacts/{}/active", contact.0),
        &[("csrf", &csrf), ("active", "0")],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    assert_eq!(
        p.location(),
        Some(format!("/admin/organizations/{}#contacts", org.0).as_str())
    );
    let page = supervisor
        .page(&format!("/admin/organizations/{}", org.0))
        .await;
    assert!(page.text.contains("отключён"), "{}", page.text);
    // The contact's open session is over: the portal sends them to sign in.
    let portal = customer.page("/portal").await;
    assert_eq!(portal.status, StatusCode::SEE_OTHER);
    // An agent sees the contacts but no button.
    let agent = app.as_agent(Role::Agent, None).await;
    let page = agent.page(&format!("/admin/organizations/{}", org.0)).await;
    assert!(!page.text.contains("/admin/contacts/"));
}

async fn an_organization_set_to_own_tickets_only_shows_each_contact_their_own_and_the_owner_all(
    db: Db,
) {
    let app = app(db).await;
    let first = app.as_customer(true, false).await;
    let Some(reglament_domain::Principal::Contact(_, org)) = first.principal else {
        panic!("a contact");
    };
    let second = app.as_colleague(org, false).await;
    let owner = app.as_colleague(org, true).await;
    let mine = filed(&first, "Отчёт первого").await;
    let theirs = filed(&second, "Отчёт второго").await;
    // Shared by default: each sees both.
    let portal = first.page("/portal").await;
    assert!(portal.text.contains("Отчёт второго"), "{}", portal.text);
    let supervisor = app.as_agent(Role::Supervisor, None).await;
    let org_page = format!("/admin/organizations/{}", org.0);
    let page = supervisor.page(&org_page).await;
    assert!(
        page.text.contains("name=\"own_tickets_only\""),
        "{}",
        page.text
    );
    assert!(!page.text.contains(
        "id=\"o-own\" name=\"own_tickets_only\" value=\"1\" aria-describedby=\"o-own-hint\" checked"
    ));
    let name = app.db.store.organization(org).await.unwrap().name;
    let p = form(
        &supervisor,
        &org_page,
        &[
            ("csrf", &supervisor.csrf()),
            ("name", &name),
            ("own_tickets_only", "1"),
        ],
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    let page = supervisor.page(&org_page).await;
    assert!(
        page.text
            .contains("aria-describedby=\"o-own-hint\" checked"),
        "the box stays checked: {}",
        page.text
    );
    let portal = first.page("/portal").await;
    assert!(portal.text.contains("Отчёт первого"), "{}", portal.text);
    assert!(!portal.text.contains("Отчёт второго"), "{}", portal.text);
    let portal = second.page("/portal").await;
    assert!(!portal.text.contains("Отчёт первого"), "{}", portal.text);
    // A colleague's ticket is not found by its address, through the pages or the API.
    let page = second.page(&format!("/tickets/{mine}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let api = second.get(&format!("/api/v1/tickets/{mine}")).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    // The owner still sees the whole organization's tickets.
    let portal = owner.page("/portal").await;
    assert!(portal.text.contains("Отчёт первого") && portal.text.contains("Отчёт второго"));
    assert_eq!(
        owner.page(&format!("/tickets/{theirs}")).await.status,
        StatusCode::OK
    );
}

async fn cookies_are_secure_unless_the_site_is_served_from_loopback(db: Db) {
    use tower::ServiceExt;
    let app = app(db).await;
    for (host, secure) in [
        ("desk.example.ru", true),
        ("desk.example.ru:8443", true),
        ("localhost:8080", false),
        ("127.0.0.1:8080", false),
        ("[::1]:8080", false),
    ] {
        let req = axum::http::Request::get("/")
            .header("host", host)
            .body(axum::body::Body::empty())
            .unwrap();
        let resp = app.router.clone().oneshot(req).await.unwrap();
        let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
        assert_eq!(cookie.contains("; Secure"), secure, "{host}: {cookie}");
    }
}

async fn repeated_wrong_passwords_answer_429_with_retry_after(db: Db) {
    use tower::ServiceExt;
    let app = app(db).await;
    let mut last = None;
    for _ in 0..6 {
        let req = axum::http::Request::post("/api/v1/session")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                json!({ "email": "guess@example.ru", "password": "guess-guess" }).to_string(),
            ))
            .unwrap();
        last = Some(app.router.clone().oneshot(req).await.unwrap());
    }
    let last = last.unwrap();
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS);
    let after: u64 = last.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&after), "{after}");
    // The sign-in page says so in words.
    let p = sign_in_form(&app.anonymous(), "guess@example.ru", "guess-guess").await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.text.contains("Повторите через 1 минуту."), "{}", p.text);
}

async fn an_agent_reads_a_held_message_again_once_its_sender_is_a_contact(db: Db) {
    let app = app(db).await.at("2026-11-24T11:00:00+03:00");
    let raw = b"From: Newcomer <new@vasilek.test>\r\nTo: support@saveit.pro\r\nSubject: <b>First</b> letter\r\nMessage-ID: <held-1@vasilek.test>\r\n\r\nHello\r\n";
    let held = app.desk.ingest_mail(raw, "pipe").await.unwrap();
    assert!(
        matches!(held, reglament_desk::MailOutcome::Quarantined { .. }),
        "{held:?}"
    );
    let agent = app.as_agent(Role::Agent, None).await;
    let page = agent.page("/admin/mail").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("new@vasilek.test"), "{}", page.text);
    assert!(
        page.text.contains("не найден среди контактных лиц"),
        "{}",
        page.text
    );
    // What a stranger wrote is text on the page.
    assert!(page.text.contains("&#60;b&#62;First") || page.text.contains("&lt;b&gt;First"));
    let raw_page = agent.page("/admin/mail/1/raw").await;
    assert_eq!(raw_page.headers["content-type"], "message/rfc822");
    assert!(raw_page.text.contains("Message-ID: <held-1@vasilek.test>"));
    // The sender becomes a contact; the message is read again and opens a ticket.
    let (org, _) = app.organization_with_contact(true, false).await;
    app.desk
        .create_contact(
            reglament_desk::OPERATOR,
            org,
            reglament_desk::ContactInput {
                full_name: "Новый Клиент".into(),
                position: Some("Инженер".into()),
                phone: Some("+7 495 000-00-01".into()),
                email: "new@vasilek.test".into(),
                trusted: true,
                owner: false,
                password: None,
            },
        )
        .await
        .unwrap();
    let csrf = agent.csrf();
    let p = form(&agent, "/admin/mail/1/retry", &[("csrf", &csrf)]).await;
    assert_eq!(p.location(), Some("/admin/mail?done=opened"), "{}", p.text);
    let page = agent.page("/admin/mail?done=opened").await;
    assert!(page.text.contains("открыта заявка"));
    assert!(page.text.contains("Карантин пуст."));
    let queue = agent.page("/queue").await;
    assert!(queue.text.contains("First"), "{}", queue.text);
    // Read again, it is not held any more.
    let p = form(&agent, "/admin/mail/1/retry", &[("csrf", &csrf)]).await;
    assert_eq!(p.status, StatusCode::CONFLICT);
}

async fn a_link_from_the_completion_mail_lets_the_customer_object_and_later_rate_without_signing_in(
    db: Db,
) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Настроить права").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let complete = || async {
        let p = agent
            .submit(
                &format!("/tickets/{id}/act"),
                &[
                    Part::Text("csrf", &agent.csrf()),
                    Part::Text("op", "status"),
                    Part::Text("status", "completed"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text);
    };
    complete().await;
    let Some(reglament_domain::Principal::Contact(contact, _)) = customer.principal else {
        unreachable!()
    };
    let token = app
        .desk
        .mail_link(reglament_domain::TicketId(id), contact)
        .await
        .unwrap();
    let at = format!("/m/{token}");
    // Signed out, as a customer opening the mail is.
    let visitor = app.anonymous();
    let page = visitor.page(&format!("{at}?do=rate&stars=4")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Настроить права"), "{}", page.text);
    assert!(page.text.contains("value=\"confirm\""), "{}", page.text);
    assert!(
        page.text
            .contains("id=\"stars-4\" name=\"stars\" value=\"4\" checked"),
        "{}",
        page.text
    );
    // Opening the page changed nothing: a mail scanner that follows links confirms nothing.
    let view = app
        .desk
        .ticket(
            customer.principal.unwrap(),
            reglament_domain::TicketId(id),
            reglament_desk::Lang::Ru,
        )
        .await
        .unwrap();
    assert_eq!(view.status, "completed");
    let form_token = page.input("form_token").expect("the form's token");
    let form_cookie = format!("reglament_form={form_token}");
    // Without the form's cookie, a forged post does nothing.
    let forged = visitor
        .browse(
            "POST",
            &at,
            "application/x-www-form-urlencoded",
            urlencoded(&[("form_token", &form_token), ("op", "confirm")]),
            None,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
    let object = visitor
        .browse(
            "POST",
            &at,
            "application/x-www-form-urlencoded",
            urlencoded(&[
                ("form_token", &form_token),
                ("op", "object"),
                ("reason", "Права так и не выданы"),
            ]),
            Some(&form_cookie),
        )
        .await;
    assert_eq!(object.status, StatusCode::OK, "{}", object.text);
    assert!(
        object.text.contains("Заявка возвращена в работу."),
        "{}",
        object.text
    );
    let view = app
        .desk
        .ticket(
            customer.principal.unwrap(),
            reglament_domain::TicketId(id),
            reglament_desk::Lang::Ru,
        )
        .await
        .unwrap();
    assert_eq!(view.status, "in_progress");
    // Completed again; the same link now rates it.
    complete().await;
    let page = visitor.page(&at).await;
    let form_token = page.input("form_token").unwrap();
    let rated = visitor
        .browse(
            "POST",
            &at,
            "application/x-www-form-urlencoded",
            urlencoded(&[
                ("form_token", &form_token),
                ("op", "rate"),
                ("stars", "4"),
                ("comment", "Со второго раза"),
            ]),
            Some(&format!("reglament_form={form_token}")),
        )
        .await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.text);
    assert!(rated.text.contains("Спасибо за оценку."), "{}", rated.text);
    let view = app
        .desk
        .ticket(
            customer.principal.unwrap(),
            reglament_domain::TicketId(id),
            reglament_desk::Lang::Ru,
        )
        .await
        .unwrap();
    assert_eq!(view.stars, Some(4));
    // The link reaches only its own ticket: it is no session.
    let other = visitor.page(&format!("/tickets/{id}")).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    // An altered token is refused with a page that says so.
    let altered = visitor.page(&format!("/m/x{token}")).await;
    assert_eq!(altered.status, StatusCode::FORBIDDEN);
    assert!(
        altered.text.contains("Ссылка повреждена"),
        "{}",
        altered.text
    );
}

async fn mail_that_could_not_be_delivered_shows_on_the_ticket_for_staff_only(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Не приходит письмо").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let sender = reglament_desk::Sender {
        address: "support@saveit.pro".into(),
        name: "Поддержка".into(),
        site: None,
    };
    let ack = app
        .desk
        .next_outgoing(&sender)
        .await
        .unwrap()
        .expect("the acknowledgment");
    app.desk
        .outgoing_failed(
            &ack,
            "550 5.1.1 <client@customer.test>: mailbox unavailable",
            true,
        )
        .await
        .unwrap();
    let page = agent.page(&format!("/tickets/{id}")).await;
    assert!(page.text.contains("Письма не доставлены"), "{}", page.text);
    assert!(
        page.text.contains("Подтверждение регистрации"),
        "{}",
        page.text
    );
    // The server's answer, escaped.
    assert!(
        page.text
            .contains("550 5.1.1 &#60;client@customer.test&#62;: mailbox unavailable"),
        "{}",
        page.text
    );
    let own = customer.page(&format!("/tickets/{id}")).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.text.contains("Письма не доставлены"));
}

async fn staff_read_a_message_as_it_came_with_remote_images_blocked_until_asked_for(db: Db) {
    let app = app(db).await;
    let (_, _, email) = app.contact_with_email().await;
    let raw = format!(
        "From: Клиент <{email}>\r\nTo: support@saveit.pro\r\nSubject: Отчёт с картинкой\r\n\
         Message-ID: <html-1@client.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n\
         <p>Не открывается отчёт.</p><img src=\"https://tracker.example/pixel.gif?u=1\">\
         <script>alert(1)</script>\r\n"
    );
    let reglament_desk::MailOutcome::Opened { ticket, inbound } =
        app.desk.ingest_mail(raw.as_bytes(), "pipe").await.unwrap()
    else {
        panic!("no ticket opened")
    };
    let agent = app.as_agent(Role::Agent, None).await;
    let page = agent.page(&format!("/tickets/{}", ticket.0)).await;
    let link = format!("/tickets/{}/mail/{inbound}", ticket.0);
    assert!(page.text.contains(&link), "{}", page.text);
    let original = agent.page(&link).await;
    assert_eq!(original.status, StatusCode::OK, "{}", original.text);
    assert!(
        original.text.contains("Внешние изображения не загружены"),
        "{}",
        original.text
    );
    assert!(
        original.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-src 'self'")
    );
    // The frame: sanitized, sandboxed, and no image from elsewhere until asked for.
    let body = agent.page(&format!("{link}/body")).await;
    assert_eq!(body.status, StatusCode::OK);
    assert!(!body.text.contains("<script"), "{}", body.text);
    assert!(
        body.text.contains("tracker.example"),
        "the image stays in the message"
    );
    let csp = body.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("img-src data: cid:;") && csp.contains("sandbox"),
        "{csp}"
    );
    let shown = agent.page(&format!("{link}/body?images=1")).await;
    let csp = shown.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("https:"), "{csp}");
    // Customers see the journal, never the originals.
    let customer = app.as_customer(true, false).await;
    assert_ne!(customer.page(&link).await.status, StatusCode::OK);
}

async fn a_forgotten_password_is_reset_by_a_link_in_mail_that_works_once(db: Db) {
    let app = app(db).await;
    let (_, _, email) = app.contact_with_email().await;
    let visitor = app.anonymous();
    let ask = |address: String| {
        let visitor = visitor.clone();
        async move {
            let page = visitor.page("/password/forgot").await;
            let token = page.input("form_token").unwrap();
            visitor
                .browse(
                    "POST",
                    "/password/forgot",
                    "application/x-www-form-urlencoded",
                    urlencoded(&[("form_token", &token), ("email", &address)]),
                    Some(&format!("reglament_form={token}")),
                )
                .await
        }
    };
    let sender = reglament_desk::Sender {
        address: "support@saveit.pro".into(),
        name: "Поддержка".into(),
        site: Some("https://support.saveit.pro".into()),
    };
    // An address that is no account's gets the same answer, and no mail.
    let unknown = ask("nobody@nowhere.test".into()).await;
    assert_eq!(unknown.status, StatusCode::OK);
    assert!(
        unknown.text.contains("Если этот адрес есть"),
        "{}",
        unknown.text
    );
    assert!(app.desk.next_outgoing(&sender).await.unwrap().is_none());
    let known = ask(email.clone()).await;
    assert_eq!(
        known.text,
        unknown.text.replace("nobody@nowhere.test", &email)
    );
    let mail = app
        .desk
        .next_outgoing(&sender)
        .await
        .unwrap()
        .expect("the reset mail");
    assert_eq!(mail.to, vec![email.clone()]);
    let text = reglament_mail::parse(&mail.raw).unwrap().text;
    let link = text
        .lines()
        .find_map(|l| {
            l.split(": ")
                .nth(1)
                .filter(|u| u.contains("/password/reset/"))
        })
        .unwrap_or_else(|| panic!("no link in {text}"))
        .to_string();
    let path = link
        .strip_prefix("https://support.saveit.pro")
        .unwrap()
        .to_string();
    let form = visitor.page(&path).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let token = form.input("form_token").unwrap();
    let set = |new: &'static str, again: &'static str, token: String| {
        let visitor = visitor.clone();
        let path = path.clone();
        async move {
            visitor
                .browse(
                    "POST",
                    &path,
                    "application/x-www-form-urlencoded",
                    urlencoded(&[
                        ("form_token", &token),
                        ("new_password", new),
                        ("repeat_password", again),
                    ]),
                    Some(&format!("reglament_form={token}")),
                )
                .await
        }
    };
    let mismatch = set("new-long-password", "other-long-password", token.clone()).await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = set("new-long-password", "new-long-password", token).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(done.text.contains("Пароль изменён"), "{}", done.text);
    let signed = sign_in_form(&app.anonymous(), &email, "new-long-password").await;
    assert_eq!(signed.location(), Some("/portal"), "{}", signed.text);
    // Used once, the link opens nothing.
    let again = visitor.page(&path).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    assert!(again.text.contains("уже использована"), "{}", again.text);
}

on_both_databases!(
    the_report_page_shows_staff_each_target_s_counts_with_a_bar_and_a_csv_link,
    an_organization_set_to_own_tickets_only_shows_each_contact_their_own_and_the_owner_all,
    a_forgotten_password_is_reset_by_a_link_in_mail_that_works_once,
    staff_read_a_message_as_it_came_with_remote_images_blocked_until_asked_for,
    mail_that_could_not_be_delivered_shows_on_the_ticket_for_staff_only,
    a_link_from_the_completion_mail_lets_the_customer_object_and_later_rate_without_signing_in,
    an_agent_reads_a_held_message_again_once_its_sender_is_a_contact,
    repeated_wrong_passwords_answer_429_with_retry_after,
    cookies_are_secure_unless_the_site_is_served_from_loopback,
    a_supervisor_adds_an_organization_and_a_contact_who_can_then_sign_in,
    an_admin_adds_an_agent_on_a_line_and_deactivates_them,
    a_supervisor_deactivates_a_contact_and_the_contacts_pages_end_at_once,
    an_agent_searches_the_queue_by_word_forms_and_by_number,
    the_filing_form_shows_the_deadlines_a_ticket_sent_now_would_get,
    the_pages_stay_light_and_an_unknown_address_is_a_page_for_a_browser,
    live_pages_hear_of_changes_and_a_customer_only_of_their_own,
    an_agent_merges_a_duplicate_by_its_number_and_splits_a_new_ticket_off,
    the_root_is_a_sign_in_page_with_a_form_token_in_a_cookie_and_in_the_form,
    signing_in_leads_an_agent_to_the_queue_and_a_wrong_password_keeps_the_email,
    a_signed_in_visitor_at_the_root_goes_on_to_the_queue_or_the_portal,
    the_queue_shows_each_ticket_with_its_organization_status_and_working_time_left,
    an_agent_replies_on_the_ticket_page_and_the_reply_joins_the_timeline,
    a_form_without_the_session_csrf_token_changes_nothing,
    a_customer_cannot_open_another_organizations_ticket_by_its_address,
    a_customer_files_a_ticket_with_a_screenshot_on_the_portal_form,
    a_refused_filing_shows_each_problem_beside_its_field_and_keeps_what_was_typed,
    the_customer_confirms_and_rates_a_completed_ticket_on_its_page,
    a_refused_action_shows_the_reason_on_the_page_and_keeps_the_draft,
    the_public_regulation_page_needs_no_sign_in_and_speaks_english_on_request,
);

async fn the_report_page_shows_staff_each_target_s_counts_with_a_bar_and_a_csv_link(db: Db) {
    let app = app(db).await;
    let customer = app.as_customer(true, false).await;
    let id = filed(&customer, "Не работает выгрузка в 1С").await;
    let agent = app.as_agent(Role::Agent, None).await;
    let p = agent.page("/reports").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert!(p.text.contains("<h1>Соблюдение сроков</h1>"), "{}", p.text);
    assert!(p.text.contains("Срок решения"), "{}", p.text);
    assert!(p.text.contains("<svg class=\"bar\""), "{}", p.text);
    assert!(
        p.text
            .contains("role=\"img\" aria-label=\"Выполнено в срок: 0, Просрочено: 0, В работе: 1"),
        "{}",
        p.text
    );
    assert!(
        p.text
            .contains("href=\"/api/v1/reports/compliance?format=csv&#38;month="),
        "{}",
        p.text
    );
    assert!(p.text.contains("Просрочек нет."));
    let grouped = agent
        .page("/reports?month=2026-11&group_by=organization")
        .await;
    assert_eq!(grouped.status, StatusCode::OK);
    assert!(
        grouped
            .text
            .contains("option value=\"organization\" selected"),
        "{}",
        grouped.text
    );
    let bad = agent.page("/reports?month=2026-13").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text.contains("`2026-13`"), "{}", bad.text);
    // A rating shows with its average and comment.
    let (who, staff) = (customer.principal.unwrap(), agent.principal.unwrap());
    let reglament_domain::Principal::Agent(agent_id, _) = staff else {
        unreachable!()
    };
    let ticket = reglament_domain::TicketId(id);
    for (by, cmd) in [
        (
            staff,
            reglament_desk::DeskCommand::Assign { assignee: agent_id },
        ),
        (
            staff,
            reglament_desk::DeskCommand::Status {
                status: "completed".into(),
                reason: None,
            },
        ),
        (who, reglament_desk::DeskCommand::Confirm),
        (
            who,
            reglament_desk::DeskCommand::Rate {
                stars: 5,
                comment: Some("Спасибо <b>большое</b>".into()),
            },
        ),
    ] {
        app.desk
            .act(by, ticket, cmd, reglament_desk::Lang::Ru)
            .await
            .unwrap();
    }
    let p = agent.page("/reports").await;
    assert!(p.text.contains("<h2>Оценки клиентов</h2>"), "{}", p.text);
    assert!(p.text.contains("<td class=\"num\">5,00</td>"), "{}", p.text);
    assert!(
        p.text.contains("Спасибо &#60;b&#62;большое&#60;/b&#62;"),
        "the comment is escaped: {}",
        p.text
    );
    assert!(p.text.contains("<h2>Нагрузка</h2>"), "{}", p.text);
    assert!(p.text.contains("Агент"), "the assignee by name: {}", p.text);
    let away = customer.page("/reports").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.location(), Some("/portal"));
}
