//! A calendar file on arbitrary text, in each format the importers read (xmlcalendar,
//! data.gov.ru CSV, iCalendar) and as detected: none may panic or expand beyond the years it
//! accepts, a calendar read reports only years in 2010–2049, and an error prints no control
//! or bidirectional character.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglament_calendar::import;

fuzz_target!(|raw: &[u8]| {
    let Ok(text) = std::str::from_utf8(raw) else {
        return;
    };
    for result in [
        import::detect_and_import(text),
        import::xmlcalendar(text),
        import::datagov_csv(text),
        import::icalendar(text),
    ] {
        match result {
            Ok(report) => {
                assert!(
                    report.years.iter().all(|y| (2010..=2049).contains(y)),
                    "years {:?}",
                    report.years
                );
                let _ = report.to_string();
            }
            Err(e) => {
                let shown = e.to_string();
                assert!(
                    !shown.chars().any(|c| c.is_control()
                        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                    "an error prints a control character: {shown:?}"
                );
            }
        }
    }
});
