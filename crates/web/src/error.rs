//! The one error type of the HTTP layer. Every error answers JSON:
//! `{"code": "...", "message": "...", "details": {...}}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use reglament_store::StoreError;
use serde_json::json;

/// An error answered to an HTTP client.
#[derive(Debug)]
pub enum AppError {
    /// 401: no valid token or session.
    Unauthorized,
    /// 403: authenticated, but not allowed.
    Forbidden(String),
    /// 404: no such resource, or not visible to the caller.
    NotFound,
    /// 409: refused by the lifecycle, or a taken value.
    Conflict(String),
    /// 422: the request's fields are invalid; details per field.
    Invalid(String, serde_json::Value),
    /// 413: the body is larger than the server reads.
    TooLarge(String),
    /// 503: the database is unavailable; nothing was written.
    Unavailable,
    /// 500: a bug or an unexpected failure; the cause is logged, never shown.
    Internal(String),
}

impl AppError {
    /// The status code of each variant.
    pub fn status_code(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid(..) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Maps a store error so that a missing referenced row is a 422 on the field that named
    /// it, and anything else keeps its own answer.
    pub fn missing_as_field(field: &str, message: String) -> impl FnOnce(StoreError) -> AppError {
        move |e| match e {
            StoreError::NotFound => AppError::field(field, message),
            other => other.into(),
        }
    }

    /// A field error: 422 naming the field.
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        let message = message.into();
        AppError::Invalid(format!("`{field}`: {message}"), json!({ field: message }))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Refused(d) => match d {
                reglament_domain::DomainError::Forbidden(m) => AppError::Forbidden(m),
                reglament_domain::DomainError::Invalid(m) => {
                    AppError::Invalid(m.clone(), json!({ "command": m }))
                }
                other @ (reglament_domain::DomainError::State(_)
                | reglament_domain::DomainError::Transition { .. }) => {
                    AppError::Conflict(other.to_string())
                }
            },
            StoreError::Unavailable(_) => AppError::Unavailable,
            StoreError::Other(m) => AppError::Internal(m),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let (code, message, details) = match self {
            AppError::Unauthorized => (
                "unauthorized",
                "sign in or send `Authorization: Bearer <token>`".to_string(),
                json!({}),
            ),
            AppError::Forbidden(m) => ("forbidden", m, json!({})),
            AppError::NotFound => ("not_found", "no such resource".to_string(), json!({})),
            AppError::Conflict(m) => ("conflict", m, json!({})),
            AppError::Invalid(m, d) => ("invalid", m, d),
            AppError::TooLarge(m) => ("too_large", m, json!({})),
            AppError::Unavailable => (
                "unavailable",
                "the database is unavailable; nothing was changed, try again shortly".to_string(),
                json!({}),
            ),
            AppError::Internal(cause) => {
                eprintln!("internal error: {cause}");
                (
                    "internal",
                    "an internal error occurred".to_string(),
                    json!({}),
                )
            }
        };
        (
            status,
            Json(json!({ "code": code, "message": message, "details": details })),
        )
            .into_response()
    }
}
