//! Which messages must never get an automatic reply, and which a spam filter marked.

/// Why a message is automatic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no` (RFC 3834).
    AutoSubmitted,
    /// `Precedence: bulk`, `list` or `junk`.
    Precedence,
    /// A mailing list (`List-Id`).
    List,
    /// A delivery report from a mailer daemon (RFC 3464), or a bounce address.
    Bounce,
    /// An out-of-office reply that says so only in its subject or `X-Autoreply`.
    OutOfOffice,
}

/// What a spam filter on the way said about a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpamVerdict {
    /// No filter said anything.
    Unknown,
    /// A filter looked and passed it.
    Clean,
    /// SpamAssassin (`X-Spam-Flag: YES`, `X-Spam-Status: Yes`) or rspamd (`X-Spam: Yes`) marked
    /// it.
    Spam,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub(crate) fn automatic(
    headers: &[(String, String)],
    from: &str,
    subject: &str,
) -> Option<Automatic> {
    if header(headers, "Auto-Submitted")
        .is_some_and(|v| !v.trim().to_ascii_lowercase().starts_with("no"))
    {
        return Some(Automatic::AutoSubmitted);
    }
    if header(headers, "Precedence").is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "bulk" | "list" | "junk"
        )
    }) {
        return Some(Automatic::Precedence);
    }
    if header(headers, "List-Id").is_some() || header(headers, "List-Unsubscribe").is_some() {
        return Some(Automatic::List);
    }
    let local = from.split('@').next().unwrap_or("").to_ascii_lowercase();
    let report = header(headers, "Content-Type").is_some_and(|v| {
        v.to_ascii_lowercase()
            .contains("report-type=delivery-status")
    });
    if report
        || matches!(
            local.as_str(),
            "mailer-daemon" | "postmaster" | "noreply" | "no-reply"
        )
    {
        return Some(Automatic::Bounce);
    }
    let s = subject.to_lowercase();
    if header(headers, "X-Autoreply").is_some()
        || header(headers, "X-Autorespond").is_some()
        || s.starts_with("auto:")
        || s.starts_with("автоответ")
        || s.contains("out of office")
        || s.contains("нет на месте")
        || s.contains("в отпуске")
    {
        return Some(Automatic::OutOfOffice);
    }
    None
}

pub(crate) fn spam(headers: &[(String, String)]) -> SpamVerdict {
    let yes = |v: &str| v.trim().to_ascii_lowercase().starts_with("yes");
    let said = ["X-Spam-Flag", "X-Spam-Status", "X-Spam"]
        .iter()
        .filter_map(|h| header(headers, h))
        .collect::<Vec<_>>();
    if said.is_empty() {
        SpamVerdict::Unknown
    } else if said.iter().any(|v| yes(v)) {
        SpamVerdict::Spam
    } else {
        SpamVerdict::Clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Headers, sender, subject, and what the message is.
    type Case<'a> = (
        &'a [(&'a str, &'a str)],
        &'a str,
        &'a str,
        Option<Automatic>,
    );

    #[test]
    fn automatic_mail_is_told_apart_from_a_person_writing() {
        let cases: &[Case<'_>] = &[
            (&[], "ivanov@romashka.ru", "Не работает отчёт", None),
            (
                &[("Auto-Submitted", "no")],
                "ivanov@romashka.ru",
                "Вопрос",
                None,
            ),
            (
                &[("Auto-Submitted", "auto-replied")],
                "a@b.ru",
                "Re: x",
                Some(Automatic::AutoSubmitted),
            ),
            (
                &[("Precedence", "bulk")],
                "news@b.ru",
                "Акция",
                Some(Automatic::Precedence),
            ),
            (&[("Precedence", "first-class")], "a@b.ru", "x", None),
            (
                &[("List-Id", "<dev.lists.b.ru>")],
                "a@b.ru",
                "x",
                Some(Automatic::List),
            ),
            (
                &[],
                "MAILER-DAEMON@mx.b.ru",
                "Undelivered Mail",
                Some(Automatic::Bounce),
            ),
            (
                &[(
                    "Content-Type",
                    "multipart/report; report-type=delivery-status; boundary=x",
                )],
                "mx@b.ru",
                "failure",
                Some(Automatic::Bounce),
            ),
            (
                &[],
                "a@b.ru",
                "Автоответ: в отпуске до 10.12",
                Some(Automatic::OutOfOffice),
            ),
            (
                &[],
                "a@b.ru",
                "Out of Office: back Monday",
                Some(Automatic::OutOfOffice),
            ),
        ];
        for (headers, from, subject, want) in cases {
            assert_eq!(
                automatic(&h(headers), from, subject),
                *want,
                "{from} {subject}"
            );
        }
    }

    #[test]
    fn spam_verdicts_of_spamassassin_and_rspamd_are_read() {
        assert_eq!(spam(&h(&[])), SpamVerdict::Unknown);
        assert_eq!(spam(&h(&[("X-Spam-Flag", "YES")])), SpamVerdict::Spam);
        assert_eq!(
            spam(&h(&[("X-Spam-Status", "Yes, score=9.1 required=5.0")])),
            SpamVerdict::Spam
        );
        assert_eq!(
            spam(&h(&[("X-Spam-Status", "No, score=0.3 required=5.0")])),
            SpamVerdict::Clean
        );
        assert_eq!(spam(&h(&[("X-Spam", "Yes")])), SpamVerdict::Spam);
    }
}
