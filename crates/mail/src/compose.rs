//! Outgoing messages: RFC 5322 bytes with the threading headers every reply needs and the
//! `Auto-Submitted` header automatic mail must carry, so that mail clients thread them and
//! auto-responders leave them alone.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MessageBuilder, MultiPart};

use crate::MailError;

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The sender: the support address, with its display name.
    pub from: String,
    /// The recipients.
    pub to: Vec<String>,
    /// The copied recipients (`Cc`).
    pub cc: Vec<String>,
    /// The subject, with the ticket number in it.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// The HTML alternative, when there is one.
    pub html: Option<String>,
    /// The `Message-ID`, without angle brackets: stable for one outbox row, so that a resent
    /// copy is recognisably the same message.
    pub message_id: String,
    /// The message this one answers, without angle brackets.
    pub in_reply_to: Option<String>,
    /// `auto-generated` or `auto-replied` for automatic mail; `None` for a person's reply.
    pub auto_submitted: Option<&'static str>,
}

/// The message as bytes, ready for SMTP.
///
/// # Errors
///
/// [`MailError::Compose`] for an address that is not one.
///
/// # Example
///
/// ```
/// use reglament_mail::{Outgoing, compose, parse};
///
/// let raw = compose(&Outgoing {
///     from: "Поддержка <support@example.ru>".into(),
///     to: vec!["ivanov@romashka.ru".into()],
///     cc: vec!["petrov@romashka.ru".into()],
///     subject: "[Заявка #2026-00042] Заявка зарегистрирована".into(),
///     body: "Ваша заявка зарегистрирована.".into(),
///     html: Some("<p>Ваша заявка зарегистрирована.</p>".into()),
///     message_id: "outbox-7@example.ru".into(),
///     in_reply_to: Some("m1@romashka.ru".into()),
///     auto_submitted: Some("auto-replied"),
/// })?;
/// let back = parse(&raw)?;
/// assert_eq!(back.subject, "[Заявка #2026-00042] Заявка зарегистрирована");
/// assert_eq!(back.in_reply_to, vec!["m1@romashka.ru"]);
/// assert_eq!(back.cc[0].email, "petrov@romashka.ru");
/// assert_eq!(back.automatic, Some(reglament_mail::Automatic::AutoSubmitted));
/// assert_eq!(back.text.trim(), "Ваша заявка зарегистрирована.");
/// # Ok::<(), reglament_mail::MailError>(())
/// ```
pub fn compose(m: &Outgoing) -> Result<Vec<u8>, MailError> {
    let bad = |what: &str, e: &dyn std::fmt::Display| MailError::Compose(format!("{what}: {e}"));
    let from: Mailbox = m.from.parse().map_err(|e| bad(&m.from, &e))?;
    let mut b: MessageBuilder = lettre::Message::builder()
        .from(from)
        .subject(m.subject.clone())
        .message_id(Some(format!("<{}>", m.message_id)));
    for to in &m.to {
        let mb: Mailbox = to.parse().map_err(|e| bad(to, &e))?;
        b = b.to(mb);
    }
    for cc in &m.cc {
        let mb: Mailbox = cc.parse().map_err(|e| bad(cc, &e))?;
        b = b.cc(mb);
    }
    if let Some(r) = &m.in_reply_to {
        b = b.in_reply_to(format!("<{r}>")).references(format!("<{r}>"));
    }
    let mut msg = match &m.html {
        Some(html) => b.multipart(MultiPart::alternative_plain_html(
            m.body.clone(),
            html.clone(),
        )),
        None => b.header(ContentType::TEXT_PLAIN).body(m.body.clone()),
    }
    .map_err(|e| bad("the message", &e))?;
    if let Some(a) = m.auto_submitted {
        msg.headers_mut().insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            a.to_string(),
        ));
    }
    Ok(msg.formatted())
}
