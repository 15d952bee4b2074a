//! The server over a million tickets: p50/p95/p99 of the agent queue (50 rows by deadline) and of
//! a ticket fetch with its explained clocks, through HTTP to the real `reglament serve`
//! process, and that process's resident memory.
//!
//! ```sh
//! cargo bench -p reglament --bench scale                       # SQLite, 1,000,000 tickets
//! cargo bench -p reglament --bench scale -- postgres           # PostgreSQL (REGLAMENT_TEST_POSTGRES)
//! cargo bench -p reglament --bench scale -- --tickets 200000
//! ```
//!
//! Under `cargo test` (no `--bench` argument) it runs the same path over 2,000 tickets as a
//! smoke test and reports, without judging any timing.
//!
//! The tickets are made by the server itself once (organizations and one ticket through the
//! API), then multiplied in SQL: every copy has the template's journal and clock rows; one in
//! ten is open, one in fifty is critical, arrivals are spread over a year and open tickets'
//! deadlines over a month.

use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::{database, drop_database, serve, stop};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench");
    let postgres = args.iter().any(|a| a == "postgres");
    let tickets: i64 = args
        .iter()
        .position(|a| a == "--tickets")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(if bench { 1_000_000 } else { 2_000 });
    let samples = if bench { 2_000 } else { 50 };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let url = rt.block_on(database("scale", postgres));
    let token = {
        let o = Command::new(env!("CARGO_BIN_EXE_reglament"))
            .args(["token", "create", "--role", "admin", "--database-url", &url])
            .env_remove("REGLAMENT_CONFIG")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let out = String::from_utf8(o.stdout).unwrap();
        out.trim().rsplit(": ").next().unwrap().to_string()
    };
    // The template, made by the server through its API.
    let (mut server, addr) = serve(&url);
    let mut org_ids = Vec::new();
    for k in 0..20 {
        let body = format!(
            r#"{{"name":"ООО «Клиент {k}»","tariff":"Стандарт","contract_number":"ТП-{k}"}}"#
        );
        let (s, body) = http(&addr, "POST", "/api/v1/organizations", &token, Some(&body));
        assert_eq!(s, 201, "{body}");
        org_ids.push(json_i64(&body, "id"));
    }
    let contact = r#"{"full_name":"Иванов Иван","position":"Бухгалтер","phone":"+7 495 000-00-00","email":"ivanov@client.ru","trusted":true}"#;
    let (s, body) = http(
        &addr,
        "POST",
        &format!("/api/v1/organizations/{}/contacts", org_ids[0]),
        &token,
        Some(contact),
    );
    assert_eq!(s, 201, "{body}");
    let contact_id = json_i64(&body, "id");
    let body = format!(
        r#"{{"subject":"Не проходит выгрузка в 1С","description":"Ошибка при выгрузке документов за октябрь","organization_id":{},"contact_id":{contact_id},"fields":{{"state_contract_number":"ГК-1"}}}}"#,
        org_ids[0]
    );
    let (s, body) = http(&addr, "POST", "/api/v1/tickets", &token, Some(&body));
    assert_eq!(s, 201, "{body}");
    let template = json_i64(&body, "id");
    stop(&mut server);

    let started = Instant::now();
    rt.block_on(seed(&url, postgres, template, tickets));
    let seeded = started.elapsed();

    let (mut server, addr) = serve(&url);
    let pid = server.id();
    let queue = "/api/v1/tickets?limit=50".to_string();
    let org_queue = format!("/api/v1/tickets?limit=50&organization_id={}", org_ids[3]);
    // Warm up, then measure.
    for _ in 0..20 {
        http(&addr, "GET", &queue, &token, None);
    }
    let rss_before = rss(pid);
    let q = measure(samples, |_| {
        let (s, body) = http(&addr, "GET", &queue, &token, None);
        assert_eq!(s, 200, "{body}");
    });
    let oq = measure(samples, |_| {
        let (s, body) = http(&addr, "GET", &org_queue, &token, None);
        assert_eq!(s, 200, "{body}");
    });
    let f = measure(samples, |k| {
        // Spread over the whole table, open and closed alike.
        let id = template + 1 + (k as i64 * 7_919_993) % tickets;
        let (s, body) = http(&addr, "GET", &format!("/api/v1/tickets/{id}"), &token, None);
        assert_eq!(s, 200, "{id}: {body}");
        assert!(body.contains("\"clocks\""));
    });
    // Eight clients at once, each alternating the queue and a ticket fetch.
    let started = Instant::now();
    let threads: Vec<_> = (0..8)
        .map(|c| {
            let (addr, token, queue) = (addr.clone(), token.clone(), queue.clone());
            std::thread::spawn(move || {
                (0..samples / 8)
                    .map(|k| {
                        let t = Instant::now();
                        let id = template + 1 + ((c * 1_000 + k) as i64 * 7_919_993) % tickets;
                        let path = if k % 2 == 0 {
                            queue.clone()
                        } else {
                            format!("/api/v1/tickets/{id}")
                        };
                        let (s, body) = http(&addr, "GET", &path, &token, None);
                        assert_eq!(s, 200, "{body}");
                        t.elapsed()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut mixed: Vec<Duration> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let mixed_secs = started.elapsed().as_secs_f64();
    mixed.sort();
    let rss_after = rss(pid);
    // The reports, as a manager asks for them: last month, a whole one (clocks start 30 s
    // apart, so a month holds about 86,000 tickets of the million), and a year by organization.
    let month = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date()
        .first_of_month()
        .yesterday()
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let year_from = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date()
        .checked_sub(jiff::Span::new().days(364))
        .unwrap();
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Moscow").unwrap())
        .date();
    let reports = [
        format!("/api/v1/reports/compliance?month={month}"),
        format!("/api/v1/reports/compliance?from={year_from}&to={today}&group_by=organization"),
        format!("/api/v1/reports/distribution?month={month}"),
        format!("/api/v1/reports/csat?month={month}"),
        format!("/api/v1/reports/workload?month={month}"),
    ];
    let report_samples = if bench { 20 } else { 3 };
    let timed: Vec<(String, Vec<Duration>)> = reports
        .iter()
        .map(|path| {
            let m = measure(report_samples, |_| {
                let (s, body) = http(&addr, "GET", path, &token, None);
                assert_eq!(s, 200, "{path}: {body}");
            });
            (path.clone(), m)
        })
        .collect();
    stop(&mut server);

    rt.block_on(drop_database(&url, postgres));

    println!(
        "scale: {} tickets on {} (seeded in {:.1} s), {samples} requests each, one client over HTTP",
        tickets,
        if postgres { "PostgreSQL" } else { "SQLite" },
        seeded.as_secs_f64()
    );
    report("queue, 50 rows by deadline", &q);
    report("queue of one organization", &oq);
    report("ticket fetch with clocks", &f);
    report("8 clients, queue and fetch", &mixed);
    for (path, m) in &timed {
        report(path, m);
    }
    println!(
        "8 clients: {:.0} requests/s",
        mixed.len() as f64 / mixed_secs
    );
    println!(
        "server RSS: {:.1} MB after start and warm-up, {:.1} MB after the requests, peak {:.1} MB",
        rss_before.0 as f64 / 1024.0,
        rss_after.0 as f64 / 1024.0,
        rss_after.1 as f64 / 1024.0
    );
}

/// Multiplies the template ticket into `tickets` tickets, in SQL.
async fn seed(url: &str, postgres: bool, template: i64, tickets: i64) {
    let store = reglament_store::Store::connect(url).await.unwrap();
    let first = template + 1;
    let last = template + tickets;
    let now = jiff::Timestamp::now().as_second();
    let (with, from) = if postgres {
        (
            String::new(),
            format!("generate_series({first}::bigint, {last}::bigint) AS n(i)"),
        )
    } else {
        (
            format!(
                "WITH RECURSIVE n(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM n WHERE i < {last}) "
            ),
            "n".to_string(),
        )
    };
    let statements = [
        format!(
            "INSERT INTO tickets (id, number, status, open, channel, subject, organization_id, contact_id, category, level, priority, out_of_turn, line, assignee_id, next_due, received_at, updated_at, closed_at, rating, journal_len) \
             {with}SELECT i, 'B-' || i, CASE WHEN i % 10 = 0 THEN 'in_progress' ELSE 'closed' END, CASE WHEN i % 10 = 0 THEN 1 ELSE 0 END, \
             t.channel, t.subject, t.organization_id + ((i / 10) % 20), t.contact_id, t.category, t.level, CASE WHEN i % 50 = 0 THEN 'P1' ELSE t.priority END, \
             CASE WHEN i % 50 = 0 THEN 1 ELSE 0 END, t.line, NULL, CASE WHEN i % 10 = 0 THEN {now} + (i * 7919) % 2592000 ELSE 9223372036854775807 END, \
             {now} - ({last} - i) * 30, {now} - ({last} - i) * 30, CASE WHEN i % 10 = 0 THEN NULL ELSE {now} - ({last} - i) * 30 + 3600 END, NULL, t.journal_len \
             FROM {from} CROSS JOIN tickets t WHERE t.id = {template}"
        ),
        format!(
            "INSERT INTO journal (ticket_id, seq, at, actor, event) {with}SELECT i, j.seq, j.at, j.actor, j.event FROM {from} CROSS JOIN journal j WHERE j.ticket_id = {template}"
        ),
        format!(
            "INSERT INTO clocks (ticket_id, target, state, due, warn_at, started_at, stopped_at, elapsed_s, remaining_s) {with}SELECT i, c.target, c.state, c.due - ({last} - i) * 30, c.warn_at - ({last} - i) * 30, c.started_at - ({last} - i) * 30, c.stopped_at - ({last} - i) * 30, c.elapsed_s, c.remaining_s FROM {from} CROSS JOIN clocks c WHERE c.ticket_id = {template}"
        ),
        format!(
            "INSERT INTO jobs (id, kind, ticket_id, target, due_at, attempts) {with}SELECT {last} + i, 'breach', i, 'resolution', {now} + 86400 * 30 + i, 0 FROM {from} WHERE i % 10 = 0"
        ),
        format!("UPDATE counters SET value = {last} WHERE name = 'tickets'"),
        format!(
            "UPDATE counters SET value = {} WHERE name = 'jobs'",
            2 * last + 1
        ),
        "ANALYZE".to_string(),
    ];
    for sql in statements {
        reglament_store::raw_execute_unbounded(&store, &sql)
            .await
            .unwrap();
    }
    if !postgres {
        reglament_store::raw_execute(&store, "PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
    }
    store.close().await;
}

/// One request through this thread's HTTP client (keeping its connection, as a browser or
/// an integration does); the status and the body.
fn http(addr: &str, method: &str, path: &str, token: &str, body: Option<&str>) -> (u16, String) {
    thread_local! {
        static CLIENT: reqwest::blocking::Client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .build()
            .expect("an HTTP client");
    }
    CLIENT.with(|c| {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = c
            .request(method, format!("http://{addr}{path}"))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let r = req.send().unwrap();
        (r.status().as_u16(), r.text().unwrap_or_default())
    })
}

fn json_i64(body: &str, key: &str) -> i64 {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v[key].as_i64().unwrap()
}

fn measure(n: usize, mut f: impl FnMut(usize)) -> Vec<Duration> {
    let mut times: Vec<Duration> = (0..n)
        .map(|k| {
            let t = Instant::now();
            f(k);
            t.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(what: &str, sorted: &[Duration]) {
    let p = |q: f64| sorted[((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what:<28} p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
        ms(p(0.50)),
        ms(p(0.95)),
        ms(p(0.99)),
        ms(sorted[sorted.len() - 1])
    );
}

/// The process's resident set and its peak, in KiB.
fn rss(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
