//! Two `reglament serve` processes on one PostgreSQL database: every timer fires exactly once.
//! Tickets get a one-minute reaction target on a 24/7 schedule, so their breach timers fall due
//! while both servers run.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REGULATION: &str = r#"
[regulation]
name = "Двухузловой тест"
timezone = "Europe/Moscow"
[schedules.always]
hours = { daily = "00:00-24:00" }
calendar = "none"
[[targets]]
id = "reaction"
title = "Реакция"
start = "received"
stop = "public_reply"
schedule = "always"
duration = "1 minute"
"#;

fn admin_url() -> String {
    std::env::var("REGLAMENT_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn psql(url: &str, sql: &str) -> String {
    let o = Command::new("psql")
        .args([url, "-qAtc", sql])
        .output()
        .expect("psql runs");
    assert!(
        o.status.success(),
        "{sql}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

fn reglament(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args(args)
        .output()
        .unwrap()
}

fn serve(db: &str, regulation: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reglament"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            db,
            "--regulation",
            regulation,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    // Keep reading what the server prints, so its output never blocks or breaks.
    std::thread::spawn(move || for _ in lines {});
    let addr = first
        .strip_prefix("Reglament is running at http://")
        .expect(&first)
        .trim_end_matches('/')
        .to_string();
    (child, addr)
}

/// `POST` with a bearer token and a JSON body; the status and the body.
fn post(addr: &str, token: &str, path: &str, body: &str) -> (u16, String) {
    let r = reqwest::blocking::Client::new()
        .post(format!("http://{addr}{path}"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap_or_default())
}

#[test]
fn two_servers_on_one_postgresql_fire_each_timer_exactly_once() {
    let admin = admin_url();
    let db = format!("reglament_two_nodes_{}", std::process::id());
    psql(
        &admin,
        &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
    );
    psql(&admin, &format!("CREATE DATABASE {db}"));
    let url = format!("{}/{db}", admin.rsplit_once('/').unwrap().0);
    let dir = std::env::temp_dir().join(format!("reglament-two-nodes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let reg = dir.join("regulation.toml");
    std::fs::write(&reg, REGULATION).unwrap();
    let o = reglament(&["token", "create", "--database-url", &url, "--role", "admin"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    let token = out.trim().rsplit(' ').next().unwrap().to_string();

    let (mut a, addr_a) = serve(&url, reg.to_str().unwrap());
    let (mut b, addr_b) = serve(&url, reg.to_str().unwrap());
    // Intake files a staff member's ticket only for a named organization and contact.
    let r = post(
        &addr_a,
        &token,
        "/api/v1/organizations",
        r#"{"name": "ООО «Узел»"}"#,
    );
    assert_eq!(r.0, 201, "{}", r.1);
    let r = post(
        &addr_a,
        &token,
        "/api/v1/organizations/1/contacts",
        r#"{"full_name": "Клиент", "email": "client@node.ru"}"#,
    );
    assert_eq!(r.0, 201, "{}", r.1);
    let tickets = 20;
    for i in 0..tickets {
        let addr = if i % 2 == 0 { &addr_a } else { &addr_b };
        let r = post(
            addr,
            &token,
            "/api/v1/tickets",
            &format!(r#"{{"subject": "Тикет {i}", "organization_id": 1, "contact_id": 1}}"#),
        );
        assert_eq!(r.0, 201, "{}", r.1);
    }
    assert_eq!(
        psql(&url, "SELECT COUNT(*) FROM jobs WHERE kind = 'breach'"),
        tickets.to_string()
    );
    // The breach timers fall due one minute after arrival; both workers race for them.
    let deadline = Instant::now() + Duration::from_secs(150);
    while psql(&url, "SELECT COUNT(*) FROM jobs WHERE done_at IS NULL") != "0" {
        assert!(Instant::now() < deadline, "timers did not fire in time");
        std::thread::sleep(Duration::from_secs(2));
    }
    for child in [&mut a, &mut b] {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        assert!(child.wait().unwrap().success());
    }
    assert_eq!(
        psql(
            &url,
            "SELECT COUNT(*) FROM jobs WHERE done_at IS NOT NULL AND attempts = 1"
        ),
        tickets.to_string()
    );
    assert_eq!(
        psql(&url, "SELECT COUNT(*) FROM outbox WHERE kind = 'breach'"),
        tickets.to_string()
    );
    assert_eq!(
        psql(
            &url,
            "SELECT COUNT(DISTINCT ticket_id) FROM outbox WHERE kind = 'breach'"
        ),
        tickets.to_string()
    );
    psql(
        &admin,
        &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
    );
}
