//! Delivery status notifications (RFC 3464): which recipients a message could not reach, why,
//! and which message it was — so that a bounce of our own mail can be tied to its ticket.

use mail_parser::{Message, MimeHeaders};

/// A delivery report: the message it is about and what happened to each recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryReport {
    /// The `Message-ID` of the message that could not be delivered, without angle brackets,
    /// from the returned message or its headers.
    pub original_message_id: Option<String>,
    /// One entry per recipient the report names.
    pub recipients: Vec<RecipientStatus>,
}

/// What happened to one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecipientStatus {
    /// The address (`Final-Recipient`, else `Original-Recipient`), lower case.
    pub address: String,
    /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
    pub action: String,
    /// The status code: `5.1.1`.
    pub status: String,
    /// The remote server's words (`Diagnostic-Code`), when given.
    pub diagnostic: Option<String>,
}

impl RecipientStatus {
    /// Whether delivery to this recipient failed for good.
    pub fn failed(&self) -> bool {
        self.action.eq_ignore_ascii_case("failed") || self.status.starts_with('5')
    }
}

/// The delivery report a message carries, when it is one: a `multipart/report` with a
/// `message/delivery-status` part.
pub(crate) fn delivery_report(m: &Message<'_>) -> Option<DeliveryReport> {
    let mut recipients = Vec::new();
    let mut original = None;
    let mut is_report = false;
    for part in &m.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let kind = format!(
            "{}/{}",
            ct.ctype().to_ascii_lowercase(),
            ct.subtype().unwrap_or("").to_ascii_lowercase()
        );
        match kind.as_str() {
            "message/delivery-status" | "message/global-delivery-status" => {
                is_report = true;
                let text = match part.message() {
                    // Some parsers read the status fields as a message of headers.
                    Some(inner) => String::from_utf8_lossy(inner.raw_message()).into_owned(),
                    None => String::from_utf8_lossy(part.contents()).into_owned(),
                };
                recipients.extend(status_fields(&text));
            }
            "message/rfc822" | "message/global" => {
                if let Some(inner) = part.message() {
                    original = original.or_else(|| inner.message_id().map(bare));
                } else {
                    original = original.or_else(|| header_message_id(part.contents()));
                }
            }
            "text/rfc822-headers" | "message/global-headers" => {
                original = original.or_else(|| header_message_id(part.contents()));
            }
            _ => {}
        }
    }
    is_report.then_some(DeliveryReport {
        original_message_id: original,
        recipients,
    })
}

fn bare(id: &str) -> String {
    id.trim().trim_matches(['<', '>']).to_string()
}

/// The `Message-ID` of a header block.
fn header_message_id(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    unfold(&text)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("message-id"))
        .map(|(_, v)| bare(&v))
        .filter(|v| !v.is_empty())
}

/// Header-style lines with their continuations joined.
fn unfold(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push(' ');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        } else if line.trim().is_empty() {
            out.push((String::new(), String::new()));
        }
    }
    out
}

/// The per-recipient groups of a `message/delivery-status` body.
fn status_fields(text: &str) -> Vec<RecipientStatus> {
    let mut out = Vec::new();
    let mut current: Option<RecipientStatus> = None;
    let flush = |c: &mut Option<RecipientStatus>, out: &mut Vec<RecipientStatus>| {
        if let Some(r) = c.take()
            && !r.address.is_empty()
        {
            out.push(r);
        }
    };
    for (k, v) in unfold(text) {
        let key = k.to_ascii_lowercase();
        // `rfc822; user@example.ru` — the address after the type.
        let value_address = || {
            v.split_once(';')
                .map_or(v.as_str(), |(_, a)| a)
                .trim()
                .trim_matches(['<', '>'])
                .to_lowercase()
        };
        match key.as_str() {
            "" => flush(&mut current, &mut out),
            "final-recipient" => {
                let r = current.get_or_insert_with(empty);
                r.address = value_address();
            }
            "original-recipient" => {
                let r = current.get_or_insert_with(empty);
                if r.address.is_empty() {
                    r.address = value_address();
                }
            }
            "action" => current.get_or_insert_with(empty).action = v.to_ascii_lowercase(),
            "status" => {
                current.get_or_insert_with(empty).status =
                    v.split_whitespace().next().unwrap_or("").to_string();
            }
            "diagnostic-code" => {
                current.get_or_insert_with(empty).diagnostic = Some(
                    v.split_once(';')
                        .map_or(v.as_str(), |(_, d)| d)
                        .trim()
                        .to_string(),
                );
            }
            _ => {}
        }
    }
    flush(&mut current, &mut out);
    out
}

fn empty() -> RecipientStatus {
    RecipientStatus {
        address: String::new(),
        action: String::new(),
        status: String::new(),
        diagnostic: None,
    }
}
