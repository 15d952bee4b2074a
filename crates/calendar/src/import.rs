//! Importers for production-calendar files: xmlcalendar XML, data.gov.ru CSV and iCalendar
//! all-day events. Each reads a `&str` and returns a [`ProductionCalendar`] with a report.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::{Date, Weekday};

use crate::{DayOverride, Error, ProductionCalendar, YearInfo};

/// The calendar file formats Reglament reads.
///
/// # Example
///
/// ```
/// use reglament_calendar::import::Format;
///
/// assert_eq!(Format::detect("<?xml version=\"1.0\"?><calendar year=\"2026\">"), Some(Format::XmlCalendar));
/// assert_eq!(Format::detect("BEGIN:VCALENDAR\r\n"), Some(Format::ICalendar));
/// assert_eq!(Format::detect("\"Год/Месяц\",\"Январь\""), Some(Format::DataGovCsv));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// xmlcalendar.ru XML (`<calendar year=…>`).
    XmlCalendar,
    /// The data.gov.ru production-calendar CSV.
    DataGovCsv,
    /// iCalendar (RFC 5545) all-day events.
    ICalendar,
}

impl Format {
    /// Guesses the format from the start of a file.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_calendar::import::Format;
    ///
    /// assert_eq!(Format::detect("hello"), None);
    /// ```
    pub fn detect(text: &str) -> Option<Format> {
        let t = text.trim_start_matches('\u{feff}').trim_start();
        if t.starts_with("<?xml") || t.starts_with("<calendar") {
            Some(Format::XmlCalendar)
        } else if t.starts_with("BEGIN:VCALENDAR") {
            Some(Format::ICalendar)
        } else if t.starts_with("\"Год/Месяц\"") || t.starts_with("Год/Месяц") {
            Some(Format::DataGovCsv)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Format::XmlCalendar => "xmlcalendar",
            Format::DataGovCsv => "data.gov.ru CSV",
            Format::ICalendar => "iCalendar",
        }
    }
}

/// What an import read.
///
/// # Example
///
/// ```
/// use reglament_calendar::import;
///
/// let xml = r#"<calendar year="2026" lang="ru" date="2025.09.01"><holidays/><days>
///   <day d="05.08" t="2"/><day d="05.11" t="1"/></days></calendar>"#;
/// let r = import::xmlcalendar(xml)?;
/// assert_eq!(r.years, vec![2026]);
/// assert_eq!(r.shortened, 1);
/// assert_eq!(r.non_working, 1);
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ImportReport {
    /// The file's format.
    pub format: Format,
    /// The calendar read.
    pub calendar: ProductionCalendar,
    /// The years the file covers.
    pub years: Vec<i16>,
    /// Non-working days listed (holidays, transfers, Presidential days) on Monday–Friday.
    pub non_working: usize,
    /// Shortened working days.
    pub shortened: usize,
    /// Working Saturdays and Sundays.
    pub working_weekends: usize,
    /// Things that were read but looked wrong, or were ignored.
    pub warnings: Vec<String>,
}

impl ImportReport {
    fn new(format: Format, name: &str) -> ImportReport {
        ImportReport {
            format,
            calendar: ProductionCalendar::new(name),
            years: Vec::new(),
            non_working: 0,
            shortened: 0,
            working_weekends: 0,
            warnings: Vec::new(),
        }
    }

    /// Records a day, unless the file gave the same date before as something else: the last
    /// entry must not silently win. Returns what the file said first in that case.
    fn put(&mut self, date: Date, day: DayOverride) -> Result<(), DayOverride> {
        if let Some(before) = self.calendar.get_recorded(date)
            && *before != day
        {
            return Err(before.clone());
        }
        match &day {
            DayOverride::Working { weekend, shortened } => {
                self.shortened += usize::from(*shortened);
                self.working_weekends += usize::from(*weekend);
            }
            o if o.is_day_off() && !is_weekend(date.weekday()) => self.non_working += 1,
            _ => {}
        }
        self.calendar.insert(date, day);
        Ok(())
    }
}

/// Records a day of a data.gov.ru line: each date comes once, its year checked for repeats.
fn record(report: &mut ImportReport, date: Date, day: DayOverride) {
    let _ = report.put(date, day);
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let years: Vec<String> = self.years.iter().map(i16::to_string).collect();
        writeln!(f, "format: {}", self.format.name())?;
        writeln!(f, "years: {}", years.join(", "))?;
        writeln!(f, "non-working weekdays: {}", self.non_working)?;
        writeln!(f, "shortened days: {}", self.shortened)?;
        writeln!(f, "working weekend days: {}", self.working_weekends)?;
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}

/// Imports a file of any supported format, detected from its content.
///
/// # Errors
///
/// An [`Error::Import`] naming the line and what was expected, or an error saying the format is
/// not recognised.
///
/// # Example
///
/// ```
/// let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20260612\nSUMMARY:День России\nEND:VEVENT\nEND:VCALENDAR\n";
/// let r = reglament_calendar::import::detect_and_import(ics)?;
/// assert_eq!(r.non_working, 1);
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn detect_and_import(text: &str) -> Result<ImportReport, Error> {
    match Format::detect(text) {
        Some(Format::XmlCalendar) => xmlcalendar(text),
        Some(Format::DataGovCsv) => datagov_csv(text),
        Some(Format::ICalendar) => icalendar(text),
        None => Err(Error::Import {
            format: "calendar",
            line: 1,
            message: "unknown format, expected xmlcalendar XML (`<calendar year=…>`), data.gov.ru CSV (`\"Год/Месяц\",…`) or iCalendar (`BEGIN:VCALENDAR`)".into(),
        }),
    }
}

fn is_weekend(w: Weekday) -> bool {
    matches!(w, Weekday::Saturday | Weekday::Sunday)
}

fn is_presidential(title: &str) -> bool {
    let t = title.to_lowercase();
    t.contains("указ президента") || t.contains("president")
}

/// Imports an xmlcalendar.ru XML file (see `docs/calendars.md`).
///
/// `t="1"` days are non-working: a holiday when `h` names one, a Presidential non-working day
/// when the holiday's title cites a Presidential decree, otherwise a transferred day off.
/// `t="2"` days are shortened working days (on a weekend, also working weekend days), and
/// `t="3"` days are full working weekend days. A Russian file (`country="ru"`, or no country)
/// also gets the Art. 112 holidays for the years it does not cover.
///
/// # Errors
///
/// An [`Error::Import`] naming the line and what was expected.
///
/// # Example
///
/// ```
/// use jiff::civil::date;
/// use reglament_calendar::{import, DayOverride};
///
/// let xml = r#"<calendar year="2024" lang="ru" date="2023.08.30">
/// <holidays><holiday id="7" title="День России"/></holidays>
/// <days><day d="04.27" t="3"/><day d="06.12" t="1" h="7"/></days></calendar>"#;
/// let r = import::xmlcalendar(xml)?;
/// assert_eq!(r.calendar.get(date(2024, 6, 12)), Some(&DayOverride::Holiday { name: "День России".into() }));
/// assert_eq!(r.working_weekends, 1);
///
/// let err = import::xmlcalendar("<calendar year=\"2024\">\n<days><day d=\"13.45\" t=\"1\"/></days></calendar>").unwrap_err();
/// assert_eq!(err.to_string(), "xmlcalendar line 2: day `d=\"13.45\"` is not a date in 2024, expected `MM.DD`");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn xmlcalendar(text: &str) -> Result<ImportReport, Error> {
    const F: &str = "xmlcalendar";
    let doc = roxmltree::Document::parse(text).map_err(|e| Error::Import {
        format: F,
        line: e.pos().row as usize,
        message: format!("malformed XML: {e}"),
    })?;
    let line_of = |n: roxmltree::Node| doc.text_pos_at(n.range().start).row as usize;
    let err = |n: roxmltree::Node, message: String| Error::Import {
        format: F,
        line: line_of(n),
        message,
    };
    let root = doc.root_element();
    if root.tag_name().name() != "calendar" {
        return Err(err(
            root,
            format!(
                "root element is `<{}>`, expected `<calendar>`",
                root.tag_name().name()
            ),
        ));
    }
    let year_attr = root.attribute("year").ok_or_else(|| {
        err(
            root,
            "`<calendar>` has no `year` attribute, expected e.g. `year=\"2026\"`".into(),
        )
    })?;
    let year: i16 = year_attr
        .parse()
        .ok()
        .filter(|y| (1900..=2200).contains(y))
        .ok_or_else(|| {
            err(
                root,
                format!("`year=\"{year_attr}\"` is not a year, expected e.g. `2026`"),
            )
        })?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(err(root, outside(year)));
    }
    let country = root.attribute("country").unwrap_or("ru");
    let mut report = ImportReport::new(
        Format::XmlCalendar,
        &format!("xmlcalendar {country} {year}"),
    );
    if country == "ru" {
        report
            .calendar
            .inherit_fixed_holidays(&ProductionCalendar::russia());
    }
    report.calendar.set_year(year, YearInfo::default());
    report.years.push(year);

    let mut titles = BTreeMap::new();
    for h in root.descendants().filter(|n| n.has_tag_name("holiday")) {
        let id = h
            .attribute("id")
            .ok_or_else(|| err(h, "`<holiday>` has no `id` attribute".into()))?;
        titles.insert(
            id.to_string(),
            h.attribute("title").unwrap_or("").to_string(),
        );
    }
    for d in root.descendants().filter(|n| n.has_tag_name("day")) {
        let raw = d.attribute("d").ok_or_else(|| {
            err(
                d,
                "`<day>` has no `d` attribute, expected `d=\"MM.DD\"`".into(),
            )
        })?;
        let date = parse_md(year, raw).ok_or_else(|| {
            err(
                d,
                format!("day `d=\"{raw}\"` is not a date in {year}, expected `MM.DD`"),
            )
        })?;
        let t = d.attribute("t").unwrap_or("");
        let day = match t {
            "1" => match d.attribute("h") {
                Some(h) => {
                    let title = titles.get(h).cloned().ok_or_else(|| {
                        err(
                            d,
                            format!(
                                "day {raw}: holiday `h=\"{h}\"` is not declared in `<holidays>`"
                            ),
                        )
                    })?;
                    if is_presidential(&title) {
                        DayOverride::Presidential {
                            basis: title,
                            shortened: false,
                        }
                    } else {
                        DayOverride::Holiday { name: title }
                    }
                }
                None => DayOverride::TransferredDayOff {
                    from: d.attribute("f").and_then(|f| parse_md(year, f)),
                },
            },
            "2" => DayOverride::Working {
                weekend: is_weekend(date.weekday()),
                shortened: true,
            },
            "3" => {
                if !is_weekend(date.weekday()) {
                    report.warnings.push(format!(
                        "line {}: {date} is `t=\"3\"` (working weekend) but is a weekday",
                        line_of(d)
                    ));
                }
                DayOverride::Working {
                    weekend: true,
                    shortened: false,
                }
            }
            other => {
                return Err(err(
                    d,
                    format!(
                        "day {raw}: type `t=\"{other}\"` is not valid, expected `1` (non-working), `2` (shortened) or `3` (working weekend)"
                    ),
                ));
            }
        };
        report.put(date, day).map_err(|before| {
            err(
                d,
                format!("day {raw} is given twice: first as {before}, then otherwise"),
            )
        })?;
    }
    if country == "ru" {
        report.calendar.fill_provisional_years(2010, 2049);
    }
    Ok(report)
}

fn parse_md(year: i16, s: &str) -> Option<Date> {
    let (m, d) = s.split_once('.')?;
    let digits = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(m) || !digits(d) {
        return None;
    }
    Date::new(year, m.parse().ok()?, d.parse().ok()?).ok()
}

/// Splits one CSV record with `"` quoting.
fn csv_fields(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => out.push(std::mem::take(&mut cur)),
            (_, c) => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    out.push(cur);
    Ok(out)
}

/// Imports the data.gov.ru production-calendar CSV: one row per year, with the non-working and
/// shortened (`*`) days of each month.
///
/// A weekday listed is a day off: a holiday on an Art. 112 date, otherwise a transferred day
/// off. A Saturday or Sunday not listed is a working weekend day. `N+` is read as `N`. Rows whose
/// totals disagree with the days are imported with a warning.
///
/// # Errors
///
/// An [`Error::Import`] naming the line and what was expected.
///
/// # Example
///
/// ```
/// use jiff::civil::date;
///
/// let csv = std::fs::read_to_string("tests/data/datagov_style_2025.csv")?;
/// let r = reglament_calendar::import::datagov_csv(&csv)?;
/// assert!(r.calendar.is_working_day(date(2025, 11, 1)));
/// assert!(!r.calendar.is_working_day(date(2025, 11, 3)));
/// assert!(r.warnings.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn datagov_csv(text: &str) -> Result<ImportReport, Error> {
    const F: &str = "data.gov.ru CSV";
    let err = |line: usize, message: String| Error::Import {
        format: F,
        line,
        message,
    };
    let mut report = ImportReport::new(Format::DataGovCsv, "data.gov.ru");
    report
        .calendar
        .inherit_fixed_holidays(&ProductionCalendar::russia());
    let ru = ProductionCalendar::russia();
    let mut lines = text.trim_start_matches('\u{feff}').lines().enumerate();
    let (_, header) = lines
        .next()
        .ok_or_else(|| err(1, "the file is empty, expected a header row".into()))?;
    let header = csv_fields(header).map_err(|e| err(1, e))?;
    if header.len() < 13 || header[0] != "Год/Месяц" {
        return Err(err(
            1,
            format!(
                "header starts with `{}`, expected `Год/Месяц` followed by the twelve months",
                header.first().map(String::as_str).unwrap_or("")
            ),
        ));
    }
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f = csv_fields(line).map_err(|e| err(n, e))?;
        if f.len() < 13 {
            return Err(err(
                n,
                format!(
                    "{} fields, expected at least 13 (the year and twelve months)",
                    f.len()
                ),
            ));
        }
        let year: i16 = f[0]
            .trim()
            .parse()
            .map_err(|_| err(n, format!("year `{}` is not a number", f[0])))?;
        if report.years.contains(&year) {
            return Err(err(
                n,
                format!("year {year} is given twice, expected one line per year"),
            ));
        }
        // The official file starts in 1999: years no deadline can reach are left out.
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            report.warnings.push(format!(
                "line {n}: {}; the line was left out",
                outside(year)
            ));
            continue;
        }
        report.years.push(year);
        report.calendar.set_year(year, YearInfo::default());
        let mut working_days = 0u16;
        let mut short = 0u16;
        for month in 1..=12i8 {
            let cell = &f[month as usize];
            let mut listed: BTreeMap<i8, bool> = BTreeMap::new();
            for tok in cell.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                let shortened = tok.ends_with('*');
                let num = tok.trim_end_matches(['*', '+']);
                let day: i8 = num.parse().map_err(|_| {
                    err(n, format!("{year}-{month:02}: token `{tok}` is not a day, expected `N`, `N*` or `N+`"))
                })?;
                Date::new(year, month, day).map_err(|_| {
                    err(
                        n,
                        format!("{year}-{month:02}: day `{tok}` does not exist in that month"),
                    )
                })?;
                if listed
                    .insert(day, shortened)
                    .is_some_and(|s| s != shortened)
                {
                    return Err(err(
                        n,
                        format!(
                            "{year}-{month:02}: day {day} is given twice, once with `*` and once without"
                        ),
                    ));
                }
            }
            let first = Date::new(year, month, 1).map_err(|e| err(n, e.to_string()))?;
            for date in first
                .series(jiff::ToSpan::days(1))
                .take_while(|d| d.month() == month)
            {
                let weekend = is_weekend(date.weekday());
                match listed.get(&date.day()) {
                    Some(true) => {
                        working_days += 1;
                        short += 1;
                        record(
                            &mut report,
                            date,
                            DayOverride::Working {
                                weekend,
                                shortened: true,
                            },
                        );
                    }
                    Some(false) => {
                        let art112 = matches!(
                            (date.month(), date.day()),
                            (1, 1..=8) | (2, 23) | (3, 8) | (5, 1) | (5, 9) | (6, 12) | (11, 4)
                        );
                        if art112 {
                            let name = match ru.get(date) {
                                Some(DayOverride::Holiday { name }) => name.clone(),
                                _ => "праздничный день".into(),
                            };
                            record(&mut report, date, DayOverride::Holiday { name });
                        } else if !weekend {
                            record(
                                &mut report,
                                date,
                                DayOverride::TransferredDayOff { from: None },
                            );
                        }
                    }
                    None => {
                        working_days += 1;
                        if weekend {
                            record(
                                &mut report,
                                date,
                                DayOverride::Working {
                                    weekend: true,
                                    shortened: false,
                                },
                            );
                        }
                    }
                }
            }
        }
        if let Some(total) = f.get(13).and_then(|s| s.trim().parse::<u16>().ok())
            && total != working_days
        {
            report.warnings.push(format!(
                "line {n}: {year} lists {working_days} working days but its total says {total}"
            ));
        }
        if let Some(hours) = f.get(15).and_then(|s| s.trim().parse::<f64>().ok()) {
            let computed = f64::from(working_days * 8 - short);
            if (hours - computed).abs() > 0.01 {
                report.warnings.push(format!(
                    "line {n}: {year} days give {computed} hours for a 40-hour week but its total says {hours}"
                ));
            }
        }
    }
    if report.years.is_empty() {
        return Err(err(
            2,
            "no year rows, expected one row per year after the header".into(),
        ));
    }
    report.calendar.fill_provisional_years(2010, 2049);
    Ok(report)
}

/// The first and last year an imported calendar may speak of: the years schedules are
/// compiled for.
const FIRST_YEAR: i16 = 2010;
const LAST_YEAR: i16 = 2049;
/// The longest day name kept from an iCalendar `SUMMARY`.
const MAX_NAME: usize = 200;

fn outside(year: i16) -> String {
    format!("year {year} is outside {FIRST_YEAR}–{LAST_YEAR}, the years deadlines are computed for")
}

/// Imports iCalendar (RFC 5545) all-day events as calendar days.
///
/// Each all-day `VEVENT` (`DTSTART;VALUE=DATE:YYYYMMDD`, with an optional exclusive `DTEND`)
/// marks its days as days off named by `SUMMARY`. An event whose `CATEGORIES` or `SUMMARY`
/// says `shortened` / `сокращ…` marks shortened working days, and one that says
/// `working` / `рабочий день` marks working days (working weekend days). Timed events are
/// ignored with a warning.
///
/// # Errors
///
/// An [`Error::Import`] naming the line and what was expected.
///
/// # Example
///
/// ```
/// use jiff::civil::date;
///
/// let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260501\r\nDTEND;VALUE=DATE:20260502\r\nSUMMARY:Праздник Весны и Труда\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260430\r\nSUMMARY:Сокращённый день\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
/// let r = reglament_calendar::import::icalendar(ics)?;
/// assert!(!r.calendar.is_working_day(date(2026, 5, 1)));
/// assert_eq!(r.shortened, 1);
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
pub fn icalendar(text: &str) -> Result<ImportReport, Error> {
    const F: &str = "iCalendar";
    let err = |line: usize, message: String| Error::Import {
        format: F,
        line,
        message,
    };
    // Unfold continuation lines (RFC 5545 §3.1), keeping the first physical line number.
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.1.push_str(rest);
            continue;
        }
        lines.push((i + 1, raw.to_string()));
    }
    if lines
        .first()
        .is_none_or(|(_, l)| l.trim() != "BEGIN:VCALENDAR")
    {
        return Err(err(
            1,
            "the file does not start with `BEGIN:VCALENDAR`".into(),
        ));
    }
    let mut report = ImportReport::new(Format::ICalendar, "iCalendar");
    let mut years = std::collections::BTreeSet::new();
    let mut event: Option<(usize, IcsProps)> = None;
    for (n, line) in &lines {
        let line = line.trim_end();
        if line == "BEGIN:VEVENT" {
            if event.is_some() {
                return Err(err(
                    *n,
                    "`BEGIN:VEVENT` inside another event, expected `END:VEVENT` first".into(),
                ));
            }
            event = Some((*n, BTreeMap::new()));
            continue;
        }
        if line == "END:VEVENT" {
            let (start_line, props) = event
                .take()
                .ok_or_else(|| err(*n, "`END:VEVENT` without `BEGIN:VEVENT`".into()))?;
            ics_event(&mut report, &mut years, start_line, &props)?;
            continue;
        }
        if let Some(ev) = event.as_mut() {
            let (name_params, value) = line
                .split_once(':')
                .ok_or_else(|| err(*n, format!("property line `{line}` has no `:`")))?;
            let (name, params) = name_params.split_once(';').unwrap_or((name_params, ""));
            ev.1.insert(
                name.to_ascii_uppercase(),
                (*n, params.to_ascii_uppercase(), unescape_ics(value)),
            );
        }
    }
    if let Some((n, _)) = event {
        return Err(err(n, "event is not closed, expected `END:VEVENT`".into()));
    }
    for y in years {
        report.calendar.set_year(y, YearInfo::default());
        report.years.push(y);
    }
    Ok(report)
}

/// Unescapes an RFC 5545 TEXT value in one pass, so an escaped backslash before `n` stays a
/// backslash and an `n`.
fn unescape_ics(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

type IcsProps = BTreeMap<String, (usize, String, String)>;

fn ics_event(
    report: &mut ImportReport,
    years: &mut std::collections::BTreeSet<i16>,
    start_line: usize,
    props: &IcsProps,
) -> Result<(), Error> {
    let err = |line: usize, message: String| Error::Import {
        format: "iCalendar",
        line,
        message,
    };
    let (dl, dparams, dval) = props
        .get("DTSTART")
        .ok_or_else(|| err(start_line, "event has no `DTSTART`".into()))?;
    let value_date = dparams.split(';').any(|p| p.trim() == "VALUE=DATE");
    let value_other = dparams
        .split(';')
        .any(|p| p.trim().starts_with("VALUE=") && p.trim() != "VALUE=DATE");
    let all_day = value_date || (!value_other && dval.len() == 8 && !dval.contains('T'));
    if !all_day {
        report.warnings.push(format!(
            "line {dl}: event at `{dval}` is not an all-day event and was ignored"
        ));
        return Ok(());
    }
    let parse = |line: usize, v: &str| -> Result<Date, Error> {
        let bad = || {
            err(
                line,
                format!("date `{v}` is not valid, expected `YYYYMMDD`"),
            )
        };
        if v.len() != 8 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Date::new(
            v[0..4].parse().map_err(|_| bad())?,
            v[4..6].parse().map_err(|_| bad())?,
            v[6..8].parse().map_err(|_| bad())?,
        )
        .map_err(|_| bad())
    };
    let start = parse(*dl, dval)?;
    let end = match props.get("DTEND") {
        Some((l, _, v)) => parse(*l, v)?,
        None => start.tomorrow().map_err(|e| err(*dl, e.to_string()))?,
    };
    if end <= start {
        return Err(err(
            *dl,
            format!("event ends ({end}) before it starts ({start})"),
        ));
    }
    // Checked before a single day is expanded: an event may claim to span centuries.
    for (line, year) in [
        (*dl, start.year()),
        (*dl, end.yesterday().map_or(end.year(), |d| d.year())),
    ] {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(err(
                line,
                format!("event from {start} to {end}: {}", outside(year)),
            ));
        }
    }
    // A day's name, not a document: kept to its first 200 characters.
    let summary: String = props
        .get("SUMMARY")
        .map(|p| p.2.chars().take(MAX_NAME).collect())
        .unwrap_or_default();
    let kind = format!(
        "{} {}",
        props.get("CATEGORIES").map(|p| p.2.as_str()).unwrap_or(""),
        summary
    )
    .to_lowercase();
    for date in start.series(jiff::ToSpan::days(1)).take_while(|d| *d < end) {
        years.insert(date.year());
        let weekend = is_weekend(date.weekday());
        let off = [
            "нерабоч",
            "non-working",
            "non working",
            "nonworking",
            "day off",
            "выходн",
        ];
        let day =
            if kind.contains("shortened") || kind.contains("сокращ") || kind.contains("предпраздн")
            {
                DayOverride::Working {
                    weekend,
                    shortened: true,
                }
            } else if off.iter().any(|w| kind.contains(w)) {
                DayOverride::Holiday {
                    name: if summary.is_empty() {
                        "day off".into()
                    } else {
                        summary.clone()
                    },
                }
            } else if kind.contains("working") || kind.contains("рабочий день") {
                DayOverride::Working {
                    weekend,
                    shortened: false,
                }
            } else {
                DayOverride::Holiday {
                    name: if summary.is_empty() {
                        "holiday".into()
                    } else {
                        summary.clone()
                    },
                }
            };
        // Events may overlap (a holiday inside a holiday period): the first one stands.
        let _ = report.put(date, day);
    }
    Ok(())
}
