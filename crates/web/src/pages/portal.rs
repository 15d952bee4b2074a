//! The customer portal: the organization's tickets, and filing a new one on the form the
//! regulation asks for, with attachments under its policy. Staff work in the queue and are
//! sent there.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use reglament_desk::{DeskError, IntakeForm, Lang, Named, QueueQuery, QueueRow, Request, Via};
use serde::Deserialize;

use super::form::Posted;
use super::{Chrome, PageError, PageLang, Signed, Ui, render};
use crate::AppState;

/// A ticket row with its status's title.
pub struct Row {
    pub row: QueueRow,
    pub status: String,
}

#[derive(Template)]
#[template(path = "portal.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    closed: bool,
    next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListParams {
    closed: Option<String>,
    offset: Option<i64>,
}

/// The organization's tickets, open ones by default.
pub async fn list(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Query(q): Query<ListParams>,
) -> Response {
    if who.staff() {
        return Redirect::to("/queue").into_response();
    }
    let ui = Ui { lang };
    let closed = q.closed.as_deref() == Some("1");
    let query = QueueQuery {
        include_closed: closed,
        offset: q.offset,
        ..QueueQuery::default()
    };
    let page = match s.desk.queue(who.principal, query).await {
        Ok(p) => p,
        Err(e) => return PageError::from(e).page(lang),
    };
    let statuses = &s.desk.regulation().statuses;
    let rows = page
        .items
        .into_iter()
        .map(|r| Row {
            status: statuses
                .iter()
                .find(|x| x.id == r.status)
                .map_or_else(|| r.status.clone(), |x| x.title.clone()),
            row: r,
        })
        .collect();
    let next = page.next_offset.map(|o| {
        format!(
            "/portal?offset={o}{}",
            if closed { "&closed=1" } else { "" }
        )
    });
    render(&ListPage {
        chrome: Chrome::new(ui, &who, "portal", "/portal"),
        rows,
        closed,
        next,
    })
}

#[derive(Template)]
#[template(path = "new_ticket.html")]
struct FormPage {
    chrome: Chrome,
    form: IntakeForm,
    values: BTreeMap<String, String>,
    problems: BTreeMap<String, String>,
    error: Option<String>,
    csrf: String,
    max_upload: String,
}

impl FormPage {
    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn problem(&self, name: &str) -> Option<String> {
        self.problems.get(name).cloned()
    }

    fn chosen(&self, name: &str, id: &str) -> bool {
        self.values.get(name).is_some_and(|v| v == id)
    }

    fn categories(&self) -> &[Named] {
        &self.form.categories
    }

    fn category_title(&self, id: &Option<String>) -> String {
        match id {
            None => self.chrome.ui.t("ui-new-no-category"),
            Some(id) => self
                .form
                .categories
                .iter()
                .find(|c| &c.id == id)
                .map_or_else(|| id.clone(), |c| c.title.clone()),
        }
    }
}

async fn form_page(
    s: &AppState,
    lang: Lang,
    who: &Signed,
    values: BTreeMap<String, String>,
    problems: BTreeMap<String, String>,
    error: Option<String>,
) -> Response {
    let ui = Ui { lang };
    match s.desk.intake_form(who.principal, lang).await {
        Ok(form) => {
            let status = if problems.is_empty() && error.is_none() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let max_upload = reglament_desk::format_size(form.upload_cap);
            let page = FormPage {
                chrome: Chrome::new(ui, who, "new", "/portal/new"),
                form,
                values,
                problems,
                error,
                csrf: who.csrf.clone(),
                max_upload,
            };
            (status, render(&page)).into_response()
        }
        Err(e) => PageError::from(e).page(lang),
    }
}

/// The filing form.
pub async fn form(State(s): State<AppState>, PageLang(lang): PageLang, who: Signed) -> Response {
    if who.staff() {
        return Redirect::to("/queue").into_response();
    }
    form_page(&s, lang, &who, BTreeMap::new(), BTreeMap::new(), None).await
}

/// Files a ticket from the form, then attaches its files. A refusal shows the form again with
/// every problem beside its field and everything typed kept; files must be chosen again, as a
/// browser never refills a file input.
pub async fn file(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    multipart: Multipart,
) -> Response {
    if who.staff() {
        return Redirect::to("/queue").into_response();
    }
    let f = match Posted::read(multipart, s.desk.upload_cap()).await {
        Ok(f) => f,
        Err(PageError::Bad(t)) => {
            return form_page(
                &s,
                lang,
                &who,
                BTreeMap::new(),
                BTreeMap::new(),
                Some(t.render(lang)),
            )
            .await;
        }
        Err(e) => return e.page(lang),
    };
    let p = match who.for_change(&s, &f.text("csrf")).await {
        Ok(p) => p,
        Err(e) => return e.page(lang),
    };
    let mut values = f.fields.clone();
    values.remove("csrf");
    let fields: BTreeMap<String, String> = f
        .fields
        .iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("field_")?;
            (!v.trim().is_empty()).then(|| (id.to_string(), v.trim().to_string()))
        })
        .collect();
    let request = Request {
        subject: f.text("subject"),
        description: f.text("description"),
        category: f.get("category").map(str::to_string),
        channel: None,
        organization: None,
        contact: None,
        fields,
        via: Via::Portal,
        inbound: None,
    };
    let ticket = match s.desk.open_ticket(p, request, lang).await {
        Ok(t) => t,
        Err(DeskError::Invalid(problems)) => {
            let mut by_field = BTreeMap::new();
            let mut general = Vec::new();
            for pr in problems {
                let known = ["subject", "description", "category"].contains(&pr.field.as_str())
                    || f.fields.contains_key(&format!("field_{}", pr.field));
                let text = pr.text.render(lang);
                if known {
                    let key = if ["subject", "description", "category"].contains(&pr.field.as_str())
                    {
                        pr.field.clone()
                    } else {
                        format!("field_{}", pr.field)
                    };
                    by_field.insert(key, text);
                } else {
                    general.push(text);
                }
            }
            let error = (!general.is_empty()).then(|| general.join(" "));
            return form_page(&s, lang, &who, values, by_field, error).await;
        }
        Err(e @ (DeskError::Forbidden(_) | DeskError::Conflict(_))) => {
            let msg = e.render(lang);
            return form_page(&s, lang, &who, values, BTreeMap::new(), Some(msg)).await;
        }
        Err(e) => return PageError::from(e).page(lang),
    };
    if !f.files.is_empty()
        && let Err(e) = s
            .desk
            .attach(p, reglament_domain::TicketId(ticket.id), f.files.clone())
            .await
    {
        // The ticket is filed; its page says so and why the files were not taken.
        let msg = e.render(lang);
        return super::ticket::show(
            &s,
            lang,
            &who,
            ticket.id,
            Some(msg),
            None,
            String::new(),
            String::new(),
        )
        .await;
    }
    Redirect::to(&format!("/tickets/{}?done=filed", ticket.id)).into_response()
}
