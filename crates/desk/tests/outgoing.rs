//! Outgoing mail written from its templates, on SQLite and PostgreSQL: plain text and HTML,
//! the signed links of a completed ticket that confirm, object and rate without signing in,
//! an agent's reply with the history quoted once, and an admin's own templates.

use reglament_desk::{Acted, DeskCommand, DeskError, Lang, MailTemplates, Request, Sender};
use reglament_domain::{Principal, Role, TicketId};
use reglament_mail::Inbound;
use reglament_testkit::{Db, TestApp, on_both_databases};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

fn sender() -> Sender {
    Sender {
        address: "support@saveit.pro".into(),
        name: "Поддержка SaveIT".into(),
        site: Some("https://support.saveit.pro".into()),
    }
}

/// Every message in the outbox, sent, parsed back, with its HTML part.
async fn sent(app: &TestApp) -> Vec<(Vec<String>, Inbound, String)> {
    let mut out = Vec::new();
    while let Some(m) = app.desk.next_outgoing(&sender()).await.unwrap() {
        app.desk.outgoing_sent(m.outbox).await.unwrap();
        let raw = String::from_utf8_lossy(&m.raw).to_string();
        out.push((m.to.clone(), reglament_mail::parse(&m.raw).unwrap(), raw));
    }
    out
}

fn act_ok(a: Result<Acted, DeskError>) {
    if let Err(e) = a {
        panic!("refused: {e:?}");
    }
}

/// A ticket filed by a new customer, and the customer.
async fn filed(app: &TestApp, subject: &str) -> (Principal, TicketId) {
    let customer = app.as_customer(true, false).await.principal.unwrap();
    let t = app
        .desk
        .open_ticket(
            customer,
            Request::new(subject, "После обновления отчёт не выгружается"),
            Lang::Ru,
        )
        .await
        .unwrap();
    (customer, TicketId(t.id))
}

/// The address after `label: ` in a text.
fn link_after<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.strip_prefix(label)?.strip_prefix(": "))
        .unwrap_or_else(|| panic!("no `{label}` link in:\n{text}"))
}

async fn a_completed_ticket_mails_links_that_confirm_and_rate_it_as_its_contact_without_signing_in(
    db: Db,
) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let (customer, id) = filed(&app, "Отчёт <b>не</b> выгружается").await;
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    sent(&app).await;
    let done = DeskCommand::Status {
        status: "completed".into(),
        reason: None,
    };
    act_ok(app.desk.act(agent, id, done, Lang::Ru).await);
    let mail = sent(&app).await;
    let (_, completed, raw) = mail
        .iter()
        .find(|(_, m, _)| m.text.contains("Подтвердить выполнение"))
        .unwrap_or_else(|| panic!("no completion mail in {mail:?}"));
    let text = &completed.text;
    // Russian first, then English below the signature line, each with its links.
    let ru = text.find("Подтвердить выполнение").unwrap();
    let en = text.find("Confirm it is done").expect("the English part");
    assert!(ru < en && text[ru..en].contains("\n-- \n"), "{text}");
    let confirm = link_after(text, "Подтвердить выполнение");
    assert!(
        confirm.starts_with("https://support.saveit.pro/m/"),
        "{confirm}"
    );
    assert!(confirm.ends_with("?do=confirm"), "{confirm}");
    assert!(
        text.contains("Оценка 5 из 5: https://support.saveit.pro/m/"),
        "{text}"
    );
    // The HTML part escapes the subject and makes the links links.
    assert!(raw.contains("multipart/alternative"), "{raw}");
    let html = reglament_mail::parse(raw.as_bytes())
        .unwrap()
        .html
        .unwrap_or_default();
    assert!(html.contains("&lt;b&gt;не&lt;/b&gt;"), "{html}");
    assert!(!html.contains("<b>не</b>"), "{html}");
    assert!(
        html.contains("<a href=\"https://support.saveit.pro/m/"),
        "{html}"
    );

    // The link acts as the contact it was sent to, on that ticket.
    let token = confirm
        .strip_prefix("https://support.saveit.pro/m/")
        .unwrap()
        .strip_suffix("?do=confirm")
        .unwrap();
    let (who, ticket) = app.desk.open_mail_link(token).await.unwrap();
    assert_eq!((who, ticket), (customer, id));
    act_ok(
        app.desk
            .act(who, ticket, DeskCommand::Confirm, Lang::Ru)
            .await,
    );
    act_ok(
        app.desk
            .act(
                who,
                ticket,
                DeskCommand::Rate {
                    stars: 5,
                    comment: Some("Спасибо".into()),
                },
                Lang::Ru,
            )
            .await,
    );
    let view = app.desk.ticket(customer, id, Lang::Ru).await.unwrap();
    assert_eq!(view.status, "closed", "{view:?}");

    // An altered token opens nothing.
    let mut altered = token.to_string();
    altered.replace_range(0..1, if token.starts_with('M') { "N" } else { "M" });
    assert!(matches!(
        app.desk.open_mail_link(&altered).await,
        Err(DeskError::Forbidden(t)) if t.id() == "link-invalid"
    ));
    // Thirty-one days later the link has expired.
    let later = app.desk_at("2026-12-24T10:30:00+03:00");
    assert!(matches!(
        later.open_mail_link(token).await,
        Err(DeskError::Forbidden(t)) if t.id() == "link-expired"
    ));
}

async fn a_deactivated_contacts_mail_links_stop_working(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let (customer, id) = filed(&app, "Ошибка").await;
    let Principal::Contact(contact, _) = customer else {
        unreachable!()
    };
    let token = app.desk.mail_link(id, contact).await.unwrap();
    assert!(app.desk.open_mail_link(&token).await.is_ok());
    let admin = app.as_agent(Role::Admin, None).await.principal.unwrap();
    app.desk
        .update_contact(
            admin,
            contact,
            reglament_desk::AccountChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        app.desk.open_mail_link(&token).await,
        Err(DeskError::Forbidden(t)) if t.id() == "link-contact-gone"
    ));
}

async fn an_agents_reply_is_written_once_with_the_history_quoted_below_it(db: Db) {
    let app = TestApp::spawn(db, SAVEIT).await;
    let (_, id) = filed(&app, "Отчёт").await;
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    sent(&app).await;
    let reply = DeskCommand::Reply {
        body: "Исправили, проверьте, пожалуйста.".into(),
        public: true,
    };
    act_ok(app.desk.act(agent, id, reply, Lang::Ru).await);
    let mail = sent(&app).await;
    let (_, m, _) = mail
        .iter()
        .find(|(_, m, _)| m.text.contains("Исправили"))
        .expect("the reply");
    assert_eq!(m.text.matches("Исправили").count(), 1, "{}", m.text);
    assert!(
        m.text.contains("> После обновления отчёт не выгружается"),
        "{}",
        m.text
    );
    assert!(m.text.starts_with("Исправили"), "{}", m.text);
    // A person's reply, not an automatic message.
    assert_eq!(m.automatic, None);
}

async fn an_admins_templates_replace_the_built_in_ones_and_a_broken_one_fails_only_its_message(
    db: Db,
) {
    let dir = std::env::temp_dir().join(format!(
        "reglament-templates-{}-{:?}",
        std::process::id(),
        db
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("registered.txt"),
        "Заявка {{ number }} принята. Тема: {{ subject }}\n\n-- \nTicket {{ number }} taken.\n",
    )
    .unwrap();
    // Compiles, but calls a filter on a value it cannot take when it renders.
    std::fs::write(dir.join("reply.txt"), "{{ body | quote(1, 2, 3) }}\n").unwrap();
    let templates = MailTemplates::from_dir(&dir).unwrap();
    let mut app = TestApp::spawn(db, SAVEIT).await;
    app.desk = app.desk.clone().with_mail_templates(templates);
    let (_, id) = filed(&app, "Своя тема").await;
    let agent = app.as_agent(Role::Agent, None).await.principal.unwrap();
    let reply = DeskCommand::Reply {
        body: "Ответ".into(),
        public: true,
    };
    act_ok(app.desk.act(agent, id, reply, Lang::Ru).await);
    let mail = sent(&app).await;
    let (_, ack, _) = &mail[0];
    assert!(ack.text.starts_with("Заявка 2026-"), "{}", ack.text);
    assert!(ack.text.contains("Тема: Своя тема"), "{}", ack.text);
    // The broken reply failed for good with the template's name; nothing else went.
    assert_eq!(mail.len(), 1, "{mail:?}");
    let failed: Vec<(String,)> =
        sqlx::query_as("SELECT last_error FROM outbox WHERE failed_at IS NOT NULL")
            .fetch_all(app.db.store.pool())
            .await
            .unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].0.contains("reply.txt"), "{failed:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

on_both_databases!(
    a_completed_ticket_mails_links_that_confirm_and_rate_it_as_its_contact_without_signing_in,
    a_deactivated_contacts_mail_links_stop_working,
    an_agents_reply_is_written_once_with_the_history_quoted_below_it,
    an_admins_templates_replace_the_built_in_ones_and_a_broken_one_fails_only_its_message,
);
