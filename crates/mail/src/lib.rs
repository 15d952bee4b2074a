//! Reglament's mail, as pure functions: [`parse`] reads one RFC 5322 message — any charset
//! `encoding_rs` knows, RFC 2047 words, RFC 2231 file names, nested multiparts — into an
//! [`Inbound`] with its sender, threading headers, a text body, a sanitized HTML body and its
//! files; it also says whether the message is automatic (an auto-reply, a list, a bounce) and
//! whether a spam filter marked it. Nothing here touches the network or the database: the desk
//! decides what a message means for a ticket.
//!
//! ```
//! let raw = b"From: =?windows-1251?B?yOLg7e7i?= <ivanov@romashka.ru>\r\n\
//! To: support@example.ru\r\n\
//! Subject: =?utf-8?B?0J3QtSDRgNCw0LHQvtGC0LDQtdGCINC+0YLRh9C10YI=?=\r\n\
//! Message-ID: <abc@romashka.ru>\r\n\
//! Content-Type: text/plain; charset=koi8-r\r\n\
//! \r\n\
//! \xf0\xd2\xc9\xd7\xc5\xd4\r\n";
//! let m = reglament_mail::parse(raw)?;
//! assert_eq!(m.from.as_ref().unwrap().email, "ivanov@romashka.ru");
//! assert_eq!(m.from.unwrap().name.as_deref(), Some("Иванов"));
//! assert_eq!(m.subject, "Не работает отчет");
//! assert_eq!(m.text.trim(), "Привет");
//! assert_eq!(m.message_id.as_deref(), Some("abc@romashka.ru"));
//! # Ok::<(), reglament_mail::MailError>(())
//! ```

#![deny(missing_docs)]

mod compose;
mod guard;
mod inbound;
mod report;
mod tnef;

pub use compose::{Outgoing, compose};
pub use guard::{Automatic, SpamVerdict};
pub use inbound::{Address, Attachment, Inbound, message_id, parse, trim_quoted};
pub use report::{DeliveryReport, RecipientStatus};

/// Why a message cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MailError {
    /// The bytes are not a message: no headers, or nothing that parses.
    #[error("not an RFC 5322 message: {0}")]
    Unparseable(String),
    /// The message has no sender address to answer or to identify.
    #[error("the message has no sender address")]
    NoSender,
    /// An outgoing message cannot be built: a bad address, say.
    #[error("cannot compose the message: {0}")]
    Compose(String),
}
