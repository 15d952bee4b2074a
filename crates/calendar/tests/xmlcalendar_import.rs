//! Importers: the real xmlcalendar.ru files for 2019–2027 against the built-in calendar, the
//! data.gov.ru CSV, iCalendar, format detection, and malformed files with line numbers.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::ToSpan;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use reglament_calendar::import::{self, Format, ImportReport};
use reglament_calendar::{DayOverride, Error, ProductionCalendar, Schedule, WeeklyPattern};

fn data(path: &str) -> String {
    let full = format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn xml_file(year: i16) -> String {
    data(&format!("xmlcalendar/ru_{year}.xml"))
}

fn schedule(cal: Arc<ProductionCalendar>, presidential_working: bool) -> Schedule {
    Schedule::new(
        TimeZone::get("Europe/Moscow").unwrap(),
        WeeklyPattern::parse("mon-fri", "09:00-18:00").unwrap(),
    )
    .with_calendar(cal)
    .count_presidential_days(presidential_working)
}

fn year_dates(year: i16) -> impl Iterator<Item = Date> {
    date(year, 1, 1)
        .series(1.day())
        .take_while(move |d| d.year() == year)
}

/// The dates of `year` whose hours differ between the two calendars.
fn differences(
    imported: &ProductionCalendar,
    year: i16,
    presidential_working: bool,
) -> Vec<(Date, String, String)> {
    let ours = schedule(Arc::new(imported.clone()), presidential_working);
    let builtin = schedule(ProductionCalendar::russia(), presidential_working);
    year_dates(year)
        .filter_map(|d| {
            let (a, b) = (ours.day(d), builtin.day(d));
            (a.hours != b.hours).then(|| (d, a.to_string(), b.to_string()))
        })
        .collect()
}

/// The line of an import error, and its message.
fn import_error(r: Result<ImportReport, Error>) -> (&'static str, usize, String) {
    match r {
        Err(Error::Import {
            format,
            line,
            message,
        }) => (format, line, message),
        Err(other) => panic!("expected an import error, got {other:?}"),
        Ok(r) => panic!("expected an import error, got a calendar for {:?}", r.years),
    }
}

// ---------------------------------------------------------------------------------------------
// xmlcalendar: the real files

#[test]
fn every_real_xmlcalendar_file_imports_cleanly() {
    for year in 2019..=2027 {
        let r = import::xmlcalendar(&xml_file(year)).unwrap_or_else(|e| panic!("{year}: {e}"));
        assert_eq!(r.format, Format::XmlCalendar);
        assert_eq!(r.years, vec![year]);
        assert_eq!(r.calendar.known_years(), Some((year, year)));
        assert!(r.warnings.is_empty(), "{year}: {:?}", r.warnings);
    }
}

#[test]
fn every_real_xmlcalendar_file_agrees_with_the_builtin_calendar_day_by_day() {
    for year in 2019..=2027 {
        let r = import::xmlcalendar(&xml_file(year)).unwrap();
        let diff = differences(&r.calendar, year, false);
        assert!(diff.is_empty(), "{year}: {diff:#?}");
    }
}

#[test]
fn with_presidential_days_counted_only_the_three_overwritten_shortened_days_differ() {
    // xmlcalendar lists 30 Apr 2020, 8 May 2020 and 3 Nov 2021 as Presidential non-working days
    // and no longer as shortened days. Everything else must agree, including the Presidential
    // days that fell on weekends (April 2020, 30–31 October 2021).
    let mut diff = BTreeSet::new();
    let mut detail = Vec::new();
    for year in 2019..=2027 {
        let r = import::xmlcalendar(&xml_file(year)).unwrap();
        for (d, ours, builtin) in differences(&r.calendar, year, true) {
            diff.insert(d);
            detail.push(format!("{d}: imported {ours} / built-in {builtin}"));
        }
    }
    let expected: BTreeSet<Date> = [date(2020, 4, 30), date(2020, 5, 8), date(2021, 11, 3)]
        .into_iter()
        .collect();
    assert_eq!(diff, expected, "{}", detail.join("\n"));
}

#[test]
fn a_presidential_day_on_a_weekend_stays_a_weekend_when_counted_as_working() {
    let mut cal = ProductionCalendar::new("test");
    cal.insert(
        date(2020, 4, 4),
        DayOverride::Presidential {
            basis: "Указ Президента РФ от 02.04.2020 № 239".into(),
            shortened: false,
        },
    );
    let s = schedule(Arc::new(cal), true);
    assert_eq!(s.day(date(2020, 4, 4)).hours.to_string(), "off");
}

#[test]
fn the_overwritten_shortened_days_are_full_days_in_the_import_when_counted_as_working() {
    for (year, d) in [
        (2020, date(2020, 4, 30)),
        (2020, date(2020, 5, 8)),
        (2021, date(2021, 11, 3)),
    ] {
        let r = import::xmlcalendar(&xml_file(year)).unwrap();
        let s = schedule(Arc::new(r.calendar), true);
        assert_eq!(s.day(d).hours.to_string(), "09:00-18:00", "{d}");
    }
}

#[test]
fn presidential_days_are_recognised_from_the_holiday_title() {
    let r = import::xmlcalendar(&xml_file(2020)).unwrap();
    match r.calendar.get(date(2020, 4, 6)) {
        Some(DayOverride::Presidential { basis, .. }) => assert!(basis.contains("239"), "{basis}"),
        other => panic!("{other:?}"),
    }
    match r.calendar.get(date(2020, 7, 1)) {
        Some(DayOverride::Presidential { basis, .. }) => assert!(basis.contains("354"), "{basis}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        r.calendar.get(date(2020, 6, 12)),
        Some(&DayOverride::Holiday {
            name: "День России".into()
        })
    );
    // A transferred day off without `h`, with and without `f`.
    assert_eq!(
        r.calendar.get(date(2020, 5, 4)),
        Some(&DayOverride::TransferredDayOff { from: None })
    );
    let r = import::xmlcalendar(&xml_file(2021)).unwrap();
    assert_eq!(
        r.calendar.get(date(2021, 12, 31)),
        Some(&DayOverride::TransferredDayOff {
            from: Some(date(2021, 1, 3))
        })
    );
}

#[test]
fn import_reports_count_weekday_days_off_shortened_days_and_working_weekends() {
    // 2024: days off on weekdays are 1–5 and 8 Jan, 23 Feb, 8 Mar, 29–30 Apr, 1, 9 and 10 May,
    // 12 Jun, 4 Nov, 30–31 Dec = 17; 262 weekdays − 17 + 3 working Saturdays = 248.
    let r = import::xmlcalendar(&xml_file(2024)).unwrap();
    assert_eq!((r.non_working, r.shortened, r.working_weekends), (17, 5, 3));
    // 2025: 1–3, 6–8 Jan, 1, 2, 8, 9 May, 12–13 Jun, 3–4 Nov, 31 Dec = 15; Sat 1 Nov is both
    // shortened and a working weekend day.
    let r = import::xmlcalendar(&xml_file(2025)).unwrap();
    assert_eq!((r.non_working, r.shortened, r.working_weekends), (15, 4, 1));
    let text = r.to_string();
    assert!(text.contains("format: xmlcalendar"), "{text}");
    assert!(text.contains("years: 2025"), "{text}");
    assert!(text.contains("non-working weekdays: 15"), "{text}");
}

#[test]
fn a_file_without_country_is_russian_and_gets_art112_holidays_for_other_years() {
    // ru_2024.xml has no `country` attribute.
    let r = import::xmlcalendar(&xml_file(2024)).unwrap();
    assert!(!r.calendar.is_working_day(date(2031, 6, 12)));
    assert!(r.calendar.is_provisional(date(2031, 6, 12)));
    // Inside the file's year, only what the file lists counts.
    assert!(!r.calendar.is_provisional(date(2024, 6, 12)));
}

#[test]
fn a_non_russian_file_gets_no_art112_holidays() {
    let xml = r#"<calendar year="2026" lang="ru" date="2025.09.30" country="by">
<holidays><holiday id="1" title="Новый год"/></holidays>
<days><day d="01.01" t="1" h="1"/></days></calendar>"#;
    let r = import::xmlcalendar(xml).unwrap();
    assert!(!r.calendar.is_working_day(date(2026, 1, 1)));
    // 12 June 2030 is a Wednesday, and nothing says it is off.
    assert!(r.calendar.is_working_day(date(2030, 6, 12)));
}

#[test]
fn the_example_xmlcalendar_style_file_agrees_with_the_builtin_2025() {
    let r = import::xmlcalendar(&data("xmlcalendar_style_ru_2025.xml")).unwrap();
    assert_eq!(r.years, vec![2025]);
    assert!(differences(&r.calendar, 2025, false).is_empty());
    assert!(differences(&r.calendar, 2025, true).is_empty());
}

#[test]
fn a_weekday_marked_as_working_weekend_is_imported_with_a_warning_naming_its_line() {
    let xml = "<calendar year=\"2026\">\n<days>\n<day d=\"11.23\" t=\"3\"/>\n</days>\n</calendar>";
    let r = import::xmlcalendar(xml).unwrap();
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].starts_with("line 3:"), "{:?}", r.warnings);
    assert!(r.warnings[0].contains("2026-11-23"), "{:?}", r.warnings);
}

// ---------------------------------------------------------------------------------------------
// xmlcalendar: malformed files

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

#[test]
fn malformed_xml_names_the_line_of_the_bad_tag() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\" lang=\"ru\">\n  <days>\n    <day d=\"01.01\" t=\"1\">\n  </days>\n</calendar>\n"
    );
    // `<day>` on line 4 is never closed; `</days>` on line 5 is the error.
    let (format, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(format, "xmlcalendar");
    assert_eq!(line, 5, "{message}");
    assert!(message.starts_with("malformed XML"), "{message}");
}

#[test]
fn an_unterminated_attribute_names_its_line() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\">\n<days>\n<day d=\"01.01 t=\"1\"/>\n</days>\n</calendar>\n"
    );
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 4, "{message}");
}

#[test]
fn a_bad_day_type_names_its_line_and_value() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\">\n<days>\n<day d=\"01.01\" t=\"1\"/>\n<day d=\"01.09\" t=\"4\"/>\n</days>\n</calendar>\n"
    );
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 5, "{message}");
    assert!(message.contains("t=\"4\""), "{message}");
}

#[test]
fn a_missing_day_type_is_an_error_on_its_line() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\">\n<days>\n\n<day d=\"01.09\"/>\n</days>\n</calendar>\n"
    );
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 5, "{message}");
}

#[test]
fn a_day_given_twice_as_different_kinds_is_an_error_on_the_second_line() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\">\n<days>\n<day d=\"12.31\" t=\"1\"/>\n<day d=\"12.31\" t=\"2\"/>\n</days>\n</calendar>\n"
    );
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 5, "{message}");
    assert!(message.contains("day 12.31 is given twice"), "{message}");
    // The same day twice, the same way, is only repeated.
    let same = format!(
        "{HEAD}<calendar year=\"2026\">\n<days>\n<day d=\"12.31\" t=\"1\"/>\n<day d=\"12.31\" t=\"1\"/>\n</days>\n</calendar>\n"
    );
    assert!(import::xmlcalendar(&same).is_ok());
}

#[test]
fn a_bad_day_date_names_its_line_and_value() {
    for (d, bad_line) in [
        ("02.30", 6),
        ("13.01", 6),
        ("1.09", 6),
        ("01-09", 6),
        ("0109", 6),
    ] {
        let xml = format!(
            "{HEAD}<calendar year=\"2026\">\n<days>\n<day d=\"01.01\" t=\"1\"/>\n<day d=\"01.02\" t=\"1\"/>\n<day\n d=\"{d}\" t=\"1\"/>\n</days>\n</calendar>\n"
        );
        let (_, line, message) = import_error(import::xmlcalendar(&xml));
        assert_eq!(line, bad_line, "{d}: {message}");
        assert!(message.contains(&format!("d=\"{d}\"")), "{message}");
        assert!(message.contains("2026"), "{message}");
    }
}

#[test]
fn a_missing_day_date_names_its_line() {
    let xml =
        format!("{HEAD}<calendar year=\"2026\">\n<days>\n<day t=\"1\"/>\n</days>\n</calendar>\n");
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 4, "{message}");
    assert!(message.contains("`d`"), "{message}");
}

#[test]
fn a_missing_year_names_the_calendar_line() {
    let xml = format!("{HEAD}\n<calendar lang=\"ru\" date=\"2025.09.30\">\n<days/>\n</calendar>\n");
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 3, "{message}");
    assert!(message.contains("year"), "{message}");
}

#[test]
fn a_bad_year_names_the_calendar_line_and_value() {
    for y in ["20x6", "99999", ""] {
        let xml = format!("{HEAD}<calendar year=\"{y}\">\n<days/>\n</calendar>\n");
        let (_, line, message) = import_error(import::xmlcalendar(&xml));
        assert_eq!(line, 2, "{message}");
        assert!(message.contains(&format!("year=\"{y}\"")), "{message}");
    }
}

#[test]
fn an_undeclared_holiday_names_the_day_line_and_id() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\">\n<holidays>\n<holiday id=\"1\" title=\"Новогодние каникулы\"/>\n</holidays>\n<days>\n<day d=\"01.01\" t=\"1\" h=\"1\"/>\n<day d=\"06.12\" t=\"1\" h=\"7\"/>\n</days>\n</calendar>\n"
    );
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 8, "{message}");
    assert!(message.contains("h=\"7\""), "{message}");
}

#[test]
fn a_holiday_without_id_names_its_line() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\">\n<holidays>\n<holiday title=\"x\"/>\n</holidays>\n</calendar>\n"
    );
    let (_, line, _) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 4);
}

#[test]
fn a_wrong_root_element_names_its_line_and_tag() {
    let xml = format!("{HEAD}\n\n<kalendar year=\"2026\"/>\n");
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 4, "{message}");
    assert!(message.contains("<kalendar>"), "{message}");
}

#[test]
fn import_errors_display_format_line_and_message() {
    let xml = "<calendar year=\"2024\">\n<days><day d=\"13.45\" t=\"1\"/></days></calendar>";
    let err = import::xmlcalendar(xml).unwrap_err();
    assert_eq!(
        err.to_string(),
        "xmlcalendar line 2: day `d=\"13.45\"` is not a date in 2024, expected `MM.DD`"
    );
}

#[test]
fn a_day_date_with_a_sign_is_rejected() {
    let xml = format!(
        "{HEAD}<calendar year=\"2026\">\n<days>\n<day d=\"+5.04\" t=\"1\"/>\n</days>\n</calendar>\n"
    );
    let (_, line, message) = import_error(import::xmlcalendar(&xml));
    assert_eq!(line, 4, "{message}");
}

// ---------------------------------------------------------------------------------------------
// data.gov.ru CSV

#[test]
fn the_datagov_csv_agrees_with_the_builtin_2025_day_by_day() {
    let r = import::datagov_csv(&data("datagov_style_2025.csv")).unwrap();
    assert_eq!(r.format, Format::DataGovCsv);
    assert_eq!(r.years, vec![2025]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!((r.non_working, r.shortened, r.working_weekends), (15, 4, 1));
    let diff = differences(&r.calendar, 2025, false);
    assert!(diff.is_empty(), "{diff:#?}");
    assert_eq!(
        r.calendar.get(date(2025, 11, 1)),
        Some(&DayOverride::Working {
            weekend: true,
            shortened: true
        })
    );
    assert_eq!(
        r.calendar.get(date(2025, 1, 7)),
        Some(&DayOverride::Holiday {
            name: "Рождество Христово".into()
        })
    );
    assert_eq!(
        r.calendar.get(date(2025, 5, 2)),
        Some(&DayOverride::TransferredDayOff { from: None })
    );
}

fn csv_row() -> (String, String) {
    let text = data("datagov_style_2025.csv");
    let mut lines = text.lines();
    (
        lines.next().unwrap().to_string(),
        lines.next().unwrap().to_string(),
    )
}

#[test]
fn a_datagov_row_whose_totals_disagree_is_imported_with_warnings_naming_the_line() {
    let (header, row) = csv_row();
    let row = row.replace(",247,118,1972,", ",248,117,1980,");
    let r = import::datagov_csv(&format!("{header}\n\n{row}\n")).unwrap();
    assert_eq!(r.warnings.len(), 2, "{:?}", r.warnings);
    assert!(r.warnings[0].starts_with("line 3:"), "{:?}", r.warnings);
    assert!(
        r.warnings[0].contains("247") && r.warnings[0].contains("248"),
        "{:?}",
        r.warnings
    );
    assert!(r.warnings[1].starts_with("line 3:"), "{:?}", r.warnings);
    assert!(
        r.warnings[1].contains("1972") && r.warnings[1].contains("1980"),
        "{:?}",
        r.warnings
    );
}

#[test]
fn a_datagov_file_with_bom_and_crlf_imports() {
    let (header, row) = csv_row();
    let r = import::datagov_csv(&format!("\u{feff}{header}\r\n{row}\r\n")).unwrap();
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(differences(&r.calendar, 2025, false).is_empty());
}

#[test]
fn malformed_datagov_files_name_the_line_and_the_bad_value() {
    let (header, row) = csv_row();
    let bad_header = header.replacen("Год/Месяц", "Year", 1);
    let cases: Vec<(&str, String, usize, &str)> = vec![
        ("empty file", String::new(), 1, "empty"),
        (
            "wrong header",
            format!("{bad_header}\n{row}\n"),
            1,
            "`Year`",
        ),
        ("header only", format!("{header}\n"), 2, "no year rows"),
        (
            "the same year twice",
            format!("{header}\n{row}\n{row}\n"),
            3,
            "year 2025 is given twice",
        ),
        (
            "bad year",
            format!("{header}\n{}\n", row.replacen("2025,", "20x5,", 1)),
            2,
            "`20x5`",
        ),
        (
            "bad token after a blank line",
            format!("{header}\n\n{}\n", row.replacen("7*", "7x", 1)),
            3,
            "`7x`",
        ),
        (
            "a day past the end of the month",
            format!(
                "{header}\n{}\n",
                row.replacen("\"1,2,8,9,15,16,22,23\"", "\"1,2,8,9,15,16,22,23,30\"", 1)
            ),
            2,
            "`30`",
        ),
        (
            "too few fields",
            format!("{header}\n2025,\"1,2\",\"3\"\n"),
            2,
            "3 fields",
        ),
        (
            "unterminated quote",
            format!("{header}\n{row}\n2026,\"1,2,3\n"),
            3,
            "unterminated",
        ),
    ];
    for (what, text, expected_line, needle) in cases {
        let (format, line, message) = import_error(import::datagov_csv(&text));
        assert_eq!(format, "data.gov.ru CSV", "{what}");
        assert_eq!(line, expected_line, "{what}: {message}");
        assert!(message.contains(needle), "{what}: {message}");
    }
}

// ---------------------------------------------------------------------------------------------
// iCalendar

#[test]
fn icalendar_all_day_events_become_holidays_shortened_and_working_days() {
    let ics = "BEGIN:VCALENDAR\r\n\
PRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\n\
DTSTART;VALUE=DATE:20260101\r\n\
DTEND;VALUE=DATE:20260109\r\n\
SUMMARY:Новогодние\r\n  каникулы\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
DTSTART;VALUE=DATE:20260430\r\n\
SUMMARY:Сокращённый день\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
DTSTART:20261107\r\n\
CATEGORIES:working\r\n\
SUMMARY:Рабочая суббота\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
DTSTART:20260612T100000Z\r\n\
SUMMARY:Митинг\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";
    let r = import::icalendar(ics).unwrap();
    assert_eq!(r.format, Format::ICalendar);
    assert_eq!(r.years, vec![2026]);
    // 1–8 January: 1, 2, 5, 6, 7, 8 are weekdays.
    assert_eq!((r.non_working, r.shortened, r.working_weekends), (6, 1, 1));
    for d in 1..=8 {
        assert!(!r.calendar.is_working_day(date(2026, 1, d)), "1.{d}");
    }
    assert!(
        r.calendar.is_working_day(date(2026, 1, 9)),
        "DTEND is exclusive"
    );
    // The folded summary is unfolded.
    assert_eq!(
        r.calendar.get(date(2026, 1, 1)),
        Some(&DayOverride::Holiday {
            name: "Новогодние каникулы".into()
        })
    );
    assert_eq!(
        r.calendar.get(date(2026, 4, 30)),
        Some(&DayOverride::Working {
            weekend: false,
            shortened: true
        })
    );
    assert!(r.calendar.is_working_day(date(2026, 11, 7)));
    // The timed event is ignored with a warning naming its DTSTART line (line 19; the folded
    // summary is physical line 7).
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].starts_with("line 19:"), "{:?}", r.warnings);
    assert!(r.calendar.is_working_day(date(2026, 6, 12)));
}

#[test]
fn malformed_icalendar_files_name_the_line() {
    let cases: Vec<(&str, &str, usize, &str)> = vec![
        (
            "no header",
            "BEGIN:VEVENT\nEND:VEVENT\n",
            1,
            "BEGIN:VCALENDAR",
        ),
        (
            "nested event",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n",
            4,
            "inside another event",
        ),
        (
            "end without begin",
            "BEGIN:VCALENDAR\nPRODID:x\nEND:VEVENT\nEND:VCALENDAR\n",
            3,
            "without",
        ),
        (
            "property without a colon",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101\nSUMMARY Новый год\nEND:VEVENT\nEND:VCALENDAR\n",
            4,
            "`SUMMARY Новый год`",
        ),
        (
            "bad date",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART;VALUE=DATE:20261332\nEND:VEVENT\nEND:VCALENDAR\n",
            4,
            "`20261332`",
        ),
        (
            "bad end date",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260101\nSUMMARY:x\nDTEND;VALUE=DATE:2026010\nEND:VEVENT\nEND:VCALENDAR\n",
            5,
            "`2026010`",
        ),
        (
            "short date after a folded line",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:a\n b\n c\nDTSTART;VALUE=DATE:2026011\nEND:VEVENT\nEND:VCALENDAR\n",
            6,
            "`2026011`",
        ),
        (
            "missing DTSTART",
            "BEGIN:VCALENDAR\nPRODID:x\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nEND:VCALENDAR\n",
            3,
            "DTSTART",
        ),
        (
            "event not closed",
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260101\nSUMMARY:x\n",
            2,
            "END:VEVENT",
        ),
    ];
    for (what, text, expected_line, needle) in cases {
        let (format, line, message) = import_error(import::icalendar(text));
        assert_eq!(format, "iCalendar", "{what}");
        assert_eq!(line, expected_line, "{what}: {message}");
        assert!(message.contains(needle), "{what}: {message}");
    }
}

#[test]
fn an_icalendar_event_ending_before_it_starts_names_the_event_line() {
    let text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260105\nDTEND;VALUE=DATE:20260105\nEND:VEVENT\nEND:VCALENDAR\n";
    let (_, line, message) = import_error(import::icalendar(text));
    // Either the DTSTART (3) or the DTEND (4) line is where the event is wrong.
    assert!(line == 3 || line == 4, "{line}: {message}");
}

#[test]
fn a_non_ascii_icalendar_date_is_an_error_not_a_panic() {
    let text =
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:2026年1\nEND:VEVENT\nEND:VCALENDAR\n";
    let r = std::panic::catch_unwind(|| import::icalendar(text));
    let r = r.expect("icalendar must not panic");
    let (_, line, message) = import_error(r);
    assert_eq!(line, 3, "{message}");
}

#[test]
fn icalendar_non_working_days_are_days_off() {
    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260105\nSUMMARY:Нерабочий день\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260106\nSUMMARY:Non-working day\nEND:VEVENT\nEND:VCALENDAR\n";
    let r = import::icalendar(ics).unwrap();
    for d in [date(2026, 1, 5), date(2026, 1, 6)] {
        assert!(
            !r.calendar.is_working_day(d),
            "{d}: {:?}",
            r.calendar.get(d)
        );
    }
    assert_eq!(r.non_working, 2);
}

#[test]
fn an_explicit_date_time_event_is_ignored_with_a_warning() {
    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE-TIME:20260612T100000\nSUMMARY:Митинг\nEND:VEVENT\nEND:VCALENDAR\n";
    let r = import::icalendar(ics).unwrap();
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].starts_with("line 3:"), "{:?}", r.warnings);
}

#[test]
fn icalendar_text_unescapes_an_escaped_backslash_before_n() {
    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260107\nSUMMARY:C:\\\\new\\, \\;ok\nEND:VEVENT\nEND:VCALENDAR\n";
    let r = import::icalendar(ics).unwrap();
    assert_eq!(
        r.calendar.get(date(2026, 1, 7)),
        Some(&DayOverride::Holiday {
            name: "C:\\new, ;ok".into()
        })
    );
}

#[test]
fn icalendar_text_escapes_are_unescaped() {
    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260107\nSUMMARY:Рождество\\, праздник\\; выходной\nEND:VEVENT\nEND:VCALENDAR\n";
    let r = import::icalendar(ics).unwrap();
    assert_eq!(
        r.calendar.get(date(2026, 1, 7)),
        Some(&DayOverride::Holiday {
            name: "Рождество, праздник; выходной".into()
        })
    );
}

// ---------------------------------------------------------------------------------------------
// Detection

#[test]
fn detect_and_import_reads_every_supported_format() {
    let r = import::detect_and_import(&xml_file(2026)).unwrap();
    assert_eq!(
        (r.format, r.years.clone()),
        (Format::XmlCalendar, vec![2026])
    );
    assert!(differences(&r.calendar, 2026, false).is_empty());

    let r = import::detect_and_import(&data("datagov_style_2025.csv")).unwrap();
    assert_eq!(
        (r.format, r.years.clone()),
        (Format::DataGovCsv, vec![2025])
    );

    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260612\nSUMMARY:День России\nEND:VEVENT\nEND:VCALENDAR\n";
    let r = import::detect_and_import(ics).unwrap();
    assert_eq!(
        (r.format, r.years.clone(), r.non_working),
        (Format::ICalendar, vec![2026], 1)
    );

    // A bare `<calendar>` without a declaration is xmlcalendar too.
    let r = import::detect_and_import("<calendar year=\"2026\"><days/></calendar>").unwrap();
    assert_eq!(r.format, Format::XmlCalendar);
}

#[test]
fn detect_and_import_passes_on_the_importers_errors() {
    let (format, line, _) = import_error(import::detect_and_import(
        "<calendar year=\"2026\">\n<days>\n<day d=\"01.01\" t=\"9\"/>\n</days></calendar>",
    ));
    assert_eq!((format, line), ("xmlcalendar", 3));
}

#[test]
fn detect_and_import_rejects_an_unknown_format_on_line_one() {
    for text in ["", "hello", "{\"year\":2026}", "Year,Jan,Feb"] {
        let (format, line, message) = import_error(import::detect_and_import(text));
        assert_eq!((format, line), ("calendar", 1), "{text:?}");
        assert!(message.contains("unknown format"), "{message}");
    }
}

#[test]
fn detect_and_import_accepts_a_byte_order_mark() {
    let (header, row) = csv_row();
    let r = import::detect_and_import(&format!("\u{feff}{header}\n{row}\n")).unwrap();
    assert_eq!(r.format, Format::DataGovCsv);
    let r = import::detect_and_import(
        "\u{feff}BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20260612\nEND:VEVENT\nEND:VCALENDAR\n",
    )
    .unwrap();
    assert_eq!(r.format, Format::ICalendar);
    let r = import::detect_and_import(&format!("\u{feff}{}", xml_file(2026))).unwrap();
    assert_eq!(r.format, Format::XmlCalendar);
}

#[test]
fn format_detection_ignores_leading_whitespace_and_bom() {
    assert_eq!(
        Format::detect("\u{feff}  <calendar year=\"2026\">"),
        Some(Format::XmlCalendar)
    );
    assert_eq!(
        Format::detect("\n\nBEGIN:VCALENDAR\n"),
        Some(Format::ICalendar)
    );
    assert_eq!(Format::detect("Год/Месяц,Январь"), Some(Format::DataGovCsv));
    assert_eq!(Format::detect("<html>"), None);
}

#[test]
fn an_event_spanning_centuries_is_refused_before_it_is_expanded_naming_its_line() {
    let summary = "Очень длинное название ".repeat(50_000);
    let ics = format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:00010101\r\nDTEND;VALUE=DATE:99991231\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let (_, line, message) = import_error(import::icalendar(&ics));
    assert_eq!(line, 3, "{message}");
    assert!(
        message.contains("year 1 is outside 2010–2049, the years deadlines are computed for"),
        "{message}"
    );
    // Inside the years, a long name is kept short.
    let ics = format!(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20260109\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let r = import::icalendar(&ics).unwrap();
    match r.calendar.get(jiff::civil::date(2026, 1, 5)) {
        Some(DayOverride::Holiday { name }) => assert_eq!(name.chars().count(), 200),
        other => panic!("{other:?}"),
    }
    // An event reaching past the last year is refused too.
    let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20491231\r\nDTEND;VALUE=DATE:20500105\r\nSUMMARY:Праздник\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let (_, _, message) = import_error(import::icalendar(ics));
    assert!(message.contains("year 2050 is outside"), "{message}");
}

#[test]
fn a_year_no_deadline_reaches_is_refused_in_xml_and_left_out_of_a_datagov_file() {
    let xml = format!(
        "{HEAD}<calendar year=\"2051\">\n<days>\n<day d=\"01.01\" t=\"1\"/>\n</days>\n</calendar>\n"
    );
    let (_, _, message) = import_error(import::xmlcalendar(&xml));
    assert!(
        message.contains("year 2051 is outside 2010–2049"),
        "{message}"
    );
    let (header, row) = csv_row();
    let old = row.replacen("2025", "1999", 1);
    let r = import::datagov_csv(&format!("{header}\n{old}\n{row}\n")).unwrap();
    assert_eq!(r.years, vec![2025]);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("line 2: year 1999 is outside") && w.contains("left out")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn an_import_error_escapes_control_and_bidirectional_characters_it_echoes() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2026\u{202e}0101\u{1b}[2J\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let shown = import::icalendar(text).unwrap_err().to_string();
    assert!(
        !shown.contains('\u{202e}') && !shown.contains('\u{1b}'),
        "{shown}"
    );
    assert!(
        shown.contains("\\u{202e}") && shown.contains("\\u{1b}"),
        "{shown}"
    );
}
