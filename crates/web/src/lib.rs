//! Reglament's HTTP server: the pages (`/` signs in, `/regulation` is public), the JSON API
//! under `/api/v1`, `/healthz` and `/metrics`. Handlers
//! only parse, call the desk and map its answer to HTTP; the desk decides what a request means
//! and who may make it.

mod api;
mod billing;
mod directory;
mod error;
pub mod metrics;
mod pages;
mod reports;

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use reglament_desk::Secret;
use reglament_desk::{Desk, Lang};
use reglament_domain::Principal;

pub use error::AppError;
pub use pages::ROUTES as PAGE_ROUTES;
pub use pages::ticket::OPS as TICKET_OPS;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The desk every request goes through.
    pub desk: Desk,
    /// Counters for `/metrics`.
    pub metrics: Arc<metrics::Metrics>,
    /// The bearer token `/metrics` asks for, when one is configured.
    metrics_token: Option<Arc<Secret>>,
    /// The header a trusted reverse proxy puts the client's address in, when there is one.
    client_header: Option<axum::http::HeaderName>,
    /// The longest a handler may take to answer.
    deadline: std::time::Duration,
    /// The longest a request body may go without sending anything.
    body_idle: std::time::Duration,
}

impl AppState {
    /// The state of a server on a desk.
    pub fn new(desk: Desk) -> AppState {
        AppState {
            desk,
            metrics: Default::default(),
            metrics_token: None,
            client_header: None,
            deadline: error::REQUEST_DEADLINE,
            body_idle: BODY_IDLE_TIMEOUT,
        }
    }

    /// A request body that sends nothing for `idle` fails, and its request with it (default
    /// [`BODY_IDLE_TIMEOUT`]).
    pub fn with_body_timeout(mut self, idle: std::time::Duration) -> AppState {
        self.body_idle = idle;
        self
    }

    /// A handler that has not answered within `deadline` answers 503 with `Retry-After`
    /// (default [`REQUEST_DEADLINE`]).
    pub fn with_request_deadline(mut self, deadline: std::time::Duration) -> AppState {
        self.deadline = deadline;
        self
    }

    /// Behind a reverse proxy, the client's address is the last one the proxy appended to this
    /// header (`X-Forwarded-For`, say), not the connection's, which is the proxy's.
    pub fn with_client_header(mut self, header: axum::http::HeaderName) -> AppState {
        self.client_header = Some(header);
        self
    }

    /// `/metrics` answers only requests with `Authorization: Bearer <token>`.
    pub fn with_metrics_token(mut self, token: Secret) -> AppState {
        self.metrics_token = Some(Arc::new(token));
        self
    }
}

/// The address a request came from, for the sign-in back-off: the last address in the
/// configured proxy header (the one the proxy itself appended; those before it are the
/// client's to invent), else the connection's peer, which the server's accept loop records.
pub(crate) fn client_address(
    s: &AppState,
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
) -> Option<std::net::IpAddr> {
    match &s.client_header {
        Some(h) => headers
            .get_all(h)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|a| a.trim().parse().ok()),
        None => extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip()),
    }
}

pub use error::REQUEST_DEADLINE;

/// How long a request body may send nothing before the request fails.
pub const BODY_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// The whole application: every resource's routes merged, with JSON answers for unknown
/// routes and wrong methods, and the reader's language for every error.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(directory::router())
        .merge(billing::router())
        .merge(reports::router())
        .merge(pages::router())
        .route("/metrics", axum::routing::get(metrics::render))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            error::deadline,
        ))
        // A body that stops arriving for this long fails, and the request with it.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.body_idle,
        ))
        .layer(axum::middleware::from_fn(error::in_language))
        .layer(
            // One log line per request, with its method, route, status and latency; never its
            // headers or body, which carry tokens, cookies and passwords.
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map_or("unmatched", |m| m.as_str())
                        .to_string();
                    tracing::info_span!("request", method = %req.method(), route)
                })
                .on_response(
                    |resp: &axum::http::Response<_>,
                     latency: std::time::Duration,
                     _: &tracing::Span| {
                        tracing::info!(
                            status = resp.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "answered"
                        );
                    },
                ),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::count,
        ))
        .with_state(state)
}

/// An unknown address: a page for a browser (which asks for HTML), the API's JSON error for
/// everyone else and for anything under `/api`.
async fn not_found(req: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    let html = req
        .headers()
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    if html && !req.uri().path().starts_with("/api/") {
        let (mut parts, _) = req.into_parts();
        let lang = <pages::PageLang as FromRequestParts<()>>::from_request_parts(&mut parts, &())
            .await
            .map_or(Lang::Ru, |l| l.0);
        return pages::PageError::from(reglament_desk::DeskError::NotFound).page(lang);
    }
    AppError::NoRoute.into_response()
}

/// The reader's language, from `Accept-Language`: Russian unless English is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Accept(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for Accept {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Accept, Self::Rejection> {
        Ok(Accept(lang_of(&parts.headers)))
    }
}

pub(crate) fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    Lang::from_accept_language(
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// The cookie attributes of this server's cookies: `Secure` unless the site is served from
/// this machine's loopback address, where browsers may use plain HTTP.
pub(crate) fn cookie_attributes(headers: &axum::http::HeaderMap) -> &'static str {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host
        .rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    if matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
        "Path=/; HttpOnly; SameSite=Strict"
    } else {
        "Path=/; HttpOnly; SameSite=Strict; Secure"
    }
}

/// The session token in the request's cookie, if any.
pub(crate) fn session_cookie(headers: &axum::http::HeaderMap) -> Option<Secret> {
    pages::cookie(headers, "reglament_session").map(Secret::new)
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
            let p = state
                .desk
                .authenticate_token(&Secret::new(token.trim()))
                .await
                .map_err(not_signed_in)?;
            return Ok(Caller(p));
        }
        if let Some(token) = session_cookie(&parts.headers) {
            let change = !matches!(
                parts.method,
                axum::http::Method::GET | axum::http::Method::HEAD
            );
            let csrf = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            let p = state
                .desk
                .authenticate_session(&token, change, csrf)
                .await
                .map_err(not_signed_in)?;
            return Ok(Caller(p));
        }
        Err(AppError::Unauthorized)
    }
}

/// An unknown, revoked or expired token or session is "sign in again", not "wrong password".
fn not_signed_in(e: reglament_desk::DeskError) -> AppError {
    match e {
        reglament_desk::DeskError::Unauthorized => AppError::Unauthorized,
        other => other.into(),
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
            // A body over the server's limit is too large, not malformed.
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge(
                    reglament_desk::Text::new("http-body-too-large")
                        .render(crate::error::current_lang()),
                ))
            }
            Err(rejection) => Err(AppError::Body(rejection.body_text())),
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
            Err(rejection) => Err(AppError::Query(rejection.body_text())),
        }
    }
}

/// `Path` whose rejections (an id that is not a number) answer the API's JSON error.
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<ApiPath<T>, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rejection) => Err(AppError::BadPath(rejection.body_text())),
        }
    }
}
