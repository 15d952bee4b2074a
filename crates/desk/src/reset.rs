//! Resetting a forgotten password by a link in mail. Anyone may ask for a link for an address;
//! the answer is the same whether or not the address is an account's, so nobody learns who has
//! one. The link names the account and its expiry, signed with the installation's key and bound
//! to the account's current password hash: it works for an hour, and only once, since setting
//! the password changes the hash. Setting it ends every session of the account.

use jiff::SignedDuration;
use reglament_domain::{AgentId, ContactId, EmailAddress, Principal};
use reglament_store::StoreError;

use crate::links::{peek, seal, unseal};
use crate::{Desk, DeskError, Result, Text};

/// How long a reset link works.
pub const RESET_LIFETIME: SignedDuration = SignedDuration::from_hours(1);

/// At most this many reset links go to one address a day.
const RESETS_A_DAY: i64 = 3;

impl Desk {
    /// Sends a reset link to `email` when it is an active account's; does nothing, and says
    /// nothing, otherwise.
    ///
    /// # Errors
    ///
    /// Storage errors only.
    pub async fn request_password_reset(&self, email: &str) -> Result<()> {
        let Ok(address) = email.trim().parse::<EmailAddress>() else {
            return Ok(());
        };
        let Some(account) = self.store.account_by_email(&address).await? else {
            tracing::info!("password reset asked for an address that is no account's");
            return Ok(());
        };
        let now = self.now();
        let since = now - SignedDuration::from_hours(24);
        if self
            .store
            .mail_to_address_since(address.as_str(), since)
            .await?
            >= RESETS_A_DAY
        {
            tracing::info!("password reset not sent: three to this address today");
            return Ok(());
        }
        let payload = serde_json::json!({ "account": account_ref(account) });
        self.store
            .enqueue_mail("password_reset", address.as_str(), &payload, now)
            .await?;
        Ok(())
    }

    /// The token of a reset link for an account (`agent:N` or `contact:N`), made when its mail
    /// is written.
    pub(crate) async fn reset_token(&self, account: &str) -> Result<Option<String>> {
        let Some(principal) = self.account_of(account).await? else {
            return Ok(None);
        };
        let key = self.store.link_key().await?;
        let hash = self
            .store
            .password_hash(principal)
            .await?
            .unwrap_or_default();
        let expires = (self.now() + RESET_LIFETIME).as_second();
        Ok(Some(seal(
            key.expose(),
            "password-reset",
            &format!("{account}.{expires}"),
            &hash,
        )))
    }

    /// The account a reset link is for, while the link works.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] with the reason for a link that is altered, expired, used, or
    /// whose account is gone or deactivated.
    pub async fn reset_link_account(&self, token: &str) -> Result<Principal> {
        let invalid = || DeskError::Forbidden(Text::new("reset-invalid"));
        let claim = peek(token).ok_or_else(invalid)?;
        let (account, expires) = claim.rsplit_once('.').ok_or_else(invalid)?;
        let expires: i64 = expires.parse().map_err(|_| invalid())?;
        let principal = self.account_of(account).await?.ok_or_else(invalid)?;
        let key = self.store.link_key().await?;
        let hash = self
            .store
            .password_hash(principal)
            .await?
            .unwrap_or_default();
        // Bound to the hash of now: a link used once, or older than a password change, fails.
        unseal(key.expose(), "password-reset", token, &hash).ok_or_else(invalid)?;
        if self.now().as_second() > expires {
            return Err(DeskError::Forbidden(Text::new("reset-expired")));
        }
        Ok(principal)
    }

    /// Sets a new password by a reset link; every session of the account ends.
    ///
    /// # Errors
    ///
    /// As [`Desk::reset_link_account`]; [`DeskError::Invalid`] on `new_password` when it is
    /// too short.
    pub async fn reset_password(&self, token: &str, new: String) -> Result<Principal> {
        let who = self.reset_link_account(token).await?;
        if new.chars().count() < crate::MIN_PASSWORD {
            return Err(DeskError::field(
                "new_password",
                Text::new("dir-password-short").num("min", crate::MIN_PASSWORD as f64),
            ));
        }
        let hash = self.hashed(new).await?;
        match who {
            Principal::Agent(a, _) => self.store.set_agent_password(a, &hash, None).await?,
            Principal::Contact(c, _) => self.store.set_contact_password(c, &hash, None).await?,
            Principal::Token(..) => return Err(DeskError::Forbidden(Text::new("reset-invalid"))),
        }
        tracing::info!(account = %account_ref(who), "password reset by a link in mail");
        Ok(who)
    }

    /// An active account by its reference.
    async fn account_of(&self, account: &str) -> Result<Option<Principal>> {
        let (kind, id) = account.split_once(':').unwrap_or((account, ""));
        let Ok(id) = id.parse::<i64>() else {
            return Ok(None);
        };
        let found = match kind {
            "agent" => self
                .store
                .agent(AgentId(id))
                .await
                .map(|a| a.active.then_some(Principal::Agent(a.id, a.role))),
            "contact" => self
                .store
                .contact(ContactId(id))
                .await
                .map(|c| c.active.then_some(Principal::Contact(c.id, c.organization))),
            _ => return Ok(None),
        };
        match found {
            Ok(p) => Ok(p),
            Err(StoreError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

fn account_ref(p: Principal) -> String {
    match p {
        Principal::Agent(a, _) => format!("agent:{}", a.0),
        Principal::Contact(c, _) => format!("contact:{}", c.0),
        Principal::Token(t, _) => format!("token:{}", t.0),
    }
}
