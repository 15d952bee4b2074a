//! Which term a ticket gets: by its level and category together, its level, its category, its
//! priority, or the target's default, in that order; a class whose term is «не регламентируется»
//! gets no clock; and calendar hours counted on working days only. Tickets are registered on
//! the shortened Tuesday 3 November 2026 at 16:00, before the 4 November holiday.

use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use reglament_regulation::sla::{self, Event, EventKind};
use reglament_regulation::{Regulation, TermSource, render};

const FILE: &str = r#"
[regulation]
name = "Сроки по категориям"
timezone = "Europe/Moscow"

[schedules.office]
title = "Рабочее время"
hours = { "mon-fri" = "09:00-18:00" }

[[categories]]
id = "site_down"
title = "Сайт не работает"

[[categories]]
id = "layout"
title = "Вёрстка"

[[categories]]
id = "question"
title = "Вопрос"

[[levels]]
id = "premium"
title = "Премиум"
tariffs = ["Premium"]

[[levels]]
id = "basic"
title = "Базовый"
tariffs = ["Basic"]

[[levels]]
id = "standard"
title = "Стандартный"

[[targets]]
id = "resolution"
title = "Решение"
start = "registered"
stop = "completed"
schedule = "office"
duration = "24 working hours"
by_level = { premium = "8 working hours", basic = "не регламентируется" }
by_category = { layout = "36 working hours", site_down = "4 working hours" }
by_level_category = { premium = { site_down = "2 working hours" } }

[[targets]]
id = "answer"
title = "Ответ по существу"
start = "registered"
stop = "public_reply"
schedule = "office"
levels = ["basic"]
duration = "24 hours on working days"
"#;

static REG: LazyLock<Regulation> =
    LazyLock::new(|| Regulation::parse(FILE).unwrap_or_else(|e| panic!("{e}")));

fn msk(s: &str) -> Timestamp {
    let dt: DateTime = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
    dt.to_zoned(TimeZone::get("Europe/Moscow").unwrap())
        .unwrap()
        .timestamp()
}

fn show(t: Timestamp) -> String {
    t.to_zoned(TimeZone::get("Europe/Moscow").unwrap())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The deadline and source of a target for a ticket of this level and category.
fn due(target: &str, level: &str, category: &str) -> Option<(String, TermSource)> {
    let at = msk("2026-11-03T16:00");
    let events = [
        Event::new(
            at,
            EventKind::Received {
                channel: None,
                level: Some(level.into()),
                priority: None,
                category: Some(category.into()),
            },
        ),
        Event::new(at, EventKind::Status("registered".into())),
    ];
    sla::evaluate(&REG, &events, at)
        .expect("evaluates")
        .into_iter()
        .find(|c| c.target == target)
        .map(|c| (show(c.due.expect("due")), c.term_source.expect("source")))
}

#[test]
fn the_level_and_category_together_then_the_level_then_the_category_then_the_default_decide() {
    use TermSource::*;
    let s = String::from;
    // 3 Nov closes at 17:00 (1 hour left), 4 Nov is a holiday, then 9 hours a day.
    let cases = [
        (
            "standard",
            "question",
            "2026-11-09T14:00",
            Default,
            "1 + 9 + 9 + 5 hours",
        ),
        (
            "standard",
            "layout",
            "2026-11-10T17:00",
            Category(s("layout")),
            "1 + 9 + 9 + 9 + 8",
        ),
        (
            "standard",
            "site_down",
            "2026-11-05T12:00",
            Category(s("site_down")),
            "1 + 3",
        ),
        (
            "premium",
            "question",
            "2026-11-05T16:00",
            Level(s("premium")),
            "1 + 7",
        ),
        (
            "premium",
            "layout",
            "2026-11-05T16:00",
            Level(s("premium")),
            "the level wins over the category",
        ),
        (
            "premium",
            "site_down",
            "2026-11-05T10:00",
            LevelCategory(s("premium"), s("site_down")),
            "the pair wins over both",
        ),
    ];
    let mut failures = Vec::new();
    for (level, category, expected, source, why) in cases {
        match due("resolution", level, category) {
            Some((at, src)) if at == expected && src == source => {}
            got => failures.push(format!(
                "{level} × {category} ({why}): expected {expected} by {source}, got {got:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_level_whose_term_is_not_regulated_gets_no_clock_whatever_its_category() {
    assert_eq!(due("resolution", "basic", "question"), None);
    assert_eq!(due("resolution", "basic", "site_down"), None);
}

#[test]
fn hours_on_working_days_skip_the_holiday_and_count_the_evening() {
    // 8 hours of 3 November are left (16:00–24:00), 4 November does not count, and 16 hours of
    // 5 November: 16:00.
    let (at, _) = due("answer", "basic", "question").expect("basic has an answer clock");
    assert_eq!(at, "2026-11-05T16:00");
    assert_eq!(due("answer", "standard", "question"), None);
}

#[test]
fn the_document_publishes_each_class_s_term_and_what_is_not_regulated() {
    let doc = render::markdown(&REG);
    for phrase in [
        "Премиум, «Сайт не работает»: 2 рабочих часа",
        "Премиум: 8 рабочих часов",
        "Базовый: не регламентируется",
        "«Вёрстка»: 36 рабочих часов",
        "«Сайт не работает»: 4 рабочих часа",
        "остальные: 24 рабочих часа",
        "24 часа по рабочим дням",
    ] {
        assert!(doc.contains(phrase), "{phrase:?} missing from:\n{doc}");
    }
}

#[test]
fn a_term_for_an_unknown_category_or_a_bad_term_is_refused_at_its_line() {
    let base = FILE.split("[[targets]]").next().unwrap();
    for (target, expected) in [
        (
            "by_category = { design = \"8 working hours\" }",
            "`by_category` names unknown category `design`",
        ),
        (
            "by_level_category = { gold = { layout = \"8 working hours\" } }",
            "`by_level_category` names unknown level `gold`",
        ),
        ("by_level = { premium = \"never\" }", "`by_level.premium`"),
    ] {
        let text = format!(
            "{base}[[targets]]\nid = \"r\"\ntitle = \"R\"\nstart = \"registered\"\nstop = \"completed\"\nschedule = \"office\"\n{target}\n"
        );
        let err = Regulation::parse(&text).expect_err(target);
        let d = &err.diagnostics[0];
        assert!(d.message.contains(expected), "{target}: {}", d.message);
        assert_eq!(d.line, text.lines().count(), "{target}: at its line");
    }
}
