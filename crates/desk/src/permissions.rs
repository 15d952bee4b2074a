//! The one permission module: may this principal do this? Every desk call asks it before it
//! does anything, so no channel decides permissions of its own.
//!
//! | who | may |
//! |---|---|
//! | customer | see and file their organization's tickets, reply, attach, confirm, object, rate; read their organization, its contacts and its statements; read the regulation |
//! | agent | work tickets: reply, note, status, assign, hand over, log time, reopen, link, split, attach; read the directory, time entries and statements |
//! | supervisor | what an agent may, and change priority and level, extend deadlines, merge tickets, manage organizations and contacts |
//! | admin | everything, including agents |
//!
//! An integration's token has a role and may do what that role may. Confirming, objecting and
//! rating are the customer's alone. Another organization's ticket, attachment, contacts or
//! statement answer exactly like a missing id ([`DeskError::NotFound`]).

use reglament_domain::{OrgId, Principal, Role};
use reglament_store::tickets::Viewer;

use crate::{DeskError, Text};

/// Something a principal may ask the desk to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// See the ticket list.
    ListTickets,
    /// See one ticket.
    ReadTicket,
    /// Open a ticket.
    FileTicket,
    /// Reply publicly.
    Reply,
    /// Write an internal note.
    Note,
    /// Change the status.
    ChangeStatus,
    /// Change the priority.
    ChangePriority,
    /// Change the level.
    ChangeLevel,
    /// Assign an agent.
    Assign,
    /// Hand the ticket over to a line.
    HandOver,
    /// Log work time.
    LogTime,
    /// Extend a deadline.
    Extend,
    /// Confirm completion.
    Confirm,
    /// Object to completion.
    Object,
    /// Reopen a finished ticket.
    Reopen,
    /// Rate the service.
    Rate,
    /// Link two tickets.
    Link,
    /// Split a new ticket off.
    Split,
    /// Merge a duplicate into another ticket.
    Merge,
    /// Attach files.
    Attach,
    /// Download an attachment.
    ReadAttachment,
    /// Read organizations.
    ReadOrganizations,
    /// Create or change organizations.
    ManageOrganizations,
    /// Read an organization's contacts.
    ReadContacts,
    /// Create contacts.
    ManageContacts,
    /// Read agents.
    ReadAgents,
    /// Create, change or deactivate agents.
    ManageAgents,
    /// See the mail quarantine, read a held message again, or discard it.
    HandleMail,
    /// Read logged time across tickets.
    ReadTimeEntries,
    /// Read an organization's monthly statement.
    ReadStatement,
    /// Read the effective regulation.
    ReadRegulation,
    /// Read reports: SLA compliance and the like.
    ReadReports,
}

impl Action {
    /// Every action, for tables and tests.
    pub const ALL: [Action; 32] = [
        Action::ListTickets,
        Action::ReadTicket,
        Action::FileTicket,
        Action::Reply,
        Action::Note,
        Action::ChangeStatus,
        Action::ChangePriority,
        Action::ChangeLevel,
        Action::Assign,
        Action::HandOver,
        Action::LogTime,
        Action::Extend,
        Action::Confirm,
        Action::Object,
        Action::Reopen,
        Action::Rate,
        Action::Link,
        Action::Split,
        Action::Merge,
        Action::Attach,
        Action::ReadAttachment,
        Action::ReadOrganizations,
        Action::ManageOrganizations,
        Action::ReadContacts,
        Action::ManageContacts,
        Action::ReadAgents,
        Action::ManageAgents,
        Action::HandleMail,
        Action::ReadTimeEntries,
        Action::ReadStatement,
        Action::ReadRegulation,
        Action::ReadReports,
    ];
}

/// Who may do an action.
enum Rule {
    /// Anyone signed in; customers within their organization.
    Everyone,
    /// Customers only.
    Customers,
    /// Staff of these roles.
    Staff(&'static [Role]),
}

const ALL_STAFF: &[Role] = &[Role::Admin, Role::Supervisor, Role::Agent];
const SUPERVISORS: &[Role] = &[Role::Admin, Role::Supervisor];
const ADMINS: &[Role] = &[Role::Admin];

fn rule(a: Action) -> Rule {
    use Action::*;
    match a {
        ListTickets | ReadTicket | FileTicket | Reply | Attach | ReadAttachment
        | ReadOrganizations | ReadContacts | ReadStatement | ReadRegulation => Rule::Everyone,
        Confirm | Object | Rate => Rule::Customers,
        Note | ChangeStatus | Assign | HandOver | LogTime | Reopen | Link | Split | ReadAgents
        | ReadTimeEntries | HandleMail | ReadReports => Rule::Staff(ALL_STAFF),
        ChangePriority | ChangeLevel | Extend | Merge | ManageOrganizations | ManageContacts => {
            Rule::Staff(SUPERVISORS)
        }
        ManageAgents => Rule::Staff(ADMINS),
    }
}

/// Whether a principal may do something: for a channel deciding which controls to offer. The
/// desk still checks every call itself.
///
/// # Example
///
/// ```
/// use reglament_desk::permissions::{may, Action};
/// use reglament_domain::{AgentId, Principal, Role};
///
/// assert!(may(Principal::Agent(AgentId(1), Role::Admin), Action::ManageAgents));
/// assert!(!may(Principal::Agent(AgentId(2), Role::Agent), Action::ManageAgents));
/// ```
pub fn may(p: Principal, a: Action) -> bool {
    check(p, a).is_ok()
}

/// Whether a principal may do an action at all; what it may reach is [`scope`]'s.
///
/// # Errors
///
/// [`DeskError::Forbidden`] with the reason.
///
/// # Example
///
/// ```
/// use reglament_desk::{permissions::{check, Action}, DeskError};
/// use reglament_domain::{AgentId, ContactId, OrgId, Principal, Role};
///
/// let agent = Principal::Agent(AgentId(1), Role::Agent);
/// let supervisor = Principal::Agent(AgentId(2), Role::Supervisor);
/// assert!(check(agent, Action::Reply).is_ok());
/// assert!(matches!(check(agent, Action::Merge), Err(DeskError::Forbidden(_))));
/// assert!(check(supervisor, Action::Merge).is_ok());
/// assert!(check(Principal::Contact(ContactId(1), OrgId(1)), Action::Rate).is_ok());
/// ```
pub fn check(p: Principal, a: Action) -> Result<(), DeskError> {
    match (rule(a), p) {
        (Rule::Everyone, _) => Ok(()),
        (Rule::Customers, Principal::Contact(..)) => Ok(()),
        (Rule::Customers, _) => Err(DeskError::Forbidden(Text::new("permission-customer-only"))),
        (Rule::Staff(_), Principal::Contact(..)) if a == Action::Note => {
            Err(DeskError::Forbidden(Text::new("customer-note")))
        }
        (Rule::Staff(_), Principal::Contact(..)) => {
            Err(DeskError::Forbidden(Text::new("permission-staff-only")))
        }
        (Rule::Staff(roles), Principal::Agent(_, r) | Principal::Token(_, r)) => {
            if roles.contains(&r) {
                Ok(())
            } else if roles == ADMINS {
                Err(DeskError::Forbidden(Text::new("permission-admins")))
            } else {
                Err(DeskError::Forbidden(Text::new("permission-supervisors")))
            }
        }
    }
}

/// Whether a principal may reach an organization's data: staff reach any, a customer only
/// their own; another organization answers as if it did not exist.
///
/// # Errors
///
/// [`DeskError::NotFound`] for another organization.
///
/// # Example
///
/// ```
/// use reglament_desk::{permissions::scope, DeskError};
/// use reglament_domain::{ContactId, OrgId, Principal};
///
/// let customer = Principal::Contact(ContactId(1), OrgId(1));
/// assert!(scope(customer, OrgId(1)).is_ok());
/// assert_eq!(scope(customer, OrgId(2)), Err(DeskError::NotFound));
/// ```
pub fn scope(p: Principal, org: OrgId) -> Result<(), DeskError> {
    match p {
        Principal::Contact(_, own) if own != org => Err(DeskError::NotFound),
        _ => Ok(()),
    }
}

/// What the store shows a principal: everything to staff; to a contact, their organization's
/// tickets, or only their own when the organization says so (the store asks the directory).
///
/// # Example
///
/// ```
/// use reglament_desk::permissions::viewer;
/// use reglament_domain::{ContactId, OrgId, Principal};
/// use reglament_store::tickets::Viewer;
///
/// assert_eq!(
///     viewer(Principal::Contact(ContactId(1), OrgId(4))),
///     Viewer::Contact(OrgId(4), ContactId(1))
/// );
/// ```
pub fn viewer(p: Principal) -> Viewer {
    match p {
        Principal::Contact(c, org) => Viewer::Contact(org, c),
        _ => Viewer::Staff,
    }
}
