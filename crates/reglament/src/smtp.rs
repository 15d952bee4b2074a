//! Delivering the outbox over SMTP with lettre: STARTTLS, implicit TLS or (for a relay on this
//! machine) none, with authentication. Each message is claimed, marked just before it is
//! handed to the server, and marked sent; the desk keeps that a message never goes twice.

use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, AsyncTokioStream, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use reglament_desk::{Desk, Sender};
use secrecy::ExposeSecret;

use crate::config::{MailSection, SmtpSection};

/// How long a connection, a TLS handshake or one SMTP exchange may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A connection idle this long is checked with `NOOP` before it is used again; the server may
/// have closed it.
const IDLE_CHECK: Duration = Duration::from_secs(5);

/// The SMTP server the outbox goes to, and the one connection kept open to it.
///
/// The connection is lettre's SMTP client over a TCP socket opened here with `TCP_NODELAY`:
/// lettre 0.11.23 leaves Nagle's algorithm on, and its last write of each message (`.`) then
/// waits for the server's delayed ACK, 40 ms a message (lettre pull request 1159).
pub struct Smtp {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    open: Option<(AsyncSmtpConnection, Instant)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Security {
    StartTls,
    Tls,
    None,
}

/// Why a message did not go.
#[derive(Debug)]
pub struct SendError {
    /// The server refused it for good (5xx): trying again will not help.
    pub permanent: bool,
    /// What went wrong, for the outbox and the ticket.
    pub text: String,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn transient(e: impl std::fmt::Display) -> SendError {
    SendError {
        permanent: false,
        text: e.to_string(),
    }
}

impl Smtp {
    /// The server a configuration names; nothing is connected yet.
    ///
    /// # Errors
    ///
    /// A security mode that is not `starttls`, `tls` or `none`.
    pub fn new(s: &SmtpSection) -> anyhow::Result<Smtp> {
        let security = match s.security.as_str() {
            "starttls" => Security::StartTls,
            "tls" => Security::Tls,
            "none" => Security::None,
            other => anyhow::bail!(
                "[mail.smtp] security `{other}` is not known: use `starttls`, `tls` or `none`"
            ),
        };
        let port = s.port.unwrap_or(match security {
            Security::Tls => 465,
            Security::StartTls => 587,
            Security::None => 25,
        });
        let credentials = match (&s.username, &s.password) {
            (Some(u), Some(p)) => Some(Credentials::new(u.clone(), p.expose_secret().to_string())),
            _ => None,
        };
        Ok(Smtp {
            host: s.host.clone(),
            port,
            security,
            credentials,
            hello: ClientId::default(),
            open: None,
        })
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let tcp = tokio::time::timeout(
            TIMEOUT,
            tokio::net::TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        .map_err(|_| {
            transient(format!(
                "no connection to {}:{} within 30 s",
                self.host, self.port
            ))
        })?
        .map_err(|e| {
            transient(format!(
                "cannot connect to {}:{}: {e}",
                self.host, self.port
            ))
        })?;
        tcp.set_nodelay(true).map_err(transient)?;
        let stream: Box<dyn AsyncTokioStream> = match self.security {
            Security::Tls => Box::new(implicit_tls(tcp, &self.host).await?),
            Security::StartTls | Security::None => Box::new(tcp),
        };
        let mut conn = tokio::time::timeout(
            TIMEOUT,
            AsyncSmtpConnection::connect_with_transport(stream, &self.hello),
        )
        .await
        .map_err(|_| transient("the server did not greet within 30 s"))?
        .map_err(transient)?;
        if self.security == Security::StartTls {
            let tls = TlsParameters::new(self.host.clone()).map_err(transient)?;
            tokio::time::timeout(TIMEOUT, conn.starttls(tls, &self.hello))
                .await
                .map_err(|_| transient("no STARTTLS within 30 s"))?
                .map_err(transient)?;
        }
        if let Some(c) = &self.credentials {
            tokio::time::timeout(TIMEOUT, conn.auth(&[Mechanism::Plain, Mechanism::Login], c))
                .await
                .map_err(|_| transient("no answer to authentication within 30 s"))?
                .map_err(|e| SendError {
                    permanent: e.is_permanent(),
                    text: format!("authentication refused: {e}"),
                })?;
        }
        Ok(conn)
    }

    /// Makes sure a working connection is open: the one kept, checked with `NOOP` after a
    /// while idle, or a new one. Call it before a message is marked as being sent, so that a
    /// server that cannot be reached leaves the message to be tried again.
    ///
    /// # Errors
    ///
    /// Why the server could not be reached or refused the session.
    pub async fn ready(&mut self) -> Result<(), SendError> {
        let reuse = match &mut self.open {
            Some((conn, last)) if !conn.has_broken() => {
                last.elapsed() < IDLE_CHECK
                    || tokio::time::timeout(TIMEOUT, conn.test_connected())
                        .await
                        .unwrap_or(false)
            }
            _ => false,
        };
        if !reuse {
            if let Some((mut old, _)) = self.open.take() {
                let _ = tokio::time::timeout(Duration::from_secs(5), old.quit()).await;
            }
            self.open = Some((self.connect().await?, Instant::now()));
        }
        Ok(())
    }

    /// Sends one message over the connection [`Smtp::ready`] opened.
    ///
    /// # Errors
    ///
    /// The server's refusal. A message the server stopped answering about after it was
    /// handed over may have been delivered: that counts as permanent, so it is never sent
    /// twice.
    pub async fn send(&mut self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        let Some((conn, last)) = self.open.as_mut() else {
            return Err(transient("no connection to the mail server"));
        };
        let sent = tokio::time::timeout(TIMEOUT * 4, conn.send(envelope, raw)).await;
        *last = Instant::now();
        match sent {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => {
                let permanent = e.is_permanent();
                if !permanent {
                    // A transient failure may have left the session in any state.
                    self.open = None;
                }
                Err(SendError {
                    permanent,
                    text: e.to_string(),
                })
            }
            Err(_) => {
                self.open = None;
                Err(SendError {
                    permanent: true,
                    text: "the mail server stopped answering while the message was sent; it may have been delivered".into(),
                })
            }
        }
    }
}

async fn implicit_tls(tcp: tokio::net::TcpStream, host: &str) -> Result<TlsStream, SendError> {
    let tls = tokio::time::timeout(TIMEOUT, crate::tls::connect(tcp, host))
        .await
        .map_err(|_| transient("no TLS handshake within 30 s"))?
        .map_err(|e| transient(format!("{e:#}")))?;
    Ok(TlsStream(tls))
}

/// A TLS stream lettre's client can drive.
#[derive(Debug)]
struct TlsStream(tokio_rustls::client::TlsStream<tokio::net::TcpStream>);

impl tokio::io::AsyncRead for TlsStream {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for TlsStream {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

impl AsyncTokioStream for TlsStream {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
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
    mut smtp: Smtp,
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
            // Connected first: a server that cannot be reached leaves the message to be tried
            // again, not marked as possibly sent.
            if let Err(e) = smtp.ready().await {
                tracing::warn!(error = %e, outbox = mail.outbox, "mail server not reachable");
                let _ = desk
                    .within_limit(desk.outgoing_failed(&mail, &e.text, e.permanent))
                    .await;
                break;
            }
            if let Err(e) = desk.within_limit(desk.outgoing_sending(mail.outbox)).await {
                tracing::warn!(error = %e, "cannot mark a message as sending; not sent");
                break;
            }
            match smtp.send(&envelope, &mail.raw).await {
                Ok(_) => {
                    if let Err(e) = desk.within_limit(desk.outgoing_sent(mail.outbox)).await {
                        tracing::warn!(error = %e, outbox = mail.outbox, "sent, but cannot mark it so");
                    } else {
                        tracing::info!(outbox = mail.outbox, "mail sent");
                    }
                    send_copies(&mut smtp, &sender, &mail).await;
                }
                Err(e) => {
                    let permanent = e.permanent;
                    tracing::warn!(error = %e, outbox = mail.outbox, permanent, "mail not sent");
                    let _ = desk
                        .within_limit(desk.outgoing_failed(&mail, &e.text, permanent))
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

/// The copied addresses of a message that went out, each in an envelope of its own: a refusal
/// is logged and fails nobody else's mail. Copies are not retried, so none goes twice.
async fn send_copies(smtp: &mut Smtp, sender: &Sender, mail: &reglament_desk::OutgoingMail) {
    for copy in &mail.copies {
        let envelope = match (sender.address.parse(), copy.parse()) {
            (Ok(from), Ok(to)) => Envelope::new(Some(from), vec![to]),
            _ => {
                tracing::warn!(outbox = mail.outbox, copy = %copy, "a copied address is not one");
                continue;
            }
        };
        let Ok(envelope) = envelope else { continue };
        let sent = match smtp.ready().await {
            Ok(()) => smtp.send(&envelope, &mail.raw).await,
            Err(e) => Err(e),
        };
        match sent {
            Ok(()) => tracing::info!(outbox = mail.outbox, copy = %copy, "copy sent"),
            Err(e) => {
                tracing::warn!(outbox = mail.outbox, copy = %copy, error = %e, "copy not sent")
            }
        }
    }
}
