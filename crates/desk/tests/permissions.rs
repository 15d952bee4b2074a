//! The permission table: for every action, who may do it. A new action without a row here
//! fails the test.

use reglament_desk::permissions::{Action, check};
use reglament_domain::{AgentId, ContactId, OrgId, Principal, Role, TokenId};

/// Customer, agent, supervisor, admin: `Y` may, `-` may not.
const TABLE: &[(Action, &str)] = &[
    (Action::ListTickets, "YYYY"),
    (Action::ReadTicket, "YYYY"),
    (Action::FileTicket, "YYYY"),
    (Action::Reply, "YYYY"),
    (Action::Note, "-YYY"),
    (Action::ChangeStatus, "-YYY"),
    (Action::ChangePriority, "--YY"),
    (Action::ChangeLevel, "--YY"),
    (Action::Assign, "-YYY"),
    (Action::HandOver, "-YYY"),
    (Action::LogTime, "-YYY"),
    (Action::Extend, "--YY"),
    (Action::Confirm, "Y---"),
    (Action::Object, "Y---"),
    (Action::Reopen, "-YYY"),
    (Action::Rate, "Y---"),
    (Action::Link, "-YYY"),
    (Action::Split, "-YYY"),
    (Action::Merge, "--YY"),
    (Action::Attach, "YYYY"),
    (Action::ReadAttachment, "YYYY"),
    (Action::ReadOrganizations, "YYYY"),
    (Action::ManageOrganizations, "--YY"),
    (Action::ReadContacts, "YYYY"),
    (Action::ManageContacts, "--YY"),
    (Action::ReadAgents, "-YYY"),
    (Action::ManageAgents, "---Y"),
    (Action::HandleMail, "-YYY"),
    (Action::ReadTimeEntries, "-YYY"),
    (Action::ReadStatement, "YYYY"),
    (Action::ReadRegulation, "YYYY"),
    (Action::ReadReports, "-YYY"),
];

#[test]
fn every_role_may_do_exactly_what_the_table_says_and_a_token_what_its_role_may() {
    for action in Action::ALL {
        let (_, row) = TABLE
            .iter()
            .find(|(a, _)| *a == action)
            .unwrap_or_else(|| panic!("{action:?} has no row in the permission table"));
        let who = [
            vec![Principal::Contact(ContactId(1), OrgId(1))],
            vec![
                Principal::Agent(AgentId(1), Role::Agent),
                Principal::Token(TokenId(1), Role::Agent),
            ],
            vec![
                Principal::Agent(AgentId(2), Role::Supervisor),
                Principal::Token(TokenId(2), Role::Supervisor),
            ],
            vec![
                Principal::Agent(AgentId(3), Role::Admin),
                Principal::Token(TokenId(3), Role::Admin),
            ],
        ];
        for (expected, principals) in row.chars().zip(who) {
            for p in principals {
                assert_eq!(
                    check(p, action).is_ok(),
                    expected == 'Y',
                    "{p:?} × {action:?}"
                );
            }
        }
    }
    assert_eq!(TABLE.len(), Action::ALL.len());
}

#[test]
fn a_refusal_says_who_may() {
    let agent = Principal::Agent(AgentId(1), Role::Agent);
    let Err(reglament_desk::DeskError::Forbidden(t)) = check(agent, Action::Merge) else {
        panic!("an agent may not merge")
    };
    assert_eq!(
        t.render(reglament_desk::Lang::En),
        "Only supervisors and administrators may do this."
    );
}
