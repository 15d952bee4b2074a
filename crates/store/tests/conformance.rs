//! The storage conformance suite: every behaviour runs on SQLite and on PostgreSQL, each test on
//! a fresh database that is dropped afterwards (`reglament-testkit`). PostgreSQL is reached at `REGLAMENT_TEST_POSTGRES` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); its absence fails the suite rather than
//! skipping half of it.

use jiff::Timestamp;
use reglament_domain::*;
use reglament_regulation::Regulation;
use reglament_store::accounts::{self, Principal, Secret};
use reglament_store::directory::{NewAgent, NewContact, NewOrganization};
use reglament_store::jobs::JobOutcome;
use reglament_store::tickets::{QueueFilter, Viewer};
use reglament_store::{Conflict, Store, StoreError};

async fn expired_sessions_are_purged_and_live_ones_kept(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Сеансы»", "sessions@client.ru").await;
    let p = Principal::Contact(contact, org);
    let then: Timestamp = "2026-11-23T10:00:00+03:00".parse().unwrap();
    let (old, _) = s
        .create_session(p, then, jiff::SignedDuration::from_hours(1))
        .await
        .unwrap();
    let (live, _) = s
        .create_session(p, then, jiff::SignedDuration::from_hours(48))
        .await
        .unwrap();
    let later: Timestamp = "2026-11-24T10:00:00+03:00".parse().unwrap();
    assert_eq!(s.purge_expired_sessions(later).await.unwrap(), 1);
    assert_eq!(
        s.session(&old, then).await.unwrap_err(),
        StoreError::NotFound
    );
    assert!(s.session(&live, later).await.is_ok());
}

/// Runs one async test body on both backends.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn on_sqlite() {
                    let db = reglament_testkit::TestDb::new(reglament_testkit::Db::Sqlite).await;
                    super::$name(db.store.clone()).await;
                }
                #[tokio::test]
                async fn on_postgres() {
                    let db = reglament_testkit::TestDb::new(reglament_testkit::Db::Postgres).await;
                    super::$name(db.store.clone()).await;
                }
            }
        )*
    };
}

on_both_backends!(
    a_bad_value_is_an_error_of_the_request_not_an_unavailable_database,
    migrations_apply_once_and_again_without_harm,
    a_current_schema_is_left_alone_and_a_behind_one_is_migrated,
    the_outbox_is_delivered_at_most_once_even_across_a_crash,
    a_search_finds_russian_word_forms_in_subjects_descriptions_and_replies,
    the_search_index_is_built_for_a_journal_written_before_it,
    a_change_announced_on_one_node_reaches_the_subscribers_of_another,
    expired_sessions_are_purged_and_live_ones_kept,
    a_database_migrated_before_the_embedded_migrations_is_carried_over,
    organizations_contacts_and_agents_round_trip,
    a_taken_email_is_a_conflict_that_names_it,
    a_ticket_is_created_registered_and_journaled_with_its_clocks,
    registration_notifies_the_customer_in_the_same_transaction,
    timers_follow_the_clocks_and_completion_schedules_auto_close,
    a_customer_sees_only_their_organizations_tickets,
    in_an_own_tickets_only_organization_a_contact_sees_only_what_they_filed_and_the_owner_all,
    the_queue_puts_critical_tickets_first_then_the_nearest_deadline,
    a_refused_command_writes_nothing,
    ticket_numbers_count_up_per_year,
    auto_close_fires_at_its_time_and_only_once,
    a_warning_goes_to_the_assignee_and_an_obsolete_timer_fires_nothing,
    two_nodes_draining_the_same_timers_fire_each_exactly_once,
    passwords_sessions_and_tokens_authenticate_the_right_principal,
    concurrent_writers_all_succeed_with_unique_numbers,
    a_split_registers_a_new_linked_ticket_with_the_originals_facts,
    a_merged_duplicate_closes_and_both_tickets_record_the_merge,
    merging_across_organizations_or_into_a_closed_ticket_is_refused_and_writes_nothing,
    links_are_recorded_on_both_tickets,
    accepted_attachments_are_stored_and_refused_ones_keep_the_ticket_with_a_reason,
    a_customer_cannot_fetch_another_organizations_attachment,
    a_changed_regulation_recomputes_open_tickets_clocks_without_touching_journals,
);

/// How many migrations the store embeds.
const MIGRATIONS: i64 = 12;

const REG: &str = r#"
[regulation]
name = "Тестовый регламент"
timezone = "Europe/Moscow"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[priorities]]
id = "P1"
title = "Критический"
out_of_turn = true
[[priorities]]
id = "P3"
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
id = "resolution"
title = "Решение"
start = "registered"
stop = "completed"
pause_in = ["waiting_customer"]
schedule = "office"
by_priority = { P1 = "4 working hours", P3 = "5 working days" }
warn_before = "1 working hour"
[lifecycle]
auto_close_after = "24 hours"
[attachments]
max_size = "1 MB"
max_total = "2 MB"
allowed = ["png", "txt", "zip"]
archived_only = ["bmp"]
"#;

fn reg() -> Regulation {
    Regulation::parse(REG).unwrap()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

const AGENT: Actor = Actor::Agent(AgentId(1));

async fn org_with_contact(s: &Store, name: &str, email: &str) -> (OrgId, ContactId) {
    let org = s
        .create_organization(&NewOrganization {
            name: name.into(),
            tariff: Some("Стандарт".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let contact = s
        .create_contact(&NewContact {
            organization: org,
            full_name: "Иванов Иван Иванович".into(),
            position: Some("Бухгалтер".into()),
            phone: None,
            email: email.parse().unwrap(),
            trusted: true,
            owner: false,
        })
        .await
        .unwrap();
    (org, contact)
}

async fn new_ticket(
    s: &Store,
    org: OrgId,
    contact: ContactId,
    priority: &str,
    when: &str,
) -> TicketId {
    let received = JournalEntry::new(
        at(when),
        Actor::Contact(contact),
        TicketEvent::Received {
            channel: "email".into(),
            subject: format!("Проблема {priority}"),
            description: "Описание".into(),
            organization: Some(org),
            contact: Some(contact),
            category: None,
            level: None,
            priority: Some(priority.into()),
            fields: Default::default(),
        },
    );
    s.create_ticket(&reg(), received, at(when)).await.unwrap()
}

async fn run(s: &Store, id: TicketId, actor: Actor, cmd: Command, when: &str) {
    let out = s
        .execute(
            &reg(),
            id,
            actor,
            Viewer::Staff,
            cmd,
            &TicketNumberFormat::default(),
            at(when),
        )
        .await
        .unwrap();
    assert!(matches!(out, Outcome::Events(_)), "{out:?}");
}

fn register() -> Command {
    Command::Register {
        number: TicketNumberFormat::default().format(1, 1),
    }
}

async fn a_bad_value_is_an_error_of_the_request_not_an_unavailable_database(s: Store) {
    // On PostgreSQL an invalid UTF-8 byte sequence is SQLSTATE 22021, which read by SQLite's
    // rule (low byte 5, "busy") used to answer "the database is unavailable, try again".
    let err = reglament_store::raw_execute(&s, "SELECT convert_from('\\xc3'::bytea, 'UTF8')")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Other(_)), "{err:?}");
    // The database still answers.
    s.ping().await.unwrap();
}

/// A statement that runs past the timeout is cancelled by PostgreSQL and answers
/// "unavailable" (SQLSTATE 57014), so a stalled database never holds a request for long.
#[tokio::test]
async fn a_postgres_statement_past_the_timeout_is_cancelled_as_unavailable() {
    let db = reglament_testkit::TestDb::new(reglament_testkit::Db::Postgres).await;
    let s = Store::connect_with(&db.url, std::time::Duration::from_millis(300))
        .await
        .unwrap();
    // Without the timeout the sleep would simply succeed after five seconds.
    let err = reglament_store::raw_execute(&s, "SELECT pg_sleep(5)")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    s.close().await;
}

async fn a_change_announced_on_one_node_reaches_the_subscribers_of_another(s: Store) {
    use reglament_store::changes::TicketChange;
    // On PostgreSQL another node has its own pool and listener; SQLite is one node.
    let other = match s.backend() {
        reglament_store::Backend::Postgres => s.clone_as_new_node().await.unwrap(),
        reglament_store::Backend::Sqlite => s.clone(),
    };
    let mut rx = other.subscribe();
    let change = TicketChange {
        ticket: TicketId(41),
        organization: Some(OrgId(7)),
    };
    // The listener may still be connecting: announce until it hears, at most for five seconds.
    let mut heard = None;
    for _ in 0..50 {
        s.announce(change).await.unwrap();
        if let Ok(Ok(c)) =
            tokio::time::timeout(std::time::Duration::from_millis(100), rx.recv()).await
        {
            heard = Some(c);
            break;
        }
    }
    assert_eq!(heard, Some(change));
}

async fn a_search_finds_russian_word_forms_in_subjects_descriptions_and_replies(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Ромашка»", "search@romashka.ru").await;
    let (other, other_contact) = org_with_contact(&s, "ООО «Лютик»", "search@lutik.ru").await;
    let when = "2026-11-23T10:00:00+03:00";
    let first = new_ticket(&s, org, contact, "P3", when).await;
    let second = new_ticket(&s, org, contact, "P3", when).await;
    let theirs = new_ticket(&s, other, other_contact, "P3", when).await;
    run(
        &s,
        first,
        Actor::Contact(contact),
        Command::Reply {
            public: true,
            body: "Не выгружаются отчёты в бухгалтерию".into(),
        },
        when,
    )
    .await;
    run(
        &s,
        second,
        Actor::System,
        Command::Reply {
            public: false,
            body: "Внутренняя заметка: проверить выгрузку счетов".into(),
        },
        when,
    )
    .await;
    run(
        &s,
        theirs,
        Actor::Contact(other_contact),
        Command::Reply {
            public: true,
            body: "Отчёт не выгружается".into(),
        },
        when,
    )
    .await;
    let ids = |items: Vec<reglament_store::tickets::QueueItem>| {
        items.into_iter().map(|i| i.id).collect::<Vec<_>>()
    };
    // Another form of the words finds them: «отчёт выгрузка» → «отчёты … выгружаются».
    let staff = ids(s
        .search("отчет выгружается", Viewer::Staff, 50, 0)
        .await
        .unwrap());
    assert_eq!(staff, vec![theirs, first]);
    // Staff find internal notes («выгрузки» → «выгрузку»); the organization's customer finds
    // neither a note nor another organization's ticket.
    let notes = ids(s.search("выгрузки", Viewer::Staff, 50, 0).await.unwrap());
    assert!(notes.contains(&second), "{notes:?}");
    let customer = ids(s
        .search("отчетов", Viewer::Customer(org), 50, 0)
        .await
        .unwrap());
    assert_eq!(customer, vec![first]);
    // The subject counts too, and paging pages.
    let all = ids(s.search("проблема", Viewer::Staff, 2, 0).await.unwrap());
    assert_eq!(all, vec![theirs, second]);
    let rest = ids(s.search("проблема", Viewer::Staff, 2, 2).await.unwrap());
    assert_eq!(rest, vec![first]);
    // Punctuation alone finds nothing, and quotes cannot break the query.
    assert!(
        s.search("«»!?", Viewer::Staff, 50, 0)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(s.search("\"отчёт", Viewer::Staff, 50, 0).await.is_ok());
}

async fn the_search_index_is_built_for_a_journal_written_before_it(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Старое»", "old-search@client.ru").await;
    let id = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    // The state before search: no index, no setting.
    let table = match s.backend() {
        reglament_store::Backend::Sqlite => "search_fts",
        reglament_store::Backend::Postgres => "search_docs",
    };
    reglament_store::raw_execute(&s, &format!("DROP TABLE {table}"))
        .await
        .unwrap();
    reglament_store::raw_execute(&s, "DELETE FROM settings WHERE name = 'search_index'")
        .await
        .unwrap();
    s.migrate().await.unwrap();
    let found = s.search("проблемы", Viewer::Staff, 50, 0).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, id);
}

async fn the_outbox_is_delivered_at_most_once_even_across_a_crash(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Почтовое»", "post@client.ru").await;
    let when = "2026-11-23T10:00:00+03:00";
    let id = new_ticket(&s, org, contact, "P3", when).await;
    run(&s, id, Actor::System, register(), when).await;
    let t0 = at(when);
    let (m, attempts) = s
        .claim_outbox(t0)
        .await
        .unwrap()
        .expect("the acknowledgment");
    assert_eq!((m.kind.as_str(), attempts), ("registered", 1));
    // Claimed: another node finds nothing to send.
    let other = match s.backend() {
        reglament_store::Backend::Postgres => s.clone_as_new_node().await.unwrap(),
        reglament_store::Backend::Sqlite => s.clone(),
    };
    assert!(other.claim_outbox(t0).await.unwrap().is_none());
    // A refused try waits a minute, then is claimed again.
    s.outbox_failed(m.id, attempts, "421 try later", false, t0)
        .await
        .unwrap();
    assert!(
        s.claim_outbox(t0 + jiff::SignedDuration::from_secs(30))
            .await
            .unwrap()
            .is_none()
    );
    let (again, attempts) = s
        .claim_outbox(t0 + jiff::SignedDuration::from_secs(61))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, attempts), (m.id, 2));
    // Handed to the server, then the node dies before marking it sent: it is never sent again.
    s.outbox_sending(again.id, t0).await.unwrap();
    let later = t0 + jiff::SignedDuration::from_mins(10);
    assert!(s.claim_outbox(later).await.unwrap().is_none());
    let (failed, error): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT failed_at, last_error FROM outbox WHERE id = $1")
            .bind(m.id)
            .fetch_one(s.pool())
            .await
            .unwrap();
    assert!(failed.is_some());
    assert!(error.unwrap().contains("may have been delivered"));
}

async fn a_current_schema_is_left_alone_and_a_behind_one_is_migrated(s: Store) {
    // Migrated already by the harness: nothing to do, and nothing is done.
    s.migrate_if_behind().await.unwrap();
    let count = || async {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(s.pool())
            .await
            .unwrap();
        n
    };
    assert_eq!(count().await, MIGRATIONS);
    // A database whose record of one migration was altered is not current: the full run
    // notices the changed checksum and refuses, as `migrate` does.
    reglament_store::raw_execute(&s, "UPDATE _sqlx_migrations SET checksum = (SELECT checksum FROM _sqlx_migrations WHERE version = 1) WHERE version = 10")
        .await
        .unwrap();
    assert!(s.migrate_if_behind().await.is_err());
}

async fn migrations_apply_once_and_again_without_harm(s: Store) {
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(n, MIGRATIONS);
}

async fn a_database_migrated_before_the_embedded_migrations_is_carried_over(s: Store) {
    // The state an earlier version left: its own `schema_migrations`, no `_sqlx_migrations`.
    reglament_store::raw_execute(&s, "DROP TABLE _sqlx_migrations")
        .await
        .unwrap();
    reglament_store::raw_execute(&s, "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)").await.unwrap();
    for (v, name) in [(1, "initial"), (2, "settings"), (3, "queue order")] {
        reglament_store::raw_execute(
            &s,
            &format!("INSERT INTO schema_migrations VALUES ({v}, '{name}', 0)"),
        )
        .await
        .unwrap();
    }
    // That version knew migrations 1–3 only: what the later ones add is not there yet.
    for column in ["next_target", "next_warn"] {
        reglament_store::raw_execute(&s, &format!("ALTER TABLE tickets DROP COLUMN {column}"))
            .await
            .unwrap();
    }
    reglament_store::raw_execute(&s, "DROP TABLE inbound_copies")
        .await
        .unwrap();
    reglament_store::raw_execute(&s, "DROP INDEX clocks_started")
        .await
        .unwrap();
    for column in ["own_tickets_only", "contract_rate"] {
        reglament_store::raw_execute(
            &s,
            &format!("ALTER TABLE organizations DROP COLUMN {column}"),
        )
        .await
        .unwrap();
    }
    reglament_store::raw_execute(&s, "DROP TABLE inbound")
        .await
        .unwrap();
    for column in [
        "attempts",
        "claimed_until",
        "sending_at",
        "next_attempt_at",
        "last_error",
        "failed_at",
    ] {
        reglament_store::raw_execute(&s, &format!("ALTER TABLE outbox DROP COLUMN {column}"))
            .await
            .unwrap();
    }
    for column in ["active", "bounced"] {
        reglament_store::raw_execute(&s, &format!("ALTER TABLE contacts DROP COLUMN {column}"))
            .await
            .unwrap();
    }
    // An organization written by that version, with the columns it had.
    reglament_store::raw_execute(
        &s,
        "INSERT INTO organizations (id, name, products, created_at) VALUES (77, 'ООО «До обновления»', '[]', 0)",
    )
    .await
    .unwrap();
    let org = OrgId(77);
    // Applying the migrations again would fail on the existing tables; they are adopted instead,
    // and the later ones run.
    s.migrate().await.unwrap();
    s.migrate().await.unwrap();
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(n, MIGRATIONS);
    let carried = s.organization(org).await.unwrap();
    assert_eq!(carried.name, "ООО «До обновления»");
    assert!(!carried.own_tickets_only, "shared, as before");
}

async fn organizations_contacts_and_agents_round_trip(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Ромашка»", "Ivanov@Romashka.RU").await;
    let o = s.organization(org).await.unwrap();
    assert_eq!(
        (o.name.as_str(), o.tariff.as_deref()),
        ("ООО «Ромашка»", Some("Стандарт"))
    );
    let c = s
        .contact_by_email(&"ivanov@romashka.ru".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(c.id, contact);
    assert_eq!(c.full_name, "Иванов Иван Иванович");
    assert!(c.trusted && !c.owner);
    assert_eq!(s.contacts(org).await.unwrap().len(), 1);
    let a = s
        .create_agent(&NewAgent {
            full_name: "Рудаков А.".into(),
            email: "rudakov@support.ru".parse().unwrap(),
            role: Role::Agent,
            line: Some("L1".into()),
        })
        .await
        .unwrap();
    let agent = s.agent(a).await.unwrap();
    assert_eq!(
        (agent.role, agent.line.as_deref(), agent.active),
        (Role::Agent, Some("L1"), true)
    );
    assert_eq!(s.organization(OrgId(999)).await, Err(StoreError::NotFound));
}

async fn a_taken_email_is_a_conflict_that_names_it(s: Store) {
    let (org, _) = org_with_contact(&s, "ООО «Ромашка»", "a@romashka.ru").await;
    let again = s
        .create_contact(&NewContact {
            organization: org,
            full_name: "Петров".into(),
            position: None,
            phone: None,
            email: "A@romashka.ru".parse().unwrap(),
            trusted: false,
            owner: false,
        })
        .await;
    assert_eq!(
        again,
        Err(StoreError::Conflict(Conflict::ContactEmailTaken))
    );
    let missing_org = s
        .create_contact(&NewContact {
            organization: OrgId(77),
            full_name: "Никто".into(),
            position: None,
            phone: None,
            email: "b@romashka.ru".parse().unwrap(),
            trusted: false,
            owner: false,
        })
        .await;
    assert_eq!(missing_org, Err(StoreError::NotFound));
}

async fn a_ticket_is_created_registered_and_journaled_with_its_clocks(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Ромашка»", "a@romashka.ru").await;
    let id = new_ticket(&s, org, contact, "P1", "2026-11-23T10:00:00+03:00").await;
    let v = s.ticket(id, Viewer::Staff).await.unwrap();
    assert_eq!(v.ticket.status, "new");
    let reg_clock = v
        .clocks
        .iter()
        .find(|c| c.target == "registration")
        .unwrap();
    assert_eq!(
        (reg_clock.state.as_str(), reg_clock.due),
        ("running", Some(at("2026-11-23T13:00:00+03:00")))
    );
    run(
        &s,
        id,
        Actor::System,
        register(),
        "2026-11-23T10:30:00+03:00",
    )
    .await;
    let v = s.ticket(id, Viewer::Staff).await.unwrap();
    assert_eq!(
        v.ticket.number.as_ref().map(|n| n.as_str()),
        Some("2026-00001")
    );
    let clock = |t: &str| v.clocks.iter().find(|c| c.target == t).unwrap().clone();
    assert_eq!(clock("registration").state, "met");
    assert_eq!(
        clock("resolution").due,
        Some(at("2026-11-23T14:30:00+03:00"))
    );
    assert_eq!(
        clock("resolution").warn_at,
        Some(at("2026-11-23T13:30:00+03:00"))
    );
    let journal = s.journal(id, Viewer::Staff).await.unwrap();
    assert_eq!(journal.len(), 2);
    assert!(matches!(journal[1].event, TicketEvent::Registered { .. }));
}

async fn registration_notifies_the_customer_in_the_same_transaction(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Ромашка»", "a@romashka.ru").await;
    let id = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    run(
        &s,
        id,
        Actor::System,
        register(),
        "2026-11-23T10:30:00+03:00",
    )
    .await;
    let out = s.pending_outbox(10).await.unwrap();
    assert_eq!(out.len(), 1, "{out:?}");
    assert_eq!(out[0].kind, "registered");
    assert_eq!(out[0].recipient, format!("contact:{}", contact.0));
    assert_eq!(out[0].payload["number"], "2026-00001");
    assert_eq!(out[0].payload["priority"], "Обычный");
    assert_eq!(
        out[0].payload["deadlines"][0]["due"],
        "2026-11-30T07:30:00Z"
    );
}

async fn timers_follow_the_clocks_and_completion_schedules_auto_close(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «Ромашка»", "a@romashka.ru").await;
    let id = new_ticket(&s, org, contact, "P1", "2026-11-23T10:00:00+03:00").await;
    run(
        &s,
        id,
        Actor::System,
        register(),
        "2026-11-23T10:00:00+03:00",
    )
    .await;
    let jobs = s.pending_jobs(id).await.unwrap();
    let kinds: Vec<(&str, Timestamp)> = jobs.iter().map(|j| (j.kind.as_str(), j.due_at)).collect();
    assert_eq!(
        kinds,
        vec![
            ("warn", at("2026-11-23T13:00:00+03:00")),
            ("breach", at("2026-11-23T14:00:00+03:00"))
        ]
    );
    run(
        &s,
        id,
        AGENT,
        Command::Assign { agent: AgentId(1) },
        "2026-11-23T10:10:00+03:00",
    )
    .await;
    run(
        &s,
        id,
        AGENT,
        Command::SetStatus {
            status: "completed".into(),
            reason: None,
        },
        "2026-11-23T12:00:00+03:00",
    )
    .await;
    let jobs = s.pending_jobs(id).await.unwrap();
    let kinds: Vec<(&str, Timestamp)> = jobs.iter().map(|j| (j.kind.as_str(), j.due_at)).collect();
    assert_eq!(kinds, vec![("auto_close", at("2026-11-24T12:00:00+03:00"))]);
}

async fn a_customer_sees_only_their_organizations_tickets(s: Store) {
    let (org_a, contact_a) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let (org_b, contact_b) = org_with_contact(&s, "ООО «Б»", "b@b.ru").await;
    let ta = new_ticket(&s, org_a, contact_a, "P3", "2026-11-23T10:00:00+03:00").await;
    let tb = new_ticket(&s, org_b, contact_b, "P3", "2026-11-23T10:05:00+03:00").await;
    assert!(s.ticket(ta, Viewer::Customer(org_a)).await.is_ok());
    // Another organization's ticket answers exactly like a missing one.
    assert_eq!(
        s.ticket(tb, Viewer::Customer(org_a)).await.unwrap_err(),
        StoreError::NotFound
    );
    assert_eq!(
        s.ticket(TicketId(9999), Viewer::Customer(org_a))
            .await
            .unwrap_err(),
        StoreError::NotFound
    );
    assert_eq!(
        s.journal(tb, Viewer::Customer(org_a)).await.unwrap_err(),
        StoreError::NotFound
    );
    let cmd = s
        .execute(
            &reg(),
            tb,
            Actor::Contact(contact_a),
            Viewer::Customer(org_a),
            Command::Confirm,
            &TicketNumberFormat::default(),
            at("2026-11-23T11:00:00+03:00"),
        )
        .await;
    assert_eq!(cmd, Err(StoreError::NotFound));
    let mine = s
        .queue(&QueueFilter::default(), Viewer::Customer(org_a))
        .await
        .unwrap();
    assert_eq!(mine.iter().map(|q| q.id).collect::<Vec<_>>(), vec![ta]);
    // Asking for the other organization does not widen a customer's view.
    let sneaky = QueueFilter {
        organization: Some(org_b),
        ..Default::default()
    };
    let mine = s.queue(&sneaky, Viewer::Customer(org_a)).await.unwrap();
    assert_eq!(mine.iter().map(|q| q.id).collect::<Vec<_>>(), vec![ta]);
    assert_eq!(
        s.queue(&QueueFilter::default(), Viewer::Staff)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn in_an_own_tickets_only_organization_a_contact_sees_only_what_they_filed_and_the_owner_all(
    s: Store,
) {
    let (org, first) = org_with_contact(&s, "ООО «Свои»", "first@own.ru").await;
    let contact = |email: &str, owner: bool| NewContact {
        organization: org,
        full_name: "Петров Пётр".into(),
        position: None,
        phone: None,
        email: email.parse().unwrap(),
        trusted: true,
        owner,
    };
    let second = s
        .create_contact(&contact("second@own.ru", false))
        .await
        .unwrap();
    let owner = s
        .create_contact(&contact("boss@own.ru", true))
        .await
        .unwrap();
    let mine = new_ticket(&s, org, first, "P3", "2026-11-23T10:00:00+03:00").await;
    let theirs = new_ticket(&s, org, second, "P3", "2026-11-23T10:05:00+03:00").await;
    let ids =
        |q: Vec<reglament_store::tickets::QueueItem>| q.iter().map(|i| i.id).collect::<Vec<_>>();
    let queue = async |v| ids(s.queue(&QueueFilter::default(), v).await.unwrap());
    // By default the organization shares its tickets among its contacts.
    assert_eq!(queue(Viewer::Contact(org, first)).await, vec![mine, theirs]);
    let mut o = s.organization(org).await.unwrap();
    o.own_tickets_only = true;
    let update = NewOrganization {
        name: o.name.clone(),
        tariff: o.tariff.clone(),
        own_tickets_only: true,
        ..Default::default()
    };
    s.update_organization(org, &update).await.unwrap();
    assert_eq!(s.organization(org).await.unwrap(), o);
    assert_eq!(queue(Viewer::Contact(org, first)).await, vec![mine]);
    assert_eq!(queue(Viewer::Contact(org, second)).await, vec![theirs]);
    assert_eq!(queue(Viewer::Contact(org, owner)).await, vec![mine, theirs]);
    // A colleague's ticket answers like a missing one, by id and by number, and takes no
    // command.
    assert_eq!(
        s.ticket(theirs, Viewer::Contact(org, first))
            .await
            .unwrap_err(),
        StoreError::NotFound
    );
    assert!(s.ticket(theirs, Viewer::Contact(org, owner)).await.is_ok());
    let cmd = s
        .execute(
            &reg(),
            theirs,
            Actor::Contact(first),
            Viewer::Contact(org, first),
            Command::Confirm,
            &TicketNumberFormat::default(),
            at("2026-11-23T11:00:00+03:00"),
        )
        .await;
    assert_eq!(cmd, Err(StoreError::NotFound));
    // The search finds the colleague's ticket for the owner only.
    let found = async |v| ids(s.search("Проблема", v, 50, 0).await.unwrap());
    assert_eq!(found(Viewer::Contact(org, first)).await, vec![mine]);
    assert_eq!(found(Viewer::Contact(org, owner)).await, vec![theirs, mine]);
    // A contact of another organization sees nothing of it, whatever it names.
    let (other_org, stranger) = org_with_contact(&s, "ООО «Чужие»", "x@other.ru").await;
    assert_eq!(
        s.ticket(mine, Viewer::Contact(other_org, stranger))
            .await
            .unwrap_err(),
        StoreError::NotFound
    );
    assert_eq!(
        s.ticket(mine, Viewer::Contact(org, stranger))
            .await
            .unwrap_err(),
        StoreError::NotFound,
        "a contact named with the wrong organization sees only their own"
    );
}

async fn the_queue_puts_critical_tickets_first_then_the_nearest_deadline(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let early_normal = new_ticket(&s, org, contact, "P3", "2026-11-23T09:00:00+03:00").await;
    let late_normal = new_ticket(&s, org, contact, "P3", "2026-11-23T09:30:00+03:00").await;
    let critical = new_ticket(&s, org, contact, "P1", "2026-11-23T10:00:00+03:00").await;
    for (id, when) in [
        (early_normal, "2026-11-23T11:00:00+03:00"),
        (late_normal, "2026-11-23T10:00:00+03:00"),
        (critical, "2026-11-23T10:05:00+03:00"),
    ] {
        run(&s, id, Actor::System, register(), when).await;
    }
    let q = s
        .queue(&QueueFilter::default(), Viewer::Staff)
        .await
        .unwrap();
    // The critical one first; then the normal ones by deadline: registered at 10:00 is due
    // before the one registered at 11:00, although it arrived later.
    assert_eq!(
        q.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![critical, late_normal, early_normal]
    );
    assert!(q[0].out_of_turn);
    let page = s
        .queue(
            &QueueFilter {
                limit: Some(1),
                offset: Some(1),
                ..Default::default()
            },
            Viewer::Staff,
        )
        .await
        .unwrap();
    assert_eq!(
        page.iter().map(|i| i.id).collect::<Vec<_>>(),
        vec![late_normal]
    );
}

async fn a_refused_command_writes_nothing(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let id = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    let refused = s
        .execute(
            &reg(),
            id,
            AGENT,
            Viewer::Staff,
            Command::SetStatus {
                status: "completed".into(),
                reason: None,
            },
            &TicketNumberFormat::default(),
            at("2026-11-23T10:30:00+03:00"),
        )
        .await;
    assert_eq!(
        refused,
        Err(StoreError::Refused(DomainError::Transition {
            from: "new".into(),
            to: "completed".into()
        }))
    );
    assert_eq!(s.journal(id, Viewer::Staff).await.unwrap().len(), 1);
    assert!(s.pending_outbox(10).await.unwrap().is_empty());
}

async fn ticket_numbers_count_up_per_year(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let mut numbers = Vec::new();
    for when in [
        "2026-12-30T10:00:00+03:00",
        "2026-12-30T11:00:00+03:00",
        "2027-01-11T10:00:00+03:00",
    ] {
        let id = new_ticket(&s, org, contact, "P3", when).await;
        run(&s, id, Actor::System, register(), when).await;
        numbers.push(
            s.ticket(id, Viewer::Staff)
                .await
                .unwrap()
                .ticket
                .number
                .unwrap()
                .as_str()
                .to_string(),
        );
    }
    assert_eq!(numbers, ["2026-00001", "2026-00002", "2027-00001"]);
}

#[tokio::test]
async fn an_unreachable_database_is_reported_as_unavailable() {
    let r = Store::connect("postgres://postgres:secret@127.0.0.1:1/none").await;
    match r {
        Err(StoreError::Unavailable(m)) => assert!(!m.contains("secret"), "{m}"),
        other => panic!("{other:?}"),
    }
    let r = Store::connect("mysql://x").await;
    assert!(
        matches!(r, Err(StoreError::Other(m)) if m.contains("expected `sqlite:PATH` or `postgres://…`"))
    );
}

#[test]
fn passwords_are_redacted_from_urls() {
    assert_eq!(
        reglament_store::redact("postgres://u:p4ss@h:5432/db"),
        "postgres://u:***@h:5432/db"
    );
    assert_eq!(reglament_store::redact("sqlite:./x.db"), "sqlite:./x.db");
}

async fn auto_close_fires_at_its_time_and_only_once(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let id = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    run(
        &s,
        id,
        Actor::System,
        register(),
        "2026-11-23T10:00:00+03:00",
    )
    .await;
    run(
        &s,
        id,
        AGENT,
        Command::Assign { agent: AgentId(1) },
        "2026-11-23T10:00:00+03:00",
    )
    .await;
    run(
        &s,
        id,
        AGENT,
        Command::SetStatus {
            status: "completed".into(),
            reason: None,
        },
        "2026-11-23T12:00:00+03:00",
    )
    .await;
    let r = reg();
    assert_eq!(
        s.next_job_due().await.unwrap(),
        Some(at("2026-11-24T12:00:00+03:00"))
    );
    assert_eq!(
        s.run_due_job(&r, at("2026-11-24T11:59:59+03:00"))
            .await
            .unwrap(),
        None
    );
    let fired = s
        .run_due_job(&r, at("2026-11-24T12:00:00+03:00"))
        .await
        .unwrap();
    assert!(
        matches!(fired, Some(JobOutcome::Fired(ref j)) if j.kind == "auto_close"),
        "{fired:?}"
    );
    let t = s.ticket(id, Viewer::Staff).await.unwrap().ticket;
    assert_eq!(
        (t.status.as_str(), t.closed_at),
        ("closed", Some(at("2026-11-24T12:00:00+03:00")))
    );
    let last = s.journal(id, Viewer::Staff).await.unwrap().pop().unwrap();
    assert_eq!(last.actor, Actor::System);
    assert_eq!(
        s.run_due_job(&r, at("2026-11-30T12:00:00+03:00"))
            .await
            .unwrap(),
        None
    );
}

async fn a_warning_goes_to_the_assignee_and_an_obsolete_timer_fires_nothing(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let r = reg();
    let id = new_ticket(&s, org, contact, "P1", "2026-11-23T10:00:00+03:00").await;
    run(
        &s,
        id,
        Actor::System,
        register(),
        "2026-11-23T10:00:00+03:00",
    )
    .await;
    run(
        &s,
        id,
        AGENT,
        Command::Assign { agent: AgentId(1) },
        "2026-11-23T10:00:00+03:00",
    )
    .await;
    let before = s.pending_outbox(100).await.unwrap().len();
    // Warning at 13:00 (one working hour before 14:00).
    let fired = s
        .run_due_job(&r, at("2026-11-23T13:00:00+03:00"))
        .await
        .unwrap();
    assert!(
        matches!(fired, Some(JobOutcome::Fired(ref j)) if j.kind == "warn"),
        "{fired:?}"
    );
    let out = s.pending_outbox(100).await.unwrap();
    assert_eq!(out.len(), before + 1);
    let w = out.last().unwrap();
    assert_eq!((w.kind.as_str(), w.recipient.as_str()), ("warn", "agent:1"));
    assert_eq!(w.payload["title"], "Решение");
    // Completed before the breach: the breach timer is gone, nothing else fires.
    run(
        &s,
        id,
        AGENT,
        Command::SetStatus {
            status: "completed".into(),
            reason: None,
        },
        "2026-11-23T13:30:00+03:00",
    )
    .await;
    let kinds: Vec<String> = s
        .pending_jobs(id)
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.kind)
        .collect();
    assert_eq!(kinds, vec!["auto_close".to_string()]);
}

async fn two_nodes_draining_the_same_timers_fire_each_exactly_once(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let mut tickets = Vec::new();
    for i in 0..12 {
        let id = new_ticket(&s, org, contact, "P1", "2026-11-23T10:00:00+03:00").await;
        run(
            &s,
            id,
            Actor::System,
            register(),
            &format!("2026-11-23T10:{:02}:00+03:00", i),
        )
        .await;
        tickets.push(id);
    }
    // A second node: an independent pool on the same database.
    let other = s.clone_as_new_node().await.unwrap();
    let r = reg();
    let now = at("2026-11-24T12:00:00+03:00");
    let drain = |store: Store, r: Regulation| async move {
        let mut fired = Vec::new();
        while let Some(out) = store.run_due_job(&r, now).await.unwrap() {
            if let JobOutcome::Fired(j) = out {
                fired.push(j.id);
            }
        }
        fired
    };
    let (a, b) = tokio::join!(drain(s.clone(), r.clone()), drain(other, r.clone()));
    let mut all: Vec<i64> = a.iter().chain(&b).copied().collect();
    let total = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), total, "a job fired twice");
    // Each ticket had a warning and a breach timer, both due by `now`.
    assert_eq!(total, tickets.len() * 2);
    let (undone,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(undone, 0);
    let out = s.pending_outbox(1000).await.unwrap();
    let timer_messages = out
        .iter()
        .filter(|m| m.kind == "warn" || m.kind == "breach")
        .count();
    assert_eq!(timer_messages, total);
}

async fn passwords_sessions_and_tokens_authenticate_the_right_principal(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "client@a.ru").await;
    let agent = s
        .create_agent(&NewAgent {
            full_name: "Админ".into(),
            email: "admin@support.ru".parse().unwrap(),
            role: Role::Admin,
            line: None,
        })
        .await
        .unwrap();
    let pw = Secret::new("correct horse battery staple");
    let hash = tokio::task::spawn_blocking({
        let pw = pw.clone();
        move || accounts::hash_password(&pw)
    })
    .await
    .unwrap()
    .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    s.set_agent_password(agent, &hash, None).await.unwrap();
    s.set_contact_password(contact, &hash, None).await.unwrap();
    let (who, stored) = s
        .credentials(&"ADMIN@support.ru".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(who, Principal::Agent(agent, Role::Admin));
    assert!(accounts::verify_password(&pw, &stored));
    assert!(!accounts::verify_password(&Secret::new("wrong"), &stored));
    let (who, _) = s
        .credentials(&"client@a.ru".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(who, Principal::Contact(contact, org));
    assert_eq!(
        s.credentials(&"nobody@a.ru".parse().unwrap())
            .await
            .unwrap_err(),
        StoreError::NotFound
    );

    let now = at("2026-11-23T10:00:00+03:00");
    let (token, session) = s
        .create_session(who, now, jiff::SignedDuration::from_hours(8))
        .await
        .unwrap();
    let back = s.session(&token, now).await.unwrap();
    assert_eq!(back.principal, Principal::Contact(contact, org));
    assert_eq!(back.csrf, session.csrf);
    assert_eq!(
        s.session(&token, at("2026-11-23T18:00:01+03:00"))
            .await
            .unwrap_err(),
        StoreError::NotFound,
        "expired"
    );
    assert_eq!(
        s.session(&Secret::new("forged"), now).await.unwrap_err(),
        StoreError::NotFound
    );
    s.end_session(&token).await.unwrap();
    assert_eq!(
        s.session(&token, now).await.unwrap_err(),
        StoreError::NotFound
    );

    let (id, api) = s.create_api_token("ci", Role::Admin, now).await.unwrap();
    assert_eq!(
        s.api_token(&api).await.unwrap(),
        Principal::Token(reglament_domain::TokenId(id), Role::Admin)
    );
    s.revoke_api_token(id, now).await.unwrap();
    assert_eq!(s.api_token(&api).await.unwrap_err(), StoreError::NotFound);
    assert_eq!(format!("{api:?}"), "Secret(***)");
    // Only hashes are stored.
    let (stored_hash,): (String,) =
        sqlx::query_as("SELECT token_hash FROM api_tokens WHERE id = $1")
            .bind(id)
            .fetch_one(s.pool())
            .await
            .unwrap();
    assert_ne!(stored_hash, api.expose());
}

async fn concurrent_writers_all_succeed_with_unique_numbers(s: Store) {
    // Regression: SQLite failed read-then-write transactions with "database is locked", and
    // PostgreSQL raced on the first use of a counter.
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let mut tasks = Vec::new();
    for w in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut numbers = Vec::new();
            for i in 0..6 {
                let when = format!("2026-11-23T10:{:02}:{:02}+03:00", w, i);
                let id = new_ticket(&s, org, contact, "P3", &when).await;
                run(&s, id, Actor::System, register(), &when).await;
                numbers.push(
                    s.ticket(id, Viewer::Staff)
                        .await
                        .unwrap()
                        .ticket
                        .number
                        .unwrap()
                        .as_str()
                        .to_string(),
                );
            }
            numbers
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!((all.len(), n), (48, 48));
    assert_eq!(all.first().map(String::as_str), Some("2026-00001"));
    assert_eq!(all.last().map(String::as_str), Some("2026-00048"));
}

async fn journal_events(s: &Store, id: TicketId) -> Vec<TicketEvent> {
    s.journal(id, Viewer::Staff)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect()
}

async fn a_split_registers_a_new_linked_ticket_with_the_originals_facts(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let id = new_ticket(&s, org, contact, "P1", "2026-11-23T10:00:00+03:00").await;
    run(&s, id, AGENT, register(), "2026-11-23T10:05:00+03:00").await;
    let new = s
        .split(
            &reg(),
            id,
            "Вторая проблема из письма".into(),
            "Не приходят уведомления".into(),
            AGENT,
            Viewer::Staff,
            &TicketNumberFormat::default(),
            at("2026-11-23T10:30:00+03:00"),
        )
        .await
        .unwrap();
    let v = s.ticket(new, Viewer::Staff).await.unwrap();
    assert_eq!(v.ticket.subject, "Вторая проблема из письма");
    assert_eq!(v.ticket.description, "Не приходят уведомления");
    assert_eq!(v.ticket.organization, Some(org));
    assert_eq!(v.ticket.contact, Some(contact));
    assert_eq!(v.ticket.priority.as_deref(), Some("P1"));
    assert_eq!(v.ticket.status, "registered");
    assert_eq!(
        v.ticket.number.as_ref().map(|n| n.as_str().to_string()),
        Some("2026-00002".into())
    );
    assert_eq!(v.ticket.links, vec![(id, Relation::SplitFrom)]);
    // The new ticket's resolution clock starts at the split, not at the original's arrival.
    let resolution = v.clocks.iter().find(|c| c.target == "resolution").unwrap();
    assert_eq!(resolution.due, Some(at("2026-11-23T14:30:00+03:00")));
    let original = s.ticket(id, Viewer::Staff).await.unwrap();
    assert_eq!(original.ticket.links, vec![(new, Relation::SplitInto)]);
    assert_eq!(original.ticket.status, "registered");
    // The customer hears about the new ticket's number like any registration.
    let outbox = s.pending_outbox(10).await.unwrap();
    assert!(
        outbox
            .iter()
            .any(|m| m.ticket == Some(new) && m.kind == "registered"),
        "{outbox:?}"
    );
    // A customer may not split.
    let err = s
        .split(
            &reg(),
            id,
            "x".into(),
            String::new(),
            Actor::Contact(contact),
            Viewer::Customer(org),
            &TicketNumberFormat::default(),
            at("2026-11-23T10:40:00+03:00"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Refused(DomainError::Forbidden {
            id: "domain-staff-only",
            action: "link",
            text: "only support staff may link tickets".into()
        })
    );
    assert_eq!(
        s.queue(&QueueFilter::default(), Viewer::Staff)
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn a_merged_duplicate_closes_and_both_tickets_record_the_merge(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let main = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    let dup = new_ticket(&s, org, contact, "P3", "2026-11-23T10:01:00+03:00").await;
    for id in [main, dup] {
        run(&s, id, AGENT, register(), "2026-11-23T10:05:00+03:00").await;
    }
    s.merge(
        &reg(),
        dup,
        main,
        AGENT,
        Viewer::Staff,
        at("2026-11-23T10:10:00+03:00"),
    )
    .await
    .unwrap();
    let d = s.ticket(dup, Viewer::Staff).await.unwrap();
    assert_eq!(d.ticket.status, "closed");
    assert_eq!(d.ticket.links, vec![(main, Relation::MergedInto)]);
    assert!(
        d.clocks.iter().all(|c| c.state != "running"),
        "{:?}",
        d.clocks
    );
    assert!(s.pending_jobs(dup).await.unwrap().is_empty());
    let m = s.ticket(main, Viewer::Staff).await.unwrap();
    assert_eq!(m.ticket.status, "registered");
    assert_eq!(m.ticket.links, vec![(dup, Relation::MergedFrom)]);
    let open: Vec<TicketId> = s
        .queue(&QueueFilter::default(), Viewer::Staff)
        .await
        .unwrap()
        .iter()
        .map(|q| q.id)
        .collect();
    assert_eq!(open, vec![main]);
    // Merging again is refused: the duplicate is finished.
    let again = s
        .merge(
            &reg(),
            dup,
            main,
            AGENT,
            Viewer::Staff,
            at("2026-11-23T10:20:00+03:00"),
        )
        .await
        .unwrap_err();
    assert_eq!(
        again,
        StoreError::Refused(DomainError::Rule {
            id: "domain-already-linked",
            args: vec![("id", dup.0.to_string())],
            text: format!("already linked to ticket {}", dup.0),
            state: true,
        })
    );
}

async fn merging_across_organizations_or_into_a_closed_ticket_is_refused_and_writes_nothing(
    s: Store,
) {
    let (org_a, contact_a) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let (org_b, contact_b) = org_with_contact(&s, "ООО «Б»", "b@b.ru").await;
    let a = new_ticket(&s, org_a, contact_a, "P3", "2026-11-23T10:00:00+03:00").await;
    let b = new_ticket(&s, org_b, contact_b, "P3", "2026-11-23T10:00:00+03:00").await;
    let a2 = new_ticket(&s, org_a, contact_a, "P3", "2026-11-23T10:00:00+03:00").await;
    let when = at("2026-11-23T10:10:00+03:00");
    let err = s
        .merge(&reg(), b, a, AGENT, Viewer::Staff, when)
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Conflict(Conflict::OtherOrganization));
    let err = s
        .merge(&reg(), a, a, AGENT, Viewer::Staff, when)
        .await
        .unwrap_err();
    assert!(err == StoreError::Conflict(Conflict::SameTicket), "{err:?}");
    // Close `a`, then try to merge `a2` into it: refused, and `a2` is untouched.
    run(&s, a, AGENT, register(), "2026-11-23T10:01:00+03:00").await;
    run(
        &s,
        a,
        AGENT,
        Command::SetStatus {
            status: "completed".into(),
            reason: None,
        },
        "2026-11-23T10:02:00+03:00",
    )
    .await;
    run(
        &s,
        a,
        Actor::Contact(contact_a),
        Command::Confirm,
        "2026-11-23T10:03:00+03:00",
    )
    .await;
    let before = journal_events(&s, a2).await;
    let err = s
        .merge(&reg(), a2, a, AGENT, Viewer::Staff, when)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Refused(DomainError::Rule {
            id: "domain-finished",
            args: vec![("status", "closed".into())],
            text: "ticket in status `closed` is finished; split or merge only open tickets".into(),
            state: true,
        })
    );
    assert_eq!(journal_events(&s, a2).await, before);
    assert_eq!(
        s.ticket(a2, Viewer::Staff).await.unwrap().ticket.status,
        "new"
    );
    // A customer cannot merge, and cannot even name another organization's ticket.
    let err = s
        .merge(
            &reg(),
            a2,
            b,
            Actor::Contact(contact_a),
            Viewer::Customer(org_a),
            when,
        )
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::NotFound);
}

async fn links_are_recorded_on_both_tickets(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let a = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    let b = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    let when = at("2026-11-23T10:10:00+03:00");
    s.link(
        &reg(),
        a,
        b,
        Relation::FollowUpOf,
        AGENT,
        Viewer::Staff,
        when,
    )
    .await
    .unwrap();
    assert_eq!(
        s.ticket(a, Viewer::Staff).await.unwrap().ticket.links,
        vec![(b, Relation::FollowUpOf)]
    );
    assert_eq!(
        s.ticket(b, Viewer::Staff).await.unwrap().ticket.links,
        vec![(a, Relation::FollowedUpBy)]
    );
    let err = s
        .link(&reg(), b, a, Relation::Related, AGENT, Viewer::Staff, when)
        .await
        .unwrap_err();
    assert_eq!(
        err,
        StoreError::Refused(DomainError::Rule {
            id: "domain-already-linked",
            args: vec![("id", a.0.to_string())],
            text: format!("already linked to ticket {}", a.0),
            state: true,
        })
    );
    let err = s
        .link(
            &reg(),
            a,
            TicketId(999),
            Relation::Related,
            AGENT,
            Viewer::Staff,
            when,
        )
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::NotFound);
}

fn file(name: &str, size: usize) -> reglament_store::tickets::NewFile {
    reglament_store::tickets::NewFile {
        name: name.into(),
        content_type: "application/octet-stream".into(),
        data: (0..size).map(|i| (i % 251) as u8).collect(),
        detected: None,
    }
}

async fn accepted_attachments_are_stored_and_refused_ones_keep_the_ticket_with_a_reason(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let id = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    let customer = Actor::Contact(contact);
    let events = s
        .attach(
            &reg(),
            id,
            vec![
                file("screen.png", 300 * 1024),
                file("huge.png", 1024 * 1024 + 1),
                file("picture.bmp", 10),
                file("virus.exe", 10),
                file("log.txt", 900 * 1024),
                file("more.txt", 900 * 1024),
            ],
            customer,
            Viewer::Customer(org),
            at("2026-11-23T10:05:00+03:00"),
        )
        .await
        .unwrap();
    let verdicts: Vec<(String, Option<String>)> = events
        .iter()
        .map(|e| match e {
            TicketEvent::Attached { name, .. } => (name.clone(), None),
            TicketEvent::AttachmentRejected { name, reason, .. } => {
                (name.clone(), Some(reason.clone()))
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        verdicts,
        vec![
            ("screen.png".into(), None),
            (
                "huge.png".into(),
                Some("Файл «huge.png» больше допустимого размера 1 МБ".into())
            ),
            (
                "picture.bmp".into(),
                Some("Файлы .bmp принимаются только в архиве ZIP или RAR".into())
            ),
            (
                "virus.exe".into(),
                Some("Тип файла «virus.exe» не принимается; допустимы: png, txt, zip".into())
            ),
            ("log.txt".into(), None),
            (
                "more.txt".into(),
                Some(
                    "Файл «more.txt» не принят: вложения одного сообщения больше 2 МБ в сумме"
                        .into()
                )
            ),
        ]
    );
    let v = s.ticket(id, Viewer::Staff).await.unwrap();
    assert_eq!(
        v.ticket
            .attachments
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>(),
        vec!["screen.png", "log.txt"]
    );
    let screen = &v.ticket.attachments[0];
    let (meta, data) = s
        .attachment(id, screen.attachment, Viewer::Customer(org))
        .await
        .unwrap();
    assert_eq!(meta, *screen);
    assert_eq!(data, file("screen.png", 300 * 1024).data);
    // Every refusal reaches the sender with its reason.
    let refusals: Vec<_> = s
        .pending_outbox(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == "attachment_rejected")
        .collect();
    assert_eq!(refusals.len(), 4);
    assert!(
        refusals
            .iter()
            .all(|m| m.recipient == format!("contact:{}", contact.0))
    );
    assert_eq!(
        refusals[0].payload["reason"],
        "Файл «huge.png» больше допустимого размера 1 МБ"
    );
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attachments")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(n, 2);
}

async fn a_customer_cannot_fetch_another_organizations_attachment(s: Store) {
    let (org_a, contact_a) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let (org_b, _) = org_with_contact(&s, "ООО «Б»", "b@b.ru").await;
    let id = new_ticket(&s, org_a, contact_a, "P3", "2026-11-23T10:00:00+03:00").await;
    s.attach(
        &reg(),
        id,
        vec![file("a.png", 5)],
        AGENT,
        Viewer::Staff,
        at("2026-11-23T10:05:00+03:00"),
    )
    .await
    .unwrap();
    let att = s
        .ticket(id, Viewer::Staff)
        .await
        .unwrap()
        .ticket
        .attachments[0]
        .attachment;
    assert_eq!(
        s.attachment(id, att, Viewer::Customer(org_b))
            .await
            .unwrap_err(),
        StoreError::NotFound
    );
    assert_eq!(
        s.attachment(id, att + 1000, Viewer::Staff)
            .await
            .unwrap_err(),
        StoreError::NotFound
    );
    assert!(s.attachment(id, att, Viewer::Customer(org_a)).await.is_ok());
}

async fn a_changed_regulation_recomputes_open_tickets_clocks_without_touching_journals(s: Store) {
    let (org, contact) = org_with_contact(&s, "ООО «А»", "a@a.ru").await;
    let open = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    run(&s, open, AGENT, register(), "2026-11-23T10:00:00+03:00").await;
    let closed = new_ticket(&s, org, contact, "P3", "2026-11-23T10:00:00+03:00").await;
    run(&s, closed, AGENT, register(), "2026-11-23T10:00:00+03:00").await;
    run(
        &s,
        closed,
        AGENT,
        Command::SetStatus {
            status: "completed".into(),
            reason: None,
        },
        "2026-11-23T11:00:00+03:00",
    )
    .await;
    run(
        &s,
        closed,
        Actor::Contact(contact),
        Command::Confirm,
        "2026-11-23T11:30:00+03:00",
    )
    .await;
    let due = |v: &reglament_store::tickets::TicketView| {
        v.clocks
            .iter()
            .find(|c| c.target == "resolution")
            .and_then(|c| c.due)
    };
    let before = s.ticket(open, Viewer::Staff).await.unwrap();
    assert_eq!(due(&before), Some(at("2026-11-30T10:00:00+03:00")));
    let now = at("2026-11-23T12:00:00+03:00");
    // The first start records the fingerprint (and recomputes: nothing is known yet).
    assert_eq!(s.reproject_if_changed(&reg(), "v1", now).await.unwrap(), 1);
    assert_eq!(s.reproject_if_changed(&reg(), "v1", now).await.unwrap(), 0);
    // P3 now has two working days instead of five.
    let shorter =
        Regulation::parse(&REG.replace("P3 = \"5 working days\"", "P3 = \"2 working days\""))
            .unwrap();
    assert_eq!(
        s.reproject_if_changed(&shorter, "v2", now).await.unwrap(),
        1
    );
    let after = s.ticket(open, Viewer::Staff).await.unwrap();
    assert_eq!(due(&after), Some(at("2026-11-25T10:00:00+03:00")));
    assert_eq!(after.ticket, before.ticket);
    let breach = s
        .pending_jobs(open)
        .await
        .unwrap()
        .into_iter()
        .find(|j| j.kind == "breach")
        .unwrap();
    assert_eq!(breach.due_at, at("2026-11-25T10:00:00+03:00"));
    assert_eq!(s.journal(open, Viewer::Staff).await.unwrap().len(), 2);
    // The queue row follows too.
    let q = s
        .queue(&QueueFilter::default(), Viewer::Staff)
        .await
        .unwrap();
    assert_eq!(q[0].next_due, Some(at("2026-11-25T10:00:00+03:00")));
    // No notification is written by a recomputation.
    let registered = s.pending_outbox(100).await.unwrap().len();
    assert_eq!(s.reproject_if_changed(&reg(), "v3", now).await.unwrap(), 1);
    assert_eq!(s.pending_outbox(100).await.unwrap().len(), registered);
}
