//! Billing: the time logged on tickets, and an organization's monthly statement under the
//! regulation's billing rules and the plan of its tariff. Months are taken in the regulation's
//! time zone.

use jiff::Timestamp;
use jiff::civil::Date;
use reglament_domain::{OrgId, Principal};
use reglament_regulation::billing;
use serde::Serialize;

use crate::permissions::{self, Action, scope};
use crate::view::instant;
use crate::{Desk, DeskError, Result, Text};

/// One entry of logged time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeEntryView {
    /// The ticket.
    pub ticket_id: i64,
    /// Its number.
    pub ticket_number: Option<String>,
    /// When the time was logged.
    pub at: String,
    /// The billing activity.
    pub activity: String,
    /// Minutes.
    pub minutes: i64,
    /// What was done.
    pub description: String,
}

/// The time logged in a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeEntries {
    /// The entries, oldest first.
    pub items: Vec<TimeEntryView>,
    /// Their sum, in minutes.
    pub total_minutes: i64,
}

/// A line of a statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatementLine {
    /// When the work was logged.
    pub at: String,
    /// The ticket's number.
    pub ticket_number: Option<String>,
    /// The activity.
    pub activity: String,
    /// What was done; staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Minutes worked.
    pub actual_minutes: i64,
    /// Minutes billed after rounding and minimums.
    pub billed_minutes: i64,
    /// Minutes covered by the plan.
    pub included_minutes: i64,
    /// The factor window the work started in.
    pub multiplier: Option<Multiplier>,
    /// The work split at the windows' boundaries, each part at its price.
    pub parts: Vec<LinePart>,
    /// The amount in kopecks.
    pub amount_kopecks: i64,
    /// The amount, formatted.
    pub amount: String,
    /// How the line was computed.
    pub note: String,
}

/// A stretch of a line's work inside one window, or outside all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinePart {
    /// Where it starts.
    pub from: String,
    /// Where it ends.
    pub to: String,
    /// Minutes billed for it.
    pub billed_minutes: i64,
    /// Minutes of it covered by the plan.
    pub included_minutes: i64,
    /// The window it falls in.
    pub window: Option<String>,
    /// The hourly price applied, in kopecks.
    pub hourly_kopecks: i64,
    /// The amount in kopecks.
    pub amount_kopecks: i64,
}

/// A multiplier applied to a line, such as work out of hours.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Multiplier {
    /// Its title.
    pub title: String,
    /// The factor.
    pub factor: f64,
}

/// An organization's monthly statement (акт).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    /// The organization.
    pub organization_id: i64,
    /// Its name.
    pub organization: String,
    /// `YYYY-MM`.
    pub month: String,
    /// The currency.
    pub currency: String,
    /// The plan of its tariff.
    pub plan: Option<String>,
    /// The plan's monthly fee in kopecks.
    pub fee_kopecks: i64,
    /// The fee, formatted.
    pub fee: String,
    /// The lines.
    pub lines: Vec<StatementLine>,
    /// Minutes billed.
    pub billed_minutes: i64,
    /// Minutes covered by the plan.
    pub included_minutes: i64,
    /// The total in kopecks.
    pub total_kopecks: i64,
    /// The total, formatted.
    pub total: String,
}

impl Desk {
    /// The first day of a `YYYY-MM` month and its bounds in the regulation's time zone.
    pub(crate) fn month(&self, month: &str) -> Result<(Date, Timestamp, Timestamp)> {
        let bad = || DeskError::field("month", Text::new("billing-bad-month").arg("value", month));
        let first: Date = format!("{month}-01").parse().map_err(|_| bad())?;
        let next = first
            .checked_add(jiff::Span::new().months(1))
            .map_err(|_| bad())?;
        let tz = &self.regulation.timezone;
        let start = first.to_zoned(tz.clone()).map_err(|_| bad())?.timestamp();
        let end = next.to_zoned(tz.clone()).map_err(|_| bad())?.timestamp();
        Ok((first, start, end))
    }

    /// The time logged in a month, for one organization or all.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] for a month that is not `YYYY-MM`; [`DeskError::Forbidden`] for
    /// customers.
    pub async fn time_entries(
        &self,
        who: Principal,
        month: &str,
        organization: Option<OrgId>,
    ) -> Result<TimeEntries> {
        permissions::check(who, Action::ReadTimeEntries)?;
        let (_, from, to) = self.month(month)?;
        let entries = self.store.time_entries(organization, from, to).await?;
        let tz = &self.regulation.timezone;
        let items: Vec<TimeEntryView> = entries
            .into_iter()
            .map(|(id, e)| TimeEntryView {
                ticket_id: id.0,
                ticket_number: e.ticket,
                at: instant(e.at, tz),
                activity: e.activity,
                minutes: e.duration.as_mins(),
                description: e.description,
            })
            .collect();
        let total_minutes = items.iter().map(|e| e.minutes).sum();
        Ok(TimeEntries {
            items,
            total_minutes,
        })
    }

    /// An organization's statement for a month. A customer sees the activities and minutes of
    /// the work, not the agents' descriptions of it.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] for an unknown or another customer's organization;
    /// [`DeskError::Invalid`] for a bad month; [`DeskError::Conflict`] when the regulation has
    /// no billing rules.
    pub async fn statement(&self, who: Principal, org: OrgId, month: &str) -> Result<Statement> {
        permissions::check(who, Action::ReadStatement)?;
        scope(who, org)?;
        let (first, from, to) = self.month(month)?;
        let o = self.store.organization(org).await?;
        let reg = &*self.regulation;
        let Some(b) = &reg.billing else {
            return Err(DeskError::Conflict(Text::new("billing-none")));
        };
        let plan = o
            .tariff
            .as_deref()
            .and_then(|t| b.plan_for_tariff(t))
            .map(|p| p.id.clone());
        let entries: Vec<_> = self
            .store
            .time_entries(Some(o.id), from, to)
            .await?
            .into_iter()
            .map(|(_, e)| e)
            .collect();
        let terms = billing::Terms {
            plan: plan.as_deref(),
            contract_rate: o
                .contract_rate
                .map(reglament_regulation::Money::from_kopecks),
        };
        let st = billing::bill_for(reg, first, &terms, &entries)
            .map_err(|e| DeskError::Conflict(billing_text(&e)))?;
        let staff = !who.is_customer();
        let tz = &reg.timezone;
        Ok(Statement {
            organization_id: o.id.0,
            organization: o.name,
            month: month.to_string(),
            currency: b.currency.clone(),
            plan: st.plan.clone(),
            fee_kopecks: st.fee.kopecks(),
            fee: st.fee.to_string(),
            lines: st
                .lines
                .iter()
                .map(|l| StatementLine {
                    at: instant(l.at, tz),
                    ticket_number: l.ticket.clone(),
                    activity: l.activity.clone(),
                    description: staff.then(|| l.description.clone()),
                    actual_minutes: l.actual.as_mins(),
                    billed_minutes: l.billed.as_mins(),
                    included_minutes: l.included.as_mins(),
                    multiplier: l.multiplier.as_ref().map(|(title, factor)| Multiplier {
                        title: title.clone(),
                        factor: *factor,
                    }),
                    parts: l
                        .parts
                        .iter()
                        .map(|p| LinePart {
                            from: instant(p.from, tz),
                            to: instant(p.to, tz),
                            billed_minutes: p.billed.as_mins(),
                            included_minutes: p.included.as_mins(),
                            window: p.window.clone(),
                            hourly_kopecks: p.hourly.kopecks(),
                            amount_kopecks: p.amount.kopecks(),
                        })
                        .collect(),
                    amount_kopecks: l.amount.kopecks(),
                    amount: l.amount.to_string(),
                    note: l.note.clone(),
                })
                .collect(),
            billed_minutes: st.billed_time.as_mins(),
            included_minutes: st.included_time.as_mins(),
            total_kopecks: st.total.kopecks(),
            total: st.total.to_string(),
        })
    }
}

/// Why a statement cannot be made, for the person who asked for it.
fn billing_text(e: &reglament_regulation::BillingError) -> Text {
    use reglament_regulation::BillingError as E;
    match e {
        E::NoBilling => Text::new("billing-none"),
        E::UnknownActivity {
            activity, known, ..
        } => Text::new("billing-unknown-activity")
            .arg("activity", activity.clone())
            .arg("expected", known.clone()),
        E::UnknownPlan(plan) => Text::new("billing-unknown-plan").arg("plan", plan.clone()),
        E::NegativeDuration(at) => Text::new("billing-negative").arg("at", at.clone()),
        E::Calendar(c) => Text::new("billing-calendar").arg("detail", c.to_string()),
        E::TooLong(at) => Text::new("billing-too-long").arg("at", at.clone()),
        E::NoContractRate(activity) => {
            Text::new("billing-no-contract-rate").arg("activity", activity.clone())
        }
    }
}
