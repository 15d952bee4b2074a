//! Outgoing mail: the outbox's rows, written out as messages in Russian with English below,
//! to the addresses their recipients have. The channel that sends them (SMTP in the server)
//! claims one, marks it just before it goes, and says how it went.

use reglament_domain::{AgentId, ContactId, Role, TicketEvent};
use reglament_mail::Outgoing;
use reglament_store::StoreError;
use reglament_store::tickets::OutboxMessage;

use serde_json::json;

use crate::{Desk, DeskError, Lang, Result, Text, Written};

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The outbox row.
    pub outbox: i64,
    /// Which try this is.
    pub attempt: i64,
    /// The envelope's recipients: the addressees. The message is marked sent by them.
    pub to: Vec<String>,
    /// The copied addresses (`Cc`), each sent the same bytes in an envelope of its own after
    /// the addressees, so that one refused copy fails nobody else's mail. Copies are sent at
    /// most once and not retried.
    pub copies: Vec<String>,
    /// The envelope's sender.
    pub from: String,
    /// The message, as bytes.
    pub raw: Vec<u8>,
}

/// Where mail goes out from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sender {
    /// The support address: `support@example.ru`.
    pub address: String,
    /// Its display name: the regulation's provider, say.
    pub name: String,
    /// The site's public address (`https://support.example.ru`), for links in mail; without
    /// it mail carries no links.
    pub site: Option<String>,
}

impl Desk {
    /// Claims the next outbox row due and writes it out. A row whose recipients have no
    /// address fails for good, with the reason, and the next is taken.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn next_outgoing(&self, sender: &Sender) -> Result<Option<OutgoingMail>> {
        loop {
            let Some((m, attempt)) = self.store.claim_outbox(self.now()).await? else {
                return Ok(None);
            };
            let to = self.addresses(&m.recipient).await?;
            if to.is_empty() {
                self.store
                    .outbox_failed(
                        m.id,
                        attempt,
                        "no recipient has an email address",
                        true,
                        self.now(),
                    )
                    .await?;
                continue;
            }
            // A customer's mail goes to the addresses they copied on the ticket too.
            let cc: Vec<String> = match (m.ticket, m.recipient.starts_with("contact:")) {
                (Some(t), true) => self
                    .store
                    .participants(t)
                    .await?
                    .into_iter()
                    .filter(|p| !to.contains(p))
                    .collect(),
                _ => Vec::new(),
            };
            let in_reply_to = match m.ticket {
                Some(t) => self.store.first_message_id(t).await?,
                None => m
                    .payload
                    .get("in_reply_to")
                    .and_then(|v| v.as_str())
                    .map(str::to_string),
            };
            let domain = sender
                .address
                .split('@')
                .nth(1)
                .unwrap_or("reglament.local");
            let (subject, written, private) = match self.words(&m, sender).await? {
                Ok(w) => w,
                // A template an admin broke fails the message for good, with the reason, and
                // the outbox goes on.
                Err(e) => {
                    self.store
                        .outbox_failed(m.id, attempt, &e, true, self.now())
                        .await?;
                    continue;
                }
            };
            // Links that act as the contact go to the contact alone, never to the copies.
            let cc = if private { Vec::new() } else { cc };
            let outgoing = Outgoing {
                from: format!(
                    "{} <{}>",
                    sender.name.replace(['<', '>', '"'], ""),
                    sender.address
                ),
                to: to.clone(),
                cc: cc.clone(),
                subject,
                body: written.text,
                html: Some(written.html),
                message_id: format!("outbox-{}@{domain}", m.id),
                in_reply_to,
                // An agent's reply is a person writing; everything else is automatic.
                auto_submitted: (m.kind != "reply").then_some("auto-generated"),
            };
            match reglament_mail::compose(&outgoing) {
                Ok(raw) => {
                    return Ok(Some(OutgoingMail {
                        outbox: m.id,
                        attempt,
                        to,
                        copies: cc,
                        from: sender.address.clone(),
                        raw,
                    }));
                }
                Err(e) => {
                    self.store
                        .outbox_failed(m.id, attempt, &e.to_string(), true, self.now())
                        .await?;
                }
            }
        }
    }

    /// Marks a claimed message as being handed to the mail server; call it just before.
    ///
    /// # Errors
    ///
    /// Storage errors: the message must then not be sent.
    pub async fn outgoing_sending(&self, outbox: i64) -> Result<()> {
        Ok(self.store.outbox_sending(outbox, self.now()).await?)
    }

    /// Marks a message delivered.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn outgoing_sent(&self, outbox: i64) -> Result<()> {
        Ok(self.store.outbox_sent(outbox, self.now()).await?)
    }

    /// Records a failed try: a temporary one is tried again later, a permanent one (or the
    /// last try) fails for good.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn outgoing_failed(
        &self,
        mail: &OutgoingMail,
        error: &str,
        permanent: bool,
    ) -> Result<()> {
        Ok(self
            .store
            .outbox_failed(mail.outbox, mail.attempt, error, permanent, self.now())
            .await?)
    }

    /// The addresses of a recipient: `contact:N`, `agent:N`, `line:L` (its active agents) or
    /// `supervisors` (active supervisors and admins).
    pub(crate) async fn addresses(&self, recipient: &str) -> Result<Vec<String>> {
        let (kind, value) = recipient.split_once(':').unwrap_or((recipient, ""));
        let ok = |r: std::result::Result<String, StoreError>| match r {
            Ok(a) => Ok(vec![a]),
            Err(StoreError::NotFound) => Ok(Vec::new()),
            Err(e) => Err(DeskError::from(e)),
        };
        match kind {
            "email" if value.contains('@') => Ok(vec![value.to_string()]),
            "contact" => match value.parse() {
                Ok(id) => ok(self
                    .store
                    .contact(ContactId(id))
                    .await
                    .map(|c| c.email.as_str().to_string())),
                Err(_) => Ok(Vec::new()),
            },
            "agent" => match value.parse() {
                Ok(id) => ok(self
                    .store
                    .agent(AgentId(id))
                    .await
                    .map(|a| a.email.as_str().to_string())),
                Err(_) => Ok(Vec::new()),
            },
            "line" | "supervisors" => Ok(self
                .store
                .agents()
                .await?
                .into_iter()
                .filter(|a| a.active)
                .filter(|a| match kind {
                    "line" => a.line.as_deref() == Some(value),
                    _ => matches!(a.role, Role::Supervisor | Role::Admin),
                })
                .map(|a| a.email.as_str().to_string())
                .collect()),
            _ => Ok(Vec::new()),
        }
    }

    /// The subject and the body of an outbox row, written from its template: the values of
    /// the row, the ticket's history for a reply, and links for a contact.
    /// The subject and body, and whether the body carries links that act as its recipient
    /// (then it must not be copied to anyone). The inner error is a template that failed.
    async fn words(
        &self,
        m: &OutboxMessage,
        sender: &Sender,
    ) -> Result<std::result::Result<(String, Written, bool), String>> {
        let p = &m.payload;
        let s = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let number = s("number");
        let subject_line = s("subject");
        let local = |t: jiff::Timestamp| {
            t.to_zoned(self.regulation.timezone.clone())
                .strftime("%d.%m.%Y %H:%M %Z")
                .to_string()
        };
        let due_of = |x: &serde_json::Value| x.as_str()?.parse::<jiff::Timestamp>().ok();
        let deadlines: Vec<serde_json::Value> = p
            .get("deadlines")
            .and_then(|d| d.as_array())
            .map(|d| {
                d.iter()
                    .filter_map(|x| {
                        let due = due_of(x.get("due")?)?;
                        Some(json!({ "target": x.get("target")?.as_str()?, "due": local(due) }))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let deadlines_text = deadlines
            .iter()
            .map(|d| {
                format!(
                    "{}: {}",
                    d["target"].as_str().unwrap_or(""),
                    d["due"].as_str().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let status_id = s("status");
        let base = self
            .regulation
            .base_status(&status_id)
            .map(|b| format!("{b:?}").to_lowercase())
            .unwrap_or_default();
        let status_title = if s("title").is_empty() {
            status_id.clone()
        } else {
            s("title")
        };
        let target = if s("title").is_empty() {
            s("target")
        } else {
            s("title")
        };
        let due = p.get("due").and_then(due_of).map(local);
        let links = self.links(m, sender, &base).await?;
        let history = if m.kind == "reply" {
            self.history(m).await?
        } else {
            Vec::new()
        };
        let args = json!({
            "number": number, "subject": subject_line, "body": s("body"),
            "status": status_title, "reason": s("reason"), "by": s("by"), "target": target,
            "file": s("file"), "priority": s("priority"), "deadlines": deadlines_text,
            "channels": s("channels"), "priority_line": "",
        });
        let context = json!({
            "kind": m.kind, "number": number, "subject": subject_line, "provider": sender.name,
            "priority": s("priority"), "deadlines": deadlines, "body": s("body"),
            "status": status_title, "base": base, "reason": s("reason"), "by": s("by"),
            "target": target, "due": due, "file": s("file"), "channels": s("channels"),
            "reasons_ru": s("reasons_ru"), "reasons_en": s("reasons_en"),
            "original": s("original"), "history": history, "links": links, "args": args,
            "held": p.get("held").and_then(serde_json::Value::as_bool).unwrap_or(true),
        });
        let private = context["links"].get("confirm").is_some();
        static BUILT_IN: std::sync::LazyLock<crate::MailTemplates> =
            std::sync::LazyLock::new(crate::MailTemplates::embedded);
        let templates = self.mail_templates.as_deref().unwrap_or(&BUILT_IN);
        let written = match templates.write(&m.kind, &context) {
            Ok(w) => w,
            Err(e) => return Ok(Err(e)),
        };
        let subject = if m.kind == "password_reset" {
            format!(
                "{} / {}",
                Text::new("mail-out-password_reset-subject").render(Lang::Ru),
                Text::new("mail-out-password_reset-subject").render(Lang::En)
            )
        } else if number.is_empty() {
            Text::new("mail-out-subject-plain")
                .arg("subject", subject_line.clone())
                .render(Lang::Ru)
        } else {
            Text::new("mail-out-subject")
                .arg("number", number.clone())
                .arg("subject", subject_line.clone())
                .render(Lang::Ru)
        };
        Ok(Ok((subject, written, private)))
    }

    /// The links a message carries: the ticket on the portal for a contact, and for a
    /// completed ticket the signed links to confirm, object and rate without signing in.
    async fn links(
        &self,
        m: &OutboxMessage,
        sender: &Sender,
        base: &str,
    ) -> Result<serde_json::Value> {
        if m.kind == "password_reset" {
            let account = m
                .payload
                .get("account")
                .and_then(|a| a.as_str())
                .unwrap_or("");
            return Ok(
                match (sender.site.as_deref(), self.reset_token(account).await?) {
                    (Some(site), Some(token)) => json!({
                        "reset": format!("{}/password/reset/{token}", site.trim_end_matches('/'))
                    }),
                    _ => json!({}),
                },
            );
        }
        let (Some(site), Some(ticket)) = (sender.site.as_deref(), m.ticket) else {
            return Ok(json!({}));
        };
        let site = site.trim_end_matches('/');
        let Some(contact) = m
            .recipient
            .strip_prefix("contact:")
            .and_then(|c| c.parse::<i64>().ok())
        else {
            return Ok(json!({ "ticket": format!("{site}/tickets/{}", ticket.0) }));
        };
        let mut links = json!({ "ticket": format!("{site}/tickets/{}", ticket.0) });
        if base == "completed" {
            let token = self.mail_link(ticket, ContactId(contact)).await?;
            let at = format!("{site}/m/{token}");
            links["confirm"] = json!(format!("{at}?do=confirm"));
            links["object"] = json!(format!("{at}?do=object"));
            links["rate"] = json!(
                (1..=5)
                    .map(|n| format!("{at}?do=rate&stars={n}"))
                    .collect::<Vec<_>>()
            );
        }
        Ok(links)
    }

    /// The public history of a ticket before an agent's reply, newest first, at most five
    /// messages, for quoting below it.
    async fn history(&self, m: &OutboxMessage) -> Result<Vec<serde_json::Value>> {
        let Some(ticket) = m.ticket else {
            return Ok(Vec::new());
        };
        let journal = self
            .store
            .journal(ticket, reglament_store::tickets::Viewer::Staff)
            .await?;
        let mut messages: Vec<(jiff::Timestamp, reglament_domain::Actor, String)> = journal
            .into_iter()
            .filter_map(|e| match e.event {
                TicketEvent::Received { description, .. } => Some((e.at, e.actor, description)),
                TicketEvent::Replied { public: true, body } => Some((e.at, e.actor, body)),
                _ => None,
            })
            .collect();
        // The reply itself is the newest public message; the history is what came before.
        let body = m.payload.get("body").and_then(|b| b.as_str()).unwrap_or("");
        if messages.last().is_some_and(|(_, _, b)| b == body) {
            messages.pop();
        }
        let mut out = Vec::new();
        for (at, actor, body) in messages.into_iter().rev().take(5) {
            let author = match actor {
                reglament_domain::Actor::Contact(c) => {
                    self.store.contact(c).await.map(|c| c.full_name).ok()
                }
                reglament_domain::Actor::Agent(a) => {
                    self.store.agent(a).await.map(|a| a.full_name).ok()
                }
                _ => None,
            };
            out.push(json!({
                "at": at.to_zoned(self.regulation.timezone.clone()).strftime("%d.%m.%Y %H:%M").to_string(),
                "author": author.unwrap_or_default(),
                "body": body,
            }));
        }
        Ok(out)
    }
}
