//! Signing in and out, and the language switch. `/` is the sign-in page for agents and
//! customers alike; a signed-in visitor goes on to the queue or the portal.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use reglament_desk::{DeskError, Secret};
use serde::Deserialize;

use super::form::{local_path, urlencode};
use super::{Chrome, PageError, PageLang, Ui, form_matches, render, with_form_token};
use crate::{AppState, cookie_attributes};

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    form_token: String,
    email: String,
    next: String,
    error: Option<String>,
    regulation: String,
}

#[derive(Deserialize)]
pub struct HomeQuery {
    next: Option<String>,
}

fn landing(principal: reglament_domain::Principal) -> &'static str {
    if principal.is_customer() {
        "/portal"
    } else {
        "/queue"
    }
}

/// The sign-in page, or on to the queue or the portal for a live session.
pub async fn home(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Query(q): Query<HomeQuery>,
) -> Response {
    if let Some(token) = crate::session_cookie(&headers)
        && let Ok((p, _)) = s.desk.session(&token).await
    {
        let to = local_path(q.next.as_deref()).unwrap_or(landing(p));
        return Redirect::to(to).into_response();
    }
    sign_in_page(
        &s,
        lang,
        &headers,
        String::new(),
        q.next,
        None,
        StatusCode::OK,
    )
}

fn sign_in_page(
    s: &AppState,
    lang: reglament_desk::Lang,
    headers: &HeaderMap,
    email: String,
    next: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let ui = Ui { lang };
    let next = local_path(next.as_deref()).unwrap_or("").to_string();
    let here = if next.is_empty() {
        "/".to_string()
    } else {
        format!("/?next={}", urlencode(&next))
    };
    let regulation = s.desk.regulation().name.clone();
    with_form_token(s, lang, headers, status, |form_token| {
        render(&SignInPage {
            chrome: Chrome::public(ui, "sign-in", here),
            form_token,
            email,
            next,
            error,
            regulation,
        })
    })
}

#[derive(Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
    form_token: String,
    #[serde(default)]
    next: String,
}

/// Signs in from the form: the form's token must match its cookie, then the desk checks the
/// password. A refusal shows the form again with the email kept.
pub async fn sign_in(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    axum::Form(f): axum::Form<SignInForm>,
) -> Response {
    let ui = Ui { lang };
    let from = crate::client_address(&s, &headers, &extensions);
    let next = Some(f.next.clone()).filter(|n| !n.is_empty());
    if !form_matches(&headers, &f.form_token) {
        return sign_in_page(
            &s,
            lang,
            &headers,
            f.email,
            next,
            Some(ui.t("ui-sign-in-expired")),
            StatusCode::FORBIDDEN,
        );
    }
    match s
        .desk
        .sign_in_from(&f.email, Secret::new(f.password), from)
        .await
    {
        Ok(signed) => {
            let attrs = cookie_attributes(&headers);
            let session = format!(
                "reglament_session={}; {attrs}; Max-Age={}",
                signed.token.expose(),
                reglament_desk::SESSION_TTL.as_secs()
            );
            let used = format!("reglament_form=; {attrs}; Max-Age=0");
            let to = local_path(next.as_deref())
                .unwrap_or(landing(signed.principal))
                .to_string();
            let mut resp = Redirect::to(&to).into_response();
            for c in [session, used] {
                if let Ok(v) = c.parse() {
                    resp.headers_mut().append(header::SET_COOKIE, v);
                }
            }
            resp
        }
        Err(DeskError::Unauthorized) => {
            s.metrics.sign_in_failed();
            sign_in_page(
                &s,
                lang,
                &headers,
                f.email,
                next,
                Some(ui.t("ui-sign-in-wrong")),
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(DeskError::TooManyAttempts(after)) => sign_in_page(
            &s,
            lang,
            &headers,
            f.email,
            next,
            Some(
                reglament_desk::Text::new("http-too-many-attempts")
                    .num("minutes", after.div_ceil(60) as f64)
                    .render(lang),
            ),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(DeskError::Busy) => sign_in_page(
            &s,
            lang,
            &headers,
            f.email,
            next,
            Some(ui.t("ui-sign-in-busy")),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        Err(e) => PageError::from(e).page(lang),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Signs out: a change like any other, so it needs the session's CSRF token.
pub async fn sign_out(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    axum::Form(f): axum::Form<CsrfForm>,
) -> Response {
    if let Some(t) = crate::session_cookie(&headers) {
        match s.desk.authenticate_session(&t, true, Some(&f.csrf)).await {
            Ok(_) | Err(DeskError::Unauthorized) => {
                if let Err(e) = s.desk.sign_out(&t).await {
                    return PageError::from(e).page(lang);
                }
            }
            Err(e) => return PageError::from(e).page(lang),
        }
    }
    let gone = format!(
        "reglament_session=; {}; Max-Age=0",
        cookie_attributes(&headers)
    );
    ([(header::SET_COOKIE, gone)], Redirect::to("/")).into_response()
}

#[derive(Deserialize)]
pub struct LangQuery {
    back: Option<String>,
}

/// Switches the pages' language and goes back.
pub async fn set_lang(
    Path(lang): Path<String>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    if !matches!(lang.as_str(), "ru" | "en") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let back = local_path(q.back.as_deref()).unwrap_or("/").to_string();
    let cookie = format!(
        "reglament_lang={lang}; {}; Max-Age=31536000",
        cookie_attributes(&headers)
    );
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

#[derive(askama::Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: super::Chrome,
    csrf: String,
    done: bool,
    error: Option<String>,
    problems: std::collections::BTreeMap<String, String>,
    min_password: i64,
}

impl AccountPage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems.get(field).map(String::as_str)
    }
}

#[derive(Deserialize)]
pub struct AccountQuery {
    done: Option<String>,
}

fn account_page(
    lang: reglament_desk::Lang,
    who: &super::Signed,
    done: bool,
    problems: std::collections::BTreeMap<String, String>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let page = AccountPage {
        chrome: super::Chrome::new(Ui { lang }, who, "account", "/account"),
        csrf: who.csrf.clone(),
        done,
        error,
        problems,
        min_password: reglament_desk::MIN_PASSWORD as i64,
    };
    (status, super::render(&page)).into_response()
}

/// The signed-in person's own password: a form to change it.
pub async fn account(
    PageLang(lang): PageLang,
    who: super::Signed,
    axum::extract::Query(q): axum::extract::Query<AccountQuery>,
) -> Response {
    account_page(
        lang,
        &who,
        q.done.is_some(),
        Default::default(),
        None,
        StatusCode::OK,
    )
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current_password: String,
    new_password: String,
}

/// Changes the signed-in person's own password; their other sessions end, this one stays.
pub async fn change_password(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: super::Signed,
    axum::Form(f): axum::Form<PasswordForm>,
) -> Response {
    let p = match who.for_change(&s, &f.csrf).await {
        Ok(p) => p,
        Err(e) => return e.page(lang),
    };
    match s
        .desk
        .change_password(
            p,
            &who.token,
            Secret::new(f.current_password),
            f.new_password,
        )
        .await
    {
        Ok(()) => Redirect::to("/account?done=1").into_response(),
        Err(DeskError::Invalid(list)) => {
            let problems = list
                .into_iter()
                .map(|p| (p.field, p.text.render(lang)))
                .collect();
            account_page(
                lang,
                &who,
                false,
                problems,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => PageError::from(e).page(lang),
    }
}
