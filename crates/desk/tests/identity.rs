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

/// A contact with a portal password, and the desk.
async fn contact_with_password(app: &TestApp, email: &str) -> reglament_domain::ContactId {
    let (org, _) = app.organization_with_contact(true, false).await;
    app.desk
        .create_contact(
            OPERATOR,
            org,
            reglament_desk::ContactInput {
                full_name: "Пётр Клиентов".into(),
                position: Some("Инженер".into()),
                phone: Some("+7 900 000-00-00".into()),
                email: email.into(),
                trusted: true,
                owner: false,
                password: Some("a long portal password".into()),
            },
        )
        .await
        .unwrap()
        .id
}

async fn live(app: &TestApp, token: &Secret) -> bool {
    app.desk
        .authenticate_session(token, false, None)
        .await
        .is_ok()
}

async fn a_deactivated_contact_is_signed_out_everywhere_and_reactivation_brings_no_session_back(
    db: Db,
) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let id = contact_with_password(&app, "petr@client.test").await;
    let pw = || Secret::new("a long portal password");
    let first = app.desk.sign_in("petr@client.test", pw()).await.unwrap();
    let second = app.desk.sign_in("petr@client.test", pw()).await.unwrap();
    assert!(live(&app, &first.token).await && live(&app, &second.token).await);
    let off = reglament_desk::AccountChange {
        active: Some(false),
        ..Default::default()
    };
    let c = app.desk.update_contact(OPERATOR, id, off).await.unwrap();
    assert!(!c.active);
    assert!(!live(&app, &first.token).await, "the first session ended");
    assert!(!live(&app, &second.token).await, "the second session ended");
    assert_eq!(
        app.desk.sign_in("petr@client.test", pw()).await.map(|_| ()),
        Err(DeskError::Unauthorized)
    );
    let on = reglament_desk::AccountChange {
        active: Some(true),
        ..Default::default()
    };
    app.desk.update_contact(OPERATOR, id, on).await.unwrap();
    assert!(
        !live(&app, &first.token).await,
        "reactivation brings no session back"
    );
    assert!(app.desk.sign_in("petr@client.test", pw()).await.is_ok());
}

async fn changing_ones_password_ends_the_other_sessions_and_keeps_this_one(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    contact_with_password(&app, "olga@client.test").await;
    let pw = |p: &'static str| Secret::new(p);
    let here = app
        .desk
        .sign_in("olga@client.test", pw("a long portal password"))
        .await
        .unwrap();
    let elsewhere = app
        .desk
        .sign_in("olga@client.test", pw("a long portal password"))
        .await
        .unwrap();
    let wrong = app
        .desk
        .change_password(
            here.principal,
            &here.token,
            pw("not my password"),
            "a brand new password".into(),
        )
        .await;
    assert!(
        matches!(&wrong, Err(DeskError::Invalid(p)) if p[0].field == "current_password"),
        "{wrong:?}"
    );
    let short = app
        .desk
        .change_password(
            here.principal,
            &here.token,
            pw("a long portal password"),
            "short".into(),
        )
        .await;
    assert!(
        matches!(&short, Err(DeskError::Invalid(p)) if p[0].field == "new_password"),
        "{short:?}"
    );
    assert!(
        live(&app, &elsewhere.token).await,
        "refused changes end nothing"
    );
    app.desk
        .change_password(
            here.principal,
            &here.token,
            pw("a long portal password"),
            "a brand new password".into(),
        )
        .await
        .unwrap();
    assert!(
        live(&app, &here.token).await,
        "the session that changed it stays"
    );
    assert!(
        !live(&app, &elsewhere.token).await,
        "every other session ended"
    );
    assert_eq!(
        app.desk
            .sign_in("olga@client.test", pw("a long portal password"))
            .await
            .map(|_| ()),
        Err(DeskError::Unauthorized)
    );
    assert!(
        app.desk
            .sign_in("olga@client.test", pw("a brand new password"))
            .await
            .is_ok()
    );
}

async fn an_administrators_reset_or_role_change_ends_the_agents_sessions(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let agent = app
        .desk
        .create_agent(
            OPERATOR,
            AgentInput {
                full_name: "Игорь".into(),
                email: "igor@support.test".into(),
                role: "agent".into(),
                line: None,
                password: Some("igor's first password".into()),
            },
        )
        .await
        .unwrap();
    let session = app
        .desk
        .sign_in("igor@support.test", Secret::new("igor's first password"))
        .await
        .unwrap();
    let promoted = app
        .desk
        .update_agent(
            OPERATOR,
            agent.id,
            reglament_desk::AccountChange {
                role: Some("supervisor".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(promoted.role, reglament_domain::Role::Supervisor);
    assert!(
        !live(&app, &session.token).await,
        "a new role ends the session"
    );
    let session = app
        .desk
        .sign_in("igor@support.test", Secret::new("igor's first password"))
        .await
        .unwrap();
    app.desk
        .update_agent(
            OPERATOR,
            agent.id,
            reglament_desk::AccountChange {
                password: Some("set by the administrator".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        !live(&app, &session.token).await,
        "a reset ends the session"
    );
    assert!(
        app.desk
            .sign_in("igor@support.test", Secret::new("set by the administrator"))
            .await
            .is_ok()
    );
}

on_both_databases!(
    a_deactivated_contact_is_signed_out_everywhere_and_reactivation_brings_no_session_back,
    changing_ones_password_ends_the_other_sessions_and_keeps_this_one,
    an_administrators_reset_or_role_change_ends_the_agents_sessions
);

async fn one_address_trying_many_accounts_waits_after_thirty_wrong_passwords(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    contact_with_password(&app, "target@client.test").await;
    let attacker: std::net::IpAddr = "203.0.113.7".parse().unwrap();
    let office: std::net::IpAddr = "198.51.100.1".parse().unwrap();
    // Thirty accounts, one wrong password each: no account reaches its own limit.
    for n in 0..30 {
        let r = app
            .desk
            .sign_in_from(
                &format!("user{n}@client.test"),
                Secret::new("guess"),
                Some(attacker),
            )
            .await
            .map(|_| ());
        assert_eq!(r, Err(DeskError::Unauthorized), "attempt {n}");
    }
    // Now the address waits about a minute (the checks above took a moment of it), even with
    // a right password.
    let r = app
        .desk
        .sign_in_from(
            "target@client.test",
            Secret::new("a long portal password"),
            Some(attacker),
        )
        .await
        .map(|_| ());
    assert!(
        matches!(r, Err(DeskError::TooManyAttempts(s)) if (50..=60).contains(&s)),
        "{r:?}"
    );
    // Another address, and the owner, are not affected.
    assert!(
        app.desk
            .sign_in_from(
                "target@client.test",
                Secret::new("a long portal password"),
                Some(office)
            )
            .await
            .is_ok()
    );
}

on_both_databases!(one_address_trying_many_accounts_waits_after_thirty_wrong_passwords);
