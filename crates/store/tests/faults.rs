//! Work that no request deadline bounds — timers, the outbox, mail polling — against a
//! PostgreSQL server that has gone silent behind a partition (a TCP proxy the test controls).

use std::time::{Duration, Instant};

use reglament_store::{Store, StoreError};
use reglament_testkit::proxy::{FaultProxy, Mode};
use reglament_testkit::{Db, TestDb};

#[tokio::test]
async fn work_on_a_silent_database_gives_up_at_the_work_limit_and_succeeds_once_it_answers_again() {
    let db = TestDb::new(Db::Postgres).await;
    let proxy = FaultProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let store = Store::connect_with(&proxy.url_through(&db.url), Duration::from_millis(500))
        .await
        .unwrap();
    assert_eq!(
        store.within_limit(store.next_job_due()).await.unwrap(),
        None
    );

    // A connection taken while the network was up; then nothing comes back. The pool's own
    // wait for a connection does not help here: the statement's answer is what never arrives.
    let limit = store.work_limit();
    let started = Instant::now();
    let work = async {
        let mut conn = store.pool().acquire().await?;
        proxy.set(Mode::BlackHole);
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok::<_, StoreError>(())
    };
    // The test's own bound: without the limit the statement would wait for ever.
    let outcome = tokio::time::timeout(limit * 2, store.within_limit(work))
        .await
        .expect("the work limit did not end the wait");
    let took = started.elapsed();
    assert!(
        matches!(outcome, Err(StoreError::Unavailable(_))),
        "{outcome:?}"
    );
    assert!(
        took >= limit - Duration::from_millis(100) && took < limit + Duration::from_secs(1),
        "gave up after {took:?}, the limit being {limit:?}"
    );

    proxy.set(Mode::Pass);
    assert_eq!(
        store.within_limit(store.next_job_due()).await.unwrap(),
        None
    );
}
