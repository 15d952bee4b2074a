//! Billing: the regulation's billing rules (activities, plans, tiers, multipliers, rounding) and
//! money in whole kopecks, and [`bill`], which turns time entries into a monthly statement (акт)
//! with lines and totals.

mod statement;

pub use statement::{
    BillingError, LinePart, Statement, StatementLine, Terms, TimeEntry, bill, bill_for,
};

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;
use reglament_calendar::TimeOfDay;

/// An amount of money in kopecks (1/100 of a ruble).
///
/// # Example
///
/// ```
/// use reglament_regulation::Money;
///
/// let m: Money = "2 000,50".parse()?;
/// assert_eq!(m.kopecks(), 200_050);
/// assert_eq!(m.to_string(), "2 000,50 ₽");
/// assert_eq!(Money::from_rubles(500).to_string(), "500 ₽");
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// An amount of kopecks.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_regulation::Money::from_kopecks(150).to_string(), "1,50 ₽");
    /// ```
    pub fn from_kopecks(k: i64) -> Money {
        Money(k)
    }

    /// An amount of whole rubles.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_regulation::Money::from_rubles(2).kopecks(), 200);
    /// ```
    pub fn from_rubles(r: i64) -> Money {
        Money(r.saturating_mul(100))
    }

    /// The amount in kopecks.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_regulation::Money::ZERO.kopecks(), 0);
    /// ```
    pub fn kopecks(self) -> i64 {
        self.0
    }

    /// This hourly rate applied to a duration, rounded to the nearest kopeck.
    ///
    /// # Example
    ///
    /// ```
    /// use jiff::SignedDuration;
    /// use reglament_regulation::Money;
    ///
    /// assert_eq!(Money::from_rubles(2000).per_hour(SignedDuration::from_mins(90)), Money::from_rubles(3000));
    /// ```
    pub fn per_hour(self, d: SignedDuration) -> Money {
        let num = i128::from(self.0) * i128::from(d.as_secs());
        Money(i64::try_from((num + 1800) / 3600).unwrap_or(i64::MAX))
    }

    /// This amount times a factor, rounded to the nearest kopeck.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_regulation::Money::from_rubles(1000).times(2.0).to_string(), "2 000 ₽");
    /// ```
    pub fn times(self, factor: f64) -> Money {
        Money((self.0 as f64 * factor).round() as i64)
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0.saturating_add(o.0))
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 = self.0.saturating_add(o.0);
    }
}

/// Rubles as written: `2000`, `1 500,50 ₽`, `-0.50`; more than two decimals, stray signs and
/// amounts past the kopeck counter are errors.
///
/// ```
/// use reglament_regulation::Money;
///
/// assert_eq!("1 500,50 ₽".parse::<Money>(), Ok(Money::from_kopecks(150_050)));
/// assert_eq!("-0.50".parse::<Money>(), Ok(Money::from_kopecks(-50)));
/// assert!("10.-5".parse::<Money>().is_err());
/// assert!("92233720368547758.08".parse::<Money>().is_err());
/// ```
impl FromStr for Money {
    type Err = String;

    fn from_str(s: &str) -> Result<Money, String> {
        let t: String = s
            .trim()
            .trim_end_matches('₽')
            .trim_end_matches("руб.")
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
            .collect();
        let t = t.replace(',', ".");
        // The sign apart, so that `-0.50` keeps it.
        let (negative, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.as_str()),
        };
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let bad = || format!("amount `{s}` is not valid, expected e.g. `2000` or `1500.50`");
        let digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if frac.len() > 2 || whole.is_empty() || !digits(whole) || !digits(frac) {
            return Err(bad());
        }
        let w: i64 = whole.parse().map_err(|_| bad())?;
        let f: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<2}").parse().map_err(|_| bad())?
        };
        let k = w
            .checked_mul(100)
            .and_then(|k| k.checked_add(f))
            .ok_or_else(bad)?;
        Ok(Money(if negative { -k } else { k }))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let rubles = (abs / 100).to_string();
        let mut grouped = String::new();
        for (i, ch) in rubles.chars().enumerate() {
            if i > 0 && (rubles.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(ch);
        }
        if abs.is_multiple_of(100) {
            write!(f, "{sign}{grouped} ₽")
        } else {
            write!(f, "{sign}{grouped},{:02} ₽", abs % 100)
        }
    }
}

/// A fixed price for a duration tier, e.g. calls up to 15 minutes cost 500 ₽.
///
/// # Example
///
/// ```
/// use reglament_regulation::{Money, Tier};
///
/// let t = Tier { up_to: jiff::SignedDuration::from_mins(15), price: Money::from_rubles(500) };
/// assert_eq!(t.price.to_string(), "500 ₽");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tier {
    /// The longest duration in the tier, inclusive.
    pub up_to: SignedDuration,
    /// The price of the tier.
    pub price: Money,
}

/// A kind of billable work: answers, phone calls, remote sessions.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.remote]\ntitle = \"Удалённый доступ\"\nrate = 2000\nminimum = \"1 hour\"\n")?;
/// let a = &reg.billing.as_ref().unwrap().activities["remote"];
/// assert_eq!(a.minimum.unwrap().as_hours(), 1);
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    /// The activity's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// Where it is written in the file (a byte offset): documents list in file order.
    pub position: usize,
    /// The hourly rate, also used beyond the last tier.
    pub rate: Option<Money>,
    /// Priced per hour by the organization's contract (`rate = "contract"`), not by the file.
    pub by_contract: bool,
    /// The unit the work is written off in, such as «человеко-час»; an hour when unset.
    pub unit: Option<String>,
    /// Hourly rates for tickets of a service level, by level id, over `rate`.
    pub rate_by_level: BTreeMap<String, Money>,
    /// Hourly rates for tickets of a priority, by priority id, over the level's and `rate`.
    pub rate_by_priority: BTreeMap<String, Money>,
    /// The least time billed, per [`per`](Activity::per).
    pub minimum: Option<SignedDuration>,
    /// The rounding quantum for this activity, overriding the regulation's.
    pub rounding: Option<SignedDuration>,
    /// What the minimum and the rounding apply to: each entry, each ticket, or the month.
    pub per: Granularity,
    /// Fixed-price duration tiers.
    pub tiers: Vec<Tier>,
    /// Whether the activity is billed at all (free support is not).
    pub billable: bool,
}

/// A monthly plan: a fee that includes some hours, with overage beyond.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[billing.plans.vip]\ntitle = \"VIP\"\nmonthly_fee = 20000\nincluded_hours = 30\n")?;
/// let p = &reg.billing.as_ref().unwrap().plans["vip"];
/// assert_eq!(p.included.unwrap().as_hours(), 30);
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The plan's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// Where it is written in the file (a byte offset): documents list in file order.
    pub position: usize,
    /// The monthly fee.
    pub monthly_fee: Money,
    /// Hours included in the fee; `None` means unlimited.
    pub included: Option<SignedDuration>,
    /// The hourly rate beyond the included hours; the activity's own pricing when unset.
    pub overage_rate: Option<Money>,
    /// Tariffs that use this plan.
    pub tariffs: Vec<String>,
}

/// What an activity's minimum and rounding apply to.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = 2000\nminimum = \"1 hour\"\nper = \"ticket\"\n")?;
/// use reglament_regulation::Granularity;
/// assert_eq!(reg.billing.as_ref().unwrap().activities["work"].per, Granularity::Ticket);
/// assert_eq!(Granularity::Ticket.ru(), "на обращение");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Granularity {
    /// Each time entry on its own (`per = "entry"`, the default).
    #[default]
    Entry,
    /// The activity's entries on one ticket in the month, together (`per = "ticket"`).
    Ticket,
    /// All of the activity's entries in the month, together (`per = "month"`).
    Month,
}

impl Granularity {
    /// The words a statement and the document use: «на обращение».
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_regulation::Granularity::Month.ru(), "за месяц");
    /// ```
    pub fn ru(self) -> &'static str {
        match self {
            Granularity::Entry => "за каждую запись",
            Granularity::Ticket => "на обращение",
            Granularity::Month => "за месяц",
        }
    }
}

/// How a window prices the work inside it.
///
/// # Example
///
/// ```
/// use reglament_regulation::{Money, WindowPrice};
///
/// assert_eq!(WindowPrice::Factor(2.0).hourly(Money::from_rubles(1000)), Money::from_rubles(2000));
/// assert_eq!(WindowPrice::Rate(Money::from_rubles(4500)).hourly(Money::from_rubles(1000)), Money::from_rubles(4500));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum WindowPrice {
    /// The hourly price times a factor.
    Factor(f64),
    /// A price per hour of its own.
    Rate(Money),
}

impl WindowPrice {
    /// The hourly price inside the window, for work whose price outside it is `base`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::{Money, WindowPrice};
    ///
    /// assert_eq!(WindowPrice::Factor(1.5).hourly(Money::from_rubles(2000)).to_string(), "3 000 ₽");
    /// ```
    pub fn hourly(self, base: Money) -> Money {
        match self {
            WindowPrice::Factor(f) => base.times(f),
            WindowPrice::Rate(r) => r,
        }
    }
}

/// Hours of every day, such as `22:00-07:00`; the window may cross midnight.
///
/// # Example
///
/// ```
/// use reglament_regulation::DailyHours;
///
/// let night: DailyHours = "22:00-07:00".parse()?;
/// assert!(night.contains("23:30".parse()?) && night.contains("06:59".parse()?));
/// assert!(!night.contains("07:00".parse()?));
/// assert_eq!(night.to_string(), "22:00–07:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyHours {
    /// The first minute inside.
    pub from: TimeOfDay,
    /// The first minute outside again, on the next day when before `from`.
    pub to: TimeOfDay,
}

impl DailyHours {
    /// Whether a local time of day is inside.
    ///
    /// # Example
    ///
    /// ```
    /// let day: reglament_regulation::DailyHours = "09:00-18:00".parse()?;
    /// assert!(day.contains("09:00".parse()?) && !day.contains("18:00".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains(self, t: TimeOfDay) -> bool {
        if self.from <= self.to {
            self.from <= t && t < self.to
        } else {
            t >= self.from || t < self.to
        }
    }
}

/// `HH:MM-HH:MM`, the end may be before the start (the next morning).
///
/// ```
/// assert!("22:00-22:00".parse::<reglament_regulation::DailyHours>().is_err());
/// assert!("22:00".parse::<reglament_regulation::DailyHours>().is_err());
/// ```
impl FromStr for DailyHours {
    type Err = String;

    fn from_str(s: &str) -> Result<DailyHours, String> {
        let bad = || format!("hours `{s}` are not valid, expected e.g. `22:00-07:00`");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let from: TimeOfDay = a.trim().parse().map_err(|_| bad())?;
        let to: TimeOfDay = b.trim().parse().map_err(|_| bad())?;
        if from == to || from == TimeOfDay::END_OF_DAY {
            return Err(bad());
        }
        Ok(DailyHours { from, to })
    }
}

impl fmt::Display for DailyHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.from, self.to)
    }
}

/// A time window with its own price, e.g. double rate out of hours or 4 500 ₽ an hour at night.
/// Work is inside when every condition given holds: inside `inside`, outside `outside`, within
/// `hours`, on a ticket of one of `levels` and `priorities`.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"08:00-16:00\" }\n[schedules.line]\nhours = { daily = \"06:00-20:00\" }\ncalendar = \"none\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = 2000\n[[billing.multipliers]]\ntitle = \"Вне рабочего времени\"\nfactor = 2\ninside = \"line\"\noutside = \"office\"\n")?;
/// assert_eq!(reg.billing.as_ref().unwrap().multipliers[0].price, reglament_regulation::WindowPrice::Factor(2.0));
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Multiplier {
    /// A human title.
    pub title: String,
    /// A factor on the hourly price, or an hourly rate of its own.
    pub price: WindowPrice,
    /// A schedule the work must be inside of.
    pub inside: Option<String>,
    /// A schedule the work must be outside of.
    pub outside: Option<String>,
    /// Hours of the day the work must be within, in the regulation's time zone.
    pub hours: Option<DailyHours>,
    /// The activities it applies to (all when empty).
    pub activities: Vec<String>,
    /// The service levels of the tickets it applies to (all when empty).
    pub levels: Vec<String>,
    /// The priorities of the tickets it applies to (all when empty).
    pub priorities: Vec<String>,
}

/// The billing rules of a regulation.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[billing]\nrounding = \"15 minutes\"\n")?;
/// assert_eq!(reg.billing.unwrap().rounding.unwrap().as_mins(), 15);
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Billing {
    /// The currency code; amounts are in its hundredths.
    pub currency: String,
    /// Billed time is rounded up to a multiple of this.
    pub rounding: Option<SignedDuration>,
    /// Activities by id.
    pub activities: BTreeMap<String, Activity>,
    /// Plans by id.
    pub plans: BTreeMap<String, Plan>,
    /// Rate multipliers.
    pub multipliers: Vec<Multiplier>,
    /// Email support is free.
    pub free_email: bool,
}

impl Billing {
    /// The activities in the order the file writes them.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работы\"\nrate = 1\n[billing.activities.call]\ntitle = \"Звонок\"\nrate = 1\n")?;
    /// let ids: Vec<&str> = reg.billing.as_ref().unwrap().activities_in_order().map(|a| a.id.as_str()).collect();
    /// assert_eq!(ids, ["work", "call"]);
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn activities_in_order(&self) -> impl Iterator<Item = &Activity> {
        let mut v: Vec<&Activity> = self.activities.values().collect();
        v.sort_by_key(|a| a.position);
        v.into_iter()
    }

    /// The plans in the order the file writes them.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[billing.plans.z]\ntitle = \"Z\"\nmonthly_fee = 1\n[billing.plans.a]\ntitle = \"A\"\nmonthly_fee = 1\n")?;
    /// let ids: Vec<&str> = reg.billing.as_ref().unwrap().plans_in_order().map(|p| p.id.as_str()).collect();
    /// assert_eq!(ids, ["z", "a"]);
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn plans_in_order(&self) -> impl Iterator<Item = &Plan> {
        let mut v: Vec<&Plan> = self.plans.values().collect();
        v.sort_by_key(|p| p.position);
        v.into_iter()
    }

    /// The plan for a customer's tariff, if one names it.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[billing.plans.vip]\ntitle = \"VIP\"\nmonthly_fee = 20000\ntariffs = [\"VIP\"]\n")?;
    /// assert_eq!(reg.billing.as_ref().unwrap().plan_for_tariff("VIP").unwrap().id, "vip");
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn plan_for_tariff(&self, tariff: &str) -> Option<&Plan> {
        self.plans.values().find(|p| {
            p.tariffs
                .iter()
                .any(|t| t.eq_ignore_ascii_case(tariff) || t == tariff)
        })
    }
}
