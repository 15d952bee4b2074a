//! The JSON API through the real router and a real database, on SQLite and on PostgreSQL.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use reglament_domain::{Role, TicketNumberFormat};
use reglament_regulation::Regulation;
use reglament_store::Store;
use reglament_store::accounts::Principal;
use reglament_store::directory::{NewAgent, NewContact, NewOrganization};
use reglament_web::{AppState, router};
use serde_json::{Value, json};
use tower::ServiceExt;

/// A desk text in Russian, the API's default language.
fn ru(id: &'static str) -> String {
    reglament_desk::Text::new(id).render(reglament_desk::Lang::Ru)
}

/// A fresh migrated database, dropped when the test ends.
async fn database(postgres: bool) -> reglament_testkit::TestDb {
    reglament_testkit::TestDb::new(if postgres {
        reglament_testkit::Db::Postgres
    } else {
        reglament_testkit::Db::Sqlite
    })
    .await
}

async fn sqlx_exec(s: &Store, sql: &str) {
    reglament_store::raw_execute(s, sql).await.unwrap();
}

struct App {
    router: axum::Router,
    store: Store,
    _db: reglament_testkit::TestDb,
    staff_token: String,
    customer_a: String,
    customer_b: String,
}

const REG: &str = include_str!("../../../examples/regulations/saveit.toml");

async fn app(postgres: bool) -> App {
    let db = database(postgres).await;
    let store = db.store.clone();
    let regulation = Regulation::parse(REG).unwrap();
    let org_a = store
        .create_organization(&NewOrganization {
            name: "ООО «А»".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let org_b = store
        .create_organization(&NewOrganization {
            name: "ООО «Б»".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut sessions = Vec::new();
    for (org, email) in [(org_a, "a@a.ru"), (org_b, "b@b.ru")] {
        let c = store
            .create_contact(&NewContact {
                organization: org,
                full_name: "Клиент".into(),
                position: None,
                phone: None,
                email: email.parse().unwrap(),
                trusted: true,
                owner: false,
            })
            .await
            .unwrap();
        let (token, _session) = store
            .create_session(
                Principal::Contact(c, org),
                jiff::Timestamp::now(),
                jiff::SignedDuration::from_hours(1),
            )
            .await
            .unwrap();
        sessions.push(format!(
            "reglament_session={}\n{}",
            token.expose(),
            _session.csrf.expose()
        ));
    }
    store
        .create_agent(&NewAgent {
            full_name: "Агент".into(),
            email: "agent@support.ru".parse().unwrap(),
            role: Role::Agent,
            line: None,
        })
        .await
        .unwrap();
    let (_, token) = store
        .create_api_token("test", Role::Admin, jiff::Timestamp::now())
        .await
        .unwrap();
    let desk = reglament_desk::Desk::new(
        store.clone(),
        Arc::new(regulation),
        Arc::new(TicketNumberFormat::default()),
    )
    .with_source(REG);
    let state = AppState::new(desk);
    App {
        router: router(state),
        store,
        _db: db,
        staff_token: format!("Bearer {}", token.expose()),
        customer_a: sessions[0].clone(),
        customer_b: sessions[1].clone(),
    }
}

enum Auth<'a> {
    None,
    Bearer(&'a str),
    Cookie(&'a str),
}

/// Adds the caller's credentials: a bearer token, or a session cookie with its CSRF token.
fn authorize(req: axum::http::request::Builder, auth: Auth<'_>) -> axum::http::request::Builder {
    match auth {
        Auth::None => req,
        Auth::Bearer(t) => req.header("authorization", t),
        Auth::Cookie(c) => {
            let (cookie, csrf) = c.split_once('\n').unwrap_or((c, ""));
            req.header("cookie", cookie).header("x-csrf-token", csrf)
        }
    }
}

async fn call(
    app: &App,
    method: &str,
    uri: &str,
    auth: Auth<'_>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let req = authorize(Request::builder().method(method).uri(uri), auth);
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes)
        .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, value)
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn on_sqlite() {
                    super::$name(super::app(false).await).await;
                }
                #[tokio::test]
                async fn on_postgres() {
                    super::$name(super::app(true).await).await;
                }
            }
        )*
    };
}

on_both_backends!(
    health_is_reported_without_signing_in,
    every_api_call_needs_a_token_or_a_session,
    staff_create_a_ticket_that_is_registered_with_a_number_and_explained_clocks,
    a_customer_files_a_ticket_for_their_own_organization_and_cannot_see_others,
    invalid_requests_answer_422_with_the_field,
    with_a_metrics_token_metrics_answer_only_requests_that_carry_it,
    behind_a_proxy_the_sign_in_back_off_counts_the_address_the_proxy_appended,
    a_stalled_database_answers_503_at_the_request_deadline,
    a_body_that_stops_arriving_fails_the_request_at_the_body_timeout,
    over_long_texts_and_too_many_fields_answer_422_naming_the_field,
    a_cookie_session_change_without_the_csrf_token_is_refused,
    signing_in_sets_a_strict_http_only_cookie_and_wrong_passwords_are_refused,
    the_lifecycle_runs_through_the_api_with_the_right_actors,
    a_database_that_has_gone_away_answers_503,
    the_openapi_document_is_served_and_every_operation_in_it_is_routed,
    a_customer_reply_to_a_rejected_ticket_opens_a_linked_follow_up,
    the_server_answers_503_while_the_database_is_away_and_recovers_when_it_returns,
    staff_split_and_merge_tickets_and_customers_may_not,
    attachments_upload_and_download_and_a_refused_file_keeps_the_ticket,
    organizations_contacts_and_agents_follow_roles_and_visibility,
    logged_time_shows_in_time_entries_and_the_monthly_statement,
    the_ticket_list_filters_and_pages,
    the_compliance_report_answers_staff_in_json_and_csv_and_refuses_customers,
);

async fn health_is_reported_without_signing_in(app: App) {
    let (status, body) = call(&app, "GET", "/healthz", Auth::None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
}

async fn every_api_call_needs_a_token_or_a_session(app: App) {
    let (status, body) = call(&app, "GET", "/api/v1/tickets", Auth::None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "unauthorized");
    let (status, _) = call(
        &app,
        "GET",
        "/api/v1/tickets",
        Auth::Bearer("Bearer forged"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = call(
        &app,
        "GET",
        "/api/v1/tickets",
        Auth::Cookie("reglament_session=forged"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn staff_create_a_ticket_that_is_registered_with_a_number_and_explained_clocks(app: App) {
    let (status, t) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "Не работает выгрузка", "description": "Ошибка 500", "organization_id": 1, "contact_id": 1, "fields": { "contact_name": "Иванов", "phone": "+7 495 000-00-00", "position": "Бухгалтер", "state_contract_number": "ГК-1" } })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{t}");
    assert!(t["number"].as_str().unwrap().ends_with("-00001"), "{t}");
    assert_eq!(t["status"], "registered");
    let resolution = t["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["target"] == "resolution")
        .unwrap();
    assert_eq!(resolution["state"], "running");
    // The explanation is Russian by default, with the days skipped and why.
    let explanation = resolution["explanation"].as_str().unwrap();
    assert!(
        explanation.contains("Норматив: 5 рабочих дней"),
        "{explanation}"
    );
    assert!(!explanation.contains("weekend"), "{explanation}");
    let (status, list) = call(
        &app,
        "GET",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let (status, got) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{}", t["id"]),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["number"], t["number"]);
}

async fn a_customer_files_a_ticket_for_their_own_organization_and_cannot_see_others(app: App) {
    let fields = json!({ "contact_name": "Иванов", "phone": "1", "position": "x", "state_contract_number": "ГК-1" });
    let (status, mine) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Cookie(&app.customer_a),
        Some(json!({ "subject": "Вопрос", "description": "Текст", "fields": fields })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{mine}");
    assert_eq!(mine["organization_id"], 1);
    let (status, theirs) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Cookie(&app.customer_b),
        Some(json!({ "subject": "Другой", "description": "Текст", "fields": fields })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    let (s1, b1) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{}", theirs["id"]),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    let (s2, b2) = call(
        &app,
        "GET",
        "/api/v1/tickets/999999",
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(
        (s1, &b1),
        (s2, &b2),
        "another organization's ticket answers exactly as a missing one"
    );
    assert_eq!(s1, StatusCode::NOT_FOUND);
    let (s, _) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{}/actions", theirs["id"]),
        Auth::Cookie(&app.customer_a),
        Some(json!({ "action": "reply", "body": "чужое" })),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = call(
        &app,
        "GET",
        "/api/v1/tickets?organization_id=2",
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    let ids: Vec<&Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["id"])
        .collect();
    assert_eq!(ids, vec![&mine["id"]]);
}

async fn over_long_texts_and_too_many_fields_answer_422_naming_the_field(app: App) {
    let ticket = customer_ticket(&app, "Лимиты").await;
    let long = "я".repeat(reglament_desk::limits::MAX_TEXT + 1);
    let name = "О".repeat(reglament_desk::limits::MAX_NAME + 1);
    let many: serde_json::Map<String, Value> = (0..=reglament_desk::limits::MAX_FIELDS)
        .map(|i| (format!("f{i}"), json!("x")))
        .collect();
    let reply = format!("/api/v1/tickets/{}/actions", ticket["id"]);
    let table: Vec<(&str, Value, &str)> = vec![
        (
            "/api/v1/tickets",
            json!({ "subject": "x", "description": long, "fields": saveit_fields() }),
            "description",
        ),
        (
            "/api/v1/tickets",
            json!({ "subject": "x", "description": "y", "fields": many }),
            "fields",
        ),
        ("/api/v1/organizations", json!({ "name": name }), "name"),
        (&reply, json!({ "action": "reply", "body": long }), "body"),
    ];
    for (path, body, field) in table {
        let auth = if path == "/api/v1/organizations" {
            Auth::Bearer(&app.staff_token)
        } else {
            Auth::Cookie(&app.customer_a)
        };
        let (status, answer) = call(&app, "POST", path, auth, Some(body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {field}: {answer}"
        );
        let said = answer["details"][field].as_str().unwrap_or_default();
        assert!(
            said.starts_with("Слишком"),
            "{path}: `{field}` must be named: {answer}"
        );
    }
    // Nothing was written: the customer's organization still has the one ticket.
    let (_, list) = call(
        &app,
        "GET",
        "/api/v1/tickets",
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{list}");
}

async fn a_body_that_stops_arriving_fails_the_request_at_the_body_timeout(app: App) {
    use futures_util::StreamExt;
    let desk = reglament_desk::Desk::new(
        app.store.clone(),
        Arc::new(Regulation::parse(REG).unwrap()),
        Arc::new(TicketNumberFormat::default()),
    );
    let router =
        router(AppState::new(desk).with_body_timeout(std::time::Duration::from_millis(300)));
    // The start of a body, then nothing, ever.
    let stalled = futures_util::stream::once(async {
        Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"{\"subject\": \"x"))
    })
    .chain(futures_util::stream::pending());
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/tickets")
        .header("authorization", &app.staff_token)
        .header("content-type", "application/json")
        .body(Body::from_stream(stalled))
        .unwrap();
    // Bounded: without the body timeout this would wait for ever.
    let resp = tokio::time::timeout(std::time::Duration::from_secs(10), router.oneshot(req))
        .await
        .expect("answered before the test's own bound")
        .unwrap();
    assert!(resp.status().is_client_error(), "{}", resp.status());
    let body: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert!(body["code"].is_string(), "a JSON error: {body}");
    // Nothing was registered.
    let (_, list) = call(
        &app,
        "GET",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0), "{list}");
}

async fn a_stalled_database_answers_503_at_the_request_deadline(app: App) {
    let desk = reglament_desk::Desk::new(
        app.store.clone(),
        Arc::new(Regulation::parse(REG).unwrap()),
        Arc::new(TicketNumberFormat::default()),
    );
    let router =
        router(AppState::new(desk).with_request_deadline(std::time::Duration::from_millis(700)));
    let ticket = || {
        Request::builder()
            .method("POST")
            .uri("/api/v1/tickets")
            .header("authorization", &app.staff_token)
            .header("content-type", "application/json")
            .body(Body::from(
                json!({ "subject": "x", "description": "y", "organization_id": 1, "contact_id": 1, "fields": saveit_fields() })
                    .to_string(),
            ))
            .unwrap()
    };
    // Another node holds the tickets table: SQLite's write lock, PostgreSQL's table lock. The
    // write would wait five seconds on SQLite, fifteen on PostgreSQL.
    let other = app.store.clone_as_new_node().await.unwrap();
    let mut holder = other.pool().acquire().await.unwrap();
    let lock = match other.backend() {
        reglament_store::Backend::Sqlite => "BEGIN IMMEDIATE",
        reglament_store::Backend::Postgres => "BEGIN; LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE",
    };
    sqlx::raw_sql(lock).execute(&mut *holder).await.unwrap();
    let resp = router.clone().oneshot(ticket()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()["retry-after"], "5");
    let body: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["code"], "timeout", "{body}");
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut *holder)
        .await
        .unwrap();
    drop(holder);
    other.close().await;
    // Once the lock is gone, the next request goes through.
    let resp = router.oneshot(ticket()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

async fn behind_a_proxy_the_sign_in_back_off_counts_the_address_the_proxy_appended(app: App) {
    let desk = reglament_desk::Desk::new(
        app.store.clone(),
        Arc::new(Regulation::parse(REG).unwrap()),
        Arc::new(TicketNumberFormat::default()),
    );
    let router = router(
        AppState::new(desk)
            .with_client_header(axum::http::HeaderName::from_static("x-forwarded-for")),
    );
    let sign_in = |forwarded: String, n: usize| {
        let router = router.clone();
        async move {
            let body = json!({ "email": format!("nobody{n}@example.ru"), "password": "wrong" });
            let req = Request::builder()
                .method("POST")
                .uri("/api/v1/session")
                .header("content-type", "application/json")
                .header("x-forwarded-for", forwarded)
                .body(Body::from(body.to_string()))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }
    };
    // The client invents the first address each time; the proxy's is the last.
    for n in 0..30 {
        let forged = format!("10.0.0.{n}, 203.0.113.9");
        assert_eq!(sign_in(forged, n).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        sign_in("192.0.2.1, 203.0.113.9".into(), 99).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in("203.0.113.9, 198.51.100.20".into(), 100).await,
        StatusCode::UNAUTHORIZED,
        "another client of the proxy is not held back"
    );
}

async fn with_a_metrics_token_metrics_answer_only_requests_that_carry_it(app: App) {
    let desk = reglament_desk::Desk::new(
        app.store.clone(),
        Arc::new(Regulation::parse(REG).unwrap()),
        Arc::new(TicketNumberFormat::default()),
    );
    let guarded = App {
        router: router(
            AppState::new(desk).with_metrics_token(reglament_desk::Secret::new("scrape-me")),
        ),
        store: app.store.clone(),
        _db: app._db,
        staff_token: app.staff_token.clone(),
        customer_a: app.customer_a.clone(),
        customer_b: app.customer_b.clone(),
    };
    for auth in [
        Auth::None,
        Auth::Bearer("Bearer scrape-m"),
        Auth::Bearer("Bearer scrape-me!"),
        // Staff tokens are for the API, not for scraping.
        Auth::Bearer(&app.staff_token),
    ] {
        let (status, body) = call(&guarded, "GET", "/metrics", auth, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], "unauthorized");
    }
    let req = Request::builder()
        .uri("/metrics")
        .header("authorization", "Bearer scrape-me")
        .body(Body::empty())
        .unwrap();
    let resp = guarded.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&text).contains("reglament_database_up 1"));
}

async fn invalid_requests_answer_422_with_the_field(app: App) {
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": " " })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "invalid");
    assert_eq!(body["details"]["subject"], ru("intake-subject-required"));
    // Every problem at once: staff name neither the organization nor the contact.
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "x", "description": "y" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["details"]["organization_id"],
        ru("intake-organization-required")
    );
    assert_eq!(body["details"]["contact_id"], ru("intake-contact-required"));
    // With both named, only what the directory cannot know is asked for: the contact has no
    // phone or position and the organization no state-contract number.
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "x", "organization_id": 1, "contact_id": 1 })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let details = body["details"].as_object().unwrap();
    let mut fields: Vec<&str> = details.keys().map(String::as_str).collect();
    fields.sort();
    assert_eq!(
        fields,
        ["description", "phone", "position", "state_contract_number"],
        "{body}"
    );
    assert_eq!(details["phone"], ru("intake-field-required"));
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "x", "colour": "red" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body["message"].as_str().unwrap().contains("colour"),
        "{body}"
    );
}

async fn the_lifecycle_runs_through_the_api_with_the_right_actors(app: App) {
    let fields = json!({ "contact_name": "Иванов", "phone": "1", "position": "x", "state_contract_number": "ГК-1" });
    let (_, t) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Cookie(&app.customer_a),
        Some(json!({ "subject": "Ошибка", "description": "Текст", "fields": fields })),
    )
    .await;
    let act = format!("/api/v1/tickets/{}/actions", t["id"]);
    let (s, _) = call(
        &app,
        "POST",
        &act,
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "assign", "agent_id": 1 })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, body) = call(
        &app,
        "POST",
        &act,
        Auth::Cookie(&app.customer_a),
        Some(json!({ "action": "priority", "priority": "P1", "reason": "срочно" })),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, _) = call(
        &app,
        "POST",
        &act,
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "note", "body": "Внутренняя заметка" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, t2) = call(
        &app,
        "POST",
        &act,
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "status", "status": "completed" })),
    )
    .await;
    assert_eq!(
        (s, t2["status"].as_str()),
        (StatusCode::OK, Some("completed"))
    );
    let (s, body) = call(
        &app,
        "POST",
        &act,
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "confirm" })),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, closed) = call(
        &app,
        "POST",
        &act,
        Auth::Cookie(&app.customer_a),
        Some(json!({ "action": "confirm" })),
    )
    .await;
    assert_eq!(
        (s, closed["status"].as_str()),
        (StatusCode::OK, Some("closed"))
    );
    let (s, body) = call(
        &app,
        "POST",
        &act,
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "status", "status": "completed" })),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // In the regulation's words: the statuses by their titles.
    assert_eq!(
        body["message"],
        "Заявка в статусе «Закрыта» не может перейти в «Завершена»."
    );
    // The customer does not see internal notes.
    let (_, seen) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{}", t["id"]),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert!(!seen.to_string().contains("Внутренняя заметка"));
    let (_, staff_view) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{}", t["id"]),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert!(staff_view.to_string().contains("Внутренняя заметка"));
}

async fn a_database_that_has_gone_away_answers_503(app: App) {
    app.store.close().await;
    let (status, body) = call(&app, "GET", "/healthz", Auth::None, None).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["database"], "unavailable");
    let (status, body) = call(
        &app,
        "GET",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "unavailable");
}

async fn a_cookie_session_change_without_the_csrf_token_is_refused(app: App) {
    let cookie = app.customer_a.split_once('\n').unwrap().0.to_string();
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Cookie(&cookie),
        Some(json!({ "subject": "x" })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body["message"].as_str().unwrap().contains("CSRF"), "{body}");
    // Reading needs no token.
    let (status, _) = call(&app, "GET", "/api/v1/tickets", Auth::Cookie(&cookie), None).await;
    assert_eq!(status, StatusCode::OK);
}

async fn signing_in_sets_a_strict_http_only_cookie_and_wrong_passwords_are_refused(app: App) {
    let hash = reglament_store::accounts::hash_password(&reglament_store::accounts::Secret::new(
        "s3cret-pass",
    ))
    .unwrap();
    app.store
        .set_agent_password(reglament_domain::AgentId(1), &hash, None)
        .await
        .unwrap();
    let login = |body: Value| {
        Request::builder()
            .method("POST")
            .uri("/api/v1/session")
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let resp = app
        .router
        .clone()
        .oneshot(login(
            json!({ "email": "agent@support.ru", "password": "s3cret-pass" }),
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let body: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["principal"]["role"], "agent");
    let session = format!(
        "{}\n{}",
        cookie.split(';').next().unwrap(),
        body["csrf"].as_str().unwrap()
    );
    let (status, _) = call(&app, "GET", "/api/v1/tickets", Auth::Cookie(&session), None).await;
    assert_eq!(status, StatusCode::OK);
    for (email, password) in [
        ("agent@support.ru", "wrong"),
        ("nobody@support.ru", "s3cret-pass"),
    ] {
        let resp = app
            .router
            .clone()
            .oneshot(login(json!({ "email": email, "password": password })))
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        let b: Value =
            serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert_eq!(
            b["message"],
            ru("http-wrong-credentials"),
            "the same answer for a wrong password and an unknown email"
        );
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_report_the_database_and_open_tickets() {
    let app = app(false).await;
    let fields = json!({ "contact_name": "Иванов", "phone": "1", "position": "x", "state_contract_number": "ГК-1" });
    call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Cookie(&app.customer_a),
        Some(json!({ "subject": "Вопрос", "description": "Текст", "fields": fields })),
    )
    .await;
    call(
        &app,
        "GET",
        "/api/v1/tickets/1",
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    call(
        &app,
        "GET",
        "/api/v1/tickets/2",
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    let resp = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .uri("/metrics")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        text.contains(
            r#"reglament_http_requests_total{method="POST",route="/api/v1/tickets",status="201"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"reglament_http_requests_total{method="GET",route="/api/v1/tickets/{id}",status="200"} 1"#), "{text}");
    assert!(text.contains(r#"reglament_http_requests_total{method="GET",route="/api/v1/tickets/{id}",status="404"} 1"#), "{text}");
    assert!(
        text.contains("reglament_tickets_created_total 1\n"),
        "{text}"
    );
    assert!(text.contains("reglament_database_up 1\n"), "{text}");
    assert!(text.contains("reglament_tickets_open 1\n"), "{text}");
}

async fn call_raw(
    app: &App,
    method: &str,
    uri: &str,
    auth: Auth<'_>,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = authorize(Request::builder().method(method).uri(uri), auth);
    let req = req
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, bytes.to_vec())
}

fn saveit_fields() -> Value {
    json!({ "contact_name": "Иванов", "phone": "1", "position": "x", "state_contract_number": "ГК-1" })
}

async fn customer_ticket(app: &App, subject: &str) -> Value {
    let (s, t) = call(
        app,
        "POST",
        "/api/v1/tickets",
        Auth::Cookie(&app.customer_a),
        Some(json!({ "subject": subject, "description": "Текст", "fields": saveit_fields() })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    t
}

async fn staff_split_and_merge_tickets_and_customers_may_not(app: App) {
    let t = customer_ticket(&app, "Две проблемы в одном письме").await;
    let id = t["id"].as_i64().unwrap();
    let (s, body) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{id}/split"),
        Auth::Cookie(&app.customer_a),
        Some(json!({ "subject": "Вторая" })),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{body}");
    let (s, new) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{id}/split"),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "Вторая проблема", "description": "Отчёт не строится" })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{new}");
    assert_eq!(new["subject"], "Вторая проблема");
    assert_eq!(new["status"], "registered");
    assert_eq!(new["organization_id"], t["organization_id"]);
    assert_eq!(
        new["links"],
        json!([{ "ticket_id": id, "relation": "split_from" }])
    );
    let new_id = new["id"].as_i64().unwrap();
    // The customer sees the new ticket as their own.
    let (s, _) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{new_id}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // Merge the new ticket back as a duplicate of the original.
    let (s, kept) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{new_id}/merge"),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "into": id })),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "already linked: {kept}");
    let dup = customer_ticket(&app, "Та же проблема ещё раз").await;
    let dup_id = dup["id"].as_i64().unwrap();
    let (s, kept) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{dup_id}/merge"),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "into": id })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{kept}");
    assert_eq!(kept["id"], id);
    assert!(
        kept["links"]
            .as_array()
            .unwrap()
            .contains(&json!({ "ticket_id": dup_id, "relation": "merged_from" }))
    );
    let (_, d) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{dup_id}"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(d["status"], "closed");
    // A plain link; merge-like relations are only made by merge and split.
    let other = customer_ticket(&app, "Связанная").await;
    let (s, body) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{}/actions", other["id"]),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "link", "ticket_id": id, "relation": "merged_into" })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (s, linked) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{}/actions", other["id"]),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "link", "ticket_id": id })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{linked}");
    assert_eq!(
        linked["links"],
        json!([{ "ticket_id": id, "relation": "related" }])
    );
    // Another organization's ticket cannot be reached through a merge either.
    let (_, b) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Cookie(&app.customer_b),
        Some(json!({ "subject": "Чужая", "description": "x", "fields": saveit_fields() })),
    )
    .await;
    let (s, body) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{}/merge", b["id"]),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "into": id })),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["message"],
        "Заявки разных организаций нельзя связывать и объединять."
    );
}

async fn attachments_upload_and_download_and_a_refused_file_keeps_the_ticket(app: App) {
    let t = customer_ticket(&app, "Скриншот ошибки").await;
    let id = t["id"].as_i64().unwrap();
    let png: Vec<u8> = (0..4096u32).map(|i| (i % 256) as u8).collect();
    let (s, _, body) = call_raw(
        &app,
        "POST",
        &format!("/api/v1/tickets/{id}/attachments?name=%D0%BE%D1%88%D0%B8%D0%B1%D0%BA%D0%B0.png"),
        Auth::Cookie(&app.customer_a),
        "image/png",
        png.clone(),
    )
    .await;
    let att: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s, StatusCode::CREATED, "{att}");
    assert_eq!(att["name"], "ошибка.png");
    assert_eq!(att["size"], 4096);
    // A BMP is refused with the regulation's reason, and the ticket is untouched otherwise.
    let (s, _, body) = call_raw(
        &app,
        "POST",
        &format!("/api/v1/tickets/{id}/attachments?name=screen.bmp"),
        Auth::Cookie(&app.customer_a),
        "image/bmp",
        vec![1, 2, 3],
    )
    .await;
    let refusal: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{refusal}");
    assert_eq!(
        refusal["message"],
        "Файлы .bmp принимаются только в архиве ZIP или RAR."
    );
    let (_, seen) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{id}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(seen["status"], "registered");
    assert_eq!(seen["attachments"].as_array().unwrap().len(), 1);
    assert!(seen["journal"].to_string().contains("attachment_rejected"));
    let url = att["url"].as_str().unwrap();
    let (s, headers, data) =
        call_raw(&app, "GET", url, Auth::Cookie(&app.customer_a), "", vec![]).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(data, png);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"______.png\"; filename*=UTF-8''%D0%BE%D1%88%D0%B8%D0%B1%D0%BA%D0%B0.png"
    );
    // Another organization's customer gets 404, as if it did not exist.
    let (s, _, _) = call_raw(&app, "GET", url, Auth::Cookie(&app.customer_b), "", vec![]).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A body past the server's cap answers 413 in JSON, and nothing is written.
    let huge = vec![0u8; 26 * 1024 * 1024];
    let (s, _, body) = call_raw(
        &app,
        "POST",
        &format!("/api/v1/tickets/{id}/attachments?name=big.png"),
        Auth::Bearer(&app.staff_token),
        "image/png",
        huge,
    )
    .await;
    let err: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (s, err["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large"))
    );
    let (_, after) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{id}"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(
        after["journal"].as_array().unwrap().len(),
        seen["journal"].as_array().unwrap().len()
    );
    // A name with a path is refused before anything is read.
    let (s, _, _) = call_raw(
        &app,
        "POST",
        &format!("/api/v1/tickets/{id}/attachments?name=..%2Fetc%2Fpasswd"),
        Auth::Bearer(&app.staff_token),
        "text/plain",
        b"x".to_vec(),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn organizations_contacts_and_agents_follow_roles_and_visibility(app: App) {
    let (s, org) = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Auth::Bearer(&app.staff_token),
        Some(json!({
            "name": "ГБУ «Поликлиника №1»",
            "contract_number": "К-2026/15",
            "contract_from": "2026-01-01",
            "contract_to": "2026-12-31",
            "state_contract_number": "0373200041526000015",
            "products": [{ "name": "ЕМИАС", "version": "3.2" }],
            "account_manager_id": 1,
        })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{org}");
    assert_eq!(
        org["products"],
        json!([{ "name": "ЕМИАС", "version": "3.2" }])
    );
    let org_id = org["id"].as_i64().unwrap();
    let (s, body) = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "name": "X", "contract_from": "2026-12-01", "contract_to": "2026-01-01" })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["details"]["contract_to"], ru("dir-contract-order"));
    let (s, body) = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "name": "Y", "programmer_id": 999 })),
    )
    .await;
    assert_eq!(
        (s, body["details"]["programmer_id"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("Сотрудника с номером 999 нет.")
        )
    );
    let (s, _) = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Auth::Cookie(&app.customer_a),
        Some(json!({ "name": "Z" })),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = call(
        &app,
        "POST",
        "/api/v1/organizations",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "name": "ГБУ «Поликлиника №1»" })),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    // Update, then contacts with a portal password.
    let (s, updated) = call(
        &app,
        "PUT",
        &format!("/api/v1/organizations/{org_id}"),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "name": "ГБУ «Поликлиника №1»", "contract_number": "К-2027/01" })),
    )
    .await;
    assert_eq!(
        (s, updated["contract_number"].as_str()),
        (StatusCode::OK, Some("К-2027/01"))
    );
    let (s, contact) = call(
        &app,
        "POST",
        &format!("/api/v1/organizations/{org_id}/contacts"),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "full_name": "Петрова Анна Сергеевна", "position": "Главврач", "email": "Petrova@Clinic.ru", "trusted": true, "owner": true, "password": "long-enough-1" })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{contact}");
    assert!(!contact.to_string().contains("long-enough-1"));
    let (s, body) = call(
        &app,
        "POST",
        &format!("/api/v1/organizations/{org_id}/contacts"),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "full_name": "Б", "email": "not-an-email" })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["details"]["email"].is_string());
    // The new contact signs in and sees only their organization.
    let (s, login) = call(
        &app,
        "POST",
        "/api/v1/session",
        Auth::None,
        Some(json!({ "email": "petrova@clinic.ru", "password": "long-enough-1" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    let (_, orgs) = call(
        &app,
        "GET",
        "/api/v1/organizations",
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(orgs["items"].as_array().unwrap().len(), 1);
    assert_eq!(orgs["items"][0]["name"], "ООО «А»");
    let (s, _) = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{org_id}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{org_id}/contacts"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, contacts) = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{org_id}/contacts"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(contacts["items"][0]["email"], "petrova@clinic.ru");
    // Agents: admins create them, a line must be the regulation's, customers see none.
    let (s, body) = call(
        &app,
        "POST",
        "/api/v1/agents",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "full_name": "Сидоров", "email": "s@support.ru", "role": "agent", "line": "L9" })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["details"]["line"]
            .as_str()
            .unwrap()
            .starts_with("Неизвестная линия `L9`"),
        "{body}"
    );
    let (s, agent) = call(
        &app,
        "POST",
        "/api/v1/agents",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "full_name": "Сидоров", "email": "s@support.ru", "role": "supervisor", "password": "agent-pass-1" })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{agent}");
    assert_eq!(agent["role"], "supervisor");
    let (s, _) = call(
        &app,
        "GET",
        "/api/v1/agents",
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, agents) = call(
        &app,
        "GET",
        "/api/v1/agents",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(agents["items"].as_array().unwrap().len(), 2);
    // A deactivated agent can no longer sign in.
    let (s, off) = call(
        &app,
        "PATCH",
        &format!("/api/v1/agents/{}", agent["id"]),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "active": false })),
    )
    .await;
    assert_eq!((s, off["active"].as_bool()), (StatusCode::OK, Some(false)));
    let (s, _) = call(
        &app,
        "POST",
        "/api/v1/session",
        Auth::None,
        Some(json!({ "email": "s@support.ru", "password": "agent-pass-1" })),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "a deactivated agent cannot sign in"
    );
}

async fn logged_time_shows_in_time_entries_and_the_monthly_statement(app: App) {
    let t = customer_ticket(&app, "Консультация").await;
    let act = format!("/api/v1/tickets/{}/actions", t["id"]);
    for minutes in [10, 45] {
        let (s, body) = call(
            &app,
            "POST",
            &act,
            Auth::Bearer(&app.staff_token),
            Some(json!({ "action": "log_time", "activity": "answer", "minutes": minutes, "description": "Ответ по почте" })),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{body}");
    }
    let (s, body) = call(
        &app,
        "POST",
        &act,
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "log_time", "activity": "golf", "minutes": 5 })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        body["message"],
        "Неизвестный вид работ `golf`; в регламенте: answer."
    );
    let month = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .strftime("%Y-%m")
        .to_string();
    let org = t["organization_id"].as_i64().unwrap();
    let (s, entries) = call(
        &app,
        "GET",
        &format!("/api/v1/time-entries?month={month}&organization_id={org}"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{entries}");
    assert_eq!(entries["total_minutes"], 55);
    assert_eq!(entries["items"][0]["ticket_number"], t["number"]);
    let (s, _) = call(
        &app,
        "GET",
        &format!("/api/v1/time-entries?month={month}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // 10 minutes bill as the 30-minute minimum, 45 as 45: 75 minutes at 1800 ₽/h = 2250 ₽.
    let (s, st) = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{org}/statement?month={month}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["billed_minutes"], 75);
    assert_eq!(st["total_kopecks"], 225_000);
    assert_eq!(st["lines"][0]["billed_minutes"], 30);
    let other = org + 1;
    let (s, _) = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{other}/statement?month={month}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = call(
        &app,
        "GET",
        &format!("/api/v1/organizations/{org}/statement?month=2026-13"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // The customer's own view of the ticket hides logged time.
    let (_, seen) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{}", t["id"]),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert!(seen["minutes_logged"].is_null());
    assert!(!seen["journal"].to_string().contains("time_logged"));
}

async fn the_ticket_list_filters_and_pages(app: App) {
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            customer_ticket(&app, &format!("Заявка {i}")).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let (s, _) = call(
        &app,
        "POST",
        &format!("/api/v1/tickets/{}/actions", ids[3]),
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "priority", "priority": "P1", "reason": "остановлена работа" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (_, page1) = call(
        &app,
        "GET",
        "/api/v1/tickets?limit=2",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    assert_eq!(page1["next_offset"], 2);
    // The critical ticket comes first, out of turn.
    assert_eq!(page1["items"][0]["id"], ids[3]);
    let (_, page3) = call(
        &app,
        "GET",
        "/api/v1/tickets?limit=2&offset=4",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(page3["items"].as_array().unwrap().len(), 1);
    assert!(page3["next_offset"].is_null());
    let (_, p1) = call(
        &app,
        "GET",
        "/api/v1/tickets?priority=P1",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(
        p1["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![ids[3]]
    );
    let (_, reg) = call(
        &app,
        "GET",
        "/api/v1/tickets?status=registered",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(reg["items"].as_array().unwrap().len(), 5);
    for bad in [
        "limit=0",
        "limit=501",
        "offset=-1",
        "status=nonsense",
        "priority=P9",
        "sort=x",
    ] {
        let (s, body) = call(
            &app,
            "GET",
            &format!("/api/v1/tickets?{bad}"),
            Auth::Bearer(&app.staff_token),
            None,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
    }
}

/// Takes the database away from the app's pool and returns a way to bring it back. PostgreSQL:
/// the app's connections are terminated and the database renamed, so new ones fail. SQLite:
/// another connection holds the write lock past the busy timeout, as a stuck process would.
async fn outage(
    app: &App,
) -> Box<dyn FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>> {
    if app.store.backend() == reglament_store::Backend::Postgres {
        let (name,): (String,) = sqlx::query_as("SELECT current_database()::text")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let admin_url = std::env::var("REGLAMENT_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let admin = Store::connect(&admin_url).await.unwrap();
        sqlx_exec(
            &admin,
            &format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            ),
        )
        .await;
        sqlx_exec(
            &admin,
            &format!("ALTER DATABASE {name} RENAME TO {name}_away"),
        )
        .await;
        Box::new(move || {
            Box::pin(async move {
                sqlx_exec(
                    &admin,
                    &format!("ALTER DATABASE {name}_away RENAME TO {name}"),
                )
                .await;
                admin.close().await;
            })
        })
    } else {
        let other = app.store.clone_as_new_node().await.unwrap();
        let mut conn = other.pool().acquire().await.unwrap();
        sqlx::query("BEGIN EXCLUSIVE")
            .execute(&mut *conn)
            .await
            .unwrap();
        Box::new(move || {
            Box::pin(async move {
                sqlx::query("ROLLBACK").execute(&mut *conn).await.unwrap();
                drop(conn);
                other.close().await;
            })
        })
    }
}

async fn the_server_answers_503_while_the_database_is_away_and_recovers_when_it_returns(app: App) {
    let before = customer_ticket(&app, "До сбоя").await;
    let bring_back = outage(&app).await;
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "Во время сбоя", "description": "x", "organization_id": 1, "contact_id": 1, "fields": saveit_fields() })),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "unavailable");
    bring_back().await;
    // Back: the same request succeeds without a restart, and the failed one left nothing.
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "После сбоя", "description": "x", "organization_id": 1, "contact_id": 1, "fields": saveit_fields() })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, list) = call(
        &app,
        "GET",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let subjects: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["subject"].as_str().unwrap())
        .collect();
    assert_eq!(subjects.len(), 2, "{subjects:?}");
    assert!(subjects.contains(&"До сбоя") && subjects.contains(&"После сбоя"));
    let (status, _) = call(&app, "GET", "/healthz", Auth::None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(before["status"], "registered");
}

async fn the_openapi_document_is_served_and_every_operation_in_it_is_routed(app: App) {
    let (status, doc) = call(&app, "GET", "/api/v1/openapi.json", Auth::None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let uri = path.replace("{id}", "1").replace("{attachment}", "1");
            let req = Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(&uri)
                .header("authorization", &app.staff_token)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .unwrap();
            let resp = app.router.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            // An unrouted path answers the fallback's "no such address" and a wrong method 405;
            // a routed one answers its own status.
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            assert!(
                !(status == StatusCode::NOT_FOUND && body["message"] == ru("http-no-route")),
                "{method} {path} is documented but not routed"
            );
        }
    }
    assert_eq!(operations, 34);
}

async fn a_customer_reply_to_a_rejected_ticket_opens_a_linked_follow_up(app: App) {
    let t = customer_ticket(&app, "Установите нам чужую программу").await;
    let id = t["id"].as_i64().unwrap();
    let act = format!("/api/v1/tickets/{id}/actions");
    let (s, body) = call(
        &app,
        "POST",
        &act,
        Auth::Bearer(&app.staff_token),
        Some(json!({ "action": "status", "status": "rejected", "reason": "out_of_scope" })),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, new) = call(
        &app,
        "POST",
        &act,
        Auth::Cookie(&app.customer_a),
        Some(json!({ "action": "reply", "body": "Но у нас снова ошибка при входе" })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{new}");
    assert_ne!(new["id"], id);
    assert_eq!(new["status"], "registered");
    assert_eq!(new["subject"], t["subject"]);
    assert_eq!(new["description"], "Но у нас снова ошибка при входе");
    assert_eq!(
        new["links"],
        json!([{ "ticket_id": id, "relation": "follow_up_of" }])
    );
    let (_, old) = call(
        &app,
        "GET",
        &format!("/api/v1/tickets/{id}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(old["status"], "rejected");
    assert_eq!(
        old["links"],
        json!([{ "ticket_id": new["id"], "relation": "followed_up_by" }])
    );
    // Another organization's customer cannot reach it this way either.
    let (s, _) = call(
        &app,
        "POST",
        &act,
        Auth::Cookie(&app.customer_b),
        Some(json!({ "action": "reply", "body": "x" })),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn the_compliance_report_answers_staff_in_json_and_csv_and_refuses_customers(app: App) {
    let t = customer_ticket(&app, "Отчёт").await;
    let month = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .strftime("%Y-%m")
        .to_string();
    let uri = format!("/api/v1/reports/compliance?month={month}&group_by=organization");
    let (s, r) = call(&app, "GET", &uri, Auth::Bearer(&app.staff_token), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let rows = r["rows"].as_array().unwrap();
    let resolution = rows
        .iter()
        .find(|row| {
            row["target"] == "resolution"
                && row["group"].as_str() == Some(t["organization_id"].to_string().as_str())
        })
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(resolution["group_title"], "ООО «А»");
    assert_eq!(resolution["total"], 1);
    assert_eq!(resolution["running"], 1);
    assert_eq!(resolution["met_percent"], Value::Null);
    let (s, headers, body) = {
        let req = authorize(Request::builder(), Auth::Bearer(&app.staff_token))
            .method("GET")
            .uri(format!(
                "/api/v1/reports/compliance?month={month}&format=csv"
            ))
            .header("accept-language", "en")
            .body(Body::empty())
            .unwrap();
        let resp = app.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
    };
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"compliance-"),
        "{headers:?}"
    );
    assert!(
        body.starts_with("Target,Group,Total,Met,Breached,Running,"),
        "{body}"
    );
    assert!(body.contains("Срок решения,,1,0,0,1,0,"), "{body}");
    let (s, _) = call(&app, "GET", &uri, Auth::Cookie(&app.customer_a), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, body) = call(
        &app,
        "GET",
        "/api/v1/reports/compliance?group_by=weather",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["details"]["group_by"].is_string(), "{body}");
    let (s, d) = call(
        &app,
        "GET",
        &format!("/api/v1/reports/distribution?month={month}"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    // The registration stopped at once; nothing else has stopped yet.
    let targets: Vec<&str> = d["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["registration"], "{d}");
    assert_eq!(d["targets"][0]["median_minutes"], 0);
    assert_eq!(d["targets"][0]["bins"][0]["up_to_minutes"], 15);
    let (s, _) = call(
        &app,
        "GET",
        &format!("/api/v1/reports/distribution?month={month}"),
        Auth::Cookie(&app.customer_a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, c) = call(
        &app,
        "GET",
        &format!("/api/v1/reports/csat?month={month}"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    assert_eq!(c["rows"], json!([]), "no rating yet: {c}");
    let (s, w) = call(
        &app,
        "GET",
        &format!("/api/v1/reports/workload?month={month}"),
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{w}");
    assert_eq!(
        w["rows"][0]["tickets"], 1,
        "the new ticket, no one's yet: {w}"
    );
    assert_eq!(w["rows"][0]["group"], Value::Null);
    let (s, body) = call(
        &app,
        "GET",
        "/api/v1/reports/weather",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["message"], ru("http-no-route"));
    let (s, body) = call(
        &app,
        "GET",
        "/api/v1/reports/compliance?format=pdf",
        Auth::Bearer(&app.staff_token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}
