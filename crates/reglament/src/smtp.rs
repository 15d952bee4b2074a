//! Delivering the outbox over SMTP with lettre: STARTTLS, implicit TLS or (for a relay on this
//! machine) none, with authentication. Each message is claimed, marked just before it is
//! handed to the server, and marked sent; the desk keeps that a message never goes twice.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use reglament_desk::{Desk, Sender};
use secrecy::ExposeSecret;

use crate::config::{MailSection, SmtpSection};

/// The transport a configuration names.
pub fn transport(s: &SmtpSection) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match s.security.as_str() {
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?,
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)?,
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
        other => anyhow::bail!(
            "[mail.smtp] security `{other}` is not known: use `starttls`, `tls` or `none`"
        ),
    };
    let builder = match s.port {
        Some(p) => builder.port(p),
        None => builder,
    };
    let builder = match (&s.username, &s.password) {
        (Some(u), Some(p)) => {
            builder.credentials(Credentials::new(u.clone(), p.expose_secret().to_string()))
        }
        _ => builder,
    };
    Ok(builder
        .timeout(Some(std::time::Duration::from_secs(30)))
        .build())
}

/// The sender mail goes out as.
pub fn sender(m: &MailSection, fallback_name: &str, site: Option<&str>) -> Option<Sender> {
    Some(Sender {
        site: site.map(str::to_string),
        address: m.from.clone()?,
        name: m
            .from_name
            .clone()
            .unwrap_or_else(|| fallback_name.to_string()),
    })
}

/// Delivers what is due, then waits a few seconds; until stopped.
pub async fn worker(
    desk: Desk,
    smtp: AsyncSmtpTransport<Tokio1Executor>,
    sender: Sender,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        loop {
            let mail = match desk.within_limit(desk.next_outgoing(&sender)).await {
                Ok(Some(m)) => m,
                Ok(None) => break,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the outbox");
                    break;
                }
            };
            let envelope = match (
                sender.address.parse(),
                mail.to
                    .iter()
                    .map(|t| t.parse())
                    .collect::<Result<Vec<_>, _>>(),
            ) {
                (Ok(from), Ok(to)) => Envelope::new(Some(from), to).map_err(|e| e.to_string()),
                (Err(e), _) | (_, Err(e)) => Err(format!("{e}")),
            };
            let envelope = match envelope {
                Ok(e) => e,
                Err(e) => {
                    let _ = desk
                        .within_limit(desk.outgoing_failed(&mail, &e, true))
                        .await;
                    continue;
                }
            };
            if let Err(e) = desk.within_limit(desk.outgoing_sending(mail.outbox)).await {
                tracing::warn!(error = %e, "cannot mark a message as sending; not sent");
                break;
            }
            match smtp.send_raw(&envelope, &mail.raw).await {
                Ok(_) => {
                    if let Err(e) = desk.within_limit(desk.outgoing_sent(mail.outbox)).await {
                        tracing::warn!(error = %e, outbox = mail.outbox, "sent, but cannot mark it so");
                    } else {
                        tracing::info!(outbox = mail.outbox, "mail sent");
                    }
                }
                Err(e) => {
                    let permanent = e.is_permanent();
                    tracing::warn!(error = %e, outbox = mail.outbox, permanent, "mail not sent");
                    let _ = desk
                        .within_limit(desk.outgoing_failed(&mail, &e.to_string(), permanent))
                        .await;
                }
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(3)) => {}
            _ = stop.changed() => return,
        }
    }
}
