//! A regulation file on arbitrary text: parsing and validating it never panics, every error
//! points inside the file and prints no control or bidirectional character, and a file that
//! parses renders its customer document, which differs from nothing in itself. The same text
//! is also read as each value a file or the command line gives: a term, an amount, hours.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reglament_regulation::{DailyHours, Money, Regulation, TermRule, render};

fuzz_target!(|raw: &[u8]| {
    let Ok(text) = std::str::from_utf8(raw) else {
        return;
    };
    let _ = text.parse::<reglament_calendar::Term>();
    let _ = text.parse::<TermRule>();
    let _ = text.parse::<Money>();
    let _ = text.parse::<DailyHours>();
    match Regulation::parse(text) {
        Ok(reg) => {
            let _ = render::markdown(&reg);
            let _ = render::html(&reg);
            assert!(render::diff(&reg, &reg).is_empty(), "a regulation differs from itself");
        }
        Err(e) => {
            let lines = text.lines().count().max(1);
            for d in &e.diagnostics {
                assert!(
                    d.line >= 1 && d.line <= lines + 1,
                    "line {} of {lines}",
                    d.line
                );
                assert!(
                    !d.message.chars().any(|c| c.is_control()
                        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                    "an error prints a control character: {:?}",
                    d.message
                );
            }
        }
    }
});
