//! The JSON API through the real router and a real database, on SQLite and on PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

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

static N: AtomicU32 = AtomicU32::new(0);

async fn database(postgres: bool) -> Store {
    let n = format!(
        "{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let s = if postgres {
        let admin_url = std::env::var("REGLAMENT_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let admin = Store::connect(&admin_url)
            .await
            .expect("PostgreSQL must be running");
        let name = format!("reglament_test_web_{n}");
        sqlx_exec(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
        sqlx_exec(&admin, &format!("CREATE DATABASE {name}")).await;
        admin.close().await;
        Store::connect(&format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0))
            .await
            .unwrap()
    } else {
        let dir = std::env::temp_dir().join(format!("reglament-web-{n}"));
        Store::connect(&format!("sqlite:{}/db.sqlite", dir.display()))
            .await
            .unwrap()
    };
    s.migrate().await.unwrap();
    s
}

async fn sqlx_exec(s: &Store, sql: &str) {
    reglament_store::raw_execute(s, sql).await.unwrap();
}

struct App {
    router: axum::Router,
    store: Store,
    staff_token: String,
    customer_a: String,
    customer_b: String,
}

const REG: &str = include_str!("../../../examples/regulations/saveit.toml");

async fn app(postgres: bool) -> App {
    let store = database(postgres).await;
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
    let state = AppState {
        store: store.clone(),
        regulation: Arc::new(regulation),
        regulation_source: Arc::new(REG.to_string()),
        numbers: Arc::new(TicketNumberFormat::default()),
        metrics: Default::default(),
    };
    App {
        router: router(state),
        store,
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

async fn call(
    app: &App,
    method: &str,
    uri: &str,
    auth: Auth<'_>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    match auth {
        Auth::None => {}
        Auth::Bearer(t) => req = req.header("authorization", t),
        Auth::Cookie(c) => {
            let (cookie, csrf) = c.split_once('\n').unwrap_or((c, ""));
            req = req.header("cookie", cookie).header("x-csrf-token", csrf);
        }
    }
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
    a_cookie_session_change_without_the_csrf_token_is_refused,
    signing_in_sets_a_strict_http_only_cookie_and_wrong_passwords_are_refused,
    the_lifecycle_runs_through_the_api_with_the_right_actors,
    a_database_that_has_gone_away_answers_503,
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
    assert!(
        resolution["explanation"]
            .as_str()
            .unwrap()
            .contains("term:"),
        "{resolution}"
    );
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
    assert_eq!(body["details"]["subject"], "is required");
    let (status, body) = call(
        &app,
        "POST",
        "/api/v1/tickets",
        Auth::Bearer(&app.staff_token),
        Some(json!({ "subject": "x", "description": "y" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("is required by the regulation"),
        "{body}"
    );
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
    assert_eq!(
        body["message"],
        "a ticket in status `closed` cannot move to `completed`"
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
        .set_agent_password(reglament_domain::AgentId(1), &hash)
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
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let b: Value =
            serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
        assert_eq!(
            b["message"], "wrong email or password",
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
