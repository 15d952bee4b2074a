//! The configuration file and its layering. Each setting comes from, in order of precedence: its
//! command-line flag, its `REGLAMENT_*` environment variable, the configuration file
//! (`--config` or `REGLAMENT_CONFIG`), and finally the built-in default.
//!
//! ```toml
//! [database]
//! url = "postgres://reglament:secret@db.internal/reglament"
//!
//! [server]
//! listen = "0.0.0.0:8080"
//! regulation = "regulation.toml"   # relative to this file
//! ticket_number = "{year}-{seq:5}"
//! header_timeout_seconds = 10        # to send a request head; also the idle time between requests
//! max_connections = 1024             # served at once; beyond, new connections are closed
//! request_timeout_seconds = 30       # a request not answered by then answers 503
//! body_timeout_seconds = 20          # a body that sends nothing this long fails its request
//! metrics_token = "…"                # /metrics asks for it (or REGLAMENT_SERVER__METRICS_TOKEN)
//! client_address_header = "X-Forwarded-For"  # only behind a proxy that sets it
//!
//! [mail]
//! from = "support@example.ru"       # the support address mail goes out from
//! from_name = "Служба поддержки"
//!
//! [mail.smtp]                        # without it, the outbox waits
//! host = "smtp.example.ru"
//! port = 587
//! security = "starttls"              # "starttls", "tls" (implicit) or "none"
//! username = "support@example.ru"
//! password = "…"                     # or REGLAMENT_MAIL__SMTP__PASSWORD
//!
//! [[mail.imap]]                      # any number of mailboxes
//! name = "support"
//! host = "imap.example.ru"
//! port = 993
//! security = "tls"                   # or "none" for a server on this machine
//! username = "support@example.ru"
//! password = "…"
//! ```

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Deserialize;

/// The default database: SQLite in `./reglament-data`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:reglament-data/reglament.db";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The default ticket-number format.
pub const DEFAULT_TICKET_NUMBER: &str = "{year}-{seq:5}";

/// The configuration file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub database: DatabaseSection,
    #[serde(default)]
    pub server: ServerSection,
    #[serde(default)]
    pub mail: MailSection,
    /// Where the file was read from, for resolving relative paths.
    #[serde(skip)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    /// `sqlite:PATH` or `postgres://…`.
    pub url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    pub listen: Option<String>,
    pub regulation: Option<PathBuf>,
    pub ticket_number: Option<String>,
    /// How long a client has to send a request's head, and the longest a connection may sit
    /// idle between requests (default 10).
    pub header_timeout_seconds: Option<u64>,
    /// How many connections are served at once (default 1024); beyond, new ones are closed.
    pub max_connections: Option<usize>,
    /// How long a request body may send nothing before the request fails (default 20).
    pub body_timeout_seconds: Option<u64>,
    /// The longest a request may take to be answered before it answers 503 (default 30).
    pub request_timeout_seconds: Option<u64>,
    /// When set, `/metrics` answers only `Authorization: Bearer <this>`.
    pub metrics_token: Option<secrecy::SecretString>,
    /// Behind a reverse proxy: the header it puts the client's address in (`X-Forwarded-For`),
    /// trusted for the sign-in back-off. Without it, the connection's address counts.
    pub client_address_header: Option<String>,
    /// The site's address as customers reach it (`https://support.example.ru`), for links in
    /// mail; without it mail carries no links.
    pub public_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSection {
    /// The support address mail goes out from.
    pub from: Option<String>,
    /// Its display name.
    pub from_name: Option<String>,
    /// The SMTP server that delivers the outbox; without it, the outbox waits.
    pub smtp: Option<SmtpSection>,
    /// Mailboxes to poll over IMAP.
    #[serde(default)]
    pub imap: Vec<ImapSection>,
    /// A directory of mail templates replacing the built-in ones of the same name
    /// (`reglament mail templates DIR` writes the built-in ones there to start from).
    pub templates: Option<PathBuf>,
}

impl MailSection {
    /// The support addresses: the outbox's sender and the polled mailboxes' logins that are
    /// addresses.
    pub fn own_addresses(&self) -> Vec<String> {
        self.from
            .iter()
            .chain(self.imap.iter().map(|m| &m.username))
            .filter(|a| a.contains('@'))
            .cloned()
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImapSection {
    /// A name for the mailbox, recorded with every message from it.
    pub name: String,
    pub host: String,
    pub port: Option<u16>,
    /// `tls` (implicit, port 993; the default) or `none` (a server on this machine only).
    #[serde(default = "default_imap_security")]
    pub security: String,
    pub username: String,
    /// Never logged.
    pub password: secrecy::SecretString,
    /// The folder to read; `INBOX` by default.
    pub folder: Option<String>,
}

fn default_imap_security() -> String {
    "tls".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSection {
    pub host: String,
    pub port: Option<u16>,
    /// `starttls` (the default), `tls` (implicit, port 465) or `none` (a local relay only).
    #[serde(default = "default_security")]
    pub security: String,
    pub username: Option<String>,
    /// Never logged.
    pub password: Option<secrecy::SecretString>,
}

fn default_security() -> String {
    "starttls".into()
}

/// The `--config` flag, shared by every command that opens the database.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConfigArg {
    /// A configuration file (TOML with `[database]` and `[server]`); flags and `REGLAMENT_*`
    /// variables override it.
    #[arg(long = "config", env = "REGLAMENT_CONFIG")]
    pub path: Option<PathBuf>,
}

impl ConfigArg {
    /// The configuration: the file when one is given, under the `REGLAMENT_DATABASE__*` and
    /// `REGLAMENT_SERVER__*` variables (`__` nests: `REGLAMENT_SERVER__LISTEN` is
    /// `[server] listen`), layered with figment. Paths that come from the file are relative to
    /// its directory; paths from the environment, to the working directory.
    pub fn load(&self) -> Result<ConfigFile> {
        use figment::Figment;
        use figment::providers::{Env, Format, Toml};
        let mut figment = Figment::new();
        if let Some(path) = &self.path {
            std::fs::metadata(path).with_context(|| {
                format!("cannot read the configuration file `{}`", path.display())
            })?;
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(
            Env::prefixed("REGLAMENT_")
                .filter(|k| {
                    let k = k.as_str().to_ascii_lowercase();
                    k.starts_with("database__")
                        || k.starts_with("server__")
                        || k.starts_with("mail__")
                })
                .split("__"),
        );
        let mut file: ConfigFile = figment.extract().map_err(|e| {
            let mut msg = String::new();
            for e in e {
                msg.push_str(&e.to_string());
                msg.push('\n');
            }
            anyhow::anyhow!("{}", msg.trim_end())
        })?;
        let from_file = figment
            .find_metadata("server.regulation")
            .and_then(|m| m.source.as_ref())
            .and_then(|s| s.file_path())
            .is_some();
        file.dir = self
            .path
            .as_ref()
            .filter(|_| from_file)
            .and_then(|p| p.parent().map(Path::to_path_buf));
        Ok(file)
    }
}

impl ConfigFile {
    /// A path from the file, relative to the file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match &self.dir {
            Some(d) if p.is_relative() => d.join(p),
            _ => p.to_path_buf(),
        }
    }
}
