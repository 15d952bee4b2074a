//! `reglament serve`: the HTTP server and the timer worker on one database.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use jiff::Timestamp;
use reglament_desk::{AgentInput, ContactInput, Desk, Lang, OPERATOR, OrganizationInput, Request};
use reglament_domain::{OrgId, Principal, TicketNumberFormat};
use reglament_regulation::{ChannelKind, Regulation};
use reglament_store::Store;

use crate::accounts_cmd::Db;

/// The regulation served when none is configured: the Bitrix24 integrator's example, with its
/// three support lines.
const DEMO_REGULATION: &str =
    include_str!("../../../examples/regulations/bitrix24-integrator.toml");

/// The regulation's text and where it came from: the file, or the bundled example.
pub fn regulation_text(path: Option<&std::path::Path>) -> Result<(String, String)> {
    Ok(match path {
        Some(path) => (
            crate::read_text(path, "the regulation file")?,
            path.display().to_string(),
        ),
        None => (
            DEMO_REGULATION.to_string(),
            "the bundled example (Bitrix24 integrator)".to_string(),
        ),
    })
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    db: Db,
    /// The address to listen on; else `REGLAMENT_SERVER__LISTEN` or `[server] listen` [default: 127.0.0.1:8080]
    #[arg(long)]
    listen: Option<String>,
    /// The regulation file; else `REGLAMENT_SERVER__REGULATION` or `[server] regulation`, else the bundled Bitrix24 integrator example.
    #[arg(long)]
    regulation: Option<std::path::PathBuf>,
    /// The format of ticket numbers, with `{year}` and `{seq}` or `{seq:N}`; else `REGLAMENT_SERVER__TICKET_NUMBER` or `[server] ticket_number` [default: {year}-{seq:5}]
    #[arg(long)]
    ticket_number: Option<String>,
    /// Seed a demo organization, agents and tickets (once), and print the logins.
    #[arg(long)]
    demo: bool,
}

/// Logs go to standard error as JSON lines, one per event, filtered by `REGLAMENT_LOG`
/// (default `info`), so a log shipper can read them as they are.
fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REGLAMENT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(std::io::stderr)
        .try_init();
}

pub async fn run(a: Args, _out: &mut impl Write) -> Result<ExitCode> {
    init_logs();
    let mut file = a.db.config.load()?;
    let regulation_path = a
        .regulation
        .clone()
        .or_else(|| file.server.regulation.as_ref().map(|p| file.resolve(p)));
    let listen = a
        .listen
        .clone()
        .or(file.server.listen.clone())
        .unwrap_or_else(|| crate::config::DEFAULT_LISTEN.into());
    let ticket_number = a
        .ticket_number
        .clone()
        .or(file.server.ticket_number.clone())
        .unwrap_or_else(|| crate::config::DEFAULT_TICKET_NUMBER.into());
    let db_url = a.db.url()?;
    let (source, origin) = regulation_text(regulation_path.as_deref())?;
    let regulation = Regulation::parse(&source).map_err(|e| anyhow::anyhow!("{origin}:\n{e}"))?;
    let numbers: TicketNumberFormat = ticket_number.parse()?;
    let store = a.db.open().await?;
    let regulation = Arc::new(regulation);
    // Clocks follow the regulation: when it (or the built-in calendar, with a new version)
    // changed since the last start, every open ticket's projections are recomputed.
    let recomputed = store
        .reproject_if_changed(&regulation, &fingerprint(&source), Timestamp::now())
        .await
        .context("cannot recompute the open tickets under the regulation")?;
    if recomputed > 0 {
        tracing::info!(
            tickets = recomputed,
            "the regulation changed; open tickets recomputed"
        );
    }
    let mut desk = Desk::new(store.clone(), regulation.clone(), Arc::new(numbers))
        .with_source(source)
        .with_own_addresses(file.mail.own_addresses());
    if let Some(dir) = &file.mail.templates {
        let dir = file.resolve(dir);
        let templates = reglament_desk::MailTemplates::from_dir(&dir)
            .map_err(|e| anyhow::anyhow!("[mail] templates: {e}"))?;
        tracing::info!(dir = %dir.display(), replaced = ?templates.overridden(), "mail templates");
        desk = desk.with_mail_templates(templates);
    }
    if let Some(url) = &file.server.public_url
        && !(url.starts_with("https://") || url.starts_with("http://"))
    {
        anyhow::bail!("[server] public_url `{url}` must start with https:// or http://");
    }
    let logins = if a.demo {
        seed_demo(&desk).await?
    } else {
        Vec::new()
    };
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("cannot listen on `{listen}`"))?;
    let addr = listener.local_addr()?;
    let mail_desk = desk.clone();
    let mut state = reglament_web::AppState::new(desk);
    if let Some(secs) = file.server.body_timeout_seconds {
        state = state.with_body_timeout(std::time::Duration::from_secs(secs.max(1)));
    }
    if let Some(secs) = file.server.request_timeout_seconds {
        state = state.with_request_deadline(std::time::Duration::from_secs(secs.max(1)));
    }
    if let Some(h) = &file.server.client_address_header {
        let name = axum::http::HeaderName::try_from(h.as_str()).with_context(|| {
            format!("[server] client_address_header `{h}` is not a header name")
        })?;
        state = state.with_client_header(name);
    }
    if let Some(t) = &file.server.metrics_token {
        use secrecy::ExposeSecret;
        state = state.with_metrics_token(reglament_desk::Secret::new(t.expose_secret()));
    } else if !addr.ip().is_loopback() {
        tracing::warn!(
            "/metrics is open to anyone who reaches {addr}: set [server] metrics_token or put it behind a proxy"
        );
    }
    // The banner is best effort: a closed standard output must not stop the server.
    let banner = || -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "Reglament is running at http://{addr}/")?;
        writeln!(out, "  regulation: {} ({origin})", regulation.name)?;
        writeln!(out, "  database:   {}", reglament_store::redact(&db_url))?;
        writeln!(out, "  health:     http://{addr}/healthz")?;
        writeln!(
            out,
            "  API:        http://{addr}/api/v1/tickets (sign in: POST /api/v1/session)"
        )?;
        writeln!(
            out,
            "  sign in:    http://{addr}/ (agents and customers; the logins are below)"
        )?;
        writeln!(out, "  published:  http://{addr}/regulation")?;
        for (who, email, password) in &logins {
            writeln!(out, "  login ({who}): {email} / {password}")?;
        }
        out.flush()
    };
    let _ = banner();
    tracing::info!(addr = %addr, "listening");

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(worker(store.clone(), regulation.clone(), stop_rx.clone()));
    let mail = tokio::spawn(mail_worker(mail_desk.clone(), stop_rx.clone()));
    let mut pollers = Vec::new();
    for m in std::mem::take(&mut file.mail.imap) {
        tracing::info!(mailbox = %m.name, host = %m.host, "polling a mailbox over IMAP");
        pollers.push(tokio::spawn(crate::imap::poll(
            mail_desk.clone(),
            m,
            stop_rx.clone(),
        )));
    }
    // The outbox goes out when an SMTP server and a sender address are configured.
    let outbound = match (
        &file.mail.smtp,
        crate::smtp::sender(
            &file.mail,
            &regulation.name,
            Some(
                file.server
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{addr}")),
            )
            .as_deref(),
        ),
    ) {
        (Some(s), Some(sender)) => {
            let transport = crate::smtp::Smtp::new(s)?;
            tracing::info!(host = %s.host, from = %sender.address, "delivering the outbox over SMTP");
            Some(tokio::spawn(crate::smtp::worker(
                mail_desk, transport, sender, stop_rx,
            )))
        }
        (Some(_), None) => {
            anyhow::bail!("[mail.smtp] is set but [mail] from is not: mail needs a sender address")
        }
        _ => {
            tracing::info!("no [mail.smtp]: the outbox waits");
            None
        }
    };
    let defaults = crate::http::Limits::default();
    let limits = crate::http::Limits {
        header_timeout: file
            .server
            .header_timeout_seconds
            .map_or(defaults.header_timeout, std::time::Duration::from_secs),
        max_connections: file
            .server
            .max_connections
            .unwrap_or(defaults.max_connections),
        ..defaults
    };
    crate::http::serve(listener, reglament_web::router(state), limits, async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
    })
    .await;
    let _ = stop_tx.send(true);
    let _ = worker.await;
    let _ = mail.await;
    for p in pollers {
        let _ = p.await;
    }
    if let Some(o) = outbound {
        let _ = o.await;
    }
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// A stable fingerprint of the regulation text and this version's built-in calendar (FNV-1a).
fn fingerprint(source: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in env!("CARGO_PKG_VERSION")
        .bytes()
        .chain([0])
        .chain(source.bytes())
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{}:{h:016x}", env!("CARGO_PKG_VERSION"))
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler can be installed");
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// Fires due timers, sleeping until the next one is due. New timers written by this or another
/// node are noticed within five seconds at most.
/// Reads stored mail that is still pending — because the database went away between storing
/// and reading it, or a node stopped — every half minute.
async fn mail_worker(desk: Desk, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        match desk.within_limit(desk.process_pending_mail()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "pending mail read"),
            Err(e) => tracing::warn!(error = %e, "pending mail could not be read; retried later"),
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
            _ = stop.changed() => return,
        }
    }
}

async fn worker(store: Store, reg: Arc<Regulation>, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut purged: Option<std::time::Instant> = None;
    loop {
        let now = Timestamp::now();
        // Expired sessions are deleted hourly, so the table holds only live ones.
        if purged.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(3600)) {
            match store.within_limit(store.purge_expired_sessions(now)).await {
                Ok(n) => {
                    if n > 0 {
                        tracing::info!(sessions = n, "expired sessions purged");
                    }
                    purged = Some(std::time::Instant::now());
                }
                Err(e) => tracing::warn!(error = %e, "cannot purge expired sessions"),
            }
        }
        let wait = match store.within_limit(store.run_due_job(&reg, now)).await {
            Ok(Some(outcome)) => {
                tracing::info!(outcome = ?outcome, "timer");
                continue;
            }
            Ok(None) => match store.within_limit(store.next_job_due()).await {
                Ok(Some(due)) => (due.as_second() - now.as_second()).clamp(0, 5) as u64,
                Ok(None) => 5,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the timers");
                    5
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "a timer failed and will be retried");
                5
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 50)) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Seeds the demo data once, through the desk like any other caller, and returns the logins
/// to print: agents on the regulation's lines and a customer whose tickets start on the lines
/// their categories call for.
async fn seed_demo(desk: &Desk) -> Result<Vec<(String, String, String)>> {
    let reg = desk.regulation();
    let line = |i: usize| reg.lines.get(i).map(|l| l.id.clone());
    let staff = [
        (
            "administrator",
            "Администратор",
            "admin@reglament.local",
            "demo-admin-1",
            "admin",
            None,
        ),
        (
            "supervisor",
            "Соколова Мария",
            "supervisor@reglament.local",
            "demo-super-1",
            "supervisor",
            line(1),
        ),
        (
            "agent, first line",
            "Рудаков Алексей",
            "agent@reglament.local",
            "demo-agent-1",
            "agent",
            line(0),
        ),
        (
            "engineer, third line",
            "Ким Денис",
            "engineer@reglament.local",
            "demo-engineer-1",
            "agent",
            line(2),
        ),
    ];
    let mut logins: Vec<(String, String, String)> = staff
        .iter()
        .map(|(who, _, email, pw, _, _)| (who.to_string(), email.to_string(), pw.to_string()))
        .collect();
    logins.push((
        "customer".into(),
        "client@romashka.ru".into(),
        "demo-client-1".into(),
    ));
    if !desk.agents(OPERATOR).await?.is_empty() {
        return Ok(logins);
    }
    for (_, name, email, password, role, line) in staff {
        desk.create_agent(
            OPERATOR,
            AgentInput {
                full_name: name.into(),
                email: email.into(),
                role: role.into(),
                line,
                password: Some(password.into()),
            },
        )
        .await?;
    }
    let tariff = reg.known_tariffs().into_iter().next();
    let org = desk
        .create_organization(
            OPERATOR,
            OrganizationInput {
                name: "ООО «Ромашка»".into(),
                contract_number: Some("ТП-2026/17".into()),
                contract_from: Some("2026-01-01".into()),
                contract_to: Some("2026-12-31".into()),
                tariff,
                ..Default::default()
            },
        )
        .await?;
    let contact = desk
        .create_contact(
            OPERATOR,
            OrgId(org.id),
            ContactInput {
                full_name: "Иванов Иван Иванович".into(),
                position: Some("Главный бухгалтер".into()),
                phone: Some("+7 495 000-00-00".into()),
                email: "client@romashka.ru".into(),
                trusted: true,
                owner: true,
                password: Some("demo-client-1".into()),
            },
        )
        .await?;
    let customer = Principal::Contact(contact.id, contact.organization);
    // One ticket per category the regulation has, up to three, so the demo's tickets start on
    // different lines; a regulation without categories gets three plain ones.
    let subjects = [
        (
            "Не проходит выгрузка в 1С",
            "После обновления выгрузка обрывается с ошибкой.",
        ),
        (
            "Медленно открывается отчёт по продажам",
            "Отчёт за месяц открывается больше минуты.",
        ),
        (
            "Как настроить права доступа для нового сотрудника?",
            "Новый сотрудник не видит раздел «Сделки».",
        ),
    ];
    let in_scope: Vec<&str> = reg
        .categories
        .iter()
        .filter(|c| c.in_scope)
        .map(|c| c.id.as_str())
        .collect();
    // The first category that starts a ticket on each line, so the demo has one per line.
    let line_of = |category: &str| {
        let level = reg.resolve_level(&reglament_regulation::TicketFacts {
            category: Some(category),
            ..Default::default()
        });
        reg.initial_line(level.map(|l| l.id.as_str()))
            .map(|l| l.id.clone())
    };
    let mut picks: Vec<Option<&&str>> = reg
        .lines
        .iter()
        .filter_map(|l| {
            in_scope
                .iter()
                .find(|c| line_of(c).as_deref() == Some(&l.id))
        })
        .map(Some)
        .collect();
    if picks.len() < 3 {
        picks = vec![
            in_scope.first(),
            in_scope.get(in_scope.len() / 2),
            in_scope.last(),
        ];
    }
    let via =
        if reg.channels.iter().any(|c| c.kind == ChannelKind::Portal) || reg.channels.is_empty() {
            ChannelKind::Portal
        } else {
            ChannelKind::Email
        };
    for ((subject, description), category) in subjects.into_iter().zip(picks) {
        let mut r = Request::new(subject, description).via(via);
        r.category = category.map(|c| c.to_string());
        for f in &reg.fields.required {
            if !matches!(f.as_str(), "subject" | "description" | "category") {
                r.fields.insert(f.clone(), "—".into());
            }
        }
        desk.open_ticket(customer, r, Lang::Ru).await?;
    }
    Ok(logins)
}

/// `reglament healthcheck`: asks a running server's `/healthz`; exit 0 when healthy.
#[derive(clap::Args, Debug)]
pub struct HealthArgs {
    /// The server's address; else `REGLAMENT_SERVER__LISTEN` or the configuration file's
    /// `[server] listen` [default: 127.0.0.1:8080]
    #[arg(long)]
    listen: Option<String>,
    #[command(flatten)]
    config: crate::config::ConfigArg,
}

pub async fn healthcheck(a: HealthArgs, out: &mut impl Write) -> Result<ExitCode> {
    use std::net::ToSocketAddrs;
    let listen = match a.listen {
        Some(l) => l,
        None => a
            .config
            .load()?
            .server
            .listen
            .unwrap_or_else(|| crate::config::DEFAULT_LISTEN.into()),
    };
    let addr = listen
        .to_socket_addrs()
        .with_context(|| format!("`{listen}` is not an address"))?
        .next()
        .with_context(|| format!("`{listen}` resolves to nothing"))?;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .context("cannot make an HTTP client")?;
    let resp = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .with_context(|| format!("nothing answers at {addr}"))?;
    let healthy = resp.status().is_success();
    let status = resp.status();
    let body = resp.text().await.unwrap_or_default();
    writeln!(
        out,
        "{}",
        if body.trim().is_empty() {
            status.to_string()
        } else {
            body.trim().to_string()
        }
    )?;
    Ok(if healthy {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
