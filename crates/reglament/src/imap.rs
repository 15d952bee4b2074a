//! Polling mailboxes over IMAP: by UID, with IDLE where the server has it. A message is stored
//! first and only then marked `\Seen`, so a crash in between reads it again — and the store
//! keeps one copy per `Message-ID`. The position (UIDVALIDITY and last UID) is kept in the
//! database, so a restart goes on where it stopped; a mailbox is claimed, so two nodes never
//! poll it at once.

use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use futures_util::StreamExt;
use reglament_desk::Desk;
use secrecy::ExposeSecret;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::config::ImapSection;

/// A stream IMAP can run on: plain TCP to this machine, or TLS.
trait Stream: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Stream for T {}

async fn connect(m: &ImapSection) -> Result<Box<dyn Stream>> {
    let port = m
        .port
        .unwrap_or(if m.security == "none" { 143 } else { 993 });
    let tcp = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::net::TcpStream::connect((m.host.as_str(), port)),
    )
    .await
    .map_err(|_| anyhow!("connecting to {}:{port} timed out", m.host))?
    .with_context(|| format!("cannot connect to {}:{port}", m.host))?;
    match m.security.as_str() {
        "none" => Ok(Box::new(tcp)),
        "tls" => Ok(Box::new(crate::tls::connect(tcp, &m.host).await?)),
        other => Err(anyhow!(
            "[[mail.imap]] `{}`: security `{other}` is not known: use `tls` or `none`",
            m.name
        )),
    }
}

/// One session: log in, read what is new, then wait for more (IDLE, or a poll) until the
/// claim must be renewed.
async fn session(desk: &Desk, m: &ImapSection, source: &str) -> Result<()> {
    let stream = connect(m).await?;
    let mut client = async_imap::Client::new(stream);
    client
        .read_response()
        .await?
        .ok_or_else(|| anyhow!("the server closed the connection before greeting"))?;
    let mut session = client
        .login(&m.username, m.password.expose_secret())
        .await
        .map_err(|(e, _)| anyhow!("login as {} refused: {e}", m.username))?;
    let folder = m.folder.clone().unwrap_or_else(|| "INBOX".into());
    let idle = session
        .capabilities()
        .await
        .map(|c| c.has_str("IDLE"))
        .unwrap_or(false);
    for _ in 0..10 {
        let mailbox = session.select(&folder).await?;
        let validity = mailbox.uid_validity.unwrap_or(0);
        let last = match desk.within_limit(desk.mailbox_position(&m.name)).await? {
            // A new UIDVALIDITY numbers the messages afresh: read them all again (the store
            // keeps one copy of each).
            Some((v, uid)) if v == validity => uid,
            _ => 0,
        };
        let mut uids: Vec<u32> = session
            .uid_search(format!("UID {}:*", last + 1))
            .await?
            .into_iter()
            .filter(|u| *u > last)
            .collect();
        uids.sort_unstable();
        for uid in uids {
            let raw = {
                let mut fetched = session.uid_fetch(uid.to_string(), "BODY.PEEK[]").await?;
                let mut raw = None;
                while let Some(f) = fetched.next().await {
                    if let Some(b) = f?.body() {
                        raw = Some(b.to_vec());
                    }
                }
                raw
            };
            let Some(raw) = raw else { continue };
            // Stored first; only then is the message marked and the position moved.
            let (id, new) = desk
                .within_limit(desk.receive_mail(&raw, source))
                .await
                .map_err(|e| anyhow!("cannot store a message: {e}"))?;
            desk.within_limit(desk.set_mailbox_position(&m.name, validity, uid))
                .await
                .map_err(|e| anyhow!("{e}"))?;
            {
                let mut flagged = session
                    .uid_store(uid.to_string(), "+FLAGS (\\Seen)")
                    .await?;
                while flagged.next().await.is_some() {}
            }
            if new && let Err(e) = desk.within_limit(desk.process_mail(id)).await {
                tracing::warn!(error = %e, inbound = id, "a stored message is read later");
            }
            tracing::info!(mailbox = %m.name, uid, inbound = id, new, "mail taken from IMAP");
        }
        if idle {
            let mut handle = session.idle();
            handle.init().await?;
            let (wait, _stop) = handle.wait_with_timeout(Duration::from_secs(25));
            wait.await?;
            session = handle.done().await?;
        } else {
            tokio::time::sleep(Duration::from_secs(25)).await;
            session.noop().await?;
        }
        if !desk
            .claim_mailbox(&m.name, &node())
            .await
            .map_err(|e| anyhow!("{e}"))?
        {
            break;
        }
    }
    let _ = session.logout().await;
    Ok(())
}

/// This process, for mailbox claims.
fn node() -> String {
    static NODE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NODE.get_or_init(|| {
        let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
        format!("{}-{}", host.trim(), std::process::id())
    })
    .clone()
}

/// Polls one mailbox until stopped, reconnecting after a failure with a growing wait (up to
/// five minutes).
pub async fn poll(desk: Desk, m: ImapSection, mut stop: tokio::sync::watch::Receiver<bool>) {
    let source = format!("imap:{}", m.name);
    let mut backoff = 1u64;
    loop {
        let wait = match desk
            .within_limit(desk.claim_mailbox(&m.name, &node()))
            .await
        {
            Ok(true) => {
                let run = tokio::select! {
                    r = session(&desk, &m, &source) => r,
                    _ = stop.changed() => return,
                };
                match run {
                    Ok(()) => {
                        backoff = 1;
                        1
                    }
                    Err(e) => {
                        tracing::warn!(mailbox = %m.name, error = %format!("{e:#}"), "IMAP failed; reconnecting");
                        backoff = (backoff * 2).min(300);
                        backoff
                    }
                }
            }
            // Another node reads it; look again when its claim may have run out.
            Ok(false) => 30,
            Err(e) => {
                tracing::warn!(error = %e, "cannot claim the mailbox");
                30
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(wait)) => {}
            _ = stop.changed() => return,
        }
    }
}
