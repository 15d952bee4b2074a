//! The ticket page, for agents and customers alike: the journal as a timeline, the customer
//! card, the SLA clocks with their explanations, and the forms for what the reader may do.
//! Every form posts to one address with its `op`; the desk decides whether it is allowed.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use reglament_desk::{Acted, DeskCommand, DeskError, Lang, Text, TicketPage};
use reglament_domain::{AgentId, TicketId};
use serde::Deserialize;

use super::form::Posted;
use super::{Chrome, PageError, PageLang, Signed, Ui, render};
use crate::AppState;

#[derive(Template)]
#[template(path = "ticket.html")]
struct Page {
    chrome: Chrome,
    p: TicketPage,
    error: Option<String>,
    done: Option<String>,
    /// What the reader had typed into the form that failed, to show it again.
    draft: String,
    draft_op: String,
    staff: bool,
    csrf: String,
}

impl Page {
    fn clock_class(&self, c: &reglament_desk::ClockView) -> &'static str {
        match c.state.as_str() {
            "breached" => "breached",
            "met" => "met",
            "running" if c.remaining_seconds <= 0 => "breached",
            "running" if c.warning => "warning",
            "paused" => "paused",
            _ => "ok",
        }
    }

    fn stars(&self) -> i64 {
        i64::from(self.p.ticket.stars.unwrap_or(0))
    }

    fn is_assignee(&self, id: &str) -> bool {
        self.p
            .ticket
            .assignee_id
            .is_some_and(|a| a.to_string() == id)
    }

    fn same(&self, current: &Option<String>, id: &str) -> bool {
        current.as_deref() == Some(id)
    }

    fn clock_state(&self, state: &str) -> String {
        self.chrome.ui.t(&format!("ui-clock-{state}"))
    }
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// The ticket page. Another organization's ticket is "not found", exactly as a missing one.
pub async fn page(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
    Query(d): Query<Done>,
) -> Response {
    let done = d.done.as_deref().and_then(|op| {
        (OPS.contains(&op) || op == "filed").then(|| Ui { lang }.t(&format!("ui-done-{op}")))
    });
    show(&s, lang, &who, id, None, done, String::new(), String::new()).await
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn show(
    s: &AppState,
    lang: Lang,
    who: &Signed,
    id: i64,
    error: Option<String>,
    done: Option<String>,
    draft: String,
    draft_op: String,
) -> Response {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    show_with(s, lang, who, id, status, error, done, draft, draft_op).await
}

#[allow(clippy::too_many_arguments)]
async fn show_with(
    s: &AppState,
    lang: Lang,
    who: &Signed,
    id: i64,
    status: StatusCode,
    error: Option<String>,
    done: Option<String>,
    draft: String,
    draft_op: String,
) -> Response {
    let ui = Ui { lang };
    match s.desk.ticket_page(who.principal, TicketId(id), lang).await {
        Ok(p) => {
            let section = if who.staff() { "queue" } else { "portal" };
            let page = Page {
                chrome: Chrome::new(ui, who, section, format!("/tickets/{id}")),
                p,
                error,
                done,
                draft,
                draft_op,
                staff: who.staff(),
                csrf: who.csrf.clone(),
            };
            (status, render(&page)).into_response()
        }
        Err(e) => PageError::from(e).page(lang),
    }
}

/// Every `op` a ticket form can send.
pub const OPS: &[&str] = &[
    "reply",
    "note",
    "status",
    "priority",
    "level",
    "assign",
    "hand_over",
    "extend",
    "log_time",
    "confirm",
    "object",
    "rate",
    "reopen",
    "merge",
    "attach",
];

fn required(f: &Posted, name: &str) -> Result<String, Text> {
    f.get(name)
        .map(str::to_string)
        .ok_or_else(|| Text::new("ui-form-required").arg("field", name.to_string()))
}

/// The command a form sends.
fn command(f: &Posted) -> Result<Option<DeskCommand>, Text> {
    let op = f.get("op").unwrap_or("");
    Ok(Some(match op {
        "reply" => DeskCommand::Reply {
            body: f.text("body"),
            public: true,
        },
        "note" => DeskCommand::Note {
            body: f.text("body"),
        },
        "status" => DeskCommand::Status {
            status: required(f, "status")?,
            reason: f.get("reason").map(str::to_string),
        },
        "priority" => DeskCommand::Priority {
            priority: required(f, "priority")?,
            reason: f.text("reason"),
        },
        "level" => DeskCommand::Level {
            level: required(f, "level")?,
            reason: f.text("reason"),
        },
        "assign" => DeskCommand::Assign {
            assignee: AgentId(
                required(f, "assignee")?
                    .parse()
                    .map_err(|_| Text::new("ui-form-required").arg("field", "assignee"))?,
            ),
        },
        "hand_over" => DeskCommand::HandOver {
            line: required(f, "line")?,
        },
        "extend" => DeskCommand::Extend {
            target: required(f, "target")?,
            by: required(f, "by")?,
            reason: f.text("reason"),
        },
        "log_time" => DeskCommand::LogTime {
            activity: required(f, "activity")?,
            minutes: required(f, "minutes")?
                .parse()
                .map_err(|_| Text::new("ui-form-minutes"))?,
            seconds: match f.get("seconds") {
                None => 0,
                Some(v) => v.parse().map_err(|_| Text::new("ui-form-seconds"))?,
            },
            started: f.get("started").map(str::to_string),
            description: f.text("description"),
        },
        "confirm" => DeskCommand::Confirm,
        "object" => DeskCommand::Object {
            reason: f.text("reason"),
        },
        "rate" => DeskCommand::Rate {
            stars: required(f, "stars")?
                .parse()
                .map_err(|_| Text::new("ui-form-stars"))?,
            comment: f.get("comment").map(str::to_string),
        },
        "reopen" => DeskCommand::Reopen {
            reason: f.text("reason"),
        },
        "merge" => DeskCommand::MergeInto {
            ticket: TicketId(0),
        },
        "link" => DeskCommand::Link {
            ticket: TicketId(0),
            relation: reglament_domain::Relation::Related,
        },
        "split" => DeskCommand::Split {
            subject: required(f, "subject")?,
            description: f.text("description"),
        },
        "attach" => return Ok(None),
        other => return Err(Text::new("ui-form-unknown-op").arg("op", other.to_string())),
    }))
}

/// Runs what a form asks on a ticket, after the desk has checked the form's CSRF token. Files
/// sent with a reply or on their own are attached first. Success goes back to the page (or to
/// the ticket that carries on); a refusal shows the page again with the reason and the text
/// the reader typed.
pub async fn act(
    State(s): State<AppState>,
    PageLang(lang): PageLang,
    who: Signed,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let f = match Posted::read(multipart, s.desk.upload_cap()).await {
        Ok(f) => f,
        Err(PageError::Bad(t)) => {
            return show(
                &s,
                lang,
                &who,
                id,
                Some(t.render(lang)),
                None,
                String::new(),
                String::new(),
            )
            .await;
        }
        Err(e) => return e.page(lang),
    };
    let p = match who.for_change(&s, &f.text("csrf")).await {
        Ok(p) => p,
        Err(e) => return e.page(lang),
    };
    let op = f.get("op").unwrap_or("").to_string();
    let fail = |status: StatusCode, msg: String| {
        let draft = f.text("body");
        let op = op.clone();
        let s = s.clone();
        let who = &who;
        async move { show_with(&s, lang, who, id, status, Some(msg), None, draft, op).await }
    };
    let mut cmd = match command(&f) {
        Ok(c) => c,
        Err(t) => return fail(StatusCode::UNPROCESSABLE_ENTITY, t.render(lang)).await,
    };
    // Merge and link name the other ticket as people know it: by its number.
    if let Some(DeskCommand::MergeInto { ticket } | DeskCommand::Link { ticket, .. }) = &mut cmd {
        let named = f.text("ticket");
        match s.desk.find_ticket(p, &named).await {
            Ok(t) => *ticket = t,
            Err(DeskError::NotFound) => {
                let msg = Text::new("ui-form-no-such-ticket")
                    .arg("ticket", named)
                    .render(lang);
                return fail(StatusCode::UNPROCESSABLE_ENTITY, msg).await;
            }
            Err(e) => return refusal(e, lang, fail).await,
        }
    }
    if !f.files.is_empty()
        && let Err(e) = s.desk.attach(p, TicketId(id), f.files.clone()).await
    {
        return refusal(e, lang, fail).await;
    }
    let Some(cmd) = cmd else {
        return Redirect::to(&format!("/tickets/{id}?done=attach#timeline")).into_response();
    };
    match s.desk.act(p, TicketId(id), cmd, lang).await {
        Ok(Acted::Updated(_)) => {
            Redirect::to(&format!("/tickets/{id}?done={op}#timeline")).into_response()
        }
        Ok(Acted::Opened(t) | Acted::Merged(t)) => {
            Redirect::to(&format!("/tickets/{}?done={op}#timeline", t.id)).into_response()
        }
        Err(e) => refusal(e, lang, fail).await,
    }
}

/// A refusal the reader can fix is shown on the page; one they cannot (not found, forbidden,
/// unavailable) is a page of its own.
async fn refusal<F, Fut>(e: DeskError, lang: Lang, fail: F) -> Response
where
    F: FnOnce(StatusCode, String) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let status = match e {
        DeskError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DeskError::Conflict(_) => StatusCode::CONFLICT,
        DeskError::Forbidden(_) => StatusCode::FORBIDDEN,
        other => return PageError::from(other).page(lang),
    };
    fail(status, e.render(lang)).await
}
