//! `/m/{token}`: the page a link in mail opens. A completed ticket's message carries links to
//! confirm, object and rate; the signed token in the address acts as the contact the mail went
//! to, on that ticket only, without signing in. A GET only shows the forms — mail scanners
//! follow links — and the action is the form's POST, which carries a form token matched to a
//! cookie, as the sign-in form does.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use reglament_desk::{DeskCommand, Lang, TicketPage};
use serde::Deserialize;

use super::{Chrome, PageError, PageLang, Ui, form_matches, render, with_form_token};
use crate::AppState;

#[derive(Template)]
#[template(path = "mail_link.html")]
struct LinkPage {
    chrome: Chrome,
    p: TicketPage,
    token: String,
    form_token: String,
    /// The action the link named: `confirm`, `object` or `rate`.
    chosen: String,
    stars: u8,
    done: Option<String>,
    error: Option<String>,
}

impl LinkPage {
    fn chosen_stars(&self) -> i64 {
        i64::from(self.stars)
    }
}

#[derive(Deserialize)]
pub struct LinkQuery {
    #[serde(default, rename = "do")]
    action: String,
    stars: Option<u8>,
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    form_token: String,
    #[serde(default)]
    op: String,
    #[serde(default)]
    reason: String,
    stars: Option<String>,
    #[serde(default)]
    comment: String,
}

struct Shown {
    chosen: String,
    stars: u8,
    done: Option<String>,
    error: Option<String>,
    status: StatusCode,
}

async fn show(
    s: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    token: String,
    shown: Shown,
) -> Response {
    let (who, id) = match s.desk.open_mail_link(&token).await {
        Ok(x) => x,
        Err(e) => return PageError::from(e).page(lang),
    };
    let p = match s.desk.ticket_page(who, id, lang).await {
        Ok(p) => p,
        Err(e) => return PageError::from(e).page(lang),
    };
    with_form_token(s, lang, headers, shown.status, |form_token| {
        render(&LinkPage {
            chrome: Chrome::public(Ui { lang }, "", format!("/m/{token}")),
            p,
            token,
            form_token,
            chosen: shown.chosen,
            stars: shown.stars,
            done: shown.done,
            error: shown.error,
        })
    })
}

/// The ticket the link names, with the forms its contact may use now.
pub async fn page(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<LinkQuery>,
) -> Response {
    let shown = Shown {
        chosen: q.action,
        stars: q.stars.filter(|n| (1..=5).contains(n)).unwrap_or(0),
        done: None,
        error: None,
        status: StatusCode::OK,
    };
    show(&s, lang, &headers, token, shown).await
}

/// Confirms, objects or rates as the link's contact.
pub async fn act(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Path(token): Path<String>,
    axum::Form(f): axum::Form<LinkForm>,
) -> Response {
    let ui = Ui { lang };
    let again = |error: String, status: StatusCode| Shown {
        chosen: f.op.clone(),
        stars: 0,
        done: None,
        error: Some(error),
        status,
    };
    if !form_matches(&headers, &f.form_token) {
        let shown = again(ui.t("ui-link-expired-form"), StatusCode::FORBIDDEN);
        return show(&s, lang, &headers, token, shown).await;
    }
    let (who, id) = match s.desk.open_mail_link(&token).await {
        Ok(x) => x,
        Err(e) => return PageError::from(e).page(lang),
    };
    let command = match f.op.as_str() {
        "confirm" => DeskCommand::Confirm,
        "object" => DeskCommand::Object {
            reason: f.reason.clone(),
        },
        "rate" => match f.stars.as_deref().and_then(|n| n.parse().ok()) {
            Some(stars) => DeskCommand::Rate {
                stars,
                comment: Some(f.comment.clone()).filter(|c| !c.trim().is_empty()),
            },
            None => {
                let shown = again(ui.t("ui-form-stars"), StatusCode::UNPROCESSABLE_ENTITY);
                return show(&s, lang, &headers, token, shown).await;
            }
        },
        _ => {
            let shown = again(ui.t("ui-link-unknown-action"), StatusCode::BAD_REQUEST);
            return show(&s, lang, &headers, token, shown).await;
        }
    };
    let shown = match s.desk.act(who, id, command, lang).await {
        Ok(_) => Shown {
            chosen: String::new(),
            stars: 0,
            done: Some(ui.t(&format!("ui-done-{}", f.op))),
            error: None,
            status: StatusCode::OK,
        },
        Err(e) => {
            let status = match &e {
                reglament_desk::DeskError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                reglament_desk::DeskError::Forbidden(_) => StatusCode::FORBIDDEN,
                reglament_desk::DeskError::Conflict(_) => StatusCode::CONFLICT,
                _ => return PageError::from(e).page(lang),
            };
            again(e.render(lang), status)
        }
    };
    show(&s, lang, &headers, token, shown).await
}
