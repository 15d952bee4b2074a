//! Signing in: wrong passwords for an account make it wait a growing while, on both databases.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use reglament_desk::{AgentInput, DeskError, OPERATOR, Secret};
use reglament_testkit::{Db, TestApp, on_both_databases};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

async fn five_wrong_passwords_make_the_account_wait_a_minute_then_longer(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let now = Arc::new(AtomicI64::new(1_795_000_000));
    let clock = Arc::clone(&now);
    let desk = app.desk.clone().with_clock(Arc::new(move || {
        jiff::Timestamp::from_second(clock.load(Ordering::SeqCst)).unwrap()
    }));
    desk.create_agent(
        OPERATOR,
        AgentInput {
            full_name: "Анна".into(),
            email: "anna@support.test".into(),
            role: "agent".into(),
            line: None,
            password: Some("the right password".into()),
        },
    )
    .await
    .unwrap();
    let try_with = |password: &'static str| {
        let desk = desk.clone();
        async move {
            desk.sign_in("Anna@Support.test", Secret::new(password))
                .await
                .map(|_| ())
        }
    };
    for _ in 0..5 {
        assert_eq!(try_with("wrong").await, Err(DeskError::Unauthorized));
    }
    // Now even the right password waits, whatever the email's case.
    assert_eq!(
        try_with("the right password").await,
        Err(DeskError::TooManyAttempts(60))
    );
    now.fetch_add(61, Ordering::SeqCst);
    // A sixth wrong password doubles the wait.
    assert_eq!(try_with("wrong").await, Err(DeskError::Unauthorized));
    assert_eq!(
        try_with("wrong").await,
        Err(DeskError::TooManyAttempts(120))
    );
    now.fetch_add(121, Ordering::SeqCst);
    // The right password then works, and clears the count.
    assert_eq!(try_with("the right password").await, Ok(()));
    assert_eq!(try_with("wrong").await, Err(DeskError::Unauthorized));
    assert_eq!(try_with("the right password").await, Ok(()));
    // Another account is not affected by this one's failures.
    assert_eq!(
        desk.sign_in("nobody@support.test", Secret::new("x"))
            .await
            .map(|_| ()),
        Err(DeskError::Unauthorized)
    );
}

on_both_databases!(five_wrong_passwords_make_the_account_wait_a_minute_then_longer);
