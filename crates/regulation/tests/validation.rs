//! Malformed regulation files: each snippet has exactly one problem, and the diagnostic must
//! point at it (line and column, 1-based, column in characters) and name the bad value.
//!
//! Positions were counted by hand from the snippet text: a diagnostic about a value points at
//! the value's first character (the opening quote of a string; in a list, the element itself),
//! and a diagnostic about an unknown key points at the key.

use reglament_regulation::Regulation;

struct Case {
    what: &'static str,
    text: &'static str,
    line: usize,
    column: usize,
    /// Fragments the message must contain; the first names the bad value.
    says: &'static [&'static str],
}

fn check(c: &Case) -> Result<(), String> {
    let err = match Regulation::parse(c.text) {
        Ok(_) => return Err(format!("{}: parsed without a diagnostic", c.what)),
        Err(e) => e,
    };
    if err.diagnostics.len() != 1 {
        return Err(format!(
            "{}: expected exactly one diagnostic, got {}:\n{err}",
            c.what,
            err.diagnostics.len()
        ));
    }
    let d = &err.diagnostics[0];
    let mut problems = Vec::new();
    if (d.line, d.column) != (c.line, c.column) {
        problems.push(format!(
            "at line {}, column {} instead of line {}, column {}",
            d.line, d.column, c.line, c.column
        ));
    }
    for s in c.says {
        if !d.message.contains(s) {
            problems.push(format!("does not say {s:?}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}: {} — `{d}`", c.what, problems.join("; ")))
    }
}

fn check_all(cases: &[Case]) {
    let failures: Vec<String> = cases.iter().filter_map(|c| check(c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const CASES: &[Case] = &[
    Case {
        what: "target names an unknown schedule",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "received"
stop = "registered"
schedule = "ofice"
duration = "1 working hour"
"#,
        line: 10,
        column: 12,
        says: &["unknown schedule `ofice`", "`office`"],
    },
    Case {
        what: "pause_in names an unknown status",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
pause_in = ["waiting_client"]
schedule = "office"
duration = "8 working hours"
"#,
        line: 10,
        column: 13,
        says: &["unknown status `waiting_client`", "`waiting_customer`"],
    },
    Case {
        what: "second pause_in element names an unknown status",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
pause_in = ["waiting_customer", "on_hold"]
schedule = "office"
duration = "8 working hours"
"#,
        line: 10,
        column: 33,
        says: &["unknown status `on_hold`"],
    },
    Case {
        // The map's keys carry no position, so the diagnostic points at the entry's term.
        what: "by_level names an unknown level",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[levels]]
id = "premium"
title = "Премиум"
[[targets]]
id = "t"
title = "T"
start = "received"
stop = "public_reply"
schedule = "office"
by_level = { premum = "3 hours" }
"#,
        line: 14,
        column: 23,
        says: &["unknown level `premum`", "`premium`"],
    },
    Case {
        what: "level gives an unknown priority",
        text: r#"[regulation]
name = "R"
[[priorities]]
id = "P1"
title = "Критический"
[[levels]]
id = "vip"
title = "VIP"
priority = "P9"
"#,
        line: 9,
        column: 12,
        says: &["unknown priority `P9`", "level `vip`", "`P1`"],
    },
    Case {
        what: "by_priority names an unknown priority",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[priorities]]
id = "P1"
title = "Критический"
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
schedule = "office"
by_priority = { P1 = "4 working hours", P5 = "10 working days" }
"#,
        line: 14,
        column: 46,
        says: &["unknown priority `P5`", "`P1`"],
    },
    Case {
        what: "target applies to an unknown priority",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[priorities]]
id = "P1"
title = "Критический"
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
schedule = "office"
duration = "4 working hours"
priorities = ["P1", "P0"]
"#,
        line: 15,
        column: 21,
        says: &["unknown priority `P0`"],
    },
    Case {
        what: "duration with a made-up unit",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
schedule = "office"
duration = "5 workdays"
"#,
        line: 11,
        column: 12,
        says: &["`5 workdays`", "unknown unit `workdays`", "`working days`"],
    },
    Case {
        what: "bound of a term with a made-up unit",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
schedule = "office"
duration = "24 working hours, at most 5 workdays"
"#,
        line: 11,
        column: 12,
        says: &["unknown unit `workdays`"],
    },
    Case {
        what: "line reaction with a number that is not a number",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "10:00-18:00" }
[[lines]]
id = "L1"
title = "Консультант"
reaction = "two working hours"
schedule = "office"
"#,
        line: 8,
        column: 12,
        says: &["`two`", "is not a number"],
    },
    Case {
        what: "auto-close term with a misspelt unit",
        text: r#"[regulation]
name = "R"
[lifecycle]
auto_close_after = "24 hourz"
"#,
        line: 4,
        column: 20,
        says: &["unknown unit `hourz`", "auto_close_after"],
    },
    Case {
        what: "working hours ending at 25:00",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-25:00" }
"#,
        line: 4,
        column: 23,
        says: &[
            "time of day `25:00` is not valid",
            "`09:00-25:00`",
            "schedule `office`",
        ],
    },
    Case {
        what: "misspelt day selector",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fry" = "09:00-18:00" }
"#,
        line: 4,
        column: 23,
        says: &["unknown weekday `fry`", "`mon-fry`"],
    },
    Case {
        what: "regulation time zone that does not exist",
        text: r#"[regulation]
name = "R"
timezone = "Europe/Moskva"
"#,
        line: 3,
        column: 12,
        says: &["unknown time zone `Europe/Moskva`", "`Europe/Moscow`"],
    },
    Case {
        what: "schedule time zone given as an abbreviation",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
timezone = "MSK"
"#,
        line: 5,
        column: 12,
        says: &["unknown time zone `MSK`"],
    },
    Case {
        what: "unknown calendar",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
calendar = "by"
"#,
        line: 5,
        column: 12,
        says: &["unknown calendar `by`", "`ru`", "`none`"],
    },
    Case {
        what: "override on 30 February",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
overrides = [{ date = "2026-02-30", hours = "off" }]
"#,
        line: 5,
        column: 23,
        says: &["`2026-02-30`", "YYYY-MM-DD"],
    },
    Case {
        what: "typo'd key in a target",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
pause_on = ["waiting_customer"]
schedule = "office"
duration = "8 working hours"
"#,
        line: 10,
        column: 1,
        says: &["unknown field `pause_on`", "`pause_in`"],
    },
    Case {
        what: "typo'd key in a channel",
        text: r#"[regulation]
name = "R"
[channels.email]
kind = "email"
on_day_off = false
"#,
        line: 5,
        column: 1,
        says: &["unknown field `on_day_off`", "`on_days_off`"],
    },
    Case {
        what: "duplicate priority id",
        text: r#"[regulation]
name = "R"
[[priorities]]
id = "P1"
title = "Критический"
[[priorities]]
id = "P1"
title = "Высокий"
"#,
        line: 7,
        column: 6,
        says: &["duplicate priority id `P1`"],
    },
    Case {
        what: "duplicate category id",
        text: r#"[regulation]
name = "R"
[[categories]]
id = "seo"
title = "SEO"
[[categories]]
id = "layout"
title = "Вёрстка"
[[categories]]
id = "seo"
title = "Продвижение"
"#,
        line: 10,
        column: 6,
        says: &["duplicate category id `seo`"],
    },
    Case {
        what: "duplicate target id",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "resolution"
title = "Решение"
start = "registered"
stop = "completed"
schedule = "office"
duration = "8 working hours"
[[targets]]
id = "resolution"
title = "Решение (VIP)"
start = "registered"
stop = "completed"
schedule = "office"
duration = "4 working hours"
"#,
        line: 13,
        column: 6,
        says: &["duplicate target id `resolution`"],
    },
    Case {
        what: "unknown start event",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "answered"
stop = "completed"
schedule = "office"
duration = "8 working hours"
"#,
        line: 8,
        column: 9,
        says: &["unknown event `answered`", "`public_reply`"],
    },
    Case {
        what: "unknown single stop event",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "solved"
schedule = "office"
duration = "8 working hours"
"#,
        line: 9,
        column: 8,
        says: &["unknown event `solved`"],
    },
    Case {
        what: "unknown resume_on event",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
resume_on = ["reopen"]
schedule = "office"
duration = "8 working hours"
"#,
        line: 10,
        column: 14,
        says: &["unknown event `reopen`"],
    },
    Case {
        what: "hand-over to an unknown line",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[lines]]
id = "L1"
title = "Консультант"
[[targets]]
id = "t"
title = "T"
start = "handed_over:L9"
stop = "assigned"
schedule = "office"
duration = "4 working hours"
"#,
        line: 11,
        column: 9,
        says: &["unknown line `L9`", "`L1`"],
    },
    Case {
        what: "unknown channel kind",
        text: r#"[regulation]
name = "R"
[channels.tg]
kind = "telegram"
"#,
        line: 4,
        column: 8,
        says: &["unknown kind `telegram`", "`messenger`"],
    },
    Case {
        what: "level by an unknown category",
        text: r#"[regulation]
name = "R"
[[categories]]
id = "site_down"
title = "Сайт не работает"
[[levels]]
id = "emergency"
title = "Экстренная"
categories = ["site_down", "site_dwn"]
"#,
        line: 9,
        column: 28,
        says: &["unknown category `site_dwn`", "`site_down`"],
    },
    Case {
        what: "unknown ticket field",
        text: r#"[regulation]
name = "R"
[fields]
required = ["subject", "passport"]
"#,
        line: 4,
        column: 24,
        says: &["unknown field `passport`", "`state_contract_number`"],
    },
    Case {
        what: "unknown deferral reason",
        text: r#"[regulation]
name = "R"
[lifecycle]
deferral_reasons = ["bored"]
"#,
        line: 4,
        column: 21,
        says: &["unknown deferral reason `bored`", "`cannot_reproduce`"],
    },
    Case {
        what: "attachment size in words",
        text: r#"[regulation]
name = "R"
[attachments]
max_size = "10 megabytes"
"#,
        line: 4,
        column: 12,
        says: &["size `10 megabytes`"],
    },
    Case {
        what: "warning at 150 per cent",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = "completed"
schedule = "office"
duration = "8 working hours"
warn_at_percent = 150
"#,
        line: 12,
        column: 19,
        says: &["`warn_at_percent = 150`", "1 to 99"],
    },
    Case {
        what: "second default priority",
        text: r#"[regulation]
name = "R"
[[priorities]]
id = "P3"
title = "Обычный"
default = true
[[priorities]]
id = "P4"
title = "Низкий"
default = true
"#,
        line: 8,
        column: 6,
        says: &["`P4`", "second default"],
    },
    Case {
        what: "phone tiers out of order",
        text: r#"[regulation]
name = "R"
[billing.activities.phone]
title = "Телефон"
tiers = [ { up_to = "45 minutes", price = 1000 }, { up_to = "15 minutes", price = 500 } ]
rate = 2000
"#,
        line: 5,
        column: 61,
        says: &["\"15 minutes\"", "longer than the previous tier"],
    },
    Case {
        what: "billing minimum in working time",
        text: r#"[regulation]
name = "R"
[billing.activities.remote]
title = "Удалённый доступ"
rate = 2000
minimum = "1 working hour"
"#,
        line: 6,
        column: 11,
        says: &["`1 working hour`", "plain minutes or hours"],
    },
    Case {
        what: "a rate that overflows the kopecks",
        text: r#"[regulation]
name = "R"
[billing.activities.work]
title = "Работы"
rate = 184467440737095517
"#,
        line: 5,
        column: 8,
        says: &["`184467440737095517`", "from 0 to 1000000000"],
    },
    Case {
        what: "a rate of 1e308",
        text: r#"[regulation]
name = "R"
[billing.activities.work]
title = "Работы"
rate = 1e308
"#,
        line: 5,
        column: 8,
        says: &["from 0 to 1000000000"],
    },
    Case {
        what: "a rate that is infinite",
        text: r#"[regulation]
name = "R"
[billing.activities.work]
title = "Работы"
rate = inf
"#,
        line: 5,
        column: 8,
        says: &["`inf`", "from 0 to 1000000000"],
    },
    Case {
        what: "a negative rate written as text",
        text: r#"[regulation]
name = "R"
[billing.activities.work]
title = "Работы"
rate = "-0.50"
"#,
        line: 5,
        column: 8,
        says: &["`-0.50`", "from 0 to 1000000000"],
    },
    Case {
        what: "a rate with a sign inside",
        text: r#"[regulation]
name = "R"
[billing.activities.work]
title = "Работы"
rate = "10.-5"
"#,
        line: 5,
        column: 8,
        says: &["`10.-5`"],
    },
    Case {
        what: "an attachment size that overflows",
        text: r#"[regulation]
name = "R"
[attachments]
max_size = "17592186044417 MB"
"#,
        line: 4,
        column: 12,
        says: &["`17592186044417 MB`", "at most 1048576 MB"],
    },
    Case {
        what: "a factor that is not a number",
        text: r#"[regulation]
name = "R"
[billing.activities.work]
title = "Работы"
rate = 1500
[[billing.multipliers]]
title = "Ночь"
factor = nan
inside = "x"
[schedules.x]
hours = { daily = "00:00-06:00" }
calendar = "none"
"#,
        line: 8,
        column: 10,
        says: &["`factor = NaN`", "positive number up to 1000"],
    },
    Case {
        what: "included hours that are infinite",
        text: r#"[regulation]
name = "R"
[billing.plans.base]
title = "База"
monthly_fee = 1000
included_hours = inf
"#,
        line: 6,
        column: 18,
        says: &["`included_hours = inf`", "from 0 to 100000"],
    },
    Case {
        what: "billing activity without a price, reported at the activity",
        text: r#"[regulation]
name = "R"
[billing.activities.audit]
title = "Аудит"
"#,
        line: 4,
        column: 9,
        says: &["billing activity `audit`", "neither `rate` nor `tiers`"],
    },
    Case {
        what: "override date with a time",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { weekdays = "09:00-18:00" }
overrides = [ { date = "2026-12-31T00:00", hours = "off" } ]
"#,
        line: 5,
        column: 24,
        says: &["`2026-12-31T00:00`", "`YYYY-MM-DD`"],
    },
    Case {
        what: "multiplier inside an unknown schedule",
        text: r#"[regulation]
name = "R"
[billing.activities.work]
title = "Работы"
rate = 1500
[[billing.multipliers]]
title = "Двойной тариф"
factor = 2
inside = "emergancy"
"#,
        line: 9,
        column: 10,
        says: &["unknown schedule `emergancy`"],
    },
    Case {
        what: "emergency-only channel without its emergencies",
        text: r#"[regulation]
name = "R"
[channels.telegram]
kind = "messenger"
emergency_only = true
"#,
        line: 4,
        column: 8,
        says: &["`emergency_only` needs `categories`"],
    },
    Case {
        what: "unknown-sender rule on a channel that is not email",
        text: r#"[regulation]
name = "R"
[channels.portal]
kind = "portal"
unknown_senders = "accept"
"#,
        line: 5,
        column: 19,
        says: &["`unknown_senders` applies only to `kind = \"email\"`"],
    },
    Case {
        what: "unknown-sender rule misspelt",
        text: r#"[regulation]
name = "R"
[channels.email]
kind = "email"
unknown_senders = "accpet"
"#,
        line: 5,
        column: 19,
        says: &[
            "unknown `unknown_senders` value `accpet`, expected one of `hold`, `reject`, `accept`",
        ],
    },
    Case {
        what: "channel accepting an unknown category",
        text: r#"[regulation]
name = "R"
[channels.telegram]
kind = "messenger"
categories = ["site_dwn"]
"#,
        line: 5,
        column: 15,
        says: &["unknown category `site_dwn`"],
    },
];

#[test]
fn every_malformed_snippet_is_reported_at_its_line_and_column_naming_the_bad_value() {
    check_all(CASES);
}

#[test]
fn a_well_formed_snippet_from_the_same_pieces_parses() {
    // Guards the table above: with its one mistake corrected, a snippet is valid.
    let ok = r#"[regulation]
name = "R"
timezone = "Europe/Moscow"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[priorities]]
id = "P1"
title = "Критический"
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = ["completed", "closed"]
pause_in = ["waiting_customer"]
resume_on = ["reopened"]
schedule = "office"
by_priority = { P1 = "4 working hours" }
duration = "24 working hours, at most 5 weekdays"
"#;
    Regulation::parse(ok).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn several_problems_are_all_reported_in_file_order() {
    let text = r#"[regulation]
name = "R"
timezone = "Europe/Moskva"
[schedules.office]
hours = { "mon-fri" = "09:00-25:00" }
[[targets]]
id = "t"
title = "T"
start = "answered"
stop = "completed"
schedule = "office"
duration = "5 workdays"
"#;
    let err = Regulation::parse(text).unwrap_err();
    let at: Vec<(usize, usize)> = err.diagnostics.iter().map(|d| (d.line, d.column)).collect();
    assert_eq!(at, [(3, 12), (5, 23), (9, 9), (12, 12)], "{err}");
}

#[test]
fn bad_money_is_reported_naming_the_bad_amount() {
    check_all(&[
        Case {
            what: "rate in words",
            text: r#"[regulation]
name = "R"
[billing.activities.phone]
title = "Телефон"
rate = "2000 рублей"
"#,
            line: 5,
            column: 8,
            says: &["`2000 рублей`", "`rate`"],
        },
        Case {
            what: "tier price in words",
            text: r#"[regulation]
name = "R"
[billing.activities.phone]
title = "Телефон"
tiers = [ { up_to = "15 minutes", price = "пятьсот" } ]
"#,
            line: 5,
            column: 43,
            says: &["`пятьсот`", "price"],
        },
    ]);
}

#[test]
fn unknown_event_in_a_multi_line_stop_list_is_reported_where_it_is_written() {
    check_all(&[Case {
        what: "unknown stop event in a multi-line list",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
[[targets]]
id = "t"
title = "T"
start = "registered"
stop = [
  "completed",
  "finished",
]
schedule = "office"
duration = "8 working hours"
"#,
        line: 11,
        column: 3,
        says: &["unknown event `finished`"],
    }]);
}

#[test]
fn target_id_clashing_with_a_lines_generated_reaction_target_is_rejected() {
    check_all(&[Case {
        what: "user target named like a line's reaction target",
        text: r#"[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "10:00-18:00" }
[[lines]]
id = "L1"
title = "Консультант"
reaction = "2 working hours"
schedule = "office"
[[targets]]
id = "reaction_L1"
title = "Реакция"
start = "received"
stop = "public_reply"
schedule = "office"
duration = "8 working hours"
"#,
        line: 11,
        column: 6,
        says: &["`reaction_L1`"],
    }]);
}

#[test]
fn an_echoed_value_has_its_bidirectional_and_control_characters_escaped() {
    let text = "[regulation]\nname = \"R\"\n[schedules.office]\ntimezone = \"Europe/\u{202e}wocsoM\\u0007\"\nhours = { daily = \"09:00-18:00\" }\n";
    let err = Regulation::parse(text).unwrap_err();
    let m = &err.diagnostics[0].message;
    assert!(m.contains("Europe/\\u{202e}wocsoM\\u{7}"), "{m}");
    assert!(!m.contains('\u{202e}') && !m.contains('\u{7}'), "{m}");
}
