//! Prometheus metrics at `/metrics`: HTTP requests by method, route and status, tickets
//! created, and, read at scrape time, whether the database answers and how many tickets are open.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Counters shared by every request.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// Tickets created through this node.
    pub tickets_created: AtomicU64,
}

/// Counts every request by method, matched route (not the raw path, so ids do not explode the
/// label set) and status.
pub async fn count(State(s): State<AppState>, req: Request, next: Next) -> Response {
    // Only the methods the API knows are labels: invented ones would grow the label set
    // without bound.
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_string(),
        _ => "other".to_string(),
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    if let Ok(mut m) = s.metrics.requests.lock() {
        *m.entry((method, route, status)).or_default() += 1;
    }
    resp
}

/// The Prometheus text exposition.
pub async fn render(State(s): State<AppState>) -> Response {
    let mut out = String::new();
    out.push_str(
        "# HELP reglament_http_requests_total HTTP requests by method, route and status.\n",
    );
    out.push_str("# TYPE reglament_http_requests_total counter\n");
    if let Ok(m) = s.metrics.requests.lock() {
        for ((method, route, status), n) in m.iter() {
            let _ = writeln!(
                out,
                "reglament_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
    }
    out.push_str("# HELP reglament_tickets_created_total Tickets created through this node.\n");
    out.push_str("# TYPE reglament_tickets_created_total counter\n");
    let _ = writeln!(
        out,
        "reglament_tickets_created_total {}",
        s.metrics.tickets_created.load(Ordering::Relaxed)
    );
    let up = s.desk.ping().await.is_ok();
    out.push_str("# HELP reglament_database_up Whether the database answers.\n");
    out.push_str("# TYPE reglament_database_up gauge\n");
    let _ = writeln!(out, "reglament_database_up {}", u8::from(up));
    if up && let Ok(open) = s.desk.open_tickets().await {
        out.push_str("# HELP reglament_tickets_open Tickets not closed or rejected.\n");
        out.push_str("# TYPE reglament_tickets_open gauge\n");
        let _ = writeln!(out, "reglament_tickets_open {open}");
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    )
        .into_response()
}
