//! The running server when PostgreSQL cannot be reached — made so by a TCP proxy the test
//! controls, never by stopping the shared server: requests answer 503 and each one is logged as
//! one JSON line with its cause, and the server serves again once the database is back.

mod support;

use reglament_testkit::proxy::{FaultProxy, Mode};
use reglament_testkit::{Db, TestDb};
use support::{serve_in_fresh_dir, spawn_logging_to};

async fn sign_in(client: &reqwest::Client, port: u16) -> reqwest::Response {
    client
        .post(format!("http://127.0.0.1:{port}/api/v1/session"))
        .header("content-type", "application/json")
        .body(r#"{"email":"admin@reglament.local","password":"demo-admin-1"}"#)
        .send()
        .await
        .unwrap()
}

/// The server's log as JSON values, one per line; a line that is not JSON fails the test.
fn log_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_database_cannot_serve_answers_503_and_is_logged_as_json_with_its_cause_and_route()
 {
    let db = TestDb::new(Db::Postgres).await;
    let proxy = FaultProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let (mut command, dir) = serve_in_fresh_dir("database-faults");
    command.args(["--demo", "--database-url", &proxy.url_through(&db.url)]);
    let log = dir.join("server.log");
    let (_server, port) = spawn_logging_to(command, &log);
    let client = reqwest::Client::new();
    assert_eq!(sign_in(&client, port).await.status(), 200);

    proxy.set(Mode::Refuse);
    proxy.cut();
    let answer = sign_in(&client, port).await;
    assert_eq!(answer.status(), 503);
    assert!(answer.headers().get("retry-after").is_some());

    let lines = log_lines(&log);
    let failure = lines
        .iter()
        .find(|l| l["fields"]["status"] == 503)
        .unwrap_or_else(|| panic!("no 503 logged: {lines:#?}"));
    assert_eq!(failure["level"], "WARN");
    assert_eq!(failure["span"]["route"], "/api/v1/session", "{failure}");
    let cause = failure["fields"]["cause"].as_str().unwrap_or_default();
    assert!(!cause.is_empty(), "{failure}");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains("demo-admin-1"), "a password reached the log");

    proxy.set(Mode::Pass);
    assert_eq!(sign_in(&client, port).await.status(), 200);
    let _ = std::fs::remove_dir_all(dir);
}
