//! The one error type of the HTTP layer. Every error answers JSON,
//! `{"code": "...", "message": "...", "details": {...}}`, in the reader's language.

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use reglament_desk::{DeskError, Lang, Text};
use serde_json::json;

tokio::task_local! {
    static LANG: Lang;
}

/// Runs a request with its reader's language known to every error it answers.
pub(crate) async fn in_language(req: Request, next: Next) -> Response {
    let lang = crate::lang_of(req.headers());
    LANG.scope(lang, next.run(req)).await
}

/// The language of the request being answered.
pub(crate) fn current_lang() -> Lang {
    lang()
}

fn lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// An error answered to an HTTP client.
#[derive(Debug)]
pub enum AppError {
    /// What the desk refused, with the status of its kind: 404 not found (also for another
    /// organization's data), 401 unauthorized, 403 forbidden, 422 invalid (with every field),
    /// 409 conflict, 503 busy or unavailable, 500 internal.
    Desk(DeskError),
    /// 401: no token and no session.
    Unauthorized,
    /// 404: no such route.
    NoRoute,
    /// 405: the route has no such method.
    MethodNotAllowed,
    /// 400: a path segment that should be an id is not one.
    BadPath(String),
    /// 422: the body is not the JSON the route takes.
    Body(String),
    /// 422: the query string is not what the route takes.
    Query(String),
    /// 413: the body is larger than the server reads.
    TooLarge(String),
    /// 503: the answer took longer than the request deadline; try again shortly.
    Deadline,
    /// 500: a bug or an unexpected failure; the cause is logged, never shown.
    Internal(String),
}

impl From<DeskError> for AppError {
    fn from(e: DeskError) -> AppError {
        AppError::Desk(e)
    }
}

impl AppError {
    /// The status code of each variant.
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::Desk(e) => match e {
                DeskError::NotFound => StatusCode::NOT_FOUND,
                DeskError::Unauthorized => StatusCode::UNAUTHORIZED,
                DeskError::Forbidden(_) => StatusCode::FORBIDDEN,
                DeskError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                DeskError::Conflict(_) => StatusCode::CONFLICT,
                DeskError::Busy | DeskError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                DeskError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
                DeskError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::NoRoute => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::BadPath(_) => StatusCode::BAD_REQUEST,
            AppError::Body(_) | AppError::Query(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Deadline => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Logs an internal error with its cause; the client sees only that one happened.
fn log_internal(cause: &str) {
    tracing::error!(status = 500, cause, "internal error");
}

/// Logs a desk failure that the server answers with 5xx, with its cause, once for the API and
/// the pages alike. Refusals of the request (4xx) are the caller's business and are not logged.
pub(crate) fn log_server_error(e: &DeskError) {
    match e {
        DeskError::Internal(cause) => log_internal(cause),
        DeskError::Unavailable(cause) => {
            tracing::warn!(status = 503, cause = cause.as_str(), "database unavailable");
        }
        _ => {}
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let l = lang();
        let say = |id: &'static str| Text::new(id).render(l);
        let (code, message, details) = match self {
            AppError::Desk(e) => match e {
                DeskError::NotFound => ("not_found", say("http-not-found"), json!({})),
                DeskError::Unauthorized => {
                    ("unauthorized", say("http-wrong-credentials"), json!({}))
                }
                DeskError::Forbidden(t) => ("forbidden", t.render(l), json!({})),
                DeskError::Invalid(problems) => {
                    let mut details = serde_json::Map::new();
                    let mut lines = Vec::new();
                    for p in &problems {
                        let text = p.text.render(l);
                        lines.push(format!("`{}`: {text}", p.field));
                        details
                            .entry(p.field.clone())
                            .and_modify(|v| {
                                if let Some(s) = v.as_str() {
                                    *v = json!(format!("{s} {text}"));
                                }
                            })
                            .or_insert(json!(text));
                    }
                    // One problem reads as itself; several name their fields.
                    let message = match &problems[..] {
                        [one] => one.text.render(l),
                        _ => lines.join("; "),
                    };
                    ("invalid", message, serde_json::Value::Object(details))
                }
                DeskError::Conflict(t) => ("conflict", t.render(l), json!({})),
                DeskError::Busy => {
                    let body =
                        json!({ "code": "busy", "message": say("http-busy"), "details": {} });
                    return (status, [(axum::http::header::RETRY_AFTER, "1")], Json(body))
                        .into_response();
                }
                DeskError::TooManyAttempts(after) => {
                    let message = Text::new("http-too-many-attempts")
                        .num("minutes", after.div_ceil(60) as f64)
                        .render(l);
                    let body =
                        json!({ "code": "too_many_attempts", "message": message, "details": {} });
                    return (
                        status,
                        [(axum::http::header::RETRY_AFTER, after.to_string())],
                        Json(body),
                    )
                        .into_response();
                }
                DeskError::Unavailable(_) => {
                    log_server_error(&e);
                    let body = json!({ "code": "unavailable", "message": say("http-unavailable"), "details": {} });
                    return (status, [(axum::http::header::RETRY_AFTER, "5")], Json(body))
                        .into_response();
                }
                DeskError::Internal(_) => {
                    log_server_error(&e);
                    ("internal", say("http-internal"), json!({}))
                }
            },
            AppError::Unauthorized => ("unauthorized", say("http-unauthorized"), json!({})),
            AppError::NoRoute => ("not_found", say("http-no-route"), json!({})),
            AppError::MethodNotAllowed => ("method_not_allowed", say("http-method"), json!({})),
            AppError::BadPath(m) => ("bad_request", m.clone(), json!({ "path": m })),
            AppError::Body(m) => (
                "invalid",
                Text::new("http-bad-body")
                    .arg("detail", m.clone())
                    .render(l),
                json!({ "body": m }),
            ),
            AppError::Query(m) => (
                "invalid",
                Text::new("http-bad-query")
                    .arg("detail", m.clone())
                    .render(l),
                json!({ "query": m }),
            ),
            AppError::TooLarge(m) => ("too_large", m, json!({})),
            AppError::Deadline => {
                let body =
                    json!({ "code": "timeout", "message": say("http-deadline"), "details": {} });
                return (status, [(axum::http::header::RETRY_AFTER, "5")], Json(body))
                    .into_response();
            }
            AppError::Internal(cause) => {
                log_internal(&cause);
                ("internal", say("http-internal"), json!({}))
            }
        };
        (
            status,
            Json(json!({ "code": code, "message": message, "details": details })),
        )
            .into_response()
    }
}

/// The longest a handler may take to produce its answer. A streamed body (the live `/events`
/// stream) is not counted: only the time until its head is ready.
pub const REQUEST_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// Answers 503 with `Retry-After` when a handler has not answered within the server's
/// deadline ([`REQUEST_DEADLINE`] unless configured), so no request holds its client (and its
/// connection slot) for longer.
pub(crate) async fn deadline(
    axum::extract::State(s): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_string();
    match tokio::time::timeout(s.deadline, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!(route, "request deadline passed; answered 503");
            AppError::Deadline.into_response()
        }
    }
}
