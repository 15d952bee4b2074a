//! Prometheus metrics at `/metrics`, kept with the `metrics` crate and rendered by its
//! Prometheus exporter: HTTP requests by method, route and status, tickets created, failed
//! sign-ins, and, read at scrape time, whether the database answers and how many tickets are
//! open. Each server has its own recorder, so two servers in one process (as in tests) do not
//! share counts.

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

use crate::AppState;

/// The recorder of one server and the handle that renders it.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let m = Metrics { recorder, handle };
        m.record(|| {
            metrics::describe_counter!(
                "reglament_http_requests_total",
                "HTTP requests by method, route and status."
            );
            metrics::describe_counter!(
                "reglament_tickets_created_total",
                "Tickets created through this node."
            );
            metrics::describe_counter!(
                "reglament_sign_in_failures_total",
                "Sign-ins refused for a wrong email or password."
            );
            metrics::describe_gauge!("reglament_database_up", "Whether the database answers.");
            metrics::describe_gauge!("reglament_tickets_open", "Tickets not closed or rejected.");
        });
        m
    }
}

impl Metrics {
    /// Runs `f` with this server's recorder, so the `metrics` macros in it count here.
    pub fn record<T>(&self, f: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(&self.recorder, f)
    }

    /// Counts a ticket created through this node.
    pub fn ticket_created(&self) {
        self.record(|| metrics::counter!("reglament_tickets_created_total").increment(1));
    }

    /// Counts a refused sign-in.
    pub fn sign_in_failed(&self) {
        self.record(|| metrics::counter!("reglament_sign_in_failures_total").increment(1));
    }
}

/// Counts every request by method (only the methods the API knows; others are `other`, so
/// invented methods cannot grow the label set), matched route (not the raw path, so ids do not
/// either) and status.
pub async fn count(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let method = match req.method().as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m.to_string(),
        _ => "other".to_string(),
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    s.metrics.record(|| {
        metrics::counter!("reglament_http_requests_total", "method" => method, "route" => route, "status" => status)
            .increment(1);
    });
    resp
}

/// The Prometheus text exposition; with a metrics token configured, only for requests that
/// carry it.
pub async fn render(State(s): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(expected) = &s.metrics_token {
        let given = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !same(given.as_bytes(), expected.expose().as_bytes()) {
            return crate::AppError::Unauthorized.into_response();
        }
    }
    let up = s.desk.ping().await.is_ok();
    let open = if up {
        s.desk.open_tickets().await.ok()
    } else {
        None
    };
    s.metrics.record(|| {
        metrics::gauge!("reglament_database_up").set(f64::from(u8::from(up)));
        if let Some(open) = open {
            metrics::gauge!("reglament_tickets_open").set(open as f64);
        }
    });
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        s.metrics.handle.render(),
    )
        .into_response()
}

/// Compares two secrets in time that depends only on their lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
