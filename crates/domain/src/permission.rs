//! Who may do what. Each use case names its `Action`; a role either allows it or not, and the
//! unit scope (which units the grant covers) is checked separately by the application layer.

use crate::org::Role;

/// Things a user can ask the system to do, as far as permissions are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the unit tree (staff lists, with logins and roles, need `ManageUsers`).
    ViewUnits,
    /// Create or change units.
    ManageUnits,
    /// Create users and grant roles at units in scope.
    ManageUsers,
    /// Create or change procedures and fields.
    ManageCatalogue,
    /// Edit holidays, make-up days and working hours.
    ManageCalendar,
    /// Read and verify the audit trail.
    ViewAudit,
    /// Receive files at the counter or by post, hand results over.
    ReceiveFiles,
    /// Examine files, request supplements, draft results.
    ProcessFiles,
    /// Approve, sign, refuse, assign and reassign files.
    DecideFiles,
    /// Read files of the units in scope.
    ViewFiles,
    /// Read statistics and reports.
    ViewReports,
    /// Lock reporting periods, run index scoring.
    ManageReports,
    /// See background jobs and retry dead ones.
    ManageJobs,
    /// Score one's own unit against the reform index (self-assessment, explanation).
    AssessReform,
    /// Keep the reform-index criteria sets, appraise units' scores, publish results (council).
    AppraiseReform,
    /// Read feedback and petitions (phản ánh, kiến nghị) at units in scope.
    ViewFeedback,
    /// Record, check, forward, publish and close feedback; personal-data requests.
    ReceiveFeedback,
    /// Draft the answer to feedback forwarded to the unit.
    AnswerFeedback,
    /// Approve the answer to feedback.
    ApproveFeedback,
    /// Define the process (steps, roles, units, shares of the deadline) of procedures.
    ManageProcesses,
    /// Write, publish and close survey campaigns; read their results.
    ManageSurveys,
    /// Plan dialogue conferences (hội nghị đối thoại), answer questions, publish minutes.
    ManageDialogues,
}

/// The role table. Kept as one match so the whole policy reads on one screen.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Citizen => false,
        Role::CounterOfficer => matches!(
            action,
            ViewUnits | ReceiveFiles | ViewFiles | ViewFeedback | ReceiveFeedback
        ),
        Role::Specialist => matches!(
            action,
            ViewUnits | ProcessFiles | ViewFiles | ViewFeedback | AnswerFeedback
        ),
        Role::Leader => matches!(
            action,
            ViewUnits
                | ProcessFiles
                | DecideFiles
                | ViewFiles
                | ViewReports
                | AssessReform
                | ViewFeedback
                | ReceiveFeedback
                | AnswerFeedback
                | ApproveFeedback
                | ManageDialogues
        ),
        Role::ReformOffice => matches!(
            action,
            ViewUnits
                | ViewFiles
                | ViewReports
                | ManageReports
                | ViewAudit
                | AppraiseReform
                | ViewFeedback
                | ReceiveFeedback
                | ManageSurveys
                | ManageDialogues
        ),
        Role::Administrator => matches!(
            action,
            ViewUnits
                | ManageUnits
                | ManageUsers
                | ManageCatalogue
                | ManageCalendar
                | ViewAudit
                | ViewReports
                | ManageJobs
                | ManageProcesses
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizens_have_no_staff_powers() {
        for action in [
            Action::ViewUnits,
            Action::ViewFiles,
            Action::ManageCatalogue,
        ] {
            assert!(!allows(Role::Citizen, action));
        }
    }

    #[test]
    fn only_administrators_manage_the_catalogue_and_users() {
        for role in Role::ALL {
            assert_eq!(
                allows(role, Action::ManageCatalogue),
                role == Role::Administrator
            );
            assert_eq!(
                allows(role, Action::ManageUsers),
                role == Role::Administrator
            );
        }
    }

    #[test]
    fn counter_officers_receive_but_do_not_decide() {
        assert!(allows(Role::CounterOfficer, Action::ReceiveFiles));
        assert!(!allows(Role::CounterOfficer, Action::DecideFiles));
        assert!(allows(Role::Leader, Action::DecideFiles));
    }
}
