//! Outgoing mail: the outbox's rows, written out as messages in Russian with English below,
//! to the addresses their recipients have. The channel that sends them (SMTP in the server)
//! claims one, marks it just before it goes, and says how it went.

use reglament_domain::{AgentId, ContactId, Role};
use reglament_mail::Outgoing;
use reglament_store::StoreError;
use reglament_store::tickets::OutboxMessage;

use crate::{Desk, DeskError, Lang, Result, Text};

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The outbox row.
    pub outbox: i64,
    /// Which try this is.
    pub attempt: i64,
    /// The envelope's recipients.
    pub to: Vec<String>,
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
            let (subject, body) = self.words(&m);
            let outgoing = Outgoing {
                from: format!(
                    "{} <{}>",
                    sender.name.replace(['<', '>', '"'], ""),
                    sender.address
                ),
                to: to.clone(),
                subject,
                body,
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
    async fn addresses(&self, recipient: &str) -> Result<Vec<String>> {
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

    /// The subject and the body of an outbox row, Russian first, English below.
    fn words(&self, m: &OutboxMessage) -> (String, String) {
        let p = &m.payload;
        let s = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let number = s("number");
        let subject_line = s("subject");
        let known = [
            "registered",
            "reply",
            "customer_reply",
            "status",
            "extended",
            "assigned",
            "handed_over",
            "attachment_rejected",
            "warn",
            "breach",
            "interim",
            "unknown_sender",
            "refused",
        ];
        let kind = if known.contains(&m.kind.as_str()) {
            m.kind.as_str()
        } else {
            "other"
        };
        let deadlines = p
            .get("deadlines")
            .and_then(|d| d.as_array())
            .map(|d| {
                d.iter()
                    .filter_map(|x| {
                        let due = x.get("due")?.as_str()?.parse::<jiff::Timestamp>().ok()?;
                        Some(format!(
                            "{}: {}",
                            x.get("target")?.as_str()?,
                            due.to_zoned(self.regulation.timezone.clone())
                                .strftime("%d.%m.%Y %H:%M %Z")
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default();
        let text = |lang: Lang| {
            Text::new(format!("mail-out-{kind}"))
                .arg("number", number.clone())
                .arg("subject", subject_line.clone())
                .arg("body", s("body"))
                .arg("status", s("title"))
                .arg("reason", s("reason"))
                .arg("by", s("by"))
                .arg(
                    "target",
                    if s("title").is_empty() {
                        s("target")
                    } else {
                        s("title")
                    },
                )
                .arg("file", s("file"))
                .arg("priority", s("priority"))
                .arg(
                    "priority_line",
                    if s("priority").is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{}\n",
                            Text::new("mail-out-priority-line")
                                .arg("priority", s("priority"))
                                .render(lang)
                        )
                    },
                )
                .arg("deadlines", deadlines.clone())
                .arg("channels", s("channels"))
                .arg(
                    "reasons",
                    match lang {
                        Lang::Ru => s("reasons_ru"),
                        Lang::En => s("reasons_en"),
                    },
                )
                .render(lang)
        };
        let subject = if number.is_empty() {
            Text::new("mail-out-subject-plain")
                .arg("subject", subject_line.clone())
                .render(Lang::Ru)
        } else {
            Text::new("mail-out-subject")
                .arg("number", number.clone())
                .arg("subject", subject_line.clone())
                .render(Lang::Ru)
        };
        let body = format!(
            "{}\n\n-- \n{}\n",
            text(Lang::Ru).trim_end(),
            text(Lang::En).trim_end()
        );
        (subject, body)
    }
}
