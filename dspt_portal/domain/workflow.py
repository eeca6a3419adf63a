"""The plan's closed state machine: who may move a plan from which state to which."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class PlanState(StrEnum):
    """Where a plan is in the review process."""

    draft = "draft"
    submitted = "submitted"
    changes_requested = "changes_requested"
    agreed = "agreed"
    completion_submitted = "completion_submitted"
    completed = "completed"


class Action(StrEnum):
    """Something a user can do to a plan."""

    submit = "submit"
    request_changes = "request_changes"
    agree = "agree"
    accept_by_exception = "accept_by_exception"
    submit_progress = "submit_progress"
    acknowledge_progress = "acknowledge_progress"
    submit_completion = "submit_completion"
    confirm_completion = "confirm_completion"
    return_completion = "return_completion"


ORG_EDITOR = "org_editor"
ORG_SIGNATORY = "org_signatory"
REGIONAL_REVIEWER = "regional_reviewer"
NATIONAL_REVIEWER = "national_reviewer"
ADMIN = "admin"
ROLES = (ORG_EDITOR, ORG_SIGNATORY, REGIONAL_REVIEWER, NATIONAL_REVIEWER, ADMIN)
ORG_ROLES = frozenset({ORG_EDITOR, ORG_SIGNATORY})
REVIEWER_ROLES = frozenset({REGIONAL_REVIEWER, NATIONAL_REVIEWER})


class Transition(NamedTuple):
    """One allowed move; roles is who may make it."""

    action: Action
    sources: frozenset[PlanState]
    target: PlanState
    roles: frozenset[str]
    needs_reason: bool = False
    needs_accepted_by: bool = False


S = PlanState
TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(
            Action.submit,
            frozenset({S.draft, S.changes_requested}),
            S.submitted,
            ORG_ROLES,
        ),
        Transition(
            Action.request_changes,
            frozenset({S.submitted}),
            S.changes_requested,
            REVIEWER_ROLES,
            needs_reason=True,
        ),
        Transition(Action.agree, frozenset({S.submitted}), S.agreed, REVIEWER_ROLES),
        Transition(
            Action.accept_by_exception,
            frozenset({S.submitted}),
            S.agreed,
            frozenset({NATIONAL_REVIEWER}),
            needs_reason=True,
            needs_accepted_by=True,
        ),
        Transition(Action.submit_progress, frozenset({S.agreed}), S.agreed, ORG_ROLES),
        Transition(Action.acknowledge_progress, frozenset({S.agreed}), S.agreed, REVIEWER_ROLES),
        Transition(
            Action.submit_completion,
            frozenset({S.agreed}),
            S.completion_submitted,
            ORG_ROLES,
        ),
        Transition(
            Action.confirm_completion,
            frozenset({S.completion_submitted}),
            S.completed,
            REVIEWER_ROLES,
        ),
        Transition(
            Action.return_completion,
            frozenset({S.completion_submitted}),
            S.agreed,
            REVIEWER_ROLES,
            needs_reason=True,
        ),
    )
}

_VERBS = {
    Action.submit: "submit a plan",
    Action.request_changes: "request changes to a plan",
    Action.agree: "agree a plan",
    Action.accept_by_exception: "accept a plan by exception",
    Action.submit_progress: "submit a progress update",
    Action.acknowledge_progress: "acknowledge a progress update",
    Action.submit_completion: "submit a completed plan",
    Action.confirm_completion: "confirm a plan is complete",
    Action.return_completion: "return a completed plan",
}
_REVIEW_DECISIONS = {Action.request_changes, Action.agree, Action.accept_by_exception}
_REASON_MESSAGES = {
    Action.request_changes: "Give a reason for requesting changes",
    Action.accept_by_exception: "Give a reason for accepting the plan by exception",
    Action.return_completion: "Give a reason for returning the completed plan",
}


class TransitionRefused(Exception):
    """A refused action; .message says why in plain English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def allowed_actions(state: PlanState | str, role: str) -> list[Action]:
    """The actions this role may take on a plan in this state, in table order."""
    state = PlanState(state)
    return [t.action for t in TRANSITIONS.values() if state in t.sources and role in t.roles]


def _role_refusal(transition: Transition) -> str:
    """Why this role may not take the action."""
    if transition.action == Action.accept_by_exception:
        return "Only an NHS England national reviewer can accept a plan by exception"
    who = (
        "the organisation's editors and signatories"
        if transition.roles == ORG_ROLES
        else "NHS England reviewers"
    )
    return f"Only {who} can {_VERBS[transition.action]}"


def _state_refusal(state: PlanState, action: Action) -> str:
    """Why the action does not apply to a plan in this state."""
    if state == PlanState.completed:
        return "This plan has already been completed"
    if action in _REVIEW_DECISIONS:
        if state in (PlanState.agreed, PlanState.completion_submitted):
            return "This plan has already been agreed"
        return "You cannot make this decision on a plan that is not awaiting review"
    if action == Action.submit:
        if state == PlanState.submitted:
            return "This plan has already been submitted"
        return "This plan has already been agreed"
    if action == Action.submit_completion and state == PlanState.completion_submitted:
        return "The completed plan has already been submitted"
    if action in (Action.confirm_completion, Action.return_completion):
        return "There is no completed plan awaiting confirmation"
    return f"You can only {_VERBS[action]} once the plan has been agreed"


def decide(
    state: PlanState | str,
    action: Action | str,
    role: str,
    *,
    reason: str = "",
    accepted_by: str = "",
) -> PlanState:
    """Return the state after the action, or raise TransitionRefused."""
    state = PlanState(state)
    try:
        action = Action(action)
    except ValueError:
        raise TransitionRefused("This is not something you can do to a plan") from None
    transition = TRANSITIONS[action]
    if role not in transition.roles:
        raise TransitionRefused(_role_refusal(transition))
    if state not in transition.sources:
        raise TransitionRefused(_state_refusal(state, action))
    if transition.needs_accepted_by and not (accepted_by or "").strip():
        raise TransitionRefused(
            "Enter the name of the person at NHS England who accepted the plan by exception"
        )
    if transition.needs_reason and not (reason or "").strip():
        raise TransitionRefused(_REASON_MESSAGES[action])
    return transition.target


_TOOLKIT_STATUS = {
    PlanState.draft: "Standards Not Met",
    PlanState.submitted: "Standards Not Met",
    PlanState.changes_requested: "Standards Not Met",
    PlanState.agreed: "Approaching Standards",
    PlanState.completion_submitted: "Approaching Standards",
    PlanState.completed: "Standards Met",
}
_WHOSE_TURN = {
    PlanState.draft: "organisation",
    PlanState.submitted: "NHS England",
    PlanState.changes_requested: "organisation",
    # Agreed: the organisation delivers its actions and sends progress updates.
    PlanState.agreed: "organisation",
    PlanState.completion_submitted: "NHS England",
    PlanState.completed: None,
}


def toolkit_status(state: PlanState | str) -> str:
    """The public DSPT status that a plan in this state gives its organisation."""
    return _TOOLKIT_STATUS[PlanState(state)]


def whose_turn(state: PlanState | str) -> str | None:
    """Who must act next: "organisation", "NHS England", or None when finished."""
    return _WHOSE_TURN[PlanState(state)]


def editable_by_organisation(state: PlanState | str) -> bool:
    """True when the organisation may change the plan's rows."""
    return PlanState(state) in (PlanState.draft, PlanState.changes_requested)
