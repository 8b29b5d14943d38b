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


def german(label: object) -> str:
    """The German text of a label. The option lists of the staff interface hold lazy
    gettext strings that turn into the UI language when printed; a client document needs
    the German msgid whatever language the staff member works in."""
    args = getattr(label, "_args", None)  # flask_babel.speaklater.LazyString
    if isinstance(args, tuple) and args and isinstance(args[0], str):
        return args[0]
    return str(label)


def _german(options: dict) -> dict[str, str]:
    return {key: german(label) for key, label in options.items()}


def plan_labels() -> dict[str, dict[str, str]]:
    """Plan fields, goal status and who is responsible: code -> German label."""
    return {
        "FIELDS": _german(plan_choices.FIELDS),
        "GOAL_STATUS": _german(plan_choices.GOAL_STATUS),
        "RESPONSIBLE": _german(plan_choices.RESPONSIBLE),
    }


def dynamic_msgids() -> set[str]:
    lists = (*plan_labels().values(), NEXT_STEP_OWNERS, TASK_STATUS)
    return {german(label) for options in lists for label in options.values()}
