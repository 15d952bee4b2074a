//! Identity: signing in with a password, sessions and their CSRF tokens, and API tokens — each
//! resolved to the one [`Principal`] type the rest of the desk works with.

use jiff::{SignedDuration, Timestamp};
use reglament_domain::{EmailAddress, Principal};
use reglament_store::StoreError;
use reglament_store::accounts::{Secret, hash_password, new_token, verify_password};

use crate::{Desk, DeskError, Result, Text};

/// How long a session lasts.
pub const SESSION_TTL: SignedDuration = SignedDuration::from_hours(12);

/// A new session.
#[derive(Debug)]
pub struct SignedIn {
    /// Who signed in.
    pub principal: Principal,
    /// The session token, for the cookie; shown once.
    pub token: Secret,
    /// The CSRF token every change made with the session must carry.
    pub csrf: Secret,
    /// When the session ends.
    pub expires_at: Timestamp,
}

/// Wrong passwords per account before the account waits.
const FREE_FAILURES: u32 = 5;
/// Wrong passwords from one client address, over any accounts, before the address waits: many
/// more, since an office or a mobile network shares one address.
const FREE_FAILURES_PER_ADDRESS: u32 = 30;
/// The first wait; each further failure doubles it, up to [`MAX_WAIT`].
const FIRST_WAIT: SignedDuration = SignedDuration::from_mins(1);
/// The longest wait.
const MAX_WAIT: SignedDuration = SignedDuration::from_mins(15);
/// Failures older than this are forgotten.
const FORGET_AFTER: SignedDuration = SignedDuration::from_mins(15);
/// At most this many accounts are remembered; the oldest are forgotten first.
const REMEMBERED: usize = 10_000;

/// Wrong passwords by account: after a few, the account must wait a growing while before the
/// next check, so guessing is slow while the owner, who knows the password, waits at most
/// minutes. It is this node's memory: several nodes each count their own.
#[derive(Debug)]
pub(crate) struct Throttle {
    /// Failures allowed before the first wait.
    free: u32,
    failures: std::sync::Mutex<std::collections::HashMap<String, (u32, Timestamp)>>,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle::new(FREE_FAILURES)
    }
}

impl Throttle {
    /// A throttle that lets `free` failures pass before the first wait.
    pub(crate) fn new(free: u32) -> Throttle {
        Throttle {
            free,
            failures: Default::default(),
        }
    }

    /// The throttle of client addresses.
    pub(crate) fn per_address() -> Throttle {
        Throttle::new(FREE_FAILURES_PER_ADDRESS)
    }

    /// The wait left for an account, if any.
    fn wait(&self, key: &str, now: Timestamp) -> Option<SignedDuration> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let &(count, last) = map.get(key)?;
        if count < self.free {
            return None;
        }
        let extra = (count - self.free).min(10);
        let wait = (FIRST_WAIT * (1i32 << extra)).min(MAX_WAIT);
        let until = last + wait;
        (until > now).then(|| until.duration_since(now))
    }

    fn failed(&self, key: &str, now: Timestamp) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= REMEMBERED {
            map.retain(|_, (_, last)| now.duration_since(*last) < FORGET_AFTER);
            if map.len() >= REMEMBERED {
                map.clear();
            }
        }
        let e = map.entry(key.to_string()).or_insert((0, now));
        if now.duration_since(e.1) >= FORGET_AFTER + MAX_WAIT {
            e.0 = 0;
        }
        e.0 += 1;
        e.1 = now;
    }

    fn succeeded(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

/// An argon2id hash of a random password, made once, to check unknown emails against so that
/// response times do not tell which emails have accounts.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        new_token()
            .and_then(|t| hash_password(&t))
            .unwrap_or_default()
    })
}

impl Desk {
    /// Signs in with an email and a password. The password check runs off the async executor,
    /// at most as many at once as the machine has cores (a request waits a second for its turn);
    /// unknown emails cost the same check.
    ///
    /// # Errors
    ///
    /// [`DeskError::Unauthorized`] for a wrong email or password; [`DeskError::Busy`] when
    /// every password check is taken; [`DeskError::TooManyAttempts`] after five wrong
    /// passwords for the account, for a minute, then two, doubling up to fifteen; storage
    /// errors.
    pub async fn sign_in(&self, email: &str, password: Secret) -> Result<SignedIn> {
        self.sign_in_from(email, password, None).await
    }

    /// As [`Desk::sign_in`], from a client address: besides each account, each address gets
    /// thirty wrong passwords (over any accounts) before it waits the same growing while, so
    /// one client cannot try a password on every account. A success clears the account's
    /// count, never the address's.
    ///
    /// # Errors
    ///
    /// As for [`Desk::sign_in`].
    pub async fn sign_in_from(
        &self,
        email: &str,
        password: Secret,
        from: Option<std::net::IpAddr>,
    ) -> Result<SignedIn> {
        let key = email.trim().to_lowercase();
        let address = from.map(|a| a.to_string());
        let now = self.now();
        let waits = [
            (self.throttle.wait(&key, now), "the account"),
            (
                address
                    .as_deref()
                    .and_then(|a| self.address_throttle.wait(a, now)),
                "the client address",
            ),
        ];
        if let Some((wait, whose)) = waits
            .iter()
            .filter_map(|(w, whose)| w.map(|w| (w, *whose)))
            .max_by_key(|(w, _)| *w)
        {
            tracing::warn!(
                wait_s = wait.as_secs(),
                client = address.as_deref().unwrap_or("unknown"),
                "sign-in refused: too many wrong passwords for {whose}"
            );
            return Err(DeskError::TooManyAttempts(wait.as_secs().max(1) as u64));
        }
        let signed = self.check_password(email, password).await;
        match &signed {
            Ok(_) => self.throttle.succeeded(&key),
            Err(DeskError::Unauthorized) => {
                self.throttle.failed(&key, self.now());
                if let Some(a) = &address {
                    self.address_throttle.failed(a, self.now());
                }
            }
            Err(_) => {}
        }
        signed
    }

    async fn check_password(&self, email: &str, password: Secret) -> Result<SignedIn> {
        let known = match email.trim().parse::<EmailAddress>() {
            Ok(e) => match self.store.credentials(&e).await {
                Ok((p, h)) => Some((p, h)),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            Err(_) => None,
        };
        let hash = known
            .as_ref()
            .map_or_else(|| dummy_hash().to_string(), |(_, h)| h.clone());
        let ok = self.verified(password, hash).await?;
        let Some((principal, _)) = known.filter(|_| ok) else {
            // The address helps tell an attack from a forgotten password; the password never
            // leaves this function.
            // Only a well-formed address is logged: people type passwords into the email field.
            match email.trim().parse::<EmailAddress>() {
                Ok(e) => tracing::warn!(
                    email = e.as_str(),
                    "sign-in refused: wrong email or password"
                ),
                Err(_) => tracing::warn!("sign-in refused: the email is not an address"),
            }
            return Err(DeskError::Unauthorized);
        };
        let (token, session) = self
            .store
            .create_session(principal, self.now(), SESSION_TTL)
            .await?;
        Ok(SignedIn {
            principal,
            token,
            csrf: session.csrf,
            expires_at: session.expires_at,
        })
    }

    /// A turn at argon2id: at most as many checks or hashes run at once as the machine has
    /// cores, each taking about 19 MiB; a request waits a second for its turn, then is told to
    /// come back.
    async fn hashing_turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit> {
        tokio::time::timeout(
            std::time::Duration::from_secs(1),
            self.hashing.clone().acquire_owned(),
        )
        .await
        .map_err(|_| DeskError::Busy)?
        .map_err(|_| DeskError::Busy)
    }

    /// Whether a password matches a stored hash, in a hashing turn, off the executor.
    async fn verified(&self, password: Secret, hash: String) -> Result<bool> {
        let permit = self.hashing_turn().await?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            verify_password(&password, &hash)
        })
        .await
        .map_err(|e| DeskError::Internal(e.to_string()))
    }

    /// A new password's argon2id hash, in a hashing turn, off the executor.
    pub(crate) async fn hashed(&self, password: String) -> Result<String> {
        let permit = self.hashing_turn().await?;
        let secret = Secret::new(password);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            hash_password(&secret)
        })
        .await
        .map_err(|e| DeskError::Internal(e.to_string()))?
        .map_err(Into::into)
    }

    /// Changes the signed-in account's own password, given the current one. Every other
    /// session of the account ends; the one that made the change (`session`) stays.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] on `current_password` when it is wrong and on `new_password`
    /// when it is too short; [`DeskError::Forbidden`] for an API token, which has no password;
    /// [`DeskError::Busy`] when every password check is taken.
    pub async fn change_password(
        &self,
        who: Principal,
        session: &Secret,
        current: Secret,
        new: String,
    ) -> Result<()> {
        if matches!(who, Principal::Token(..)) {
            return Err(DeskError::Forbidden(Text::new("identity-token-password")));
        }
        if new.chars().count() < crate::MIN_PASSWORD {
            return Err(DeskError::field(
                "new_password",
                Text::new("dir-password-short").num("min", crate::MIN_PASSWORD as f64),
            ));
        }
        let stored = self.store.password_hash(who).await?;
        // An account without a password checks against the dummy, at the same cost.
        let hash = stored.clone().unwrap_or_else(|| dummy_hash().to_string());
        if !(self.verified(current, hash).await? && stored.is_some()) {
            tracing::warn!("password change refused: the current password is wrong");
            return Err(DeskError::field(
                "current_password",
                Text::new("identity-wrong-password"),
            ));
        }
        let h = self.hashed(new).await?;
        match who {
            Principal::Agent(a, _) => self.store.set_agent_password(a, &h, Some(session)).await?,
            Principal::Contact(c, _) => {
                self.store
                    .set_contact_password(c, &h, Some(session))
                    .await?
            }
            Principal::Token(..) => unreachable!("refused above"),
        }
        Ok(())
    }

    /// A fresh random token for a form that comes before any session, such as the sign-in
    /// form: the page sets it in a cookie and in the form, and the two must match.
    ///
    /// # Errors
    ///
    /// [`DeskError::Internal`] when the system has no randomness.
    pub fn form_token(&self) -> Result<Secret> {
        new_token().map_err(|e| DeskError::Internal(e.to_string()))
    }

    /// The principal of an API token.
    ///
    /// # Errors
    ///
    /// [`DeskError::Unauthorized`] for an unknown or revoked token.
    pub async fn authenticate_token(&self, token: &Secret) -> Result<Principal> {
        match self.store.api_token(token).await {
            Ok(p) => Ok(p),
            Err(StoreError::NotFound) => Err(DeskError::Unauthorized),
            Err(e) => Err(e.into()),
        }
    }

    /// The principal of a live session. A change (anything but reading) must carry the
    /// session's CSRF token: a browser sends the cookie with forged requests from other sites
    /// too.
    ///
    /// # Errors
    ///
    /// [`DeskError::Unauthorized`] for an unknown or expired session, or a deactivated
    /// account; [`DeskError::Forbidden`] for a change without the right CSRF token.
    pub async fn authenticate_session(
        &self,
        token: &Secret,
        change: bool,
        csrf: Option<&str>,
    ) -> Result<Principal> {
        let (principal, expected) = self.session(token).await?;
        if change && csrf != Some(expected.expose()) {
            return Err(DeskError::Forbidden(crate::Text::new("csrf-missing")));
        }
        Ok(principal)
    }

    /// The principal of a live session and the CSRF token its pages put in their forms.
    ///
    /// # Errors
    ///
    /// [`DeskError::Unauthorized`] for an unknown or expired session, or a deactivated
    /// account.
    pub async fn session(&self, token: &Secret) -> Result<(Principal, Secret)> {
        match self.store.session(token, self.now()).await {
            Ok(s) => Ok((s.principal, s.csrf)),
            Err(StoreError::NotFound) => Err(DeskError::Unauthorized),
            Err(e) => Err(e.into()),
        }
    }

    /// Issues an API token for an integration, with a role; the token is shown once.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for anyone but an admin; storage errors.
    pub async fn create_token(
        &self,
        who: Principal,
        name: &str,
        role: reglament_domain::Role,
    ) -> Result<(i64, Secret)> {
        crate::permissions::check(who, crate::Action::ManageAgents)?;
        Ok(self.store.create_api_token(name, role, self.now()).await?)
    }

    /// Every API token, newest first: names, roles and dates, never the tokens.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for anyone but an admin.
    pub async fn tokens(&self, who: Principal) -> Result<Vec<reglament_store::accounts::ApiToken>> {
        crate::permissions::check(who, crate::Action::ManageAgents)?;
        Ok(self.store.api_tokens().await?)
    }

    /// Revokes an API token: it stops working at once.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for anyone but an admin; [`DeskError::NotFound`] for an unknown
    /// or already revoked token.
    pub async fn revoke_token(&self, who: Principal, id: i64) -> Result<()> {
        crate::permissions::check(who, crate::Action::ManageAgents)?;
        Ok(self.store.revoke_api_token(id, self.now()).await?)
    }

    /// Ends a session; an unknown token is no error.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn sign_out(&self, token: &Secret) -> Result<()> {
        Ok(self.store.end_session(token).await?)
    }
}
