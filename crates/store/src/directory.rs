//! Organizations (legal entities with a contract), their contacts, and agents.

use reglament_domain::{AgentId, ContactId, EmailAddress, OrgId, Role};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::{Result, Store, StoreError, flag, next_value};

/// A customer organization.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    /// The id.
    pub id: OrgId,
    /// The legal name.
    pub name: String,
    /// The contract number.
    pub contract_number: Option<String>,
    /// The contract's first day, `YYYY-MM-DD`.
    pub contract_from: Option<String>,
    /// The contract's last day, `YYYY-MM-DD`.
    pub contract_to: Option<String>,
    /// The tariff, which may choose the service level and billing plan.
    pub tariff: Option<String>,
    /// The state-contract number (№ Гос. Контракта).
    pub state_contract_number: Option<String>,
    /// Products and versions in use.
    pub products: Vec<Product>,
    /// The assigned account manager.
    pub account_manager: Option<AgentId>,
    /// The assigned programmer.
    pub programmer: Option<AgentId>,
    /// Each contact sees only the tickets they filed; the owner contact still sees all.
    #[serde(default)]
    pub own_tickets_only: bool,
    /// The contract's hourly price in kopecks, for work written off by fact.
    #[serde(default)]
    pub contract_rate: Option<i64>,
}

/// A product and version an organization uses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// The product.
    pub name: String,
    /// The version or edition.
    pub version: Option<String>,
}

/// A new organization.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewOrganization {
    /// The legal name.
    pub name: String,
    /// The contract number.
    pub contract_number: Option<String>,
    /// The contract's first day.
    pub contract_from: Option<String>,
    /// The contract's last day.
    pub contract_to: Option<String>,
    /// The tariff.
    pub tariff: Option<String>,
    /// The state-contract number.
    pub state_contract_number: Option<String>,
    /// Products in use.
    #[serde(default)]
    pub products: Vec<Product>,
    /// The account manager.
    pub account_manager: Option<AgentId>,
    /// The programmer.
    pub programmer: Option<AgentId>,
    /// Each contact sees only the tickets they filed; the owner contact still sees all.
    #[serde(default)]
    pub own_tickets_only: bool,
    /// The contract's hourly price in kopecks, for work written off by fact.
    #[serde(default)]
    pub contract_rate: Option<i64>,
}

/// A customer contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The id.
    pub id: ContactId,
    /// The organization; `organization_id` in JSON, as everywhere else.
    #[serde(rename = "organization_id")]
    pub organization: OrgId,
    /// Full name (ФИО).
    pub full_name: String,
    /// Position.
    pub position: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: EmailAddress,
    /// Trusted to file tickets (доверенное лицо).
    pub trusted: bool,
    /// The organization's owner contact, the only one who may make sensitive requests.
    pub owner: bool,
    /// Able to sign in; a deactivated contact's sessions have ended.
    pub active: bool,
    /// Why the address returned our mail, when it last did, until mail comes from it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounced: Option<String>,
}

/// A new contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContact {
    /// The organization.
    pub organization: OrgId,
    /// Full name.
    pub full_name: String,
    /// Position.
    pub position: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Email.
    pub email: EmailAddress,
    /// Trusted to file tickets.
    pub trusted: bool,
    /// The owner contact.
    pub owner: bool,
}

/// A staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agent {
    /// The id.
    pub id: AgentId,
    /// Full name.
    pub full_name: String,
    /// Email, the login.
    pub email: EmailAddress,
    /// Role.
    pub role: Role,
    /// Support line (L1, L2, L3, development), from the regulation.
    pub line: Option<String>,
    /// Whether the account may sign in.
    pub active: bool,
}

/// A new agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAgent {
    /// Full name.
    pub full_name: String,
    /// Email, the login.
    pub email: EmailAddress,
    /// Role.
    pub role: Role,
    /// Support line.
    pub line: Option<String>,
}

fn email(s: String) -> Result<EmailAddress> {
    Ok(s.parse::<EmailAddress>()?)
}

fn org_from(r: &sqlx::any::AnyRow) -> Result<Organization> {
    let products: String = r.try_get("products")?;
    Ok(Organization {
        id: OrgId(r.try_get("id")?),
        name: r.try_get("name")?,
        contract_number: r.try_get("contract_number")?,
        contract_from: r.try_get("contract_from")?,
        contract_to: r.try_get("contract_to")?,
        tariff: r.try_get("tariff")?,
        state_contract_number: r.try_get("state_contract_number")?,
        products: serde_json::from_str(&products).map_err(|e| StoreError::Other(e.to_string()))?,
        account_manager: r
            .try_get::<Option<i64>, _>("account_manager_id")?
            .map(AgentId),
        programmer: r.try_get::<Option<i64>, _>("programmer_id")?.map(AgentId),
        own_tickets_only: r.try_get::<i64, _>("own_tickets_only")? != 0,
        contract_rate: r.try_get("contract_rate")?,
    })
}

fn contact_from(r: &sqlx::any::AnyRow) -> Result<Contact> {
    Ok(Contact {
        id: ContactId(r.try_get("id")?),
        organization: OrgId(r.try_get("organization_id")?),
        full_name: r.try_get("full_name")?,
        position: r.try_get("position")?,
        phone: r.try_get("phone")?,
        email: email(r.try_get("email")?)?,
        trusted: r.try_get::<i64, _>("trusted")? != 0,
        owner: r.try_get::<i64, _>("owner")? != 0,
        active: r.try_get::<i64, _>("active")? != 0,
        bounced: r.try_get("bounced")?,
    })
}

fn agent_from(r: &sqlx::any::AnyRow) -> Result<Agent> {
    let role: String = r.try_get("role")?;
    Ok(Agent {
        id: AgentId(r.try_get("id")?),
        full_name: r.try_get("full_name")?,
        email: email(r.try_get("email")?)?,
        role: role.parse()?,
        line: r.try_get("line")?,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}

/// Binds an organization's eleven columns as `$1`–`$11`, in `ORG_COLUMNS` order after the id.
fn bind_org<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    o: &'q NewOrganization,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    q.bind(&o.name)
        .bind(&o.contract_number)
        .bind(&o.contract_from)
        .bind(&o.contract_to)
        .bind(&o.tariff)
        .bind(&o.state_contract_number)
        .bind(serde_json::to_string(&o.products).expect("products serialize"))
        .bind(o.account_manager.map(|a| a.0))
        .bind(o.programmer.map(|a| a.0))
        .bind(flag(o.own_tickets_only))
        .bind(o.contract_rate)
}

const ORG_COLUMNS: &str = "id, name, contract_number, contract_from, contract_to, tariff, state_contract_number, products, account_manager_id, programmer_id, own_tickets_only, contract_rate";
const CONTACT_COLUMNS: &str =
    "id, organization_id, full_name, position, phone, email, trusted, owner, active, bounced";
const AGENT_COLUMNS: &str = "id, full_name, email, role, line, active";

impl Store {
    /// Creates an organization.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when the name is taken.
    pub async fn create_organization(&self, o: &NewOrganization) -> Result<OrgId> {
        let mut tx = self.begin().await?;
        let id = next_value(&mut tx, "organizations").await?;
        bind_org(
            sqlx::query("INSERT INTO organizations (name, contract_number, contract_from, contract_to, tariff, state_contract_number, products, account_manager_id, programmer_id, own_tickets_only, contract_rate, id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"),
            o,
        )
        .bind(id)
        .bind(jiff::Timestamp::now().as_second())
        .execute(&mut **tx)
        .await?;
        tx.commit().await?;
        Ok(OrgId(id))
    }

    /// Replaces an organization's details.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none; [`StoreError::Conflict`] when the new name
    /// is taken.
    pub async fn update_organization(&self, id: OrgId, o: &NewOrganization) -> Result<()> {
        let r = bind_org(
            sqlx::query("UPDATE organizations SET name = $1, contract_number = $2, contract_from = $3, contract_to = $4, tariff = $5, state_contract_number = $6, products = $7, account_manager_id = $8, programmer_id = $9, own_tickets_only = $10, contract_rate = $11 WHERE id = $12"),
            o,
        )
        .bind(id.0)
        .execute(&self.pool)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// An organization by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none.
    pub async fn organization(&self, id: OrgId) -> Result<Organization> {
        let r = sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organizations WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_one(&self.pool)
        .await?;
        org_from(&r)
    }

    /// The organization that mail from unknown senders is filed under, when the regulation
    /// accepts it: made on first use with this name, and with each contact seeing only their
    /// own tickets. An existing organization of that name is adopted. Every node gets the same.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn no_contract_organization(&self, name: &str) -> Result<OrgId> {
        let read = || async {
            sqlx::query_as::<_, (String,)>(
                "SELECT value FROM settings WHERE name = 'no_contract_organization'",
            )
            .fetch_optional(&self.pool)
            .await
        };
        let parse = |v: String| {
            v.parse::<i64>()
                .map(OrgId)
                .map_err(|e| StoreError::Other(format!("setting no_contract_organization: {e}")))
        };
        if let Some((v,)) = read().await? {
            return parse(v);
        }
        let made = self
            .create_organization(&NewOrganization {
                name: name.to_string(),
                own_tickets_only: true,
                ..NewOrganization::default()
            })
            .await;
        let id = match made {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                let (id,): (i64,) = sqlx::query_as("SELECT id FROM organizations WHERE name = $1")
                    .bind(name)
                    .fetch_one(&self.pool)
                    .await?;
                OrgId(id)
            }
            Err(e) => return Err(e),
        };
        // The first node to get here names it; the others read the same one.
        sqlx::query("INSERT INTO settings (name, value) VALUES ('no_contract_organization', $1) ON CONFLICT (name) DO NOTHING")
            .bind(id.0.to_string())
            .execute(&self.pool)
            .await?;
        let (v,) = read().await?.ok_or(StoreError::NotFound)?;
        parse(v)
    }

    /// All organizations, by name.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn organizations(&self) -> Result<Vec<Organization>> {
        sqlx::query(&format!(
            "SELECT {ORG_COLUMNS} FROM organizations ORDER BY name"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(org_from)
        .collect()
    }

    /// Creates a contact.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when the email is taken; [`StoreError::NotFound`] when the
    /// organization does not exist.
    pub async fn create_contact(&self, c: &NewContact) -> Result<ContactId> {
        self.organization(c.organization).await?;
        let mut tx = self.begin().await?;
        let id = next_value(&mut tx, "contacts").await?;
        sqlx::query("INSERT INTO contacts (id, organization_id, full_name, position, phone, email, trusted, owner, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)")
            .bind(id)
            .bind(c.organization.0)
            .bind(&c.full_name)
            .bind(&c.position)
            .bind(&c.phone)
            .bind(c.email.as_str().to_lowercase())
            .bind(flag(c.trusted))
            .bind(flag(c.owner))
            .bind(jiff::Timestamp::now().as_second())
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(ContactId(id))
    }

    /// A contact by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none.
    pub async fn contact(&self, id: ContactId) -> Result<Contact> {
        let r = sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = $1"
        ))
        .bind(id.0)
        .fetch_one(&self.pool)
        .await?;
        contact_from(&r)
    }

    /// The contact with an email address (case-insensitive), which identifies the sender's
    /// organization.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none.
    pub async fn contact_by_email(&self, e: &EmailAddress) -> Result<Contact> {
        let r = sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE email = $1"
        ))
        .bind(e.as_str().to_lowercase())
        .fetch_one(&self.pool)
        .await?;
        contact_from(&r)
    }

    /// The contacts of an organization, by name.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn contacts(&self, org: OrgId) -> Result<Vec<Contact>> {
        sqlx::query(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = $1 ORDER BY full_name"
        ))
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(contact_from)
        .collect()
    }

    /// Creates an agent.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when the email is taken.
    pub async fn create_agent(&self, a: &NewAgent) -> Result<AgentId> {
        let mut tx = self.begin().await?;
        let id = next_value(&mut tx, "agents").await?;
        sqlx::query("INSERT INTO agents (id, full_name, email, role, line, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, NULL, 1, $6)")
            .bind(id)
            .bind(&a.full_name)
            .bind(a.email.as_str().to_lowercase())
            .bind(a.role.as_str())
            .bind(&a.line)
            .bind(jiff::Timestamp::now().as_second())
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok(AgentId(id))
    }

    /// Activates or deactivates an agent; an inactive agent cannot sign in.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none.
    pub async fn set_agent_active(&self, id: AgentId, active: bool) -> Result<()> {
        self.set_active("agents", "agent", id.0, active).await
    }

    /// Activates or deactivates a contact; an inactive contact cannot sign in, and
    /// deactivating ends their sessions.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none.
    pub async fn set_contact_active(&self, id: ContactId, active: bool) -> Result<()> {
        self.set_active("contacts", "contact", id.0, active).await
    }

    /// Changes an agent's role; their sessions end, so no page keeps the old role's forms.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none.
    pub async fn set_agent_role(&self, id: AgentId, role: reglament_domain::Role) -> Result<()> {
        let mut tx = self.begin().await?;
        let r = sqlx::query("UPDATE agents SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id.0)
            .execute(&mut **tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        crate::accounts::end_sessions_in(&mut tx, "agent", id.0, None).await?;
        tx.commit().await
    }

    /// Sets `active` on an account; deactivating ends its sessions in the same transaction,
    /// so reactivating later does not bring them back.
    async fn set_active(&self, table: &str, kind: &str, id: i64, active: bool) -> Result<()> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(&format!("UPDATE {table} SET active = $1 WHERE id = $2"))
            .bind(flag(active))
            .bind(id)
            .execute(&mut **tx)
            .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if !active {
            crate::accounts::end_sessions_in(&mut tx, kind, id, None).await?;
        }
        tx.commit().await
    }

    /// An agent by id.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is none.
    pub async fn agent(&self, id: AgentId) -> Result<Agent> {
        let r = sqlx::query(&format!("SELECT {AGENT_COLUMNS} FROM agents WHERE id = $1"))
            .bind(id.0)
            .fetch_one(&self.pool)
            .await?;
        agent_from(&r)
    }

    /// Whether an email address (case-insensitive) is an agent's or a contact's login already:
    /// one address belongs to one account.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn email_in_use(&self, e: &EmailAddress) -> Result<bool> {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM agents WHERE email = $1) + (SELECT COUNT(*) FROM contacts WHERE email = $2)",
        )
        .bind(e.as_str().to_lowercase())
        .bind(e.as_str().to_lowercase())
        .fetch_one(&self.pool)
        .await?;
        Ok(n > 0)
    }

    /// All agents, by name.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn agents(&self) -> Result<Vec<Agent>> {
        sqlx::query(&format!(
            "SELECT {AGENT_COLUMNS} FROM agents ORDER BY full_name"
        ))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(agent_from)
        .collect()
    }
}
