//! The pages: server-rendered HTML for agents, customers and the public, on the same desk
//! calls as the API. Every page is escaped by its template; every form carries the session's
//! CSRF token (the sign-in form a token of its own); no page runs inline script.

mod admin;
mod auth;
mod form;
mod link;
mod original;
mod portal;
mod queue;
mod reports;
mod reset;
pub(crate) mod ticket;

use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use reglament_desk::{DeskError, Lang, Secret, Text};
use reglament_domain::Principal;

use crate::AppState;

/// Every page route, by method and path, as the router below has them: the route × role test
/// requires a row for each.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("POST", "/sign-in"),
    ("POST", "/sign-out"),
    ("GET", "/lang/{lang}"),
    ("GET", "/account"),
    ("POST", "/account/password"),
    ("GET", "/queue"),
    ("GET", "/tickets/{id}"),
    ("POST", "/tickets/{id}/act"),
    ("GET", "/portal"),
    ("GET", "/portal/new"),
    ("POST", "/portal/new"),
    ("GET", "/admin"),
    ("POST", "/admin/organizations"),
    ("GET", "/admin/organizations/{id}"),
    ("POST", "/admin/organizations/{id}"),
    ("POST", "/admin/organizations/{id}/contacts"),
    ("GET", "/admin/agents"),
    ("POST", "/admin/agents"),
    ("POST", "/admin/agents/{id}/active"),
    ("POST", "/admin/contacts/{id}/active"),
    ("GET", "/admin/mail"),
    ("GET", "/admin/mail/{id}/raw"),
    ("POST", "/admin/mail/{id}/{action}"),
    ("GET", "/tickets/{id}/mail/{inbound}"),
    ("GET", "/tickets/{id}/mail/{inbound}/body"),
    ("GET", "/password/forgot"),
    ("POST", "/password/forgot"),
    ("GET", "/password/reset/{token}"),
    ("POST", "/password/reset/{token}"),
    ("GET", "/m/{token}"),
    ("POST", "/m/{token}"),
    ("GET", "/regulation"),
    ("GET", "/events"),
    ("GET", "/static/app.css"),
    ("GET", "/static/app.js"),
    ("GET", "/static/icon.svg"),
    ("GET", "/favicon.ico"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(auth::home))
        .route("/sign-in", post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route("/account", get(auth::account))
        .route("/account/password", post(auth::change_password))
        .route("/lang/{lang}", get(auth::set_lang))
        .route("/queue", get(queue::page))
        .route("/tickets/{id}", get(ticket::page))
        .route(
            "/tickets/{id}/act",
            post(ticket::act).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/portal", get(portal::list))
        .route(
            "/portal/new",
            get(portal::form)
                .post(portal::file)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/admin", get(admin::organizations))
        .route("/admin/organizations", post(admin::create_organization))
        .route(
            "/admin/organizations/{id}",
            get(admin::organization).post(admin::update_organization),
        )
        .route(
            "/admin/organizations/{id}/contacts",
            post(admin::create_contact),
        )
        .route(
            "/admin/agents",
            get(admin::agents).post(admin::create_agent),
        )
        .route("/admin/agents/{id}/active", post(admin::set_agent_active))
        .route(
            "/admin/contacts/{id}/active",
            post(admin::set_contact_active),
        )
        .route("/reports", get(reports::compliance))
        .route("/admin/mail", get(admin::mail))
        .route("/admin/mail/{id}/raw", get(admin::mail_raw))
        .route("/admin/mail/{id}/{action}", post(admin::mail_action))
        .route("/m/{token}", get(link::page).post(link::act))
        .route(
            "/password/forgot",
            get(reset::forgot).post(reset::send_link),
        )
        .route(
            "/password/reset/{token}",
            get(reset::reset_form).post(reset::reset),
        )
        .route("/tickets/{id}/mail/{inbound}", get(original::page))
        .route("/tickets/{id}/mail/{inbound}/body", get(original::body))
        .route("/regulation", get(regulation))
        .route("/events", get(events))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
        .route("/static/icon.svg", get(icon))
        .route("/favicon.ico", get(icon))
        .layer(axum::middleware::from_fn(security_headers))
}

/// Headers on every page: a Content-Security-Policy that allows only this origin's own script
/// and style (no inline script, no CDN), no framing, no MIME sniffing. A handler may set a
/// stricter policy of its own (a mail body in its sandboxed frame).
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    // A handler that set its own policy (a message shown in a frame) keeps it.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    resp
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.js"),
    )
}

async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../static/icon.svg"),
    )
}

/// The reader's language on a page: the language cookie set by the switcher, else
/// `Accept-Language`, else Russian.
#[derive(Clone, Copy, Debug)]
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<PageLang, Self::Rejection> {
        let chosen = cookie(&parts.headers, "reglament_lang").and_then(|v| match v {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        });
        Ok(PageLang(
            chosen.unwrap_or_else(|| crate::lang_of(&parts.headers)),
        ))
    }
}

/// A cookie's value.
pub(crate) fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// The translator every template holds.
#[derive(Clone, Copy, Debug)]
pub struct Ui {
    /// The reader's language.
    pub lang: Lang,
}

impl Ui {
    /// A message in the reader's language.
    pub fn t(&self, id: &str) -> String {
        Text::new(id.to_string()).render(self.lang)
    }

    /// Minutes of work in words: `1 час 30 минут`.
    pub fn minutes(&self, m: &i64) -> String {
        reglament_desk::duration_text(jiff::SignedDuration::from_mins(*m), self.lang)
    }

    /// A number to two decimals with the language's decimal mark: `4,25` in Russian.
    pub fn decimal(&self, x: &f64) -> String {
        let s = format!("{x:.2}");
        match self.lang {
            Lang::Ru => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A share in percent to one decimal, with the language's decimal mark: `92,5` in Russian.
    pub fn percent(&self, p: &f64) -> String {
        let s = format!("{p:.1}");
        match self.lang {
            Lang::Ru => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A message with one number, for plurals.
    pub fn n(&self, id: &str, name: &'static str, value: &i64) -> String {
        Text::new(id.to_string())
            .num(name, *value as f64)
            .render(self.lang)
    }

    /// The language tag for `<html lang>`.
    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// The other language, for the switcher.
    pub fn other(&self) -> &'static str {
        match self.lang {
            Lang::Ru => "en",
            Lang::En => "ru",
        }
    }

    /// The other language's name, written in itself.
    pub fn other_name(&self) -> &'static str {
        match self.lang {
            Lang::Ru => "English",
            Lang::En => "Русский",
        }
    }

    /// `2026-12-01T12:00:00+03:00` as `01.12.2026 12:00`.
    pub fn short(&self, iso: &str) -> String {
        match (
            iso.get(0..4),
            iso.get(5..7),
            iso.get(8..10),
            iso.get(11..16),
        ) {
            (Some(y), Some(m), Some(d), Some(t)) => format!("{d}.{m}.{y} {t}"),
            _ => iso.to_string(),
        }
    }

    /// A file size for reading: `70 Б`, `2,5 МБ`.
    pub fn size(&self, bytes: &u64) -> String {
        reglament_desk::format_size(*bytes)
    }

    /// Working time in words, or a dash.
    pub fn left(&self, seconds: &Option<i64>) -> String {
        seconds.map_or_else(|| "—".to_string(), |s| self.left_secs(&s))
    }

    /// Working time in words; time overdue without its minus sign.
    pub fn left_secs(&self, seconds: &i64) -> String {
        reglament_desk::duration_text(jiff::SignedDuration::from_secs(seconds.abs()), self.lang)
    }
}

/// Who is signed in on a page, with the CSRF token for its forms.
pub struct Signed {
    /// The principal.
    pub principal: Principal,
    /// The session token, for re-checking a change.
    pub token: Secret,
    /// The session's CSRF token, put into every form.
    pub csrf: String,
    /// The name shown in the header.
    pub name: String,
}

impl Signed {
    /// Whether this is staff, who work in the queue, rather than a customer on the portal.
    pub fn staff(&self) -> bool {
        !self.principal.is_customer()
    }

    /// The principal, after the desk has checked the CSRF token a form sent.
    pub async fn for_change(&self, s: &AppState, csrf: &str) -> Result<Principal, PageError> {
        Ok(s.desk
            .authenticate_session(&self.token, true, Some(csrf))
            .await?)
    }
}

/// The session, or a redirect to the sign-in page that comes back here.
impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Signed, Response> {
        let back = || {
            let next = parts
                .uri
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            Redirect::to(&format!("/?next={}", form::urlencode(&next))).into_response()
        };
        let Some(token) = crate::session_cookie(&parts.headers) else {
            return Err(back());
        };
        match s.desk.session(&token).await {
            Ok((principal, csrf)) => {
                let name = s.desk.display_name(principal).await.unwrap_or_default();
                Ok(Signed {
                    principal,
                    token,
                    csrf: csrf.expose().to_string(),
                    name,
                })
            }
            Err(DeskError::Unauthorized) => Err(back()),
            Err(e) => {
                let lang = PageLang::from_request_parts(parts, s)
                    .await
                    .map_or(Lang::Ru, |l| l.0);
                Err(PageError::from(e).page(lang))
            }
        }
    }
}

/// The header every signed-in page shows.
pub struct Chrome {
    /// The translator.
    pub ui: Ui,
    /// The signed-in person's name.
    pub name: String,
    /// Staff or customer.
    pub staff: bool,
    /// The CSRF token for the sign-out form.
    pub csrf: String,
    /// Which section is current: `queue`, `portal`, `new`, `regulation`.
    pub section: &'static str,
    /// Where the language switcher comes back to.
    pub here: String,
}

impl Chrome {
    /// The header for a signed-in reader.
    pub fn new(ui: Ui, who: &Signed, section: &'static str, here: impl Into<String>) -> Chrome {
        Chrome {
            ui,
            name: who.name.clone(),
            staff: who.staff(),
            csrf: who.csrf.clone(),
            section,
            here: here.into(),
        }
    }

    /// The header for the public.
    pub fn public(ui: Ui, section: &'static str, here: impl Into<String>) -> Chrome {
        Chrome {
            ui,
            name: String::new(),
            staff: false,
            csrf: String::new(),
            section,
            here: here.into(),
        }
    }

    /// Whether someone is signed in.
    pub fn signed_in(&self) -> bool {
        !self.name.is_empty() || !self.csrf.is_empty()
    }

    /// The switcher's link.
    pub fn switch_lang(&self) -> String {
        format!(
            "/lang/{}?back={}",
            self.ui.other(),
            form::urlencode(&self.here)
        )
    }

    /// The class of a navigation link.
    pub fn current(&self, section: &str) -> &'static str {
        if self.section == section {
            "page"
        } else {
            "false"
        }
    }
}

/// A page that could not be shown: the desk's refusal, rendered as a page.
#[derive(Debug)]
pub enum PageError {
    /// A desk refusal.
    Desk(DeskError),
    /// A request the page could not read.
    Bad(Text),
}

impl From<DeskError> for PageError {
    fn from(e: DeskError) -> PageError {
        PageError::Desk(e)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    title: String,
    message: String,
}

impl PageError {
    /// The error as a page in a language.
    pub fn page(self, lang: Lang) -> Response {
        let ui = Ui { lang };
        let (status, title, message) = match self {
            PageError::Desk(e) => {
                let status = match &e {
                    DeskError::NotFound => StatusCode::NOT_FOUND,
                    DeskError::Unauthorized => StatusCode::UNAUTHORIZED,
                    DeskError::Forbidden(_) => StatusCode::FORBIDDEN,
                    DeskError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    DeskError::Conflict(_) => StatusCode::CONFLICT,
                    DeskError::Busy | DeskError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                    DeskError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
                    DeskError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
                };
                crate::error::log_server_error(&e);
                let title = match status {
                    StatusCode::NOT_FOUND => ui.t("ui-error-not-found"),
                    StatusCode::FORBIDDEN => ui.t("ui-error-forbidden"),
                    StatusCode::SERVICE_UNAVAILABLE => ui.t("ui-error-unavailable"),
                    _ => ui.t("ui-error-title"),
                };
                let message = match &e {
                    DeskError::Internal(_) => ui.t("ui-error-internal"),
                    DeskError::NotFound => ui.t("ui-error-not-found-text"),
                    DeskError::Unauthorized => ui.t("ui-error-signed-out"),
                    DeskError::Busy | DeskError::Unavailable(_) => {
                        ui.t("ui-error-unavailable-text")
                    }
                    other => other.render(lang),
                };
                (status, title, message)
            }
            PageError::Bad(t) => (
                StatusCode::BAD_REQUEST,
                ui.t("ui-error-title"),
                t.render(lang),
            ),
        };
        let page = ErrorPage {
            chrome: Chrome::public(ui, "", "/"),
            title,
            message,
        };
        let mut response = (status, render(&page)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

/// A template rendered, or a plain error if the template itself fails.
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// Server-sent events for live pages: `ticket` with a ticket's id when it changes (a customer
/// hears only of their organization's), `refresh` when too many changed to say which.
async fn events(State(s): State<AppState>, PageLang(lang): PageLang, who: Signed) -> Response {
    use axum::response::sse::{Event, KeepAlive, Sse};
    use futures_util::StreamExt;
    match s.desk.changes(who.principal) {
        Ok(changes) => {
            let events = changes.map(|c| {
                Ok::<_, std::convert::Infallible>(match c {
                    Some(id) => Event::default().event("ticket").data(id.0.to_string()),
                    None => Event::default().event("refresh").data("*"),
                })
            });
            Sse::new(events)
                .keep_alive(KeepAlive::default())
                .into_response()
        }
        Err(e) => PageError::from(e).page(lang),
    }
}

#[derive(Template)]
#[template(path = "regulation.html")]
struct RegulationPage {
    chrome: Chrome,
    name: String,
    document: String,
}

/// The public regulation page: the document rendered from the configuration that is
/// enforced, at a stable address, with no sign-in.
async fn regulation(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    headers: axum::http::HeaderMap,
) -> Response {
    let ui = Ui { lang };
    // Signed in or not, the page is the same; a signed-in reader keeps the header's sections.
    let signed = match crate::session_cookie(&headers) {
        Some(token) => match s.desk.session(&token).await {
            Ok((principal, csrf)) => Some(Signed {
                principal,
                name: s.desk.display_name(principal).await.unwrap_or_default(),
                csrf: csrf.expose().to_string(),
                token,
            }),
            Err(_) => None,
        },
        None => None,
    };
    let chrome = match &signed {
        Some(who) => Chrome::new(ui, who, "regulation", "/regulation"),
        None => Chrome::public(ui, "regulation", "/regulation"),
    };
    render(&RegulationPage {
        chrome,
        name: s.desk.regulation().name.clone(),
        document: s.desk.published_regulation(),
    })
}

/// A page for a visitor who is not signed in, with a fresh form token in its form and the
/// `reglament_form` cookie it must match when the form comes back (sign-in, mail links,
/// password reset).
pub(crate) fn with_form_token(
    s: &crate::AppState,
    lang: reglament_desk::Lang,
    headers: &axum::http::HeaderMap,
    status: StatusCode,
    page: impl FnOnce(String) -> Response,
) -> Response {
    let token = match s.desk.form_token() {
        Ok(t) => t,
        Err(e) => return PageError::from(e).page(lang),
    };
    let cookie = format!(
        "reglament_form={}; {}; Max-Age=3600",
        token.expose(),
        crate::cookie_attributes(headers)
    );
    let mut resp = page(token.expose().to_string());
    *resp.status_mut() = status;
    if let Ok(v) = cookie.parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

/// Whether a form's token matches the `reglament_form` cookie its page set.
pub(crate) fn form_matches(headers: &axum::http::HeaderMap, token: &str) -> bool {
    !token.is_empty() && cookie(headers, "reglament_form") == Some(token)
}
