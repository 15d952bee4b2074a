//! The managers' report page: SLA compliance for a month, grouped and filtered, each row with
//! a bar drawn on the server (SVG, no script), the breaches linked to their tickets, and the
//! same figures as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use reglament_desk::{ComplianceReport, CsatReport, Named, ReportQuery, WorkloadReport};
use serde::Deserialize;

use super::form::urlencode;
use super::{Chrome, PageError, PageLang, Signed, Ui, render};
use crate::AppState;

#[derive(Deserialize, Default)]
pub struct ReportParams {
    month: Option<String>,
    group_by: Option<String>,
    priority: Option<String>,
    level: Option<String>,
    line: Option<String>,
}

/// One column of a histogram, in a 100 × 40 box.
pub struct Column {
    pub x: f64,
    pub y: f64,
    pub height: f64,
    pub label: String,
    pub count: i64,
}

/// A target's times as a histogram.
pub struct Histogram {
    pub title: String,
    pub count: i64,
    pub median: String,
    pub p90: String,
    pub columns: Vec<Column>,
    /// What the chart shows, for a screen reader.
    pub label: String,
}

/// A stacked bar of one row: met, breached, running and cancelled, as widths out of 100.
pub struct Bar {
    pub met: f64,
    pub breached: f64,
    pub running: f64,
    pub cancelled: f64,
    /// What the bar shows, for a screen reader.
    pub label: String,
}

impl Bar {
    /// Where each segment starts.
    pub fn breached_x(&self) -> f64 {
        self.met
    }
    pub fn running_x(&self) -> f64 {
        self.met + self.breached
    }
    pub fn cancelled_x(&self) -> f64 {
        self.met + self.breached + self.running
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    month: String,
    group_by: String,
    priority: String,
    level: String,
    line: String,
    groups: Vec<(&'static str, String)>,
    priorities: Vec<Named>,
    levels: Vec<Named>,
    lines: Vec<Named>,
    report: Option<ComplianceReport>,
    bars: Vec<Bar>,
    histograms: Vec<Histogram>,
    distribution_csv: String,
    csat: Option<CsatReport>,
    csat_csv: String,
    workload: Option<WorkloadReport>,
    workload_csv: String,
    csv: String,
    error: Option<String>,
}

const GROUPS: [&str; 8] = [
    "target",
    "month",
    "organization",
    "priority",
    "level",
    "line",
    "category",
    "agent",
];

/// The SLA compliance report for staff; customers go to their portal.
pub async fn compliance(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Query(p): Query<ReportParams>,
) -> Response {
    if !who.staff() {
        return Redirect::to("/portal").into_response();
    }
    let ui = Ui { lang };
    let some = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let month =
        some(&p.month).unwrap_or_else(|| s.desk.local_time(s.desk.now()).chars().take(7).collect());
    let q = ReportQuery {
        month: Some(month.clone()),
        group_by: some(&p.group_by),
        priority: some(&p.priority),
        level: some(&p.level),
        line: some(&p.line),
        ..ReportQuery::default()
    };
    let reg = match s.desk.regulation_view(who.principal) {
        Ok(r) => r,
        Err(e) => return PageError::from(e).page(lang),
    };
    let (report, error) = match s.desk.compliance_report(who.principal, &q).await {
        Ok(r) => (Some(r), None),
        Err(reglament_desk::DeskError::Invalid(problems)) => (
            None,
            Some(
                problems
                    .iter()
                    .map(|p| p.text.render(lang))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        ),
        Err(e) => return PageError::from(e).page(lang),
    };
    let histograms: Vec<Histogram> = match s.desk.distribution_report(who.principal, &q).await {
        Ok(d) => d
            .targets
            .iter()
            .map(|t| {
                let most = t.bins.iter().map(|b| b.count).max().unwrap_or(0).max(1) as f64;
                let width = 100.0 / t.bins.len().max(1) as f64;
                let columns: Vec<Column> = t
                    .bins
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let height = (b.count as f64 * 36.0 / most * 10.0).round() / 10.0;
                        Column {
                            x: (i as f64 * width * 10.0).round() / 10.0 + 0.5,
                            y: 40.0 - height,
                            height,
                            label: b.label(lang),
                            count: b.count,
                        }
                    })
                    .collect();
                let minutes = |m: i64| {
                    reglament_desk::duration_text(jiff::SignedDuration::from_mins(m), lang)
                };
                Histogram {
                    title: t.target_title.clone(),
                    count: t.count,
                    median: minutes(t.median_minutes),
                    p90: minutes(t.p90_minutes),
                    label: columns
                        .iter()
                        .map(|c| format!("{}: {}", c.label, c.count))
                        .collect::<Vec<_>>()
                        .join(", "),
                    columns,
                }
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let csat = s.desk.csat_report(who.principal, &q).await.ok();
    // Workload is per agent, or per line when the page is grouped by line.
    let per_line = q.group_by.as_deref() == Some("line");
    let workload_query = ReportQuery {
        group_by: Some(if per_line { "line" } else { "agent" }.into()),
        ..q.clone()
    };
    let workload = s
        .desk
        .workload_report(who.principal, &workload_query)
        .await
        .ok();
    let bars = report
        .iter()
        .flat_map(|r| &r.rows)
        .map(|row| {
            let total = row.total.max(1) as f64;
            let w = |n: i64| (n as f64 * 1000.0 / total).round() / 10.0;
            Bar {
                met: w(row.met),
                breached: w(row.breached),
                running: w(row.running),
                cancelled: w(row.cancelled),
                label: format!(
                    "{}: {}, {}: {}, {}: {}, {}: {}",
                    ui.t("report-col-met"),
                    row.met,
                    ui.t("report-col-breached"),
                    row.breached,
                    ui.t("report-col-running"),
                    row.running,
                    ui.t("report-col-cancelled"),
                    row.cancelled
                ),
            }
        })
        .collect();
    let mut csv = format!(
        "/api/v1/reports/compliance?format=csv&month={}",
        urlencode(&month)
    );
    for (k, v) in [
        ("group_by", &q.group_by),
        ("priority", &q.priority),
        ("level", &q.level),
        ("line", &q.line),
    ] {
        if let Some(v) = v {
            csv.push_str(&format!("&{k}={}", urlencode(v)));
        }
    }
    let distribution_csv = csv.replacen("/compliance?", "/distribution?", 1);
    let csat_csv = csv.replacen("/compliance?", "/csat?", 1);
    let workload_csv = format!(
        "/api/v1/reports/workload?format=csv&month={}&group_by={}",
        urlencode(&month),
        if per_line { "line" } else { "agent" }
    );
    let refused = error.is_some();
    let mut page = render(&ReportsPage {
        chrome: Chrome::new(ui, &who, "reports", "/reports"),
        month,
        group_by: q.group_by.clone().unwrap_or_else(|| "target".into()),
        priority: q.priority.clone().unwrap_or_default(),
        level: q.level.clone().unwrap_or_default(),
        line: q.line.clone().unwrap_or_default(),
        groups: GROUPS
            .iter()
            .map(|g| (*g, ui.t(&format!("ui-reports-by-{g}"))))
            .collect(),
        priorities: reg.priorities,
        levels: reg.levels,
        lines: reg.lines,
        report,
        bars,
        histograms,
        distribution_csv,
        csat,
        csat_csv,
        workload,
        workload_csv,
        csv,
        error,
    });
    if refused {
        *page.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    page
}
