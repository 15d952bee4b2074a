//! A message on a ticket as it came, for staff: `/tickets/{id}/mail/{inbound}` shows who wrote to
//! whom, the files, the whole text (the journal keeps only the new part) and the HTML in a
//! sandboxed frame from `…/body`. Remote images in the HTML load only when an agent asks
//! (`?images=1`): until then the frame's Content-Security-Policy allows images from nowhere
//! but the message itself, so opening a message tells its sender nothing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use reglament_desk::MailOriginal;
use reglament_domain::TicketId;
use serde::Deserialize;

use super::{Chrome, PageError, PageLang, Signed, Ui, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "mail_original.html")]
struct OriginalPage {
    chrome: Chrome,
    ticket: i64,
    m: MailOriginal,
    images: bool,
}

#[derive(Deserialize)]
pub struct Images {
    #[serde(default)]
    images: u8,
}

/// The message's page.
pub async fn page(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path((id, inbound)): Path<(i64, i64)>,
    Query(q): Query<Images>,
) -> Response {
    match s
        .desk
        .mail_original(who.principal, TicketId(id), inbound)
        .await
    {
        Ok(m) => {
            let page = OriginalPage {
                chrome: Chrome::new(
                    Ui { lang },
                    &who,
                    "queue",
                    format!("/tickets/{id}/mail/{inbound}"),
                ),
                ticket: id,
                m,
                images: q.images == 1,
            };
            let mut resp = render(&page);
            // The page's own policy, with its one frame: the message body from this site.
            resp.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                ),
            );
            resp
        }
        Err(e) => PageError::from(e).page(lang),
    }
}

/// The message's sanitized HTML alone, for the frame: no script, no forms, and remote images
/// only when asked for.
pub async fn body(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path((id, inbound)): Path<(i64, i64)>,
    Query(q): Query<Images>,
) -> Response {
    match s
        .desk
        .mail_original(who.principal, TicketId(id), inbound)
        .await
    {
        Ok(m) => {
            let images = if q.images == 1 {
                "img-src data: cid: https: http:"
            } else {
                "img-src data: cid:"
            };
            let policy = format!(
                "default-src 'none'; style-src 'unsafe-inline'; {images}; frame-ancestors 'self'; sandbox"
            );
            let mut resp = (
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                m.html.unwrap_or_default(),
            )
                .into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_str(&policy).expect("an ASCII policy"),
            );
            h.insert(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("SAMEORIGIN"),
            );
            h.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            resp
        }
        Err(e) => PageError::from(e).page(lang),
    }
}
