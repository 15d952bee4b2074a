//! A forgotten password: `/password/forgot` asks for the address and sends a link (the page says
//! the same whether or not the address is an account's), and `/password/reset/{token}` sets a
//! new password by that link. Both forms carry a form token matched to a cookie, as the sign-in
//! form does, since their visitor is not signed in.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use reglament_desk::{DeskError, Lang};
use serde::Deserialize;

use super::{Chrome, PageError, PageLang, Ui, form_matches, render, with_form_token};
use crate::AppState;

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    chrome: Chrome,
    form_token: String,
    sent: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    chrome: Chrome,
    form_token: String,
    token: String,
    done: bool,
    error: Option<String>,
}

fn forgot_page(
    s: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    status: StatusCode,
    sent: bool,
    error: Option<String>,
) -> Response {
    with_form_token(s, lang, headers, status, |form_token| {
        render(&ForgotPage {
            chrome: Chrome::public(Ui { lang }, "sign-in", "/password/forgot"),
            form_token,
            sent,
            error,
        })
    })
}

/// The form asking for the address.
pub async fn forgot(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
) -> Response {
    forgot_page(&s, lang, &headers, StatusCode::OK, false, None)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    form_token: String,
}

/// Sends the link, if the address is an account's, and says the same either way.
pub async fn send_link(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    axum::Form(f): axum::Form<ForgotForm>,
) -> Response {
    let ui = Ui { lang };
    if !form_matches(&headers, &f.form_token) {
        let error = Some(ui.t("ui-sign-in-expired"));
        return forgot_page(&s, lang, &headers, StatusCode::FORBIDDEN, false, error);
    }
    match s.desk.request_password_reset(&f.email).await {
        Ok(()) => forgot_page(&s, lang, &headers, StatusCode::OK, true, None),
        Err(e) => PageError::from(e).page(lang),
    }
}

fn reset_page(
    s: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    token: String,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    with_form_token(s, lang, headers, status, |form_token| {
        render(&ResetPage {
            chrome: Chrome::public(Ui { lang }, "sign-in", "/password/forgot"),
            form_token,
            token,
            done: false,
            error,
        })
    })
}

/// The new-password form, while the link works.
pub async fn reset_form(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match s.desk.reset_link_account(&token).await {
        Ok(_) => reset_page(&s, lang, &headers, token, StatusCode::OK, None),
        Err(e) => PageError::from(e).page(lang),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
    #[serde(default)]
    form_token: String,
}

/// Sets the new password; every session of the account ends.
pub async fn reset(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Path(token): Path<String>,
    axum::Form(f): axum::Form<ResetForm>,
) -> Response {
    let ui = Ui { lang };
    if !form_matches(&headers, &f.form_token) {
        let error = Some(ui.t("ui-sign-in-expired"));
        return reset_page(&s, lang, &headers, token, StatusCode::FORBIDDEN, error);
    }
    if f.new_password != f.repeat_password {
        let error = Some(ui.t("ui-reset-mismatch"));
        return reset_page(
            &s,
            lang,
            &headers,
            token,
            StatusCode::UNPROCESSABLE_ENTITY,
            error,
        );
    }
    match s.desk.reset_password(&token, f.new_password).await {
        Ok(_) => render(&ResetPage {
            chrome: Chrome::public(ui, "sign-in", "/"),
            form_token: String::new(),
            token: String::new(),
            done: true,
            error: None,
        }),
        Err(DeskError::Invalid(problems)) => {
            let error = problems.first().map(|p| p.text.render(lang));
            reset_page(
                &s,
                lang,
                &headers,
                token,
                StatusCode::UNPROCESSABLE_ENTITY,
                error,
            )
        }
        Err(e) => PageError::from(e).page(lang),
    }
}
