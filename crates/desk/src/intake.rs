//! Intake: what makes a request a ticket. Every channel's requests pass the same rules of the
//! regulation, at `now`: the channel must be official, open at this hour and on this day, and
//! registering; an emergency-only channel takes only its emergencies; trusted-only channels and
//! owner-only categories check the contact; the directory fills the fields it knows; and only
//! then are the level and priority chosen and the ticket registered.

use std::collections::BTreeMap;

use jiff::Timestamp;
use reglament_domain::{ContactId, JournalEntry, OrgId, Principal, TicketEvent};
use reglament_regulation::{Channel, ChannelKind, Regulation, TicketFacts};
use reglament_store::StoreError;
use reglament_store::directory::{Contact, Organization};

use crate::limits::{
    MAX_FIELD, MAX_FIELDS, MAX_NAME, MAX_TEXT, check_count, check_len, check_subject,
};
use crate::permissions::{self, Action};
use crate::{Desk, DeskError, Lang, Problem, Result, Text, TicketView};

/// The kind of medium a request physically came through, as the channel adapter knows it.
pub type Via = ChannelKind;

/// What someone sent to open a ticket.
///
/// # Example
///
/// ```
/// use reglament_desk::{Request, Via};
///
/// let r = Request::new("Не проходит оплата", "Ошибка 500").via(Via::Email);
/// assert_eq!(r.via, Via::Email);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// The subject.
    pub subject: String,
    /// The description.
    pub description: String,
    /// The category id, if the sender chose one.
    pub category: Option<String>,
    /// The channel id the sender names: staff registering a phone call name `phone`. A
    /// customer may name only a channel of the kind they are using.
    pub channel: Option<String>,
    /// The organization, when staff file for a customer.
    pub organization: Option<OrgId>,
    /// The contact, when staff file for a customer.
    pub contact: Option<ContactId>,
    /// The regulation's other fields.
    pub fields: BTreeMap<String, String>,
    /// The medium it came through.
    pub via: Via,
    /// The stored inbound message it comes from: marked as having opened the ticket in the
    /// same transaction, so that a crash cannot make it open a second one.
    pub inbound: Option<i64>,
}

impl Request {
    /// A request with a subject and description, through the portal.
    pub fn new(subject: impl Into<String>, description: impl Into<String>) -> Request {
        Request {
            subject: subject.into(),
            description: description.into(),
            category: None,
            channel: None,
            organization: None,
            contact: None,
            fields: BTreeMap::new(),
            via: ChannelKind::Portal,
            inbound: None,
        }
    }

    /// The same request through another medium.
    pub fn via(mut self, via: Via) -> Request {
        self.via = via;
        self
    }
}

fn kind_text(k: ChannelKind, lang: Lang) -> String {
    match (lang, k) {
        (Lang::Ru, ChannelKind::Email) => "электронная почта".into(),
        (Lang::Ru, ChannelKind::Portal) => "портал".into(),
        (Lang::Ru, ChannelKind::Phone) => "телефон".into(),
        (Lang::Ru, ChannelKind::Messenger) => "мессенджер".into(),
        (Lang::Ru, ChannelKind::Other) => "другое".into(),
        (Lang::En, k) => k.to_string(),
    }
}

fn titles<'a>(channels: impl Iterator<Item = &'a Channel>) -> String {
    let all: Vec<String> = channels.map(|c| format!("«{}»", c.title)).collect();
    if all.is_empty() {
        "—".into()
    } else {
        all.join(", ")
    }
}

/// The directory's facts about the filer.
struct Filer {
    organization: Option<Organization>,
    contact: Option<Contact>,
}

impl Desk {
    /// Opens a ticket: checks the request against the regulation's intake rules at the desk's
    /// `now`, fills what the directory knows, chooses the level and priority, and registers it
    /// with a number, in one transaction.
    ///
    /// # Errors
    ///
    /// [`DeskError::Invalid`] naming every problem at once, each with its field;
    /// [`DeskError::Forbidden`] when the principal may not file; storage errors.
    pub async fn open_ticket(&self, who: Principal, r: Request, lang: Lang) -> Result<TicketView> {
        let view = self.open_ticket_unannounced(who, r, lang).await?;
        self.announce(&view).await;
        Ok(view)
    }

    async fn open_ticket_unannounced(
        &self,
        who: Principal,
        r: Request,
        lang: Lang,
    ) -> Result<TicketView> {
        permissions::check(who, Action::FileTicket)?;
        let now = self.now();
        let reg = &*self.regulation;
        let mut problems = Vec::new();
        check_subject(&r.subject, "subject", &mut problems);
        check_len(&r.description, "description", MAX_TEXT, &mut problems);
        check_count(r.fields.len(), "fields", MAX_FIELDS, &mut problems);
        for (k, v) in r.fields.iter().take(MAX_FIELDS) {
            check_len(k, "fields", MAX_NAME, &mut problems);
            check_len(v, &format!("fields.{k}"), MAX_FIELD, &mut problems);
        }
        if let Some(c) = &r.category
            && reg.category(c).is_none()
        {
            problems.push(Problem::new(
                "category",
                Text::new("intake-unknown-category")
                    .arg("category", c.clone())
                    .arg(
                        "expected",
                        reg.categories
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
            ));
        }
        let channel = resolve_channel(reg, who, &r, lang, &mut problems);
        let filer = self.filer(who, &r, &mut problems).await?;
        if let Some(ch) = channel {
            check_channel(reg, who, ch, &r, &filer, now, &mut problems);
        }
        if let Some(cat) = r.category.as_deref().and_then(|c| reg.category(c))
            && cat.owner_only
            && !filer.contact.as_ref().is_some_and(|c| c.owner)
        {
            problems.push(Problem::new(
                "category",
                Text::new("intake-owner-only").arg("category", cat.title.clone()),
            ));
        }
        check_required(reg, &r, &filer, &mut problems);
        if !problems.is_empty() {
            return Err(DeskError::Invalid(problems));
        }

        let channel_id = channel.map_or_else(|| "portal".to_string(), |c| c.id.clone());
        let tariff = filer.organization.as_ref().and_then(|o| o.tariff.clone());
        let level = reg.resolve_level(&TicketFacts {
            tariff: tariff.as_deref(),
            category: r.category.as_deref(),
            channel: Some(&channel_id),
            subject: &r.subject,
            at: Some(now),
        });
        let priority = reg.initial_priority(level).map(|p| p.id.clone());
        let received = JournalEntry::new(
            now,
            who.actor(),
            TicketEvent::Received {
                channel: channel_id,
                subject: r.subject,
                description: r.description,
                organization: filer.organization.as_ref().map(|o| o.id),
                contact: filer.contact.as_ref().map(|c| c.id),
                category: r.category,
                level: level.map(|l| l.id.clone()),
                priority,
                fields: r.fields,
            },
        );
        let (id, journal) = match r.inbound {
            Some(message) => {
                self.store
                    .create_from_inbound(reg, received, &self.numbers, message, now)
                    .await?
            }
            None => {
                self.store
                    .create_and_register_with_journal(reg, received, &self.numbers, now)
                    .await?
            }
        };
        self.view_of(who, id, &journal, lang)
    }

    /// The organization and contact a ticket is filed for: the customer's own, or the ones
    /// staff name — both required, and the contact of that organization.
    async fn filer(
        &self,
        who: Principal,
        r: &Request,
        problems: &mut Vec<Problem>,
    ) -> Result<Filer> {
        let (org, contact) = match who {
            Principal::Contact(c, o) => (Some(o), Some(c)),
            _ => {
                if r.organization.is_none() {
                    problems.push(Problem::new(
                        "organization_id",
                        Text::new("intake-organization-required"),
                    ));
                }
                if r.contact.is_none() {
                    problems.push(Problem::new(
                        "contact_id",
                        Text::new("intake-contact-required"),
                    ));
                }
                (r.organization, r.contact)
            }
        };
        let found_org = match org {
            Some(o) => Some(self.store.organization(o).await),
            None => None,
        };
        let found_contact = match contact {
            Some(c) => Some(self.store.contact(c).await),
            None => None,
        };
        let organization = named(
            found_org,
            Problem::new(
                "organization_id",
                Text::new("intake-no-organization").num("id", org.map_or(0, |o| o.0) as f64),
            ),
            problems,
        )?;
        let contact = named(
            found_contact,
            Problem::new(
                "contact_id",
                Text::new("intake-no-contact").num("id", contact.map_or(0, |c| c.0) as f64),
            ),
            problems,
        )?;
        if let (Some(c), Some(o)) = (&contact, org)
            && c.organization != o
        {
            problems.push(Problem::new(
                "contact_id",
                Text::new("intake-contact-elsewhere"),
            ));
        }
        Ok(Filer {
            organization,
            contact,
        })
    }
}

/// A directory row a request named: found, or missing (a problem on its field), or a storage
/// error.
fn named<T>(
    found: Option<reglament_store::Result<T>>,
    missing: Problem,
    problems: &mut Vec<Problem>,
) -> Result<Option<T>> {
    match found {
        Some(Ok(row)) => Ok(Some(row)),
        Some(Err(StoreError::NotFound)) => {
            problems.push(missing);
            Ok(None)
        }
        Some(Err(e)) => Err(e.into()),
        None => Ok(None),
    }
}

/// The channel a request counts as: for a customer, a channel of the kind they are using (the
/// one they name must be of it); for staff, the one they name, else one of the kind of the
/// medium. `None` when the regulation names no channels.
fn resolve_channel<'r>(
    reg: &'r Regulation,
    who: Principal,
    r: &Request,
    lang: Lang,
    problems: &mut Vec<Problem>,
) -> Option<&'r Channel> {
    if reg.channels.is_empty() {
        return None;
    }
    if let Some(id) = &r.channel {
        let Some(ch) = reg.channel(id) else {
            problems.push(Problem::new(
                "channel",
                Text::new("intake-unknown-channel")
                    .arg("channel", id.clone())
                    .arg(
                        "expected",
                        reg.channels
                            .iter()
                            .map(|c| c.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
            ));
            return None;
        };
        if who.is_customer() && ch.kind != r.via {
            problems.push(Problem::new(
                "channel",
                Text::new("intake-wrong-channel")
                    .arg("kind", kind_text(r.via, lang))
                    .arg("channel", id.clone()),
            ));
            return None;
        }
        return Some(ch);
    }
    let of_kind = || reg.channels.iter().filter(|c| c.kind == r.via);
    match of_kind().find(|c| c.official).or_else(|| of_kind().next()) {
        Some(ch) => Some(ch),
        None => {
            problems.push(Problem::new(
                "channel",
                Text::new("intake-no-channel-of-kind").arg("kind", kind_text(r.via, lang)),
            ));
            None
        }
    }
}

/// The regulation's rules for the channel: official, registering, open now, open today, its
/// categories, its trust.
fn check_channel(
    reg: &Regulation,
    who: Principal,
    ch: &Channel,
    r: &Request,
    filer: &Filer,
    now: Timestamp,
    problems: &mut Vec<Problem>,
) {
    let official = || titles(reg.channels.iter().filter(|c| c.official && c.registers));
    if !ch.official {
        problems.push(Problem::new(
            "channel",
            Text::new("intake-unofficial-channel")
                .arg("channel", ch.title.clone())
                .arg("official", official()),
        ));
        return;
    }
    // An agent registers what a customer asked by phone or in person: the channel's own intake
    // rules are for requests that arrive by themselves.
    let agent = matches!(who, Principal::Agent(..));
    if !ch.registers && !agent {
        problems.push(Problem::new(
            "channel",
            Text::new("intake-consultation-only")
                .arg("channel", ch.title.clone())
                .arg("official", official()),
        ));
    }
    if !agent {
        if let Some(s) = ch.accepted.as_deref().and_then(|s| reg.schedule(s))
            && !s.working.is_working(now).unwrap_or(true)
        {
            problems.push(Problem::new(
                "channel",
                Text::new("intake-outside-hours")
                    .arg("channel", ch.title.clone())
                    .arg("schedule", s.title.clone()),
            ));
        }
        if !ch.on_days_off && is_day_off(reg, ch, now) {
            let open: Vec<&Channel> = reg
                .channels
                .iter()
                .filter(|c| c.official && c.registers && c.on_days_off)
                .collect();
            let text = if open.is_empty() {
                Text::new("intake-day-off-none").arg("channel", ch.title.clone())
            } else {
                Text::new("intake-day-off")
                    .arg("channel", ch.title.clone())
                    .arg("open", titles(open.into_iter()))
            };
            problems.push(Problem::new("channel", text));
        }
    }
    if !ch.categories.is_empty() {
        let names = ch
            .categories
            .iter()
            .map(|c| {
                reg.category(c)
                    .map_or(c.clone(), |x| format!("«{}»", x.title))
            })
            .collect::<Vec<_>>()
            .join(", ");
        match r.category.as_deref() {
            Some(c) if ch.categories.iter().any(|x| x == c) => {}
            Some(_) => problems.push(Problem::new(
                "category",
                Text::new("intake-emergency-only")
                    .arg("channel", ch.title.clone())
                    .arg("categories", names),
            )),
            None => problems.push(Problem::new(
                "category",
                Text::new("intake-category-for-channel")
                    .arg("channel", ch.title.clone())
                    .arg("categories", names),
            )),
        }
    }
    // Trust is about who the request is from, whoever registers it.
    if ch.trusted_only
        && let Some(c) = &filer.contact
        && !c.trusted
    {
        problems.push(Problem::new(
            "contact",
            Text::new("intake-not-trusted").arg("channel", ch.title.clone()),
        ));
    }
}

/// Whether `now` falls on a non-working day of the channel's schedule, else of the lifecycle's
/// schedule, else of the regulation's first schedule.
fn is_day_off(reg: &Regulation, ch: &Channel, now: Timestamp) -> bool {
    let schedule = ch
        .accepted
        .as_deref()
        .and_then(|s| reg.schedule(s))
        .or_else(|| reg.lifecycle_schedule())
        .or_else(|| reg.schedules.values().next());
    schedule.is_some_and(|s| {
        // The day as the schedule's own time zone has it.
        let date = now.to_zoned(s.schedule().time_zone().clone()).date();
        s.schedule().day(date).hours.is_empty()
    })
}

/// The regulation's required fields: the directory answers what it knows (the contact's name,
/// position, phone and email, the organization and its contract numbers); only the rest must be
/// in the request.
fn check_required(reg: &Regulation, r: &Request, filer: &Filer, problems: &mut Vec<Problem>) {
    let org = filer.organization.as_ref();
    let contact = filer.contact.as_ref();
    let given = |v: Option<&str>| v.is_some_and(|v| !v.trim().is_empty());
    for f in &reg.fields.required {
        // Without the organization or the contact, their own problem says so; their fields
        // are not asked for as well.
        let known = match f.as_str() {
            "subject" => true,
            "description" => given(Some(&r.description)),
            "category" => r.category.is_some(),
            "organization" => true,
            "contact_name" | "email" => true,
            "position" => contact.is_none_or(|c| given(c.position.as_deref())),
            "phone" => contact.is_none_or(|c| given(c.phone.as_deref())),
            "contract_number" => org.is_none_or(|o| given(o.contract_number.as_deref())),
            "state_contract_number" => {
                org.is_none_or(|o| given(o.state_contract_number.as_deref()))
            }
            _ => false,
        };
        if !known && !given(r.fields.get(f).map(String::as_str)) {
            problems.push(Problem::new(f.clone(), Text::new("intake-field-required")));
        }
    }
}
