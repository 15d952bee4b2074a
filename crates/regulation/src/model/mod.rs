//! The validated regulation: schedules, channels, categories, levels, priorities, lines,
//! statuses, targets, lifecycle, fields, attachments and billing, with every reference checked.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use jiff::SignedDuration;
use jiff::tz::TimeZone;
use reglament_calendar::{ProductionCalendar, Schedule, Term, WorkingTime};

use crate::billing::Billing;
use crate::error::{Locator, RegulationError};
use crate::raw::RawRegulation;

mod validate;

use validate::Validator;

/// A loaded, validated support regulation.
///
/// # Example
///
/// ```
/// use reglament_regulation::Regulation;
///
/// let reg = Regulation::parse(r#"
/// [regulation]
/// name = "Регламент"
/// timezone = "Europe/Moscow"
///
/// [schedules.office]
/// hours = { "mon-fri" = "09:00-18:00" }
///
/// [[priorities]]
/// id = "P1"
/// title = "Критический"
///
/// [[targets]]
/// id = "resolution"
/// title = "Решение"
/// start = "registered"
/// stop = "completed"
/// pause_in = ["waiting_customer"]
/// schedule = "office"
/// by_priority = { P1 = "4 working hours" }
/// "#)?;
/// assert_eq!(reg.targets.len(), 1);
/// assert_eq!(reg.schedule("office").unwrap().title, "office");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Regulation {
    /// The regulation's title.
    pub name: String,
    /// Who provides the support.
    pub provider: Option<String>,
    /// The default time zone of schedules.
    pub timezone: TimeZone,
    /// When the regulation takes effect, as written.
    pub effective: Option<String>,
    /// A summary paragraph for the published document.
    pub summary: Option<String>,
    /// A link to the knowledge base customers should read first.
    pub knowledge_base: Option<String>,
    /// Named schedules, compiled.
    pub schedules: BTreeMap<String, NamedSchedule>,
    /// Intake channels, in file order.
    pub channels: Vec<Channel>,
    /// Ticket categories, in file order.
    pub categories: Vec<Category>,
    /// Priorities, most urgent first.
    pub priorities: Vec<Priority>,
    /// Service levels, in matching order.
    pub levels: Vec<Level>,
    /// Support lines, L1 first.
    pub lines: Vec<Line>,
    /// Statuses: the eight base statuses, renamed as the file says, then custom ones.
    pub statuses: Vec<Status>,
    /// SLA targets, including one reaction target per line that has a reaction term.
    pub targets: Vec<Target>,
    /// Lifecycle rules.
    pub lifecycle: Lifecycle,
    /// Required and optional ticket fields.
    pub fields: Fields,
    /// What attachments are accepted.
    pub attachments: AttachmentPolicy,
    /// Billing rules, if the regulation bills.
    pub billing: Option<Billing>,
}

/// A named schedule and its compiled working time.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.line]\ntitle = \"Аварийная линия\"\nhours = { daily = \"06:00-20:00\" }\ncalendar = \"none\"\n")?;
/// let s = reg.schedule("line").unwrap();
/// assert_eq!(s.title, "Аварийная линия");
/// assert_eq!(s.calendar, "none");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct NamedSchedule {
    /// The schedule's id in the file.
    pub id: String,
    /// A human title.
    pub title: String,
    /// The calendar's name: `ru`, `none` or a supplied calendar.
    pub calendar: String,
    /// The compiled working time.
    pub working: Arc<WorkingTime>,
}

impl NamedSchedule {
    /// The schedule description.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"10:00-18:00\" }\n")?;
    /// let s = reg.schedule("office").unwrap();
    /// assert_eq!(s.schedule().weekly().weekly_minutes(), 5 * 8 * 60);
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn schedule(&self) -> &Schedule {
        self.working.schedule()
    }
}

/// The kind of an intake channel.
///
/// # Example
///
/// ```
/// use reglament_regulation::ChannelKind;
///
/// assert_eq!(ChannelKind::Email.to_string(), "email");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    /// Email to the support address.
    Email,
    /// The web portal or a web form.
    Portal,
    /// Phone.
    Phone,
    /// Telegram, WhatsApp, Viber and the like.
    Messenger,
    /// Anything else, such as a personal call to the account manager.
    Other,
}

impl fmt::Display for ChannelKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ChannelKind::Email => "email",
            ChannelKind::Portal => "portal",
            ChannelKind::Phone => "phone",
            ChannelKind::Messenger => "messenger",
            ChannelKind::Other => "other",
        })
    }
}

/// What an email channel does with mail from an address that is no contact of any customer.
///
/// # Example
///
/// ```
/// use reglament_regulation::UnknownSenders;
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[channels.email]\nkind = \"email\"\nunknown_senders = \"accept\"\n")?;
/// assert_eq!(reg.channel("email").unwrap().unknown_senders, UnknownSenders::Accept);
/// assert_eq!(UnknownSenders::default(), UnknownSenders::Hold);
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnknownSenders {
    /// Held for an agent, who adds the sender to the directory and reads it again; the sender
    /// is told so, with the official channels.
    #[default]
    Hold,
    /// Not registered: the sender is told why, with the official channels.
    Reject,
    /// Registered at the level a ticket without a tariff gets, from a contact created for the
    /// address; such contacts see only their own tickets.
    Accept,
}

impl fmt::Display for UnknownSenders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnknownSenders::Hold => "hold",
            UnknownSenders::Reject => "reject",
            UnknownSenders::Accept => "accept",
        })
    }
}

/// An intake channel and when it is accepted.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[channels.phone]\nkind = \"phone\"\nregisters = false\n")?;
/// let phone = reg.channel("phone").unwrap();
/// assert!(!phone.registers);
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Channel {
    /// The channel's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// The kind.
    pub kind: ChannelKind,
    /// The address, number or link.
    pub address: Option<String>,
    /// Whether a request through it becomes a ticket; `false` for consultation-only channels.
    pub registers: bool,
    /// The schedule during which it is accepted, or `None` for always.
    pub accepted: Option<String>,
    /// Whether it is accepted on non-working days of the calendar.
    pub on_days_off: bool,
    /// Only for emergencies.
    pub emergency_only: bool,
    /// Paid support.
    pub paid: bool,
    /// An official channel; unofficial ones are listed as not registering tickets.
    pub official: bool,
    /// Only the organization's trusted contacts may file through it.
    pub trusted_only: bool,
    /// What an email channel does with mail from an unknown address.
    pub unknown_senders: UnknownSenders,
    /// The categories it accepts; empty for any. An emergency-only channel names its
    /// emergencies here.
    pub categories: Vec<String>,
    /// A remark for the published document.
    pub note: Option<String>,
}

/// A ticket category.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[categories]]\nid = \"seo\"\ntitle = \"SEO\"\nin_scope = false\n")?;
/// assert!(!reg.category("seo").unwrap().in_scope);
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Category {
    /// The category's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// Whether support covers it; out-of-scope tickets are closed with that reason.
    pub in_scope: bool,
    /// Accepted only from the organization's owner contact (deleting content, transferring
    /// rights).
    pub owner_only: bool,
    /// A remark for the published document.
    pub note: Option<String>,
}

/// A priority.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[priorities]]\nid = \"P1\"\ntitle = \"Критический\"\nout_of_turn = true\n")?;
/// assert!(reg.priority("P1").unwrap().out_of_turn);
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Priority {
    /// The priority's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// What the priority means.
    pub description: Option<String>,
    /// Worked out of turn, ahead of the queue.
    pub out_of_turn: bool,
    /// The priority given when nothing else decides.
    pub default: bool,
}

/// A service level, chosen by tariff, category, channel and subject keyword.
///
/// A level matches when every condition it sets matches (any value within one condition). The
/// first matching level wins; a level with no conditions matches every ticket.
///
/// # Example
///
/// ```
/// use reglament_regulation::TicketFacts;
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[levels]]\nid = \"urgent\"\ntitle = \"Срочно\"\nsubject_keywords = [\"СРОЧНО\"]\n[[levels]]\nid = \"standard\"\ntitle = \"Стандарт\"\n")?;
/// let facts = TicketFacts { subject: "Сайт лежит, срочно!", ..TicketFacts::default() };
/// assert_eq!(reg.resolve_level(&facts).unwrap().id, "urgent");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Level {
    /// The level's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// What the level means.
    pub description: Option<String>,
    /// Tariffs that get this level.
    pub tariffs: Vec<String>,
    /// Categories that get this level.
    pub categories: Vec<String>,
    /// Channels that get this level.
    pub channels: Vec<String>,
    /// Subject keywords (case-insensitive) that get this level.
    pub subject_keywords: Vec<String>,
    /// The schedule whose working hours the keywords count in («СРОЧНО» in working hours);
    /// `None` for always.
    pub keywords_during: Option<String>,
    /// The priority a ticket of this level gets at registration.
    pub priority: Option<String>,
    /// The line a ticket of this level starts on; `None` for the first line.
    pub line: Option<String>,
}

/// A support line (L1, L2, L3, development).
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"10:00-18:00\" }\n[[lines]]\nid = \"L1\"\ntitle = \"Консультант\"\nreaction = \"2 working hours\"\nschedule = \"office\"\n")?;
/// assert_eq!(reg.lines[0].reaction.unwrap().to_string(), "2 working hours");
/// assert_eq!(reg.targets[0].id, "reaction_L1");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Line {
    /// The line's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// The reaction term after a hand-over to this line.
    pub reaction: Option<Term>,
    /// The schedule the reaction counts in.
    pub schedule: Option<String>,
    /// What the line does.
    pub description: Option<String>,
}

/// The base statuses of the lifecycle. A regulation may rename them and add statuses based on
/// them.
///
/// # Example
///
/// ```
/// use reglament_regulation::BaseStatus;
///
/// assert_eq!(BaseStatus::WaitingCustomer.id(), "waiting_customer");
/// assert_eq!(BaseStatus::parse("completed"), Some(BaseStatus::Completed));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BaseStatus {
    /// Received, not yet registered.
    New,
    /// Registered: number, priority and deadline sent.
    Registered,
    /// Assigned and being worked.
    InProgress,
    /// Waiting for the customer's answer.
    WaitingCustomer,
    /// Deferred, with an enumerated reason.
    Deferred,
    /// Completed, awaiting the customer's confirmation.
    Completed,
    /// Closed: confirmed or auto-closed.
    Closed,
    /// Rejected, with a reason.
    Rejected,
}

impl BaseStatus {
    /// All base statuses, in lifecycle order.
    pub const ALL: [BaseStatus; 8] = [
        BaseStatus::New,
        BaseStatus::Registered,
        BaseStatus::InProgress,
        BaseStatus::WaitingCustomer,
        BaseStatus::Deferred,
        BaseStatus::Completed,
        BaseStatus::Closed,
        BaseStatus::Rejected,
    ];

    /// The status's id in regulation files.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_regulation::BaseStatus::InProgress.id(), "in_progress");
    /// ```
    pub fn id(self) -> &'static str {
        match self {
            BaseStatus::New => "new",
            BaseStatus::Registered => "registered",
            BaseStatus::InProgress => "in_progress",
            BaseStatus::WaitingCustomer => "waiting_customer",
            BaseStatus::Deferred => "deferred",
            BaseStatus::Completed => "completed",
            BaseStatus::Closed => "closed",
            BaseStatus::Rejected => "rejected",
        }
    }

    /// The default Russian title.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_regulation::BaseStatus::Closed.default_title(), "Закрыта");
    /// ```
    pub fn default_title(self) -> &'static str {
        match self {
            BaseStatus::New => "Новая",
            BaseStatus::Registered => "Зарегистрирована",
            BaseStatus::InProgress => "В работе",
            BaseStatus::WaitingCustomer => "Ожидает ответа клиента",
            BaseStatus::Deferred => "Отложена",
            BaseStatus::Completed => "Завершена",
            BaseStatus::Closed => "Закрыта",
            BaseStatus::Rejected => "Отклонена",
        }
    }

    /// Parses a base status id.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(reglament_regulation::BaseStatus::parse("done").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<BaseStatus> {
        BaseStatus::ALL.into_iter().find(|b| b.id() == s)
    }
}

/// A status of the lifecycle.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[statuses]]\nid = \"testing\"\ntitle = \"На тестировании\"\nbase = \"in_progress\"\n")?;
/// assert_eq!(reg.status("testing").unwrap().base, reglament_regulation::BaseStatus::InProgress);
/// assert_eq!(reg.status("closed").unwrap().title, "Закрыта");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Status {
    /// The status's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// The base status it behaves as.
    pub base: BaseStatus,
}

/// A ticket event that starts, stops or resumes an SLA target.
///
/// # Example
///
/// ```
/// use reglament_regulation::EventPattern;
///
/// assert_eq!(EventPattern::parse("handed_over:L2"), Some(EventPattern::HandedOver(Some("L2".into()))));
/// assert_eq!(EventPattern::parse("completed").unwrap().to_string(), "completed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EventPattern {
    /// The ticket arrived.
    Received,
    /// An agent was assigned.
    Assigned,
    /// The ticket was handed over to a line (any line, or the named one).
    HandedOver(Option<String>),
    /// An agent replied to the customer.
    PublicReply,
    /// The customer replied.
    CustomerReply,
    /// The ticket was reopened after completion or closing.
    Reopened,
    /// The ticket entered a status with this base.
    Entered(BaseStatus),
    /// The ticket entered this exact status (`status:<id>`).
    EnteredStatus(String),
}

impl EventPattern {
    /// Parses an event name: `received`, `assigned`, `handed_over[:LINE]`, `public_reply`,
    /// `customer_reply`, `reopened`, a base status id such as `registered` or `completed`, or
    /// `status:<id>`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::{BaseStatus, EventPattern};
    ///
    /// assert_eq!(EventPattern::parse("registered"), Some(EventPattern::Entered(BaseStatus::Registered)));
    /// assert_eq!(EventPattern::parse("answered"), None);
    /// ```
    pub fn parse(s: &str) -> Option<EventPattern> {
        Some(match s {
            "received" => EventPattern::Received,
            "assigned" => EventPattern::Assigned,
            "handed_over" => EventPattern::HandedOver(None),
            "public_reply" => EventPattern::PublicReply,
            "customer_reply" => EventPattern::CustomerReply,
            "reopened" => EventPattern::Reopened,
            other => {
                if let Some(line) = other.strip_prefix("handed_over:") {
                    EventPattern::HandedOver(Some(line.to_string()))
                } else if let Some(st) = other.strip_prefix("status:") {
                    EventPattern::EnteredStatus(st.to_string())
                } else {
                    EventPattern::Entered(BaseStatus::parse(other)?)
                }
            }
        })
    }
}

impl fmt::Display for EventPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventPattern::Received => f.write_str("received"),
            EventPattern::Assigned => f.write_str("assigned"),
            EventPattern::HandedOver(None) => f.write_str("handed_over"),
            EventPattern::HandedOver(Some(l)) => write!(f, "handed_over:{l}"),
            EventPattern::PublicReply => f.write_str("public_reply"),
            EventPattern::CustomerReply => f.write_str("customer_reply"),
            EventPattern::Reopened => f.write_str("reopened"),
            EventPattern::Entered(b) => f.write_str(b.id()),
            EventPattern::EnteredStatus(s) => write!(f, "status:{s}"),
        }
    }
}

const EVENT_NAMES: &str = "`received`, `assigned`, `handed_over`, `handed_over:<line>`, `public_reply`, `customer_reply`, `reopened`, a base status (`registered`, `in_progress`, `waiting_customer`, `deferred`, `completed`, `closed`, `rejected`) or `status:<id>`";

/// When a clock warns before its deadline.
///
/// # Example
///
/// ```
/// use reglament_regulation::Warning;
///
/// assert_eq!(Warning::Percent(80).to_string(), "80% elapsed");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// This much working time before the deadline.
    Before(SignedDuration),
    /// When this share of the allowed working time has elapsed.
    Percent(u8),
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::Before(d) => write!(f, "{} before", Term::working(*d)),
            Warning::Percent(p) => write!(f, "{p}% elapsed"),
        }
    }
}

/// An SLA target: what starts and stops its clock, what pauses it, where it counts and how long
/// it allows.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n[[targets]]\nid = \"registration\"\ntitle = \"Регистрация\"\nstart = \"received\"\nstop = \"registered\"\nschedule = \"office\"\nduration = \"3 working hours\"\n")?;
/// let t = reg.target("registration").unwrap();
/// assert_eq!(t.duration.unwrap().to_string(), "3 working hours");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Target {
    /// The target's id.
    pub id: String,
    /// A human title.
    pub title: String,
    /// The event that starts the clock.
    pub start: EventPattern,
    /// Events that stop the clock; the first one after the start counts.
    pub stop: Vec<EventPattern>,
    /// Status ids during which the clock is paused.
    pub pause_in: Vec<String>,
    /// Events that resume a stopped clock, e.g. a reopening after completion.
    pub resume_on: Vec<EventPattern>,
    /// Each start event after a stop begins a new cycle (e.g. each hand-over).
    pub repeat: bool,
    /// The schedule the clock counts in.
    pub schedule: String,
    /// The term when no level, category or priority sets one.
    pub duration: Option<Term>,
    /// Terms by priority id.
    pub by_priority: BTreeMap<String, TermRule>,
    /// Terms by category id; they win over priority.
    pub by_category: BTreeMap<String, TermRule>,
    /// Terms by level id; they win over category and priority.
    pub by_level: BTreeMap<String, TermRule>,
    /// Terms by level id, then category id: a tariff's term for one kind of request, which
    /// wins over everything else.
    pub by_level_category: BTreeMap<String, BTreeMap<String, TermRule>>,
    /// The target applies only to these levels (all when empty).
    pub levels: Vec<String>,
    /// The target applies only to these priorities (all when empty).
    pub priorities: Vec<String>,
    /// The target applies only to tickets from these channels (all when empty).
    pub channels: Vec<String>,
    /// When the clock warns.
    pub warning: Option<Warning>,
    /// After this much working time, the customer is told the ticket is still being worked on.
    pub interim_after: Option<Term>,
    /// How far an agent may extend the deadline, with a reason sent to the customer.
    pub extension: Option<Term>,
    /// A remark for the published document.
    pub note: Option<String>,
    /// The line, for a line's generated reaction target.
    pub line: Option<String>,
}

/// How a reply to a closed ticket is handled.
///
/// # Example
///
/// ```
/// use reglament_regulation::ReopenRule;
///
/// assert_ne!(ReopenRule::Reopen, ReopenRule::NewLinked);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReopenRule {
    /// The closed ticket is reopened.
    Reopen,
    /// A new ticket is opened and linked to the closed one.
    NewLinked,
}

/// An enumerated reason for deferring or rejecting a ticket.
///
/// # Example
///
/// ```
/// use reglament_regulation::Reason;
///
/// let r = Reason::builtin("unlicensed").unwrap();
/// assert_eq!(r.title, "Используется нелицензионная копия продукта");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The reason's id.
    pub id: String,
    /// A human title in Russian.
    pub title: String,
}

const BUILTIN_REASONS: &[(&str, &str)] = &[
    (
        "cannot_reproduce",
        "Проблему не удаётся воспроизвести, доступа нет",
    ),
    ("insufficient_information", "Недостаточно информации"),
    ("needs_diagnostics", "Требуется диагностика"),
    (
        "needs_development",
        "Требуется доработка или выпуск новой версии",
    ),
    (
        "requirements_violated",
        "Нарушены требования к установке или изменено ядро продукта",
    ),
    (
        "outdated_version",
        "Используется устаревшая версия продукта",
    ),
    ("unlicensed", "Используется нелицензионная копия продукта"),
    (
        "out_of_scope",
        "Вопрос не входит в рамки технической поддержки",
    ),
    (
        "incorrect_request",
        "Вопрос задан некорректно или неконструктивно",
    ),
    ("late_answers", "Несвоевременные ответы клиента"),
    (
        "obscene_language",
        "Обращение содержит нецензурные выражения",
    ),
    (
        "multiple_problems",
        "В одном обращении несколько несвязанных проблем",
    ),
    ("third_party", "Функциональность сторонних сервисов"),
    ("duplicate", "Дубликат другого обращения"),
    ("spam", "Спам"),
];

impl Reason {
    /// A built-in reason by id.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(reglament_regulation::Reason::builtin("spam").is_some());
    /// assert!(reglament_regulation::Reason::builtin("bored").is_none());
    /// ```
    pub fn builtin(id: &str) -> Option<Reason> {
        BUILTIN_REASONS
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(i, t)| Reason {
                id: (*i).into(),
                title: (*t).into(),
            })
    }
}

/// Lifecycle rules.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[lifecycle]\nauto_close_after = \"24 hours\"\nreopen = \"new_linked\"\n")?;
/// assert_eq!(reg.lifecycle.auto_close_after.unwrap().to_string(), "24 hours");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Lifecycle {
    /// The schedule for lifecycle terms in working time; the first schedule in the file by
    /// default.
    pub schedule: Option<String>,
    /// A completed ticket closes on its own after this, without the customer's answer.
    pub auto_close_after: Option<Term>,
    /// What a reply to a closed ticket does.
    pub reopen: ReopenRule,
    /// Reopening is allowed only this long after closing; later replies open a linked ticket.
    pub reopen_within: Option<Term>,
    /// Reasons a ticket may be deferred for.
    pub deferral_reasons: Vec<Reason>,
    /// Reasons a ticket may be rejected for.
    pub rejection_reasons: Vec<Reason>,
    /// The customer rates the service on completion.
    pub rating: bool,
}

/// The ticket fields a regulation knows.
pub const KNOWN_FIELDS: &[(&str, &str)] = &[
    ("organization", "Организация"),
    ("contact_name", "ФИО контактного лица"),
    ("position", "Должность"),
    ("phone", "Телефон"),
    ("email", "Электронная почта"),
    ("contract_number", "Номер договора"),
    ("state_contract_number", "№ государственного контракта"),
    ("subject", "Тема"),
    ("description", "Описание проблемы"),
    ("steps_to_reproduce", "Шаги для воспроизведения"),
    ("product", "Продукт"),
    ("product_version", "Версия или редакция продукта"),
    ("url", "Адрес страницы или сайта"),
    ("device_model", "Модель телефона"),
    ("os_version", "Версия ОС"),
    ("reproducibility", "Воспроизводимость"),
    ("additional_info", "Дополнительная информация"),
    ("attachments", "Вложения (скриншоты, журналы, видео)"),
    ("category", "Категория обращения"),
];

/// Which ticket fields are required and which are offered.
///
/// # Example
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[fields]\nrequired = [\"subject\", \"description\"]\n")?;
/// assert!(reg.fields.is_required("subject"));
/// assert!(!reg.fields.is_required("phone"));
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Fields {
    /// Required field ids.
    pub required: Vec<String>,
    /// Optional field ids offered on forms.
    pub optional: Vec<String>,
}

impl Fields {
    /// Whether a field is required.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!reglament_regulation::Fields::default().is_required("subject"));
    /// ```
    pub fn is_required(&self, id: &str) -> bool {
        self.required.iter().any(|f| f == id)
    }
}

/// What attachments are accepted.
///
/// # Example
///
/// ```
/// use reglament_regulation::AttachmentPolicy;
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[attachments]\nmax_size = \"10 MB\"\nallowed = [\"png\", \"zip\"]\narchived_only = [\"bmp\"]\n")?;
/// let p = &reg.attachments;
/// assert!(p.check("screen.PNG", 1_000).is_ok());
/// assert!(p.check("screen.bmp", 1_000).unwrap_err().russian().contains("ZIP"));
/// assert!(p.check("big.png", 20 * 1024 * 1024).unwrap_err().russian().contains("10 МБ"));
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct AttachmentPolicy {
    /// The largest single file, in bytes.
    pub max_size: Option<u64>,
    /// The largest total per message, in bytes.
    pub max_total: Option<u64>,
    /// Allowed file extensions, lowercase; empty allows any.
    pub allowed: Vec<String>,
    /// Extensions accepted only inside an archive.
    pub archived_only: Vec<String>,
}

impl AttachmentPolicy {
    /// Checks one file by its name and size.
    ///
    /// # Errors
    ///
    /// Returns why the file is rejected.
    ///
    /// # Example
    ///
    /// ```
    /// let p = reglament_regulation::AttachmentPolicy::default();
    /// assert!(p.check("anything.exe", 5).is_ok());
    /// ```
    pub fn check(&self, file_name: &str, size: u64) -> Result<(), AttachmentRefusal> {
        let refuse = |rule| {
            Err(AttachmentRefusal {
                file: file_name.to_string(),
                rule,
                real_type: None,
            })
        };
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default();
        if let Some(max) = self.max_size
            && size > max
        {
            return refuse(AttachmentRule::TooBig { max });
        }
        if self.archived_only.contains(&ext) {
            return refuse(AttachmentRule::ArchiveOnly { ext });
        }
        if !self.allowed.is_empty() && !self.allowed.contains(&ext) {
            return refuse(AttachmentRule::TypeNotAllowed {
                allowed: self.allowed.clone(),
            });
        }
        Ok(())
    }

    /// Checks one file by its name and, when it was recognised, by the type its content shows:
    /// a BMP renamed `.png` is judged as a BMP.
    ///
    /// # Errors
    ///
    /// Returns why the file is rejected.
    ///
    /// # Example
    ///
    /// ```
    /// let p = reglament_regulation::AttachmentPolicy { allowed: vec!["png".into()], archived_only: vec!["bmp".into()], ..Default::default() };
    /// assert!(p.check_content("screen.png", Some("png"), 5).is_ok());
    /// let e = p.check_content("screen.png", Some("bmp"), 5).unwrap_err();
    /// assert_eq!(e.real_type.as_deref(), Some("bmp"));
    /// assert_eq!(e.russian(), "Файл «screen.png» на самом деле BMP. Файлы .bmp принимаются только в архиве ZIP или RAR");
    /// ```
    pub fn check_content(
        &self,
        file_name: &str,
        detected: Option<&str>,
        size: u64,
    ) -> Result<(), AttachmentRefusal> {
        self.check(file_name, size)?;
        let named = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default();
        let same = |a: &str, b: &str| {
            let norm = |x: &str| match x {
                "jpeg" | "jpe" => "jpg".to_string(),
                "tif" => "tiff".to_string(),
                other => other.to_string(),
            };
            norm(a) == norm(b)
        };
        match detected.map(str::to_lowercase) {
            Some(real) if !same(&real, &named) => self
                .check(&format!("{file_name}.{real}"), size)
                .map_err(|r| AttachmentRefusal {
                    file: file_name.to_string(),
                    rule: r.rule,
                    real_type: Some(real),
                }),
            _ => Ok(()),
        }
    }
}

/// Why the attachment policy refused a file: the rule, and the type its content showed when
/// that differs from its name. Channels word it in their reader's language; [`russian`]
/// words it for the journal.
///
/// [`russian`]: AttachmentRefusal::russian
///
/// # Example
///
/// ```
/// use reglament_regulation::{AttachmentRefusal, AttachmentRule};
///
/// let r = AttachmentRefusal { file: "big.zip".into(), rule: AttachmentRule::TooBig { max: 10 << 20 }, real_type: None };
/// assert_eq!(r.russian(), "Файл «big.zip» больше допустимого размера 10 МБ");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttachmentRefusal {
    /// The file's name as sent.
    pub file: String,
    /// The rule that refused it.
    pub rule: AttachmentRule,
    /// The type its content showed, when that is not the one its name says.
    pub real_type: Option<String>,
}

/// A rule of the attachment policy that refuses a file.
///
/// # Example
///
/// ```
/// let rule = reglament_regulation::AttachmentRule::ArchiveOnly { ext: "exe".into() };
/// assert!(matches!(rule, reglament_regulation::AttachmentRule::ArchiveOnly { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum AttachmentRule {
    /// Larger than `max_size` bytes.
    TooBig {
        /// The limit in bytes.
        max: u64,
    },
    /// A type accepted only inside an archive.
    ArchiveOnly {
        /// The extension, lower case.
        ext: String,
    },
    /// Not among the allowed types.
    TypeNotAllowed {
        /// The allowed extensions.
        allowed: Vec<String>,
    },
    /// The message's files together are larger than `max_total` bytes.
    TotalTooBig {
        /// The limit in bytes.
        max: u64,
    },
}

impl AttachmentRefusal {
    /// The refusal in Russian, as the journal keeps it.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::{AttachmentRefusal, AttachmentRule};
    ///
    /// let r = AttachmentRefusal { file: "a.exe".into(), rule: AttachmentRule::TypeNotAllowed { allowed: vec!["png".into(), "zip".into()] }, real_type: None };
    /// assert_eq!(r.russian(), "Тип файла «a.exe» не принимается; допустимы: png, zip");
    /// ```
    pub fn russian(&self) -> String {
        let file = &self.file;
        let rule = match &self.rule {
            AttachmentRule::TooBig { max } => {
                format!(
                    "Файл «{file}» больше допустимого размера {}",
                    format_size(*max)
                )
            }
            AttachmentRule::ArchiveOnly { ext } => {
                format!("Файлы .{ext} принимаются только в архиве ZIP или RAR")
            }
            AttachmentRule::TypeNotAllowed { allowed } => format!(
                "Тип файла «{file}» не принимается; допустимы: {}",
                allowed.join(", ")
            ),
            AttachmentRule::TotalTooBig { max } => format!(
                "Файл «{file}» не принят: вложения одного сообщения больше {} в сумме",
                format_size(*max)
            ),
        };
        match &self.real_type {
            Some(real) => format!(
                "Файл «{file}» на самом деле {}. {rule}",
                real.to_uppercase()
            ),
            None => rule,
        }
    }
}

/// Formats a byte size in Russian as `10 МБ`, `512 КБ` or `100 Б`.
///
/// # Example
///
/// ```
/// assert_eq!(reglament_regulation::format_size(10 * 1024 * 1024), "10 МБ");
/// ```
pub fn format_size(bytes: u64) -> String {
    if bytes.is_multiple_of(1024 * 1024) && bytes > 0 {
        format!("{} МБ", bytes / 1024 / 1024)
    } else if bytes.is_multiple_of(1024) && bytes > 0 {
        format!("{} КБ", bytes / 1024)
    } else {
        format!("{bytes} Б")
    }
}

/// Facts about a ticket that decide its level.
///
/// # Example
///
/// ```
/// use reglament_regulation::TicketFacts;
///
/// let f = TicketFacts { tariff: Some("Premium"), ..TicketFacts::default() };
/// assert_eq!(f.subject, "");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct TicketFacts<'a> {
    /// The customer's tariff.
    pub tariff: Option<&'a str>,
    /// The ticket's category id.
    pub category: Option<&'a str>,
    /// The channel id it came through.
    pub channel: Option<&'a str>,
    /// The subject line.
    pub subject: &'a str,
    /// When it arrived: subject keywords limited to a schedule's hours (`keywords_during`) count
    /// only inside them. `None` counts keywords at any time.
    pub at: Option<jiff::Timestamp>,
}

/// What a target promises a class of tickets: a term, or explicitly none («не регламентируется»).
///
/// # Example
///
/// ```
/// use reglament_regulation::TermRule;
///
/// assert_eq!("not regulated".parse::<TermRule>()?, TermRule::NotRegulated);
/// assert_eq!("не регламентируется".parse::<TermRule>()?, TermRule::NotRegulated);
/// assert_eq!("4 working hours".parse::<TermRule>()?.to_string(), "4 working hours");
/// # Ok::<(), reglament_calendar::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermRule {
    /// A term.
    Term(Term),
    /// No term: the target does not run for these tickets, and the document says so.
    NotRegulated,
}

impl TermRule {
    /// The term, unless none is promised.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(reglament_regulation::TermRule::NotRegulated.term().is_none());
    /// ```
    pub fn term(&self) -> Option<&Term> {
        match self {
            TermRule::Term(t) => Some(t),
            TermRule::NotRegulated => None,
        }
    }
}

impl std::str::FromStr for TermRule {
    type Err = reglament_calendar::Error;

    fn from_str(s: &str) -> Result<TermRule, reglament_calendar::Error> {
        let t = s.trim();
        if t.eq_ignore_ascii_case("not regulated") || t.to_lowercase() == "не регламентируется"
        {
            return Ok(TermRule::NotRegulated);
        }
        t.parse().map(TermRule::Term)
    }
}

impl fmt::Display for TermRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TermRule::Term(t) => write!(f, "{t}"),
            TermRule::NotRegulated => f.write_str("not regulated"),
        }
    }
}

/// Where a target's term came from.
///
/// # Example
///
/// ```
/// use reglament_regulation::TermSource;
///
/// assert_eq!(TermSource::Priority("P1".into()).to_string(), "priority P1");
/// assert_eq!(TermSource::LevelCategory("vip".into(), "site_down".into()).to_string(), "level vip, category site_down");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermSource {
    /// The term for the level and the category together.
    LevelCategory(String, String),
    /// The level's term.
    Level(String),
    /// The category's term.
    Category(String),
    /// The priority's term.
    Priority(String),
    /// The target's default term.
    Default,
}

impl fmt::Display for TermSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TermSource::LevelCategory(l, c) => write!(f, "level {l}, category {c}"),
            TermSource::Level(l) => write!(f, "level {l}"),
            TermSource::Category(c) => write!(f, "category {c}"),
            TermSource::Priority(p) => write!(f, "priority {p}"),
            TermSource::Default => f.write_str("the target's default"),
        }
    }
}

/// What decides which of a target's terms a ticket gets: its level, priority, channel and
/// category.
///
/// # Example
///
/// ```
/// let class = reglament_regulation::TicketClass { level: Some("vip"), ..Default::default() };
/// assert!(class.category.is_none());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TicketClass<'a> {
    /// The level id.
    pub level: Option<&'a str>,
    /// The priority id.
    pub priority: Option<&'a str>,
    /// The channel id.
    pub channel: Option<&'a str>,
    /// The category id.
    pub category: Option<&'a str>,
}

impl Target {
    /// The term for a ticket of this class, and where it came from; `None` when the target
    /// does not apply, or says its term is not regulated. The first that sets a term wins:
    /// the level and the category together, the level, the category, the priority, the
    /// target's `duration`.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::{TermSource, TicketClass};
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.o]\nhours = { daily = \"00:00-24:00\" }\n[[categories]]\nid = \"down\"\ntitle = \"Авария\"\n[[priorities]]\nid = \"P1\"\ntitle = \"P1\"\n[[levels]]\nid = \"premium\"\ntitle = \"Premium\"\ntariffs = [\"Premium\"]\n[[levels]]\nid = \"basic\"\ntitle = \"Basic\"\n[[targets]]\nid = \"r\"\ntitle = \"R\"\nstart = \"received\"\nstop = \"completed\"\nschedule = \"o\"\nduration = \"24 hours\"\nby_level = { premium = \"3 hours\", basic = \"not regulated\" }\nby_category = { down = \"8 hours\" }\nby_level_category = { premium = { down = \"1 hour\" } }\n")?;
    /// let t = reg.target("r").unwrap();
    /// let class = |level, category| TicketClass { level, category, priority: Some("P1"), channel: None };
    /// assert_eq!(t.term_for(class(Some("premium"), None)).unwrap().1, TermSource::Level("premium".into()));
    /// assert_eq!(t.term_for(class(Some("premium"), Some("down"))).unwrap().0.to_string(), "1 hour");
    /// assert_eq!(t.term_for(class(None, Some("down"))).unwrap().1, TermSource::Category("down".into()));
    /// assert_eq!(t.term_for(class(None, None)).unwrap().0.to_string(), "24 hours");
    /// assert!(t.term_for(class(Some("basic"), None)).is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn term_for(&self, class: TicketClass<'_>) -> Option<(Term, TermSource)> {
        let allowed = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        if !allowed(&self.levels, class.level)
            || !allowed(&self.priorities, class.priority)
            || !allowed(&self.channels, class.channel)
        {
            return None;
        }
        let found = |rule: &TermRule, source: TermSource| rule.term().map(|t| (*t, source));
        if let (Some(l), Some(c)) = (class.level, class.category)
            && let Some(rule) = self.by_level_category.get(l).and_then(|m| m.get(c))
        {
            return found(rule, TermSource::LevelCategory(l.into(), c.into()));
        }
        if let Some(l) = class.level
            && let Some(rule) = self.by_level.get(l)
        {
            return found(rule, TermSource::Level(l.into()));
        }
        if let Some(c) = class.category
            && let Some(rule) = self.by_category.get(c)
        {
            return found(rule, TermSource::Category(c.into()));
        }
        if let Some(p) = class.priority
            && let Some(rule) = self.by_priority.get(p)
        {
            return found(rule, TermSource::Priority(p.into()));
        }
        self.duration.map(|t| (t, TermSource::Default))
    }
}

/// Calendars a regulation may name besides the built-in `ru` and `none`.
pub type Calendars = BTreeMap<String, Arc<ProductionCalendar>>;

impl Regulation {
    /// Parses and validates a regulation, with the built-in calendars only.
    ///
    /// # Errors
    ///
    /// A [`RegulationError`] listing every problem with its line and column.
    ///
    /// # Example
    ///
    /// ```
    /// let err = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[targets]]\nid = \"t\"\ntitle = \"T\"\nstart = \"received\"\nstop = \"registered\"\nschedule = \"nowhere\"\nduration = \"1 working hour\"\n").unwrap_err();
    /// assert_eq!(err.to_string(), "line 8, column 12: target `t`: unknown schedule `nowhere`, expected one of: (none defined)");
    /// ```
    pub fn parse(text: &str) -> Result<Regulation, RegulationError> {
        Regulation::parse_with_calendars(text, &Calendars::new())
    }

    /// Parses and validates a regulation whose schedules may name the given calendars.
    ///
    /// # Errors
    ///
    /// A [`RegulationError`] listing every problem with its line and column.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use reglament_calendar::ProductionCalendar;
    /// use reglament_regulation::{Calendars, Regulation};
    ///
    /// let mut cals = Calendars::new();
    /// cals.insert("office".into(), Arc::new(ProductionCalendar::new("office")));
    /// let reg = Regulation::parse_with_calendars(
    ///     "[regulation]\nname = \"R\"\n[schedules.s]\nhours = { daily = \"09:00-18:00\" }\ncalendar = \"office\"\n",
    ///     &cals,
    /// )?;
    /// assert_eq!(reg.schedule("s").unwrap().calendar, "office");
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn parse_with_calendars(
        text: &str,
        calendars: &Calendars,
    ) -> Result<Regulation, RegulationError> {
        let loc = Locator::new(text);
        let raw: RawRegulation = toml::from_str(text).map_err(|e| RegulationError {
            diagnostics: vec![loc.at(
                e.span().map_or(0, |s| s.start),
                e.message().trim().to_string(),
            )],
        })?;
        let mut v = Validator {
            loc,
            diags: Vec::new(),
        };
        let reg = v.regulation(raw, calendars);
        if v.diags.is_empty() {
            Ok(reg)
        } else {
            v.diags.sort_by_key(|d| (d.line, d.column));
            Err(RegulationError {
                diagnostics: v.diags,
            })
        }
    }

    /// A schedule by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert!(reg.schedule("office").is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn schedule(&self, id: &str) -> Option<&NamedSchedule> {
        self.schedules.get(id)
    }

    /// A channel by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert!(reg.channel("email").is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// A category by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert!(reg.category("seo").is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// A priority by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert!(reg.priority("P1").is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn priority(&self, id: &str) -> Option<&Priority> {
        self.priorities.iter().find(|c| c.id == id)
    }

    /// A level by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert!(reg.level("premium").is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|c| c.id == id)
    }

    /// A line by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert!(reg.line("L1").is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn line(&self, id: &str) -> Option<&Line> {
        self.lines.iter().find(|c| c.id == id)
    }

    /// A status by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert_eq!(reg.status("new").unwrap().title, "Новая");
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn status(&self, id: &str) -> Option<&Status> {
        self.statuses.iter().find(|c| c.id == id)
    }

    /// A target by id.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert!(reg.target("resolution").is_none());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn target(&self, id: &str) -> Option<&Target> {
        self.targets.iter().find(|c| c.id == id)
    }

    /// The level for a ticket: the first level whose conditions all match.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::TicketFacts;
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[levels]]\nid = \"premium\"\ntitle = \"Premium\"\ntariffs = [\"Premium\"]\n")?;
    /// assert!(reg.resolve_level(&TicketFacts::default()).is_none());
    /// assert!(reg.resolve_level(&TicketFacts { tariff: Some("premium"), ..Default::default() }).is_some());
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn resolve_level(&self, facts: &TicketFacts<'_>) -> Option<&Level> {
        let subject = facts.subject.to_lowercase();
        self.levels.iter().find(|l| {
            let has = |list: &[String], v: Option<&str>| {
                list.is_empty()
                    || v.is_some_and(|v| list.iter().any(|x| x.to_lowercase() == v.to_lowercase()))
            };
            has(&l.tariffs, facts.tariff)
                && has(&l.categories, facts.category)
                && has(&l.channels, facts.channel)
                && (l.subject_keywords.is_empty()
                    || (l
                        .subject_keywords
                        .iter()
                        .any(|k| contains_word(&subject, &k.to_lowercase()))
                        && self.keywords_count(l, facts.at)))
        })
    }

    /// Whether a level's subject keywords count at an instant: always, unless the level limits
    /// them to a schedule's working hours.
    fn keywords_count(&self, level: &Level, at: Option<jiff::Timestamp>) -> bool {
        match (&level.keywords_during, at) {
            (Some(s), Some(at)) => self
                .schedule(s)
                .is_some_and(|s| s.working.is_working(at).unwrap_or(false)),
            _ => true,
        }
    }

    /// Whether priority `a` is more urgent than `b` (or than no priority at all). Priorities
    /// are listed most urgent first.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[priorities]]\nid = \"P1\"\ntitle = \"Критический\"\n[[priorities]]\nid = \"P2\"\ntitle = \"Высокий\"\n")?;
    /// assert!(reg.more_urgent("P1", Some("P2")));
    /// assert!(!reg.more_urgent("P2", Some("P1")));
    /// assert!(reg.more_urgent("P2", None));
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn more_urgent(&self, a: &str, b: Option<&str>) -> bool {
        let rank = |id: &str| self.priorities.iter().position(|p| p.id == id);
        match (rank(a), b.map(rank)) {
            (Some(_), None | Some(None)) => true,
            (Some(x), Some(Some(y))) => x < y,
            (None, _) => false,
        }
    }

    /// The line a newly registered ticket of a level starts on: the level's own line, else the
    /// first line. `None` when the regulation has no lines.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[levels]]\nid = \"dev\"\ntitle = \"Разработка\"\nline = \"L2\"\n[[lines]]\nid = \"L1\"\ntitle = \"Первая\"\n[[lines]]\nid = \"L2\"\ntitle = \"Вторая\"\n")?;
    /// assert_eq!(reg.initial_line(None).unwrap().id, "L1");
    /// assert_eq!(reg.initial_line(Some("dev")).unwrap().id, "L2");
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn initial_line(&self, level: Option<&str>) -> Option<&Line> {
        level
            .and_then(|l| self.level(l))
            .and_then(|l| l.line.as_deref())
            .and_then(|l| self.line(l))
            .or_else(|| self.lines.first())
    }

    /// The tariffs the regulation names, in levels and billing plans, in file order without
    /// repeats. Empty when it names none, so any tariff is accepted.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[levels]]\nid = \"vip\"\ntitle = \"VIP\"\ntariffs = [\"Премиум\", \"Корпоративный\"]\n")?;
    /// assert_eq!(reg.known_tariffs(), vec!["Премиум", "Корпоративный"]);
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn known_tariffs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let plans = self.billing.iter().flat_map(|b| b.plans.values());
        let names = self
            .levels
            .iter()
            .flat_map(|l| l.tariffs.iter())
            .chain(plans.flat_map(|p| p.tariffs.iter()));
        for t in names {
            if !out.contains(t) {
                out.push(t.clone());
            }
        }
        out
    }

    /// The priority for a new ticket of a level: the level's, else the regulation's default.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[[priorities]]\nid = \"P3\"\ntitle = \"Обычный\"\ndefault = true\n")?;
    /// assert_eq!(reg.initial_priority(None).unwrap().id, "P3");
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn initial_priority(&self, level: Option<&Level>) -> Option<&Priority> {
        level
            .and_then(|l| l.priority.as_deref())
            .and_then(|p| self.priority(p))
            .or_else(|| self.priorities.iter().find(|p| p.default))
    }

    /// The base status of a status id.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::BaseStatus;
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n")?;
    /// assert_eq!(reg.base_status("completed"), Some(BaseStatus::Completed));
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn base_status(&self, id: &str) -> Option<BaseStatus> {
        self.status(id).map(|s| s.base)
    }

    /// The schedule for lifecycle terms: the lifecycle's, else the first schedule.
    ///
    /// # Example
    ///
    /// ```
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\n")?;
    /// assert_eq!(reg.lifecycle_schedule().unwrap().id, "office");
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn lifecycle_schedule(&self) -> Option<&NamedSchedule> {
        match &self.lifecycle.schedule {
            Some(s) => self.schedule(s),
            None => self.schedules.values().next(),
        }
    }
}

/// Whether `text` contains `word` as a whole word: «СРОЧНО» is in «срочно!» but not in
/// «несрочно».
fn contains_word(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    text.match_indices(word).any(|(i, w)| {
        let before = text[..i].chars().next_back();
        let after = text[i + w.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Diagnostic;

    #[test]
    fn schedule_overrides_express_days_off_working_weekends_shortened_days_and_hours() {
        let reg = Regulation::parse(
            r#"
[regulation]
name = "R"
[schedules.office]
hours = { "mon-fri" = "09:00-18:00" }
overrides = [
  { date = "2026-12-29", hours = "off", reason = "Инвентаризация" },
  { date = "2026-12-26", hours = "working" },
  { date = "2026-12-25", hours = "shortened" },
  { date = "2026-12-30", hours = "10:00-14:00", reason = "Корпоратив" },
]
"#,
        )
        .expect("valid");
        let s = reg.schedule("office").expect("office").schedule();
        let hours = |m, d| s.day(jiff::civil::date(2026, m, d)).hours.to_string();
        assert_eq!(hours(12, 29), "off");
        assert_eq!(hours(12, 26), "09:00-18:00");
        assert_eq!(hours(12, 25), "09:00-17:00");
        assert_eq!(hours(12, 30), "10:00-14:00");
    }

    #[test]
    fn a_bad_override_names_the_value_and_the_accepted_words() {
        let err = Regulation::parse(
            "[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\noverrides = [{ date = \"2026-12-29\", hours = \"half\" }]\n",
        )
        .unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!((d.line, d.column), (5, 45));
        assert!(d.message.contains("`half`"), "{}", d.message);
        assert!(
            d.message.contains("`off`, `working` or `shortened`"),
            "{}",
            d.message
        );
    }

    fn first_error(text: &str) -> Diagnostic {
        Regulation::parse(text).unwrap_err().diagnostics.remove(0)
    }

    #[test]
    fn a_level_after_a_catch_all_level_is_reported_as_unreachable() {
        let d = first_error(
            "[regulation]\nname = \"R\"\n[[levels]]\nid = \"std\"\ntitle = \"Стандарт\"\n[[levels]]\nid = \"vip\"\ntitle = \"VIP\"\ntariffs = [\"VIP\"]\n",
        );
        assert_eq!((d.line, d.column), (7, 6));
        assert!(
            d.message
                .contains("level `vip` can never apply: level `std` before it has no conditions"),
            "{}",
            d.message
        );
    }

    #[test]
    fn a_negative_rate_is_rejected_naming_it() {
        let d = first_error(
            "[regulation]\nname = \"R\"\n[billing.activities.work]\ntitle = \"Работа\"\nrate = -5\n",
        );
        assert_eq!((d.line, d.column), (5, 8));
        assert!(
            d.message.contains(
                "amount `-5` is not valid, expected a number of rubles from 0 to 1000000000"
            ),
            "{}",
            d.message
        );
    }

    #[test]
    fn two_overrides_for_one_date_are_rejected() {
        let d = first_error(
            "[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\noverrides = [\n  { date = \"2026-12-30\", hours = \"off\" },\n  { date = \"2026-12-30\", hours = \"10:00-14:00\" },\n]\n",
        );
        assert_eq!((d.line, d.column), (7, 12));
        assert!(
            d.message.contains("a second override for 2026-12-30"),
            "{}",
            d.message
        );
    }

    #[test]
    fn an_impossible_override_date_says_it_does_not_exist() {
        let d = first_error(
            "[regulation]\nname = \"R\"\n[schedules.office]\nhours = { \"mon-fri\" = \"09:00-18:00\" }\noverrides = [{ date = \"2026-02-30\", hours = \"off\" }]\n",
        );
        assert!(
            d.message.contains("`2026-02-30` is not a valid date"),
            "{}",
            d.message
        );
    }

    #[test]
    fn subject_keywords_match_whole_words_only() {
        assert!(contains_word("сайт лежит, срочно!", "срочно"));
        assert!(contains_word("срочно: оплата", "срочно"));
        assert!(!contains_word("несрочно: баннер", "срочно"));
        assert!(!contains_word("срочности нет", "срочно"));
    }
}
