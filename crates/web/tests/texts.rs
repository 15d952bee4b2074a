//! Every text a person reads exists in Russian and in English: the two languages' Fluent files
//! hold the same messages, and every message id the desk, the server and the templates name is
//! among them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use reglament_desk::{Lang, Text};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

/// The message ids of one language's Fluent files.
fn ids(lang: &str) -> BTreeSet<String> {
    let mut out = Vec::new();
    files(
        &root().join("crates/desk/locales").join(lang),
        "ftl",
        &mut out,
    );
    let mut ids = BTreeSet::new();
    for f in out {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            if let Some((id, _)) = line.split_once(" =")
                && !id.starts_with([' ', '#', '*', '['])
                && !id.is_empty()
            {
                ids.insert(id.to_string());
            }
        }
    }
    ids
}

/// Literal ids in the sources: `Text::new("…")`, `ui.t("…")`, `chrome.ui.t("…")`.
fn used() -> BTreeSet<String> {
    let mut out = Vec::new();
    for dir in ["crates/desk/src", "crates/web/src", "crates/web/templates"] {
        files(&root().join(dir), "rs", &mut out);
        files(&root().join(dir), "html", &mut out);
    }
    let mut ids = BTreeSet::new();
    for f in out {
        let text = std::fs::read_to_string(&f).unwrap();
        for marker in ["Text::new(\"", ".t(\"", ".n(\""] {
            for piece in text.split(marker).skip(1) {
                let id: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                if !id.is_empty() && piece[id.len()..].starts_with('"') {
                    ids.insert(id);
                }
            }
        }
    }
    ids
}

#[test]
fn russian_and_english_have_the_same_messages() {
    let (ru, en) = (ids("ru"), ids("en"));
    let only_ru: Vec<_> = ru.difference(&en).collect();
    let only_en: Vec<_> = en.difference(&ru).collect();
    assert!(
        only_ru.is_empty() && only_en.is_empty(),
        "only in Russian: {only_ru:?}; only in English: {only_en:?}"
    );
    assert!(ru.len() > 200, "{}", ru.len());
}

#[test]
fn every_message_the_code_and_templates_name_exists_in_both_languages() {
    let known = ids("ru");
    let used = used();
    assert!(used.len() > 150, "the scan found only {} ids", used.len());
    let missing: Vec<_> = used.into_iter().filter(|id| !known.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "messages without a translation: {missing:?}"
    );
}

#[test]
fn messages_built_from_a_state_or_an_action_exist_in_both_languages() {
    // What a ticket form can do, and the filing form's own notice.
    let ops = reglament_web::TICKET_OPS.iter().copied().chain(["filed"]);
    let states = [
        "pending",
        "running",
        "paused",
        "met",
        "breached",
        "cancelled",
    ];
    let ids = ops
        .map(|o| format!("ui-done-{o}"))
        .chain(states.iter().map(|s| format!("ui-clock-{s}")));
    for id in ids {
        for lang in [Lang::Ru, Lang::En] {
            let text = Text::new(id.clone()).render(lang);
            assert_ne!(text, id, "{id} has no {lang:?} text");
        }
    }
}

#[test]
fn russian_plurals_agree_with_the_number() {
    let stars = |n: i64| {
        Text::new("ui-stars")
            .num("stars", n as f64)
            .render(Lang::Ru)
    };
    assert_eq!(stars(1), "1 звезда");
    assert_eq!(stars(3), "3 звезды");
    assert_eq!(stars(5), "5 звёзд");
    assert_eq!(
        Text::new("ui-stars").num("stars", 1.0).render(Lang::En),
        "1 star"
    );
    assert_eq!(
        Text::new("ui-event-rated")
            .num("stars", 4.0)
            .render(Lang::Ru),
        "Оценка: 4 звезды"
    );
}
