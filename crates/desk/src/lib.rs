//! Reglament's desk: the one layer that every channel calls. The web API, the pages, mail,
//! messengers and the command line translate their input into a desk call and its answer back
//! into their medium; the desk decides what a request means.
//!
//! - [`Desk::open_ticket`] is intake: the regulation's channel, hours, trust and field rules,
//!   the directory filling what it knows, level and priority, registration.
//! - [`Desk::act`] runs one command on a ticket and says what came of it.
//! - [`Desk::ticket`] is the ticket as one principal sees it ([`TicketView`]), redacted for
//!   customers in one place.
//! - [`permissions`] answers "may this principal do this"; every call asks it first.
//! - The directory, billing and sign-in are here too, so no channel reaches the store.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use reglament_desk::{Desk, Lang, Request};
//! use reglament_domain::{ContactId, OrgId, Principal, TicketNumberFormat};
//!
//! let store = reglament_store::Store::connect("sqlite:reglament-data/reglament.db").await?;
//! let reg = reglament_regulation::Regulation::parse(include_str!("../../../examples/regulations/saveit.toml"))?;
//! let desk = Desk::new(store, Arc::new(reg), Arc::new(TicketNumberFormat::default()));
//! let customer = Principal::Contact(ContactId(1), OrgId(1));
//! let ticket = desk
//!     .open_ticket(customer, Request::new("Не проходит оплата", "Ошибка 500"), Lang::Ru)
//!     .await?;
//! println!("{}", ticket.number.unwrap_or_default());
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod actions;
mod billing;
mod directory;
mod error;
mod identity;
mod intake;
pub mod limits;
pub mod links;
mod mail;
mod mail_templates;
mod outgoing;
pub mod permissions;
mod queue;
mod reports;
mod reset;
mod text;
mod view;
mod workspace;

use std::sync::Arc;

use jiff::Timestamp;
use reglament_domain::{Principal, Ticket, TicketId, TicketNumberFormat, sla_events};
use reglament_regulation::{Regulation, sla};
use reglament_store::Store;

pub use actions::{Acted, DeskCommand, Upload};
pub use billing::{LinePart, Multiplier, Statement, StatementLine, TimeEntries, TimeEntryView};
pub use directory::{
    AccountChange, AgentInput, ContactInput, MIN_PASSWORD, OrganizationInput, OrganizationView,
};
pub use error::{DeskError, Problem};
pub use identity::{SESSION_TTL, SignedIn};
pub use intake::{Request, Via};
pub use limits::MAX_SUBJECT;
pub use mail::{HeldMail, MailOriginal, MailOutcome, MailSummary, fields_in};
pub use mail_templates::{MAIL_KINDS, MailTemplates, Written};
pub use outgoing::{OutgoingMail, Sender};
pub use permissions::Action;
pub use queue::{DueFilter, QueuePage, QueueQuery, QueueRow, QueueView};
pub use reports::{
    Bin, BreachView, ComplianceReport, ComplianceRow, CsatComment, CsatReport, CsatRow,
    DistributionReport, ReportQuery, TargetDistribution, WorkloadReport, WorkloadRow,
};
pub use text::{Lang, Text, duration_text, field_title, size_text};
pub use view::{AttachmentView, ClockView, JournalView, LinkView, TicketView, explain};
pub use workspace::{
    Abilities, CustomerCard, FormField, IntakeForm, TicketPage, TimelineEntry, UndeliveredMail,
};

pub use reglament_regulation::format_size;
pub use reglament_store::accounts::{ApiToken, Secret};
pub use reglament_store::directory::{Agent, Contact, Product};
pub use reglament_store::tickets::QueueItem;

/// The operator at the command line, who holds the database itself: an administrator for the
/// directory's permission checks. It is never journaled: it opens no tickets and acts on none.
pub const OPERATOR: Principal =
    Principal::Token(reglament_domain::TokenId(0), reglament_domain::Role::Admin);

/// Where "now" comes from: the system clock in production, a fixed instant in tests.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// A result of a desk call.
pub type Result<T, E = DeskError> = std::result::Result<T, E>;

/// The desk: the store, the regulation, the number format and the clock.
#[derive(Clone)]
pub struct Desk {
    store: Store,
    regulation: Arc<Regulation>,
    numbers: Arc<TicketNumberFormat>,
    clock: Clock,
    source: Arc<String>,
    /// Password checks take about 19 MiB each; at most this many run at once.
    hashing: Arc<tokio::sync::Semaphore>,
    /// Wrong passwords by account.
    throttle: Arc<identity::Throttle>,
    /// Wrong passwords by client address.
    address_throttle: Arc<identity::Throttle>,
    /// An admin's templates; `None` for the built-in ones, compiled only when mail is first
    /// written (a `mail ingest` process never writes any).
    mail_templates: Option<Arc<MailTemplates>>,
    /// The support addresses mail comes to and goes from, lower case: never answered, never
    /// copied.
    own_addresses: Arc<Vec<String>>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("store", &self.store)
            .field("regulation", &self.regulation.name)
            .finish_non_exhaustive()
    }
}

impl Desk {
    /// A desk on the system clock.
    pub fn new(
        store: Store,
        regulation: Arc<Regulation>,
        numbers: Arc<TicketNumberFormat>,
    ) -> Desk {
        Desk {
            store,
            regulation,
            numbers,
            clock: Arc::new(Timestamp::now),
            source: Arc::new(String::new()),
            hashing: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            throttle: Default::default(),
            address_throttle: Arc::new(identity::Throttle::per_address()),
            mail_templates: None,
            own_addresses: Arc::new(Vec::new()),
        }
    }

    /// The same desk on another clock, such as a fixed instant in a test.
    pub fn with_clock(mut self, clock: Clock) -> Desk {
        self.clock = clock;
        self
    }

    /// The same desk on another store of the same database, such as a second pool with other
    /// limits.
    pub fn with_store(mut self, store: Store) -> Desk {
        self.store = store;
        self
    }

    /// Runs `work` for at most the store's work limit (see
    /// [`reglament_store::Store::within_limit`]), for channels that have no request deadline of
    /// their own.
    ///
    /// # Errors
    ///
    /// `work`'s own, or [`DeskError::Unavailable`] when the limit passes first.
    pub async fn within_limit<T>(&self, work: impl Future<Output = Result<T>>) -> Result<T> {
        self.store.within_limit(work).await
    }

    /// The same desk writing mail from other templates, such as an admin's directory.
    pub fn with_mail_templates(mut self, templates: MailTemplates) -> Desk {
        self.mail_templates = Some(Arc::new(templates));
        self
    }

    /// The same desk knowing the support addresses of this installation (the outbox's sender,
    /// the polled mailboxes): mail from them is never answered, and they are never kept as a
    /// ticket's copied participants.
    pub fn with_own_addresses(mut self, addresses: impl IntoIterator<Item = String>) -> Desk {
        self.own_addresses = Arc::new(
            addresses
                .into_iter()
                .map(|a| a.trim().to_lowercase())
                .filter(|a| a.contains('@'))
                .collect(),
        );
        self
    }

    /// Now, by the desk's clock.
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// An instant as RFC 3339 in the regulation's time zone, as every answer shows times.
    pub fn local_time(&self, t: Timestamp) -> String {
        view::instant(t, &self.regulation.timezone)
    }

    /// The effective regulation.
    pub fn regulation(&self) -> &Regulation {
        &self.regulation
    }

    /// Whether the database answers.
    ///
    /// # Errors
    ///
    /// [`DeskError::Unavailable`] when it does not.
    pub async fn ping(&self) -> Result<()> {
        self.store.ping().await.map_err(Into::into)
    }

    /// A ticket as a principal sees it, with its clocks explained in a language.
    ///
    /// # Errors
    ///
    /// [`DeskError::NotFound`] when there is no such ticket or the principal may not see it.
    pub async fn ticket(&self, who: Principal, id: TicketId, lang: Lang) -> Result<TicketView> {
        permissions::check(who, Action::ReadTicket)?;
        self.view(who, id, lang).await
    }

    /// The view after a change: one journal read, the projection and clocks follow from it.
    async fn view(&self, who: Principal, id: TicketId, lang: Lang) -> Result<TicketView> {
        let journal = self.store.journal(id, permissions::viewer(who)).await?;
        self.view_of(who, id, &journal, lang)
    }

    /// The view of a journal already in hand.
    fn view_of(
        &self,
        who: Principal,
        id: TicketId,
        journal: &[reglament_domain::JournalEntry],
        lang: Lang,
    ) -> Result<TicketView> {
        let ticket = Ticket::replay(journal)
            .map_err(|e| DeskError::Internal(reglament_store::cause_chain(&e)))?;
        let clocks = sla::evaluate_explained(&self.regulation, &sla_events(journal), self.now())
            .map_err(|e| DeskError::Internal(e.to_string()))?;
        Ok(TicketView::build(
            &self.regulation,
            id,
            who,
            journal,
            &ticket,
            &clocks,
            lang,
        ))
    }
}

/// The effective regulation in brief, with its source text, as published to anyone signed in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RegulationView {
    /// Its name.
    pub name: String,
    /// Its schedules.
    pub schedules: Vec<Named>,
    /// Its priorities, most urgent first.
    pub priorities: Vec<Named>,
    /// Its levels.
    pub levels: Vec<Named>,
    /// Its lines.
    pub lines: Vec<Named>,
    /// Its statuses.
    pub statuses: Vec<Named>,
    /// Its SLA targets.
    pub targets: Vec<Named>,
    /// The file's text.
    pub source: String,
}

/// An id and its title.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Named {
    /// The id.
    pub id: String,
    /// The title.
    pub title: String,
}

impl Desk {
    /// The same desk publishing the regulation file's text.
    pub fn with_source(mut self, source: impl Into<String>) -> Desk {
        self.source = Arc::new(source.into());
        self
    }

    /// The effective regulation in brief.
    ///
    /// # Errors
    ///
    /// None today; the signature leaves room for a permission check.
    pub fn regulation_view(&self, who: Principal) -> Result<RegulationView> {
        permissions::check(who, Action::ReadRegulation)?;
        let r = &*self.regulation;
        let named = |id: &str, title: &str| Named {
            id: id.to_string(),
            title: title.to_string(),
        };
        Ok(RegulationView {
            name: r.name.clone(),
            schedules: r
                .schedules
                .values()
                .map(|x| named(&x.id, &x.title))
                .collect(),
            priorities: r
                .priorities
                .iter()
                .map(|x| named(&x.id, &x.title))
                .collect(),
            levels: r.levels.iter().map(|x| named(&x.id, &x.title)).collect(),
            lines: r.lines.iter().map(|x| named(&x.id, &x.title)).collect(),
            statuses: r.statuses.iter().map(|x| named(&x.id, &x.title)).collect(),
            targets: r.targets.iter().map(|x| named(&x.id, &x.title)).collect(),
            source: self.source.to_string(),
        })
    }
}

impl Desk {
    /// The regulation as published to customers, rendered from the configuration that is
    /// enforced: an HTML fragment with every value escaped. Anyone may read it, signed in or
    /// not.
    pub fn published_regulation(&self) -> String {
        reglament_regulation::render::html_body(&self.regulation)
    }

    /// Tells live pages that a ticket changed. A failure is logged, not returned: the change
    /// itself is committed, and pages refresh on their next load anyway.
    pub(crate) async fn announce(&self, view: &TicketView) {
        self.announce_change(reglament_store::changes::TicketChange {
            ticket: TicketId(view.id),
            organization: view.organization_id.map(reglament_domain::OrgId),
        })
        .await;
    }

    async fn announce_change(&self, change: reglament_store::changes::TicketChange) {
        if let Err(e) = self.store.announce(change).await {
            tracing::warn!(error = %e, ticket = change.ticket.0, "cannot announce a ticket change");
        }
    }

    /// As [`Desk::announce`], for a ticket not in hand.
    pub(crate) async fn announce_id(&self, id: TicketId) {
        let organization = match self
            .store
            .ticket(id, reglament_store::tickets::Viewer::Staff)
            .await
        {
            Ok(t) => t.ticket.organization,
            Err(_) => return,
        };
        self.announce_change(reglament_store::changes::TicketChange {
            ticket: id,
            organization,
        })
        .await;
    }

    /// The tickets that change from now on, as a principal may hear of them: staff hear of
    /// every ticket, a customer only of their organization's. A subscriber that falls far
    /// behind hears `None` once, meaning "something changed; refresh".
    ///
    /// # Errors
    ///
    /// [`DeskError::Unauthorized`] or [`DeskError::Forbidden`] for a principal who may not
    /// list tickets.
    pub fn changes(
        &self,
        who: Principal,
    ) -> Result<impl futures_util::Stream<Item = Option<TicketId>> + Send + 'static> {
        permissions::check(who, Action::ListTickets)?;
        let rx = self.store.subscribe();
        let own = match who {
            Principal::Contact(_, org) => Some(org),
            _ => None,
        };
        Ok(futures_util::stream::unfold(rx, move |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(c) if own.is_none() || c.organization == own => {
                        return Some((Some(c.ticket), rx));
                    }
                    Ok(_) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        return Some((None, rx));
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        }))
    }

    /// How many tickets are neither closed nor rejected.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn open_tickets(&self) -> Result<i64> {
        Ok(self.store.open_ticket_count().await?)
    }
}
