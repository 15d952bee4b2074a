//! Time entries and monthly billing statements, computed by the regulation's billing rules from
//! the time logged in tickets' journals.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use jiff::civil::Date;
use reglament_domain::{OrgId, Role};
use reglament_regulation::billing;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::directory::may_read_org;
use crate::{ApiQuery, AppError, AppState, Caller, require_role};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/time-entries", get(time_entries))
        .route("/api/v1/organizations/{id}/statement", get(statement))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthQuery {
    /// `YYYY-MM`.
    month: String,
    organization_id: Option<i64>,
}

/// The first day of a `YYYY-MM` month and the first instants of it and of the next month, in the
/// regulation's time zone.
fn month_bounds(
    s: &AppState,
    month: &str,
) -> Result<(Date, jiff::Timestamp, jiff::Timestamp), AppError> {
    let bad = || AppError::field("month", format!("`{month}` is not a month YYYY-MM"));
    let first: Date = format!("{month}-01").parse().map_err(|_| bad())?;
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .map_err(|_| bad())?;
    let tz = &s.regulation.timezone;
    let start = first.to_zoned(tz.clone()).map_err(|_| bad())?.timestamp();
    let end = next.to_zoned(tz.clone()).map_err(|_| bad())?.timestamp();
    Ok((first, start, end))
}

fn minutes(d: jiff::SignedDuration) -> i64 {
    d.as_mins()
}

async fn time_entries(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<Value>, AppError> {
    require_role(
        p,
        &[Role::Admin, Role::Supervisor, Role::Agent],
        "see time entries",
    )?;
    let (_, from, to) = month_bounds(&s, &q.month)?;
    let entries = s
        .store
        .time_entries(q.organization_id.map(OrgId), from, to)
        .await?;
    let items: Vec<Value> = entries
        .iter()
        .map(|(id, e)| {
            json!({
                "ticket_id": id.0,
                "ticket_number": e.ticket,
                "at": e.at.to_string(),
                "activity": e.activity,
                "minutes": minutes(e.duration),
                "description": e.description,
            })
        })
        .collect();
    let total: i64 = entries.iter().map(|(_, e)| minutes(e.duration)).sum();
    Ok(Json(json!({ "items": items, "total_minutes": total })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementQuery {
    /// `YYYY-MM`.
    month: String,
}

/// The organization's statement (акт) for a month: its plan is the one whose tariffs include the
/// organization's tariff.
async fn statement(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> Result<Json<Value>, AppError> {
    may_read_org(p, OrgId(id))?;
    let (first, from, to) = month_bounds(&s, &q.month)?;
    let org = s.store.organization(OrgId(id)).await?;
    let reg = &s.regulation;
    let Some(b) = &reg.billing else {
        return Err(AppError::Conflict(
            "the regulation has no billing rules".into(),
        ));
    };
    let plan = org
        .tariff
        .as_deref()
        .and_then(|t| b.plan_for_tariff(t))
        .map(|p| p.id.clone());
    let entries: Vec<_> = s
        .store
        .time_entries(Some(org.id), from, to)
        .await?
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let st = billing::bill(reg, first, plan.as_deref(), &entries)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    Ok(Json(json!({
        "organization_id": org.id.0,
        "organization": org.name,
        "month": q.month,
        "currency": b.currency,
        "plan": st.plan,
        "fee_kopecks": st.fee.kopecks(),
        "fee": st.fee.to_string(),
        "lines": st.lines.iter().map(|l| json!({
            "at": l.at.to_string(),
            "ticket_number": l.ticket,
            "activity": l.activity,
            "description": l.description,
            "actual_minutes": minutes(l.actual),
            "billed_minutes": minutes(l.billed),
            "included_minutes": minutes(l.included),
            "multiplier": l.multiplier.as_ref().map(|(t, f)| json!({ "title": t, "factor": f })),
            "amount_kopecks": l.amount.kopecks(),
            "amount": l.amount.to_string(),
            "note": l.note,
        })).collect::<Vec<_>>(),
        "billed_minutes": minutes(st.billed_time),
        "included_minutes": minutes(st.included_time),
        "total_kopecks": st.total.kopecks(),
        "total": st.total.to_string(),
    })))
}
