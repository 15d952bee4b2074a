//! The SLA compliance report through the desk on a real database: met, breached, running and
//! cancelled clocks counted by target and by organization, the breaches linked, and the
//! report refused to customers.

use reglament_desk::{DeskCommand, DeskError, Lang, ReportQuery, Request};
use reglament_domain::{Principal, Role, TicketId};
use reglament_testkit::{Db, TestApp, on_both_databases};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// A target, its total, met, breached, running, cancelled and share met.
type Counted<'a> = (&'a str, i64, i64, i64, i64, i64, Option<f64>);

/// An organization's id, met, breached, running, cancelled and share met.
type ByOrganization = (Option<i64>, i64, i64, i64, i64, Option<f64>);

async fn file(app: &TestApp, at: &str, customer: Principal) -> TicketId {
    TicketId(
        app.desk_at(at)
            .open_ticket(customer, Request::new("Сбой", "Не работает"), Lang::Ru)
            .await
            .expect("filed")
            .id,
    )
}

async fn act(app: &TestApp, at: &str, who: Principal, id: TicketId, cmd: DeskCommand) {
    app.desk_at(at)
        .act(who, id, cmd, Lang::Ru)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
}

async fn compliance_counts_met_breached_running_and_cancelled_clocks(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let a = app.as_customer(true, false).await.principal.unwrap();
    let b = app.as_customer(true, false).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let Principal::Agent(agent_id, _) = agent else {
        unreachable!()
    };
    // Monday 23 November 2026, 10:00: P3, five working days, due Monday 30 November 10:00.
    let met = file(&app, "2026-11-23T10:00:00+03:00", a).await;
    let late = file(&app, "2026-11-23T10:00:00+03:00", a).await;
    let rejected = file(&app, "2026-11-23T10:00:00+03:00", b).await;
    let _running = file(&app, "2026-11-30T10:00:00+03:00", b).await;
    act(
        &app,
        "2026-11-23T11:00:00+03:00",
        agent,
        met,
        DeskCommand::Assign { assignee: agent_id },
    )
    .await;
    act(
        &app,
        "2026-11-23T12:00:00+03:00",
        agent,
        met,
        DeskCommand::Status {
            status: "completed".into(),
            reason: None,
        },
    )
    .await;
    act(
        &app,
        "2026-11-23T11:30:00+03:00",
        agent,
        met,
        DeskCommand::LogTime {
            activity: "answer".into(),
            minutes: 30,
            seconds: 0,
            started: None,
            description: "Разобрались".into(),
        },
    )
    .await;
    act(
        &app,
        "2026-11-23T13:00:00+03:00",
        a,
        met,
        DeskCommand::Confirm,
    )
    .await;
    act(
        &app,
        "2026-11-23T13:05:00+03:00",
        a,
        met,
        DeskCommand::Rate {
            stars: 4,
            comment: Some("Спасибо, быстро".into()),
        },
    )
    .await;
    act(
        &app,
        "2026-11-23T11:00:00+03:00",
        agent,
        rejected,
        DeskCommand::Status {
            status: "rejected".into(),
            reason: Some("out_of_scope".into()),
        },
    )
    .await;
    // As of Tuesday 1 December: the late ticket is past its Monday deadline, the other one
    // filed on the 30th is not.
    let desk = app.desk_at("2026-12-01T11:00:00+03:00");
    let q = ReportQuery {
        month: Some("2026-11".into()),
        ..ReportQuery::default()
    };
    let r = desk.compliance_report(agent, &q).await.expect("report");
    let counts: Vec<Counted> = r
        .rows
        .iter()
        .map(|c| {
            (
                c.target.as_str(),
                c.total,
                c.met,
                c.breached,
                c.running,
                c.cancelled,
                c.met_percent,
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("registration", 4, 4, 0, 0, 0, Some(100.0)),
            // The rejection is neither met nor breached, and not in the share.
            ("resolution", 4, 1, 1, 1, 1, Some(50.0)),
        ],
        "{r:#?}"
    );
    assert_eq!(r.rows[1].target_title, "Срок решения");
    assert_eq!(
        (r.from.as_str(), r.to.as_str()),
        ("2026-11-01", "2026-11-30")
    );
    let breach = &r.breaches[..];
    assert_eq!(breach.len(), 1, "{breach:#?}");
    assert_eq!(breach[0].ticket_id, late.0);
    assert_eq!(breach[0].due.as_deref(), Some("2026-11-30T10:00:00+03:00"));
    assert_eq!(breach[0].url, format!("/tickets/{}", late.0));
    // By organization: A has the met and the late ticket, B the rejected and the running one.
    let by_org = ReportQuery {
        group_by: Some("organization".into()),
        ..q.clone()
    };
    let r = desk
        .compliance_report(agent, &by_org)
        .await
        .expect("by organization");
    let resolution: Vec<ByOrganization> = r
        .rows
        .iter()
        .filter(|c| c.target == "resolution")
        .map(|c| {
            (
                c.group.as_ref().and_then(|g| g.parse().ok()),
                c.met,
                c.breached,
                c.running,
                c.cancelled,
                c.met_percent,
            )
        })
        .collect();
    let (org_a, org_b) = (a.organization().unwrap().0, b.organization().unwrap().0);
    assert_eq!(
        resolution,
        [
            (Some(org_a), 1, 1, 0, 0, Some(50.0)),
            (Some(org_b), 0, 0, 1, 1, None)
        ]
    );
    assert!(
        r.rows[0]
            .group_title
            .as_deref()
            .unwrap_or("")
            .starts_with("ООО «Клиент"),
        "{r:#?}"
    );
    // A filter by organization keeps only its tickets; December has none of them.
    let only_b = ReportQuery {
        organization_id: Some(org_b),
        ..q.clone()
    };
    let r = desk
        .compliance_report(agent, &only_b)
        .await
        .expect("filtered");
    assert_eq!(r.rows.iter().map(|c| c.total).sum::<i64>(), 4);
    assert!(r.breaches.is_empty());
    let december = ReportQuery {
        month: Some("2026-12".into()),
        ..ReportQuery::default()
    };
    assert!(
        desk.compliance_report(agent, &december)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
    // Grouped by month over a period of days.
    let span = ReportQuery {
        from: Some("2026-10-15".into()),
        to: Some("2026-11-30".into()),
        group_by: Some("month".into()),
        ..ReportQuery::default()
    };
    let r = desk
        .compliance_report(agent, &span)
        .await
        .expect("by month");
    let months: Vec<(&str, Option<&str>, i64)> = r
        .rows
        .iter()
        .map(|c| (c.target.as_str(), c.group.as_deref(), c.total))
        .collect();
    assert_eq!(
        months,
        [
            ("registration", Some("2026-11"), 4),
            ("resolution", Some("2026-11"), 4)
        ]
    );
    // How long the stopped clocks took: the met resolution 2 working hours (10:00–12:00), the
    // registrations none; the rejection, the late and the running ticket have not stopped.
    let d = desk
        .distribution_report(agent, &q)
        .await
        .expect("distribution");
    let shape: Vec<(&str, i64, i64, i64)> = d
        .targets
        .iter()
        .map(|t| (t.target.as_str(), t.count, t.median_minutes, t.p90_minutes))
        .collect();
    assert_eq!(
        shape,
        [("registration", 4, 0, 0), ("resolution", 1, 120, 120)]
    );
    let bins: Vec<(Option<i64>, i64)> = d.targets[1]
        .bins
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| (b.up_to_minutes, b.count))
        .collect();
    assert_eq!(bins, [(Some(120), 1)]);
    assert_eq!(d.targets[0].bins[0].count, 4);
    // The customer's rating: one of four stars, with its comment, under organization A.
    let c = desk.csat_report(agent, &q).await.expect("csat");
    assert_eq!(c.group_by, "all");
    assert_eq!(c.rows.len(), 1, "{c:#?}");
    assert_eq!(
        (c.rows[0].count, c.rows[0].average, c.rows[0].stars),
        (1, Some(4.0), [0, 0, 0, 1, 0])
    );
    assert_eq!(c.comments.len(), 1);
    assert_eq!(c.comments[0].comment, "Спасибо, быстро");
    assert_eq!(c.comments[0].url, format!("/tickets/{}", met.0));
    let by_org = desk
        .csat_report(
            agent,
            &ReportQuery {
                group_by: Some("organization".into()),
                ..q.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        by_org.rows[0].group.as_deref(),
        Some(org_a.to_string().as_str())
    );
    assert_eq!(c.csv(Lang::Ru).lines().nth(1), Some(",1,4.00,0,0,0,1,0"));
    // Workload: the agent holds the met ticket, now closed, and logged half an hour; the other
    // three are no one's, two of them still open.
    let w = desk.workload_report(agent, &q).await.expect("workload");
    let rows: Vec<(Option<String>, i64, i64, i64)> = w
        .rows
        .iter()
        .map(|r| (r.group.clone(), r.tickets, r.open, r.logged_minutes))
        .collect();
    assert_eq!(
        rows,
        [(None, 3, 2, 0), (Some(agent_id.0.to_string()), 1, 0, 30)],
        "{w:#?}"
    );
    assert!(
        w.rows[1]
            .group_title
            .as_deref()
            .unwrap_or("")
            .starts_with("Агент"),
        "{w:#?}"
    );
    let bad = desk
        .workload_report(
            agent,
            &ReportQuery {
                group_by: Some("month".into()),
                ..q.clone()
            },
        )
        .await;
    assert!(matches!(bad, Err(DeskError::Invalid(_))), "{bad:?}");
    // CSV with a Russian header, one line per row.
    let csv = desk
        .compliance_report(agent, &q)
        .await
        .unwrap()
        .csv(Lang::Ru);
    assert_eq!(
        csv.lines().collect::<Vec<_>>(),
        [
            "Цель,Группа,Всего,Выполнено в срок,Просрочено,В работе,Остановлено без оценки,\"Доля в срок, %\"",
            "Регистрация заявки,,4,4,0,0,0,100.0",
            "Срок решения,,4,1,1,1,1,50.0",
        ]
    );
}

async fn a_report_is_refused_to_customers_and_a_bad_period_or_group_names_the_field(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let customer = app.as_customer(true, true).await.principal.unwrap();
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let q = ReportQuery {
        month: Some("2026-11".into()),
        ..ReportQuery::default()
    };
    let r = app.desk.compliance_report(customer, &q).await;
    assert!(matches!(r, Err(DeskError::Forbidden(_))), "{r:?}");
    for (q, field) in [
        (
            ReportQuery {
                month: Some("2026-13".into()),
                ..ReportQuery::default()
            },
            "month",
        ),
        (
            ReportQuery {
                from: Some("2026-11-30".into()),
                to: Some("2026-11-01".into()),
                ..ReportQuery::default()
            },
            "to",
        ),
        (
            ReportQuery {
                from: Some("2020-01-01".into()),
                to: Some("2026-11-01".into()),
                ..ReportQuery::default()
            },
            "to",
        ),
        (
            ReportQuery {
                from: Some("2026-11-01".into()),
                ..ReportQuery::default()
            },
            "month",
        ),
        (
            ReportQuery {
                group_by: Some("weather".into()),
                ..ReportQuery::default()
            },
            "group_by",
        ),
        (
            ReportQuery {
                priority: Some("P9".into()),
                ..ReportQuery::default()
            },
            "priority",
        ),
    ] {
        match app.desk.compliance_report(agent, &q).await {
            Err(DeskError::Invalid(problems)) => {
                assert_eq!(problems[0].field, field, "{q:?}: {problems:?}")
            }
            other => panic!("{q:?}: {other:?}"),
        }
    }
}

on_both_databases!(
    compliance_counts_met_breached_running_and_cancelled_clocks,
    a_report_is_refused_to_customers_and_a_bad_period_or_group_names_the_field,
);
