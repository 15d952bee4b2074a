//! The templates outgoing mail is written from: one plain-text file per kind of message and an
//! HTML layout, in minijinja, with the desk's Fluent texts through `t(…)`. They are built in,
//! and an admin can replace any of them with a file of the same name in a directory of their
//! own (`[mail] templates`). HTML templates escape every value; the plain-text ones do not
//! need to.

use std::path::Path;

use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, Error, ErrorKind, State};

use crate::Lang;
use crate::text::{FluentArg, fluent};

/// The kinds of outgoing message; each has a plain-text template `KIND.txt` and may have an
/// HTML one `KIND.html` (else the layout `message.html` presents the plain text).
pub const MAIL_KINDS: &[&str] = &[
    "registered",
    "reply",
    "customer_reply",
    "status",
    "extended",
    "assigned",
    "handed_over",
    "attachment_rejected",
    "warn",
    "breach",
    "interim",
    "unknown_sender",
    "refused",
    "password_reset",
    "other",
];

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../mail-templates/", $name)))),*]
    };
}

/// The built-in templates.
const EMBEDDED: &[(&str, &str)] = embedded![
    "registered.txt",
    "reply.txt",
    "customer_reply.txt",
    "status.txt",
    "extended.txt",
    "assigned.txt",
    "handed_over.txt",
    "attachment_rejected.txt",
    "warn.txt",
    "breach.txt",
    "interim.txt",
    "unknown_sender.txt",
    "refused.txt",
    "password_reset.txt",
    "other.txt",
    "message.html",
];

/// The set of mail templates in force.
#[derive(Debug)]
pub struct MailTemplates {
    env: Environment<'static>,
    /// Which names came from the admin's directory.
    overridden: Vec<String>,
}

/// A written message: the plain text and the HTML alternative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
}

impl MailTemplates {
    /// The built-in templates.
    ///
    /// # Example
    ///
    /// ```
    /// let t = reglament_desk::MailTemplates::embedded();
    /// assert!(t.overridden().is_empty());
    /// ```
    pub fn embedded() -> MailTemplates {
        let mut env = environment();
        for (name, source) in EMBEDDED {
            env.add_template(name, source)
                .expect("the built-in mail templates compile");
        }
        MailTemplates {
            env,
            overridden: Vec::new(),
        }
    }

    /// The built-in templates, each replaced by a file of the same name in `dir` where there
    /// is one. Every file there must be a known name and must compile.
    ///
    /// # Errors
    ///
    /// A message naming the file, and the line for a template that does not compile.
    ///
    /// # Example
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("reglament-doc-mail-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("registered.txt"), "{% if lang == 'ru' %}Принято: {{ number }}{% else %}Taken: {{ number }}{% endif %}").unwrap();
    /// let t = reglament_desk::MailTemplates::from_dir(&dir).unwrap();
    /// assert_eq!(t.overridden(), ["registered.txt"]);
    ///
    /// std::fs::write(dir.join("registred.txt"), "typo").unwrap();
    /// let e = reglament_desk::MailTemplates::from_dir(&dir).unwrap_err();
    /// assert!(e.contains("registred.txt"), "{e}");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn from_dir(dir: &Path) -> Result<MailTemplates, String> {
        let mut t = MailTemplates::embedded();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the mail templates `{}`: {e}", dir.display()))?;
        let mut names: Vec<(String, std::path::PathBuf)> = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| format!("`{}`: {e}", dir.display()))?;
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            if !known(&name) {
                return Err(format!(
                    "`{}`: not a mail template name; expected KIND.txt, KIND.html or message.html, where KIND is one of {}",
                    path.display(),
                    MAIL_KINDS.join(", ")
                ));
            }
            names.push((name, path));
        }
        names.sort();
        for (name, path) in names {
            let source =
                std::fs::read_to_string(&path).map_err(|e| format!("`{}`: {e}", path.display()))?;
            t.env
                .add_template_owned(name.clone(), source)
                .map_err(|e| match e.line() {
                    Some(line) => format!("{}:{line}: {}", path.display(), detail(&e)),
                    None => format!("{}: {}", path.display(), detail(&e)),
                })?;
            t.overridden.push(name);
        }
        Ok(t)
    }

    /// The built-in templates by file name, to start an admin's directory from.
    ///
    /// # Example
    ///
    /// ```
    /// let names: Vec<_> = reglament_desk::MailTemplates::builtin().map(|(n, _)| n).collect();
    /// assert!(names.contains(&"registered.txt") && names.contains(&"message.html"));
    /// ```
    pub fn builtin() -> impl Iterator<Item = (&'static str, &'static str)> {
        EMBEDDED.iter().copied()
    }

    /// The names replaced from the admin's directory.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    /// Writes a message of `kind` from its values (`context`): the plain text, and the HTML
    /// alternative from `KIND.html` or the layout, which is given the text as `text`.
    ///
    /// # Errors
    ///
    /// A template that fails while rendering (say, a filter given the wrong value, or a Fluent
    /// id that does not exist), with its name.
    pub fn write(&self, kind: &str, context: &serde_json::Value) -> Result<Written, String> {
        let kind = if MAIL_KINDS.contains(&kind) {
            kind
        } else {
            "other"
        };
        let base = Value::from_serialize(context);
        let text_name = format!("{kind}.txt");
        let text = self
            .env
            .get_template(&text_name)
            .and_then(|t| t.render(minijinja::context! { lang => "ru", ..base.clone() }))
            .map_err(|e| format!("{text_name}: {}", detail(&e)))?;
        let text = format!("{}\n", tidy(&text));
        let html_name = format!("{kind}.html");
        let html_name = if self.env.get_template(&html_name).is_ok() {
            html_name
        } else {
            "message.html".to_string()
        };
        let html = self
            .env
            .get_template(&html_name)
            .and_then(|t| {
                t.render(minijinja::context! { lang => "ru", text => text.clone(), ..base })
            })
            .map_err(|e| format!("{html_name}: {}", detail(&e)))?;
        Ok(Written { text, html })
    }
}

fn known(name: &str) -> bool {
    name == "message.html"
        || name
            .strip_suffix(".txt")
            .or_else(|| name.strip_suffix(".html"))
            .is_some_and(|k| MAIL_KINDS.contains(&k))
}

/// An error's own words and what caused it.
fn detail(e: &Error) -> String {
    let mut out = e.to_string();
    if let Some(d) = e.detail()
        && !out.contains(d)
    {
        out.push_str(": ");
        out.push_str(d);
    }
    out
}

/// Trailing spaces off every line but a signature separator, at most one blank line in a row, none at the ends.
fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.lines() {
        // The signature separator keeps its space, as mail clients look for `-- `.
        let line = if line == "-- " { line } else { line.trim_end() };
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_function("t", t);
    env.add_filter("paragraphs", paragraphs);
    env.add_filter("quote", quote);
    env
}

/// `t("mail-out-registered")`: a Fluent message in the template's `lang`, with the values in
/// `args` and any named here (`t("mail-link-rate", stars=5)`).
fn t(state: &State, id: String, kwargs: Kwargs) -> Result<String, Error> {
    let lang = match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("en") => Lang::En,
        _ => Lang::Ru,
    };
    let mut args: Vec<(String, FluentArg)> = Vec::new();
    let mut push = |k: &str, v: &Value| {
        let arg = if let Some(n) = v.as_i64() {
            FluentArg::Num(n as f64)
        } else if v.is_undefined() || v.is_none() {
            FluentArg::Str(String::new())
        } else {
            FluentArg::Str(v.to_string())
        };
        args.retain(|(name, _)| name != k);
        args.push((k.to_string(), arg));
    };
    if let Some(map) = state.lookup("args")
        && let Ok(keys) = map.try_iter()
    {
        for k in keys {
            if let (Some(name), Ok(v)) = (k.as_str(), map.get_item(&k)) {
                push(name, &v);
            }
        }
    }
    for k in kwargs.args() {
        let v: Value = kwargs.get(k)?;
        push(k, &v);
    }
    kwargs.assert_all_used()?;
    let out = fluent(lang, &id, &args);
    if out == id {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("no text `{id}` in the desk's Fluent files"),
        ));
    }
    Ok(out)
}

/// Text quoted as mail quotes it: each line after `> `.
fn quote(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Plain text as HTML: escaped, blank lines between paragraphs, line breaks kept, web
/// addresses made links (always showing the address), a `-- ` line a
/// rule, and `> ` lines a quotation.
fn paragraphs(text: &str) -> Value {
    let mut html = String::new();
    for para in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        if para.trim_end() == "--" {
            html.push_str("<hr>\n");
            continue;
        }
        let (para, quoted) = match para.strip_prefix("-- \n") {
            Some(rest) => {
                html.push_str("<hr>\n");
                (rest, false)
            }
            None => (para, para.lines().all(|l| l.starts_with('>'))),
        };
        html.push_str(if quoted { "<blockquote><p>" } else { "<p>" });
        for (i, line) in para.lines().enumerate() {
            if i > 0 {
                html.push_str("<br>\n");
            }
            let line = if quoted {
                line.trim_start_matches('>').trim_start()
            } else {
                line
            };
            for (j, word) in line.split(' ').enumerate() {
                if j > 0 {
                    html.push(' ');
                }
                let escaped = minijinja::HtmlEscape(word).to_string();
                if word.starts_with("https://") || word.starts_with("http://") {
                    html.push_str(&format!("<a href=\"{escaped}\">{escaped}</a>"));
                } else {
                    html.push_str(&escaped);
                }
            }
        }
        html.push_str(if quoted {
            "</p></blockquote>\n"
        } else {
            "</p>\n"
        });
    }
    Value::from_safe_string(html)
}
