"""Fixed labels that client documents take from option lists (not literally from a
template): they are msgids of the `documents` domain too. `dynamic_msgids()` lists them for
the completeness test and for extraction (docs/client-documents.md)."""

from __future__ import annotations

from app.plans import choices as plan_choices

# Who does a next step, as the client reads it.
NEXT_STEP_OWNERS = {
    "manager": "Integrationsmanagement",
    "colleague": "Integrationsmanagement",
    "client": "Sie selbst",
    "volunteer": "Ehrenamtliche:r",
}
TASK_STATUS = {"open": "offen", "done": "erledigt"}


def dynamic_msgids() -> set[str]:
    lists = (
        plan_choices.FIELDS,
        plan_choices.GOAL_STATUS,
        plan_choices.RESPONSIBLE,
        NEXT_STEP_OWNERS,
        TASK_STATUS,
    )
    return {str(label) for options in lists for label in options.values()}
