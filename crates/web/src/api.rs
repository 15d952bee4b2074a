//! The JSON API: tickets (create, list, get with explained clocks, actions), the effective
//! regulation, and the health check.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use reglament_domain::{
    Actor, Command, JournalEntry, OrgId, Outcome, Rating, TicketEvent, TicketId,
};
use reglament_regulation::{TicketFacts, sla};
use reglament_store::accounts::Principal;
use reglament_store::tickets::{QueueFilter, Viewer};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{ApiJson, ApiQuery, AppError, AppState, Caller};

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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    email: String,
    password: String,
}

/// Signs in with email and password; the session cookie is `HttpOnly` and `SameSite=Strict`, and
/// the answer carries the CSRF token forms must send.
async fn login(
    State(s): State<AppState>,
    ApiJson(l): ApiJson<Login>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let wrong = || {
        AppError::Invalid(
            "wrong email or password".into(),
            json!({ "email": "wrong email or password" }),
        )
    };
    let email: reglament_domain::EmailAddress = l.email.parse().map_err(|_| wrong())?;
    let (principal, hash) = match s.store.credentials(&email).await {
        Ok((p, h)) => (Some(p), h),
        // An unknown email costs the same password check as a known one, so response times do
        // not tell which emails have accounts.
        Err(reglament_store::StoreError::NotFound) => (None, dummy_hash().to_string()),
        Err(e) => return Err(e.into()),
    };
    let password = reglament_store::accounts::Secret::new(l.password);
    let ok = tokio::task::spawn_blocking(move || {
        reglament_store::accounts::verify_password(&password, &hash)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(principal) = principal.filter(|_| ok) else {
        return Err(wrong());
    };
    let (token, session) = s
        .store
        .create_session(
            principal,
            Timestamp::now(),
            jiff::SignedDuration::from_hours(12),
        )
        .await?;
    let cookie = format!(
        "reglament_session={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200",
        token.expose()
    );
    let who = match principal {
        Principal::Agent(a, role) => json!({ "kind": "agent", "id": a.0, "role": role.as_str() }),
        Principal::Contact(c, o) => json!({ "kind": "contact", "id": c.0, "organization_id": o.0 }),
        Principal::Token(..) => json!({ "kind": "token" }),
    };
    Ok((
        [(axum::http::header::SET_COOKIE, cookie)],
        Json(json!({ "principal": who, "csrf": session.csrf.expose(), "expires_at": session.expires_at.to_string() })),
    )
        .into_response())
}

/// An argon2id hash of a random password, made once, to check unknown emails against.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        reglament_store::accounts::new_token()
            .and_then(|t| reglament_store::accounts::hash_password(&t))
            .unwrap_or_default()
    })
}

async fn logout(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<impl axum::response::IntoResponse, AppError> {
    let token = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix("reglament_session=")
                .map(str::to_string)
        });
    if let Some(t) = token {
        s.store
            .end_session(&reglament_store::accounts::Secret::new(t))
            .await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(
            axum::http::header::SET_COOKIE,
            "reglament_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        )],
    ))
}

fn viewer(p: Principal) -> Viewer {
    match p {
        Principal::Contact(_, org) => Viewer::Customer(org),
        _ => Viewer::Staff,
    }
}

fn actor(p: Principal) -> Actor {
    match p {
        Principal::Agent(a, _) => Actor::Agent(a),
        Principal::Contact(c, _) => Actor::Contact(c),
        Principal::Token(..) => Actor::System,
    }
}

async fn healthz(State(s): State<AppState>) -> (StatusCode, Json<Value>) {
    match s.store.ping().await {
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
async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
}

async fn regulation(State(s): State<AppState>, _c: Caller) -> Json<Value> {
    let r = &s.regulation;
    Json(json!({
        "name": r.name,
        "schedules": r.schedules.values().map(|x| json!({ "id": x.id, "title": x.title, "calendar": x.calendar })).collect::<Vec<_>>(),
        "priorities": r.priorities.iter().map(|p| json!({ "id": p.id, "title": p.title, "out_of_turn": p.out_of_turn })).collect::<Vec<_>>(),
        "levels": r.levels.iter().map(|l| json!({ "id": l.id, "title": l.title })).collect::<Vec<_>>(),
        "targets": r.targets.iter().map(|t| json!({ "id": t.id, "title": t.title, "schedule": t.schedule })).collect::<Vec<_>>(),
        "source": s.regulation_source.as_str(),
    }))
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
}

async fn list_tickets(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<Value>, AppError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(AppError::field("limit", "must be from 1 to 500"));
    }
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::field("offset", "must not be negative"));
    }
    let reg = &s.regulation;
    if let Some(st) = &q.status
        && reg.status(st).is_none()
    {
        return Err(AppError::field("status", format!("unknown status `{st}`")));
    }
    if let Some(pr) = &q.priority
        && reg.priority(pr).is_none()
    {
        return Err(AppError::field(
            "priority",
            format!("unknown priority `{pr}`"),
        ));
    }
    if let Some(l) = &q.line
        && !reg.lines.iter().any(|x| &x.id == l)
    {
        return Err(AppError::field("line", format!("unknown line `{l}`")));
    }
    let filter = QueueFilter {
        include_closed: q.include_closed,
        organization: q.organization_id.map(OrgId),
        assignee: q.assignee_id.map(reglament_domain::AgentId),
        status: q.status,
        priority: q.priority,
        line: q.line,
        limit: Some(limit),
        offset: Some(offset),
    };
    let items = s.store.queue(&filter, viewer(p)).await?;
    let next = (items.len() as i64 == limit).then_some(offset + limit);
    Ok(Json(
        json!({ "items": items, "limit": limit, "offset": offset, "next_offset": next }),
    ))
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
    ApiJson(t): ApiJson<NewTicket>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let reg = &s.regulation;
    check_subject(&t.subject)?;
    for f in &reg.fields.required {
        let present = match f.as_str() {
            "subject" => true,
            "description" => !t.description.trim().is_empty(),
            "category" => t.category.is_some(),
            "organization" | "contact_name" | "email" => true,
            other => t.fields.get(other).is_some_and(|v| !v.trim().is_empty()),
        };
        if !present {
            return Err(AppError::field(f, "is required by the regulation"));
        }
    }
    if let Some(c) = &t.category
        && reg.category(c).is_none()
    {
        return Err(AppError::field(
            "category",
            format!("unknown category `{c}`"),
        ));
    }
    if let Some(c) = &t.channel
        && !reg.channels.is_empty()
        && reg.channel(c).is_none()
    {
        return Err(AppError::field(
            "channel",
            format!(
                "unknown channel `{c}`, expected one of: {}",
                reg.channels
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let channel = t.channel.clone().unwrap_or_else(|| "portal".into());
    let (org, contact) = match p {
        Principal::Contact(c, o) => (Some(o), Some(c)),
        _ => (
            t.organization_id.map(OrgId),
            t.contact_id.map(reglament_domain::ContactId),
        ),
    };
    if let Some(c) = contact
        && !matches!(p, Principal::Contact(..))
    {
        let known = s
            .store
            .contact(c)
            .await
            .map_err(AppError::missing_as_field(
                "contact_id",
                format!("no contact with id {}", c.0),
            ))?;
        if Some(known.organization) != org {
            return Err(AppError::field(
                "contact_id",
                "the contact belongs to another organization than `organization_id`",
            ));
        }
    }
    let tariff = match org {
        Some(o) => {
            s.store
                .organization(o)
                .await
                .map_err(AppError::missing_as_field(
                    "organization_id",
                    "no such organization".into(),
                ))?
                .tariff
        }
        None => None,
    };
    let level = reg.resolve_level(&TicketFacts {
        tariff: tariff.as_deref(),
        category: t.category.as_deref(),
        channel: Some(&channel),
        subject: &t.subject,
    });
    let priority = reg.initial_priority(level).map(|p| p.id.clone());
    let now = Timestamp::now();
    let received = JournalEntry::new(
        now,
        actor(p),
        TicketEvent::Received {
            channel,
            subject: t.subject,
            description: t.description,
            organization: org,
            contact,
            category: t.category,
            level: level.map(|l| l.id.clone()),
            priority,
            fields: t.fields,
        },
    );
    let id = s
        .store
        .create_and_register(reg, received, &s.numbers, now)
        .await?;
    created(&s, id, viewer(p), now).await
}

/// Counts a new ticket and answers it with 201.
async fn created(
    s: &AppState,
    id: TicketId,
    v: Viewer,
    now: Timestamp,
) -> Result<(StatusCode, Json<Value>), AppError> {
    s.metrics
        .tickets_created
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok((StatusCode::CREATED, Json(ticket_json(s, id, v, now).await?)))
}

fn check_subject(subject: &str) -> Result<(), AppError> {
    if subject.trim().is_empty() {
        return Err(AppError::field("subject", "is required"));
    }
    if subject.chars().count() > 500 {
        return Err(AppError::field("subject", "is longer than 500 characters"));
    }
    Ok(())
}

async fn ticket_json(
    s: &AppState,
    id: TicketId,
    v: Viewer,
    now: Timestamp,
) -> Result<Value, AppError> {
    // One read: the journal is the truth, and the projection and clocks follow from it.
    let journal = s.store.journal(id, v).await?;
    let ticket = reglament_domain::Ticket::replay(&journal)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let clocks =
        sla::evaluate_explained(&s.regulation, &reglament_domain::sla_events(&journal), now)
            .map_err(|e| AppError::Internal(e.to_string()))?;
    let t = &ticket;
    let customer = matches!(v, Viewer::Customer(_));
    let history: Vec<Value> = journal
        .iter()
        .filter(|e| {
            !(customer
                && matches!(
                    e.event,
                    TicketEvent::Replied { public: false, .. } | TicketEvent::TimeLogged { .. }
                ))
        })
        .map(|e| json!({ "at": e.at.to_string(), "actor": e.actor, "event": e.event }))
        .collect();
    Ok(json!({
        "id": id.0,
        "number": t.number.as_ref().map(|n| n.as_str()),
        "status": t.status,
        "status_title": s.regulation.status(&t.status).map(|x| x.title.clone()),
        "subject": t.subject,
        "description": t.description,
        "channel": t.channel,
        "organization_id": t.organization.map(|o| o.0),
        "contact_id": t.contact.map(|c| c.0),
        "category": t.category,
        "level": t.level,
        "priority": t.priority,
        "line": t.line,
        "assignee_id": t.assignee.map(|a| a.0),
        "rating": t.rating.map(|r| r.stars()),
        "links": t.links.iter().map(|(other, relation)| json!({ "ticket_id": other.0, "relation": relation })).collect::<Vec<_>>(),
        "attachments": t.attachments.iter().map(|a| json!({
            "id": a.attachment,
            "name": a.name,
            "content_type": a.content_type,
            "size": a.size,
            "url": format!("/api/v1/tickets/{}/attachments/{}", id.0, a.attachment),
        })).collect::<Vec<_>>(),
        "minutes_logged": if customer { None } else { Some(t.minutes_logged) },
        "received_at": t.received_at.map(|x| x.to_string()),
        "clocks": clocks.iter().map(|c| json!({
            "target": c.target,
            "title": c.title,
            "state": c.state.to_string(),
            "due": c.due.map(|d| d.to_string()),
            "warn_at": c.warn_at.map(|d| d.to_string()),
            "elapsed_seconds": c.elapsed.as_secs(),
            "remaining_seconds": c.remaining.as_secs(),
            "provisional": c.provisional,
            "explanation": c.describe(),
        })).collect::<Vec<_>>(),
        "journal": history,
    }))
}

async fn get_ticket(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    Ok(Json(
        ticket_json(&s, TicketId(id), viewer(p), Timestamp::now()).await?,
    ))
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
        agent_id: i64,
    },
    #[serde(alias = "line")]
    HandOver {
        line: String,
    },
    Link {
        ticket_id: i64,
        #[serde(default = "related")]
        relation: reglament_domain::Relation,
    },
    LogTime {
        activity: String,
        minutes: u32,
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

fn related() -> reglament_domain::Relation {
    reglament_domain::Relation::Related
}

async fn act(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<Action>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let message = match &a {
        Action::Reply { body, .. } => Some(body.clone()),
        _ => None,
    };
    let cmd = match a {
        Action::Link {
            ticket_id,
            relation,
        } => {
            use reglament_domain::Relation;
            if !matches!(
                relation,
                Relation::Related | Relation::FollowUpOf | Relation::FollowedUpBy
            ) {
                return Err(AppError::field(
                    "relation",
                    "must be related, follow_up_of or followed_up_by; use split or merge for the others",
                ));
            }
            let now = Timestamp::now();
            s.store
                .link(
                    &s.regulation,
                    TicketId(id),
                    TicketId(ticket_id),
                    relation,
                    actor(p),
                    viewer(p),
                    now,
                )
                .await
                .map_err(AppError::from)?;
            return Ok((
                StatusCode::OK,
                Json(ticket_json(&s, TicketId(id), viewer(p), now).await?),
            ));
        }
        Action::Reply { body, public } => Command::Reply { public, body },
        Action::Note { body } => Command::Reply {
            public: false,
            body,
        },
        Action::Status { status, reason } => Command::SetStatus { status, reason },
        Action::Priority { priority, reason } => Command::ChangePriority { priority, reason },
        Action::Level { level, reason } => Command::ChangeLevel { level, reason },
        Action::Assign { agent_id } => {
            let agent = reglament_domain::AgentId(agent_id);
            let found = s
                .store
                .agent(agent)
                .await
                .map_err(AppError::missing_as_field(
                    "agent_id",
                    format!("no agent with id {agent_id}"),
                ))?;
            if !found.active {
                return Err(AppError::field("agent_id", "the agent is deactivated"));
            }
            Command::Assign { agent }
        }
        Action::HandOver { line } => Command::HandOver { line },
        Action::LogTime {
            activity,
            minutes,
            description,
        } => Command::LogTime {
            activity,
            minutes,
            description,
        },
        Action::Extend { target, by, reason } => Command::Extend {
            target,
            by: by
                .parse()
                .map_err(|e: reglament_calendar::Error| AppError::field("by", e.to_string()))?,
            reason,
        },
        Action::Confirm => Command::Confirm,
        Action::Object { reason } => Command::Object { reason },
        Action::Reopen { reason } => Command::Reopen { reason },
        Action::Rate { stars, comment } => Command::Rate {
            rating: Rating::new(stars).map_err(|e| AppError::field("stars", e.to_string()))?,
            comment,
        },
    };
    let now = Timestamp::now();
    let outcome = s
        .store
        .execute(
            &s.regulation,
            TicketId(id),
            actor(p),
            viewer(p),
            cmd,
            &s.numbers,
            now,
        )
        .await
        .map_err(AppError::from)?;
    match outcome {
        Outcome::Events(_) => Ok((
            StatusCode::OK,
            Json(ticket_json(&s, TicketId(id), viewer(p), now).await?),
        )),
        // The ticket is closed and the regulation wants a new ticket for the message: it is
        // opened, linked as a follow-up, and answered with 201.
        Outcome::OpenLinkedTicket => {
            let new = s
                .store
                .follow_up(
                    &s.regulation,
                    TicketId(id),
                    message.unwrap_or_default(),
                    actor(p),
                    viewer(p),
                    &s.numbers,
                    now,
                )
                .await?;
            created(&s, new, viewer(p), now).await
        }
    }
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
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<SplitBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    check_subject(&b.subject)?;
    let now = Timestamp::now();
    let new = s
        .store
        .split(
            &s.regulation,
            TicketId(id),
            b.subject,
            b.description,
            actor(p),
            viewer(p),
            &s.numbers,
            now,
        )
        .await
        .map_err(AppError::from)?;
    created(&s, new, viewer(p), now).await
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
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<MergeBody>,
) -> Result<Json<Value>, AppError> {
    let now = Timestamp::now();
    s.store
        .merge(
            &s.regulation,
            TicketId(id),
            TicketId(b.into),
            actor(p),
            viewer(p),
            now,
        )
        .await
        .map_err(AppError::from)?;
    Ok(Json(
        ticket_json(&s, TicketId(b.into), viewer(p), now).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    name: String,
}

/// The largest body the server reads for one file, whatever the regulation allows: the
/// regulation's own limit when it has one (plus a margin, so an oversized file still gets the
/// regulation's reason), else 25 MiB.
fn upload_cap(reg: &reglament_regulation::Regulation) -> usize {
    const DEFAULT: u64 = 25 * 1024 * 1024;
    let cap = reg
        .attachments
        .max_size
        .map_or(DEFAULT, |m| m.saturating_mul(2).max(1024 * 1024));
    usize::try_from(cap).unwrap_or(usize::MAX)
}

/// Uploads one file as the request body (`?name=` gives its name, `Content-Type` its type).
/// Answers 201 when the regulation's policy accepts it, and 422 with the policy's reason when it
/// refuses it (the refusal is recorded on the ticket too).
async fn upload(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    headers: axum::http::HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let name = q.name.trim();
    if name.is_empty() || name.contains(['/', '\\', '\0']) || name.chars().count() > 255 {
        return Err(AppError::field(
            "name",
            "must be a file name without slashes, at most 255 characters",
        ));
    }
    let cap = upload_cap(&s.regulation);
    let data = axum::body::to_bytes(body, cap).await.map_err(|_| {
        AppError::TooLarge(format!(
            "file «{name}» is larger than this server accepts ({} bytes at most)",
            cap
        ))
    })?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 255)
        .unwrap_or("application/octet-stream")
        .to_string();
    let now = Timestamp::now();
    let events = s
        .store
        .attach(
            &s.regulation,
            TicketId(id),
            vec![reglament_store::tickets::NewFile {
                name: name.to_string(),
                content_type,
                data: data.to_vec(),
            }],
            actor(p),
            viewer(p),
            now,
        )
        .await
        .map_err(AppError::from)?;
    match events.first() {
        Some(TicketEvent::Attached {
            attachment,
            name,
            content_type,
            size,
        }) => Ok((
            StatusCode::CREATED,
            Json(json!({
                "id": attachment, "name": name, "content_type": content_type, "size": size,
                "url": format!("/api/v1/tickets/{id}/attachments/{attachment}"),
            })),
        )),
        Some(TicketEvent::AttachmentRejected { reason, .. }) => {
            Err(AppError::Invalid(reason.clone(), json!({ "file": reason })))
        }
        _ => Err(AppError::Internal("attaching wrote no verdict".into())),
    }
}

/// Downloads an attachment. It is always sent as a download, never rendered inline, so an
/// uploaded HTML or SVG file cannot run in the service desk's origin.
async fn download(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path((id, attachment)): Path<(i64, i64)>,
) -> Result<axum::response::Response, AppError> {
    use axum::response::IntoResponse;
    let (meta, data) = s
        .store
        .attachment(TicketId(id), attachment, viewer(p))
        .await?;
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
