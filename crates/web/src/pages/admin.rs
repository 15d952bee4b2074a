//! The directory for staff: organizations with their contracts and contacts, and agents with
//! their roles and lines. Reading is for staff; the desk decides who may change what
//! (supervisors and admins manage customers, admins manage agents), and the pages offer only
//! the forms the reader may use.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use reglament_desk::permissions::{Action, may};
use reglament_desk::{
    Agent, AgentInput, Contact, ContactInput, DeskError, Lang, Named, OrganizationInput,
    OrganizationView, Text,
};
use reglament_domain::{AgentId, OrgId};

use super::{Chrome, PageError, PageLang, Signed, Ui, render};
use crate::AppState;

type Fields = BTreeMap<String, String>;

fn get(f: &Fields, name: &str) -> Option<String> {
    f.get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// 422 for a form that comes back with problems, else 200.
fn status_of(
    problems: &BTreeMap<String, String>,
    error: &Option<String>,
) -> axum::http::StatusCode {
    if problems.is_empty() && error.is_none() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// The principal once the desk has checked the form's CSRF token, or the refusal's page.
async fn checked(
    s: &AppState,
    who: &Signed,
    f: &Fields,
    lang: Lang,
) -> Result<reglament_domain::Principal, Response> {
    who.for_change(s, f.get("csrf").map_or("", String::as_str))
        .await
        .map_err(|e| e.page(lang))
}

/// A refusal's problems by field, and what is not about one field.
fn problems(
    e: DeskError,
    lang: Lang,
) -> Result<(BTreeMap<String, String>, Option<String>), PageError> {
    match e {
        DeskError::Invalid(list) => Ok((
            list.into_iter()
                .map(|p| (p.field, p.text.render(lang)))
                .collect(),
            None,
        )),
        e @ DeskError::Conflict(_) => Ok((BTreeMap::new(), Some(e.render(lang)))),
        other => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_organizations.html")]
struct OrganizationsPage {
    chrome: Chrome,
    csrf: String,
    organizations: Vec<OrganizationView>,
    can_manage: bool,
    values: Fields,
    problems: BTreeMap<String, String>,
    error: Option<String>,
    tariffs: Vec<String>,
}

impl OrganizationsPage {
    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn problem(&self, name: &str) -> Option<String> {
        self.problems.get(name).cloned()
    }
}

fn organization_input(f: &Fields) -> OrganizationInput {
    OrganizationInput {
        name: f
            .get("name")
            .cloned()
            .unwrap_or_default()
            .trim()
            .to_string(),
        contract_number: get(f, "contract_number"),
        contract_from: get(f, "contract_from"),
        contract_to: get(f, "contract_to"),
        tariff: get(f, "tariff"),
        state_contract_number: get(f, "state_contract_number"),
        own_tickets_only: f.contains_key("own_tickets_only"),
        contract_rate: get(f, "contract_rate"),
        ..OrganizationInput::default()
    }
}

async fn organizations_page(
    s: &AppState,
    lang: Lang,
    who: &Signed,
    values: Fields,
    problems: BTreeMap<String, String>,
    error: Option<String>,
) -> Response {
    let status = status_of(&problems, &error);
    match s.desk.organizations(who.principal).await {
        Ok(organizations) => {
            let page = OrganizationsPage {
                chrome: Chrome::new(Ui { lang }, who, "admin", "/admin"),
                csrf: who.csrf.clone(),
                organizations,
                can_manage: may(who.principal, Action::ManageOrganizations),
                values,
                problems,
                error,
                tariffs: s.desk.regulation().known_tariffs(),
            };
            (status, render(&page)).into_response()
        }
        Err(e) => PageError::from(e).page(lang),
    }
}

/// The organizations, with a form for a new one.
pub async fn organizations(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
) -> Response {
    if !who.staff() {
        return Redirect::to("/portal").into_response();
    }
    organizations_page(&s, lang, &who, Fields::new(), BTreeMap::new(), None).await
}

/// Creates an organization from the form.
pub async fn create_organization(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let p = match checked(&s, &who, &f, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    match s.desk.create_organization(p, organization_input(&f)).await {
        Ok(o) => Redirect::to(&format!("/admin/organizations/{}?done=1", o.id)).into_response(),
        Err(e) => match problems(e, lang) {
            Ok((problems, error)) => organizations_page(&s, lang, &who, f, problems, error).await,
            Err(e) => e.page(lang),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_organization.html")]
struct OrganizationPage {
    chrome: Chrome,
    csrf: String,
    org: OrganizationView,
    contacts: Vec<Contact>,
    can_manage: bool,
    can_manage_contacts: bool,
    values: Fields,
    contact_values: Fields,
    problems: BTreeMap<String, String>,
    error: Option<String>,
    done: bool,
    tariffs: Vec<String>,
    min_password: i64,
}

impl OrganizationPage {
    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn contact_value(&self, name: &str) -> String {
        self.contact_values.get(name).cloned().unwrap_or_default()
    }

    fn checked(&self, name: &str) -> bool {
        self.contact_values.contains_key(name)
    }

    fn problem(&self, name: &str) -> Option<String> {
        self.problems.get(name).cloned()
    }
}

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn organization_page(
    s: &AppState,
    lang: Lang,
    who: &Signed,
    id: i64,
    values: Option<Fields>,
    contact_values: Fields,
    problems: BTreeMap<String, String>,
    error: Option<String>,
    done: bool,
) -> Response {
    let status = status_of(&problems, &error);
    let org = match s.desk.organization(who.principal, OrgId(id)).await {
        Ok(o) => o,
        Err(e) => return PageError::from(e).page(lang),
    };
    let contacts = match s.desk.contacts(who.principal, OrgId(id)).await {
        Ok(c) => c,
        Err(e) => return PageError::from(e).page(lang),
    };
    let values = values.unwrap_or_else(|| {
        let mut v = Fields::new();
        v.insert("name".into(), org.name.clone());
        for (k, x) in [
            ("contract_number", &org.contract_number),
            ("contract_from", &org.contract_from),
            ("contract_to", &org.contract_to),
            ("tariff", &org.tariff),
            ("state_contract_number", &org.state_contract_number),
            ("contract_rate", &org.contract_rate),
        ] {
            if let Some(x) = x {
                v.insert(k.into(), x.clone());
            }
        }
        if org.own_tickets_only {
            v.insert("own_tickets_only".into(), "1".into());
        }
        v
    });
    let page = OrganizationPage {
        chrome: Chrome::new(
            Ui { lang },
            who,
            "admin",
            format!("/admin/organizations/{id}"),
        ),
        csrf: who.csrf.clone(),
        can_manage: may(who.principal, Action::ManageOrganizations),
        can_manage_contacts: may(who.principal, Action::ManageContacts),
        org,
        contacts,
        values,
        contact_values,
        problems,
        error,
        done,
        tariffs: s.desk.regulation().known_tariffs(),
        min_password: reglament_desk::MIN_PASSWORD as i64,
    };
    (status, render(&page)).into_response()
}

/// An organization: its details, its contacts, and the forms to change them.
pub async fn organization(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
    axum::extract::Query(d): axum::extract::Query<Done>,
) -> Response {
    if !who.staff() {
        return Redirect::to("/portal").into_response();
    }
    let done = d.done.is_some();
    organization_page(
        &s,
        lang,
        &who,
        id,
        None,
        Fields::new(),
        BTreeMap::new(),
        None,
        done,
    )
    .await
}

/// Saves an organization's details.
pub async fn update_organization(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let p = match checked(&s, &who, &f, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    // The products, the account manager and the programmer are not on the form: keep them.
    // Whoever may not change organizations hears so before anything is looked up.
    if let Err(e) = reglament_desk::permissions::check(p, Action::ManageOrganizations) {
        return PageError::from(e).page(lang);
    }
    let current = match s.desk.organization(p, OrgId(id)).await {
        Ok(o) => o,
        Err(e) => return PageError::from(e).page(lang),
    };
    let input = OrganizationInput {
        products: current.products,
        account_manager_id: current.account_manager_id,
        programmer_id: current.programmer_id,
        ..organization_input(&f)
    };
    match s.desk.update_organization(p, OrgId(id), input).await {
        Ok(_) => Redirect::to(&format!("/admin/organizations/{id}?done=1")).into_response(),
        Err(e) => match problems(e, lang) {
            Ok((problems, error)) => {
                organization_page(
                    &s,
                    lang,
                    &who,
                    id,
                    Some(f),
                    Fields::new(),
                    problems,
                    error,
                    false,
                )
                .await
            }
            Err(e) => e.page(lang),
        },
    }
}

/// Adds a contact to an organization.
pub async fn create_contact(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let p = match checked(&s, &who, &f, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let input = ContactInput {
        full_name: f
            .get("full_name")
            .cloned()
            .unwrap_or_default()
            .trim()
            .to_string(),
        position: get(&f, "position"),
        phone: get(&f, "phone"),
        email: f
            .get("email")
            .cloned()
            .unwrap_or_default()
            .trim()
            .to_string(),
        trusted: f.contains_key("trusted"),
        owner: f.contains_key("owner"),
        password: f.get("password").filter(|v| !v.is_empty()).cloned(),
    };
    match s.desk.create_contact(p, OrgId(id), input).await {
        Ok(_) => {
            Redirect::to(&format!("/admin/organizations/{id}?done=1#contacts")).into_response()
        }
        Err(e) => match problems(e, lang) {
            Ok((problems, error)) => {
                let mut kept = f;
                kept.remove("password");
                let problems = problems
                    .into_iter()
                    .map(|(k, v)| (format!("contact_{k}"), v))
                    .collect();
                organization_page(&s, lang, &who, id, None, kept, problems, error, false).await
            }
            Err(e) => e.page(lang),
        },
    }
}

#[derive(Template)]
#[template(path = "admin_agents.html")]
struct AgentsPage {
    chrome: Chrome,
    csrf: String,
    agents: Vec<Agent>,
    lines: Vec<Named>,
    can_manage: bool,
    me: i64,
    values: Fields,
    problems: BTreeMap<String, String>,
    error: Option<String>,
    min_password: i64,
}

impl AgentsPage {
    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn problem(&self, name: &str) -> Option<String> {
        self.problems.get(name).cloned()
    }

    fn line_title(&self, line: &Option<String>) -> String {
        line.as_deref().map_or_else(
            || "—".to_string(),
            |l| {
                self.lines
                    .iter()
                    .find(|x| x.id == l)
                    .map_or_else(|| l.to_string(), |x| x.title.clone())
            },
        )
    }

    fn role_title(&self, role: &reglament_domain::Role) -> String {
        self.chrome.ui.t(&format!("ui-role-{}", role.as_str()))
    }

    fn roles(&self) -> Vec<(&'static str, String)> {
        ["agent", "supervisor", "admin"]
            .into_iter()
            .map(|r| (r, self.chrome.ui.t(&format!("ui-role-{r}"))))
            .collect()
    }

    fn role_selected(&self, role: &str) -> bool {
        self.values.get("role").is_some_and(|r| r == role)
    }
}

async fn agents_page(
    s: &AppState,
    lang: Lang,
    who: &Signed,
    values: Fields,
    problems: BTreeMap<String, String>,
    error: Option<String>,
) -> Response {
    let status = status_of(&problems, &error);
    match s.desk.agents(who.principal).await {
        Ok(agents) => {
            let page = AgentsPage {
                chrome: Chrome::new(Ui { lang }, who, "admin", "/admin/agents"),
                csrf: who.csrf.clone(),
                agents,
                lines: s
                    .desk
                    .regulation()
                    .lines
                    .iter()
                    .map(|l| Named {
                        id: l.id.clone(),
                        title: l.title.clone(),
                    })
                    .collect(),
                can_manage: may(who.principal, Action::ManageAgents),
                me: match who.principal {
                    reglament_domain::Principal::Agent(a, _) => a.0,
                    _ => 0,
                },
                values,
                problems,
                error,
                min_password: reglament_desk::MIN_PASSWORD as i64,
            };
            (status, render(&page)).into_response()
        }
        Err(e) => PageError::from(e).page(lang),
    }
}

/// The agents, with their roles and lines.
pub async fn agents(State(s): State<AppState>, PageLang(lang): PageLang, who: Signed) -> Response {
    if !who.staff() {
        return Redirect::to("/portal").into_response();
    }
    agents_page(&s, lang, &who, Fields::new(), BTreeMap::new(), None).await
}

/// Creates an agent from the form.
pub async fn create_agent(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let p = match checked(&s, &who, &f, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let input = AgentInput {
        full_name: f
            .get("full_name")
            .cloned()
            .unwrap_or_default()
            .trim()
            .to_string(),
        email: f
            .get("email")
            .cloned()
            .unwrap_or_default()
            .trim()
            .to_string(),
        role: f.get("role").cloned().unwrap_or_default(),
        line: get(&f, "line"),
        password: f.get("password").filter(|v| !v.is_empty()).cloned(),
    };
    match s.desk.create_agent(p, input).await {
        Ok(_) => Redirect::to("/admin/agents").into_response(),
        Err(e) => match problems(e, lang) {
            Ok((problems, error)) => {
                let mut kept = f;
                kept.remove("password");
                agents_page(&s, lang, &who, kept, problems, error).await
            }
            Err(e) => e.page(lang),
        },
    }
}

/// Activates or deactivates an agent.
pub async fn set_agent_active(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let p = match checked(&s, &who, &f, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let active = f.get("active").is_some_and(|v| v == "1");
    match s.desk.set_agent_active(p, AgentId(id), active).await {
        Ok(_) => Redirect::to("/admin/agents").into_response(),
        Err(e) => match problems(e, lang) {
            Ok((problems, error)) => {
                let error = error.or_else(|| {
                    Some(problems.into_values().collect::<Vec<_>>().join(" "))
                        .filter(|e| !e.is_empty())
                        .or_else(|| Some(Text::new("ui-error-title").render(lang)))
                });
                agents_page(&s, lang, &who, Fields::new(), BTreeMap::new(), error).await
            }
            Err(e) => e.page(lang),
        },
    }
}

/// Activates or deactivates a customer contact; deactivating ends their sessions.
pub async fn set_contact_active(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let p = match checked(&s, &who, &f, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let change = reglament_desk::AccountChange {
        active: Some(f.get("active").is_some_and(|v| v == "1")),
        ..Default::default()
    };
    match s
        .desk
        .update_contact(p, reglament_domain::ContactId(id), change)
        .await
    {
        Ok(c) => Redirect::to(&format!(
            "/admin/organizations/{}#contacts",
            c.organization.0
        ))
        .into_response(),
        Err(e) => PageError::Desk(e).page(lang),
    }
}

#[derive(Template)]
#[template(path = "admin_mail.html")]
struct MailPage {
    chrome: Chrome,
    csrf: String,
    held: Vec<reglament_desk::HeldMail>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(serde::Deserialize)]
pub struct MailNotice {
    done: Option<String>,
}

async fn mail_page(
    s: &AppState,
    lang: Lang,
    who: &Signed,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    match s.desk.held_mail(who.principal).await {
        Ok(held) => render(&MailPage {
            chrome: Chrome::new(Ui { lang }, who, "admin", "/admin/mail"),
            csrf: who.csrf.clone(),
            held,
            notice,
            error,
        }),
        Err(e) => PageError::from(e).page(lang),
    }
}

/// The mail quarantine: held messages with their reasons, to read as they came, read again or
/// discard.
pub async fn mail(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    axum::extract::Query(q): axum::extract::Query<MailNotice>,
) -> Response {
    if !who.staff() {
        return Redirect::to("/portal").into_response();
    }
    let ui = Ui { lang };
    let notice = match q.done.as_deref() {
        Some("opened") => Some(ui.t("ui-mail-done-opened")),
        Some("joined") => Some(ui.t("ui-mail-done-joined")),
        Some("held") => Some(ui.t("ui-mail-done-held")),
        Some("discarded") => Some(ui.t("ui-mail-done-discarded")),
        _ => None,
    };
    mail_page(&s, lang, &who, notice, None).await
}

/// A held message's bytes, always as a download: it is whatever a stranger sent.
pub async fn mail_raw(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
) -> Response {
    match s.desk.mail_raw(who.principal, id).await {
        Ok(raw) => (
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "message/rfc822".to_string(),
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"inbound-{id}.eml\""),
                ),
            ],
            raw,
        )
            .into_response(),
        Err(e) => PageError::from(e).page(lang),
    }
}

/// Reads a held message again, or discards it.
pub async fn mail_action(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path((id, action)): Path<(i64, String)>,
    axum::Form(f): axum::Form<Fields>,
) -> Response {
    let p = match checked(&s, &who, &f, lang).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let done = match action.as_str() {
        "retry" => s.desk.retry_mail(p, id).await.map(|o| match o {
            reglament_desk::MailOutcome::Opened { .. } => "opened",
            reglament_desk::MailOutcome::Joined { .. } => "joined",
            _ => "held",
        }),
        "discard" => s.desk.discard_mail(p, id).await.map(|()| "discarded"),
        _ => return PageError::from(DeskError::NotFound).page(lang),
    };
    match done {
        Ok(d) => Redirect::to(&format!("/admin/mail?done={d}")).into_response(),
        Err(DeskError::Conflict(t)) => {
            let page = mail_page(&s, lang, &who, None, Some(t.render(lang))).await;
            (axum::http::StatusCode::CONFLICT, page).into_response()
        }
        Err(e) => PageError::from(e).page(lang),
    }
}
