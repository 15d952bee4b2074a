//! `reglament migrate`, `reglament user create` and `reglament token create`: bootstrap a
//! database from the command line.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use reglament_desk::{
    AgentInput, ContactInput, Desk, DeskError, Lang, OPERATOR, OrganizationInput,
};
use reglament_domain::{OrgId, Role};
use reglament_store::Store;

/// A desk refusal for the terminal: every problem, in English.
fn refused(e: DeskError) -> anyhow::Error {
    anyhow::anyhow!("{}", e.render(Lang::En))
}

/// Where the database is.
#[derive(clap::Args, Debug, Clone)]
pub struct Db {
    /// `sqlite:PATH` (created if missing) or `postgres://…`; else `REGLAMENT_DATABASE__URL` or `[database] url` [default: sqlite:reglament-data/reglament.db]
    #[arg(long = "database-url")]
    url: Option<String>,
    #[command(flatten)]
    pub config: crate::config::ConfigArg,
}

impl Db {
    /// The database URL: the flag or `REGLAMENT_DATABASE__URL`, else the configuration file's,
    /// else SQLite in `./reglament-data`.
    pub fn url(&self) -> Result<String> {
        if let Some(u) = &self.url {
            return Ok(u.clone());
        }
        Ok(self
            .config
            .load()?
            .database
            .url
            .unwrap_or_else(|| crate::config::DEFAULT_DATABASE_URL.to_string()))
    }

    /// The desk on this database, under the configured regulation
    /// (`REGLAMENT_SERVER__REGULATION`, else the configuration file's, else the bundled
    /// example), as the server would run it.
    pub async fn desk(&self) -> Result<Desk> {
        self.desk_under(None).await
    }

    /// As [`Db::desk`], under a regulation file named on the command line when there is one.
    pub async fn desk_under(&self, regulation: Option<&std::path::Path>) -> Result<Desk> {
        let file = self.config.load()?;
        let path = regulation
            .map(std::path::Path::to_path_buf)
            .or_else(|| file.server.regulation.as_ref().map(|p| file.resolve(p)));
        let (source, origin) = crate::serve_cmd::regulation_text(path.as_deref())?;
        let regulation = reglament_regulation::Regulation::parse(&source)
            .map_err(|e| anyhow::anyhow!("{origin}:\n{e}"))?;
        let numbers = file
            .server
            .ticket_number
            .clone()
            .unwrap_or_else(|| crate::config::DEFAULT_TICKET_NUMBER.into())
            .parse()?;
        Ok(Desk::new(
            self.open_current().await?,
            std::sync::Arc::new(regulation),
            std::sync::Arc::new(numbers),
        )
        .with_own_addresses(file.mail.own_addresses()))
    }

    /// As [`Db::open`], skipping the migration run when the schema is current already, for
    /// the commands that start once per message or request (`mail ingest`, accounts).
    pub async fn open_current(&self) -> Result<Store> {
        let store = self.connect().await?;
        store
            .migrate_if_behind()
            .await
            .context("cannot apply the database migrations")?;
        Ok(store)
    }

    pub async fn open(&self) -> Result<Store> {
        let store = self.connect().await?;
        store
            .migrate()
            .await
            .context("cannot apply the database migrations")?;
        Ok(store)
    }

    async fn connect(&self) -> Result<Store> {
        let url = self.url()?;
        Store::connect(&url).await.with_context(|| {
            format!(
                "cannot open the database `{}`",
                reglament_store::redact(&url)
            )
        })
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum UserCommand {
    /// Create an agent account, or with `--customer` a customer contact.
    Create {
        #[command(flatten)]
        db: Db,
        /// The login email.
        #[arg(long)]
        email: String,
        /// Full name (ФИО).
        #[arg(long)]
        name: String,
        /// The agent's role: `admin`, `supervisor` or `agent`.
        #[arg(long, default_value = "agent", conflicts_with = "customer")]
        role: String,
        /// The agent's support line, such as `L1`.
        #[arg(long, conflicts_with = "customer")]
        line: Option<String>,
        /// Create a customer contact instead of an agent.
        #[arg(long, requires = "organization")]
        customer: bool,
        /// The customer's organization (created if it does not exist).
        #[arg(long)]
        organization: Option<String>,
        /// Read the password from the first line of standard input; otherwise one is generated
        /// and printed.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for an integration; it is printed once.
    Create {
        #[command(flatten)]
        db: Db,
        /// The token's role: `admin`, `supervisor` or `agent`.
        #[arg(long, default_value = "agent")]
        role: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "integration")]
        name: String,
    },
    /// List the API tokens: id, role, name, when made and when revoked; never the tokens.
    List {
        #[command(flatten)]
        db: Db,
    },
    /// Revoke an API token by its id; it stops working at once.
    Revoke {
        #[command(flatten)]
        db: Db,
        /// The token's id, as `token list` shows it.
        id: i64,
    },
}

pub async fn migrate(db: Db, out: &mut impl Write) -> Result<ExitCode> {
    let store = db.open().await?;
    writeln!(
        out,
        "migrated {:?} database {}",
        store.backend(),
        reglament_store::redact(&db.url()?)
    )?;
    Ok(ExitCode::SUCCESS)
}

pub async fn user(cmd: UserCommand, out: &mut impl Write) -> Result<ExitCode> {
    let UserCommand::Create {
        db,
        email,
        name,
        role,
        line,
        customer,
        organization,
        password_stdin,
    } = cmd;
    if name.trim().is_empty() {
        bail!("`--name` is empty");
    }
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        (line.trim_end_matches(['\n', '\r']).to_string(), false)
    } else {
        (
            reglament_store::accounts::new_token()?.expose().to_string(),
            true,
        )
    };
    let desk = db.desk().await?;
    if customer {
        let org_name = organization.expect("clap requires --organization with --customer");
        let existing = desk
            .organizations(OPERATOR)
            .await
            .map_err(refused)?
            .into_iter()
            .find(|o| o.name == org_name);
        let org = match existing {
            Some(o) => o,
            None => desk
                .create_organization(
                    OPERATOR,
                    OrganizationInput {
                        name: org_name.clone(),
                        ..Default::default()
                    },
                )
                .await
                .map_err(refused)?,
        };
        let contact = desk
            .create_contact(
                OPERATOR,
                OrgId(org.id),
                ContactInput {
                    full_name: name,
                    position: None,
                    phone: None,
                    email,
                    trusted: true,
                    owner: false,
                    password: Some(password.clone()),
                },
            )
            .await
            .map_err(refused)?;
        writeln!(
            out,
            "created customer contact {} of «{org_name}»",
            contact.email
        )?;
    } else {
        let agent = desk
            .create_agent(
                OPERATOR,
                AgentInput {
                    full_name: name,
                    email,
                    role,
                    line,
                    password: Some(password.clone()),
                },
            )
            .await
            .map_err(refused)?;
        writeln!(out, "created {} {}", agent.role.as_str(), agent.email)?;
    }
    if generated {
        writeln!(out, "password: {password}")?;
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn token(cmd: TokenCommand, out: &mut impl Write) -> Result<ExitCode> {
    let (db, role, name) = match cmd {
        TokenCommand::Create { db, role, name } => (db, role, name),
        TokenCommand::List { db } => {
            let desk = db.desk().await?;
            for t in desk.tokens(OPERATOR).await.map_err(refused)? {
                writeln!(
                    out,
                    "{}\t{}\t{}\tcreated {}\t{}",
                    t.id,
                    t.role.as_str(),
                    t.name,
                    desk.local_time(t.created_at),
                    t.revoked_at.map_or("live".to_string(), |r| format!(
                        "revoked {}",
                        desk.local_time(r)
                    ))
                )?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        TokenCommand::Revoke { db, id } => {
            let desk = db.desk().await?;
            desk.revoke_token(OPERATOR, id).await.map_err(|e| match e {
                DeskError::NotFound => anyhow::anyhow!("no live token with id {id}"),
                other => refused(other),
            })?;
            writeln!(out, "revoked token {id}")?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let role: Role = role.parse()?;
    let desk = db.desk().await?;
    let (id, token) = desk
        .create_token(OPERATOR, &name, role)
        .await
        .map_err(refused)?;
    writeln!(
        out,
        "token {id} ({}, {name}): {}",
        role.as_str(),
        token.expose()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `reglament backup`: a consistent snapshot of a SQLite database, taken while the server runs.
#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    db: Db,
    /// The snapshot file to write; it must not exist yet.
    #[arg(long, short)]
    output: std::path::PathBuf,
}

pub async fn backup(a: BackupArgs, out: &mut impl Write) -> Result<ExitCode> {
    let url = a.db.url()?;
    if !url.starts_with("sqlite:") {
        bail!(
            "`reglament backup` snapshots SQLite databases; for PostgreSQL use pg_dump, which takes a consistent snapshot of a running database:\n  pg_dump --format=custom --file={} '{}'\nand restore it with pg_restore --clean --dbname=<url> {}",
            a.output.display(),
            reglament_store::redact(&url),
            a.output.display()
        );
    }
    if a.output.exists() {
        bail!(
            "`{}` already exists; choose a new file name so no backup is overwritten",
            a.output.display()
        );
    }
    if let Some(dir) = a.output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    let store = a.db.open().await?;
    store
        .backup_sqlite(&a.output)
        .await
        .with_context(|| format!("cannot write the snapshot `{}`", a.output.display()))?;
    let size = std::fs::metadata(&a.output).map(|m| m.len()).unwrap_or(0);
    writeln!(
        out,
        "wrote a consistent snapshot of {} to {} ({size} bytes)",
        reglament_store::redact(&url),
        a.output.display()
    )?;
    writeln!(
        out,
        "restore: stop the server, then copy the snapshot over the database file"
    )?;
    Ok(ExitCode::SUCCESS)
}
