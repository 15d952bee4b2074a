//! The validated regulation: schedules, channels, categories, levels, priorities, lines,
//! statuses, targets, lifecycle, fields, attachments and billing, with every reference checked.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use jiff::SignedDuration;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use reglament_calendar::{
    DayHours, DayOverride, ProductionCalendar, Schedule, Term, TermPart, WeeklyPattern,
    WorkingTime, parse_weekday,
};

use crate::billing::{Activity, Billing, Money, Multiplier, Plan, Tier};
use crate::error::{Diagnostic, Locator, RegulationError};
use crate::raw::{self, RawMoney, RawRegulation, S};

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
    /// The term when neither level nor priority sets one.
    pub duration: Option<Term>,
    /// Terms by priority id.
    pub by_priority: BTreeMap<String, Term>,
    /// Terms by level id; they win over priority.
    pub by_level: BTreeMap<String, Term>,
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
/// assert!(p.check("screen.bmp", 1_000).unwrap_err().contains("ZIP"));
/// assert!(p.check("big.png", 20 * 1024 * 1024).unwrap_err().contains("10 МБ"));
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
    /// Checks one file; the error is a Russian message for the customer.
    ///
    /// # Errors
    ///
    /// Returns the reason the file is rejected.
    ///
    /// # Example
    ///
    /// ```
    /// let p = reglament_regulation::AttachmentPolicy::default();
    /// assert!(p.check("anything.exe", 5).is_ok());
    /// ```
    pub fn check(&self, file_name: &str, size: u64) -> Result<(), String> {
        let ext = file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_lowercase())
            .unwrap_or_default();
        if let Some(max) = self.max_size
            && size > max
        {
            return Err(format!(
                "файл «{file_name}» больше допустимого размера {}",
                format_size(max)
            ));
        }
        if self.archived_only.contains(&ext) {
            return Err(format!(
                "файлы .{ext} принимаются только в архиве ZIP или RAR"
            ));
        }
        if !self.allowed.is_empty() && !self.allowed.contains(&ext) {
            return Err(format!(
                "тип файла «{file_name}» не принимается; допустимы: {}",
                self.allowed.join(", ")
            ));
        }
        Ok(())
    }

    /// Checks one file by its name and, when it was recognised, by the type its content shows:
    /// a BMP renamed `.png` is judged as a BMP. The error is a Russian message for the customer.
    ///
    /// # Errors
    ///
    /// Returns the reason the file is rejected.
    ///
    /// # Example
    ///
    /// ```
    /// let p = reglament_regulation::AttachmentPolicy { allowed: vec!["png".into()], archived_only: vec!["bmp".into()], ..Default::default() };
    /// assert!(p.check_content("screen.png", Some("png"), 5).is_ok());
    /// let e = p.check_content("screen.png", Some("bmp"), 5).unwrap_err();
    /// assert!(e.contains("BMP"), "{e}");
    /// ```
    pub fn check_content(
        &self,
        file_name: &str,
        detected: Option<&str>,
        size: u64,
    ) -> Result<(), String> {
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
                .map_err(|reason| {
                    format!(
                        "файл «{file_name}» на самом деле {}: {reason}",
                        real.to_uppercase()
                    )
                }),
            _ => Ok(()),
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

/// Where a target's term came from.
///
/// # Example
///
/// ```
/// use reglament_regulation::TermSource;
///
/// assert_eq!(TermSource::Priority("P1".into()).to_string(), "priority P1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermSource {
    /// The level's term.
    Level(String),
    /// The priority's term.
    Priority(String),
    /// The target's default term.
    Default,
}

impl fmt::Display for TermSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TermSource::Level(l) => write!(f, "level {l}"),
            TermSource::Priority(p) => write!(f, "priority {p}"),
            TermSource::Default => f.write_str("the target's default"),
        }
    }
}

impl Target {
    /// The term for a ticket of this level and priority, and where it came from; `None` when
    /// the target does not apply.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_regulation::TermSource;
    /// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[schedules.o]\nhours = { daily = \"00:00-24:00\" }\n[[priorities]]\nid = \"P1\"\ntitle = \"P1\"\n[[levels]]\nid = \"premium\"\ntitle = \"Premium\"\ntariffs = [\"Premium\"]\n[[targets]]\nid = \"r\"\ntitle = \"R\"\nstart = \"received\"\nstop = \"completed\"\nschedule = \"o\"\nduration = \"24 hours\"\nby_level = { premium = \"3 hours\" }\n")?;
    /// let t = reg.target("r").unwrap();
    /// assert_eq!(t.term_for(Some("premium"), Some("P1"), None).unwrap().1, TermSource::Level("premium".into()));
    /// assert_eq!(t.term_for(None, Some("P1"), None).unwrap().0.to_string(), "24 hours");
    /// # Ok::<(), reglament_regulation::RegulationError>(())
    /// ```
    pub fn term_for(
        &self,
        level: Option<&str>,
        priority: Option<&str>,
        channel: Option<&str>,
    ) -> Option<(Term, TermSource)> {
        let allowed = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        if !allowed(&self.levels, level)
            || !allowed(&self.priorities, priority)
            || !allowed(&self.channels, channel)
        {
            return None;
        }
        if let Some(l) = level
            && let Some(t) = self.by_level.get(l)
        {
            return Some((*t, TermSource::Level(l.into())));
        }
        if let Some(p) = priority
            && let Some(t) = self.by_priority.get(p)
        {
            return Some((*t, TermSource::Priority(p.into())));
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

struct Validator<'a> {
    loc: Locator<'a>,
    diags: Vec<Diagnostic>,
}

fn list(ids: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let v: Vec<String> = ids
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect();
    if v.is_empty() {
        "(none defined)".into()
    } else {
        v.join(", ")
    }
}

impl Validator<'_> {
    fn err(&mut self, at: &S, message: String) {
        self.diags.push(self.loc.at(at.span().start, message));
    }

    fn err_at(&mut self, offset: usize, message: String) {
        self.diags.push(self.loc.at(offset, message));
    }

    fn term(&mut self, ctx: &str, s: &S) -> Option<Term> {
        match s.get_ref().parse::<Term>() {
            Ok(t) => Some(t),
            Err(e) => {
                self.err(s, format!("{ctx}: {e}"));
                None
            }
        }
    }

    /// A plain duration in minutes or hours of calendar time.
    fn plain(&mut self, ctx: &str, s: &S) -> Option<SignedDuration> {
        match self.term(ctx, s)? {
            Term {
                primary: TermPart::Calendar(d),
                at_most: None,
            } => Some(d),
            _ => {
                self.err(
                    s,
                    format!(
                        "{ctx}: `{}` must be plain minutes or hours, such as `30 minutes`",
                        s.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn check_ref(&mut self, ctx: &str, what: &str, s: &S, known: &BTreeSet<String>) {
        if !known.contains(s.get_ref()) {
            self.err(
                s,
                format!(
                    "{ctx}: unknown {what} `{}`, expected one of: {}",
                    s.get_ref(),
                    list(known)
                ),
            );
        }
    }

    fn unique(&mut self, what: &str, ids: &[&S]) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        for id in ids {
            if id.get_ref().trim().is_empty() {
                self.err(id, format!("{what} id is empty"));
            } else if !seen.insert(id.get_ref().clone()) {
                self.err(id, format!("duplicate {what} id `{}`", id.get_ref()));
            }
        }
        seen
    }

    fn tz(&mut self, s: &S) -> Option<TimeZone> {
        match TimeZone::get(s.get_ref()) {
            Ok(tz) => Some(tz),
            Err(_) => {
                self.err(
                    s,
                    format!(
                        "unknown time zone `{}`, expected an IANA name such as `Europe/Moscow`",
                        s.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn money(&mut self, ctx: &str, m: &toml::Spanned<RawMoney>) -> Money {
        let parsed = match m.get_ref() {
            RawMoney::Int(i) => Some(Money::from_kopecks(i * 100)),
            RawMoney::Float(f) => Some(Money::from_kopecks((f * 100.0).round() as i64)),
            RawMoney::Text(t) => t.parse::<Money>().ok(),
        }
        .filter(|m| m.kopecks() >= 0);
        parsed.unwrap_or_else(|| {
            let shown = match m.get_ref() {
                RawMoney::Int(i) => i.to_string(),
                RawMoney::Float(f) => f.to_string(),
                RawMoney::Text(t) => t.clone(),
            };
            self.err_at(
                m.span().start,
                format!("{ctx}: amount `{shown}` is not valid, expected a non-negative number of rubles such as `2000` or `1500.50`"),
            );
            Money::ZERO
        })
    }

    fn size(&mut self, ctx: &str, s: &S) -> Option<u64> {
        let t = s.get_ref().trim().to_uppercase();
        let (num, mult) = if let Some(n) = t.strip_suffix("MB") {
            (n, 1024 * 1024)
        } else if let Some(n) = t.strip_suffix("KB") {
            (n, 1024)
        } else if let Some(n) = t.strip_suffix('B') {
            (n, 1)
        } else {
            (t.as_str(), 0)
        };
        match num.trim().parse::<u64>() {
            Ok(n) if mult > 0 => Some(n * mult),
            _ => {
                self.err(
                    s,
                    format!(
                        "{ctx}: size `{}` is not valid, expected e.g. `10 MB`, `512 KB`",
                        s.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn schedule(
        &mut self,
        id: &str,
        r: &raw::RawSchedule,
        default_tz: &TimeZone,
        calendars: &Calendars,
        presidential_default: bool,
    ) -> Option<NamedSchedule> {
        let tz = match &r.timezone {
            Some(s) => self.tz(s)?,
            None => default_tz.clone(),
        };
        let mut weekly = WeeklyPattern::empty();
        let mut ok = true;
        for (days, hours) in r.hours.get_ref() {
            let parsed = hours
                .get_ref()
                .parse::<DayHours>()
                .and_then(|h| weekly.set(days, h));
            if let Err(e) = parsed {
                self.err(
                    hours,
                    format!("schedule `{id}`: `{days}` = `{}`: {e}", hours.get_ref()),
                );
                ok = false;
            }
        }
        if ok && weekly.weekly_minutes() == 0 {
            self.err_at(
                r.hours.span().start,
                format!("schedule `{id}` has no working hours, expected e.g. `hours = {{ \"mon-fri\" = \"09:00-18:00\" }}`"),
            );
            ok = false;
        }
        let mut schedule = Schedule::new(tz, weekly);
        let cal_name = r
            .calendar
            .as_ref()
            .map_or("ru".to_string(), |c| c.get_ref().clone());
        match cal_name.as_str() {
            "ru" => schedule = schedule.with_calendar(ProductionCalendar::russia()),
            "none" => {}
            other => match calendars.get(other) {
                Some(c) => schedule = schedule.with_calendar(c.clone()),
                None => {
                    let c = r.calendar.as_ref().expect("a named calendar was written");
                    let mut known: Vec<&str> = vec!["ru", "none"];
                    known.extend(calendars.keys().map(String::as_str));
                    self.err(
                        c,
                        format!(
                            "schedule `{id}`: unknown calendar `{other}`, expected one of: {}",
                            list(known)
                        ),
                    );
                    ok = false;
                }
            },
        }
        if let Some(s) = r.shortened_days {
            schedule = schedule.shorten_pre_holiday_days(s);
        }
        let presidential = match &r.presidential_days {
            None => presidential_default,
            Some(p) => match p.get_ref().as_str() {
                "working" => true,
                "non-working" => false,
                other => {
                    self.err(p, format!("schedule `{id}`: `presidential_days = \"{other}\"`, expected `working` or `non-working`"));
                    false
                }
            },
        };
        schedule = schedule.count_presidential_days(presidential);
        if let Some(w) = &r.working_weekend_hours {
            match parse_weekday(w.get_ref()) {
                Ok(wd) => schedule = schedule.working_weekend_hours(wd),
                Err(e) => {
                    self.err(w, format!("schedule `{id}`: `working_weekend_hours`: {e}"));
                    ok = false;
                }
            }
        }
        for o in &r.overrides {
            let date = match o.date.get_ref().parse::<Date>() {
                Ok(d) => d,
                Err(_) => {
                    self.err(&o.date, format!("schedule `{id}`: override date `{}` is not a valid date, expected an existing date as `YYYY-MM-DD`", o.date.get_ref()));
                    ok = false;
                    continue;
                }
            };
            if schedule.overrides().any(|(d, _)| d == date) {
                self.err(&o.date, format!("schedule `{id}`: a second override for {date}, expected one override per date"));
                ok = false;
                continue;
            }
            let reason = o
                .reason
                .clone()
                .unwrap_or_else(|| "по решению компании".into());
            let weekend = matches!(
                date.weekday(),
                jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
            );
            let kind = o.hours.get_ref().trim();
            if kind == "working" || kind == "shortened" {
                let shortened = kind == "shortened";
                schedule =
                    schedule.with_override(date, DayOverride::Working { weekend, shortened });
                continue;
            }
            match o.hours.get_ref().parse::<DayHours>() {
                Ok(h) if h.is_empty() => {
                    schedule = schedule.with_override(date, DayOverride::NonWorking { reason });
                }
                Ok(hours) => {
                    schedule = schedule.with_override(date, DayOverride::Hours { hours, reason });
                }
                Err(e) => {
                    self.err(&o.hours, format!("schedule `{id}`: override {date}: {e}; or use `off`, `working` or `shortened`"));
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        match schedule.compile() {
            Ok(wt) => Some(NamedSchedule {
                id: id.to_string(),
                title: r.title.clone().unwrap_or_else(|| id.to_string()),
                calendar: cal_name,
                working: Arc::new(wt),
            }),
            Err(e) => {
                self.err_at(r.hours.span().start, format!("schedule `{id}`: {e}"));
                None
            }
        }
    }

    fn event(
        &mut self,
        ctx: &str,
        s: &S,
        lines: &BTreeSet<String>,
        statuses: &BTreeSet<String>,
    ) -> Option<EventPattern> {
        let Some(p) = EventPattern::parse(s.get_ref()) else {
            self.err(
                s,
                format!(
                    "{ctx}: unknown event `{}`, expected one of {EVENT_NAMES}",
                    s.get_ref()
                ),
            );
            return None;
        };
        match &p {
            EventPattern::HandedOver(Some(l)) if !lines.contains(l) => {
                self.err(
                    s,
                    format!(
                        "{ctx}: unknown line `{l}`, expected one of: {}",
                        list(lines)
                    ),
                );
            }
            EventPattern::EnteredStatus(st) if !statuses.contains(st) => {
                self.err(
                    s,
                    format!(
                        "{ctx}: unknown status `{st}`, expected one of: {}",
                        list(statuses)
                    ),
                );
            }
            _ => {}
        }
        Some(p)
    }

    fn regulation(&mut self, raw: RawRegulation, calendars: &Calendars) -> Regulation {
        let tz = raw
            .regulation
            .timezone
            .as_ref()
            .and_then(|s| self.tz(s))
            .unwrap_or_else(|| TimeZone::get("Europe/Moscow").expect("bundled tzdb has Moscow"));

        let mut schedules = BTreeMap::new();
        for (id, r) in &raw.schedules {
            if let Some(s) = self.schedule(id, r, &tz, calendars, false) {
                schedules.insert(id.clone(), s);
            }
        }
        let schedule_ids: BTreeSet<String> = raw.schedules.keys().cloned().collect();

        // Channels.
        let mut channels = Vec::new();
        let mut in_file_order: Vec<(&String, &raw::RawChannel)> = raw.channels.iter().collect();
        in_file_order.sort_by_key(|(_, c)| c.kind.span().start);
        for (id, c) in in_file_order {
            let kind = match c.kind.get_ref().as_str() {
                "email" => ChannelKind::Email,
                "portal" => ChannelKind::Portal,
                "phone" => ChannelKind::Phone,
                "messenger" => ChannelKind::Messenger,
                "other" => ChannelKind::Other,
                other => {
                    self.err(&c.kind, format!("channel `{id}`: unknown kind `{other}`, expected one of `email`, `portal`, `phone`, `messenger`, `other`"));
                    ChannelKind::Other
                }
            };
            let accepted = match &c.accepted {
                Some(a) if a.get_ref() == "always" => None,
                Some(a) => {
                    self.check_ref(
                        &format!("channel `{id}`: `accepted`"),
                        "schedule",
                        a,
                        &schedule_ids,
                    );
                    Some(a.get_ref().clone())
                }
                None => None,
            };
            channels.push(Channel {
                id: id.clone(),
                title: c.title.clone().unwrap_or_else(|| id.clone()),
                kind,
                address: c.address.clone(),
                registers: c.registers,
                accepted,
                on_days_off: c.on_days_off,
                emergency_only: c.emergency_only,
                paid: c.paid,
                official: c.official,
                trusted_only: c.trusted_only,
                categories: c.categories.iter().map(|s| s.get_ref().clone()).collect(),
                note: c.note.clone(),
            });
        }
        let channel_ids: BTreeSet<String> = raw.channels.keys().cloned().collect();

        let category_ids = self.unique(
            "category",
            &raw.categories.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        let categories = raw
            .categories
            .iter()
            .map(|c| Category {
                id: c.id.get_ref().clone(),
                title: c.title.clone(),
                in_scope: c.in_scope,
                owner_only: c.owner_only,
                note: c.note.clone(),
            })
            .collect();
        for (id, c) in &raw.channels {
            for cat in &c.categories {
                self.check_ref(&format!("channel `{id}`"), "category", cat, &category_ids);
            }
        }

        let priority_ids = self.unique(
            "priority",
            &raw.priorities.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        let defaults: Vec<&raw::RawPriority> =
            raw.priorities.iter().filter(|p| p.default).collect();
        if defaults.len() > 1 {
            self.err(
                &defaults[1].id,
                format!(
                    "priority `{}` is a second default, expected at most one `default = true`",
                    defaults[1].id.get_ref()
                ),
            );
        }
        let priorities = raw
            .priorities
            .iter()
            .map(|p| Priority {
                id: p.id.get_ref().clone(),
                title: p.title.clone(),
                description: p.description.clone(),
                out_of_turn: p.out_of_turn,
                default: p.default,
            })
            .collect();

        let level_ids = self.unique(
            "level",
            &raw.levels.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        let mut levels = Vec::new();
        for l in &raw.levels {
            let ctx = format!("level `{}`", l.id.get_ref());
            for c in &l.categories {
                self.check_ref(&ctx, "category", c, &category_ids);
            }
            for c in &l.channels {
                self.check_ref(&ctx, "channel", c, &channel_ids);
            }
            if let Some(p) = &l.priority {
                self.check_ref(&ctx, "priority", p, &priority_ids);
            }
            if let Some(s) = &l.keywords_during {
                self.check_ref(&ctx, "schedule", s, &schedule_ids);
            }
            levels.push(Level {
                id: l.id.get_ref().clone(),
                title: l.title.clone(),
                description: l.description.clone(),
                tariffs: l.tariffs.clone(),
                categories: l.categories.iter().map(|s| s.get_ref().clone()).collect(),
                channels: l.channels.iter().map(|s| s.get_ref().clone()).collect(),
                subject_keywords: l.subject_keywords.clone(),
                keywords_during: l.keywords_during.as_ref().map(|s| s.get_ref().clone()),
                priority: l.priority.as_ref().map(|s| s.get_ref().clone()),
                line: l.line.as_ref().map(|s| s.get_ref().clone()),
            });
        }

        if let Some(pos) = raw.levels.iter().position(|l| {
            l.tariffs.is_empty()
                && l.categories.is_empty()
                && l.channels.is_empty()
                && l.subject_keywords.is_empty()
        }) && let Some(next) = raw.levels.get(pos + 1)
        {
            self.err(
                    &next.id,
                    format!(
                        "level `{}` can never apply: level `{}` before it has no conditions and matches every ticket; put the catch-all level last",
                        next.id.get_ref(),
                        raw.levels[pos].id.get_ref()
                    ),
                );
        }

        // Statuses: the base ones, renamed, then custom ones.
        let mut statuses: Vec<Status> = BaseStatus::ALL
            .iter()
            .map(|b| Status {
                id: b.id().into(),
                title: b.default_title().into(),
                base: *b,
            })
            .collect();
        self.unique(
            "status",
            &raw.statuses.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        for s in &raw.statuses {
            let id = s.id.get_ref();
            if let Some(b) = BaseStatus::parse(id) {
                if let Some(base) = &s.base
                    && base.get_ref() != id
                {
                    self.err(
                        base,
                        format!(
                            "status `{id}` is a base status and cannot be based on `{}`",
                            base.get_ref()
                        ),
                    );
                }
                statuses[b as usize].title = s.title.clone();
                continue;
            }
            let base = match &s.base {
                None => {
                    self.err(
                        &s.id,
                        format!(
                            "status `{id}` needs `base`, one of: {}",
                            list(BaseStatus::ALL.iter().map(|b| b.id()))
                        ),
                    );
                    continue;
                }
                Some(b) => match BaseStatus::parse(b.get_ref()) {
                    Some(b) => b,
                    None => {
                        self.err(
                            b,
                            format!(
                                "status `{id}`: unknown base status `{}`, expected one of: {}",
                                b.get_ref(),
                                list(BaseStatus::ALL.iter().map(|b| b.id()))
                            ),
                        );
                        continue;
                    }
                },
            };
            statuses.push(Status {
                id: id.clone(),
                title: s.title.clone(),
                base,
            });
        }
        let status_ids: BTreeSet<String> = statuses.iter().map(|s| s.id.clone()).collect();

        // Lines and their reaction targets.
        let line_ids = self.unique("line", &raw.lines.iter().map(|c| &c.id).collect::<Vec<_>>());
        let mut lines = Vec::new();
        let mut targets = Vec::new();
        for l in &raw.lines {
            let id = l.id.get_ref().clone();
            let ctx = format!("line `{id}`");
            let reaction = l
                .reaction
                .as_ref()
                .and_then(|r| self.term(&format!("{ctx}: `reaction`"), r));
            if let Some(s) = &l.schedule {
                self.check_ref(&ctx, "schedule", s, &schedule_ids);
            }
            let schedule = l.schedule.as_ref().map(|s| s.get_ref().clone());
            if let (Some(r), None) = (&l.reaction, &schedule) {
                self.err(
                    r,
                    format!(
                        "{ctx}: a `reaction` needs a `schedule` to count in, expected one of: {}",
                        list(&schedule_ids)
                    ),
                );
            }
            if let (Some(term), Some(schedule)) = (reaction, schedule.clone()) {
                targets.push(Target {
                    id: format!("reaction_{id}"),
                    title: format!("Реакция линии «{}»", l.title),
                    start: EventPattern::HandedOver(Some(id.clone())),
                    stop: vec![EventPattern::Assigned, EventPattern::PublicReply],
                    pause_in: Vec::new(),
                    resume_on: Vec::new(),
                    repeat: true,
                    schedule,
                    duration: Some(term),
                    by_priority: BTreeMap::new(),
                    by_level: BTreeMap::new(),
                    levels: Vec::new(),
                    priorities: Vec::new(),
                    channels: Vec::new(),
                    warning: None,
                    interim_after: None,
                    extension: None,
                    note: None,
                    line: Some(id.clone()),
                });
            }
            lines.push(Line {
                id,
                title: l.title.clone(),
                reaction,
                schedule,
                description: l.description.clone(),
            });
        }

        for l in &raw.levels {
            if let Some(line) = &l.line {
                self.check_ref(
                    &format!("level `{}`", l.id.get_ref()),
                    "line",
                    line,
                    &line_ids,
                );
            }
        }

        self.unique(
            "target",
            &raw.targets.iter().map(|c| &c.id).collect::<Vec<_>>(),
        );
        for t in &raw.targets {
            if targets.iter().any(|g: &Target| &g.id == t.id.get_ref()) {
                self.err(
                    &t.id,
                    format!(
                        "duplicate target id `{}`: a line's reaction target already has it",
                        t.id.get_ref()
                    ),
                );
            }
        }
        for t in raw.targets {
            let id = t.id.get_ref().clone();
            let ctx = format!("target `{id}`");
            self.check_ref(&ctx, "schedule", &t.schedule, &schedule_ids);
            let start = self.event(&format!("{ctx}: `start`"), &t.start, &line_ids, &status_ids);
            let stop_at = t.stop.span();
            let stop: Vec<EventPattern> = t
                .stop
                .get_ref()
                .0
                .iter()
                .filter_map(|(at, s)| {
                    let s = toml::Spanned::new(at.clone().unwrap_or(stop_at.clone()), s.clone());
                    self.event(&format!("{ctx}: `stop`"), &s, &line_ids, &status_ids)
                })
                .collect();
            if t.stop.get_ref().0.is_empty() {
                self.err_at(
                    stop_at.start,
                    format!("{ctx}: `stop` is empty, expected at least one event"),
                );
            }
            let resume_on = t
                .resume_on
                .iter()
                .filter_map(|s| {
                    self.event(&format!("{ctx}: `resume_on`"), s, &line_ids, &status_ids)
                })
                .collect();
            for p in &t.pause_in {
                self.check_ref(&format!("{ctx}: `pause_in`"), "status", p, &status_ids);
            }
            let duration = t
                .duration
                .as_ref()
                .and_then(|d| self.term(&format!("{ctx}: `duration`"), d));
            let mut by_priority = BTreeMap::new();
            for (p, d) in &t.by_priority {
                if !priority_ids.contains(p) {
                    self.err(d, format!("{ctx}: `by_priority` names unknown priority `{p}`, expected one of: {}", list(&priority_ids)));
                }
                if let Some(term) = self.term(&format!("{ctx}: `by_priority.{p}`"), d) {
                    by_priority.insert(p.clone(), term);
                }
            }
            let mut by_level = BTreeMap::new();
            for (l, d) in &t.by_level {
                if !level_ids.contains(l) {
                    self.err(
                        d,
                        format!(
                            "{ctx}: `by_level` names unknown level `{l}`, expected one of: {}",
                            list(&level_ids)
                        ),
                    );
                }
                if let Some(term) = self.term(&format!("{ctx}: `by_level.{l}`"), d) {
                    by_level.insert(l.clone(), term);
                }
            }
            if t.duration.is_none() && t.by_priority.is_empty() && t.by_level.is_empty() {
                self.err(
                    &t.id,
                    format!("{ctx} has no term, expected `duration`, `by_priority` or `by_level`"),
                );
            }
            for l in &t.levels {
                self.check_ref(&ctx, "level", l, &level_ids);
            }
            for p in &t.priorities {
                self.check_ref(&ctx, "priority", p, &priority_ids);
            }
            for c in &t.channels {
                self.check_ref(&ctx, "channel", c, &channel_ids);
            }
            let warning = match (&t.warn_before, &t.warn_at_percent) {
                (Some(w), None) => match self.term(&format!("{ctx}: `warn_before`"), w) {
                    Some(term) => match term.working_amount().or(match term.primary {
                        TermPart::Calendar(d) => Some(d),
                        _ => None,
                    }) {
                        Some(d) if term.at_most.is_none() => Some(Warning::Before(d)),
                        _ => {
                            self.err(w, format!("{ctx}: `warn_before = \"{}\"` must be working minutes or hours", w.get_ref()));
                            None
                        }
                    },
                    None => None,
                },
                (None, Some(p)) => {
                    if !(1..=99).contains(p.get_ref()) {
                        self.err_at(
                            p.span().start,
                            format!(
                                "{ctx}: `warn_at_percent = {}`, expected 1 to 99",
                                p.get_ref()
                            ),
                        );
                    }
                    Some(Warning::Percent(*p.get_ref()))
                }
                (Some(w), Some(_)) => {
                    self.err(
                        w,
                        format!("{ctx}: set `warn_before` or `warn_at_percent`, not both"),
                    );
                    None
                }
                (None, None) => None,
            };
            let interim_after = t
                .interim_after
                .as_ref()
                .and_then(|d| self.term(&format!("{ctx}: `interim_after`"), d));
            let extension = t
                .extension
                .as_ref()
                .and_then(|d| self.term(&format!("{ctx}: `extension`"), d));
            let (Some(start), false) = (start, stop.is_empty()) else {
                continue;
            };
            targets.push(Target {
                id,
                title: t.title,
                start,
                stop,
                pause_in: t.pause_in.iter().map(|s| s.get_ref().clone()).collect(),
                resume_on,
                repeat: t.repeat,
                schedule: t.schedule.get_ref().clone(),
                duration,
                by_priority,
                by_level,
                levels: t.levels.iter().map(|s| s.get_ref().clone()).collect(),
                priorities: t.priorities.iter().map(|s| s.get_ref().clone()).collect(),
                channels: t.channels.iter().map(|s| s.get_ref().clone()).collect(),
                warning,
                interim_after,
                extension,
                note: t.note,
                line: None,
            });
        }

        // Lifecycle.
        let lc = raw.lifecycle;
        if let Some(s) = &lc.schedule {
            self.check_ref("lifecycle", "schedule", s, &schedule_ids);
        }
        let auto_close_after = lc
            .auto_close_after
            .as_ref()
            .and_then(|d| self.term("lifecycle: `auto_close_after`", d));
        let reopen = match &lc.reopen {
            None => ReopenRule::Reopen,
            Some(r) => {
                match r.get_ref().as_str() {
                    "reopen" => ReopenRule::Reopen,
                    "new_linked" => ReopenRule::NewLinked,
                    other => {
                        self.err(r, format!("lifecycle: `reopen = \"{other}\"`, expected `reopen` or `new_linked`"));
                        ReopenRule::Reopen
                    }
                }
            }
        };
        let reopen_within = lc
            .reopen_within
            .as_ref()
            .and_then(|d| self.term("lifecycle: `reopen_within`", d));
        let custom: Vec<Reason> = lc
            .custom_reasons
            .iter()
            .map(|r| Reason {
                id: r.id.get_ref().clone(),
                title: r.title.clone(),
            })
            .collect();
        let mut reasons = |list_: &[S], what: &str| -> Vec<Reason> {
            list_
                .iter()
                .filter_map(|r| {
                    let found = Reason::builtin(r.get_ref())
                        .or_else(|| custom.iter().find(|c| &c.id == r.get_ref()).cloned());
                    if found.is_none() {
                        let mut known: Vec<&str> = BUILTIN_REASONS.iter().map(|(i, _)| *i).collect();
                        known.extend(custom.iter().map(|c| c.id.as_str()));
                        self.err(r, format!("lifecycle: unknown {what} reason `{}`, expected one of: {} (or add it to `custom_reasons`)", r.get_ref(), list(known)));
                    }
                    found
                })
                .collect()
        };
        let mut deferral_reasons = reasons(&lc.deferral_reasons, "deferral");
        let mut rejection_reasons = reasons(&lc.rejection_reasons, "rejection");
        if deferral_reasons.is_empty() {
            deferral_reasons = [
                "cannot_reproduce",
                "insufficient_information",
                "needs_diagnostics",
                "needs_development",
                "third_party",
            ]
            .iter()
            .filter_map(|i| Reason::builtin(i))
            .collect();
        }
        if rejection_reasons.is_empty() {
            rejection_reasons = ["out_of_scope", "unlicensed", "duplicate", "spam"]
                .iter()
                .filter_map(|i| Reason::builtin(i))
                .collect();
        }
        let first_schedule = raw
            .schedules
            .iter()
            .min_by_key(|(_, s)| s.hours.span().start)
            .map(|(id, _)| id.clone());
        let lifecycle = Lifecycle {
            schedule: lc.schedule.map(|s| s.into_inner()).or(first_schedule),
            auto_close_after,
            reopen,
            reopen_within,
            deferral_reasons,
            rejection_reasons,
            rating: lc.rating.unwrap_or(true),
        };

        // Fields and attachments.
        let known_fields: BTreeSet<String> =
            KNOWN_FIELDS.iter().map(|(f, _)| (*f).to_string()).collect();
        for f in raw.fields.required.iter().chain(&raw.fields.optional) {
            self.check_ref("fields", "field", f, &known_fields);
        }
        let fields = Fields {
            required: raw
                .fields
                .required
                .iter()
                .map(|s| s.get_ref().clone())
                .collect(),
            optional: raw
                .fields
                .optional
                .iter()
                .map(|s| s.get_ref().clone())
                .collect(),
        };
        let attachments = AttachmentPolicy {
            max_size: raw
                .attachments
                .max_size
                .as_ref()
                .and_then(|s| self.size("attachments: `max_size`", s)),
            max_total: raw
                .attachments
                .max_total
                .as_ref()
                .and_then(|s| self.size("attachments: `max_total`", s)),
            allowed: raw
                .attachments
                .allowed
                .iter()
                .map(|s| s.trim_start_matches('.').to_lowercase())
                .collect(),
            archived_only: raw
                .attachments
                .archived_only
                .iter()
                .map(|s| s.trim_start_matches('.').to_lowercase())
                .collect(),
        };

        let billing = raw.billing.map(|b| self.billing(b, &schedule_ids));

        Regulation {
            name: raw.regulation.name,
            provider: raw.regulation.provider,
            timezone: tz,
            effective: raw.regulation.effective,
            summary: raw.regulation.summary,
            knowledge_base: raw.regulation.knowledge_base,
            schedules,
            channels,
            categories,
            priorities,
            levels,
            lines,
            statuses,
            targets,
            lifecycle,
            fields,
            attachments,
            billing,
        }
    }

    fn billing(&mut self, b: raw::RawBilling, schedule_ids: &BTreeSet<String>) -> Billing {
        let rounding = b
            .rounding
            .as_ref()
            .and_then(|r| self.plain("billing: `rounding`", r));
        let mut activities = BTreeMap::new();
        for (id, a) in &b.activities {
            let ctx = format!("billing activity `{id}`");
            let rate = a
                .rate
                .as_ref()
                .map(|r| self.money(&format!("{ctx}: `rate`"), r));
            let minimum = a
                .minimum
                .as_ref()
                .and_then(|m| self.plain(&format!("{ctx}: `minimum`"), m));
            let own_rounding = a
                .rounding
                .as_ref()
                .and_then(|m| self.plain(&format!("{ctx}: `rounding`"), m));
            let mut tiers = Vec::new();
            let mut last = SignedDuration::ZERO;
            for t in &a.tiers {
                let Some(up_to) = self.plain(&format!("{ctx}: tier `up_to`"), &t.up_to) else {
                    continue;
                };
                if up_to <= last {
                    self.err(
                        &t.up_to,
                        format!(
                            "{ctx}: tier `up_to = \"{}\"` must be longer than the previous tier",
                            t.up_to.get_ref()
                        ),
                    );
                }
                last = up_to;
                let price = self.money(&format!("{ctx}: tier `price`"), &t.price);
                tiers.push(Tier { up_to, price });
            }
            if rate.is_none() && tiers.is_empty() && a.billable {
                self.err_at(
                    0,
                    format!("{ctx} has neither `rate` nor `tiers`; set one, or `billable = false`"),
                );
            }
            activities.insert(
                id.clone(),
                Activity {
                    id: id.clone(),
                    title: a.title.clone(),
                    rate,
                    minimum,
                    rounding: own_rounding,
                    tiers,
                    billable: a.billable,
                },
            );
        }
        let mut plans = BTreeMap::new();
        for (id, p) in &b.plans {
            let ctx = format!("billing plan `{id}`");
            let monthly_fee = self.money(&format!("{ctx}: `monthly_fee`"), &p.monthly_fee);
            let overage_rate = p
                .overage_rate
                .as_ref()
                .map(|r| self.money(&format!("{ctx}: `overage_rate`"), r));
            let included = p.included_hours.as_ref().map(|h| {
                if *h.get_ref() < 0.0 {
                    self.err_at(
                        h.span().start,
                        format!("{ctx}: `included_hours` must not be negative"),
                    );
                }
                SignedDuration::from_secs((h.get_ref() * 3600.0).round() as i64)
            });
            plans.insert(
                id.clone(),
                Plan {
                    id: id.clone(),
                    title: p.title.clone(),
                    monthly_fee,
                    included,
                    overage_rate,
                    tariffs: p.tariffs.clone(),
                },
            );
        }
        let activity_ids: BTreeSet<String> = activities.keys().cloned().collect();
        let mut multipliers = Vec::new();
        for m in &b.multipliers {
            let ctx = format!("billing multiplier `{}`", m.title);
            self.check_ref(&ctx, "schedule", &m.inside, schedule_ids);
            if let Some(o) = &m.outside {
                self.check_ref(&ctx, "schedule", o, schedule_ids);
            }
            for a in &m.activities {
                self.check_ref(&ctx, "activity", a, &activity_ids);
            }
            if *m.factor.get_ref() <= 0.0 {
                self.err_at(
                    m.factor.span().start,
                    format!("{ctx}: `factor = {}` must be positive", m.factor.get_ref()),
                );
            }
            multipliers.push(Multiplier {
                title: m.title.clone(),
                factor: *m.factor.get_ref(),
                inside: m.inside.get_ref().clone(),
                outside: m.outside.as_ref().map(|s| s.get_ref().clone()),
                activities: m.activities.iter().map(|s| s.get_ref().clone()).collect(),
            });
        }
        Billing {
            currency: b.currency,
            rounding,
            activities,
            plans,
            multipliers,
            free_email: b.free_email,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            d.message
                .contains("amount `-5` is not valid, expected a non-negative number"),
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
