//! Mail intake: what an inbound message means. It is stored as it came first (so that the MTA
//! can be told "stored" or "try later"), then read: it joins the ticket whose number its
//! subject carries, or the ticket of the message it answers, or opens a ticket for its sender
//! through the same intake as every channel — or, when none of that is safe, waits in the
//! quarantine for an agent, with the reason.

use reglament_domain::{Principal, TicketId};
use reglament_mail::{Inbound, SpamVerdict};
use reglament_regulation::{ChannelKind, UnknownSenders};
use reglament_store::StoreError;
use reglament_store::directory::{Contact, NewContact};
use reglament_store::tickets::Viewer;

use crate::{Acted, Desk, DeskCommand, DeskError, Lang, Request, Result, Text, Upload};

/// What came of a message.
#[derive(Clone, Debug, PartialEq)]
pub enum MailOutcome {
    /// The same message was stored before; nothing new was done.
    Duplicate {
        /// The stored message.
        inbound: i64,
    },
    /// It opened a ticket.
    Opened {
        /// The stored message.
        inbound: i64,
        /// The ticket.
        ticket: TicketId,
    },
    /// It joined a ticket (or the follow-up the regulation opens for a closed one).
    Joined {
        /// The stored message.
        inbound: i64,
        /// The ticket.
        ticket: TicketId,
    },
    /// An agent must look at it.
    Quarantined {
        /// The stored message.
        inbound: i64,
        /// Why.
        reason: Text,
    },
    /// A delivery report about mail we sent: the message is marked failed on its ticket, and
    /// the address as returning mail.
    Bounced {
        /// The stored report.
        inbound: i64,
        /// The ticket the returned message was about, if any.
        ticket: Option<TicketId>,
    },
    /// An automatic message that changes nothing: an auto-reply, a list, a bounce.
    Ignored {
        /// The stored message.
        inbound: i64,
        /// Why.
        reason: Text,
    },
}

impl Desk {
    /// Stores an inbound message as it arrived, once per `Message-ID`. This is the step the
    /// MTA waits for: once it returns, the message cannot be lost.
    ///
    /// # Errors
    ///
    /// [`DeskError::Unavailable`] when the database cannot take it; the sender must retry.
    pub async fn receive_mail(&self, raw: &[u8], source: &str) -> Result<(i64, bool)> {
        // Only the headers are read here: a message that does not parse is stored all the same,
        // and its body is decoded once, when it is read.
        let message_id = reglament_mail::message_id(raw);
        Ok(self
            .store
            .store_inbound(message_id.as_deref(), source, raw, self.now())
            .await?)
    }

    /// Stores and reads an inbound message.
    ///
    /// # Errors
    ///
    /// As [`Desk::receive_mail`]; a message stored but not yet read (the database went away
    /// in between) stays pending for [`Desk::process_pending_mail`].
    pub async fn ingest_mail(&self, raw: &[u8], source: &str) -> Result<MailOutcome> {
        let (id, new) = self.receive_mail(raw, source).await?;
        if !new {
            return Ok(MailOutcome::Duplicate { inbound: id });
        }
        self.process_mail(id).await
    }

    /// Reads every pending message, oldest first, and says how many were read.
    ///
    /// # Errors
    ///
    /// Storage errors; the messages not read stay pending.
    pub async fn process_pending_mail(&self) -> Result<usize> {
        let pending = self.store.inbound_in("pending", 100).await?;
        let n = pending.len();
        for m in pending {
            self.process_mail(m.id).await?;
        }
        Ok(n)
    }

    /// Reads one stored message and records what came of it.
    ///
    /// # Errors
    ///
    /// Storage errors; the message then stays pending.
    pub async fn process_mail(&self, inbound: i64) -> Result<MailOutcome> {
        let stored = self.store.inbound(inbound).await?;
        let outcome = self.decide_mail(inbound, &stored.raw).await?;
        let (state, ticket, reason) = match &outcome {
            MailOutcome::Duplicate { .. } => return Ok(outcome),
            MailOutcome::Opened { ticket, .. } => ("ticket", Some(*ticket), None),
            MailOutcome::Joined { ticket, .. } => ("reply", Some(*ticket), None),
            MailOutcome::Bounced { ticket, .. } => ("bounce", *ticket, None),
            MailOutcome::Quarantined { reason, .. } => {
                ("quarantined", None, Some(reason.render(Lang::Ru)))
            }
            MailOutcome::Ignored { reason, .. } => ("ignored", None, Some(reason.render(Lang::Ru))),
        };
        self.store
            .finish_inbound(inbound, state, ticket, reason.as_deref(), self.now())
            .await?;
        match &outcome {
            MailOutcome::Quarantined { reason, .. } => tracing::warn!(
                inbound,
                reason = %reason.render(Lang::En),
                "mail quarantined"
            ),
            other => tracing::info!(inbound, outcome = ?std::mem::discriminant(other), "mail read"),
        }
        Ok(outcome)
    }

    async fn decide_mail(&self, inbound: i64, raw: &[u8]) -> Result<MailOutcome> {
        let quarantine = |reason: Text| Ok(MailOutcome::Quarantined { inbound, reason });
        let m = match reglament_mail::parse(raw) {
            Ok(m) => m,
            Err(e) => return quarantine(Text::new("mail-unreadable").arg("why", e.to_string())),
        };
        if m.spam == SpamVerdict::Spam {
            return quarantine(Text::new("mail-spam"));
        }
        let from = m.from.clone().expect("parse answers a sender");
        let sender = match from.email.parse::<reglament_domain::EmailAddress>() {
            Ok(e) => match self.store.contact_by_email(&e).await {
                Ok(c) => Some(c),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            Err(_) => None,
        };
        // The thread: a number in the subject first, then the message it answers.
        let by_number = match self.numbers.find_in(&m.subject) {
            Some(n) => match self.store.ticket_by_number(n.as_str(), Viewer::Staff).await {
                Ok(t) => Some(t),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let thread = match by_number {
            Some(t) => Some(t),
            None => {
                let mut ids = m.references.clone();
                ids.extend(m.in_reply_to.iter().cloned());
                self.store.ticket_of_message_ids(&ids).await?
            }
        };
        if let Some(report) = &m.report
            && let Some(outcome) = self.bounced(inbound, report).await?
        {
            return Ok(outcome);
        }
        if let Some(c) = &sender
            && c.bounced.is_some()
        {
            // Mail from the address proves it works again.
            self.store.clear_bounced(c.id).await?;
        }
        if self.own_addresses.contains(&from.email) {
            // Our own mail come back round: answering it would start a loop.
            return Ok(MailOutcome::Ignored {
                inbound,
                reason: Text::new("mail-own-address").arg("email", from.email.clone()),
            });
        }
        if let Some(why) = m.automatic {
            // No automatic message reopens a ticket or opens one; nothing is sent back.
            return Ok(MailOutcome::Ignored {
                inbound,
                reason: Text::new("mail-automatic").arg("kind", format!("{why:?}")),
            });
        }
        let contact = match sender {
            Some(c) => c,
            None => match self.unknown_senders() {
                UnknownSenders::Hold => {
                    self.answer(&from.email, "unknown_sender", &m, Vec::new())
                        .await?;
                    return quarantine(Text::new("mail-unknown-sender").arg("email", from.email));
                }
                UnknownSenders::Reject => {
                    self.answer(&from.email, "unknown_sender", &m, Vec::new())
                        .await?;
                    tracing::info!(inbound, "mail from an unknown sender not registered");
                    return Ok(MailOutcome::Ignored {
                        inbound,
                        reason: Text::new("mail-unknown-sender-rejected").arg("email", from.email),
                    });
                }
                UnknownSenders::Accept => match self.stranger(&from).await? {
                    Some(c) => c,
                    None => {
                        return quarantine(
                            Text::new("mail-unknown-sender").arg("email", from.email),
                        );
                    }
                },
            },
        };
        let who = Principal::Contact(contact.id, contact.organization);
        // Before the message is tied to a ticket, so that the ticket's first mail (the
        // acknowledgment, written in the same step) already goes to the copies.
        self.keep_copied(inbound, &m).await?;
        if let Some(ticket) = thread {
            // A number attaches a message only for the ticket's own organization: a stranger
            // quoting a number must not write into someone else's ticket.
            // In an organization whose contacts see only their own tickets, only the ticket's
            // own contact (or its owner) may write into it — above all among the strangers
            // filed under "no contract".
            let owner = self
                .store
                .ticket(ticket, Viewer::Contact(contact.organization, contact.id))
                .await;
            match owner {
                Ok(_) => return self.join(inbound, who, ticket, &m).await,
                Err(StoreError::NotFound) => {
                    return quarantine(
                        Text::new("mail-foreign-ticket").arg("email", from.email.clone()),
                    );
                }
                Err(e) => return Err(e.into()),
            }
        }
        // Fields the directory cannot answer come as "Field: value" lines at the top.
        let (fields, description) = fields_in(&self.regulation, &m.text);
        let request = Request {
            subject: if m.subject.trim().is_empty() {
                Text::new("mail-no-subject").render(Lang::Ru)
            } else {
                m.subject.clone()
            },
            description,
            fields,
            via: ChannelKind::Email,
            inbound: Some(inbound),
            ..Request::new("", "")
        };
        match self.open_ticket(who, request, Lang::Ru).await {
            Ok(view) => {
                let ticket = TicketId(view.id);
                self.attach_mail_files(who, ticket, &m).await?;
                Ok(MailOutcome::Opened { inbound, ticket })
            }
            Err(DeskError::Invalid(problems)) => {
                // One answer lists every problem, each with its field, so the sender can fix
                // them at once; missing fields are shown as the lines to write back.
                let said = |lang: Lang| -> Vec<String> {
                    problems
                        .iter()
                        .map(|p| {
                            let text = p.text.render(lang);
                            if reglament_regulation::KNOWN_FIELDS
                                .iter()
                                .any(|(k, _)| *k == p.field)
                            {
                                format!("{}: {text}", crate::field_title(&p.field, lang))
                            } else {
                                text
                            }
                        })
                        .collect()
                };
                let mut reasons: Vec<(String, String)> =
                    said(Lang::Ru).into_iter().zip(said(Lang::En)).collect();
                let missing: Vec<&str> = problems
                    .iter()
                    .filter(|p| p.text.id() == "intake-field-required")
                    .map(|p| p.field.as_str())
                    .filter(|f| *f != "description")
                    .collect();
                if !missing.is_empty() {
                    let lines = |lang: Lang| {
                        let mut out = Text::new("mail-fields-hint").render(lang);
                        for f in &missing {
                            out.push_str(&format!("\n{}: ", crate::field_title(f, lang)));
                        }
                        out
                    };
                    reasons.push((lines(Lang::Ru), lines(Lang::En)));
                }
                self.answer(&from.email, "refused", &m, reasons.clone())
                    .await?;
                quarantine(
                    Text::new("mail-refused").arg(
                        "why",
                        reasons
                            .iter()
                            .map(|(ru, _)| ru.as_str())
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                )
            }
            Err(DeskError::Forbidden(t)) => {
                quarantine(Text::new("mail-refused").arg("why", t.render(Lang::Ru)))
            }
            // Read already — by another node, or before a crash: its ticket stands.
            Err(DeskError::Conflict(_)) => match self.store.inbound(inbound).await?.ticket {
                Some(ticket) => Ok(MailOutcome::Opened { inbound, ticket }),
                None => Ok(MailOutcome::Duplicate { inbound }),
            },
            Err(e) => Err(e),
        }
    }

    /// What the regulation's email channel does with mail from an unknown address.
    fn unknown_senders(&self) -> UnknownSenders {
        self.regulation
            .channels
            .iter()
            .find(|c| c.kind == ChannelKind::Email && c.official)
            .map_or(UnknownSenders::Hold, |c| c.unknown_senders)
    }

    /// The contact an unknown sender files as, when the regulation accepts their mail: made
    /// under the "no contract" organization, named as the message signs, not trusted. `None`
    /// for an address the directory cannot hold.
    async fn stranger(&self, from: &reglament_mail::Address) -> Result<Option<Contact>> {
        let Ok(email) = from.email.parse::<reglament_domain::EmailAddress>() else {
            return Ok(None);
        };
        let org = self
            .store
            .no_contract_organization(&Text::new("dir-no-contract").render(Lang::Ru))
            .await?;
        let name = from
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(from.email.as_str());
        let made = self
            .store
            .create_contact(&NewContact {
                organization: org,
                full_name: name.chars().take(200).collect(),
                position: None,
                phone: None,
                email: email.clone(),
                trusted: false,
                owner: false,
            })
            .await;
        match made {
            // Another node made it from the same sender's other message a moment ago.
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
        let contact = self.store.contact_by_email(&email).await?;
        tracing::info!(
            contact = contact.id.0,
            organization = org.0,
            "contact made for an unknown sender"
        );
        Ok(Some(contact))
    }

    /// Keeps the addresses a customer copied (`Cc`) on a message, so that the mail of the
    /// ticket it opens or joins goes to them too — all but the sender, our own addresses and
    /// agents'.
    async fn keep_copied(&self, inbound: i64, m: &Inbound) -> Result<()> {
        if m.cc.is_empty() {
            return Ok(());
        }
        let agents = self.store.agents().await?;
        let from = m.from.as_ref().map(|f| f.email.as_str());
        let copied: Vec<String> =
            m.cc.iter()
                .map(|a| a.email.clone())
                .filter(|e| Some(e.as_str()) != from)
                .filter(|e| !self.own_addresses.contains(e))
                .filter(|e| !agents.iter().any(|a| a.email.as_str() == e))
                .filter(|e| e.parse::<reglament_domain::EmailAddress>().is_ok())
                .take(20)
                .collect();
        Ok(self.store.add_copies(inbound, &copied).await?)
    }

    /// A delivery report: the recipients that failed mark their message failed and their
    /// address as returning mail. `None` when the report names no failure (a delay, a
    /// success): it is then an automatic message like any other.
    async fn bounced(
        &self,
        inbound: i64,
        report: &reglament_mail::DeliveryReport,
    ) -> Result<Option<MailOutcome>> {
        let failed: Vec<(String, String)> = report
            .recipients
            .iter()
            .filter(|r| r.failed())
            .map(|r| {
                let why = match &r.diagnostic {
                    Some(d) if d.contains(&r.status) => d.clone(),
                    Some(d) => format!("{} {d}", r.status),
                    None => r.status.clone(),
                };
                (r.address.clone(), why)
            })
            .collect();
        if failed.is_empty() {
            return Ok(None);
        }
        // Our messages are `outbox-N@domain`. A report counts only for a message that went out,
        // and only for its own recipients: anyone can send a "report", and a forged one must
        // neither stop mail that has not gone yet nor mark other people's addresses.
        let outbox = report
            .original_message_id
            .as_deref()
            .and_then(|id| id.strip_prefix("outbox-"))
            .and_then(|rest| rest.split('@').next())
            .and_then(|n| n.parse::<i64>().ok());
        let sent = match outbox {
            Some(n) => self.store.sent_message(n).await?,
            None => None,
        };
        let Some((ticket, recipient)) = sent else {
            return Ok(None);
        };
        let mut recipients = self.addresses(&recipient).await?;
        if let (Some(t), true) = (ticket, recipient.starts_with("contact:")) {
            recipients.extend(self.store.participants(t).await?);
        }
        let failed: Vec<(String, String)> = failed
            .into_iter()
            .filter(|(a, _)| recipients.iter().any(|r| r.eq_ignore_ascii_case(a)))
            .collect();
        if failed.is_empty() {
            return Ok(None);
        }
        let outbox = outbox.unwrap_or_default();
        self.store
            .outbox_bounced(outbox, &failed, self.now())
            .await?;
        tracing::warn!(
            inbound,
            outbox,
            ticket = ticket.map(|t| t.0),
            addresses = ?failed.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
            "mail returned undelivered"
        );
        Ok(Some(MailOutcome::Bounced { inbound, ticket }))
    }

    /// Answers a message that did not become a ticket: to an unknown sender, the official
    /// channels; to a refused one, every reason. At most three such answers go to one address
    /// a day, so that two robots cannot keep each other busy.
    async fn answer(
        &self,
        to: &str,
        kind: &str,
        m: &Inbound,
        reasons: Vec<(String, String)>,
    ) -> Result<()> {
        let now = self.now();
        let since = now - jiff::SignedDuration::from_hours(24);
        if self.store.mail_to_address_since(to, since).await? >= 3 {
            tracing::info!(
                kind,
                "automatic answer not sent: three to this address today"
            );
            return Ok(());
        }
        let channels: Vec<String> = self
            .regulation
            .channels
            .iter()
            .filter(|c| c.official)
            .map(|c| match &c.address {
                Some(a) => format!("{}: {a}", c.title),
                None => c.title.clone(),
            })
            .collect();
        let payload = serde_json::json!({
            "subject": m.subject,
            "in_reply_to": m.message_id,
            "channels": channels.join("\n"),
            "reasons_ru": listed(reasons.iter().map(|(r, _)| r.as_str())),
            "reasons_en": listed(reasons.iter().map(|(_, e)| e.as_str())),
            "original": m.text.chars().take(ORIGINAL_QUOTED).collect::<String>(),
            "held": self.unknown_senders() == UnknownSenders::Hold,
        });
        self.store.enqueue_mail(kind, to, &payload, now).await?;
        Ok(())
    }

    /// A customer's message on a ticket: its new text as a reply (the quoted history stays in
    /// the stored message), and its files.
    async fn join(
        &self,
        inbound: i64,
        who: Principal,
        ticket: TicketId,
        m: &Inbound,
    ) -> Result<MailOutcome> {
        let body = reglament_mail::trim_quoted(&m.text);
        let body = if body.trim().is_empty() {
            Text::new("mail-empty-reply").render(Lang::Ru)
        } else {
            body
        };
        let acted = match self
            .act_from_inbound(
                who,
                ticket,
                DeskCommand::Reply { body, public: true },
                inbound,
            )
            .await
        {
            Ok(a) => a,
            // Read already — before a crash, or by another node: its reply stands.
            Err(DeskError::Conflict(_))
                if self.store.inbound(inbound).await?.state != "pending" =>
            {
                return Ok(MailOutcome::Duplicate { inbound });
            }
            Err(DeskError::Conflict(t) | DeskError::Forbidden(t)) => {
                return Ok(MailOutcome::Quarantined {
                    inbound,
                    reason: Text::new("mail-refused").arg("why", t.render(Lang::Ru)),
                });
            }
            Err(e) => return Err(e),
        };
        let target = match &acted {
            Acted::Updated(v) | Acted::Opened(v) | Acted::Merged(v) => TicketId(v.id),
        };
        self.attach_mail_files(who, target, m).await?;
        Ok(MailOutcome::Joined {
            inbound,
            ticket: target,
        })
    }

    /// The files of a message on its ticket; a file the policy refuses is recorded on the
    /// ticket with its reason, and the others are kept.
    async fn attach_mail_files(&self, who: Principal, ticket: TicketId, m: &Inbound) -> Result<()> {
        let files: Vec<Upload> = m
            .attachments
            .iter()
            .filter(|a| !a.data.is_empty())
            .map(|a| Upload {
                name: a.name.clone(),
                content_type: a.content_type.clone(),
                data: a.data.clone(),
            })
            .collect();
        if files.is_empty() {
            return Ok(());
        }
        match self.attach(who, ticket, files).await {
            Ok(_) | Err(DeskError::Invalid(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

/// A held message as the quarantine page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldMail {
    /// The stored message's id.
    pub id: i64,
    /// `quarantined` or `ignored`.
    pub state: String,
    /// Why.
    pub reason: String,
    /// The sender, as the message gives it.
    pub from: String,
    /// The subject.
    pub subject: String,
    /// When it arrived, in the regulation's time zone.
    pub received_at: String,
    /// Where it came from.
    pub source: String,
    /// Its size in bytes.
    pub size: u64,
}

impl Desk {
    /// The messages waiting for an agent, and the automatic ones set aside, oldest first.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers; storage errors.
    pub async fn held_mail(&self, who: Principal) -> Result<Vec<HeldMail>> {
        crate::permissions::check(who, crate::Action::HandleMail)?;
        let mut out = Vec::new();
        for state in ["quarantined", "ignored"] {
            for m in self.store.inbound_in(state, 500).await? {
                let parsed = reglament_mail::parse(&m.raw).ok();
                out.push(HeldMail {
                    id: m.id,
                    state: m.state,
                    reason: m.reason.unwrap_or_default(),
                    from: parsed
                        .as_ref()
                        .and_then(|p| p.from.as_ref())
                        .map(|f| match &f.name {
                            Some(n) => format!("{n} <{}>", f.email),
                            None => f.email.clone(),
                        })
                        .unwrap_or_default(),
                    subject: parsed.map(|p| p.subject).unwrap_or_default(),
                    received_at: self.local_time(m.received_at),
                    source: m.source,
                    size: m.raw.len() as u64,
                });
            }
        }
        out.sort_by_key(|m| m.id);
        Ok(out)
    }

    /// A held message's raw bytes, for an agent to read as it came.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers; [`DeskError::NotFound`] for an unknown id.
    pub async fn mail_raw(&self, who: Principal, id: i64) -> Result<Vec<u8>> {
        crate::permissions::check(who, crate::Action::HandleMail)?;
        Ok(self.store.inbound(id).await?.raw)
    }

    /// Reads a held message again — after its sender was added as a contact, say — and says
    /// what came of it.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers; [`DeskError::Conflict`] for a message that is
    /// not held; storage errors.
    pub async fn retry_mail(&self, who: Principal, id: i64) -> Result<MailOutcome> {
        crate::permissions::check(who, crate::Action::HandleMail)?;
        if !self.store.retry_inbound(id).await? {
            return Err(DeskError::Conflict(Text::new("mail-not-held")));
        }
        self.process_mail(id).await
    }

    /// Discards a held message: it leaves the quarantine and stays stored.
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers; [`DeskError::Conflict`] for a message that is
    /// not held.
    pub async fn discard_mail(&self, who: Principal, id: i64) -> Result<()> {
        crate::permissions::check(who, crate::Action::HandleMail)?;
        if !self.store.discard_inbound(id, self.now()).await? {
            return Err(DeskError::Conflict(Text::new("mail-not-held")));
        }
        Ok(())
    }
}

impl Desk {
    /// Claims a mailbox for this node for a minute, so that two nodes never poll one mailbox
    /// at once; the holder renews it. `false` when another node holds it.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn claim_mailbox(&self, mailbox: &str, node: &str) -> Result<bool> {
        let now = self.now();
        Ok(self
            .store
            .claim_mailbox(mailbox, node, now, now + jiff::SignedDuration::from_mins(1))
            .await?)
    }

    /// Where reading a mailbox stopped: its UIDVALIDITY and the last UID stored.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn mailbox_position(&self, mailbox: &str) -> Result<Option<(u32, u32)>> {
        Ok(self.store.mailbox_position(mailbox).await?)
    }

    /// Records where reading a mailbox stopped, once the message at `uid` is stored.
    ///
    /// # Errors
    ///
    /// Storage errors.
    pub async fn set_mailbox_position(&self, mailbox: &str, validity: u32, uid: u32) -> Result<()> {
        Ok(self
            .store
            .set_mailbox_position(mailbox, validity, uid)
            .await?)
    }
}

/// A message on a ticket, listed for staff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MailSummary {
    /// The stored message's id.
    pub id: i64,
    /// When it arrived, `01.12.2026 10:30` in the regulation's time zone.
    pub received: String,
    /// Its sender.
    pub from: String,
    /// Its subject.
    pub subject: String,
}

/// A message on a ticket as it came, for staff: the journal keeps only its new text.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct MailOriginal {
    /// The list entry.
    pub summary: MailSummary,
    /// `To` and `Cc`.
    pub to: Vec<String>,
    /// Copied addresses.
    pub cc: Vec<String>,
    /// The whole text, quoted history and signature included.
    pub text: String,
    /// The sanitized HTML, when it had an HTML part.
    pub html: Option<String>,
    /// Whether the HTML loads images from elsewhere (blocked until asked for).
    pub remote_images: bool,
    /// Its files' names.
    pub files: Vec<String>,
}

impl Desk {
    /// The messages that opened or joined a ticket (staff only).
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers; [`DeskError::NotFound`] for no such ticket.
    pub async fn ticket_mail(&self, who: Principal, ticket: TicketId) -> Result<Vec<MailSummary>> {
        crate::permissions::check(who, crate::Action::HandleMail)?;
        self.store.ticket(ticket, Viewer::Staff).await?;
        Ok(self
            .store
            .inbound_of_ticket(ticket)
            .await?
            .iter()
            .map(|m| self.summary(m, reglament_mail::parse(&m.raw).ok().as_ref()))
            .collect())
    }

    /// One message of a ticket as it came (staff only).
    ///
    /// # Errors
    ///
    /// [`DeskError::Forbidden`] for customers; [`DeskError::NotFound`] when the message is not
    /// one of this ticket's.
    pub async fn mail_original(
        &self,
        who: Principal,
        ticket: TicketId,
        inbound: i64,
    ) -> Result<MailOriginal> {
        crate::permissions::check(who, crate::Action::HandleMail)?;
        let m = self.store.inbound(inbound).await?;
        if m.ticket != Some(ticket) {
            return Err(DeskError::NotFound);
        }
        let parsed = reglament_mail::parse(&m.raw).ok();
        let summary = self.summary(&m, parsed.as_ref());
        let Some(p) = parsed else {
            return Ok(MailOriginal {
                summary,
                to: Vec::new(),
                cc: Vec::new(),
                text: String::from_utf8_lossy(&m.raw).into_owned(),
                html: None,
                remote_images: false,
                files: Vec::new(),
            });
        };
        let remote_images = p.html.as_deref().is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            h.contains("src=\"http://") || h.contains("src=\"https://")
        });
        Ok(MailOriginal {
            summary,
            to: p.to.iter().map(|a| a.email.clone()).collect(),
            cc: p.cc.iter().map(|a| a.email.clone()).collect(),
            text: p.text,
            html: p.html,
            remote_images,
            files: p.attachments.iter().map(|a| a.name.clone()).collect(),
        })
    }

    fn summary(
        &self,
        m: &reglament_store::mail::InboundMessage,
        parsed: Option<&Inbound>,
    ) -> MailSummary {
        MailSummary {
            id: m.id,
            received: m
                .received_at
                .to_zoned(self.regulation.timezone.clone())
                .strftime("%d.%m.%Y %H:%M")
                .to_string(),
            from: parsed
                .and_then(|p| p.from.as_ref())
                .map(|f| match &f.name {
                    Some(n) => format!("{n} <{}>", f.email),
                    None => f.email.clone(),
                })
                .unwrap_or_default(),
            subject: parsed.map(|p| p.subject.clone()).unwrap_or_default(),
        }
    }
}

/// How much of a refused message its answer quotes back, so that a reply carries it.
const ORIGINAL_QUOTED: usize = 4000;

/// Reasons as a list: one line each, and a reason of several lines (the fields to write back)
/// as a paragraph after it.
fn listed<'a>(reasons: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for r in reasons {
        if r.contains('\n') {
            out.push_str(&format!("\n{r}\n"));
        } else {
            out.push_str(&format!("- {r}\n"));
        }
    }
    out.trim_end().to_string()
}

/// The regulation's fields a message gives as "Field: value" lines at the top of its text —
/// each named by its Russian or English title or its id, in any case — and the text without
/// those lines. Quoted lines and anything after the first other line are text.
///
/// ```
/// # let reg = reglament_regulation::Regulation::parse("[regulation]\nname = \"R\"\n[fields]\nrequired = [\"position\", \"phone\"]\n")?;
/// let (fields, text) = reglament_desk::fields_in(&reg, "Должность: главный бухгалтер\nphone: +7 900 000-00-00\n\nНе выгружается отчёт.\nСрок: завтра");
/// assert_eq!(fields["position"], "главный бухгалтер");
/// assert_eq!(fields["phone"], "+7 900 000-00-00");
/// assert_eq!(text, "Не выгружается отчёт.\nСрок: завтра");
/// # Ok::<(), reglament_regulation::RegulationError>(())
/// ```
pub fn fields_in(
    reg: &reglament_regulation::Regulation,
    text: &str,
) -> (std::collections::BTreeMap<String, String>, String) {
    let known: Vec<(String, &str)> = reg
        .fields
        .required
        .iter()
        .chain(&reg.fields.optional)
        .filter(|f| !matches!(f.as_str(), "subject" | "description" | "attachments"))
        .flat_map(|f| {
            [
                crate::field_title(f, Lang::Ru),
                crate::field_title(f, Lang::En),
                f.clone(),
            ]
            .into_iter()
            .map(move |label| (label.to_lowercase(), f.as_str()))
        })
        .collect();
    let mut fields = std::collections::BTreeMap::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.peek() {
        let l = line.trim();
        if l.is_empty() {
            lines.next();
            continue;
        }
        let field = l.split_once(':').and_then(|(label, value)| {
            let label = label.trim().trim_end_matches('*').trim().to_lowercase();
            known
                .iter()
                .find(|(k, _)| *k == label)
                .map(|(_, f)| (*f, value.trim()))
        });
        match field {
            Some((f, value)) => {
                if !value.is_empty() {
                    fields.insert(f.to_string(), value.to_string());
                }
                lines.next();
            }
            None => break,
        }
    }
    let rest: Vec<&str> = lines.collect();
    (fields, rest.join("\n").trim().to_string())
}
