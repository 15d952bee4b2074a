//! Organizations, their contacts, and agents: parsed here, decided by the desk.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use reglament_desk::{Agent, Contact};
use reglament_desk::{AgentInput, ContactInput, OrganizationInput, OrganizationView};
use reglament_domain::{AgentId, OrgId};
use serde::Serialize;

use crate::{ApiJson, ApiPath, AppError, AppState, Caller};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/organizations",
            get(list_organizations).post(create_organization),
        )
        .route(
            "/api/v1/organizations/{id}",
            get(get_organization).put(update_organization),
        )
        .route(
            "/api/v1/organizations/{id}/contacts",
            get(list_contacts).post(create_contact),
        )
        .route(
            "/api/v1/contacts/{id}",
            axum::routing::patch(update_contact),
        )
        .route("/api/v1/agents", get(list_agents).post(create_agent))
        .route("/api/v1/agents/{id}", get(get_agent).patch(update_agent))
        .route("/api/v1/tokens", get(list_tokens))
        .route("/api/v1/tokens/{id}", axum::routing::delete(revoke_token))
}

/// A list answer: `{"items": [...]}`.
#[derive(Serialize)]
pub(crate) struct Items<T> {
    items: Vec<T>,
}

async fn list_organizations(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Items<OrganizationView>>, AppError> {
    let items = s.desk.organizations(p).await?;
    Ok(Json(Items { items }))
}

async fn get_organization(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrganizationView>, AppError> {
    Ok(Json(s.desk.organization(p, OrgId(id)).await?))
}

async fn create_organization(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiJson(body): ApiJson<OrganizationInput>,
) -> Result<(StatusCode, Json<OrganizationView>), AppError> {
    let o = s.desk.create_organization(p, body).await?;
    Ok((StatusCode::CREATED, Json(o)))
}

async fn update_organization(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<OrganizationInput>,
) -> Result<Json<OrganizationView>, AppError> {
    Ok(Json(s.desk.update_organization(p, OrgId(id), body).await?))
}

async fn list_contacts(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Items<Contact>>, AppError> {
    let items = s.desk.contacts(p, OrgId(id)).await?;
    Ok(Json(Items { items }))
}

async fn create_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(c): ApiJson<ContactInput>,
) -> Result<(StatusCode, Json<Contact>), AppError> {
    let c = s.desk.create_contact(p, OrgId(id), c).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

async fn list_agents(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Items<Agent>>, AppError> {
    let items = s.desk.agents(p).await?;
    Ok(Json(Items { items }))
}

async fn get_agent(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Agent>, AppError> {
    Ok(Json(s.desk.agent(p, AgentId(id)).await?))
}

async fn create_agent(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiJson(a): ApiJson<AgentInput>,
) -> Result<(StatusCode, Json<Agent>), AppError> {
    let a = s.desk.create_agent(p, a).await?;
    Ok((StatusCode::CREATED, Json(a)))
}

async fn update_agent(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(a): ApiJson<reglament_desk::AccountChange>,
) -> Result<Json<Agent>, AppError> {
    Ok(Json(s.desk.update_agent(p, AgentId(id), a).await?))
}

async fn update_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(c): ApiJson<reglament_desk::AccountChange>,
) -> Result<Json<Contact>, AppError> {
    Ok(Json(
        s.desk
            .update_contact(p, reglament_domain::ContactId(id), c)
            .await?,
    ))
}

async fn list_tokens(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Items<reglament_desk::ApiToken>>, AppError> {
    let items = s.desk.tokens(p).await?;
    Ok(Json(Items { items }))
}

async fn revoke_token(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, AppError> {
    s.desk.revoke_token(p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
