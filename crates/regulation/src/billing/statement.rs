//! A monthly statement (акт): time entries priced under the regulation's billing rules and the
//! plan of the customer's tariff, with lines and totals.

use std::collections::HashMap;

use crate::model::Regulation;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use reglament_calendar::TimeOfDay;

use super::{Activity, Granularity, Money, Multiplier, WindowPrice};

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
    /// The ticket's service level, for rates by level.
    pub level: Option<String>,
    /// The ticket's priority, for rates by priority.
    pub priority: Option<String>,
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
            level: None,
            priority: None,
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
    /// The factor window the work started in, if any, and its factor.
    pub multiplier: Option<(String, f64)>,
    /// The work split at the windows' boundaries, each part priced on its own.
    pub parts: Vec<LinePart>,
    /// The amount charged for the line.
    pub amount: Money,
    /// How the amount was reached.
    pub note: String,
}

/// A stretch of a line's work inside one window (or outside all of them), priced on its own.
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
/// use reglament_regulation::{billing, Regulation, TimeEntry};
///
/// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = 2500\n[[billing.multipliers]]\ntitle = \"Ночь\"\nhours = \"22:00-07:00\"\nrate = 4500\n")?;
/// let e = TimeEntry::new("2026-11-23T21:30:00+03:00".parse()?, SignedDuration::from_mins(60), "work");
/// let s = billing::bill(&reg, jiff::civil::date(2026, 11, 1), None, &[e])?;
/// let parts: Vec<(i64, &str)> = s.lines[0].parts.iter().map(|p| (p.billed.as_mins(), p.window.as_deref().unwrap_or("-"))).collect();
/// assert_eq!(parts, [(30, "-"), (30, "Ночь")]);
/// assert_eq!(s.total.to_string(), "3 500 ₽");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LinePart {
    /// Where the part's work starts.
    pub from: Timestamp,
    /// Where it ends.
    pub to: Timestamp,
    /// The time billed for it: its work, and on the last part the minimum's and the rounding's
    /// top-up.
    pub billed: SignedDuration,
    /// The part of it covered by the plan's included hours.
    pub included: SignedDuration,
    /// The window it falls in.
    pub window: Option<String>,
    /// The hourly price applied to what the plan does not cover.
    pub hourly: Money,
    /// Its amount.
    pub amount: Money,
}

/// What a customer's contract decides for a statement: the plan of its tariff, and the hourly
/// price of work written off by fact (`rate = "contract"`).
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
/// use reglament_regulation::{billing, Money, Regulation, Terms, TimeEntry};
///
/// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = \"contract\"\nunit = \"человеко-час\"\n")?;
/// let e = TimeEntry::new("2026-11-23T10:00:00+03:00".parse()?, SignedDuration::from_mins(90), "work");
/// let terms = Terms { plan: None, contract_rate: Some(Money::from_rubles(1800)) };
/// let s = billing::bill_for(&reg, jiff::civil::date(2026, 11, 1), &terms, &[e.clone()])?;
/// assert_eq!(s.total, Money::from_rubles(2700));
/// assert!(billing::bill(&reg, jiff::civil::date(2026, 11, 1), None, &[e]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Terms<'a> {
    /// The plan's id.
    pub plan: Option<&'a str>,
    /// The contract's price per hour.
    pub contract_rate: Option<Money>,
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
    /// A time entry longer than 31 days, more than a month's statement can hold.
    #[error("time entry at {0} is longer than 31 days")]
    TooLong(String),
    /// An activity priced by the contract, for a customer whose contract sets no price.
    #[error(
        "activity `{0}` is priced by the contract (`rate = \"contract\"`), and the organization's contract has no hourly rate"
    )]
    NoContractRate(String),
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

/// The longest a single entry may be: a month of days.
const MAX_ENTRY: SignedDuration = SignedDuration::from_hours(31 * 24);

/// Makes the statement for one month, for a customer without a contract price; see
/// [`bill_for`].
///
/// # Errors
///
/// [`BillingError`] for a regulation without billing, an unknown activity or plan, a negative
/// or longer than 31 days duration, or an activity priced by the contract.
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
    bill_for(
        reg,
        month,
        &Terms {
            plan,
            contract_rate: None,
        },
        entries,
    )
}

/// Which entries share a minimum and a rounding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Group {
    Entry(usize),
    Ticket(String, String),
    Month(String),
}

/// Makes the statement for one month: the entries that start in that month (in the regulation's
/// time zone), priced by their activity and the ticket's class, split at the windows'
/// boundaries, with the plan's included hours and fee.
///
/// - **Billed time.** The actual time is raised to the activity's minimum and rounded up to its
///   rounding quantum, per entry, per ticket or per month as the activity's `per` says. For a
///   ticket or a month the top-up goes on the last entry of the group.
/// - **Tiers.** An activity with tiers charges the price of the first tier its billed time
///   (the real duration rounded up to the quantum) fits in, times the factor of the window the
///   call started in; beyond the last tier its hourly rate applies to the whole billed time.
/// - **Hourly price.** `rate = "contract"` takes the contract's price; otherwise the rate for
///   the ticket's priority, else for its level, else `rate`.
/// - **Windows.** Work is split where a window (`[[billing.multipliers]]`) begins or ends; each
///   part gets the first window it is inside, in file order: its own rate, or its factor on the
///   hourly price. The top-up is priced with the last part.
/// - **Plan.** Billed time is covered by the included hours first, in time order; the rest is
///   charged at the plan's overage rate, or the activity's price.
///
/// # Errors
///
/// [`BillingError`] for a regulation without billing, an unknown activity or plan, a negative
/// duration or one longer than 31 days, or an activity priced by the contract when the terms
/// carry no contract rate.
///
/// # Example
///
/// ```
/// use jiff::SignedDuration;
/// use reglament_regulation::{billing, Regulation, Terms, TimeEntry};
///
/// let reg = Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = 2000\nminimum = \"1 hour\"\nrounding = \"30 minutes\"\nper = \"ticket\"\n")?;
/// let at: jiff::Timestamp = "2026-11-23T10:00:00+03:00".parse()?;
/// let entry = |mins: i64| TimeEntry { ticket: Some("T-1".into()), ..TimeEntry::new(at, SignedDuration::from_mins(mins), "work") };
/// let s = billing::bill_for(&reg, jiff::civil::date(2026, 11, 1), &Terms::default(), &[entry(20), entry(70), entry(61)])?;
/// assert_eq!(s.billed_time.as_hours(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn bill_for(
    reg: &Regulation,
    month: Date,
    terms: &Terms<'_>,
    entries: &[TimeEntry],
) -> Result<Statement, BillingError> {
    let b = reg.billing.as_ref().ok_or(BillingError::NoBilling)?;
    let plan = match terms.plan {
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

    // The activities, and what each group of entries is billed: its top-up goes on its last.
    let mut acts: Vec<&Activity> = Vec::with_capacity(sorted.len());
    let mut groups: HashMap<Group, (SignedDuration, usize)> = HashMap::new();
    let mut group_of = Vec::with_capacity(sorted.len());
    for (i, e) in sorted.iter().enumerate() {
        if e.duration.is_negative() {
            return Err(BillingError::NegativeDuration(e.at.to_string()));
        }
        if e.duration > MAX_ENTRY {
            return Err(BillingError::TooLong(e.at.to_string()));
        }
        let a = b
            .activities
            .get(&e.activity)
            .ok_or_else(|| BillingError::UnknownActivity {
                at: e.at.to_string(),
                activity: e.activity.clone(),
                known: b.activities.keys().cloned().collect::<Vec<_>>().join(", "),
            })?;
        if a.by_contract && a.billable && terms.contract_rate.is_none() {
            return Err(BillingError::NoContractRate(a.id.clone()));
        }
        let g = match (a.per, &e.ticket) {
            (Granularity::Ticket, Some(t)) => Group::Ticket(a.id.clone(), t.clone()),
            (Granularity::Month, _) => Group::Month(a.id.clone()),
            _ => Group::Entry(i),
        };
        let slot = groups.entry(g.clone()).or_insert((SignedDuration::ZERO, i));
        slot.0 += e.duration;
        slot.1 = i;
        acts.push(a);
        group_of.push(g);
    }

    let mut pricer = Pricer::default();
    let mut included_left = plan.and_then(|p| p.included);
    let unlimited = plan.is_some_and(|p| p.included.is_none());
    let mut lines = Vec::with_capacity(sorted.len());
    let mut total = plan.map_or(Money::ZERO, |p| p.monthly_fee);
    let (mut billed_time, mut included_time) = (SignedDuration::ZERO, SignedDuration::ZERO);
    for (i, e) in sorted.iter().enumerate() {
        let a = acts[i];
        let (sum, last) = groups[&group_of[i]];
        let mut notes = Vec::new();
        let rounding = a.rounding.or(b.rounding);
        // The top-up of the group, on its last entry.
        let topup = if last == i {
            let raised = sum.max(a.minimum.unwrap_or(SignedDuration::ZERO));
            let billed = round_up(raised, rounding);
            let per = match group_of[i] {
                Group::Entry(_) => String::new(),
                _ => format!(" {} (всего {})", a.per.ru(), minutes(sum)),
            };
            if raised > sum {
                notes.push(format!("минимум {}{per}", minutes(raised)));
            }
            if billed > raised {
                notes.push(format!("округлено до {}{per}", minutes(billed)));
            }
            billed - sum
        } else {
            SignedDuration::ZERO
        };
        let billed = e.duration + topup;
        let windows: Vec<&Multiplier> = b.multipliers.iter().filter(|m| applies(m, a, e)).collect();
        let (amount, covered, parts, multiplier) = if !a.billable {
            notes.push("бесплатно".into());
            let part = LinePart {
                from: e.at,
                to: e.at + e.duration,
                billed,
                included: SignedDuration::ZERO,
                window: None,
                hourly: Money::ZERO,
                amount: Money::ZERO,
            };
            (Money::ZERO, SignedDuration::ZERO, vec![part], None)
        } else {
            let covered = cover(&mut included_left, unlimited, billed);
            match a.tiers.iter().find(|t| billed <= t.up_to) {
                Some(t) => {
                    notes.push(format!("до {} — {}", minutes(t.up_to), t.price));
                    let start = window_at(reg, &windows, e.at)?;
                    let factor = start.and_then(|m| match m.price {
                        WindowPrice::Factor(f) => Some((m.title.clone(), f)),
                        WindowPrice::Rate(_) => None,
                    });
                    let rest = billed - covered;
                    let mut amount = if rest.is_zero() {
                        notes.push("в рамках тарифа".into());
                        Money::ZERO
                    } else if covered.is_zero() {
                        t.price
                    } else {
                        notes.push(format!("сверх тарифа {}", minutes(rest)));
                        Money::from_kopecks(
                            (i128::from(t.price.kopecks()) * i128::from(rest.as_secs())
                                / i128::from(billed.as_secs().max(1)))
                                as i64,
                        )
                    };
                    if let Some((title, f)) = &factor
                        && amount != Money::ZERO
                    {
                        amount = amount.times(*f);
                        notes.push(format!("×{f} ({title})"));
                    }
                    let part = LinePart {
                        from: e.at,
                        to: e.at + e.duration,
                        billed,
                        included: covered,
                        window: factor.as_ref().map(|(t, _)| t.clone()),
                        hourly: Money::ZERO,
                        amount,
                    };
                    (amount, covered, vec![part], factor)
                }
                None => hourly(
                    reg,
                    a,
                    e,
                    &windows,
                    billed,
                    covered,
                    terms,
                    plan.and_then(|p| p.overage_rate),
                    &mut notes,
                    &mut pricer,
                )?,
            }
        };
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
            parts,
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

/// Charges hourly work so that the lines add up to the exact price of the month: each amount is
/// the rounded running total less what was already charged, so no kopeck is lost or made up
/// by rounding line by line.
#[derive(Default)]
struct Pricer {
    /// Kopeck-seconds so far, exact.
    exact: i128,
    /// Kopecks charged so far.
    charged: i64,
}

impl Pricer {
    fn charge(&mut self, hourly: Money, d: SignedDuration) -> Money {
        self.exact += i128::from(hourly.kopecks()) * i128::from(d.as_secs());
        let now = i64::try_from((self.exact + 1800) / 3600).unwrap_or(i64::MAX);
        let amount = now.saturating_sub(self.charged);
        self.charged = now;
        Money::from_kopecks(amount)
    }
}

/// Takes what the plan's included hours cover of `billed`.
fn cover(
    left: &mut Option<SignedDuration>,
    unlimited: bool,
    billed: SignedDuration,
) -> SignedDuration {
    if unlimited {
        return billed;
    }
    match left.as_mut() {
        Some(l) => {
            let c = billed.min(*l);
            *l -= c;
            c
        }
        None => SignedDuration::ZERO,
    }
}

/// Whether a window can price this entry at all: its activity and its ticket's class.
fn applies(m: &Multiplier, a: &Activity, e: &TimeEntry) -> bool {
    let class = |ids: &[String], v: &Option<String>| {
        ids.is_empty() || v.as_ref().is_some_and(|v| ids.contains(v))
    };
    (m.activities.is_empty() || m.activities.contains(&a.id))
        && class(&m.levels, &e.level)
        && class(&m.priorities, &e.priority)
}

/// The first window, in file order, an instant is inside.
fn window_at<'a>(
    reg: &Regulation,
    windows: &[&'a Multiplier],
    t: Timestamp,
) -> Result<Option<&'a Multiplier>, BillingError> {
    for m in windows {
        let inside = match m.inside.as_deref().and_then(|id| reg.schedule(id)) {
            Some(s) => s.working.is_working(t)?,
            None => true,
        };
        let outside = match m.outside.as_deref().and_then(|id| reg.schedule(id)) {
            Some(s) => !s.working.is_working(t)?,
            None => true,
        };
        let hours = match m.hours {
            Some(h) => {
                let local = reg.timezone.to_datetime(t);
                let minute =
                    u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute()))
                        .unwrap_or(0);
                TimeOfDay::from_minutes(minute).is_ok_and(|tod| h.contains(tod))
            }
            None => true,
        };
        if inside && outside && hours {
            return Ok(Some(m));
        }
    }
    Ok(None)
}

/// A stretch of work and the window it is in.
type Piece<'a> = (Timestamp, Timestamp, Option<&'a Multiplier>);

/// A line's amount, the plan's hours it used, its parts, and the factor window it started in.
type Priced = (Money, SignedDuration, Vec<LinePart>, Option<(String, f64)>);

/// The work from `from` to `to` cut where the window it is in changes. Windows begin and end on
/// whole minutes, so each minute is looked at once.
fn split<'a>(
    reg: &Regulation,
    windows: &[&'a Multiplier],
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Piece<'a>>, BillingError> {
    let mut w = window_at(reg, windows, from)?;
    if windows.is_empty() || from >= to {
        return Ok(vec![(from, to, w)]);
    }
    let mut out = Vec::new();
    let (mut start, mut cur) = (from, from);
    while cur < to {
        let minute = Timestamp::from_second((cur.as_second().div_euclid(60) + 1) * 60)
            .unwrap_or(to)
            .min(to);
        if minute < to {
            let next = window_at(reg, windows, minute)?;
            if !std::ptr::eq(
                next.map_or(std::ptr::null(), |m| m as *const Multiplier),
                w.map_or(std::ptr::null(), |m| m as *const Multiplier),
            ) {
                out.push((start, minute, w));
                start = minute;
                w = next;
            }
        }
        cur = minute;
    }
    out.push((start, to, w));
    Ok(out)
}

/// Prices hourly work: split by window, the plan's hours taken first, each part at its price.
#[allow(clippy::too_many_arguments)]
fn hourly(
    reg: &Regulation,
    a: &Activity,
    e: &TimeEntry,
    windows: &[&Multiplier],
    billed: SignedDuration,
    covered: SignedDuration,
    terms: &Terms<'_>,
    overage: Option<Money>,
    notes: &mut Vec<String>,
    pricer: &mut Pricer,
) -> Result<Priced, BillingError> {
    // The hourly price for this ticket's class, and what says so.
    let (base, why) = if a.by_contract {
        (terms.contract_rate, " по договору".to_string())
    } else if let Some(r) = e.priority.as_ref().and_then(|p| a.rate_by_priority.get(p)) {
        let title = e
            .priority
            .as_deref()
            .and_then(|p| reg.priority(p))
            .map_or(e.priority.clone().unwrap_or_default(), |p| p.title.clone());
        (Some(*r), format!(" (приоритет «{title}»)"))
    } else if let Some(r) = e.level.as_ref().and_then(|l| a.rate_by_level.get(l)) {
        let title = e
            .level
            .as_deref()
            .and_then(|l| reg.level(l))
            .map_or(e.level.clone().unwrap_or_default(), |l| l.title.clone());
        (Some(*r), format!(" (уровень «{title}»)"))
    } else {
        (a.rate, String::new())
    };
    // With a plan that sets an overage rate, what the plan does not cover is priced at it.
    let price = overage.or(base);
    let pieces = split(reg, windows, e.at, e.at + e.duration)?;
    let n = pieces.len();
    let mut left = covered;
    let (mut total, mut parts) = (Money::ZERO, Vec::with_capacity(n));
    let local = |t: Timestamp| reg.timezone.to_datetime(t).strftime("%H:%M").to_string();
    let mut shown = Vec::new();
    for (k, (from, to, w)) in pieces.iter().enumerate() {
        let mut part_billed = to.duration_since(*from);
        if k + 1 == n {
            // The minimum's and the rounding's top-up is priced with the last part.
            part_billed += billed - e.duration;
        }
        let inc = part_billed.min(left);
        left -= inc;
        let rest = part_billed - inc;
        let hourly = match (w.map(|m| m.price), price) {
            (Some(WindowPrice::Rate(r)), _) => r,
            (Some(p), Some(base)) => p.hourly(base),
            (None, Some(base)) => base,
            (_, None) => Money::ZERO,
        };
        let amount = pricer.charge(hourly, rest);
        total += amount;
        shown.push(format!(
            "{}–{} — {hourly}/ч{}",
            local(*from),
            local(*to),
            w.map_or(String::new(), |m| format!(" ({})", m.title))
        ));
        parts.push(LinePart {
            from: *from,
            to: *to,
            billed: part_billed,
            included: inc,
            window: w.map(|m| m.title.clone()),
            hourly,
            amount,
        });
    }
    let start = pieces[0].2;
    let multiplier = start.and_then(|m| match m.price {
        WindowPrice::Factor(f) => Some((m.title.clone(), f)),
        WindowPrice::Rate(_) => None,
    });
    let rest = billed - covered;
    if rest.is_zero() {
        if !covered.is_zero() {
            notes.push("в рамках тарифа".into());
        }
    } else {
        match overage {
            Some(r) => notes.push(format!("сверх тарифа {} по {r}/ч", minutes(rest))),
            None if !covered.is_zero() => notes.push(format!("сверх тарифа {}", minutes(rest))),
            None => {}
        }
        if n > 1 {
            notes.push(shown.join(", "));
        } else {
            match (start, base) {
                (Some(m), _) if matches!(m.price, WindowPrice::Rate(_)) => {
                    notes.push(format!("{}/ч ({})", parts[0].hourly, m.title));
                }
                (Some(m), Some(r)) => {
                    if overage.is_none() {
                        notes.push(format!("{r}/ч{why}"));
                    }
                    if let WindowPrice::Factor(f) = m.price {
                        notes.push(format!("×{f} ({})", m.title));
                    }
                }
                (None, Some(r)) if overage.is_none() => notes.push(format!("{r}/ч{why}")),
                _ => {}
            }
        }
    }
    Ok((total, covered, parts, multiplier))
}
