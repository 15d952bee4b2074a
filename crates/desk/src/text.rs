//! Texts that customers and agents read: Fluent messages in Russian (the default) and English,
//! with CLDR plurals. The desk returns [`Text`] values; each channel renders them in the
//! reader's [`Lang`], so the API, the pages and mail say the same thing.

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "ru",
        // Bidirectional isolation marks would show up in plain-text mail and JSON.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The language a reader gets: Russian first, English on request.
///
/// # Example
///
/// ```
/// use reglament_desk::Lang;
///
/// assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
/// assert_eq!(Lang::from_accept_language(Some("de, ru;q=0.5")), Lang::Ru);
/// assert_eq!(Lang::from_accept_language(None), Lang::Ru);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Russian, the default.
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// The language an `Accept-Language` header asks for: the first of `ru` and `en` it names
    /// by weight, else Russian.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_desk::Lang::from_accept_language(Some("en;q=0.4, ru;q=0.8")), reglament_desk::Lang::Ru);
    /// ```
    pub fn from_accept_language(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::Ru;
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut bits = part.split(';');
            let tag = bits.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next() {
                Some("ru") => Lang::Ru,
                Some("en") => Lang::En,
                _ => continue,
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Ru, |(_, l)| l)
    }

    /// The BCP 47 tag: `ru` or `en`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_desk::Lang::En.tag(), "en");
    /// ```
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    fn id(self) -> LanguageIdentifier {
        match self {
            Lang::Ru => langid!("ru"),
            Lang::En => langid!("en"),
        }
    }
}

/// An argument of a [`Text`].
#[derive(Clone, Debug, PartialEq)]
enum Arg {
    Str(String),
    Num(f64),
    /// Another message, rendered in the same language.
    Text(Box<Text>),
    /// A size in bytes, written the language's way.
    Size(u64),
}

/// A message for a person, not yet in a language: a Fluent message id and its arguments.
///
/// # Example
///
/// ```
/// use reglament_desk::{Lang, Text};
///
/// let t = Text::new("duration-minutes").num("minutes", 3);
/// assert_eq!(t.render(Lang::Ru), "3 минуты");
/// assert_eq!(Text::new("duration-minutes").num("minutes", 5).render(Lang::Ru), "5 минут");
/// assert_eq!(Text::new("duration-minutes").num("minutes", 21).render(Lang::Ru), "21 минута");
/// assert_eq!(t.render(Lang::En), "3 minutes");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    id: Cow<'static, str>,
    args: Vec<(&'static str, Arg)>,
}

impl Text {
    /// A message by its Fluent id.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_desk::Text::new("customer-note").id(), "customer-note");
    /// ```
    pub fn new(id: impl Into<Cow<'static, str>>) -> Text {
        Text {
            id: id.into(),
            args: Vec::new(),
        }
    }

    /// A text that has no translation yet and reads the same in every language, such as a
    /// refusal worded by the state machine.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Lang, Text};
    ///
    /// assert_eq!(Text::plain("as is").render(Lang::En), "as is");
    /// ```
    pub fn plain(text: impl Into<String>) -> Text {
        Text::new("plain").arg("text", text)
    }

    /// Adds a text argument.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Lang, Text};
    ///
    /// let t = Text::new("intake-unknown-category").arg("category", "seo").arg("expected", "bugs");
    /// assert!(t.render(Lang::En).contains("`seo`"));
    /// ```
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Text {
        self.args.push((name, Arg::Str(value.into())));
        self
    }

    /// Adds a number argument; plurals select on it.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Lang, Text};
    ///
    /// assert_eq!(Text::new("duration-hours").num("hours", 2).render(Lang::Ru), "2 часа");
    /// ```
    pub fn num(mut self, name: &'static str, value: impl Into<f64>) -> Text {
        self.args.push((name, Arg::Num(value.into())));
        self
    }

    /// Adds another message as an argument, rendered in the same language.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Lang, Text};
    ///
    /// let t = Text::new("plain").text("text", Text::new("intake-subject-required"));
    /// assert_eq!(t.render(Lang::En), "Enter a subject.");
    /// ```
    pub fn text(mut self, name: &'static str, value: Text) -> Text {
        self.args.push((name, Arg::Text(Box::new(value))));
        self
    }

    /// Adds a size in bytes, written as `10 МБ` in Russian and `10 MB` in English.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Lang, Text};
    ///
    /// let t = Text::new("plain").size("text", 10 << 20);
    /// assert_eq!(t.render(Lang::Ru), "10 МБ");
    /// assert_eq!(t.render(Lang::En), "10 MB");
    /// ```
    pub fn size(mut self, name: &'static str, bytes: u64) -> Text {
        self.args.push((name, Arg::Size(bytes)));
        self
    }

    /// The Fluent message id.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(reglament_desk::Text::plain("x").id(), "plain");
    /// ```
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The message in a language. A message missing from the files renders as its id, which a
    /// test of every id catches.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_desk::{Lang, Text};
    ///
    /// assert_eq!(Text::new("customer-note").render(Lang::En), "Customers have no internal notes: send a reply instead (`reply`).");
    /// ```
    pub fn render(&self, lang: Lang) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> = self
            .args
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Arg::Str(s) => FluentValue::from(s.as_str()),
                    Arg::Num(n) => FluentValue::from(*n),
                    Arg::Text(t) => FluentValue::from(t.render(lang)),
                    Arg::Size(b) => FluentValue::from(size_text(*b, lang)),
                };
                (Cow::Borrowed(*k), value)
            })
            .collect();
        LOCALES
            .try_lookup_with_args(&lang.id(), &self.id, &args)
            .unwrap_or_else(|| self.id.to_string())
    }
}

/// A ticket field's title: the regulation's known fields have their own; any other shows its
/// id.
///
/// # Example
///
/// ```
/// use reglament_desk::{Lang, field_title};
///
/// assert_eq!(field_title("position", Lang::Ru), "Должность");
/// assert_eq!(field_title("position", Lang::En), "Position");
/// assert_eq!(field_title("ticket_color", Lang::Ru), "ticket_color");
/// ```
pub fn field_title(id: &str, lang: Lang) -> String {
    if reglament_regulation::KNOWN_FIELDS
        .iter()
        .any(|(k, _)| *k == id)
    {
        Text::new(format!("field-{id}")).render(lang)
    } else {
        id.to_string()
    }
}

/// A Fluent message with arguments named at run time, as templates name them.
pub(crate) fn fluent(lang: Lang, id: &str, args: &[(String, FluentArg)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| {
            let value = match v {
                FluentArg::Str(s) => FluentValue::from(s.as_str()),
                FluentArg::Num(n) => FluentValue::from(*n),
            };
            (Cow::Owned(k.clone()), value)
        })
        .collect();
    LOCALES
        .try_lookup_with_args(&lang.id(), id, &args)
        .unwrap_or_else(|| id.to_string())
}

/// An argument of [`fluent`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FluentArg {
    Str(String),
    Num(f64),
}

/// A working-time or calendar duration in words: `2 часа 5 минут`, `1 hour 30 minutes`.
///
/// # Example
///
/// ```
/// use reglament_desk::{Lang, duration_text};
///
/// let d = jiff::SignedDuration::from_mins(125);
/// assert_eq!(duration_text(d, Lang::Ru), "2 часа 5 минут");
/// assert_eq!(duration_text(d, Lang::En), "2 hours 5 minutes");
/// assert_eq!(duration_text(-jiff::SignedDuration::from_mins(30), Lang::Ru), "−30 минут");
/// ```
pub fn duration_text(d: jiff::SignedDuration, lang: Lang) -> String {
    let mins = d.as_mins();
    let sign = if mins < 0 { "−" } else { "" };
    let mins = mins.unsigned_abs();
    let (h, m) = (mins / 60, mins % 60);
    let hours = Text::new("duration-hours").num("hours", h as f64);
    let minutes = Text::new("duration-minutes").num("minutes", m as f64);
    let text = match (h, m) {
        (0, _) => minutes.render(lang),
        (_, 0) => hours.render(lang),
        _ => format!("{} {}", hours.render(lang), minutes.render(lang)),
    };
    format!("{sign}{text}")
}

/// A size in bytes the language's way: `10 МБ`, `512 КБ`, `100 Б`; `10 MB`, `512 KB`, `100 B`.
///
/// # Example
///
/// ```
/// use reglament_desk::{Lang, size_text};
///
/// assert_eq!(size_text(512 * 1024, Lang::Ru), "512 КБ");
/// assert_eq!(size_text(512 * 1024, Lang::En), "512 KB");
/// ```
pub fn size_text(bytes: u64, lang: Lang) -> String {
    match lang {
        Lang::Ru => reglament_regulation::format_size(bytes),
        Lang::En => {
            if bytes.is_multiple_of(1024 * 1024) && bytes > 0 {
                format!("{} MB", bytes / 1024 / 1024)
            } else if bytes.is_multiple_of(1024) && bytes > 0 {
                format!("{} KB", bytes / 1024)
            } else {
                format!("{bytes} B")
            }
        }
    }
}

/// Why a file was refused, in the reader's language; entries journaled before the refusal
/// was recorded keep their Russian words.
pub(crate) fn attachment_refusal(
    refusal: Option<&reglament_regulation::AttachmentRefusal>,
    journaled: &str,
) -> Text {
    use reglament_regulation::AttachmentRule as R;
    let Some(r) = refusal else {
        return Text::plain(journaled);
    };
    let rule = match &r.rule {
        R::TooBig { max } => Text::new("attachment-too-big")
            .arg("file", r.file.clone())
            .size("max", *max),
        R::ArchiveOnly { ext } => Text::new("attachment-archive-only").arg("ext", ext.clone()),
        R::TypeNotAllowed { allowed } => Text::new("attachment-type")
            .arg("file", r.file.clone())
            .arg("allowed", allowed.join(", ")),
        R::TotalTooBig { max } => Text::new("attachment-total")
            .arg("file", r.file.clone())
            .size("max", *max),
    };
    match &r.real_type {
        Some(real) => Text::new("attachment-disguised")
            .arg("file", r.file.clone())
            .arg("real", real.to_uppercase())
            .text("rule", rule),
        None => rule,
    }
}
