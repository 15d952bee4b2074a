//! Refusals that come from below the desk — the store's conflicts, the domain's "only staff
//! may" — reach people in Russian and in English, from the Fluent files, never as a message id
//! or an English-only string. (Attachment refusals are checked with the attachments, in
//! `actions.rs`.)

use reglament_desk::{DeskCommand, DeskError, Lang, Request};
use reglament_domain::{DomainError, Role, TicketId};
use reglament_store::{Conflict, StoreError};
use reglament_testkit::{Db, TestApp, on_both_databases};

const SAVEIT: &str = include_str!("../../../examples/regulations/saveit.toml");

#[test]
fn every_store_conflict_is_told_in_russian_and_in_english() {
    let table = [
        (
            Conflict::ChangedMeanwhile,
            "обновите страницу",
            "reload the page",
        ),
        (
            Conflict::ContactEmailTaken,
            "Контакт с таким адресом",
            "A contact with this email",
        ),
        (
            Conflict::AgentEmailTaken,
            "Сотрудник с таким адресом",
            "An agent with this email",
        ),
        (
            Conflict::OrganizationNameTaken,
            "Организация с таким названием",
            "An organization with this name",
        ),
        (
            Conflict::TicketNumberTaken,
            "с таким номером",
            "with this number",
        ),
        (Conflict::ValueTaken, "уже занято", "already taken"),
        (Conflict::SameTicket, "с ней самой", "with itself"),
        (
            Conflict::OtherOrganization,
            "разных организаций",
            "different organizations",
        ),
        (
            Conflict::MessageRead,
            "уже обработано",
            "already been processed",
        ),
    ];
    for (conflict, ru, en) in table {
        let e = DeskError::from(StoreError::Conflict(conflict));
        assert!(matches!(e, DeskError::Conflict(_)), "{conflict:?}: {e:?}");
        let (got_ru, got_en) = (e.render(Lang::Ru), e.render(Lang::En));
        assert!(got_ru.contains(ru), "{conflict:?} in Russian: {got_ru}");
        assert!(got_en.contains(en), "{conflict:?} in English: {got_en}");
    }
}

#[test]
fn every_action_only_staff_or_only_the_customer_may_take_is_named_in_both_languages() {
    let table = [
        (
            "domain-staff-only",
            "register",
            "Регистрировать заявки",
            "register tickets",
        ),
        (
            "domain-staff-only",
            "assign",
            "Назначать исполнителя",
            "assign tickets",
        ),
        (
            "domain-staff-only",
            "hand-over",
            "Передавать заявку",
            "hand tickets over",
        ),
        (
            "domain-staff-only",
            "status",
            "Менять статус",
            "change the status",
        ),
        (
            "domain-staff-only",
            "priority",
            "Менять приоритет",
            "change the priority",
        ),
        (
            "domain-staff-only",
            "level",
            "Менять уровень",
            "change the level",
        ),
        ("domain-staff-only", "time", "Учитывать время", "log time"),
        (
            "domain-staff-only",
            "extend",
            "Продлевать сроки",
            "extend deadlines",
        ),
        (
            "domain-staff-only",
            "reopen",
            "Возобновлять заявки",
            "reopen tickets",
        ),
        (
            "domain-staff-only",
            "link",
            "Связывать заявки",
            "link tickets",
        ),
        (
            "domain-staff-only",
            "merge",
            "Объединять заявки",
            "merge tickets",
        ),
        (
            "domain-customer-only",
            "confirm",
            "Подтвердить выполнение",
            "confirm completion",
        ),
        (
            "domain-customer-only",
            "object",
            "Не согласиться",
            "object to completion",
        ),
        (
            "domain-customer-only",
            "rate",
            "Оценить работу",
            "rate the service",
        ),
        (
            "domain-timer-only",
            "auto-close",
            "таймер автозакрытия",
            "auto-close timer",
        ),
    ];
    for (id, action, ru, en) in table {
        let e = DeskError::from(DomainError::Forbidden {
            id,
            action,
            text: String::new(),
        });
        assert!(matches!(e, DeskError::Forbidden(_)), "{action}: {e:?}");
        let (got_ru, got_en) = (e.render(Lang::Ru), e.render(Lang::En));
        assert!(
            got_ru.starts_with(ru) || got_ru.contains(ru),
            "{action} in Russian: {got_ru}"
        );
        assert!(got_en.contains(en), "{action} in English: {got_en}");
    }
}

async fn merging_a_ticket_into_itself_is_refused_in_the_readers_language(db: Db) {
    let app = TestApp::spawn(db, SAVEIT)
        .await
        .at("2026-11-23T10:30:00+03:00");
    let customer = app.as_customer(true, true).await.principal.unwrap();
    let supervisor = app
        .as_agent(Role::Supervisor, None)
        .await
        .principal
        .unwrap();
    let t = app
        .desk
        .open_ticket(customer, Request::new("Дубль", "Проверка"), Lang::Ru)
        .await
        .unwrap();
    let id = TicketId(t.id);
    let merge = || DeskCommand::MergeInto { ticket: id };
    let ru = app
        .desk
        .act(supervisor, id, merge(), Lang::Ru)
        .await
        .unwrap_err();
    assert!(matches!(ru, DeskError::Conflict(_)), "{ru:?}");
    assert_eq!(
        ru.render(Lang::Ru),
        "Заявку нельзя связать или объединить с ней самой."
    );
    assert_eq!(
        ru.render(Lang::En),
        "A ticket cannot be linked or merged with itself."
    );
}

on_both_databases!(merging_a_ticket_into_itself_is_refused_in_the_readers_language);
