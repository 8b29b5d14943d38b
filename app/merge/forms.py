"""The compare form: one radio pair per field in which the two records differ."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.contacts.forms import ChoiceRadioField
from app.forms import Form
from app.merge.services import KEEP, OTHER, FieldChoice

PICK = "pick_"


class PickField(ChoiceRadioField):
    """One of the two values; a posted form must name it (the page presets it), never fall
    back to the preset silently."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = valuelist[0] if valuelist else None


class MergeForm(Form):
    """Fields are added per comparison (`merge_form`)."""

    def picked(self) -> dict[str, str]:
        return {
            field.name.removeprefix(PICK): field.data
            for field in self
            if field.name.startswith(PICK)
        }


def merge_form(fields: list[FieldChoice], defaults: dict[str, str]) -> MergeForm:
    class _Form(MergeForm):
        pass

    for f in fields:
        if f.differs:
            setattr(
                _Form,
                PICK + f.name,
                PickField(
                    f.label,
                    choices=[SelectChoice(KEEP, f.keep_text), SelectChoice(OTHER, f.other_text)],
                    default=defaults.get(f.name, KEEP),
                    invalid_message=_l("Bitte einen der beiden Werte wählen."),
                ),
            )
    return _Form()
