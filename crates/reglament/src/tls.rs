//! TLS from the first byte for the mail channels (IMAPS, SMTPS), checked against the web's
//! root certificates, with rustls on ring.

use std::sync::Arc;

use anyhow::{Context, Result};
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;

/// A TLS session with `host` over an open TCP connection.
///
/// # Errors
///
/// A host name that is not one, or a failed handshake (an untrusted certificate, say).
pub async fn connect(
    tcp: tokio::net::TcpStream,
    host: &str,
) -> Result<TlsStream<tokio::net::TcpStream>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_string())
        .with_context(|| format!("`{host}` is not a host name"))?;
    tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .with_context(|| format!("TLS with {host} failed"))
}
