//! A monthly statement (акт): time entries priced under the regulation's billing rules and the
//! plan of the customer's tariff, with lines and totals.

use crate::model::Regulation;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use super::Money;

/// Work done, to be billed.
///
/// # Example
///
/// ```
/// use reglament_regulation::TimeEntry;
///
/// let e = TimeEntry::new("2026-11-23T10:00:00+03:00".parse()?, jiff::SignedDuration::from_mins(20), "phone");
/// assert_eq!(e.activity, "phone");
/// # Ok::<(), jiff::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimeEntry {
    /// When the work started.
    pub at: Timestamp,
    /// How long it took.
    pub duration: SignedDuration,
    /// The activity id.
    pub activity: String,
    /// The ticket number, if any.
    pub ticket: Option<String>,
    /// What was done.
    pub description: String,
}

impl TimeEntry {
    /// An entry with no ticket and no description.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::TimeEntry;
    ///
    /// let e = TimeEntry::new(jiff::Timestamp::UNIX_EPOCH, jiff::SignedDuration::from_mins(5), "answer");
    /// assert!(e.ticket.is_none());
    /// ```
    pub fn new(at: Timestamp, duration: SignedDuration, activity: &str) -> TimeEntry {
        TimeEntry {
            at,
            duration,
            activity: activity.into(),
            ticket: None,
            description: String::new(),
        }
    }
}

/// One line of a statement.
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
/// use reglament_regulation::{billing, Regulation, TimeEntry};
///
/// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.answer]\ntitle = \"Ответ\"\nrate = 2000\nminimum = \"30 minutes\"\n")?;
/// let e = TimeEntry::new("2026-11-23T10:00:00+03:00".parse()?, SignedDuration::from_mins(10), "answer");
/// let s = billing::bill(&reg, jiff::civil::date(2026, 11, 1), None, &[e])?;
/// let line = &s.lines[0];
/// assert_eq!((line.actual.as_mins(), line.billed.as_mins()), (10, 30));
/// assert_eq!(line.amount.to_string(), "1 000 ₽");
/// assert_eq!(line.note, "минимум 30 мин; 2 000 ₽/ч");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct StatementLine {
    /// When the work started.
    pub at: Timestamp,
    /// The ticket number.
    pub ticket: Option<String>,
    /// The activity's title.
    pub activity: String,
    /// What was done.
    pub description: String,
    /// The time actually spent.
    pub actual: SignedDuration,
    /// The time billed, after minimum and rounding.
    pub billed: SignedDuration,
    /// The part of the billed time covered by the plan's included hours.
    pub included: SignedDuration,
    /// The multiplier applied, if any, and its factor.
    pub multiplier: Option<(String, f64)>,
    /// The amount charged for the line.
    pub amount: Money,
    /// How the amount was reached.
    pub note: String,
}

/// A monthly statement (акт) for one customer.
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
/// use reglament_regulation::{billing, Regulation, TimeEntry};
///
/// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.answer]\ntitle = \"Ответ\"\nrate = 2000\nminimum = \"30 minutes\"\n")?;
/// let e = TimeEntry::new("2026-11-23T10:00:00+03:00".parse()?, SignedDuration::from_mins(10), "answer");
/// let s = billing::bill(&reg, jiff::civil::date(2026, 11, 1), None, &[e])?;
/// assert_eq!(s.month, jiff::civil::date(2026, 11, 1));
/// assert_eq!(s.billed_time.as_mins(), 30);
/// assert_eq!(s.total.to_string(), "1 000 ₽");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The first day of the month.
    pub month: Date,
    /// The plan's title, if any.
    pub plan: Option<String>,
    /// The plan's fee.
    pub fee: Money,
    /// The lines, in time order.
    pub lines: Vec<StatementLine>,
    /// Total billed time.
    pub billed_time: SignedDuration,
    /// Billed time covered by the plan.
    pub included_time: SignedDuration,
    /// The total: the fee plus every line.
    pub total: Money,
}

/// Why a statement could not be made.
///
/// # Example
///
/// ```
/// use reglament_regulation::BillingError;
///
/// assert_eq!(BillingError::NoBilling.to_string(), "the regulation has no `[billing]` section");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BillingError {
    /// The regulation has no billing rules.
    #[error("the regulation has no `[billing]` section")]
    NoBilling,
    /// A time entry names an activity the regulation does not define.
    #[error("time entry at {at}: unknown activity `{activity}`, expected one of: {known}")]
    UnknownActivity {
        /// The entry's start.
        at: String,
        /// The unknown activity.
        activity: String,
        /// The activities defined.
        known: String,
    },
    /// The plan named does not exist.
    #[error("unknown plan `{0}`")]
    UnknownPlan(String),
    /// A time entry with a negative duration.
    #[error("time entry at {0} has a negative duration")]
    NegativeDuration(String),
    /// A time lookup outside the calendar's years.
    #[error("{0}")]
    Calendar(#[from] reglament_calendar::Error),
}

fn round_up(d: SignedDuration, q: Option<SignedDuration>) -> SignedDuration {
    match q {
        Some(q) if q.as_secs() > 0 => {
            let (s, qs) = (d.as_secs(), q.as_secs());
            SignedDuration::from_secs((s + qs - 1) / qs * qs)
        }
        _ => d,
    }
}

fn minutes(d: SignedDuration) -> String {
    format!("{} мин", d.as_secs() / 60)
}

/// Makes the statement for one month: the entries that start in that month (in the regulation's
/// time zone), priced by their activity, with multipliers, the plan's included hours and fee.
///
/// Per entry: the billed time is the actual time raised to the activity's minimum and rounded
/// up to the rounding quantum. An activity with tiers charges the price of the first tier the
/// actual time fits in, and beyond the last tier its hourly rate for the whole billed time.
/// Otherwise the hourly rate applies. A multiplier applies when the work starts inside its
/// window. With a plan, billed time is covered by the included hours first, and the rest is
/// charged at the plan's overage rate (or the activity's pricing).
///
/// # Errors
///
/// [`BillingError`] for a regulation without billing, an unknown activity or plan, or a
/// negative duration.
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
/// use reglament_regulation::{billing, Money, Regulation, TimeEntry};
///
/// let reg = Regulation::parse(r#"
/// [regulation]
/// name = "R"
/// [billing.activities.phone]
/// title = "Телефонная консультация"
/// tiers = [ { up_to = "15 minutes", price = 500 }, { up_to = "45 minutes", price = 1000 } ]
/// rate = 2000
/// "#)?;
/// let at = "2026-11-23T10:00:00+03:00".parse()?;
/// let entries = [
///     TimeEntry::new(at, SignedDuration::from_mins(10), "phone"),
///     TimeEntry::new(at, SignedDuration::from_mins(30), "phone"),
///     TimeEntry::new(at, SignedDuration::from_mins(90), "phone"),
/// ];
/// let s = billing::bill(&reg, jiff::civil::date(2026, 11, 1), None, &entries)?;
/// let amounts: Vec<i64> = s.lines.iter().map(|l| l.amount.kopecks() / 100).collect();
/// assert_eq!(amounts, vec![500, 1000, 3000]);
/// assert_eq!(s.total, Money::from_rubles(4500));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bill(
    reg: &Regulation,
    month: Date,
    plan: Option<&str>,
    entries: &[TimeEntry],
) -> Result<Statement, BillingError> {
    let b = reg.billing.as_ref().ok_or(BillingError::NoBilling)?;
    let plan = match plan {
        Some(p) => Some(
            b.plans
                .get(p)
                .ok_or_else(|| BillingError::UnknownPlan(p.into()))?,
        ),
        None => None,
    };
    let first = month.first_of_month();
    let tz = &reg.timezone;
    let mut sorted: Vec<&TimeEntry> = entries
        .iter()
        .filter(|e| tz.to_datetime(e.at).date().first_of_month() == first)
        .collect();
    sorted.sort_by_key(|e| e.at);
    let mut included_left = plan.and_then(|p| p.included);
    let unlimited = plan.is_some_and(|p| p.included.is_none());
    let mut lines = Vec::with_capacity(sorted.len());
    let mut total = plan.map_or(Money::ZERO, |p| p.monthly_fee);
    let (mut billed_time, mut included_time) = (SignedDuration::ZERO, SignedDuration::ZERO);
    for e in sorted {
        if e.duration.is_negative() {
            return Err(BillingError::NegativeDuration(e.at.to_string()));
        }
        let a = b
            .activities
            .get(&e.activity)
            .ok_or_else(|| BillingError::UnknownActivity {
                at: e.at.to_string(),
                activity: e.activity.clone(),
                known: b.activities.keys().cloned().collect::<Vec<_>>().join(", "),
            })?;
        let raised = e.duration.max(a.minimum.unwrap_or(SignedDuration::ZERO));
        let billed = round_up(raised, a.rounding.or(b.rounding));
        let mut notes = Vec::new();
        if raised > e.duration {
            notes.push(format!("минимум {}", minutes(raised)));
        }
        if billed > raised {
            notes.push(format!("округлено до {}", minutes(billed)));
        }
        let price = |d: SignedDuration, notes: &mut Vec<String>| -> Money {
            if !a.billable {
                notes.push("бесплатно".into());
                return Money::ZERO;
            }
            if let Some(t) = a.tiers.iter().find(|t| e.duration <= t.up_to) {
                notes.push(format!("до {} — {}", minutes(t.up_to), t.price));
                return t.price;
            }
            match a.rate {
                Some(r) => {
                    notes.push(format!("{r}/ч"));
                    r.per_hour(d)
                }
                None => Money::ZERO,
            }
        };
        let mut multiplier = None;
        for m in &b.multipliers {
            if !m.activities.is_empty() && !m.activities.contains(&e.activity) {
                continue;
            }
            let inside = match reg.schedule(&m.inside) {
                Some(s) => s.working.is_working(e.at)?,
                None => false,
            };
            let outside = match m.outside.as_ref().and_then(|o| reg.schedule(o)) {
                Some(s) => !s.working.is_working(e.at)?,
                None => true,
            };
            if inside && outside {
                multiplier = Some((m.title.clone(), m.factor));
                break;
            }
        }
        // The plan covers billed time first; free work neither costs nor uses plan hours.
        let covered = if !a.billable {
            SignedDuration::ZERO
        } else if unlimited {
            billed
        } else {
            match included_left.as_mut() {
                Some(left) => {
                    let c = billed.min(*left);
                    *left -= c;
                    c
                }
                None => SignedDuration::ZERO,
            }
        };
        let rest = billed - covered;
        let mut amount = if !a.billable {
            price(billed, &mut notes)
        } else if rest.is_zero() {
            if !covered.is_zero() {
                notes.push("в рамках тарифа".into());
            }
            Money::ZERO
        } else if let Some(rate) = plan.and_then(|p| p.overage_rate) {
            notes.push(format!("сверх тарифа {} по {rate}/ч", minutes(rest)));
            rate.per_hour(rest)
        } else if covered.is_zero() {
            price(billed, &mut notes)
        } else {
            notes.push(format!("сверх тарифа {}", minutes(rest)));
            let full = price(billed, &mut notes);
            Money::from_kopecks(
                (i128::from(full.kopecks()) * i128::from(rest.as_secs())
                    / i128::from(billed.as_secs().max(1))) as i64,
            )
        };
        if let Some((title, f)) = &multiplier
            && amount != Money::ZERO
        {
            amount = amount.times(*f);
            notes.push(format!("×{f} ({title})"));
        }
        total += amount;
        billed_time += billed;
        included_time += covered;
        lines.push(StatementLine {
            at: e.at,
            ticket: e.ticket.clone(),
            activity: a.title.clone(),
            description: e.description.clone(),
            actual: e.duration,
            billed,
            included: covered,
            multiplier,
            amount,
            note: notes.join("; "),
        });
    }
    Ok(Statement {
        month: first,
        plan: plan.map(|p| p.title.clone()),
        fee: plan.map_or(Money::ZERO, |p| p.monthly_fee),
        lines,
        billed_time,
        included_time,
        total,
    })
}
