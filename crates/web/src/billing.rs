//! Time entries and monthly statements: parsed here, computed by the desk.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use reglament_desk::{Statement, TimeEntries};
use reglament_domain::OrgId;
use serde::Deserialize;

use crate::{ApiPath, ApiQuery, AppError, AppState, Caller};

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

async fn time_entries(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiQuery(q): ApiQuery<MonthQuery>,
) -> Result<Json<TimeEntries>, AppError> {
    let entries = s
        .desk
        .time_entries(p, &q.month, q.organization_id.map(OrgId))
        .await?;
    Ok(Json(entries))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatementQuery {
    /// `YYYY-MM`.
    month: String,
}

/// The organization's statement (акт) for a month.
async fn statement(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<StatementQuery>,
) -> Result<Json<Statement>, AppError> {
    Ok(Json(s.desk.statement(p, OrgId(id), &q.month).await?))
}
