//! How long what people type may be. Every text and collection a channel passes in is checked
//! here, and a refusal names the field: a megabyte "organization name" or twenty thousand custom
//! fields are mistakes or abuse, and on PostgreSQL an over-long indexed value cannot be stored
//! at all.

use crate::{Problem, Text};

/// A subject, in characters.
pub const MAX_SUBJECT: usize = 500;
/// A description, reply, note or reason, in characters (about 40 printed pages).
pub const MAX_TEXT: usize = 100_000;
/// A name, position, phone, contract number, product or version, in characters.
pub const MAX_NAME: usize = 300;
/// One of the regulation's custom fields, in characters.
pub const MAX_FIELD: usize = 4_000;
/// How many custom fields one ticket may carry.
pub const MAX_FIELDS: usize = 50;
/// How many products one organization may list.
pub const MAX_PRODUCTS: usize = 200;

/// Refuses a NUL character — no one typed it, PostgreSQL cannot store it, and it cuts strings
/// short in other programs — and a text longer than `max` characters.
pub(crate) fn check_len(text: &str, field: &str, max: usize, problems: &mut Vec<Problem>) {
    check_nul(text, field, problems);
    // Bytes bound characters from above: most texts need no count.
    if text.len() > max && text.chars().count() > max {
        problems.push(Problem::new(
            field,
            Text::new("limit-too-long").num("max", max as f64),
        ));
    }
}

/// As [`check_len`] for an optional text.
pub(crate) fn check_opt(text: Option<&str>, field: &str, max: usize, problems: &mut Vec<Problem>) {
    if let Some(t) = text {
        check_len(t, field, max, problems);
    }
}

/// Refuses a collection of more than `max` items.
pub(crate) fn check_count(count: usize, field: &str, max: usize, problems: &mut Vec<Problem>) {
    if count > max {
        problems.push(Problem::new(
            field,
            Text::new("limit-too-many").num("max", max as f64),
        ));
    }
}

/// Checks a subject's presence and length.
pub(crate) fn check_subject(subject: &str, field: &str, problems: &mut Vec<Problem>) {
    check_nul(subject, field, problems);
    if subject.trim().is_empty() {
        problems.push(Problem::new(field, Text::new("intake-subject-required")));
    } else if subject.chars().count() > MAX_SUBJECT {
        problems.push(Problem::new(
            field,
            Text::new("intake-subject-too-long").num("max", MAX_SUBJECT as f64),
        ));
    }
}

fn check_nul(text: &str, field: &str, problems: &mut Vec<Problem>) {
    if text.contains('\0') {
        problems.push(Problem::new(field, Text::new("intake-nul")));
    }
}
