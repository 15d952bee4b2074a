//! Accounts: argon2id password hashes for agents and customer contacts, database-backed
//! sessions with a CSRF token each, and API tokens for integrations. Session and API tokens are
//! random 256-bit values; only their SHA-256 hashes are stored.

use std::fmt;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use jiff::Timestamp;
use reglament_domain::{AgentId, ContactId, EmailAddress, OrgId, Role};
use sha2::{Digest, Sha256};

use crate::{Result, Store, StoreError, next_value};

/// A secret (a password, a session or API token, a CSRF token) that never shows in `Debug` or
/// logs and is wiped from memory when dropped: `secrecy`'s `SecretString`, with the one accessor
/// the code base uses.
#[derive(Clone)]
pub struct Secret(secrecy::SecretString);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(secrecy::SecretString::from(s.into()))
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        use secrecy::ExposeSecret;
        self.0.expose_secret()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

pub use reglament_domain::Principal;

/// An integration's API token as the admin sees it: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ApiToken {
    /// The id.
    pub id: i64,
    /// The name it was given.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// When it was made.
    pub created_at: Timestamp,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// A signed-in session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub principal: Principal,
    /// The token every form must carry.
    pub csrf: Secret,
    /// When it ends.
    pub expires_at: Timestamp,
}

fn argon() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid parameters"),
    )
}

/// Hashes a password with argon2id and a random salt. Slow by design: call it off the async
/// executor (`spawn_blocking`).
///
/// # Errors
///
/// [`StoreError::Other`] when the system has no randomness, or the password is empty.
pub fn hash_password(password: &Secret) -> Result<String> {
    if password.expose().is_empty() {
        return Err(StoreError::Other("the password is empty".into()));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Other(format!("no randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| StoreError::Other(e.to_string()))?;
    Ok(argon()
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|e| StoreError::Other(e.to_string()))?
        .to_string())
}

/// Whether a password matches a stored hash.
pub fn verify_password(password: &Secret, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        argon()
            .verify_password(password.expose().as_bytes(), &h)
            .is_ok()
    })
}

/// A new random token, URL-safe.
///
/// # Errors
///
/// [`StoreError::Other`] when the system has no randomness.
pub fn new_token() -> Result<Secret> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Other(format!("no randomness: {e}")))?;
    Ok(Secret::new(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
    ))
}

fn token_hash(token: &Secret) -> String {
    let digest = Sha256::digest(token.expose().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Sets an agent's password hash and ends the agent's sessions but `keep` (the session
    /// that changed its own password).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is no such agent.
    pub async fn set_agent_password(
        &self,
        id: AgentId,
        hash: &str,
        keep: Option<&Secret>,
    ) -> Result<()> {
        self.set_password("agents", "agent", id.0, hash, keep).await
    }

    /// Sets a contact's password hash and ends the contact's sessions but `keep`.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is no such contact.
    pub async fn set_contact_password(
        &self,
        id: ContactId,
        hash: &str,
        keep: Option<&Secret>,
    ) -> Result<()> {
        self.set_password("contacts", "contact", id.0, hash, keep)
            .await
    }

    async fn set_password(
        &self,
        table: &str,
        kind: &str,
        id: i64,
        hash: &str,
        keep: Option<&Secret>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let r = sqlx::query(&format!(
            "UPDATE {table} SET password_hash = $1 WHERE id = $2"
        ))
        .bind(hash)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        end_sessions_in(&mut tx, kind, id, keep).await?;
        tx.commit().await
    }

    /// The stored password hash of a principal's account, if it has one.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for tokens and unknown accounts.
    pub async fn password_hash(&self, principal: Principal) -> Result<Option<String>> {
        let (table, id) = match principal {
            Principal::Agent(a, _) => ("agents", a.0),
            Principal::Contact(c, _) => ("contacts", c.0),
            Principal::Token(..) => return Err(StoreError::NotFound),
        };
        let row: Option<(Option<String>,)> =
            sqlx::query_as(&format!("SELECT password_hash FROM {table} WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        row.map(|(h,)| h).ok_or(StoreError::NotFound)
    }

    /// The account and stored hash for a login email: an active agent first, then a contact.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when no account with a password has this email.
    pub async fn credentials(&self, email: &EmailAddress) -> Result<(Principal, String)> {
        let e = email.as_str().to_lowercase();
        let agent: Option<(i64, String, Option<String>)> = sqlx::query_as(
            "SELECT id, role, password_hash FROM agents WHERE email = $1 AND active = 1",
        )
        .bind(&e)
        .fetch_optional(self.pool())
        .await?;
        if let Some((id, role, Some(hash))) = agent {
            let role = role.parse()?;
            return Ok((Principal::Agent(AgentId(id), role), hash));
        }
        let contact: Option<(i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, organization_id, password_hash FROM contacts WHERE email = $1 AND active = 1",
        )
        .bind(&e)
        .fetch_optional(self.pool())
        .await?;
        match contact {
            Some((id, org, Some(hash))) => {
                Ok((Principal::Contact(ContactId(id), OrgId(org)), hash))
            }
            _ => Err(StoreError::NotFound),
        }
    }

    /// The active account (agent first, then contact) an address belongs to, with or without
    /// a password yet.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn account_by_email(&self, email: &EmailAddress) -> Result<Option<Principal>> {
        let e = email.as_str().to_lowercase();
        let agent: Option<(i64, String)> =
            sqlx::query_as("SELECT id, role FROM agents WHERE email = $1 AND active = 1")
                .bind(&e)
                .fetch_optional(self.pool())
                .await?;
        if let Some((id, role)) = agent {
            return Ok(Some(Principal::Agent(AgentId(id), role.parse()?)));
        }
        let contact: Option<(i64, i64)> = sqlx::query_as(
            "SELECT id, organization_id FROM contacts WHERE email = $1 AND active = 1",
        )
        .bind(&e)
        .fetch_optional(self.pool())
        .await?;
        Ok(contact.map(|(id, org)| Principal::Contact(ContactId(id), OrgId(org))))
    }

    /// Starts a session and returns its token (to put in a cookie) and the session.
    ///
    /// # Errors
    ///
    /// [`StoreError::Other`] for tokens as principals; any storage error.
    pub async fn create_session(
        &self,
        principal: Principal,
        now: Timestamp,
        ttl: jiff::SignedDuration,
    ) -> Result<(Secret, Session)> {
        let (kind, id) = match principal {
            Principal::Agent(a, _) => ("agent", a.0),
            Principal::Contact(c, _) => ("contact", c.0),
            Principal::Token(..) => {
                return Err(StoreError::Other("API tokens do not open sessions".into()));
            }
        };
        let token = new_token()?;
        let csrf = new_token()?;
        let expires_at = now + ttl;
        sqlx::query("INSERT INTO sessions (token_hash, subject_kind, subject_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(token_hash(&token))
            .bind(kind)
            .bind(id)
            .bind(csrf.expose())
            .bind(now.as_second())
            .bind(expires_at.as_second())
            .execute(self.pool())
            .await?;
        Ok((
            token,
            Session {
                principal,
                csrf,
                expires_at,
            },
        ))
    }

    /// The live session of a token, with the account's current role or organization.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown or expired token, or a deactivated agent.
    pub async fn session(&self, token: &Secret, now: Timestamp) -> Result<Session> {
        let row: Option<(String, i64, String, i64)> = sqlx::query_as(
            "SELECT subject_kind, subject_id, csrf, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash(token))
        .bind(now.as_second())
        .fetch_optional(self.pool())
        .await?;
        let (kind, id, csrf, expires) = row.ok_or(StoreError::NotFound)?;
        let principal = match kind.as_str() {
            "agent" => {
                let a = self.agent(AgentId(id)).await?;
                if !a.active {
                    return Err(StoreError::NotFound);
                }
                Principal::Agent(a.id, a.role)
            }
            _ => {
                let c = self.contact(ContactId(id)).await?;
                if !c.active {
                    return Err(StoreError::NotFound);
                }
                Principal::Contact(c.id, c.organization)
            }
        };
        Ok(Session {
            principal,
            csrf: Secret::new(csrf),
            expires_at: Timestamp::from_second(expires).unwrap_or(now),
        })
    }

    /// Deletes the sessions that have expired by `now`, and returns how many.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn purge_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.as_second())
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected())
    }

    /// Ends a session.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn end_session(&self, token: &Secret) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Creates an API token with a role and returns it; it is shown only this once.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn create_api_token(
        &self,
        name: &str,
        role: Role,
        now: Timestamp,
    ) -> Result<(i64, Secret)> {
        let token = new_token()?;
        let mut tx = self.begin().await?;
        let id = next_value(&mut tx, "api_tokens").await?;
        sqlx::query("INSERT INTO api_tokens (id, token_hash, name, role, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(token_hash(&token))
            .bind(name)
            .bind(role.as_str())
            .bind(now.as_second())
            .execute(&mut **tx)
            .await?;
        tx.commit().await?;
        Ok((id, token))
    }

    /// The principal of an API token.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown or revoked token.
    pub async fn api_token(&self, token: &Secret) -> Result<Principal> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, role FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash(token))
        .fetch_optional(self.pool())
        .await?;
        let (id, role) = row.ok_or(StoreError::NotFound)?;
        let role = role.parse()?;
        Ok(Principal::Token(reglament_domain::TokenId(id), role))
    }

    /// Every API token, newest first, live and revoked.
    ///
    /// # Errors
    ///
    /// Any storage error.
    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>> {
        let rows: Vec<(i64, String, String, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        let at = |s: i64| Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH);
        rows.into_iter()
            .map(|(id, name, role, created, revoked)| {
                Ok(ApiToken {
                    id,
                    name,
                    role: role.parse()?,
                    created_at: at(created),
                    revoked_at: revoked.map(at),
                })
            })
            .collect()
    }

    /// Revokes an API token.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when there is no such live token.
    pub async fn revoke_api_token(&self, id: i64, now: Timestamp) -> Result<()> {
        let r = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(now.as_second())
        .bind(id)
        .execute(self.pool())
        .await?;
        if r.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

/// Ends an account's sessions, but `keep`, inside a write.
pub(crate) async fn end_sessions_in(
    tx: &mut crate::WriteTx,
    kind: &str,
    id: i64,
    keep: Option<&Secret>,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM sessions WHERE subject_kind = $1 AND subject_id = $2 AND token_hash <> $3",
    )
    .bind(kind)
    .bind(id)
    .bind(keep.map(token_hash).unwrap_or_default())
    .execute(&mut ***tx)
    .await?;
    Ok(())
}

impl Store {
    /// The key that signs links in mail (confirm, object, rate), made once for the whole
    /// installation and kept in the database, so that every node signs and checks alike.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn link_key(&self) -> Result<Secret> {
        let read = || async {
            sqlx::query_as::<_, (String,)>(
                "SELECT value FROM settings WHERE name = 'mail_link_key'",
            )
            .fetch_optional(&self.pool)
            .await
        };
        if let Some((key,)) = read().await? {
            return Ok(Secret::new(key));
        }
        let fresh = new_token()?;
        // The first node to ask makes it; the others read the same one.
        sqlx::query("INSERT INTO settings (name, value) VALUES ('mail_link_key', $1) ON CONFLICT (name) DO NOTHING")
            .bind(fresh.expose())
            .execute(&self.pool)
            .await?;
        let (key,): (String,) =
            sqlx::query_as("SELECT value FROM settings WHERE name = 'mail_link_key'")
                .fetch_one(&self.pool)
                .await?;
        Ok(Secret::new(key))
    }
}
