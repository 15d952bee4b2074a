//! Organizations, their contacts, and agents. Staff read everything; a customer reads only their
//! own organization; admins and supervisors change the directory, and only admins manage agents.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use reglament_domain::{AgentId, EmailAddress, OrgId, Role};
use reglament_store::accounts::{Principal, Secret, hash_password};
use reglament_store::directory::{NewAgent, NewContact, NewOrganization, Organization, Product};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{ApiJson, AppError, AppState, Caller, require_role};

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
        .route("/api/v1/agents", get(list_agents).post(create_agent))
        .route("/api/v1/agents/{id}", get(get_agent).patch(update_agent))
}

/// The organization a caller may read: any for staff, their own for a customer (another one
/// answers 404, as if it did not exist).
pub(crate) fn may_read_org(p: Principal, id: OrgId) -> Result<(), AppError> {
    match p {
        Principal::Contact(_, own) if own != id => Err(AppError::NotFound),
        _ => Ok(()),
    }
}

fn org_json(o: &Organization) -> Value {
    json!({
        "id": o.id.0,
        "name": o.name,
        "contract_number": o.contract_number,
        "contract_from": o.contract_from,
        "contract_to": o.contract_to,
        "tariff": o.tariff,
        "state_contract_number": o.state_contract_number,
        "products": o.products,
        "account_manager_id": o.account_manager.map(|a| a.0),
        "programmer_id": o.programmer.map(|a| a.0),
    })
}

async fn list_organizations(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Value>, AppError> {
    let orgs = match p {
        Principal::Contact(_, own) => vec![s.store.organization(own).await?],
        _ => s.store.organizations().await?,
    };
    Ok(Json(
        json!({ "items": orgs.iter().map(org_json).collect::<Vec<_>>() }),
    ))
}

async fn get_organization(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    may_read_org(p, OrgId(id))?;
    Ok(Json(org_json(&s.store.organization(OrgId(id)).await?)))
}

/// An organization as the API takes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganizationBody {
    name: String,
    contract_number: Option<String>,
    contract_from: Option<String>,
    contract_to: Option<String>,
    tariff: Option<String>,
    state_contract_number: Option<String>,
    #[serde(default)]
    products: Vec<Product>,
    account_manager_id: Option<i64>,
    programmer_id: Option<i64>,
}

impl OrganizationBody {
    /// Checks the body against the regulation and the directory.
    async fn validate(self, s: &AppState) -> Result<NewOrganization, AppError> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(AppError::field("name", "is required"));
        }
        let mut dates = Vec::new();
        for (field, value) in [
            ("contract_from", &self.contract_from),
            ("contract_to", &self.contract_to),
        ] {
            if let Some(v) = value {
                let d: jiff::civil::Date = v.parse().map_err(|_| {
                    AppError::field(field, format!("`{v}` is not a date YYYY-MM-DD"))
                })?;
                dates.push(d);
            }
        }
        if let [from, to] = dates[..]
            && to < from
        {
            return Err(AppError::field("contract_to", "is before `contract_from`"));
        }
        if let Some(t) = &self.tariff {
            let known = s.regulation.known_tariffs();
            if !known.is_empty() && !known.iter().any(|k| k == t) {
                return Err(AppError::field(
                    "tariff",
                    format!(
                        "unknown tariff `{t}`, expected one of: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        for (field, id) in [
            ("account_manager_id", self.account_manager_id),
            ("programmer_id", self.programmer_id),
        ] {
            if let Some(id) = id {
                s.store
                    .agent(AgentId(id))
                    .await
                    .map_err(AppError::missing_as_field(
                        field,
                        format!("no agent with id {id}"),
                    ))?;
            }
        }
        if let Some(i) = self.products.iter().position(|p| p.name.trim().is_empty()) {
            return Err(AppError::field(
                "products",
                format!("product {} has no name", i + 1),
            ));
        }
        Ok(NewOrganization {
            name,
            contract_number: self.contract_number,
            contract_from: self.contract_from,
            contract_to: self.contract_to,
            tariff: self.tariff,
            state_contract_number: self.state_contract_number,
            products: self.products,
            account_manager: self.account_manager_id.map(AgentId),
            programmer: self.programmer_id.map(AgentId),
        })
    }
}

async fn create_organization(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiJson(body): ApiJson<OrganizationBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    require_role(p, &[Role::Admin, Role::Supervisor], "manage organizations")?;
    let new = body.validate(&s).await?;
    let id = s.store.create_organization(&new).await?;
    Ok((
        StatusCode::CREATED,
        Json(org_json(&s.store.organization(id).await?)),
    ))
}

async fn update_organization(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<OrganizationBody>,
) -> Result<Json<Value>, AppError> {
    require_role(p, &[Role::Admin, Role::Supervisor], "manage organizations")?;
    let new = body.validate(&s).await?;
    s.store.update_organization(OrgId(id), &new).await?;
    Ok(Json(org_json(&s.store.organization(OrgId(id)).await?)))
}

async fn list_contacts(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    may_read_org(p, OrgId(id))?;
    s.store.organization(OrgId(id)).await?;
    let contacts = s.store.contacts(OrgId(id)).await?;
    Ok(Json(json!({ "items": contacts })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactBody {
    full_name: String,
    position: Option<String>,
    phone: Option<String>,
    email: String,
    #[serde(default)]
    trusted: bool,
    #[serde(default)]
    owner: bool,
    /// Sets a password so the contact can sign in to the portal.
    password: Option<String>,
}

/// Hashes a new password off the async executor, after checking its length.
async fn new_password_hash(password: String) -> Result<String, AppError> {
    if password.chars().count() < 8 {
        return Err(AppError::field("password", "must be at least 8 characters"));
    }
    let secret = Secret::new(password);
    tokio::task::spawn_blocking(move || hash_password(&secret))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(AppError::from)
}

fn parse_email(email: &str) -> Result<EmailAddress, AppError> {
    email
        .parse()
        .map_err(|e: reglament_domain::DomainError| AppError::field("email", e.to_string()))
}

async fn create_contact(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
    ApiJson(c): ApiJson<ContactBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    require_role(p, &[Role::Admin, Role::Supervisor], "manage contacts")?;
    if c.full_name.trim().is_empty() {
        return Err(AppError::field("full_name", "is required"));
    }
    let email = parse_email(&c.email)?;
    let hash = match c.password {
        Some(pw) => Some(new_password_hash(pw).await?),
        None => None,
    };
    let contact = s
        .store
        .create_contact(&NewContact {
            organization: OrgId(id),
            full_name: c.full_name.trim().to_string(),
            position: c.position,
            phone: c.phone,
            email,
            trusted: c.trusted,
            owner: c.owner,
        })
        .await?;
    if let Some(h) = hash {
        s.store.set_contact_password(contact, &h).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(json!(s.store.contact(contact).await?)),
    ))
}

async fn list_agents(
    State(s): State<AppState>,
    Caller(p): Caller,
) -> Result<Json<Value>, AppError> {
    require_role(
        p,
        &[Role::Admin, Role::Supervisor, Role::Agent],
        "list agents",
    )?;
    Ok(Json(json!({ "items": s.store.agents().await? })))
}

async fn get_agent(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, AppError> {
    require_role(
        p,
        &[Role::Admin, Role::Supervisor, Role::Agent],
        "see agents",
    )?;
    Ok(Json(json!(s.store.agent(AgentId(id)).await?)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentBody {
    full_name: String,
    email: String,
    role: String,
    line: Option<String>,
    password: Option<String>,
}

async fn create_agent(
    State(s): State<AppState>,
    Caller(p): Caller,
    ApiJson(a): ApiJson<AgentBody>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    require_role(p, &[Role::Admin], "manage agents")?;
    if a.full_name.trim().is_empty() {
        return Err(AppError::field("full_name", "is required"));
    }
    let email = parse_email(&a.email)?;
    let role: Role = a
        .role
        .parse()
        .map_err(|e: reglament_domain::DomainError| AppError::field("role", e.to_string()))?;
    if let Some(l) = &a.line
        && !s.regulation.lines.iter().any(|x| &x.id == l)
    {
        return Err(AppError::field(
            "line",
            format!(
                "unknown line `{l}`, expected one of: {}",
                s.regulation
                    .lines
                    .iter()
                    .map(|x| x.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let hash = match a.password {
        Some(pw) => Some(new_password_hash(pw).await?),
        None => None,
    };
    let id = s
        .store
        .create_agent(&NewAgent {
            full_name: a.full_name.trim().to_string(),
            email,
            role,
            line: a.line,
        })
        .await?;
    if let Some(h) = hash {
        s.store.set_agent_password(id, &h).await?;
    }
    Ok((StatusCode::CREATED, Json(json!(s.store.agent(id).await?))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentPatch {
    active: bool,
}

async fn update_agent(
    State(s): State<AppState>,
    Caller(p): Caller,
    Path(id): Path<i64>,
    ApiJson(a): ApiJson<AgentPatch>,
) -> Result<Json<Value>, AppError> {
    require_role(p, &[Role::Admin], "manage agents")?;
    s.store.set_agent_active(AgentId(id), a.active).await?;
    Ok(Json(json!(s.store.agent(AgentId(id)).await?)))
}
