//! Links in mail that act without signing in: a customer confirms, objects to or rates a
//! completed ticket from the message that told them it was completed. A link names the ticket,
//! the contact it was sent to and when it expires, signed with the installation's key
//! (HMAC-SHA256); it acts as that contact, on that ticket only, through the same desk rules as
//! the portal.

use base64::Engine;
use hmac::{Hmac, Mac};
use jiff::SignedDuration;
use reglament_domain::{ContactId, Principal, TicketId};
use sha2::Sha256;

use crate::{Desk, DeskError, Result, Text};

/// How long a link in mail works.
pub const LINK_LIFETIME: SignedDuration = SignedDuration::from_hours(30 * 24);

/// What a link in mail grants: acting as one contact on one ticket until it expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailLink {
    /// The ticket.
    pub ticket: TicketId,
    /// The contact the mail went to.
    pub contact: ContactId,
    /// Until when, in seconds since the epoch.
    pub expires: i64,
}

type HmacSha256 = Hmac<Sha256>;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
}

fn mac(key: &str, purpose: &str, claim: &str, bound: &str) -> HmacSha256 {
    let mut m = HmacSha256::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    for part in ["reglament", purpose, claim, bound] {
        m.update(part.as_bytes());
        m.update(b"\0");
    }
    m
}

/// The token of a link: the claim and its signature, both URL-safe.
///
/// # Example
///
/// ```
/// use reglament_desk::links::{MailLink, sign, verify};
/// use reglament_domain::{ContactId, TicketId};
///
/// let link = MailLink { ticket: TicketId(7), contact: ContactId(3), expires: 2_000_000_000 };
/// let token = sign("key", &link);
/// assert_eq!(verify("key", &token, 1_900_000_000), Ok(link));
/// assert!(verify("other key", &token, 1_900_000_000).is_err());
/// assert!(verify("key", &token, 2_000_000_001).is_err());
/// ```
pub fn sign(key: &str, link: &MailLink) -> String {
    seal(
        key,
        "mail-link",
        &format!("{}.{}.{}", link.ticket.0, link.contact.0, link.expires),
        "",
    )
}

/// `claim` and its HMAC under `key` for one `purpose`, as a URL-safe token. `bound` is signed
/// too but not carried: the token holds only while it is the same (a password reset binds the
/// current password hash, so the token works once).
pub(crate) fn seal(key: &str, purpose: &str, claim: &str, bound: &str) -> String {
    let signature = mac(key, purpose, claim, bound).finalize().into_bytes();
    format!("{}.{}", b64().encode(claim), b64().encode(signature))
}

/// The claim of a token [`seal`] made for `purpose` and `bound`, if its signature holds
/// (compared in constant time).
pub(crate) fn unseal(key: &str, purpose: &str, token: &str, bound: &str) -> Option<String> {
    let (claim, signature) = token.split_once('.')?;
    let claim = String::from_utf8(b64().decode(claim).ok()?).ok()?;
    let signature = b64().decode(signature).ok()?;
    mac(key, purpose, &claim, bound)
        .verify_slice(&signature)
        .ok()?;
    Some(claim)
}

/// The claim of a token without checking it, to find what it is bound to before checking.
pub(crate) fn peek(token: &str) -> Option<String> {
    let (claim, _) = token.split_once('.')?;
    String::from_utf8(b64().decode(claim).ok()?).ok()
}

/// Why a token does not open its ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRefusal {
    /// Not a token this installation signed, or altered.
    Invalid,
    /// Signed, but past its time.
    Expired,
}

/// The link a token grants, checked against the key and the time (seconds since the epoch).
///
/// # Errors
///
/// [`LinkRefusal::Invalid`] for a token that is malformed or whose signature does not match;
/// [`LinkRefusal::Expired`] for one past its time.
pub fn verify(key: &str, token: &str, now: i64) -> std::result::Result<MailLink, LinkRefusal> {
    let claim = unseal(key, "mail-link", token, "").ok_or(LinkRefusal::Invalid)?;
    let mut parts = claim.split('.').map(str::parse::<i64>);
    let (Some(Ok(ticket)), Some(Ok(contact)), Some(Ok(expires)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LinkRefusal::Invalid);
    };
    if now > expires {
        return Err(LinkRefusal::Expired);
    }
    Ok(MailLink {
        ticket: TicketId(ticket),
        contact: ContactId(contact),
        expires,
    })
}

impl Desk {
    /// A signed token for a link that lets `contact` act on `ticket` for [`LINK_LIFETIME`].
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn mail_link(&self, ticket: TicketId, contact: ContactId) -> Result<String> {
        let key = self.store.link_key().await?;
        let expires = (self.now() + LINK_LIFETIME).as_second();
        Ok(sign(
            key.expose(),
            &MailLink {
                ticket,
                contact,
                expires,
            },
        ))
    }

    /// Who a link's token lets act, and on which ticket. The contact must still be active and
    /// still belong to an organization: a deactivated contact's links stop working.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] with the reason for a token that is altered, expired, or whose
    /// contact is gone or deactivated; storage errors.
    pub async fn open_mail_link(&self, token: &str) -> Result<(Principal, TicketId)> {
        let key = self.store.link_key().await?;
        let link = verify(key.expose(), token, self.now().as_second()).map_err(|r| {
            DeskError::Forbidden(Text::new(match r {
                LinkRefusal::Invalid => "link-invalid",
                LinkRefusal::Expired => "link-expired",
            }))
        })?;
        let contact = match self.store.contact(link.contact).await {
            Ok(c) if c.active => c,
            Ok(_) | Err(reglament_store::StoreError::NotFound) => {
                return Err(DeskError::Forbidden(Text::new("link-contact-gone")));
            }
            Err(e) => return Err(e.into()),
        };
        Ok((
            Principal::Contact(contact.id, contact.organization),
            link.ticket,
        ))
    }
}
