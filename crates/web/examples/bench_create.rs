//! Ticket creation throughput through the API router on a real database.
//!
//! `cargo run --release -p reglament-web --example bench_create -- [sqlite|postgres] [N] [CONCURRENCY]`
//!
//! Each request is a `POST /api/v1/tickets` with a bearer token: the ticket is created, the
//! desk checks it against the regulation's intake rules and picks its level and priority, it is registered with a number, its clocks, timers and
//! notification are written, and the response carries the explained clocks.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use reglament_domain::{Role, TicketNumberFormat};
use reglament_regulation::Regulation;
use reglament_store::Store;
use reglament_web::{AppState, router};
use tower::ServiceExt;

const REG: &str = r#"
[regulation]
name = "Bench"
timezone = "Europe/Moscow"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[priorities]]
id = "P2"
title = "Обычный"
default = true
[[targets]]
id = "registration"
title = "Регистрация"
start = "received"
stop = "registered"
schedule = "office"
duration = "3 working hours"
[[targets]]
id = "reaction"
title = "Реакция"
start = "registered"
stop = "public_reply"
schedule = "office"
duration = "8 working hours"
warn_at_percent = 80
[[targets]]
id = "resolution"
title = "Решение"
start = "registered"
stop = "completed"
pause_in = ["waiting_customer"]
schedule = "office"
by_priority = { P2 = "8 working hours" }
warn_before = "1 working hour"
"#;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend = args.get(1).map_or("sqlite", String::as_str).to_string();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5000);
    let conc: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(8);
    let url = if backend == "postgres" {
        let admin = Store::connect("postgres://postgres@127.0.0.1:5432/postgres")
            .await
            .unwrap();
        reglament_store::raw_execute(
            &admin,
            "DROP DATABASE IF EXISTS reglament_bench WITH (FORCE)",
        )
        .await
        .unwrap();
        reglament_store::raw_execute(&admin, "CREATE DATABASE reglament_bench")
            .await
            .unwrap();
        "postgres://postgres@127.0.0.1:5432/reglament_bench".to_string()
    } else {
        let dir = std::env::temp_dir().join(format!("reglament-bench-{}", std::process::id()));
        format!("sqlite:{}/bench.db", dir.display())
    };
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let (_, token) = store
        .create_api_token("bench", Role::Admin, jiff::Timestamp::now())
        .await
        .unwrap();
    let auth = format!("Bearer {}", token.expose());
    let desk = reglament_desk::Desk::new(
        store,
        Arc::new(Regulation::parse(REG).unwrap()),
        Arc::new(TicketNumberFormat::default()),
    );
    // Staff file for a named organization and contact, as intake requires.
    let org = desk
        .create_organization(
            reglament_desk::OPERATOR,
            reglament_desk::OrganizationInput {
                name: "ООО «Нагрузка»".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let contact = desk
        .create_contact(
            reglament_desk::OPERATOR,
            reglament_domain::OrgId(org.id),
            reglament_desk::ContactInput {
                full_name: "Нагрузочный контакт".into(),
                position: None,
                phone: None,
                email: "load@example.ru".into(),
                trusted: true,
                owner: true,
                password: None,
            },
        )
        .await
        .unwrap();
    let (org, contact) = (org.id, contact.id.0);
    let app = router(AppState::new(desk));
    let start = Instant::now();
    let per = n / conc;
    let mut tasks = Vec::new();
    for w in 0..conc {
        let app = app.clone();
        let auth = auth.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per {
                let body = format!(
                    r#"{{"subject": "Тикет {w}-{i}", "description": "Нагрузочный тест", "organization_id": {org}, "contact_id": {contact}}}"#
                );
                let req = Request::builder()
                    .method("POST")
                    .uri("/api/v1/tickets")
                    .header("authorization", &auth)
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .unwrap();
                let resp = app.clone().oneshot(req).await.unwrap();
                assert_eq!(resp.status(), 201);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let done = per * conc;
    println!(
        "{backend}: {done} tickets in {secs:.2} s = {:.0} tickets/s (concurrency {conc})",
        done as f64 / secs
    );
}
