//! Who is acting: the one identity type that every channel resolves its caller to.

use crate::{Actor, AgentId, ContactId, OrgId, Role, TokenId};

/// Who is asking: an agent with a role, a customer contact of an organization, or an
/// integration's API token with a role.
///
/// # Example
///
/// ```
/// use reglament_domain::{Actor, ContactId, OrgId, Principal, Role, TokenId};
///
/// let customer = Principal::Contact(ContactId(3), OrgId(1));
/// assert_eq!(customer.actor(), Actor::Contact(ContactId(3)));
/// assert_eq!(customer.organization(), Some(OrgId(1)));
/// // A token's actions are journaled as that token, never as the system.
/// assert_eq!(Principal::Token(TokenId(9), Role::Agent).actor(), Actor::Token(TokenId(9)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Principal {
    /// A staff member with a role.
    Agent(AgentId, Role),
    /// A customer contact of an organization.
    Contact(ContactId, OrgId),
    /// An integration's API token with a role.
    Token(TokenId, Role),
}

impl Principal {
    /// The actor the journal records for this principal.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::{Actor, AgentId, Principal, Role};
    ///
    /// assert_eq!(Principal::Agent(AgentId(1), Role::Admin).actor(), Actor::Agent(AgentId(1)));
    /// ```
    pub fn actor(self) -> Actor {
        match self {
            Principal::Agent(a, _) => Actor::Agent(a),
            Principal::Contact(c, _) => Actor::Contact(c),
            Principal::Token(t, _) => Actor::Token(t),
        }
    }

    /// The staff role, or `None` for a customer.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::{ContactId, OrgId, Principal};
    ///
    /// assert_eq!(Principal::Contact(ContactId(1), OrgId(2)).role(), None);
    /// ```
    pub fn role(self) -> Option<Role> {
        match self {
            Principal::Agent(_, r) | Principal::Token(_, r) => Some(r),
            Principal::Contact(..) => None,
        }
    }

    /// The customer's organization, or `None` for staff.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::{AgentId, Principal, Role};
    ///
    /// assert_eq!(Principal::Agent(AgentId(1), Role::Agent).organization(), None);
    /// ```
    pub fn organization(self) -> Option<OrgId> {
        match self {
            Principal::Contact(_, o) => Some(o),
            _ => None,
        }
    }

    /// Whether this is a customer contact.
    ///
    /// # Example
    ///
    /// ```
    /// use reglament_domain::{ContactId, OrgId, Principal};
    ///
    /// assert!(Principal::Contact(ContactId(1), OrgId(2)).is_customer());
    /// ```
    pub fn is_customer(self) -> bool {
        matches!(self, Principal::Contact(..))
    }
}
