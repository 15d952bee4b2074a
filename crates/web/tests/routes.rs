//! Every route of the OpenAPI document, as anonymous, customer A, customer B, agent,
//! supervisor, admin and an integration's token, against the ids of both organizations: each
//! answer is compared with the table below, and a documented route without a row fails.

use reglament_domain::Role;
use reglament_testkit::{Client, Db, TestApp, on_both_databases};
use serde_json::{Value, json};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// The callers, in the order of a row's columns.
const CALLERS: [&str; 7] = [
    "anonymous",
    "customer A",
    "customer B",
    "agent",
    "supervisor",
    "admin",
    "token",
];

/// (method, route, expected statuses per caller as `with A's ids / with B's ids`).
const TABLE: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/healthz",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/metrics",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/openapi.json",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/regulation",
        "401/401 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/api/v1/session",
        "401/401 401/401 401/401 401/401 401/401 401/401 401/401",
    ),
    (
        "POST",
        "/api/v1/session/password",
        "401/401 422/422 422/422 422/422 422/422 422/422 403/403",
    ),
    (
        "GET",
        "/api/v1/tickets",
        "401/401 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/api/v1/tickets",
        "401/401 201/201 201/201 201/201 201/201 201/201 201/201",
    ),
    (
        "GET",
        "/api/v1/tickets/{id}",
        "401/401 200/404 404/200 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/api/v1/tickets/{id}/actions",
        "401/401 200/404 404/200 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/api/v1/tickets/{id}/split",
        "401/401 403/403 403/403 201/201 201/201 201/201 201/201",
    ),
    (
        "POST",
        "/api/v1/tickets/{id}/merge",
        "401/401 403/403 403/403 403/403 409/409 409/409 403/403",
    ),
    (
        "POST",
        "/api/v1/tickets/{id}/attachments",
        "401/401 201/404 404/201 201/201 201/201 201/201 201/201",
    ),
    (
        "GET",
        "/api/v1/tickets/{id}/attachments/{attachment}",
        "401/401 200/404 404/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/organizations",
        "401/401 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/api/v1/organizations",
        "401/401 403/403 403/403 403/403 201/201 201/201 403/403",
    ),
    (
        "GET",
        "/api/v1/organizations/{id}",
        "401/401 200/404 404/200 200/200 200/200 200/200 200/200",
    ),
    (
        "PUT",
        "/api/v1/organizations/{id}",
        "401/401 403/403 403/403 403/403 200/200 200/200 403/403",
    ),
    (
        "GET",
        "/api/v1/organizations/{id}/contacts",
        "401/401 200/404 404/200 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/api/v1/organizations/{id}/contacts",
        "401/401 403/403 403/403 403/403 201/201 201/201 403/403",
    ),
    (
        "PATCH",
        "/api/v1/contacts/{id}",
        "401/401 403/403 403/403 403/403 200/200 200/200 403/403",
    ),
    (
        "GET",
        "/api/v1/agents",
        "401/401 403/403 403/403 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/api/v1/agents",
        "401/401 403/403 403/403 403/403 403/403 201/201 403/403",
    ),
    (
        "GET",
        "/api/v1/agents/{id}",
        "401/401 403/403 403/403 200/200 200/200 200/200 200/200",
    ),
    (
        "PATCH",
        "/api/v1/agents/{id}",
        "401/401 403/403 403/403 403/403 403/403 200/200 403/403",
    ),
    (
        "GET",
        "/api/v1/tokens",
        "401/401 403/403 403/403 403/403 403/403 200/200 403/403",
    ),
    (
        "DELETE",
        "/api/v1/tokens/{id}",
        "401/401 403/403 403/403 403/403 403/403 204/204 403/403",
    ),
    (
        "GET",
        "/api/v1/time-entries",
        "401/401 403/403 403/403 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/organizations/{id}/statement",
        "401/401 200/404 404/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/reports/compliance",
        "401/401 403/403 403/403 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/reports/distribution",
        "401/401 403/403 403/403 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/reports/csat",
        "401/401 403/403 403/403 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/api/v1/reports/workload",
        "401/401 403/403 403/403 200/200 200/200 200/200 200/200",
    ),
    (
        "DELETE",
        "/api/v1/session",
        "204/204 204/204 204/204 204/204 204/204 204/204 204/204",
    ),
];

/// One organization's ids.
struct Side {
    org: i64,
    contact: i64,
    ticket: i64,
    attachment: i64,
    /// A token of the side's own, for the revocation route to revoke.
    token: i64,
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn side(app: &TestApp, customer: &Client) -> Side {
    let t = customer
        .post(
            "/api/v1/tickets",
            json!({ "subject": "Не работает отчёт", "description": "Описание" }),
        )
        .await;
    assert_eq!(t.status, 201, "{}", t.body);
    let ticket = t.body["id"].as_i64().unwrap();
    let a = customer
        .raw(
            "POST",
            &format!("/api/v1/tickets/{ticket}/attachments?name=screen.png"),
            "image/png",
            PNG.to_vec(),
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let Some(reglament_domain::Principal::Contact(c, o)) = customer.principal else {
        unreachable!()
    };
    let token = match app.as_token(Role::Agent).await.principal {
        Some(reglament_domain::Principal::Token(t, _)) => t.0,
        _ => unreachable!(),
    };
    Side {
        org: o.0,
        contact: c.0,
        ticket,
        attachment: a.body["id"].as_i64().unwrap(),
        token,
    }
}

/// The request a caller makes on a route with one side's ids; bodies are valid, so only who is
/// asking and whose ids decide the answer.
fn request(
    route: &str,
    s: &Side,
    agent: i64,
    n: usize,
) -> (String, Option<Value>, Option<Vec<u8>>) {
    let path = route
        .replace(
            "/tickets/{id}/attachments/{attachment}",
            &format!("/tickets/{}/attachments/{}", s.ticket, s.attachment),
        )
        .replace("/tickets/{id}", &format!("/tickets/{}", s.ticket))
        .replace("/organizations/{id}", &format!("/organizations/{}", s.org))
        .replace("/agents/{id}", &format!("/agents/{agent}"))
        .replace("/contacts/{id}", &format!("/contacts/{}", s.contact))
        .replace("/tokens/{id}", &format!("/tokens/{}", s.token));
    let body = match route {
        // A new address each time: the back-off after wrong passwords is tested on its own.
        "/api/v1/session" => {
            Some(json!({ "email": format!("nobody{n}@example.ru"), "password": "wrong-password" }))
        }
        "/api/v1/tickets" => Some(json!({
            "subject": "Новая заявка", "description": "Описание",
            "organization_id": s.org, "contact_id": s.contact,
        })),
        "/api/v1/tickets/{id}/actions" => Some(json!({ "action": "reply", "body": "Уточнение" })),
        "/api/v1/tickets/{id}/split" => {
            Some(json!({ "subject": "Вторая проблема", "description": "x" }))
        }
        "/api/v1/tickets/{id}/merge" => Some(json!({ "into": s.ticket })),
        "/api/v1/organizations" | "/api/v1/organizations/{id}" => {
            Some(json!({ "name": format!("ООО «Новое {n}»") }))
        }
        "/api/v1/organizations/{id}/contacts" => {
            Some(json!({ "full_name": "Новый", "email": format!("new{n}@example.ru") }))
        }
        "/api/v1/agents" => Some(
            json!({ "full_name": "Новый", "email": format!("agent{n}@support.ru"), "role": "agent" }),
        ),
        "/api/v1/agents/{id}" | "/api/v1/contacts/{id}" => Some(json!({ "active": true })),
        // A wrong current password: the account keeps its password for the other rows.
        "/api/v1/session/password" => Some(
            json!({ "current_password": "not-the-password", "new_password": "a-new-long-password" }),
        ),
        _ => None,
    };
    let path = match route {
        "/api/v1/tickets" => format!("{path}?organization_id={}", s.org),
        "/api/v1/time-entries" => format!("{path}?month=2026-11&organization_id={}", s.org),
        "/api/v1/organizations/{id}/statement" => format!("{path}?month=2026-11"),
        "/api/v1/reports/compliance"
        | "/api/v1/reports/distribution"
        | "/api/v1/reports/csat"
        | "/api/v1/reports/workload" => {
            format!("{path}?month=2026-11")
        }
        "/api/v1/tickets/{id}/attachments" => format!("{path}?name=screen.png"),
        _ => path,
    };
    let raw = (route == "/api/v1/tickets/{id}/attachments").then(|| PNG.to_vec());
    (path, body, raw)
}

async fn every_route_answers_every_caller_as_the_table_says(db: Db) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-24T11:00:00+03:00");
    let customer_a = app.as_customer(true, false).await;
    let customer_b = app.as_customer(true, false).await;
    let agent = app.as_agent(Role::Agent, None).await;
    let callers = [
        app.anonymous(),
        customer_a.clone(),
        customer_b.clone(),
        agent.clone(),
        app.as_agent(Role::Supervisor, None).await,
        app.as_agent(Role::Admin, None).await,
        app.as_token(Role::Agent).await,
    ];
    let sides = [side(&app, &customer_a).await, side(&app, &customer_b).await];
    let agent_id = TestApp::agent_id(&agent).0;

    // Every documented operation has a row, and every row is documented.
    let doc: Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
    let mut documented = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    for (m, p) in &documented {
        assert!(
            TABLE.iter().any(|(tm, tp, _)| tm == m && tp == p),
            "{m} {p} is documented but has no row in the route × role table"
        );
    }
    assert_eq!(
        documented.len(),
        TABLE.len(),
        "every row is a documented operation"
    );

    let mut n = 0;
    let mut wrong = Vec::new();
    for (method, route, row) in TABLE {
        let expected: Vec<&str> = row.split(' ').collect();
        assert_eq!(expected.len(), CALLERS.len(), "{method} {route}");
        for ((caller, name), want) in callers.iter().zip(CALLERS).zip(&expected) {
            for (side, want) in sides.iter().zip(want.split('/')) {
                n += 1;
                let (path, body, raw) = request(route, side, agent_id, n);
                let got = match raw {
                    Some(bytes) => caller.raw(method, &path, "image/png", bytes).await,
                    None => caller.call(method, &path, body).await,
                };
                assert!(
                    got.body.is_object()
                        || method.eq_ignore_ascii_case("delete")
                        || got.status.is_success(),
                    "{method} {path} as {name}: an error that is not JSON: {}",
                    got.body
                );
                if got.status.as_str() != want {
                    wrong.push(format!(
                        "{method} {path} as {name}: {} (expected {want}) {}",
                        got.status.as_u16(),
                        got.body
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The pages: (method, route, expected per caller as `with A's ids / with B's ids`). A redirect
/// to the sign-in page reads `401`, as it is one; other redirects read `303`.
const PAGES: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/",
        "200/200 303/303 303/303 303/303 303/303 303/303 200/200",
    ),
    (
        "POST",
        "/sign-in",
        "403/403 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    (
        "GET",
        "/lang/{lang}",
        "303/303 303/303 303/303 303/303 303/303 303/303 303/303",
    ),
    (
        "GET",
        "/account",
        "401/401 200/200 200/200 200/200 200/200 200/200 401/401",
    ),
    (
        "POST",
        "/account/password",
        "401/401 422/422 422/422 422/422 422/422 422/422 401/401",
    ),
    (
        "GET",
        "/queue",
        "401/401 303/303 303/303 200/200 200/200 200/200 401/401",
    ),
    (
        "GET",
        "/tickets/{id}",
        "401/401 200/404 404/200 200/200 200/200 200/200 401/401",
    ),
    (
        "POST",
        "/tickets/{id}/act",
        "401/401 303/404 404/303 303/303 303/303 303/303 401/401",
    ),
    (
        "GET",
        "/portal",
        "401/401 200/200 200/200 303/303 303/303 303/303 401/401",
    ),
    (
        "GET",
        "/portal/new",
        "401/401 200/200 200/200 303/303 303/303 303/303 401/401",
    ),
    (
        "POST",
        "/portal/new",
        "401/401 303/303 303/303 303/303 303/303 303/303 401/401",
    ),
    // The quarantined message is no message of these tickets: not found for staff.
    (
        "GET",
        "/tickets/{id}/mail/{inbound}",
        "401/401 403/403 403/403 404/404 404/404 404/404 401/401",
    ),
    (
        "GET",
        "/tickets/{id}/mail/{inbound}/body",
        "401/401 403/403 403/403 404/404 404/404 404/404 401/401",
    ),
    // The forgotten-password pages need no sign-in; a forged form is refused, and a link
    // this installation never signed opens nothing.
    (
        "GET",
        "/password/forgot",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "POST",
        "/password/forgot",
        "403/403 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    (
        "GET",
        "/password/reset/{token}",
        "403/403 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    (
        "POST",
        "/password/reset/{token}",
        "403/403 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    // A link from mail with a token this installation never signed: refused to everyone.
    (
        "GET",
        "/m/{token}",
        "403/403 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    (
        "POST",
        "/m/{token}",
        "403/403 403/403 403/403 403/403 403/403 403/403 403/403",
    ),
    (
        "GET",
        "/regulation",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/events",
        "401/401 200/200 200/200 200/200 200/200 200/200 401/401",
    ),
    (
        "GET",
        "/static/app.css",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/static/app.js",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/static/icon.svg",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/favicon.ico",
        "200/200 200/200 200/200 200/200 200/200 200/200 200/200",
    ),
    (
        "GET",
        "/admin",
        "401/401 303/303 303/303 200/200 200/200 200/200 401/401",
    ),
    (
        "POST",
        "/admin/organizations",
        "401/401 403/403 403/403 403/403 303/303 303/303 401/401",
    ),
    (
        "GET",
        "/admin/organizations/{id}",
        "401/401 303/303 303/303 200/200 200/200 200/200 401/401",
    ),
    (
        "POST",
        "/admin/organizations/{id}",
        "401/401 403/403 403/403 403/403 303/303 303/303 401/401",
    ),
    (
        "POST",
        "/admin/organizations/{id}/contacts",
        "401/401 403/403 403/403 403/403 303/303 303/303 401/401",
    ),
    (
        "GET",
        "/admin/agents",
        "401/401 303/303 303/303 200/200 200/200 200/200 401/401",
    ),
    (
        "POST",
        "/admin/agents",
        "401/401 403/403 403/403 403/403 403/403 303/303 401/401",
    ),
    (
        "POST",
        "/admin/agents/{id}/active",
        "401/401 403/403 403/403 403/403 403/403 303/303 401/401",
    ),
    (
        "POST",
        "/admin/contacts/{id}/active",
        "401/401 403/403 403/403 403/403 303/303 303/303 401/401",
    ),
    (
        "GET",
        "/admin/mail",
        "401/401 303/303 303/303 200/200 200/200 200/200 401/401",
    ),
    (
        "GET",
        "/admin/mail/{id}/raw",
        "401/401 403/403 403/403 200/200 200/200 200/200 401/401",
    ),
    (
        "POST",
        "/admin/mail/{id}/{action}",
        "401/401 403/403 403/403 303/303 303/303 303/303 401/401",
    ),
    // Last: it ends the sessions.
    (
        "POST",
        "/sign-out",
        "303/303 303/303 303/303 303/303 303/303 303/303 303/303",
    ),
];

async fn every_page_answers_every_caller_as_the_table_says(db: Db) {
    use reglament_testkit::Part;
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-24T11:00:00+03:00");
    let customer_a = app.as_customer(true, false).await;
    let customer_b = app.as_customer(true, false).await;
    let callers = [
        app.anonymous(),
        customer_a.clone(),
        customer_b.clone(),
        app.as_agent(Role::Agent, None).await,
        app.as_agent(Role::Supervisor, None).await,
        app.as_agent(Role::Admin, None).await,
        app.as_token(Role::Agent).await,
    ];
    let sides = [side(&app, &customer_a).await, side(&app, &customer_b).await];
    let agent_id = TestApp::agent_id(&callers[3]).0;
    // A message held in the quarantine: bytes that are no message stay held when read again.
    let held = match app.desk.ingest_mail(b"garbage", "pipe").await.unwrap() {
        reglament_desk::MailOutcome::Quarantined { inbound, .. } => inbound,
        other => panic!("{other:?}"),
    };
    let mut n = 0;
    for (m, p) in reglament_web::PAGE_ROUTES {
        assert!(
            PAGES.iter().any(|(tm, tp, _)| tm == m && tp == p),
            "{m} {p} is a page route without a row in the table"
        );
    }
    assert_eq!(PAGES.len(), reglament_web::PAGE_ROUTES.len());
    let mut wrong = Vec::new();
    for (method, route, row) in PAGES {
        let expected: Vec<&str> = row.split(' ').collect();
        assert_eq!(expected.len(), CALLERS.len(), "{method} {route}");
        for ((caller, name), want) in callers.iter().zip(CALLERS).zip(&expected) {
            for (side, want) in sides.iter().zip(want.split('/')) {
                n += 1;
                let id = if route.starts_with("/admin/organizations") {
                    side.org
                } else if route.starts_with("/admin/agents") {
                    agent_id
                } else if route.starts_with("/admin/contacts") {
                    side.contact
                } else if route.starts_with("/admin/mail") {
                    held
                } else {
                    side.ticket
                };
                let path = route
                    .replace("{id}", &id.to_string())
                    .replace("{lang}", "en")
                    .replace("{action}", "retry")
                    .replace("{inbound}", &held.to_string());
                let csrf = caller.csrf();
                let (status, location) = match (*method, *route) {
                    ("GET", "/events") => {
                        let (s, h) = caller.peek("GET", &path).await;
                        (
                            s,
                            h.get("location").map(|l| l.to_str().unwrap().to_string()),
                        )
                    }
                    ("GET", _) => {
                        let p = caller.page(&path).await;
                        (p.status, p.location().map(str::to_string))
                    }
                    ("POST", r)
                        if r == "/sign-in"
                            || r == "/sign-out"
                            || r.starts_with("/m/")
                            || r.starts_with("/password/")
                            || r.starts_with("/admin")
                            || r.starts_with("/account") =>
                    {
                        let name = format!("ООО «Страница {n}»");
                        let email = format!("page{n}@example.ru");
                        let fields: Vec<(&str, &str)> = match r {
                            "/m/{token}" => vec![("form_token", "forged"), ("op", "confirm")],
                            "/password/forgot" => {
                                vec![("form_token", "forged"), ("email", "nobody@example.ru")]
                            }
                            "/password/reset/{token}" => vec![
                                ("form_token", "forged"),
                                ("new_password", "a-new-long-password"),
                                ("repeat_password", "a-new-long-password"),
                            ],
                            "/sign-in" => vec![
                                ("email", "nobody@example.ru"),
                                ("password", "wrong-password"),
                                ("form_token", "forged"),
                            ],
                            "/sign-out"
                            | "/admin/agents/{id}/active"
                            | "/admin/contacts/{id}/active"
                            | "/admin/mail/{id}/{action}" => {
                                vec![("csrf", &csrf), ("active", "1")]
                            }
                            "/account/password" => vec![
                                ("csrf", &csrf),
                                ("current_password", "not-the-password"),
                                ("new_password", "a-new-long-password"),
                            ],
                            "/admin/organizations/{id}/contacts" | "/admin/agents" => vec![
                                ("csrf", &csrf),
                                ("full_name", "Новый человек"),
                                ("email", &email),
                                ("role", "agent"),
                            ],
                            _ => vec![("csrf", &csrf), ("name", &name)],
                        };
                        let body = reglament_testkit::urlencoded(&fields);
                        let p = caller
                            .browse(
                                "POST",
                                &path,
                                "application/x-www-form-urlencoded",
                                body,
                                None,
                            )
                            .await;
                        (p.status, p.location().map(str::to_string))
                    }
                    ("POST", "/portal/new") => {
                        let p = caller
                            .submit(
                                &path,
                                &[
                                    Part::Text("csrf", &csrf),
                                    Part::Text("subject", "Заявка с формы"),
                                    Part::Text("description", "Описание"),
                                ],
                            )
                            .await;
                        (p.status, p.location().map(str::to_string))
                    }
                    _ => {
                        let p = caller
                            .submit(
                                &path,
                                &[
                                    Part::Text("csrf", &csrf),
                                    Part::Text("op", "reply"),
                                    Part::Text("body", "Уточнение"),
                                ],
                            )
                            .await;
                        (p.status, p.location().map(str::to_string))
                    }
                };
                let got = match (status.as_u16(), location.as_deref()) {
                    (303, Some(l)) if l.starts_with("/?next=") => 401,
                    (s, _) => s,
                };
                if got.to_string() != *want {
                    wrong.push(format!(
                        "{method} {route} as {name} with {}'s ids: expected {want}, got {got} ({location:?})",
                        if side.org == sides[0].org { "A" } else { "B" }
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

async fn unknown_routes_wrong_methods_and_malformed_ids_answer_json(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let agent = app.as_agent(Role::Agent, None).await;
    for (method, path, status, code) in [
        ("GET", "/api/v1/nothing-here", 404, "not_found"),
        ("GET", "/nothing-here", 404, "not_found"),
        ("DELETE", "/api/v1/tickets", 405, "method_not_allowed"),
        ("GET", "/api/v1/tickets/abc", 400, "bad_request"),
        ("GET", "/api/v1/tickets/99999", 404, "not_found"),
    ] {
        let a = agent.call(method, path, None).await;
        assert_eq!(a.status.as_u16(), status, "{method} {path}: {}", a.body);
        assert_eq!(a.body["code"], code, "{method} {path}: {}", a.body);
        assert!(a.body["message"].is_string(), "{method} {path}: {}", a.body);
    }
}

async fn the_accept_language_header_selects_english(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let agent = app.as_agent(Role::Agent, None).await;
    let a = agent
        .post("/api/v1/tickets", json!({ "subject": "" }))
        .await;
    assert_eq!(a.body["details"]["subject"], "Укажите тему обращения.");
    let a = agent
        .clone()
        .lang("en-GB,en;q=0.9")
        .post("/api/v1/tickets", json!({ "subject": "" }))
        .await;
    assert_eq!(a.body["details"]["subject"], "Enter a subject.");
    let customer = app.as_customer(true, false).await;
    let t = customer
        .clone()
        .lang("en")
        .post(
            "/api/v1/tickets",
            json!({ "subject": "Вопрос", "description": "x" }),
        )
        .await;
    let explanation = t.body["clocks"][0]["explanation"].as_str().unwrap();
    assert!(explanation.contains("Term:"), "{explanation}");
}

async fn an_oversized_body_answers_413_and_a_stale_session_says_sign_in_again(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let agent = app.as_agent(Role::Agent, None).await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let a = agent
        .post(
            "/api/v1/tickets",
            json!({ "subject": "x", "description": huge }),
        )
        .await;
    assert_eq!(a.status, 413, "{}", a.body);
    assert_eq!(a.body["code"], "too_large");
    let stranger = app.anonymous();
    let a = stranger.raw("GET", "/api/v1/tickets", "", Vec::new()).await;
    assert_eq!(a.status, 401);
    assert!(
        a.body["message"].as_str().unwrap().starts_with("Войдите"),
        "{}",
        a.body
    );
}

async fn signing_out_needs_the_csrf_token(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let customer = app.as_customer(true, false).await;
    let forged = customer
        .clone()
        .without_csrf()
        .call("DELETE", "/api/v1/session", None)
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    assert_eq!(
        customer.get("/api/v1/tickets").await.status,
        200,
        "the session lives on"
    );
    let out = customer.call("DELETE", "/api/v1/session", None).await;
    assert_eq!(out.status, 204);
    assert_eq!(customer.get("/api/v1/tickets").await.status, 401);
}

on_both_databases!(
    every_page_answers_every_caller_as_the_table_says,
    every_route_answers_every_caller_as_the_table_says,
    unknown_routes_wrong_methods_and_malformed_ids_answer_json,
    the_accept_language_header_selects_english,
    an_oversized_body_answers_413_and_a_stale_session_says_sign_in_again,
    signing_out_needs_the_csrf_token,
);
