import pytest

from dspt_portal.domain.workflow import (
    ADMIN,
    NATIONAL_REVIEWER,
    ORG_EDITOR,
    ORG_SIGNATORY,
    REGIONAL_REVIEWER,
    ROLES,
    TRANSITIONS,
    Action,
    PlanState,
    TransitionRefused,
    allowed_actions,
    decide,
    editable_by_organisation,
    toolkit_status,
    whose_turn,
)

S, A = PlanState, Action
ORG = (ORG_EDITOR, ORG_SIGNATORY)
REVIEWERS = (REGIONAL_REVIEWER, NATIONAL_REVIEWER)
KWARGS = {"reason": "See the call notes", "accepted_by": "Alex Smith, SRO"}

# Every allowed move, written out independently of the table.
ALLOWED = [
    (S.draft, A.submit, ORG, S.submitted),
    (S.changes_requested, A.submit, ORG, S.submitted),
    (S.submitted, A.request_changes, REVIEWERS, S.changes_requested),
    (S.submitted, A.agree, REVIEWERS, S.agreed),
    (S.submitted, A.accept_by_exception, (NATIONAL_REVIEWER,), S.agreed),
    (S.agreed, A.submit_progress, ORG, S.agreed),
    (S.agreed, A.acknowledge_progress, REVIEWERS, S.agreed),
    (S.agreed, A.submit_completion, ORG, S.completion_submitted),
    (S.completion_submitted, A.confirm_completion, REVIEWERS, S.completed),
    (S.completion_submitted, A.return_completion, REVIEWERS, S.agreed),
]
ALLOWED_TRIPLES = {(s, a, r) for s, a, roles, _ in ALLOWED for r in roles}


@pytest.mark.parametrize(
    ("state", "action", "role", "target"),
    [(s, a, r, t) for s, a, roles, t in ALLOWED for r in roles],
)
def test_allowed_transitions(state, action, role, target):
    assert decide(state, action, role, **KWARGS) == target
    assert action in allowed_actions(state, role)


@pytest.mark.parametrize("state", list(PlanState))
@pytest.mark.parametrize("role", ROLES)
def test_everything_else_is_refused(state, role):
    for action in Action:
        if (state, action, role) in ALLOWED_TRIPLES:
            continue
        with pytest.raises(TransitionRefused):
            decide(state, action, role, **KWARGS)
        assert action not in allowed_actions(state, role)


def test_table_covers_every_action():
    assert set(TRANSITIONS) == set(Action)


def test_accepts_plain_strings():
    assert decide("submitted", "agree", "regional_reviewer") == "agreed"
    assert allowed_actions("draft", "org_editor") == [Action.submit]


def _refusal(state, action, role, **kwargs) -> str:
    with pytest.raises(TransitionRefused) as e:
        decide(state, action, role, **kwargs)
    return e.value.message


def test_forged_transitions_have_clear_messages():
    assert _refusal(S.draft, A.agree, REGIONAL_REVIEWER) == (
        "You cannot make this decision on a plan that is not awaiting review"
    )
    assert _refusal(S.agreed, A.agree, NATIONAL_REVIEWER) == "This plan has already been agreed"
    assert _refusal(S.submitted, A.agree, ORG_EDITOR) == "Only NHS England reviewers can agree a plan"
    assert _refusal(S.submitted, A.accept_by_exception, REGIONAL_REVIEWER, **KWARGS) == (
        "Only an NHS England national reviewer can accept a plan by exception"
    )
    assert _refusal(S.draft, A.submit, REGIONAL_REVIEWER) == (
        "Only the organisation's editors and signatories can submit a plan"
    )
    assert _refusal(S.submitted, A.submit, ORG_EDITOR) == "This plan has already been submitted"
    assert _refusal(S.completed, A.submit_progress, ORG_EDITOR) == ("This plan has already been completed")
    assert _refusal(S.draft, A.submit_progress, ORG_EDITOR) == (
        "You can only submit a progress update once the plan has been agreed"
    )
    assert _refusal(S.agreed, A.confirm_completion, NATIONAL_REVIEWER) == (
        "There is no completed plan awaiting confirmation"
    )
    assert _refusal(S.draft, "delete", ADMIN) == "This is not something you can do to a plan"


def test_admin_cannot_move_plans():
    for state in PlanState:
        assert allowed_actions(state, ADMIN) == []


@pytest.mark.parametrize(
    ("action", "state", "message"),
    [
        (A.request_changes, S.submitted, "Give a reason for requesting changes"),
        (
            A.return_completion,
            S.completion_submitted,
            "Give a reason for returning the completed plan",
        ),
    ],
)
def test_reason_required_and_stripped(action, state, message):
    assert _refusal(state, action, REGIONAL_REVIEWER) == message
    assert _refusal(state, action, REGIONAL_REVIEWER, reason="   \n") == message
    assert decide(state, action, REGIONAL_REVIEWER, reason=" Missing owner ") != state


def test_accept_by_exception_needs_who_and_why():
    assert _refusal(S.submitted, A.accept_by_exception, NATIONAL_REVIEWER, reason="Why") == (
        "Enter the name of the person at NHS England who accepted the plan by exception"
    )
    assert (
        _refusal(
            S.submitted,
            A.accept_by_exception,
            NATIONAL_REVIEWER,
            accepted_by="Alex Smith",
        )
        == "Give a reason for accepting the plan by exception"
    )
    assert (
        decide(
            S.submitted,
            A.accept_by_exception,
            NATIONAL_REVIEWER,
            reason="Why",
            accepted_by="Alex",
        )
        == S.agreed
    )


def test_toolkit_status():
    assert {s: toolkit_status(s) for s in PlanState} == {
        S.draft: "Standards Not Met",
        S.submitted: "Standards Not Met",
        S.changes_requested: "Standards Not Met",
        S.agreed: "Approaching Standards",
        S.completion_submitted: "Approaching Standards",
        S.completed: "Standards Met",
    }


def test_whose_turn_and_editable():
    assert whose_turn(S.draft) == "organisation"
    assert whose_turn(S.changes_requested) == "organisation"
    assert whose_turn(S.submitted) == "NHS England"
    assert whose_turn(S.completion_submitted) == "NHS England"
    assert whose_turn(S.completed) is None
    assert {s for s in PlanState if editable_by_organisation(s)} == {
        S.draft,
        S.changes_requested,
    }


def test_states_are_strings_for_storage():
    assert PlanState.changes_requested == "changes_requested"
    assert str(PlanState.completion_submitted) == "completion_submitted"
