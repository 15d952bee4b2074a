//! Mail intake on both databases: a message opens a ticket for its sender or joins the ticket
//! it names or answers; a stranger, an unknown sender, spam and broken bytes wait in the
//! quarantine with a reason; automatic mail changes nothing; a message delivered twice is one.

use reglament_desk::{MailOutcome, OPERATOR};
use reglament_domain::{OrgId, Principal, TicketEvent, TicketId};
use reglament_testkit::{Db, TestApp, on_both_databases};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

/// Tuesday 24 November 2026, 11:00 Moscow time: inside every channel's hours.
const NOW: &str = "2026-11-24T11:00:00+03:00";

async fn app(db: Db) -> (TestApp, String) {
    let app = TestApp::spawn(db, SAVEIT).await.at(NOW);
    let (_, _, email) = app.contact_with_email().await;
    (app, email)
}

fn mail(from: &str, id: &str, subject: &str, extra: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Клиент <{from}>\r\nTo: support@saveit.pro\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

async fn replies(app: &TestApp, t: TicketId) -> Vec<String> {
    app.desk
        .ticket(
            Principal::Token(reglament_domain::TokenId(0), reglament_domain::Role::Admin),
            t,
            reglament_desk::Lang::Ru,
        )
        .await
        .unwrap()
        .journal
        .into_iter()
        .filter_map(|e| match e.event {
            TicketEvent::Replied { body, .. } => Some(body),
            _ => None,
        })
        .collect()
}

async fn a_customers_message_opens_a_ticket_once_and_its_replies_join_it(db: Db) {
    let (app, email) = app(db).await;
    let first = mail(
        &email,
        "m1@client.test",
        "Не выгружается отчёт",
        "",
        "Ошибка 500 при выгрузке.",
    );
    let MailOutcome::Opened { ticket, inbound } =
        app.desk.ingest_mail(&first, "pipe").await.unwrap()
    else {
        panic!("no ticket opened")
    };
    let view = app
        .desk
        .ticket(OPERATOR, ticket, reglament_desk::Lang::Ru)
        .await
        .unwrap();
    assert_eq!(view.channel, "email");
    assert_eq!(view.subject, "Не выгружается отчёт");
    assert_eq!(view.description, "Ошибка 500 при выгрузке.");
    // The same message again — a retry, a second mailbox — is the same message.
    assert_eq!(
        app.desk.ingest_mail(&first, "imap:support").await.unwrap(),
        MailOutcome::Duplicate { inbound }
    );
    let number = view.number.unwrap();
    // A reply naming the number joins, without its quoted history.
    let reply = mail(
        &email,
        "m2@client.test",
        &format!("Re: [Заявка #{number}] Не выгружается отчёт"),
        "",
        "Прикладываю журнал.\r\n\r\n> Ошибка 500 при выгрузке.",
    );
    assert!(matches!(
        app.desk.ingest_mail(&reply, "pipe").await.unwrap(),
        MailOutcome::Joined { ticket: t, .. } if t == ticket
    ));
    // A reply with no number finds its thread by what it answers.
    let threaded = mail(
        &email,
        "m3@client.test",
        "Re: отчёт",
        "In-Reply-To: <m2@client.test>\r\n",
        "Ещё одно уточнение.",
    );
    assert!(matches!(
        app.desk.ingest_mail(&threaded, "pipe").await.unwrap(),
        MailOutcome::Joined { ticket: t, .. } if t == ticket
    ));
    assert_eq!(
        replies(&app, ticket).await,
        vec![
            "Прикладываю журнал.".to_string(),
            "Ещё одно уточнение.".to_string()
        ]
    );
}

async fn a_stranger_quoting_a_number_is_held_and_writes_nothing(db: Db) {
    let (app, email) = app(db).await;
    let MailOutcome::Opened { ticket, .. } = app
        .desk
        .ingest_mail(
            &mail(&email, "a1@client.test", "Вопрос", "", "Текст"),
            "pipe",
        )
        .await
        .unwrap()
    else {
        panic!()
    };
    let number = app
        .desk
        .ticket(OPERATOR, ticket, reglament_desk::Lang::Ru)
        .await
        .unwrap()
        .number
        .unwrap();
    // A contact of another organization.
    let (other, contact) = app.organization_with_contact(true, false).await;
    let stranger = app
        .desk
        .contacts(OPERATOR, other)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == contact)
        .unwrap()
        .email
        .as_str()
        .to_string();
    let out = app
        .desk
        .ingest_mail(
            &mail(
                &stranger,
                "x1@other.test",
                &format!("Re: {number}"),
                "",
                "Чужой ответ",
            ),
            "pipe",
        )
        .await
        .unwrap();
    let MailOutcome::Quarantined { reason, .. } = out else {
        panic!("{out:?}")
    };
    assert!(
        reason
            .render(reglament_desk::Lang::Ru)
            .contains("другой организации")
    );
    assert!(replies(&app, ticket).await.is_empty());
    let _ = OrgId(0);
}

async fn unknown_senders_spam_and_broken_bytes_wait_in_the_quarantine(db: Db) {
    let (app, email) = app(db).await;
    let unknown = app
        .desk
        .ingest_mail(
            &mail(
                "nobody@nowhere.test",
                "u1@nowhere.test",
                "Помогите",
                "",
                "Текст",
            ),
            "pipe",
        )
        .await
        .unwrap();
    assert!(
        matches!(&unknown, MailOutcome::Quarantined { reason, .. } if reason.render(reglament_desk::Lang::Ru).contains("nobody@nowhere.test")),
        "{unknown:?}"
    );
    let spam = app
        .desk
        .ingest_mail(
            &mail(
                &email,
                "s1@client.test",
                "Выигрыш",
                "X-Spam-Flag: YES\r\n",
                "...",
            ),
            "pipe",
        )
        .await
        .unwrap();
    assert!(matches!(spam, MailOutcome::Quarantined { .. }), "{spam:?}");
    let broken = app
        .desk
        .ingest_mail(b"\x00\x01 not a message", "pipe")
        .await
        .unwrap();
    let MailOutcome::Quarantined { inbound, reason } = broken else {
        panic!("{broken:?}")
    };
    assert!(
        reason
            .render(reglament_desk::Lang::En)
            .contains("could not be read"),
        "{reason:?}"
    );
    // The raw bytes are kept for the agent.
    let _ = inbound;
    // An auto-reply opens nothing.
    let ooo = app
        .desk
        .ingest_mail(
            &mail(
                &email,
                "o1@client.test",
                "Автоответ: в отпуске",
                "Auto-Submitted: auto-replied\r\n",
                "Меня нет",
            ),
            "pipe",
        )
        .await
        .unwrap();
    assert!(matches!(ooo, MailOutcome::Ignored { .. }), "{ooo:?}");
    assert_eq!(app.desk.open_tickets().await.unwrap(), 0);
}

async fn an_unknown_sender_is_told_the_official_channels_at_most_three_times_a_day(db: Db) {
    let (app, email) = app(db).await;
    for i in 0..4 {
        let raw = mail(
            "stranger@nowhere.test",
            &format!("s{i}@nowhere.test"),
            "Помогите",
            "",
            "Текст",
        );
        assert!(matches!(
            app.desk.ingest_mail(&raw, "pipe").await.unwrap(),
            MailOutcome::Quarantined { .. }
        ));
    }
    // A refused message from a customer gets one answer listing every reason.
    let empty = mail(&email, "e1@client.test", "Без описания", "", "");
    assert!(matches!(
        app.desk.ingest_mail(&empty, "pipe").await.unwrap(),
        MailOutcome::Quarantined { .. }
    ));
    let sender = reglament_desk::Sender {
        address: "support@saveit.pro".into(),
        name: "Поддержка".into(),
        site: None,
    };
    let mut answers = Vec::new();
    while let Some(m) = app.desk.next_outgoing(&sender).await.unwrap() {
        app.desk.outgoing_sent(m.outbox).await.unwrap();
        answers.push((m.to.clone(), reglament_mail::parse(&m.raw).unwrap()));
    }
    let to_stranger: Vec<_> = answers
        .iter()
        .filter(|(to, _)| to == &vec!["stranger@nowhere.test".to_string()])
        .collect();
    assert_eq!(to_stranger.len(), 3, "{answers:?}");
    let first = &to_stranger[0].1;
    assert_eq!(first.in_reply_to, vec!["s0@nowhere.test"]);
    assert_eq!(first.subject, "Re: Помогите");
    assert!(
        first.text.contains("Официальные способы обращения"),
        "{}",
        first.text
    );
    assert!(first.text.contains("support@saveit.pro"), "{}", first.text);
    assert_eq!(
        first.automatic,
        Some(reglament_mail::Automatic::AutoSubmitted)
    );
    let refused = answers
        .iter()
        .find(|(to, _)| to == &vec![email.clone()])
        .expect("an answer to the customer");
    assert!(refused.1.text.contains("нельзя"), "{}", refused.1.text);
    assert!(refused.1.text.contains("- "), "{}", refused.1.text);
}

/// A Postfix delivery report for one of our messages to `to`.
fn bounce_of(message_id: &str, to: &str) -> Vec<u8> {
    format!(
        "From: MAILER-DAEMON@mx.saveit.pro (Mail Delivery System)\r\n\
         To: support@saveit.pro\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <bounce-{to}-{message_id}>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.saveit.pro\r\n\r\n\
         Final-Recipient: rfc822; {to}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{message_id}>\r\nTo: {to}\r\n\r\n--B--\r\n"
    )
    .into_bytes()
}

async fn a_bounce_of_our_mail_marks_it_failed_on_its_ticket_and_the_address_until_mail_comes_from_it(
    db: Db,
) {
    let (app, email) = app(db).await;
    let first = mail(
        &email,
        "m1@client.test",
        "Не выгружается отчёт",
        "",
        "Ошибка 500.",
    );
    let MailOutcome::Opened { ticket, .. } = app.desk.ingest_mail(&first, "pipe").await.unwrap()
    else {
        panic!("no ticket opened")
    };
    let sender = reglament_desk::Sender {
        address: "support@saveit.pro".into(),
        name: "Поддержка".into(),
        site: None,
    };
    let ack = app.desk.next_outgoing(&sender).await.unwrap().unwrap();
    app.desk.outgoing_sent(ack.outbox).await.unwrap();
    let sent_id = reglament_mail::parse(&ack.raw).unwrap().message_id.unwrap();
    assert!(sent_id.starts_with("outbox-"), "{sent_id}");

    // Anyone can send a "report": one naming an address the message did not go to, or a
    // message that has not gone out, changes nothing.
    let forged = app
        .desk
        .ingest_mail(&bounce_of(&sent_id, "someone@else.test"), "pipe")
        .await
        .unwrap();
    assert!(matches!(forged, MailOutcome::Ignored { .. }), "{forged:?}");
    let number: i64 = sent_id["outbox-".len()..]
        .split('@')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let domain = sent_id.split('@').nth(1).unwrap();
    let unsent = format!("outbox-{}@{domain}", number + 1);
    let forged = app
        .desk
        .ingest_mail(&bounce_of(&unsent, &email), "pipe")
        .await
        .unwrap();
    assert!(matches!(forged, MailOutcome::Ignored { .. }), "{forged:?}");
    let outcome = app
        .desk
        .ingest_mail(&bounce_of(&sent_id, &email), "pipe")
        .await
        .unwrap();
    assert!(
        matches!(outcome, MailOutcome::Bounced { ticket: Some(t), .. } if t == ticket),
        "{outcome:?}"
    );
    // Staff see the message as undelivered, with the server's words, and the address marked.
    let agent = app
        .as_agent(reglament_domain::Role::Agent, None)
        .await
        .principal
        .unwrap();
    let page = app
        .desk
        .ticket_page(agent, ticket, reglament_desk::Lang::Ru)
        .await
        .unwrap();
    assert_eq!(page.undelivered.len(), 1, "{:?}", page.undelivered);
    assert_eq!(page.undelivered[0].state, "failed");
    assert!(
        page.undelivered[0].error.contains("550 5.1.1 User unknown"),
        "{:?}",
        page.undelivered
    );
    assert!(
        page.card
            .contact_flags
            .iter()
            .any(|f| f.contains("возвращает письма")),
        "{:?}",
        page.card.contact_flags
    );
    // A bounce sends nothing back and writes nothing into the ticket.
    assert!(app.desk.next_outgoing(&sender).await.unwrap().is_none());
    assert_eq!(replies(&app, ticket).await.len(), 0);
    // Mail from the address again: it works, and the mark goes.
    let again = mail(&email, "m2@client.test", "Ещё вопрос", "", "Текст");
    app.desk.ingest_mail(&again, "pipe").await.unwrap();
    let page = app
        .desk
        .ticket_page(agent, ticket, reglament_desk::Lang::Ru)
        .await
        .unwrap();
    assert!(
        !page
            .card
            .contact_flags
            .iter()
            .any(|f| f.contains("возвращает письма")),
        "{:?}",
        page.card.contact_flags
    );
}

async fn addresses_a_customer_copies_get_the_tickets_mail_and_our_own_address_is_never_answered(
    db: Db,
) {
    let (mut app, email) = app(db).await;
    app.desk = app
        .desk
        .clone()
        .with_own_addresses(["Support@SaveIT.pro".to_string()]);
    let first = mail(
        &email,
        "m1@client.test",
        "Не выгружается отчёт",
        "Cc: Коллега <colleague@client.test>, support@saveit.pro\r\n",
        "Ошибка 500.",
    );
    let MailOutcome::Opened { ticket, .. } = app.desk.ingest_mail(&first, "pipe").await.unwrap()
    else {
        panic!("no ticket opened")
    };
    let agent = app
        .as_agent(reglament_domain::Role::Agent, None)
        .await
        .principal
        .unwrap();
    let page = app
        .desk
        .ticket_page(agent, ticket, reglament_desk::Lang::Ru)
        .await
        .unwrap();
    assert_eq!(page.card.copied, vec!["colleague@client.test"]);
    let sender = reglament_desk::Sender {
        address: "support@saveit.pro".into(),
        name: "Поддержка".into(),
        site: None,
    };
    let ack = app.desk.next_outgoing(&sender).await.unwrap().unwrap();
    // The copy goes in an envelope of its own, so that a refused copy fails nobody else.
    assert_eq!(ack.to, vec![email.clone()]);
    assert_eq!(ack.copies, vec!["colleague@client.test".to_string()]);
    let parsed = reglament_mail::parse(&ack.raw).unwrap();
    assert_eq!(parsed.to.len(), 1);
    assert_eq!(
        parsed
            .cc
            .iter()
            .map(|a| a.email.as_str())
            .collect::<Vec<_>>(),
        ["colleague@client.test"]
    );
    app.desk.outgoing_sent(ack.outbox).await.unwrap();
    // Mail from our own address — our acknowledgment come round — is never answered.
    let own = mail(
        "support@saveit.pro",
        "o1@saveit.pro",
        "Re: Помогите",
        "",
        "Текст",
    );
    assert!(matches!(
        app.desk.ingest_mail(&own, "pipe").await.unwrap(),
        MailOutcome::Ignored { .. }
    ));
    assert!(app.desk.next_outgoing(&sender).await.unwrap().is_none());
    // The completion mail carries links that act as the contact: it goes to the contact alone.
    let agent = app
        .as_agent(reglament_domain::Role::Agent, None)
        .await
        .principal
        .unwrap();
    let done = reglament_desk::DeskCommand::Status {
        status: "completed".into(),
        reason: None,
    };
    app.desk
        .act(agent, ticket, done, reglament_desk::Lang::Ru)
        .await
        .unwrap();
    let with_links = reglament_desk::Sender {
        site: Some("https://support.saveit.pro".into()),
        ..sender.clone()
    };
    let completion = app.desk.next_outgoing(&with_links).await.unwrap().unwrap();
    let parsed = reglament_mail::parse(&completion.raw).unwrap();
    assert!(parsed.text.contains("/m/"), "{}", parsed.text);
    assert_eq!(completion.to, vec![email.clone()]);
    assert!(completion.copies.is_empty());
    assert!(parsed.cc.is_empty(), "{:?}", parsed.cc);
}

/// Saveit's regulation, with its email channel's rule for unknown senders and two levels: one
/// by tariff, and the one a ticket without a tariff resolves to.
fn with_unknown_senders(rule: &str) -> String {
    let reg = SAVEIT.replacen(
        "kind = \"email\"",
        &format!("kind = \"email\"\nunknown_senders = \"{rule}\""),
        1,
    );
    format!(
        "{reg}\n[[levels]]\nid = \"premium\"\ntitle = \"Премиум\"\ntariffs = [\"Премиум\"]\n\n[[levels]]\nid = \"basic\"\ntitle = \"Базовый\"\n"
    )
}

/// The mail waiting in the outbox, each marked sent: (recipients, message).
async fn sent(app: &TestApp) -> Vec<(Vec<String>, reglament_mail::Inbound)> {
    let sender = reglament_desk::Sender {
        address: "support@saveit.pro".into(),
        name: "Поддержка".into(),
        site: None,
    };
    let mut out = Vec::new();
    while let Some(m) = app.desk.next_outgoing(&sender).await.unwrap() {
        app.desk.outgoing_sent(m.outbox).await.unwrap();
        out.push((m.to.clone(), reglament_mail::parse(&m.raw).unwrap()));
    }
    out
}

async fn an_accepted_unknown_sender_files_at_the_default_level_and_sees_only_their_own_tickets(
    db: Db,
) {
    let app = TestApp::spawn(db, &with_unknown_senders("accept"))
        .await
        .at(NOW);
    let raw = |from: &str, id: &str, subject: &str, body: &str| {
        format!(
            "From: =?utf-8?B?0J/QtdGC0YDQvtCyINCf0ZHRgtGA?= <{from}>\r\nTo: support@saveit.pro\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
        .into_bytes()
    };
    // The regulation asks for a position, a phone and a state contract, which no directory
    // knows for a stranger: one answer names each, as the lines to write back.
    let first = raw(
        "petrov@gmail.test",
        "p0@gmail.test",
        "Сайт",
        "Не открывается сайт.",
    );
    let outcome = app.desk.ingest_mail(&first, "pipe").await.unwrap();
    assert!(
        matches!(outcome, MailOutcome::Quarantined { .. }),
        "{outcome:?}"
    );
    let out = sent(&app).await;
    assert_eq!(out.len(), 1, "{out:?}");
    let text = &out[0].1.text;
    for line in [
        "- Должность: Поле обязательно по регламенту.",
        "- Телефон: Поле обязательно по регламенту.",
        "- № государственного контракта: Поле обязательно по регламенту.",
        "- Position: The regulation requires this field.",
        "в виде «Поле: значение»:\nДолжность:\nТелефон:\n№ государственного контракта:\n",
        "> Не открывается сайт.",
    ] {
        assert!(text.contains(line), "{line:?} not in:\n{text}");
    }
    // Their answer, with the lines filled in, registers the ticket.
    let again = raw(
        "petrov@gmail.test",
        "p1@gmail.test",
        "Re: Сайт",
        "Должность: менеджер\r\nтелефон: +7 900 123-45-67\r\n№ государственного контракта: ГК-77\r\n\r\nНе открывается сайт.",
    );
    let outcome = app.desk.ingest_mail(&again, "pipe").await.unwrap();
    let MailOutcome::Opened { ticket, .. } = outcome else {
        panic!("the unknown sender's mail opened no ticket: {outcome:?}")
    };
    let view = app
        .desk
        .ticket(OPERATOR, ticket, reglament_desk::Lang::Ru)
        .await
        .unwrap();
    assert_eq!(view.level.as_deref(), Some("basic"));
    assert!(view.number.is_some(), "registered");
    assert_eq!(view.description, "Не открывается сайт.");
    let journal = app
        .db
        .store
        .journal(ticket, reglament_store::tickets::Viewer::Staff)
        .await
        .unwrap();
    let TicketEvent::Received { fields, .. } = &journal[0].event else {
        panic!("{journal:?}")
    };
    assert_eq!(fields["position"], "менеджер");
    assert_eq!(fields["phone"], "+7 900 123-45-67");
    assert_eq!(fields["state_contract_number"], "ГК-77");
    // The sender is a contact now, named as the mail signs, not trusted, of «Без договора».
    let store = &app.db.store;
    let petrov = store
        .contact_by_email(&"petrov@gmail.test".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(petrov.full_name, "Петров Пётр");
    assert!(!petrov.trusted);
    let org = store.organization(petrov.organization).await.unwrap();
    assert_eq!(org.name, "Без договора");
    assert!(org.own_tickets_only);
    assert_eq!(view.organization_id, Some(org.id.0));
    // They got the acknowledgment with the number.
    let out = sent(&app).await;
    let number = view.number.clone().unwrap();
    assert!(
        out.iter()
            .any(|(to, m)| to == &vec!["petrov@gmail.test".to_string()]
                && m.subject.contains(&number)),
        "{out:?}"
    );
    // Their reply joins; another stranger — filed under the same organization — quoting the
    // number is held, and sees nothing of it.
    let reply = raw(
        "petrov@gmail.test",
        "p2@gmail.test",
        &format!("Re: [Заявка #{number}] Сайт"),
        "Спасибо.",
    );
    assert!(matches!(
        app.desk.ingest_mail(&reply, "pipe").await.unwrap(),
        MailOutcome::Joined { ticket: t, .. } if t == ticket
    ));
    let foreign = raw(
        "sidorov@mail.test",
        "s1@mail.test",
        &format!("Re: [Заявка #{number}] Сайт"),
        "Это моя заявка.",
    );
    assert!(matches!(
        app.desk.ingest_mail(&foreign, "pipe").await.unwrap(),
        MailOutcome::Quarantined { .. }
    ));
    let sidorov = store
        .contact_by_email(&"sidorov@mail.test".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(sidorov.organization, org.id);
    let as_sidorov = Principal::Contact(sidorov.id, org.id);
    assert_eq!(
        app.desk
            .ticket(as_sidorov, ticket, reglament_desk::Lang::Ru)
            .await
            .unwrap_err(),
        reglament_desk::DeskError::NotFound
    );
    let queue = app
        .desk
        .queue(as_sidorov, Default::default())
        .await
        .unwrap();
    assert!(queue.items.is_empty(), "{:?}", queue.items);
    let as_petrov = Principal::Contact(petrov.id, org.id);
    let queue = app.desk.queue(as_petrov, Default::default()).await.unwrap();
    assert_eq!(
        queue.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![ticket.0]
    );
}

async fn a_rejected_unknown_sender_is_told_why_and_nothing_is_registered_or_held(db: Db) {
    let app = TestApp::spawn(db, &with_unknown_senders("reject"))
        .await
        .at(NOW);
    let raw = mail(
        "stranger@nowhere.test",
        "r1@nowhere.test",
        "Помогите",
        "",
        "Текст",
    );
    let outcome = app.desk.ingest_mail(&raw, "pipe").await.unwrap();
    let MailOutcome::Ignored { inbound, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(app.desk.open_tickets().await.unwrap(), 0);
    // Kept as it came, set aside with its reason rather than waiting for an agent.
    assert_eq!(app.desk.mail_raw(OPERATOR, inbound).await.unwrap(), raw);
    let held = app.desk.held_mail(OPERATOR).await.unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0].state, "ignored");
    assert!(held[0].reason.contains("не регистрируются"), "{held:?}");
    assert!(
        app.db
            .store
            .contact_by_email(&"stranger@nowhere.test".parse().unwrap())
            .await
            .is_err(),
        "no contact made"
    );
    let out = sent(&app).await;
    assert_eq!(out.len(), 1, "{out:?}");
    let (to, answer) = &out[0];
    assert_eq!(to, &vec!["stranger@nowhere.test".to_string()]);
    assert!(
        answer.text.contains("принимаются только от контактных лиц"),
        "{}",
        answer.text
    );
    assert!(
        !answer.text.contains("передано сотруднику"),
        "{}",
        answer.text
    );
    assert!(
        answer.text.contains("support@saveit.pro"),
        "{}",
        answer.text
    );
}

on_both_databases!(
    an_accepted_unknown_sender_files_at_the_default_level_and_sees_only_their_own_tickets,
    a_rejected_unknown_sender_is_told_why_and_nothing_is_registered_or_held,
    addresses_a_customer_copies_get_the_tickets_mail_and_our_own_address_is_never_answered,
    a_bounce_of_our_mail_marks_it_failed_on_its_ticket_and_the_address_until_mail_comes_from_it,
    an_unknown_sender_is_told_the_official_channels_at_most_three_times_a_day,
    a_customers_message_opens_a_ticket_once_and_its_replies_join_it,
    a_stranger_quoting_a_number_is_held_and_writes_nothing,
    unknown_senders_spam_and_broken_bytes_wait_in_the_quarantine,
);
