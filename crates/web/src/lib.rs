//! Reglament's HTTP server: the JSON API under `/api/v1` and `/healthz`. Handlers are thin: they
//! authenticate, parse, call the store (which calls the domain state machine and the SLA clocks)
//! and map errors to one JSON shape.

mod api;
mod billing;
mod directory;
mod error;
pub mod metrics;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use reglament_domain::TicketNumberFormat;
use reglament_regulation::Regulation;
use reglament_store::Store;
use reglament_store::accounts::{Principal, Secret};

pub use error::AppError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The effective regulation.
    pub regulation: Arc<Regulation>,
    /// The regulation file's text, as published at `/api/v1/regulation`.
    pub regulation_source: Arc<String>,
    /// How ticket numbers look.
    pub numbers: Arc<TicketNumberFormat>,
    /// Counters for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
}

/// The whole application: every resource's routes merged.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(directory::router())
        .merge(billing::router())
        .route("/metrics", axum::routing::get(metrics::render))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .with_state(state)
}

/// The authenticated caller: an API token (`Authorization: Bearer …`) or a session cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, AppError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")) {
            return match state.store.api_token(&Secret::new(token.trim())).await {
                Ok(p) => Ok(Caller(p)),
                Err(reglament_store::StoreError::NotFound) => Err(AppError::Unauthorized),
                Err(e) => Err(e.into()),
            };
        }
        let cookie = parts
            .headers
            .get_all(axum::http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("reglament_session="));
        if let Some(token) = cookie {
            return match state
                .store
                .session(&Secret::new(token), jiff::Timestamp::now())
                .await
            {
                Ok(s) => {
                    // A browser sends the cookie with any request, including forged ones from other
                    // sites; a change must also carry the session's CSRF token.
                    let safe = matches!(
                        parts.method,
                        axum::http::Method::GET | axum::http::Method::HEAD
                    );
                    let sent = parts
                        .headers
                        .get("x-csrf-token")
                        .and_then(|v| v.to_str().ok());
                    if !safe && sent != Some(s.csrf.expose()) {
                        return Err(AppError::Forbidden(
                            "missing or wrong CSRF token (send `X-CSRF-Token`)".into(),
                        ));
                    }
                    Ok(Caller(s.principal))
                }
                Err(reglament_store::StoreError::NotFound) => Err(AppError::Unauthorized),
                Err(e) => Err(e.into()),
            };
        }
        Err(AppError::Unauthorized)
    }
}

/// Refuses callers without one of the roles: customers always, staff outside the roles.
pub(crate) fn require_role(
    p: Principal,
    roles: &[reglament_domain::Role],
    what: &str,
) -> Result<(), AppError> {
    match p {
        Principal::Agent(_, r) | Principal::Token(_, r) if roles.contains(&r) => Ok(()),
        Principal::Contact(..) => Err(AppError::Forbidden(format!(
            "only support staff may {what}"
        ))),
        _ => Err(AppError::Forbidden(format!(
            "only {} may {what}",
            roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
    }
}

/// `Json` whose rejections (malformed JSON, unknown or missing fields) answer the API's 422 JSON
/// error instead of axum's plain text.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<ApiJson<T>, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(AppError::Invalid(
                rejection.body_text(),
                serde_json::json!({ "body": rejection.body_text() }),
            )),
        }
    }
}

/// `Query` whose rejections (unknown parameters, wrong types) answer the API's 422 JSON error.
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiQuery<T>, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rejection) => Err(AppError::Invalid(
                rejection.body_text(),
                serde_json::json!({ "query": rejection.body_text() }),
            )),
        }
    }
}
