//! PostgreSQL faults, made by a TCP proxy between the server and the database that the test
//! controls: the database refusing connections, a partition that swallows every byte, and the
//! connection cut in the middle of a write. Each request answers 503 within its bounds and
//! writes nothing half-way, and the next request after the fault heals goes through. The
//! shared PostgreSQL server is never stopped.
//!
//! SQLite has no network between the server and its file, so these run on PostgreSQL only.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use reglament_store::Store;
use reglament_testkit::proxy::{FaultProxy, Mode};
use reglament_testkit::{Answer, Client, Db, TestApp};
use serde_json::json;

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// The request deadline of the proxied server, shorter than the default for quick tests.
const DEADLINE: Duration = Duration::from_secs(8);
/// Its statement timeout, which also ends a transaction left idle as long.
const STATEMENT: Duration = Duration::from_millis(1500);

/// The test PostgreSQL server's address.
fn postgres() -> SocketAddr {
    "127.0.0.1:5432".parse().unwrap()
}

/// An app whose desk reaches PostgreSQL only through a fault proxy, and the proxy.
async fn behind_proxy() -> (TestApp, FaultProxy) {
    let app = TestApp::spawn(Db::Postgres, SAVEIT).await;
    let proxy = FaultProxy::start(postgres()).await;
    let store = Store::connect_with(&proxy.url_through(&app.db.url), STATEMENT)
        .await
        .unwrap();
    let app = app.on_store(store, |s| s.with_request_deadline(DEADLINE));
    (app, proxy)
}

async fn file(customer: &Client, subject: &str) -> (Answer, Duration) {
    let started = Instant::now();
    let a = customer
        .post(
            "/api/v1/tickets",
            json!({ "subject": subject, "description": "Не выгружается отчёт" }),
        )
        .await;
    (a, started.elapsed())
}

/// How many tickets the database holds, asked directly.
async fn tickets(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tickets")
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
    n
}

fn assert_unavailable(a: &Answer, took: Duration) {
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert!(
        ["unavailable", "timeout"].contains(&a.body["code"].as_str().unwrap_or_default()),
        "{}",
        a.body
    );
    assert!(
        took < DEADLINE + Duration::from_secs(2),
        "the answer took {took:?}"
    );
}

#[tokio::test]
async fn while_the_database_refuses_connections_requests_answer_503_and_the_first_after_it_returns_goes_through()
 {
    let (app, proxy) = behind_proxy().await;
    let customer = app.as_customer(true, false).await;
    assert_eq!(
        file(&customer, "до сбоя").await.0.status,
        StatusCode::CREATED
    );

    proxy.set(Mode::Refuse);
    proxy.cut();
    let (a, took) = file(&customer, "во время сбоя").await;
    assert_unavailable(&a, took);
    assert_eq!(a.body["code"], "unavailable", "{}", a.body);

    proxy.set(Mode::Pass);
    let (a, _) = file(&customer, "после сбоя").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(tickets(&app).await, 2);
}

#[tokio::test]
async fn behind_a_partition_a_request_answers_503_by_its_deadline_and_the_first_after_it_heals_goes_through()
 {
    let (app, proxy) = behind_proxy().await;
    let customer = app.as_customer(true, false).await;
    assert_eq!(
        file(&customer, "до сбоя").await.0.status,
        StatusCode::CREATED
    );

    proxy.set(Mode::BlackHole);
    let (a, took) = file(&customer, "во время сбоя").await;
    assert_unavailable(&a, took);

    proxy.set(Mode::Pass);
    let (a, took) = file(&customer, "после сбоя").await;
    assert_eq!(a.status, StatusCode::CREATED, "{} after {took:?}", a.body);
    // What the partition held has flowed on by now: the write that answered 503 never
    // committed, so it does not land late.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(tickets(&app).await, 2);
}

#[tokio::test]
async fn a_connection_cut_in_the_middle_of_a_write_answers_503_writes_nothing_and_the_next_write_goes_through()
 {
    let (app, proxy) = behind_proxy().await;
    let customer = app.as_customer(true, false).await;
    // The write is held inside its transaction by a lock taken directly on the database.
    let mut holder = app.db.store.pool().acquire().await.unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE tickets IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let filing = tokio::spawn({
        let customer = customer.clone();
        async move { file(&customer, "оборвётся").await }
    });
    wait_for_a_lock_waiter(&app).await;
    proxy.cut();
    let (a, took) = filing.await.unwrap();
    sqlx::raw_sql("ROLLBACK")
        .execute(&mut *holder)
        .await
        .unwrap();
    drop(holder);
    assert_unavailable(&a, took);
    assert_eq!(a.body["code"], "unavailable", "{}", a.body);
    assert_eq!(tickets(&app).await, 0, "nothing of the cut write is kept");

    let (a, _) = file(&customer, "после обрыва").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    // The number reserved by the cut write went back with its transaction.
    assert!(
        a.body["number"].as_str().unwrap().ends_with("00001"),
        "{}",
        a.body
    );
}

#[tokio::test]
async fn a_node_cut_off_inside_a_transaction_holds_other_nodes_writes_only_until_the_idle_limit() {
    // The app's own node reaches the database directly; another node, through the proxy,
    // takes a lock that blocks ticket writes, and then the network between it and the
    // database goes silent. The server sees that node's transaction sitting idle.
    let app = TestApp::spawn(Db::Postgres, SAVEIT).await;
    let proxy = FaultProxy::start(postgres()).await;
    let cut_off = Store::connect_with(&proxy.url_through(&app.db.url), STATEMENT)
        .await
        .unwrap();
    let mut conn = cut_off.pool().acquire().await.unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE tickets IN SHARE MODE")
        .execute(&mut *conn)
        .await
        .unwrap();
    proxy.set(Mode::BlackHole);

    let customer = app.as_customer(true, false).await;
    let (a, took) = file(&customer, "с другого узла").await;
    assert_eq!(a.status, StatusCode::CREATED, "{} after {took:?}", a.body);
    assert!(
        took < STATEMENT + Duration::from_secs(5),
        "the other node waited {took:?}"
    );
    conn.detach();
}

/// Waits until a session of the test database waits for a lock.
async fn wait_for_a_lock_waiter(app: &TestApp) {
    for _ in 0..200 {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(app.db.store.pool())
        .await
        .unwrap();
        if n > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the write never reached the lock");
}
