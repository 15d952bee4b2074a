//! The JSON API: tickets (create, list, get with explained clocks, actions, split, merge,
//! attachments), signing in and out, the effective regulation, and the health check.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use reglament_desk::Secret;
use reglament_desk::{Acted, DeskCommand, QueueQuery, Request, TicketView, Upload};
use reglament_domain::{AgentId, ContactId, OrgId, Principal, Relation, TicketId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Accept, ApiJson, ApiPath, ApiQuery, AppError, AppState, Caller};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/api/v1/regulation", get(regulation))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/tickets", get(list_tickets).post(create_ticket))
        .route("/api/v1/tickets/{id}", get(get_ticket))
        .route("/api/v1/tickets/{id}/actions", post(act))
        .route("/api/v1/tickets/{id}/split", post(split))
        .route("/api/v1/tickets/{id}/merge", post(merge))
        .route(
            "/api/v1/tickets/{id}/attachments",
            post(upload).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/api/v1/tickets/{id}/attachments/{attachment}",
            get(download),
        )
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/session/password", post(change_password))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    email: String,
    password: String,
}

fn principal_json(p: Principal) -> Value {
    match p {
        Principal::Agent(a, role) => json!({ "kind": "agent", "id": a.0, "role": role.as_str() }),
        Principal::Contact(c, o) => {
            json!({ "kind": "contact", "id": c.0, "organization_id": o.0 })
        }
        Principal::Token(t, role) => json!({ "kind": "token", "id": t.0, "role": role.as_str() }),
    }
}

/// Signs in with email and password; the session cookie is `HttpOnly`, `SameSite=Strict` and
/// `Secure` off loopback, and
/// the answer carries the CSRF token that changes must send.
async fn login(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    extensions: axum::http::Extensions,
    ApiJson(l): ApiJson<Login>,
) -> Result<Response, AppError> {
    let from = crate::client_address(&s, &headers, &extensions);
    let signed = match s
        .desk
        .sign_in_from(&l.email, Secret::new(l.password), from)
        .await
    {
        Ok(signed) => signed,
        Err(e) => {
            if e == reglament_desk::DeskError::Unauthorized {
                s.metrics.sign_in_failed();
            }
            return Err(e.into());
        }
    };
    let cookie = format!(
        "reglament_session={}; {}; Max-Age={}",
        signed.token.expose(),
        crate::cookie_attributes(&headers),
        reglament_desk::SESSION_TTL.as_secs()
    );
    Ok((
        [(axum::http::header::SET_COOKIE, cookie)],
        Json(json!({
            "principal": principal_json(signed.principal),
            "csrf": signed.csrf.expose(),
            "expires_at": s.desk.local_time(signed.expires_at),
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the signed-in account's own password; the account's other sessions end, this one
/// stays.
async fn change_password(
    State(s): State<AppState>,
    Caller(p): Caller,
    headers: axum::http::HeaderMap,
    ApiJson(c): ApiJson<PasswordChange>,
) -> Result<StatusCode, AppError> {
    let session = crate::session_cookie(&headers).unwrap_or_else(|| Secret::new(String::new()));
    s.desk
        .change_password(p, &session, Secret::new(c.current_password), c.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn logout(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    if let Some(t) = crate::session_cookie(&headers) {
        // Signing out is a change like any other: a forged request from another site must not
        // end the session. A session that has already ended needs no token.
        let csrf = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        match s.desk.authenticate_session(&t, true, csrf).await {
            Ok(_) | Err(reglament_desk::DeskError::Unauthorized) => s.desk.sign_out(&t).await?,
            Err(e) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(
            axum::http::header::SET_COOKIE,
            format!(
                "reglament_session=; {}; Max-Age=0",
                crate::cookie_attributes(&headers)
            ),
        )],
    ))
}

async fn healthz(State(s): State<AppState>) -> (StatusCode, Json<Value>) {
    match s.desk.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": "ok" })),
        ),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "degraded", "database": "unavailable" })),
        ),
    }
}

/// The OpenAPI 3.1 document of this API.
async fn openapi() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
}

async fn regulation(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<reglament_desk::RegulationView>, AppError> {
    Ok(Json(s.desk.regulation_view(p)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    limit: Option<i64>,
    offset: Option<i64>,
    #[serde(default)]
    include_closed: bool,
    organization_id: Option<i64>,
    assignee_id: Option<i64>,
    status: Option<String>,
    priority: Option<String>,
    line: Option<String>,
    category: Option<String>,
    q: Option<String>,
}

async fn list_tickets(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<reglament_desk::QueuePage>, AppError> {
    if let Some(query) = q.q.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        return Ok(Json(s.desk.search(p, query, q.offset.unwrap_or(0)).await?));
    }
    let page = s
        .desk
        .queue(
            p,
            QueueQuery {
                limit: q.limit,
                offset: q.offset,
                include_closed: q.include_closed,
                organization: q.organization_id.map(OrgId),
                assignee: q.assignee_id.map(AgentId),
                status: q.status,
                priority: q.priority,
                line: q.line,
                category: q.category,
                due_before: None,
            },
        )
        .await?;
    Ok(Json(page))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewTicket {
    subject: String,
    #[serde(default)]
    description: String,
    channel: Option<String>,
    category: Option<String>,
    organization_id: Option<i64>,
    contact_id: Option<i64>,
    #[serde(default)]
    fields: std::collections::BTreeMap<String, String>,
}

async fn create_ticket(
    State(s): State<AppState>,
    Caller(p): Caller,
    Accept(lang): Accept,
    ApiJson(t): ApiJson<NewTicket>,
) -> Result<(StatusCode, Json<TicketView>), AppError> {
    let request = Request {
        subject: t.subject,
        description: t.description,
        category: t.category,
        channel: t.channel,
        organization: t.organization_id.map(OrgId),
        contact: t.contact_id.map(ContactId),
        fields: t.fields,
        // Customers reach the API through the portal; staff name the channel a request came by.
        via: reglament_desk::Via::Portal,
        inbound: None,
    };
    let view = s.desk.open_ticket(p, request, lang).await?;
    Ok(created(&s, view))
}

/// Counts a new ticket and answers it with 201.
fn created(s: &AppState, view: TicketView) -> (StatusCode, Json<TicketView>) {
    s.metrics.ticket_created();
    (StatusCode::CREATED, Json(view))
}

async fn get_ticket(
    State(s): State<AppState>,
    Caller(p): Caller,
    Accept(lang): Accept,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TicketView>, AppError> {
    Ok(Json(s.desk.ticket(p, TicketId(id), lang).await?))
}

/// An action on a ticket, as JSON: `{"action": "reply", "body": "…"}`.
#[derive(Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
enum Action {
    Reply {
        body: String,
        #[serde(default = "yes")]
        public: bool,
    },
    Note {
        body: String,
    },
    Status {
        status: String,
        reason: Option<String>,
    },
    Priority {
        priority: String,
        reason: String,
    },
    Level {
        level: String,
        reason: String,
    },
    Assign {
        #[serde(alias = "agent_id")]
        assignee_id: i64,
    },
    #[serde(alias = "line")]
    HandOver {
        line: String,
    },
    Link {
        ticket_id: i64,
        #[serde(default = "related")]
        relation: Relation,
    },
    LogTime {
        activity: String,
        minutes: u32,
        #[serde(default)]
        seconds: u32,
        #[serde(default)]
        started_at: Option<String>,
        #[serde(default)]
        description: String,
    },
    Extend {
        target: String,
        by: String,
        reason: String,
    },
    Confirm,
    Object {
        reason: String,
    },
    Reopen {
        reason: String,
    },
    Rate {
        stars: u8,
        comment: Option<String>,
    },
}

fn yes() -> bool {
    true
}

fn related() -> Relation {
    Relation::Related
}

impl From<Action> for DeskCommand {
    fn from(a: Action) -> DeskCommand {
        match a {
            Action::Reply { body, public } => DeskCommand::Reply { body, public },
            Action::Note { body } => DeskCommand::Note { body },
            Action::Status { status, reason } => DeskCommand::Status { status, reason },
            Action::Priority { priority, reason } => DeskCommand::Priority { priority, reason },
            Action::Level { level, reason } => DeskCommand::Level { level, reason },
            Action::Assign { assignee_id } => DeskCommand::Assign {
                assignee: AgentId(assignee_id),
            },
            Action::HandOver { line } => DeskCommand::HandOver { line },
            Action::Link {
                ticket_id,
                relation,
            } => DeskCommand::Link {
                ticket: TicketId(ticket_id),
                relation,
            },
            Action::LogTime {
                activity,
                minutes,
                seconds,
                started_at,
                description,
            } => DeskCommand::LogTime {
                activity,
                minutes,
                seconds,
                started: started_at,
                description,
            },
            Action::Extend { target, by, reason } => DeskCommand::Extend { target, by, reason },
            Action::Confirm => DeskCommand::Confirm,
            Action::Object { reason } => DeskCommand::Object { reason },
            Action::Reopen { reason } => DeskCommand::Reopen { reason },
            Action::Rate { stars, comment } => DeskCommand::Rate { stars, comment },
        }
    }
}

/// What came of an action, in HTTP: 200 with the ticket, or 201 with a new one.
fn acted(s: &AppState, a: Acted) -> (StatusCode, Json<TicketView>) {
    match a {
        Acted::Updated(v) | Acted::Merged(v) => (StatusCode::OK, Json(v)),
        Acted::Opened(v) => created(s, v),
    }
}

async fn act(
    State(s): State<AppState>,
    Caller(p): Caller,
    Accept(lang): Accept,
    ApiPath(id): ApiPath<i64>,
    ApiJson(a): ApiJson<Action>,
) -> Result<(StatusCode, Json<TicketView>), AppError> {
    let done = s.desk.act(p, TicketId(id), a.into(), lang).await?;
    Ok(acted(&s, done))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitBody {
    subject: String,
    #[serde(default)]
    description: String,
}

/// Splits a new ticket off this one; answers 201 with the new ticket.
async fn split(
    State(s): State<AppState>,
    Caller(p): Caller,
    Accept(lang): Accept,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SplitBody>,
) -> Result<(StatusCode, Json<TicketView>), AppError> {
    let command = DeskCommand::Split {
        subject: b.subject,
        description: b.description,
    };
    let done = s.desk.act(p, TicketId(id), command, lang).await?;
    Ok(acted(&s, done))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    into: i64,
}

/// Merges this ticket, a duplicate, into another; answers with the ticket that carries on.
async fn merge(
    State(s): State<AppState>,
    Caller(p): Caller,
    Accept(lang): Accept,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MergeBody>,
) -> Result<(StatusCode, Json<TicketView>), AppError> {
    let command = DeskCommand::MergeInto {
        ticket: TicketId(b.into),
    };
    let done = s.desk.act(p, TicketId(id), command, lang).await?;
    Ok(acted(&s, done))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    name: String,
}

/// Uploads one file as the request body (`?name=` gives its name, `Content-Type` its type).
/// Answers 201 when the regulation's policy accepts it, and 422 with the policy's reason when it
/// refuses it (the refusal is recorded on the ticket too).
async fn upload(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<reglament_desk::AttachmentView>), AppError> {
    let name = q.name.trim();
    if name.is_empty() || name.contains(['/', '\\', '\0']) || name.chars().count() > 255 {
        return Err(AppError::Query(
            "`name` must be a file name without slashes, at most 255 characters".into(),
        ));
    }
    let cap = s.desk.upload_cap();
    let data = axum::body::to_bytes(body, cap).await.map_err(|_| {
        AppError::TooLarge(
            reglament_desk::Text::new("http-too-large")
                .arg("name", name)
                .arg("max", reglament_desk::format_size(cap as u64))
                .render(crate::error::current_lang()),
        )
    })?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 255)
        .unwrap_or("application/octet-stream")
        .to_string();
    let file = Upload {
        name: name.to_string(),
        content_type,
        data: data.to_vec(),
    };
    let mut accepted = s.desk.attach(p, TicketId(id), vec![file]).await?;
    match accepted.pop() {
        Some(a) => Ok((StatusCode::CREATED, Json(a))),
        None => Err(AppError::Internal("attaching wrote no verdict".into())),
    }
}

/// Downloads an attachment. It is always sent as a download, never rendered inline, so an
/// uploaded HTML or SVG file cannot run in the service desk's origin.
async fn download(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath((id, attachment)): ApiPath<(i64, i64)>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let (meta, data) = s.desk.attachment(p, TicketId(id), attachment).await?;
    let ascii: String = meta
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = meta
        .name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    let content_type = axum::http::HeaderValue::from_str(&meta.content_type).unwrap_or(
        axum::http::HeaderValue::from_static("application/octet-stream"),
    );
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                axum::http::HeaderValue::from_str(&disposition)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            ),
            (
                axum::http::header::X_CONTENT_TYPE_OPTIONS,
                axum::http::HeaderValue::from_static("nosniff"),
            ),
        ],
        data,
    )
        .into_response())
}
