//! The directory: organizations (contract, tariff, products, account manager, programmer), their
//! contacts and the agents, each change checked against the regulation and the directory.

use reglament_domain::{AgentId, ContactId, EmailAddress, OrgId, Principal, Role};
use reglament_store::directory::{
    Agent, Contact, NewAgent, NewContact, NewOrganization, Organization, Product,
};
use serde::{Deserialize, Serialize};

use crate::limits::{MAX_NAME, MAX_PRODUCTS, check_count, check_len, check_opt};
use crate::permissions::{self, Action, scope};
use crate::{Desk, DeskError, Problem, Result, Text};

/// The highest hourly price a contract may set: a million rubles, in kopecks.
const MAX_CONTRACT_RATE: i64 = 1_000_000 * 100;

/// The shortest password, in characters.
pub const MIN_PASSWORD: usize = 8;

/// An organization as it is created or changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    /// The full name.
    pub name: String,
    /// The support contract's number.
    pub contract_number: Option<String>,
    /// The contract's first day, `YYYY-MM-DD`.
    pub contract_from: Option<String>,
    /// The contract's last day, `YYYY-MM-DD`.
    pub contract_to: Option<String>,
    /// The tariff, one the regulation names.
    pub tariff: Option<String>,
    /// The state contract's number.
    pub state_contract_number: Option<String>,
    /// Products and versions in use.
    #[serde(default)]
    pub products: Vec<Product>,
    /// The account manager.
    pub account_manager_id: Option<i64>,
    /// The programmer assigned to the organization.
    pub programmer_id: Option<i64>,
    /// Each contact sees only the tickets they filed; the owner contact still sees all.
    #[serde(default)]
    pub own_tickets_only: bool,
    /// The contract's price per hour in rubles, for work written off by fact: `1800`,
    /// `"1 800,50"`.
    #[serde(default, deserialize_with = "amount")]
    pub contract_rate: Option<String>,
}

/// An amount given as a JSON number or as text.
fn amount<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Amount {
        Number(serde_json::Number),
        Text(String),
    }
    Ok(Option::<Amount>::deserialize(d)?.map(|a| match a {
        Amount::Number(n) => n.to_string(),
        Amount::Text(t) => t,
    }))
}

/// An organization as the directory shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrganizationView {
    /// The id.
    pub id: i64,
    /// The full name.
    pub name: String,
    /// The contract's number.
    pub contract_number: Option<String>,
    /// The contract's first day.
    pub contract_from: Option<String>,
    /// The contract's last day.
    pub contract_to: Option<String>,
    /// The tariff.
    pub tariff: Option<String>,
    /// The state contract's number.
    pub state_contract_number: Option<String>,
    /// Products and versions.
    pub products: Vec<Product>,
    /// The account manager.
    pub account_manager_id: Option<i64>,
    /// The programmer.
    pub programmer_id: Option<i64>,
    /// Each contact sees only the tickets they filed; the owner contact still sees all.
    pub own_tickets_only: bool,
    /// The contract's price per hour, formatted, for work written off by fact.
    pub contract_rate: Option<String>,
    /// The same in kopecks.
    pub contract_rate_kopecks: Option<i64>,
}

impl From<Organization> for OrganizationView {
    fn from(o: Organization) -> OrganizationView {
        OrganizationView {
            id: o.id.0,
            name: o.name,
            contract_number: o.contract_number,
            contract_from: o.contract_from,
            contract_to: o.contract_to,
            tariff: o.tariff,
            state_contract_number: o.state_contract_number,
            products: o.products,
            account_manager_id: o.account_manager.map(|a| a.0),
            programmer_id: o.programmer.map(|a| a.0),
            own_tickets_only: o.own_tickets_only,
            contract_rate: o
                .contract_rate
                .map(|k| reglament_regulation::Money::from_kopecks(k).to_string()),
            contract_rate_kopecks: o.contract_rate,
        }
    }
}

/// A contact as it is created.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// Full name.
    pub full_name: String,
    /// Position.
    pub position: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Email, which identifies the contact's mail.
    pub email: String,
    /// Trusted to file tickets.
    #[serde(default)]
    pub trusted: bool,
    /// The organization's owner contact.
    #[serde(default)]
    pub owner: bool,
    /// A password, so the contact can sign in to the portal.
    pub password: Option<String>,
}

/// An agent as it is created.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentInput {
    /// Full name.
    pub full_name: String,
    /// Email, the login.
    pub email: String,
    /// `admin`, `supervisor` or `agent`.
    pub role: String,
    /// The line, one the regulation names.
    pub line: Option<String>,
    /// A password, so the agent can sign in.
    pub password: Option<String>,
}

fn required(value: &str, field: &str, problems: &mut Vec<Problem>) {
    if value.trim().is_empty() {
        problems.push(Problem::new(field, Text::new("dir-required")));
    }
}

fn email(value: &str, problems: &mut Vec<Problem>) -> Option<EmailAddress> {
    match value.parse::<EmailAddress>() {
        Ok(e) => Some(e),
        Err(_) => {
            problems.push(Problem::new(
                "email",
                Text::new("dir-bad-email").arg("value", value),
            ));
            None
        }
    }
}

fn password(value: Option<&str>, problems: &mut Vec<Problem>) {
    if value.is_some_and(|p| p.chars().count() < MIN_PASSWORD) {
        problems.push(Problem::new(
            "password",
            Text::new("dir-password-short").num("min", MIN_PASSWORD as f64),
        ));
    }
}

impl Desk {
    /// Refuses an address that is already an account's login: an agent and a contact with one
    /// address would lock each other out of signing in.
    async fn check_email_free(&self, address: &EmailAddress) -> Result<()> {
        if self.store.email_in_use(address).await? {
            return Err(DeskError::Conflict(
                Text::new("dir-email-taken").arg("email", address.as_str()),
            ));
        }
        Ok(())
    }

    /// The organizations a principal may see: all for staff, their own for a customer.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn organizations(&self, who: Principal) -> Result<Vec<OrganizationView>> {
        permissions::check(who, Action::ReadOrganizations)?;
        let orgs = match who.organization() {
            Some(own) => vec![self.store.organization(own).await?],
            None => self.store.organizations().await?,
        };
        Ok(orgs.into_iter().map(Into::into).collect())
    }

    /// One organization.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] when it does not exist or is another customer's.
    pub async fn organization(&self, who: Principal, id: OrgId) -> Result<OrganizationView> {
        permissions::check(who, Action::ReadOrganizations)?;
        scope(who, id)?;
        Ok(self.store.organization(id).await?.into())
    }

    /// Creates an organization.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] naming every problem; [`DeskError::Forbidden`] for roles other
    /// than admin and supervisor.
    pub async fn create_organization(
        &self,
        who: Principal,
        input: OrganizationInput,
    ) -> Result<OrganizationView> {
        permissions::check(who, Action::ManageOrganizations)?;
        let new = self.check_organization(input).await?;
        let id = self.store.create_organization(&new).await?;
        Ok(self.store.organization(id).await?.into())
    }

    /// Changes an organization.
    ///
    /// # Errors
    ///
    /// As for [`Desk::create_organization`]; [`DeskError::NotFound`] for an unknown id.
    pub async fn update_organization(
        &self,
        who: Principal,
        id: OrgId,
        input: OrganizationInput,
    ) -> Result<OrganizationView> {
        permissions::check(who, Action::ManageOrganizations)?;
        let new = self.check_organization(input).await?;
        self.store.update_organization(id, &new).await?;
        Ok(self.store.organization(id).await?.into())
    }

    async fn check_organization(&self, o: OrganizationInput) -> Result<NewOrganization> {
        let mut problems = Vec::new();
        required(&o.name, "name", &mut problems);
        check_len(&o.name, "name", MAX_NAME, &mut problems);
        for (field, value) in [
            ("contract_number", &o.contract_number),
            ("contract_from", &o.contract_from),
            ("contract_to", &o.contract_to),
            ("tariff", &o.tariff),
            ("state_contract_number", &o.state_contract_number),
        ] {
            check_opt(value.as_deref(), field, MAX_NAME, &mut problems);
        }
        check_count(o.products.len(), "products", MAX_PRODUCTS, &mut problems);
        for p in o.products.iter().take(MAX_PRODUCTS) {
            check_len(&p.name, "products", MAX_NAME, &mut problems);
            check_opt(p.version.as_deref(), "products", MAX_NAME, &mut problems);
        }
        let mut dates = Vec::new();
        for (field, value) in [
            ("contract_from", &o.contract_from),
            ("contract_to", &o.contract_to),
        ] {
            if let Some(v) = value {
                match v.parse::<jiff::civil::Date>() {
                    Ok(d) => dates.push(d),
                    Err(_) => problems.push(Problem::new(
                        field,
                        Text::new("dir-bad-date").arg("value", v.clone()),
                    )),
                }
            }
        }
        if let [from, to] = dates[..]
            && to < from
        {
            problems.push(Problem::new("contract_to", Text::new("dir-contract-order")));
        }
        if let Some(t) = &o.tariff {
            let known = self.regulation.known_tariffs();
            if !known.is_empty() && !known.iter().any(|k| k == t) {
                problems.push(Problem::new(
                    "tariff",
                    Text::new("dir-unknown-tariff")
                        .arg("tariff", t.clone())
                        .arg("expected", known.join(", ")),
                ));
            }
        }
        for (field, id) in [
            ("account_manager_id", o.account_manager_id),
            ("programmer_id", o.programmer_id),
        ] {
            if let Some(id) = id {
                match self.store.agent(AgentId(id)).await {
                    Ok(_) => {}
                    Err(reglament_store::StoreError::NotFound) => problems.push(Problem::new(
                        field,
                        Text::new("action-unknown-agent").num("id", id as f64),
                    )),
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let contract_rate = match o.contract_rate.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(v) => match v.parse::<reglament_regulation::Money>() {
                Ok(m) if m.kopecks() > 0 && m.kopecks() <= MAX_CONTRACT_RATE => Some(m.kopecks()),
                _ => {
                    problems.push(Problem::new(
                        "contract_rate",
                        Text::new("dir-bad-contract-rate").arg("value", v.to_string()),
                    ));
                    None
                }
            },
        };
        if let Some(i) = o.products.iter().position(|p| p.name.trim().is_empty()) {
            problems.push(Problem::new(
                "products",
                Text::new("dir-product-name").num("n", (i + 1) as f64),
            ));
        }
        if !problems.is_empty() {
            return Err(DeskError::Invalid(problems));
        }
        Ok(NewOrganization {
            name: o.name.trim().to_string(),
            contract_number: o.contract_number,
            contract_from: o.contract_from,
            contract_to: o.contract_to,
            tariff: o.tariff,
            state_contract_number: o.state_contract_number,
            products: o.products,
            account_manager: o.account_manager_id.map(AgentId),
            programmer: o.programmer_id.map(AgentId),
            own_tickets_only: o.own_tickets_only,
            contract_rate,
        })
    }

    /// An organization's contacts.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] when it does not exist or is another customer's.
    pub async fn contacts(&self, who: Principal, org: OrgId) -> Result<Vec<Contact>> {
        permissions::check(who, Action::ReadContacts)?;
        scope(who, org)?;
        self.store.organization(org).await?;
        Ok(self.store.contacts(org).await?)
    }

    /// Creates a contact of an organization, with a portal password if one is given.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] naming every problem; [`DeskError::Conflict`] for a taken email;
    /// [`DeskError::NotFound`] for an unknown organization.
    pub async fn create_contact(
        &self,
        who: Principal,
        org: OrgId,
        c: ContactInput,
    ) -> Result<Contact> {
        permissions::check(who, Action::ManageContacts)?;
        let mut problems = Vec::new();
        required(&c.full_name, "full_name", &mut problems);
        check_len(&c.full_name, "full_name", MAX_NAME, &mut problems);
        check_opt(c.position.as_deref(), "position", MAX_NAME, &mut problems);
        check_opt(c.phone.as_deref(), "phone", MAX_NAME, &mut problems);
        let address = email(&c.email, &mut problems);
        password(c.password.as_deref(), &mut problems);
        let Some(address) = address.filter(|_| problems.is_empty()) else {
            return Err(DeskError::Invalid(problems));
        };
        self.check_email_free(&address).await?;
        let hash = match c.password {
            Some(pw) => Some(self.hashed(pw).await?),
            None => None,
        };
        let id = self
            .store
            .create_contact(&NewContact {
                organization: org,
                full_name: c.full_name.trim().to_string(),
                position: c.position,
                phone: c.phone,
                email: address,
                trusted: c.trusted,
                owner: c.owner,
            })
            .await?;
        if let Some(h) = hash {
            self.store.set_contact_password(id, &h, None).await?;
        }
        Ok(self.store.contact(id).await?)
    }

    /// The name a signed-in principal is greeted by: an agent's or a contact's full name, an
    /// integration's token name.
    ///
    /// # Errors
    ///
    /// Storage errors; [`DeskError::NotFound`] for an account that is gone.
    pub async fn display_name(&self, who: Principal) -> Result<String> {
        Ok(match who {
            Principal::Agent(a, _) => self.store.agent(a).await?.full_name,
            Principal::Contact(c, _) => self.store.contact(c).await?.full_name,
            Principal::Token(t, _) => self
                .store
                .api_tokens()
                .await?
                .into_iter()
                .find(|x| x.id == t.0)
                .map_or_else(|| format!("#{}", t.0), |x| x.name),
        })
    }

    /// Every agent.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers.
    pub async fn agents(&self, who: Principal) -> Result<Vec<Agent>> {
        permissions::check(who, Action::ReadAgents)?;
        Ok(self.store.agents().await?)
    }

    /// One agent.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] for an unknown id; [`DeskError::Forbidden`] for customers.
    pub async fn agent(&self, who: Principal, id: AgentId) -> Result<Agent> {
        permissions::check(who, Action::ReadAgents)?;
        Ok(self.store.agent(id).await?)
    }

    /// Creates an agent, with a password if one is given.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] naming every problem; [`DeskError::Conflict`] for a taken email;
    /// [`DeskError::Forbidden`] for roles other than admin.
    pub async fn create_agent(&self, who: Principal, a: AgentInput) -> Result<Agent> {
        permissions::check(who, Action::ManageAgents)?;
        let mut problems = Vec::new();
        required(&a.full_name, "full_name", &mut problems);
        check_len(&a.full_name, "full_name", MAX_NAME, &mut problems);
        let address = email(&a.email, &mut problems);
        let role = match a.role.parse::<Role>() {
            Ok(r) => Some(r),
            Err(_) => {
                problems.push(Problem::new(
                    "role",
                    Text::new("dir-bad-role").arg("value", a.role.clone()),
                ));
                None
            }
        };
        if let Some(l) = &a.line
            && self.regulation.line(l).is_none()
        {
            problems.push(Problem::new(
                "line",
                Text::new("dir-unknown-line").arg("line", l.clone()).arg(
                    "expected",
                    self.regulation
                        .lines
                        .iter()
                        .map(|x| x.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ));
        }
        password(a.password.as_deref(), &mut problems);
        let (Some(address), Some(role), true) = (address, role, problems.is_empty()) else {
            return Err(DeskError::Invalid(problems));
        };
        self.check_email_free(&address).await?;
        let hash = match a.password {
            Some(pw) => Some(self.hashed(pw).await?),
            None => None,
        };
        let id = self
            .store
            .create_agent(&NewAgent {
                full_name: a.full_name.trim().to_string(),
                email: address,
                role,
                line: a.line,
            })
            .await?;
        if let Some(h) = hash {
            self.store.set_agent_password(id, &h, None).await?;
        }
        Ok(self.store.agent(id).await?)
    }

    /// Activates or deactivates an agent; a deactivated agent cannot sign in.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] for an unknown id; [`DeskError::Forbidden`] for roles other
    /// than admin.
    pub async fn set_agent_active(
        &self,
        who: Principal,
        id: AgentId,
        active: bool,
    ) -> Result<Agent> {
        permissions::check(who, Action::ManageAgents)?;
        // An administrator who switched themselves off could leave nobody to switch them on.
        if !active && who == Principal::Agent(id, Role::Admin) {
            return Err(DeskError::Conflict(Text::new("dir-self-deactivate")));
        }
        self.store.set_agent_active(id, active).await?;
        Ok(self.store.agent(id).await?)
    }

    /// Changes an agent: active or not, role, password (a reset by an administrator). A
    /// deactivation, a new role or a new password ends the agent's sessions.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] for an unknown role or a short password; [`DeskError::Conflict`]
    /// for an administrator deactivating or demoting themselves; [`DeskError::NotFound`] for
    /// an unknown id; [`DeskError::Forbidden`] for roles other than admin.
    pub async fn update_agent(
        &self,
        who: Principal,
        id: AgentId,
        change: AccountChange,
    ) -> Result<Agent> {
        permissions::check(who, Action::ManageAgents)?;
        let mut problems = Vec::new();
        password(change.password.as_deref(), &mut problems);
        let role = match change.role.as_deref().map(str::parse::<Role>) {
            Some(Ok(r)) => Some(r),
            Some(Err(_)) => {
                problems.push(Problem::new(
                    "role",
                    Text::new("dir-bad-role").arg("value", change.role.clone().unwrap_or_default()),
                ));
                None
            }
            None => None,
        };
        if !problems.is_empty() {
            return Err(DeskError::Invalid(problems));
        }
        if role.is_some_and(|r| r != Role::Admin) && who == Principal::Agent(id, Role::Admin) {
            return Err(DeskError::Conflict(Text::new("dir-self-demote")));
        }
        self.store.agent(id).await?;
        if let Some(active) = change.active {
            self.set_agent_active(who, id, active).await?;
        }
        if let Some(role) = role {
            self.store.set_agent_role(id, role).await?;
        }
        if let Some(pw) = change.password {
            let h = self.hashed(pw).await?;
            self.store.set_agent_password(id, &h, None).await?;
        }
        Ok(self.store.agent(id).await?)
    }

    /// Changes a contact: active or not, password (a reset by staff who manage contacts). A
    /// deactivated contact cannot sign in, and a deactivation or a new password ends the
    /// contact's sessions.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] for a short password or a role (contacts have none);
    /// [`DeskError::NotFound`] for an unknown id; [`DeskError::Forbidden`] for principals who
    /// do not manage contacts.
    pub async fn update_contact(
        &self,
        who: Principal,
        id: ContactId,
        change: AccountChange,
    ) -> Result<Contact> {
        permissions::check(who, Action::ManageContacts)?;
        let mut problems = Vec::new();
        password(change.password.as_deref(), &mut problems);
        if change.role.is_some() {
            problems.push(Problem::new("role", Text::new("dir-contact-role")));
        }
        if !problems.is_empty() {
            return Err(DeskError::Invalid(problems));
        }
        self.store.contact(id).await?;
        if let Some(active) = change.active {
            self.store.set_contact_active(id, active).await?;
        }
        if let Some(pw) = change.password {
            let h = self.hashed(pw).await?;
            self.store.set_contact_password(id, &h, None).await?;
        }
        Ok(self.store.contact(id).await?)
    }
}

/// What an administrator changes about an account; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    /// Active (may sign in) or not.
    #[serde(default)]
    pub active: Option<bool>,
    /// A new role, for agents.
    #[serde(default)]
    pub role: Option<String>,
    /// A new password: a reset.
    #[serde(default)]
    pub password: Option<String>,
}
