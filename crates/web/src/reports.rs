//! Reports: parsed here, computed by the desk.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use reglament_desk::{Lang, ReportQuery};
use serde::Deserialize;

use crate::{ApiPath, ApiQuery, AppError, AppState, Caller};

pub fn router() -> Router<AppState> {
    // `compliance`, `distribution`, `csat` and `workload`; any other name is no address.
    Router::new().route("/api/v1/reports/{kind}", get(report))
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

/// Whether the answer is CSV, and in which language, from `format` and `Accept-Language`.
fn wants(format: Option<&str>, headers: &HeaderMap) -> Result<(bool, Lang), AppError> {
    let csv = match format {
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
    Ok((csv, lang))
}

impl ComplianceQuery {
    fn report(self) -> (ReportQuery, Option<String>) {
        (
            ReportQuery {
                month: self.month,
                from: self.from,
                to: self.to,
                group_by: self.group_by,
                organization_id: self.organization_id,
                priority: self.priority,
                level: self.level,
                line: self.line,
                category: self.category,
                agent_id: self.agent_id,
            },
            self.format,
        )
    }
}

/// The report as JSON, or as a CSV download named after it and its period.
fn answer<T: serde::Serialize>(
    csv: bool,
    name: &str,
    report: &T,
    from: &str,
    to: &str,
    text: impl FnOnce() -> String,
) -> Result<Response, AppError> {
    if csv {
        download(name, from, to, text())
    } else {
        Ok(Json(report).into_response())
    }
}

/// A CSV download named after the report and its period.
fn download(name: &str, from: &str, to: &str, text: String) -> Result<Response, AppError> {
    let file = format!("{name}-{from}-{to}.csv");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            ),
        ],
        text,
    )
        .into_response())
}

/// A report: JSON, or CSV to download with a header in the `Accept-Language`.
async fn report(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: HeaderMap,
    ApiPath(kind): ApiPath<String>,
    ApiQuery(q): ApiQuery<ComplianceQuery>,
) -> Result<Response, AppError> {
    let (query, format) = q.report();
    let (csv, lang) = wants(format.as_deref(), &headers)?;
    let d = &s.desk;
    match kind.as_str() {
        "compliance" => {
            let r = d.compliance_report(p, &query).await?;
            answer(csv, &kind, &r, &r.from, &r.to, || r.csv(lang))
        }
        "distribution" => {
            let r = d.distribution_report(p, &query).await?;
            answer(csv, &kind, &r, &r.from, &r.to, || r.csv(lang))
        }
        "csat" => {
            let r = d.csat_report(p, &query).await?;
            answer(csv, &kind, &r, &r.from, &r.to, || r.csv(lang))
        }
        "workload" => {
            let r = d.workload_report(p, &query).await?;
            answer(csv, &kind, &r, &r.from, &r.to, || r.csv(lang))
        }
        _ => Err(AppError::NoRoute),
    }
}
