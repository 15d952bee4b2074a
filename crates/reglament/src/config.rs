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
    /// Reads the file, or an empty configuration when none is given.
    pub fn load(&self) -> Result<ConfigFile> {
        let Some(path) = &self.path else {
            return Ok(ConfigFile::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file `{}`", path.display()))?;
        let mut file: ConfigFile =
            toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}:\n{e}", path.display()))?;
        file.dir = path.parent().map(Path::to_path_buf);
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
