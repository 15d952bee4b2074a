//! One inbound message, read.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};

use crate::MailError;
use crate::guard::{Automatic, SpamVerdict, automatic, spam};

/// A mailbox: an address and the display name it came with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The address, lowercased: `ivanov@romashka.ru`.
    pub email: String,
    /// The display name, decoded: `Иванов Иван`.
    pub name: Option<String>,
}

/// A file that came with a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    /// The file name, decoded (RFC 2047 and RFC 2231); `attachment-N` when the sender gave none.
    pub name: String,
    /// The media type the sender claimed.
    pub content_type: String,
    /// The content, transfer encoding undone.
    pub data: Vec<u8>,
}

/// A message as Reglament reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inbound {
    /// `Message-ID`, without angle brackets.
    pub message_id: Option<String>,
    /// The sender (`From`, else `Sender`).
    pub from: Option<Address>,
    /// `Reply-To`, when it differs from the sender.
    pub reply_to: Option<Address>,
    /// `To` addresses.
    pub to: Vec<Address>,
    /// `Cc` addresses.
    pub cc: Vec<Address>,
    /// The subject, decoded, trimmed; empty when there is none.
    pub subject: String,
    /// `In-Reply-To` ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// `References` ids, without angle brackets.
    pub references: Vec<String>,
    /// The body as text: the plain part, else the HTML part's text; `\n` line ends.
    pub text: String,
    /// The HTML body, sanitized: no script, no styles that run. Images stay as written: whoever
    /// shows it decides whether remote ones load (the ticket page blocks them until an agent
    /// asks for them).
    pub html: Option<String>,
    /// Attached files, inline images included.
    pub attachments: Vec<Attachment>,
    /// Why the message is automatic, if it is: no automatic reply goes to it.
    pub automatic: Option<Automatic>,
    /// What a spam filter on the way said.
    pub spam: SpamVerdict,
    /// The delivery report (RFC 3464) it is, if it is one.
    pub report: Option<crate::DeliveryReport>,
}

fn address(a: &mail_parser::Addr<'_>) -> Option<Address> {
    let email = a.address()?.trim().to_lowercase();
    if !email.contains('@') {
        return None;
    }
    Some(Address {
        email,
        name: a
            .name()
            .map(|n| n.trim().trim_matches('"').trim().to_string())
            .filter(|n| !n.is_empty()),
    })
}

fn addresses(a: Option<&mail_parser::Address<'_>>) -> Vec<Address> {
    a.map(|a| a.iter().filter_map(address).collect())
        .unwrap_or_default()
}

fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    let list: Vec<String> = match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    list.into_iter()
        .map(|i| i.trim().trim_matches(['<', '>']).to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

/// Reads one message.
///
/// # Errors
///
/// [`MailError::Unparseable`] for bytes that are not a message; [`MailError::NoSender`] for a
/// message without a sender address.
///
/// # Example
///
/// ```
/// let raw = b"From: a@b.ru\r\nSubject: =?koi8-r?B?8NLJ18XU?=\r\n\r\nbody";
/// let m = reglament_mail::parse(raw)?;
/// assert_eq!(m.subject, "Привет");
/// assert!(reglament_mail::parse(b"").is_err());
/// # Ok::<(), reglament_mail::MailError>(())
/// ```
pub fn parse(raw: &[u8]) -> Result<Inbound, MailError> {
    // mail-parser 0.11 panics on some MIME trees it cannot follow (a part id it never made,
    // found by fuzzing); such a message is refused with a reason like any unreadable one, and
    // lands in the quarantine instead of taking the reader down.
    std::panic::catch_unwind(|| parse_unguarded(raw)).unwrap_or_else(|_| {
        Err(MailError::Unparseable(
            "its MIME structure cannot be followed".into(),
        ))
    })
}

fn parse_unguarded(raw: &[u8]) -> Result<Inbound, MailError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(MailError::Unparseable("the message is empty".into()));
    }
    let fixed = utf8_headers(raw);
    let raw = fixed.as_deref().unwrap_or(raw);
    let m = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| MailError::Unparseable("no header could be read".into()))?;
    if m.headers().is_empty() {
        return Err(MailError::Unparseable("the message has no headers".into()));
    }
    let from = m
        .from()
        .and_then(|a| a.iter().find_map(address))
        .or_else(|| m.sender().and_then(|a| a.iter().find_map(address)));
    let Some(from) = from else {
        return Err(MailError::NoSender);
    };
    let reply_to = m
        .reply_to()
        .and_then(|a| a.iter().find_map(address))
        .filter(|r| r.email != from.email);
    let html_raw = m.body_html(0).map(|h| h.into_owned());
    let text = match m.body_text(0) {
        Some(t) if !t.trim().is_empty() => t.into_owned(),
        _ => match html_raw.as_deref().map(html_to_text) {
            Some(t) if !t.is_empty() => t,
            // Broken MIME (a multipart never closed, a part without headers): the first part
            // with any text is the body, rather than nothing.
            _ => m
                .parts
                .iter()
                .filter(|p| p.sub_parts().is_none() && !p.is_message())
                .filter_map(|p| p.text_contents())
                .find(|t| !t.trim().is_empty())
                .unwrap_or_default()
                .to_string(),
        },
    };
    // Line ends as the journal keeps them, and no trailing blank lines.
    let text = text.replace("\r\n", "\n").trim_end().to_string();
    let html = html_raw.as_deref().map(sanitize);
    let mut attachments = Vec::new();
    for (i, part) in m.attachments().enumerate() {
        // A forwarded message is a file too, as the sender sent it.
        let data = match part.message() {
            Some(inner) => inner.raw_message().to_vec(),
            None => part.contents().to_vec(),
        };
        let content_type = part.content_type().map_or_else(
            || "application/octet-stream".to_string(),
            |c| match c.subtype() {
                Some(s) => format!("{}/{s}", c.ctype()),
                None => c.ctype().to_string(),
            },
        );
        let name = part
            .attachment_name()
            .map(clean_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| {
                if part.is_message() {
                    format!("message-{}.eml", i + 1)
                } else {
                    format!("attachment-{}", i + 1)
                }
            });
        attachments.push(Attachment {
            name,
            content_type,
            data,
        });
    }
    // Outlook's winmail.dat: the files inside it instead, and its text when the message has
    // none. One it cannot read, or that holds only a rich-text body, stays as it came.
    let mut text = text;
    let mut unpacked = Vec::with_capacity(attachments.len());
    for a in attachments {
        let tnef = a.content_type.eq_ignore_ascii_case("application/ms-tnef")
            || a.name.eq_ignore_ascii_case("winmail.dat");
        match tnef.then(|| crate::tnef::unpack(&a.data)).flatten() {
            Some(inner)
                if !inner.files.is_empty() || (inner.body.is_some() && text.trim().is_empty()) =>
            {
                if let Some(body) = inner.body
                    && text.trim().is_empty()
                {
                    text = body;
                }
                unpacked.extend(inner.files);
            }
            _ => unpacked.push(a),
        }
    }
    let attachments = unpacked;
    let headers: Vec<(String, String)> = m
        .headers_raw()
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect();
    Ok(Inbound {
        message_id: m
            .message_id()
            .map(|i| i.trim().trim_matches(['<', '>']).to_string())
            .filter(|i| !i.is_empty()),
        automatic: automatic(&headers, &from.email, m.subject().unwrap_or("")),
        spam: spam(&headers),
        report: crate::report::delivery_report(&m),
        from: Some(from),
        reply_to,
        to: addresses(m.to()),
        cc: addresses(m.cc()),
        subject: m
            .subject()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        in_reply_to: ids(m.in_reply_to()),
        references: ids(m.references()),
        text,
        html,
        attachments,
    })
}

/// The `Message-ID` of a message, from its headers alone: what storing needs before the
/// message is read, without decoding its body and files.
///
/// # Example
///
/// ```
/// let raw = b"From: a@b.ru\r\nMessage-ID: <x1@b.ru>\r\n\r\nbody";
/// assert_eq!(reglament_mail::message_id(raw).as_deref(), Some("x1@b.ru"));
/// assert_eq!(reglament_mail::message_id(b"garbage"), None);
/// ```
pub fn message_id(raw: &[u8]) -> Option<String> {
    let end = header_end(raw);
    std::panic::catch_unwind(|| {
        MessageParser::default()
            .parse_headers(&raw[..end])?
            .message_id()
            .map(|i| i.trim().trim_matches(['<', '>']).to_string())
            .filter(|i| !i.is_empty())
    })
    .ok()
    .flatten()
}

/// Where the header block ends: after the first empty line, or the whole message.
fn header_end(raw: &[u8]) -> usize {
    raw.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
        .or_else(|| raw.windows(2).position(|w| w == b"\n\n").map(|p| p + 2))
        .unwrap_or(raw.len())
}

/// Headers sent as raw 8-bit text in a legacy charset (which RFC 5322 forbids and mailers do
/// anyway), re-encoded as UTF-8 so that they read as text: the charset the body declares,
/// else whichever of windows-1251 and KOI8-R reads as more Russian. `None` when the headers
/// are ASCII or UTF-8 already.
fn utf8_headers(raw: &[u8]) -> Option<Vec<u8>> {
    let end = header_end(raw);
    let head = &raw[..end];
    if std::str::from_utf8(head).is_ok() {
        return None;
    }
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let declared = lower.find("charset=").and_then(|i| {
        let v = lower[i + 8..]
            .trim_start_matches('"')
            .split(|c: char| c == '"' || c == ';' || c.is_whitespace())
            .next()?;
        encoding_rs::Encoding::for_label(v.as_bytes())
    });
    let decode = |e: &'static encoding_rs::Encoding| e.decode_without_bom_handling(head).0;
    let text = match declared.filter(|e| *e != encoding_rs::UTF_8) {
        Some(e) => decode(e),
        None => {
            let russian = |t: &str| {
                t.chars()
                    .filter(|c| "оеаинтсрвлОЕАИНТСРВЛ".contains(*c))
                    .count()
            };
            let (a, b) = (
                decode(encoding_rs::WINDOWS_1251),
                decode(encoding_rs::KOI8_R),
            );
            if russian(&b) > russian(&a) { b } else { a }
        }
    };
    let mut out = text.into_owned().into_bytes();
    out.extend_from_slice(&raw[end..]);
    Some(out)
}

/// A file name without directories or control characters: `..\\..\\boot.ini` → `boot.ini`.
fn clean_name(n: &str) -> String {
    n.rsplit(['/', '\\'])
        .next()
        .unwrap_or(n)
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(255)
        .collect()
}

/// HTML a page may show: ammonia's safe subset, links opened safely, and no image from
/// elsewhere — a remote image tells the sender that the message was read.
fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto", "cid"].into_iter().collect())
        .clean(html)
        .to_string()
}

/// The text of an HTML body: tags dropped, block ends as line breaks, entities decoded.
fn html_to_text(html: &str) -> String {
    let cleaned = ammonia::Builder::empty()
        .add_tags(["p", "br", "div", "li", "tr"])
        .clean(html)
        .to_string();
    let mut out = String::new();
    let mut rest = cleaned.as_str();
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open..close];
        if tag.starts_with("</p")
            || tag.starts_with("<br")
            || tag.starts_with("</div")
            || tag.starts_with("</li")
            || tag.starts_with("</tr")
        {
            out.push('\n');
        }
        rest = &rest[close..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// The new part of a reply: what comes before the quoted history (`>` lines, «-----Original
/// Message-----», «On … wrote:», «… пишет:») and the signature (`-- `). The full message is
/// kept elsewhere; this is what the journal shows.
///
/// # Example
///
/// ```
/// let body = "Спасибо, заработало.\n\n-- \nИванов\n\n> Проверьте, пожалуйста";
/// assert_eq!(reglament_mail::trim_quoted(body), "Спасибо, заработало.");
/// let outlook = "Да.\r\n\r\n-----Original Message-----\r\nFrom: support";
/// assert_eq!(reglament_mail::trim_quoted(outlook), "Да.");
/// let ru = "Нет, не помогло.\n\n1 дек. 2026 г., в 10:00, Поддержка <s@x.ru> пишет:\n> ...";
/// assert_eq!(reglament_mail::trim_quoted(ru), "Нет, не помогло.");
/// ```
pub fn trim_quoted(body: &str) -> String {
    let mut kept = Vec::new();
    for line in body.lines() {
        let l = line.trim_end();
        let t = l.trim();
        let quote_start = t.starts_with('>')
            || t == "--"
            || l == "-- "
            || t.starts_with("-----Original Message-----")
            || t.starts_with("-----Исходное сообщение-----")
            || t.starts_with("________________________________")
            || ((t.starts_with("On ") && t.ends_with("wrote:"))
                || t.ends_with("пишет:")
                || t.ends_with("написал:")
                || t.ends_with("написала:"));
        if quote_start {
            break;
        }
        kept.push(l);
    }
    let text = kept.join("\n").trim().to_string();
    if text.is_empty() {
        body.trim().to_string()
    } else {
        text
    }
}
