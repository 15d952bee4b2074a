//! Reports: parsed here, computed by the desk.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use reglament_desk::{Lang, ReportQuery};
use serde::Deserialize;

use crate::{ApiQuery, AppError, AppState, Caller};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/reports/compliance", get(compliance))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComplianceQuery {
    month: Option<String>,
    from: Option<String>,
    to: Option<String>,
    group_by: Option<String>,
    organization_id: Option<i64>,
    priority: Option<String>,
    level: Option<String>,
    line: Option<String>,
    category: Option<String>,
    agent_id: Option<i64>,
    /// `json` (the default) or `csv`.
    format: Option<String>,
}

/// SLA compliance: JSON, or CSV to download with a header in the `Accept-Language`.
async fn compliance(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ComplianceQuery>,
) -> Result<Response, AppError> {
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(AppError::Query(format!(
                "`format={other}` is not known, expected `json` or `csv`"
            )));
        }
    };
    let lang = Lang::from_accept_language(
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let query = ReportQuery {
        month: q.month,
        from: q.from,
        to: q.to,
        group_by: q.group_by,
        organization_id: q.organization_id,
        priority: q.priority,
        level: q.level,
        line: q.line,
        category: q.category,
        agent_id: q.agent_id,
    };
    let report = s.desk.compliance_report(p, &query, lang).await?;
    if !csv {
        return Ok(Json(report).into_response());
    }
    let name = format!("compliance-{}-{}.csv", report.from, report.to);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            ),
        ],
        report.csv(lang),
    )
        .into_response())
}
