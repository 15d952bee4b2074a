//! Renders a regulation into the customer-facing document, in Russian, as Markdown or HTML,
//! from the same configuration that is enforced.

use jiff::SignedDuration;
use jiff::civil::Weekday;
use reglament_calendar::{DayOverride, Term, TermPart, WeeklyPattern};

use crate::model::{
    BaseStatus, ChannelKind, EventPattern, KNOWN_FIELDS, Regulation, UnknownSenders, format_size,
};

/// The Russian plural form of a number: `one` (1, 21), `few` (2–4, 22) or `many` (5, 11, 0).
///
/// # Example
///
/// ```
/// use reglament_regulation::render::plural_ru;
///
/// let days = |n| plural_ru(n, "день", "дня", "дней");
/// assert_eq!([days(1), days(3), days(5), days(11), days(21), days(22), days(112)], ["день", "дня", "дней", "дней", "день", "дня", "дней"]);
/// ```
pub fn plural_ru<'a>(n: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let (m10, m100) = (n % 10, n % 100);
    if m10 == 1 && m100 != 11 {
        one
    } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
        few
    } else {
        many
    }
}

/// The grammatical case a term is rendered in: the nominative («24 часа», also after «через»,
/// «за», «на») or the genitive («в течение 24 часов», «не менее 1 часа»).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Nominative,
    Genitive,
}

/// The word for `n` in a case: forms are `[one, few, many]` of the nominative and the genitive.
fn word<'a>(n: u64, case: Case, nom: [&'a str; 3], gen_: [&'a str; 3]) -> &'a str {
    let f = if case == Case::Nominative { nom } else { gen_ };
    plural_ru(n, f[0], f[1], f[2])
}

const HOUR: ([&str; 3], [&str; 3]) = (["час", "часа", "часов"], ["часа", "часов", "часов"]);
const MINUTE: ([&str; 3], [&str; 3]) =
    (["минута", "минуты", "минут"], ["минуты", "минут", "минут"]);
const DAY: ([&str; 3], [&str; 3]) = (["день", "дня", "дней"], ["дня", "дней", "дней"]);
const WORKING_M: ([&str; 3], [&str; 3]) = (
    ["рабочий", "рабочих", "рабочих"],
    ["рабочего", "рабочих", "рабочих"],
);
const WORKING_F: ([&str; 3], [&str; 3]) = (
    ["рабочая", "рабочие", "рабочих"],
    ["рабочей", "рабочих", "рабочих"],
);
const CALENDAR: ([&str; 3], [&str; 3]) = (
    ["календарный", "календарных", "календарных"],
    ["календарного", "календарных", "календарных"],
);

fn phrase(
    n: u64,
    case: Case,
    adj: Option<([&str; 3], [&str; 3])>,
    noun: ([&str; 3], [&str; 3]),
) -> String {
    match adj {
        Some(a) => format!(
            "{n} {} {}",
            word(n, case, a.0, a.1),
            word(n, case, noun.0, noun.1)
        ),
        None => format!("{n} {}", word(n, case, noun.0, noun.1)),
    }
}

fn amount_ru(d: SignedDuration, working: bool, case: Case) -> String {
    let s = d.as_secs().unsigned_abs();
    if s.is_multiple_of(3600) {
        phrase(s / 3600, case, working.then_some(WORKING_M), HOUR)
    } else if s.is_multiple_of(60) {
        phrase(s / 60, case, working.then_some(WORKING_F), MINUTE)
    } else {
        format!("{s} с")
    }
}

fn part_ru(p: &TermPart, case: Case) -> String {
    match *p {
        TermPart::Working(d) => amount_ru(d, true, case),
        TermPart::Calendar(d) => amount_ru(d, false, case),
        TermPart::WorkingDays(n) => phrase(n.into(), case, Some(WORKING_M), DAY),
        TermPart::CalendarDays(n) => phrase(n.into(), case, Some(CALENDAR), DAY),
        TermPart::Weekdays(n) => format!(
            "{} без учёта выходных",
            phrase(n.into(), case, Some(CALENDAR), DAY)
        ),
        TermPart::WorkingDayHours(d) => format!("{} по рабочим дням", amount_ru(d, false, case)),
    }
}

fn term_in(t: &Term, case: Case) -> String {
    match &t.at_most {
        Some(b) => format!(
            "{}, но не более {}",
            part_ru(&t.primary, case),
            part_ru(b, Case::Genitive)
        ),
        None => part_ru(&t.primary, case),
    }
}

/// One part of a term in Russian, in the nominative.
///
/// # Example
///
/// ```
/// use reglament_regulation::render::term_part_ru;
///
/// assert_eq!(term_part_ru(&"4 working hours".parse()?), "4 рабочих часа");
/// assert_eq!(term_part_ru(&"1 working day".parse()?), "1 рабочий день");
/// assert_eq!(term_part_ru(&"5 weekdays".parse()?), "5 календарных дней без учёта выходных");
/// assert_eq!(term_part_ru(&"24 hours on working days".parse()?), "24 часа по рабочим дням");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn term_part_ru(p: &TermPart) -> String {
    part_ru(p, Case::Nominative)
}

/// A term in Russian, in the nominative, with its bound in the genitive after «не более».
///
/// # Example
///
/// ```
/// use reglament_regulation::render::term_ru;
///
/// assert_eq!(term_ru(&"24 working hours, at most 2 weekdays".parse()?), "24 рабочих часа, но не более 2 календарных дней без учёта выходных");
/// assert_eq!(term_ru(&"21 working days".parse()?), "21 рабочий день");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn term_ru(t: &Term) -> String {
    term_in(t, Case::Nominative)
}

/// A term in Russian in the genitive, for «в течение …», «не менее …», «до …».
///
/// # Example
///
/// ```
/// use reglament_regulation::render::term_ru_genitive;
///
/// assert_eq!(term_ru_genitive(&"24 hours".parse()?), "24 часов");
/// assert_eq!(term_ru_genitive(&"1 hour".parse()?), "1 часа");
/// assert_eq!(term_ru_genitive(&"21 working days".parse()?), "21 рабочего дня");
/// assert_eq!(term_ru_genitive(&"2 working minutes".parse()?), "2 рабочих минут");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn term_ru_genitive(t: &Term) -> String {
    term_in(t, Case::Genitive)
}

fn gen_amount(d: SignedDuration) -> String {
    amount_ru(d, false, Case::Genitive)
}

/// A block of the rendered document.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Block {
    Heading(u8, String),
    Para(String),
    List(Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
}

const WEEKDAYS_RU: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];

fn weekly_ru(w: &WeeklyPattern) -> String {
    // Group consecutive weekdays with the same hours: "пн–пт 09:00–18:00".
    let mut parts = Vec::new();
    let mut i = 0;
    while i < 7 {
        let wd = Weekday::from_monday_zero_offset(i as i8).expect("weekday");
        let h = w.day(wd);
        let mut j = i;
        while j + 1 < 7
            && w.day(Weekday::from_monday_zero_offset(j as i8 + 1).expect("weekday")) == h
        {
            j += 1;
        }
        if !h.is_empty() {
            let days = if i == 0 && j == 6 {
                "ежедневно".to_string()
            } else if i == j {
                WEEKDAYS_RU[i].to_string()
            } else {
                format!("{}–{}", WEEKDAYS_RU[i], WEEKDAYS_RU[j])
            };
            let hours = h.to_string().replace('-', "–");
            let hours = if hours == "00:00–24:00" {
                "круглосуточно".to_string()
            } else {
                hours
            };
            parts.push(format!("{days} {hours}"));
        }
        i = j + 1;
    }
    parts.join("; ")
}

fn event_ru(reg: &Regulation, e: &EventPattern) -> String {
    match e {
        EventPattern::Received => "поступление обращения".into(),
        EventPattern::Assigned => "назначение ответственного".into(),
        EventPattern::HandedOver(None) => "передача на другую линию".into(),
        EventPattern::HandedOver(Some(l)) => format!(
            "передача на линию «{}»",
            reg.line(l).map_or(l.as_str(), |x| x.title.as_str())
        ),
        EventPattern::PublicReply => "ответ клиенту".into(),
        EventPattern::CustomerReply => "ответ клиента".into(),
        EventPattern::Reopened => "возобновление работы".into(),
        EventPattern::Entered(b) => format!(
            "переход в статус «{}»",
            reg.status(b.id())
                .map_or(b.default_title(), |s| s.title.as_str())
        ),
        EventPattern::EnteredStatus(s) => format!(
            "переход в статус «{}»",
            reg.status(s).map_or(s.as_str(), |x| x.title.as_str())
        ),
    }
}

fn document(reg: &Regulation) -> Vec<Block> {
    use Block::*;
    let mut d = vec![Heading(1, reg.name.clone())];
    let mut intro = Vec::new();
    if let Some(p) = &reg.provider {
        intro.push(format!("Исполнитель: {p}."));
    }
    if let Some(e) = &reg.effective {
        intro.push(format!("Действует с {e}."));
    }
    if !intro.is_empty() {
        d.push(Para(intro.join(" ")));
    }
    if let Some(s) = &reg.summary {
        d.push(Para(s.clone()));
    }
    if let Some(kb) = &reg.knowledge_base {
        d.push(Para(format!(
            "Перед обращением ознакомьтесь с базой знаний: {kb}"
        )));
    }

    let mut rows = Vec::new();
    for s in reg.schedules.values().filter(|s| !billing_only(reg, &s.id)) {
        let sch = s.schedule();
        let cal = match s.calendar.as_str() {
            "ru" if sch.shortens_pre_holiday_days() => "производственный календарь РФ: праздничные и перенесённые выходные дни нерабочие, предпраздничные дни короче на 1 час".to_string(),
            "ru" => "производственный календарь РФ: праздничные и перенесённые выходные дни нерабочие, предпраздничные дни не сокращаются".to_string(),
            "none" => "работает и в праздничные дни".to_string(),
            other => format!("календарь «{other}»"),
        };
        let tz = sch.time_zone().iana_name().unwrap_or("UTC").to_string();
        let tz = if tz == "Europe/Moscow" {
            "московское время".into()
        } else {
            tz
        };
        let mut extra: Vec<String> = sch
            .overrides()
            .map(|(date, o)| match o {
                DayOverride::Hours { hours, reason } => format!(
                    "{} — {} ({reason})",
                    date.strftime("%d.%m.%Y"),
                    hours.to_string().replace('-', "–")
                ),
                other => format!(
                    "{} — нерабочий день ({})",
                    date.strftime("%d.%m.%Y"),
                    match other {
                        DayOverride::NonWorking { reason } => reason.clone(),
                        o => o.to_string(),
                    }
                ),
            })
            .collect();
        extra.insert(0, cal);
        rows.push(vec![
            s.title.clone(),
            weekly_ru(sch.weekly()),
            tz,
            extra.join("; "),
        ]);
    }
    if !rows.is_empty() {
        d.push(Heading(2, "Время работы".into()));
        d.push(Table(
            vec![
                "График".into(),
                "Часы".into(),
                "Часовой пояс".into(),
                "Календарь".into(),
            ],
            rows,
        ));
    }
    if !reg.targets.is_empty() {
        d.push(Para("Сроки реакции и решения исчисляются в рабочем времени соответствующего графика, если не указано иное.".into()));
    }

    if !reg.channels.is_empty() {
        d.push(Heading(2, "Каналы приёма обращений".into()));
        let mut items = Vec::new();
        for c in &reg.channels {
            let kind = match c.kind {
                ChannelKind::Email => "электронная почта",
                ChannelKind::Portal => "портал",
                ChannelKind::Phone => "телефон",
                ChannelKind::Messenger => "мессенджер",
                ChannelKind::Other => "другое",
            };
            let mut s = if c.title.to_lowercase().contains(kind) {
                c.title.clone()
            } else {
                format!("{} ({kind})", c.title)
            };
            if let Some(a) = &c.address {
                s.push_str(&format!(": {a}"));
            }
            let mut notes = Vec::new();
            if !c.official {
                notes.push("неофициальный канал, обращения не регистрируются".to_string());
            } else if !c.registers {
                notes.push(
                    "консультации; заявки регистрируются только в письменном виде".to_string(),
                );
            }
            if let Some(a) = &c.accepted {
                notes.push(format!(
                    "принимаются по графику «{}»",
                    reg.schedule(a).map_or(a.as_str(), |s| s.title.as_str())
                ));
            }
            if !c.on_days_off {
                notes.push("в выходные и праздничные дни не принимаются".into());
            }
            if c.emergency_only {
                notes.push("только для аварийных ситуаций".into());
            }
            if c.paid {
                notes.push("платно".into());
            }
            if c.trusted_only {
                notes.push("только от доверенных лиц организации".into());
            }
            if c.kind == ChannelKind::Email && c.official && c.registers {
                notes.push(
                    match c.unknown_senders {
                        UnknownSenders::Hold => "письма с адресов, не известных как контактные лица клиентов, передаются сотруднику поддержки и регистрируются после проверки",
                        UnknownSenders::Reject => "письма с адресов, не известных как контактные лица клиентов, не регистрируются",
                        UnknownSenders::Accept => "письма с адресов, не известных как контактные лица клиентов, регистрируются на базовом уровне обслуживания",
                    }
                    .into(),
                );
            }
            if let Some(n) = &c.note {
                notes.push(n.clone());
            }
            if !notes.is_empty() {
                s.push_str(&format!(" — {}", notes.join("; ")));
            }
            items.push(s);
        }
        d.push(List(items));
    }

    if !reg.categories.is_empty() {
        d.push(Heading(2, "Категории обращений".into()));
        let rows = reg
            .categories
            .iter()
            .map(|c| {
                vec![
                    c.title.clone(),
                    if c.in_scope {
                        "входит в поддержку".into()
                    } else {
                        "не входит в поддержку, обсуждается отдельно".into()
                    },
                    c.note.clone().unwrap_or_default(),
                ]
            })
            .collect();
        d.push(Table(
            vec!["Категория".into(), "Статус".into(), "Примечание".into()],
            rows,
        ));
    }

    if !reg.levels.is_empty() {
        d.push(Heading(2, "Уровни обслуживания".into()));
        let mut items = Vec::new();
        for l in &reg.levels {
            let mut cond = Vec::new();
            if !l.tariffs.is_empty() {
                cond.push(format!("тариф {}", l.tariffs.join(", ")));
            }
            if !l.categories.is_empty() {
                cond.push(format!(
                    "категории: {}",
                    l.categories
                        .iter()
                        .map(|c| format!(
                            "«{}»",
                            reg.category(c).map_or(c.as_str(), |x| x.title.as_str())
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !l.channels.is_empty() {
                cond.push(format!(
                    "каналы: {}",
                    l.channels
                        .iter()
                        .map(|c| format!(
                            "«{}»",
                            reg.channel(c).map_or(c.as_str(), |x| x.title.as_str())
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !l.subject_keywords.is_empty() {
                cond.push(format!(
                    "в теме письма: {}",
                    l.subject_keywords
                        .iter()
                        .map(|k| format!("«{k}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let cond = if cond.is_empty() {
                "все остальные обращения".to_string()
            } else {
                cond.join("; ")
            };
            let mut s = format!("{} — {cond}", l.title);
            if let Some(desc) = &l.description {
                s.push_str(&format!(". {desc}"));
            }
            items.push(s);
        }
        d.push(List(items));
    }

    if !reg.priorities.is_empty() {
        d.push(Heading(2, "Приоритеты".into()));
        let rows = reg
            .priorities
            .iter()
            .map(|p| {
                let mut desc = p.description.clone().unwrap_or_default();
                if p.out_of_turn {
                    let sep = if desc.is_empty() || desc.ends_with(['.', '!', '?']) {
                        " "
                    } else {
                        ". "
                    };
                    desc = format!("{desc}{sep}Решается вне очереди.")
                        .trim()
                        .to_string();
                }
                vec![p.id.clone(), p.title.clone(), desc]
            })
            .collect();
        d.push(Table(
            vec!["Код".into(), "Приоритет".into(), "Описание".into()],
            rows,
        ));
    }

    let user_targets: Vec<_> = reg.targets.iter().filter(|t| t.line.is_none()).collect();
    if !user_targets.is_empty() {
        d.push(Heading(2, "Сроки".into()));
        let mut rows = Vec::new();
        for t in user_targets {
            let sched = reg
                .schedule(&t.schedule)
                .map_or(t.schedule.clone(), |s| s.title.clone());
            let span = format!(
                "начало: {}; окончание: {}",
                event_ru(reg, &t.start),
                t.stop
                    .iter()
                    .map(|s| event_ru(reg, s))
                    .collect::<Vec<_>>()
                    .join(" или ")
            );
            let mut terms = Vec::new();
            let rule_ru = |r: &crate::TermRule| match r {
                crate::TermRule::Term(term) => term_ru(term),
                crate::TermRule::NotRegulated => "не регламентируется".to_string(),
            };
            for l in &reg.levels {
                for c in &reg.categories {
                    if let Some(r) = t.by_level_category.get(&l.id).and_then(|m| m.get(&c.id)) {
                        terms.push(format!("{}, «{}»: {}", l.title, c.title, rule_ru(r)));
                    }
                }
            }
            for l in &reg.levels {
                if let Some(r) = t.by_level.get(&l.id) {
                    terms.push(format!("{}: {}", l.title, rule_ru(r)));
                }
            }
            for c in &reg.categories {
                if let Some(r) = t.by_category.get(&c.id) {
                    terms.push(format!("«{}»: {}", c.title, rule_ru(r)));
                }
            }
            for p in &reg.priorities {
                if let Some(r) = t.by_priority.get(&p.id) {
                    terms.push(format!("«{}»: {}", p.title, rule_ru(r)));
                }
            }
            if let Some(term) = &t.duration {
                terms.push(if terms.is_empty() {
                    term_ru(term)
                } else {
                    format!("остальные: {}", term_ru(term))
                });
            }
            let mut scope = Vec::new();
            if !t.levels.is_empty() {
                scope.push(
                    t.levels
                        .iter()
                        .map(|l| reg.level(l).map_or(l.clone(), |x| x.title.clone()))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            if !t.priorities.is_empty() {
                scope.push(
                    t.priorities
                        .iter()
                        .map(|p| {
                            reg.priority(p)
                                .map_or(p.clone(), |x| format!("«{}»", x.title))
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                );
            }
            if !t.channels.is_empty() {
                scope.push(format!(
                    "при обращении через {}",
                    t.channels
                        .iter()
                        .map(|c| reg
                            .channel(c)
                            .map_or(c.clone(), |x| format!("«{}»", x.title)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            let mut cond = Vec::new();
            if !t.pause_in.is_empty() {
                cond.push(format!(
                    "время в статусе {} не учитывается",
                    t.pause_in
                        .iter()
                        .map(|s| format!(
                            "«{}»",
                            reg.status(s).map_or(s.as_str(), |x| x.title.as_str())
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if let Some(x) = &t.extension {
                cond.push(format!(
                    "может быть продлён не более чем на {} с уведомлением клиента о причине",
                    term_ru(x)
                ));
            }
            if let Some(x) = &t.interim_after {
                cond.push(format!(
                    "если решение не найдено за {}, клиенту сообщается, что работа продолжается",
                    term_ru(x)
                ));
            }
            if let Some(n) = &t.note {
                cond.push(n.clone());
            }
            let title = if scope.is_empty() {
                t.title.clone()
            } else {
                format!("{} ({})", t.title, scope.join("; "))
            };
            rows.push(vec![
                title,
                terms.join("; "),
                sched,
                format!("{span}; {}", cond.join("; "))
                    .trim_end_matches("; ")
                    .to_string(),
            ]);
        }
        d.push(Table(
            vec![
                "Показатель".into(),
                "Срок".into(),
                "График".into(),
                "Как считается".into(),
            ],
            rows,
        ));
    }

    if !reg.lines.is_empty() {
        d.push(Heading(2, "Линии поддержки".into()));
        let rows = reg
            .lines
            .iter()
            .map(|l| {
                vec![
                    l.id.clone(),
                    l.title.clone(),
                    l.reaction.as_ref().map_or("—".into(), term_ru),
                    l.description.clone().unwrap_or_default(),
                ]
            })
            .collect();
        d.push(Table(
            vec![
                "Линия".into(),
                "Назначение".into(),
                "Реакция после передачи".into(),
                "Описание".into(),
            ],
            rows,
        ));
    }

    d.push(Heading(2, "Порядок работы с обращением".into()));
    let flow: Vec<String> = [
        BaseStatus::New,
        BaseStatus::Registered,
        BaseStatus::InProgress,
        BaseStatus::WaitingCustomer,
        BaseStatus::Completed,
        BaseStatus::Closed,
    ]
    .iter()
    .filter_map(|b| reg.status(b.id()).map(|s| s.title.clone()))
    .collect();
    d.push(Para(format!("Статусы: {}.", flow.join(" → "))));
    let told = match (reg.priorities.is_empty(), reg.targets.is_empty()) {
        (true, true) => "номер обращения",
        (false, true) => "номер обращения и приоритет",
        (true, false) => "номер обращения и срок",
        (false, false) => "номер обращения, приоритет и срок",
    };
    let mut items = vec![format!(
        "При регистрации клиенту сообщаются {told}. Номер указывается во всей дальнейшей переписке."
    )];
    if let Some(t) = &reg.lifecycle.auto_close_after {
        items.push(format!("Завершённое обращение ожидает подтверждения клиента; при отсутствии ответа в течение {} оно закрывается автоматически.", term_ru_genitive(t)));
    }
    items.push("Мотивированное возражение клиента возобновляет работу по обращению.".into());
    items.push(match reg.lifecycle.reopen {
        crate::ReopenRule::Reopen => match &reg.lifecycle.reopen_within {
            Some(w) => format!("Закрытое обращение можно возобновить в течение {}; позднее создаётся новое связанное обращение.", term_ru_genitive(w)),
            None => "Закрытое обращение можно возобновить, ответив на него.".into(),
        },
        crate::ReopenRule::NewLinked => "Ответ на закрытое обращение создаёт новое обращение, связанное с закрытым.".into(),
    });
    if reg.lifecycle.rating {
        items.push("По завершении клиент оценивает качество обслуживания от 1 до 5.".into());
    }
    d.push(List(items));
    for (intro, reasons) in [
        (
            "Решение может быть отложено по следующим причинам:",
            &reg.lifecycle.deferral_reasons,
        ),
        (
            "Обращение может быть отклонено по следующим причинам:",
            &reg.lifecycle.rejection_reasons,
        ),
    ] {
        if !reasons.is_empty() {
            d.push(Para(intro.into()));
            d.push(List(reasons.iter().map(|r| r.title.clone()).collect()));
        }
    }

    if !reg.fields.required.is_empty()
        || !reg.fields.optional.is_empty()
        || reg.attachments.max_size.is_some()
        || !reg.attachments.allowed.is_empty()
    {
        d.push(Heading(2, "Содержание обращения".into()));
        let title = |f: &String| {
            KNOWN_FIELDS
                .iter()
                .find(|(k, _)| k == f)
                .map_or(f.clone(), |(_, t)| (*t).to_string())
        };
        if !reg.fields.required.is_empty() {
            d.push(Para(format!(
                "Обязательные сведения: {}.",
                reg.fields
                    .required
                    .iter()
                    .map(title)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if !reg.fields.optional.is_empty() {
            d.push(Para(format!(
                "Дополнительно можно указать: {}.",
                reg.fields
                    .optional
                    .iter()
                    .map(title)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let a = &reg.attachments;
        let mut att = Vec::new();
        if !a.allowed.is_empty() {
            att.push(format!("допустимые типы файлов: {}", a.allowed.join(", ")));
        }
        if !a.archived_only.is_empty() {
            att.push(format!(
                "{} — только в архиве ZIP или RAR",
                a.archived_only.join(", ")
            ));
        }
        if let Some(m) = a.max_size {
            att.push(format!("размер файла не более {}", format_size(m)));
        }
        if let Some(m) = a.max_total {
            att.push(format!("всех вложений письма не более {}", format_size(m)));
        }
        if !att.is_empty() {
            d.push(Para(format!("Вложения: {}.", att.join("; "))));
        }
    }

    if let Some(b) = &reg.billing {
        d.push(Heading(2, "Стоимость и учёт времени".into()));
        let mut items = Vec::new();
        if b.free_email {
            items.push("Консультации по электронной почте предоставляются бесплатно.".to_string());
        }
        if let Some(r) = b.rounding {
            items.push(format!(
                "Время учитывается с округлением вверх до {}.",
                gen_amount(r)
            ));
        }
        for a in b.activities_in_order() {
            let mut s = format!("{}:", a.title);
            if !a.billable {
                s.push_str(" бесплатно");
            }
            let mut prev = SignedDuration::ZERO;
            let mut parts = Vec::new();
            for t in &a.tiers {
                parts.push(if prev.is_zero() {
                    format!("до {} — {}", gen_amount(t.up_to), t.price)
                } else {
                    format!(
                        "от {} до {} — {}",
                        gen_amount(prev),
                        gen_amount(t.up_to),
                        t.price
                    )
                });
                prev = t.up_to;
            }
            let unit = a
                .unit
                .as_deref()
                .map_or("в час".to_string(), |u| format!("за {u}"));
            let priced = if a.by_contract {
                Some(format!("по ставке договора {unit}"))
            } else {
                a.rate.map(|r| format!("{r} {unit}"))
            };
            if let Some(p) = priced {
                parts.push(if prev.is_zero() {
                    p
                } else {
                    format!("свыше {} — {p}", gen_amount(prev))
                });
            }
            for (id, r) in &a.rate_by_level {
                let title = reg.level(id).map_or(id.as_str(), |l| l.title.as_str());
                parts.push(format!("для обращений уровня «{title}» — {r} {unit}"));
            }
            for (id, r) in &a.rate_by_priority {
                let title = reg.priority(id).map_or(id.as_str(), |p| p.title.as_str());
                parts.push(format!(
                    "для обращений с приоритетом «{title}» — {r} {unit}"
                ));
            }
            let per = match a.per {
                crate::Granularity::Entry => String::new(),
                g => format!(" {}", g.ru()),
            };
            if let Some(m) = a.minimum {
                parts.push(format!("учитывается не менее {}{per}", gen_amount(m)));
            }
            if let Some(r) = a.rounding {
                parts.push(format!("с округлением вверх до {}{per}", gen_amount(r)));
            } else if let Some(r) = b.rounding.filter(|_| a.per != crate::Granularity::Entry) {
                parts.push(format!("с округлением вверх до {}{per}", gen_amount(r)));
            }
            if !parts.is_empty() {
                s.push(' ');
                s.push_str(&parts.join("; "));
            }
            items.push(s);
        }
        for p in b.plans_in_order() {
            let mut s = format!("Тариф «{}»: {} в месяц", p.title, p.monthly_fee);
            if let Some(h) = p.included {
                let hrs = (h.as_secs() / 3600) as u64;
                s.push_str(&format!(
                    ", включено до {hrs} {} работ",
                    plural_ru(hrs, "часа", "часов", "часов")
                ));
            }
            if let Some(r) = p.overage_rate {
                s.push_str(&format!("; сверх — {r} в час"));
            }
            items.push(s);
        }
        for m in &b.multipliers {
            let mut when = Vec::new();
            if let Some(h) = m.hours {
                when.push(format!("с {} до {}", h.from, h.to));
            }
            if let Some(id) = &m.inside {
                when.push(reg.schedule(id).map_or(format!("в период «{id}»"), |s| {
                    format!(
                        "в период «{} ({})»",
                        s.title,
                        weekly_ru(s.schedule().weekly())
                    )
                }));
            }
            if let Some(o) = &m.outside {
                when.push(format!(
                    "вне графика «{}»",
                    reg.schedule(o).map_or(o.as_str(), |s| s.title.as_str())
                ));
            }
            let titles = |ids: &[String], title: &dyn Fn(&str) -> Option<String>| {
                ids.iter()
                    .map(|id| format!("«{}»", title(id).unwrap_or_else(|| id.clone())))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !m.levels.is_empty() {
                when.push(format!(
                    "по обращениям уровня {}",
                    titles(&m.levels, &|id| reg.level(id).map(|l| l.title.clone()))
                ));
            }
            if !m.priorities.is_empty() {
                when.push(format!(
                    "по обращениям с приоритетом {}",
                    titles(&m.priorities, &|id| reg
                        .priority(id)
                        .map(|p| p.title.clone()))
                ));
            }
            let covered: Vec<&crate::Activity> = b
                .activities_in_order()
                .filter(|a| m.activities.is_empty() || m.activities.contains(&a.id))
                .collect();
            // The price that results, per activity with an hourly rate; the factor for the rest.
            let priced: Vec<String> = match m.price {
                crate::WindowPrice::Rate(r) => {
                    let names: Vec<&str> = covered.iter().map(|a| a.title.as_str()).collect();
                    vec![format!("{} — {r} в час", names.join(", "))]
                }
                crate::WindowPrice::Factor(f) => covered
                    .iter()
                    .map(|a| match a.rate {
                        Some(r) if !a.by_contract => {
                            format!("{} — {} в час", a.title, r.times(f))
                        }
                        _ => format!("{} — ×{}", a.title, f.to_string().replace('.', ",")),
                    })
                    .collect(),
            };
            items.push(format!(
                "{}: {} за работу {}",
                m.title,
                priced.join("; "),
                when.join(", ")
            ));
        }
        if !b.multipliers.is_empty() {
            items.push(
                "Работа, пересекающая границу периода, оплачивается по частям, по цене каждого периода."
                    .into(),
            );
        }
        d.push(List(items));
    }
    d
}

/// Whether a schedule serves only to price work (a multiplier's window): it is then no support
/// hours, and «Время работы» does not list it.
fn billing_only(reg: &Regulation, id: &str) -> bool {
    let in_billing = reg.billing.as_ref().is_some_and(|b| {
        b.multipliers
            .iter()
            .any(|m| m.inside.as_deref() == Some(id) || m.outside.as_deref() == Some(id))
    });
    let for_support = reg.targets.iter().any(|t| t.schedule == id)
        || reg
            .channels
            .iter()
            .any(|c| c.accepted.as_deref() == Some(id))
        || reg.lines.iter().any(|l| l.schedule.as_deref() == Some(id))
        || reg
            .levels
            .iter()
            .any(|l| l.keywords_during.as_deref() == Some(id))
        || reg
            .lifecycle_schedule()
            .is_some_and(|s| s.id == id && reg.lifecycle.schedule.is_some());
    in_billing && !for_support
}

fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '|' | '<' | '>' | '[' | ']' | '`' | '#'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Renders the customer-facing document as Markdown.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"Регламент <поддержки>\"\n[schedules.office]\ntitle = \"Основной\"\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n")?;
/// let md = reglament_regulation::render::markdown(&reg);
/// assert!(md.starts_with("# Регламент \\<поддержки\\>"));
/// assert!(md.contains("| Основной | пн–пт 09:00–18:00 |"));
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
pub fn markdown(reg: &Regulation) -> String {
    let mut out = String::new();
    for b in document(reg) {
        match b {
            Block::Heading(level, t) => {
                out.push_str(&format!(
                    "{} {}\n\n",
                    "#".repeat(level.into()),
                    md_escape(&t)
                ));
            }
            Block::Para(t) => out.push_str(&format!("{}\n\n", md_escape(&t))),
            Block::List(items) => {
                for i in items {
                    out.push_str(&format!("- {}\n", md_escape(&i)));
                }
                out.push('\n');
            }
            Block::Table(head, rows) => {
                out.push_str(&format!(
                    "| {} |\n",
                    head.iter()
                        .map(|h| md_escape(h))
                        .collect::<Vec<_>>()
                        .join(" | ")
                ));
                out.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for r in rows {
                    out.push_str(&format!(
                        "| {} |\n",
                        r.iter()
                            .map(|c| md_escape(c))
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Renders the customer-facing document as a standalone HTML page, every value escaped.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"Регламент <script>\"\n")?;
/// let html = reglament_regulation::render::html(&reg);
/// assert!(html.contains("<h1>Регламент &lt;script&gt;</h1>"));
/// assert!(!html.contains("<script>"));
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
pub fn html(reg: &Regulation) -> String {
    let body = html_body(reg);
    format!(
        "<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.5}}table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        html_escape(&reg.name)
    )
}

/// The customer-facing document as an HTML fragment, every value escaped: the body of
/// [`html`], for a page that has its own layout.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"Регламент & Co\"\n")?;
/// let body = reglament_regulation::render::html_body(&reg);
/// assert!(body.starts_with("<h1>Регламент &amp; Co</h1>"));
/// assert!(!body.contains("<html"));
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
pub fn html_body(reg: &Regulation) -> String {
    let mut body = String::new();
    for b in document(reg) {
        match b {
            Block::Heading(level, t) => {
                body.push_str(&format!("<h{level}>{}</h{level}>\n", html_escape(&t)))
            }
            Block::Para(t) => body.push_str(&format!("<p>{}</p>\n", html_escape(&t))),
            Block::List(items) => {
                body.push_str("<ul>\n");
                for i in items {
                    body.push_str(&format!("<li>{}</li>\n", html_escape(&i)));
                }
                body.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                body.push_str("<table>\n<thead><tr>");
                for h in head {
                    body.push_str(&format!("<th>{}</th>", html_escape(&h)));
                }
                body.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    body.push_str("<tr>");
                    for c in r {
                        body.push_str(&format!("<td>{}</td>", html_escape(&c)));
                    }
                    body.push_str("</tr>\n");
                }
                body.push_str("</tbody>\n</table>\n");
            }
        }
    }
    body
}

/// One thing a customer reads that differs between two regulations: a line of the document in
/// a section («Время работы», «Сроки», «Каналы приёма обращений», «Стоимость и учёт времени»,
/// …), as it was and as it is; `None` on one side when it was added or removed.
///
/// # Example
///
/// ```
/// # use reglament_regulation::{Regulation, render};
/// let old = Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\ntitle = \"Офис\"\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n")?;
/// let new = Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\ntitle = \"Офис\"\nhours = { \"mon-fri\" = \"09:00-19:00\" }\n")?;
/// let changes = render::diff(&old, &new);
/// assert_eq!(changes.len(), 1);
/// assert_eq!(changes[0].section, "Время работы");
/// assert_eq!(changes[0].subject, "Офис");
/// assert!(changes[0].new.as_deref().unwrap().contains("пн–пт 09:00–19:00"));
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The document's section.
    pub section: String,
    /// What the line is about: a schedule, a target, a channel, an activity.
    pub subject: String,
    /// The line before.
    pub old: Option<String>,
    /// The line after.
    pub new: Option<String>,
}

/// The lines of a document by section and subject, in document order.
fn facts(reg: &Regulation) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    let mut section = String::new();
    let mut push = |section: &str, subject: String, value: String| {
        let mut key = subject.clone();
        let mut n = 1;
        while out.iter().any(|(s, k, _)| s == section && *k == key) {
            n += 1;
            key = format!("{subject} ({n})");
        }
        out.push((section.to_string(), key, value));
    };
    for b in document(reg) {
        match b {
            Block::Heading(1, _) => {}
            Block::Heading(_, t) => section = t,
            Block::Para(t) => push(&section, t.clone(), t),
            Block::List(items) => {
                for i in items {
                    match i.split_once(':') {
                        Some((subject, rest)) if subject.chars().count() <= 100 => {
                            push(
                                &section,
                                subject.trim().to_string(),
                                rest.trim().to_string(),
                            );
                        }
                        _ => push(&section, i.clone(), i),
                    }
                }
            }
            Block::Table(head, rows) => {
                for r in rows {
                    let Some((first, rest)) = r.split_first() else {
                        continue;
                    };
                    let value = head
                        .iter()
                        .skip(1)
                        .zip(rest)
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(h, v)| format!("{h}: {v}"))
                        .collect::<Vec<_>>()
                        .join("; ");
                    push(&section, first.clone(), value);
                }
            }
        }
    }
    out
}

/// What changed for customers between two regulations: every line of the published document
/// that was added, removed or changed, by section — hours, channels, terms and prices among
/// them, since the document states every enforced setting. Empty when a customer would read
/// the same document.
///
/// # Example
///
/// ```
/// # use reglament_regulation::{Regulation, render};
/// let old = Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = 2000\n")?;
/// let new = Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = 2500\n")?;
/// let c = &render::diff(&old, &new)[0];
/// assert_eq!((c.section.as_str(), c.subject.as_str()), ("Стоимость и учёт времени", "Работы"));
/// assert_eq!((c.old.as_deref(), c.new.as_deref()), (Some("2 000 ₽ в час"), Some("2 500 ₽ в час")));
/// assert!(render::diff(&old, &old).is_empty());
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
pub fn diff(old: &Regulation, new: &Regulation) -> Vec<Change> {
    let (before, after) = (facts(old), facts(new));
    let find = |list: &[(String, String, String)], s: &str, k: &str| {
        list.iter()
            .find(|(ls, lk, _)| ls == s && lk == k)
            .map(|(_, _, v)| v.clone())
    };
    let mut out = Vec::new();
    for (s, k, v) in &after {
        match find(&before, s, k) {
            Some(was) if was == *v => {}
            was => out.push(Change {
                section: s.clone(),
                subject: k.clone(),
                old: was,
                new: Some(v.clone()),
            }),
        }
    }
    for (s, k, v) in &before {
        if find(&after, s, k).is_none() {
            out.push(Change {
                section: s.clone(),
                subject: k.clone(),
                old: Some(v.clone()),
                new: None,
            });
        }
    }
    // By section in the order the new document has them, then sections it no longer has.
    let mut sections: Vec<&str> = Vec::new();
    for (s, _, _) in after.iter().chain(&before) {
        if !sections.contains(&s.as_str()) {
            sections.push(s);
        }
    }
    let order = |c: &Change| sections.iter().position(|s| *s == c.section);
    out.sort_by_key(order);
    out
}
