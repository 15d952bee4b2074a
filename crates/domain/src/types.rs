//! Newtypes parsed at the boundary: ticket numbers and their format, email addresses, roles,
//! ratings and reproducibility.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A ticket's human-readable registration number, such as `SUP-2026-00042`.
///
/// # Example
///
/// ```
/// use reglament_domain::TicketNumberFormat;
///
/// let f: TicketNumberFormat = "SUP-{year}-{seq:5}".parse()?;
/// assert_eq!(f.format(2026, 42).as_str(), "SUP-2026-00042");
/// # Ok::<(), reglament_domain::DomainError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TicketNumber(String);

impl TicketNumber {
    /// The number as text.
    ///
    /// # Example
    ///
    /// ```
    /// let f: reglament_domain::TicketNumberFormat = "{seq}".parse()?;
    /// assert_eq!(f.format(2026, 7).as_str(), "7");
    /// # Ok::<(), reglament_domain::DomainError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Year,
    Seq(usize),
}

/// The format of ticket numbers: literal text with `{year}` and `{seq}` (optionally zero-padded,
/// `{seq:5}`). It also finds numbers in email subjects, for threading.
///
/// # Errors
///
/// Parsing fails for an unknown placeholder, or a format without `{seq}`.
///
/// # Example
///
/// ```
/// use reglament_domain::TicketNumberFormat;
///
/// let f: TicketNumberFormat = "[#{seq}]".parse()?;
/// let n = f.find_in("Re: Не работает корзина [#1042]").unwrap();
/// assert_eq!(n.as_str(), "[#1042]");
/// assert!("SUP-{yr}".parse::<TicketNumberFormat>().is_err());
/// # Ok::<(), reglament_domain::DomainError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketNumberFormat {
    parts: Vec<Part>,
}

impl Default for TicketNumberFormat {
    fn default() -> TicketNumberFormat {
        "{year}-{seq:5}"
            .parse()
            .expect("the default format is valid")
    }
}

impl FromStr for TicketNumberFormat {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<TicketNumberFormat, DomainError> {
        let bad = |m: String| DomainError::Invalid(format!("ticket number format `{s}`: {m}"));
        let mut parts = Vec::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| bad("`{` is not closed".into()))?
                + open;
            let name = &rest[open + 1..close];
            parts.push(match name {
                "year" => Part::Year,
                "seq" => Part::Seq(0),
                other => match other.strip_prefix("seq:").map(str::parse::<usize>) {
                    Some(Ok(w)) if w <= 12 => Part::Seq(w),
                    _ => {
                        return Err(bad(format!(
                            "unknown placeholder `{{{other}}}`, expected `{{year}}`, `{{seq}}` or `{{seq:N}}`"
                        )));
                    }
                },
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        if !parts.iter().any(|p| matches!(p, Part::Seq(_))) {
            return Err(bad("it has no `{seq}`".into()));
        }
        Ok(TicketNumberFormat { parts })
    }
}

impl TicketNumberFormat {
    /// The number of the `seq`-th ticket of a year.
    ///
    /// # Example
    ///
    /// ```
    /// let f = reglament_domain::TicketNumberFormat::default();
    /// assert_eq!(f.format(2026, 3).as_str(), "2026-00003");
    /// ```
    pub fn format(&self, year: i16, seq: u64) -> TicketNumber {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => s.push_str(t),
                Part::Year => s.push_str(&year.to_string()),
                Part::Seq(w) => s.push_str(&format!("{seq:0w$}", w = *w)),
            }
        }
        TicketNumber(s)
    }

    /// Whether the sequence restarts every year (the format has `{year}`).
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::TicketNumberFormat;
    ///
    /// assert!(TicketNumberFormat::default().yearly());
    /// assert!(!"T{seq}".parse::<TicketNumberFormat>()?.yearly());
    /// # Ok::<(), reglament_domain::DomainError>(())
    /// ```
    pub fn yearly(&self) -> bool {
        self.parts.contains(&Part::Year)
    }

    /// Parses text that is exactly a number in this format.
    ///
    /// # Example
    ///
    /// ```
    /// let f = reglament_domain::TicketNumberFormat::default();
    /// assert!(f.parse_number("2026-00042").is_some());
    /// assert!(f.parse_number("2026-0042x").is_none());
    /// ```
    pub fn parse_number(&self, text: &str) -> Option<TicketNumber> {
        let len = self.match_at(text)?;
        (len == text.len()).then(|| TicketNumber(text.to_string()))
    }

    /// Finds the first number in this format inside a text, such as an email subject. Digits
    /// directly before or after the match rule it out, so `12026-00001` is not `2026-00001`.
    ///
    /// # Example
    ///
    /// ```
    /// let f = reglament_domain::TicketNumberFormat::default();
    /// assert_eq!(f.find_in("Re: [2026-00042] Сайт не работает").unwrap().as_str(), "2026-00042");
    /// assert!(f.find_in("Re: заказ 12026-000421").is_none());
    /// ```
    pub fn find_in(&self, text: &str) -> Option<TicketNumber> {
        for (i, _) in text.char_indices() {
            if text[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_digit())
                && matches!(self.parts.first(), Some(Part::Year | Part::Seq(_)))
            {
                continue;
            }
            if let Some(len) = self.match_at(&text[i..]) {
                let after = text[i + len..].chars().next();
                let ends_in_digits = matches!(self.parts.last(), Some(Part::Year | Part::Seq(_)));
                if ends_in_digits && after.is_some_and(|c| c.is_ascii_digit()) {
                    continue;
                }
                return Some(TicketNumber(text[i..i + len].to_string()));
            }
        }
        None
    }

    /// The length of a match at the start of `text`.
    fn match_at(&self, text: &str) -> Option<usize> {
        let mut pos = 0;
        for p in &self.parts {
            let rest = &text[pos..];
            match p {
                Part::Text(t) => {
                    if !rest.starts_with(t.as_str()) {
                        return None;
                    }
                    pos += t.len();
                }
                Part::Year => {
                    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
                    if n != 4 {
                        return None;
                    }
                    pos += 4;
                }
                Part::Seq(w) => {
                    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
                    if n == 0 || n < *w {
                        return None;
                    }
                    pos += n;
                }
            }
        }
        Some(pos)
    }
}

/// An email address, trimmed, with a lowercased domain.
///
/// # Errors
///
/// Parsing fails for text that is not `local@domain.tld`.
///
/// # Example
///
/// ```
/// use reglament_domain::EmailAddress;
///
/// let e: EmailAddress = " Ivanov@Example.RU ".parse()?;
/// assert_eq!(e.as_str(), "Ivanov@example.ru");
/// assert!("ivanov.example.ru".parse::<EmailAddress>().is_err());
/// assert!("a@b..ru".parse::<EmailAddress>().is_err());
/// # Ok::<(), reglament_domain::DomainError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// The address as text.
    ///
    /// # Example
    ///
    /// ```
    /// let e: reglament_domain::EmailAddress = "a@b.ru".parse()?;
    /// assert_eq!(e.as_str(), "a@b.ru");
    /// # Ok::<(), reglament_domain::DomainError>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain part.
    ///
    /// # Example
    ///
    /// ```
    /// let e: reglament_domain::EmailAddress = "a@b.ru".parse()?;
    /// assert_eq!(e.domain(), "b.ru");
    /// # Ok::<(), reglament_domain::DomainError>(())
    /// ```
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

impl FromStr for EmailAddress {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<EmailAddress, DomainError> {
        let t = s.trim();
        let bad = || {
            DomainError::Invalid(format!(
                "email address `{t}` is not valid, expected `name@domain`"
            ))
        };
        let (local, domain) = t.rsplit_once('@').ok_or_else(bad)?;
        let ok_local = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '>' || c == ',');
        // Every label of the domain is 1–63 letters, digits or inner hyphens: `a@b..ru` and
        // `a@-b.ru` are not addresses.
        let ok_label = |l: &str| {
            !l.is_empty()
                && l.chars().count() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        };
        let ok_domain =
            domain.contains('.') && domain.len() <= 253 && domain.split('.').all(ok_label);
        if !ok_local || !ok_domain {
            return Err(bad());
        }
        Ok(EmailAddress(format!("{local}@{}", domain.to_lowercase())))
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a staff account may do.
///
/// # Example
///
/// ```
/// use reglament_domain::Role;
///
/// assert_eq!("supervisor".parse::<Role>()?, Role::Supervisor);
/// assert!(Role::Admin.can_manage_staff());
/// assert!(!Role::Agent.can_manage_staff());
/// # Ok::<(), reglament_domain::DomainError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including accounts and the regulation.
    Admin,
    /// Agents' work: priorities, levels, extensions, reports.
    Supervisor,
    /// Works tickets.
    Agent,
}

impl Role {
    /// Whether the role manages agents and organizations.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(reglament_domain::Role::Admin.can_manage_staff());
    /// ```
    pub fn can_manage_staff(self) -> bool {
        matches!(self, Role::Admin)
    }

    /// The role's id.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_domain::Role::Agent.as_str(), "agent");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Agent => "agent",
        }
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Role, DomainError> {
        match s {
            "admin" => Ok(Role::Admin),
            "supervisor" => Ok(Role::Supervisor),
            "agent" => Ok(Role::Agent),
            other => Err(DomainError::Invalid(format!(
                "unknown role `{other}`, expected `admin`, `supervisor` or `agent`"
            ))),
        }
    }
}

/// A customer's rating of the service, 1 to 5 stars.
///
/// # Example
///
/// ```
/// use reglament_domain::Rating;
///
/// assert_eq!(Rating::new(5)?.stars(), 5);
/// assert!(Rating::new(0).is_err());
/// # Ok::<(), reglament_domain::DomainError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Rating(u8);

impl Rating {
    /// A rating of `stars`.
    ///
    /// # Errors
    ///
    /// Stars outside 1–5.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(reglament_domain::Rating::new(6).is_err());
    /// ```
    pub fn new(stars: u8) -> Result<Rating, DomainError> {
        if (1..=5).contains(&stars) {
            Ok(Rating(stars))
        } else {
            Err(DomainError::Invalid(format!(
                "rating `{stars}` is out of range, expected 1 to 5 stars"
            )))
        }
    }

    /// The stars.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_domain::Rating::new(3)?.stars(), 3);
    /// # Ok::<(), reglament_domain::DomainError>(())
    /// ```
    pub fn stars(self) -> u8 {
        self.0
    }
}

/// How reliably a problem reproduces (Quartech's «Воспроизводимость»).
///
/// # Example
///
/// ```
/// use reglament_domain::Reproducibility;
///
/// assert_eq!("sometimes".parse::<Reproducibility>()?.title_ru(), "Иногда");
/// # Ok::<(), reglament_domain::DomainError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reproducibility {
    /// Всегда.
    Always,
    /// Иногда.
    Sometimes,
    /// Случайно.
    Randomly,
    /// Попыток не было.
    NotTried,
    /// Невоспроизводимо.
    NotReproducible,
    /// Недоступно.
    NoAccess,
}

impl Reproducibility {
    /// All values, in the order of the form.
    pub const ALL: [Reproducibility; 6] = [
        Reproducibility::Always,
        Reproducibility::Sometimes,
        Reproducibility::Randomly,
        Reproducibility::NotTried,
        Reproducibility::NotReproducible,
        Reproducibility::NoAccess,
    ];

    /// The id.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_domain::Reproducibility::NoAccess.as_str(), "no_access");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Reproducibility::Always => "always",
            Reproducibility::Sometimes => "sometimes",
            Reproducibility::Randomly => "randomly",
            Reproducibility::NotTried => "not_tried",
            Reproducibility::NotReproducible => "not_reproducible",
            Reproducibility::NoAccess => "no_access",
        }
    }

    /// The Russian title.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_domain::Reproducibility::NotTried.title_ru(), "Попыток не было");
    /// ```
    pub fn title_ru(self) -> &'static str {
        match self {
            Reproducibility::Always => "Всегда",
            Reproducibility::Sometimes => "Иногда",
            Reproducibility::Randomly => "Случайно",
            Reproducibility::NotTried => "Попыток не было",
            Reproducibility::NotReproducible => "Невоспроизводимо",
            Reproducibility::NoAccess => "Недоступно",
        }
    }
}

impl FromStr for Reproducibility {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Reproducibility, DomainError> {
        Reproducibility::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.title_ru() == s)
            .ok_or_else(|| {
                DomainError::Invalid(format!(
                    "reproducibility `{s}` is not one of: always, sometimes, randomly, not_tried, not_reproducible, no_access"
                ))
            })
    }
}
