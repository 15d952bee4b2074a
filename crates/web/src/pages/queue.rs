//! The agent's queue: the views "mine", "my line" and "all", with filters, in the desk's order
//! (out of turn first, then the nearest deadline), each row with the working time left.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use reglament_desk::{DueFilter, Named, QueueQuery, QueueRow, QueueView, Text};
use reglament_domain::{AgentId, OrgId};
use serde::Deserialize;

use super::form::urlencode;
use super::{Chrome, PageError, PageLang, Signed, Ui, render};
use crate::AppState;

#[derive(Deserialize, Default)]
pub struct QueueParams {
    view: Option<String>,
    status: Option<String>,
    priority: Option<String>,
    line: Option<String>,
    organization: Option<String>,
    category: Option<String>,
    assignee: Option<String>,
    due: Option<String>,
    closed: Option<String>,
    offset: Option<i64>,
    q: Option<String>,
}

/// A queue row with names instead of ids.
pub struct Row {
    pub row: QueueRow,
    pub organization: String,
    pub priority: String,
    pub status: String,
    pub assignee: String,
}

/// One choice of a filter.
pub struct Choice {
    pub id: String,
    pub title: String,
    pub selected: bool,
}

/// A filter: its input name, label and choices.
pub struct Filter {
    pub name: &'static str,
    pub label: String,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    chrome: Chrome,
    view: &'static str,
    rows: Vec<Row>,
    filters: Vec<Filter>,
    closed: bool,
    next: Option<String>,
    prev: Option<String>,
    filtered: bool,
    /// The search query, when the page shows search results.
    q: String,
}

fn empty_is_none(v: Option<String>) -> Option<String> {
    v.filter(|v| !v.trim().is_empty())
}

fn choices(named: &[Named], selected: &Option<String>) -> Vec<Choice> {
    named
        .iter()
        .map(|n| Choice {
            id: n.id.clone(),
            title: n.title.clone(),
            selected: selected.as_deref() == Some(n.id.as_str()),
        })
        .collect()
}

/// The queue page; customers go to the portal instead.
pub async fn page(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Query(q): Query<QueueParams>,
) -> Response {
    if !who.staff() {
        return Redirect::to("/portal").into_response();
    }
    match build(&s, lang, &who, q).await {
        Ok(page) => render(&page),
        Err(e) => e.page(lang),
    }
}

async fn build(
    s: &AppState,
    lang: reglament_desk::Lang,
    who: &Signed,
    q: QueueParams,
) -> Result<QueuePage, PageError> {
    let ui = Ui { lang };
    let p = who.principal;
    let view = match q.view.as_deref() {
        None | Some("") => QueueView::All,
        Some(v) => QueueView::parse(v)
            .ok_or_else(|| PageError::Bad(Text::new("ui-queue-bad-view").arg("view", v)))?,
    };
    let number = |v: &Option<String>, field: &'static str| -> Result<Option<i64>, PageError> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(x) => x
                .parse()
                .map(Some)
                .map_err(|_| PageError::Bad(Text::new("ui-queue-bad-filter").arg("field", field))),
        }
    };
    let organization = number(&q.organization, "organization")?;
    let assignee = number(&q.assignee, "assignee")?;
    let due = match q.due.as_deref() {
        None | Some("") => None,
        Some("breached") => Some(DueFilter::Breached),
        Some("today") => Some(DueFilter::Today),
        Some(_) => {
            return Err(PageError::Bad(
                Text::new("ui-queue-bad-filter").arg("field", "due"),
            ));
        }
    };
    let closed = q.closed.as_deref() == Some("1");
    let status = empty_is_none(q.status.clone());
    let priority = empty_is_none(q.priority.clone());
    let line = empty_is_none(q.line.clone());
    let category = empty_is_none(q.category.clone());
    let query = QueueQuery {
        include_closed: closed,
        organization: organization.map(OrgId),
        assignee: assignee.map(AgentId),
        status: status.clone(),
        priority: priority.clone(),
        line: line.clone(),
        category: category.clone(),
        offset: q.offset,
        limit: Some(50),
        due_before: None,
    };
    let search =
        q.q.as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
    let page = if search.is_empty() {
        s.desk.queue_view(p, view, due, query).await?
    } else {
        s.desk.search(p, &search, q.offset.unwrap_or(0)).await?
    };
    let reg = s.desk.regulation_view(p)?;
    let orgs = s.desk.organizations(p).await?;
    let agents = s.desk.agents(p).await?;
    let org_names: HashMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let agent_names: HashMap<i64, String> = agents
        .iter()
        .map(|a| (a.id.0, a.full_name.clone()))
        .collect();
    let title = |list: &[Named], id: &Option<String>| {
        id.as_deref()
            .map(|i| {
                list.iter()
                    .find(|n| n.id == i)
                    .map_or_else(|| i.to_string(), |n| n.title.clone())
            })
            .unwrap_or_default()
    };
    let rows = page
        .items
        .into_iter()
        .map(|r| Row {
            organization: r
                .organization_id
                .and_then(|o| org_names.get(&o).cloned())
                .unwrap_or_default(),
            priority: title(&reg.priorities, &r.priority),
            status: title(&reg.statuses, &Some(r.status.clone())),
            assignee: r
                .assignee_id
                .and_then(|a| agent_names.get(&a).cloned())
                .unwrap_or_default(),
            row: r,
        })
        .collect();
    let categories: Vec<Named> = s
        .desk
        .regulation()
        .categories
        .iter()
        .map(|c| Named {
            id: c.id.clone(),
            title: c.title.clone(),
        })
        .collect();
    let org_choices: Vec<Named> = orgs
        .iter()
        .map(|o| Named {
            id: o.id.to_string(),
            title: o.name.clone(),
        })
        .collect();
    let agent_choices: Vec<Named> = agents
        .iter()
        .map(|a| Named {
            id: a.id.0.to_string(),
            title: a.full_name.clone(),
        })
        .collect();
    let due_choices = vec![
        Named {
            id: "breached".into(),
            title: ui.t("ui-queue-due-breached"),
        },
        Named {
            id: "today".into(),
            title: ui.t("ui-queue-due-today"),
        },
    ];
    let filters = vec![
        Filter {
            name: "status",
            label: ui.t("ui-field-status"),
            choices: choices(&reg.statuses, &status),
        },
        Filter {
            name: "priority",
            label: ui.t("ui-field-priority"),
            choices: choices(&reg.priorities, &priority),
        },
        Filter {
            name: "line",
            label: ui.t("ui-field-line"),
            choices: choices(&reg.lines, &line),
        },
        Filter {
            name: "organization",
            label: ui.t("ui-field-organization"),
            choices: choices(&org_choices, &organization.map(|o| o.to_string())),
        },
        Filter {
            name: "category",
            label: ui.t("ui-field-category"),
            choices: choices(&categories, &category),
        },
        Filter {
            name: "assignee",
            label: ui.t("ui-field-assignee"),
            choices: choices(&agent_choices, &assignee.map(|a| a.to_string())),
        },
        Filter {
            name: "due",
            label: ui.t("ui-field-due"),
            choices: choices(&due_choices, &q.due),
        },
    ];
    let filtered = filters.iter().any(|f| f.choices.iter().any(|c| c.selected)) || closed;
    let link = |offset: i64| {
        let mut parts = vec![format!("view={}", view.as_str())];
        for f in &filters {
            if let Some(c) = f.choices.iter().find(|c| c.selected) {
                parts.push(format!("{}={}", f.name, urlencode(&c.id)));
            }
        }
        if closed {
            parts.push("closed=1".into());
        }
        if !search.is_empty() {
            parts.push(format!("q={}", urlencode(&search)));
        }
        parts.push(format!("offset={offset}"));
        format!("/queue?{}", parts.join("&"))
    };
    let next = page.next_offset.map(link);
    let prev = (page.offset > 0).then(|| link((page.offset - page.limit).max(0)));
    let here = format!("/queue?view={}", view.as_str());
    Ok(QueuePage {
        chrome: Chrome::new(ui, who, "queue", here),
        view: view.as_str(),
        rows,
        filters,
        closed,
        next,
        prev,
        filtered: filtered || !search.is_empty(),
        q: search,
    })
}
