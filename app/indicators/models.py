"""Indicator catalogue, values with history, and group reviews."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Float, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

TYPES = {
    "choice": _l("Auswahl"),
    "multi": _l("Mehrfachauswahl"),
    "number": _l("Zahl"),
    "date": _l("Datum"),
    "bool": _l("Ja/Nein"),
    "text": _l("Kurztext"),
}
APPLIES_TO = {"person": _l("Person"), "household": _l("Haushalt")}
KINDS = {"change": _l("Änderung"), "correction": _l("Korrektur")}


def in_ui_language(german: str, english: str) -> str:
    """Catalogue entries are data in both languages (admins edit them): the English text in
    an English interface when there is one, else the German."""
    from app.i18n import current_locale

    return english if english and current_locale() == "en" else german


def group_label(key: str) -> str:
    """The label of an indicator group in the interface language."""
    from app.indicators.catalogue import GROUPS

    german, english = GROUPS.get(key, (key, key))
    return in_ui_language(german, english)


def lazy_group_labels() -> dict[str, LazyString]:
    """Group labels for module-level choices, resolved when shown."""
    from app.indicators.catalogue import GROUPS

    return {key: LazyString(group_label, key) for key in GROUPS}


# Defaults (organisation NULL) that an organisation hid for itself: not on its sheets, worklists
# and exports (app/organisations/ownership.py).
indicator_hidden = Table(
    "indicator_hidden",
    db.metadata,
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
    Column("indicator_id", ForeignKey("indicator.id"), primary_key=True, index=True),
)


class Indicator(db.Model):
    """One indicator of the catalogue. Never deleted: retiring keeps all history.

    `organisation_id` NULL: a county-wide default, which only the county's admins change;
    else the organisation's own indicator, which only its admins change and only its staff see."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    label_de: Mapped[str] = mapped_column(String(160))
    label_en: Mapped[str] = mapped_column(String(160), default="")
    group: Mapped[str] = mapped_column(String(30))
    type: Mapped[str] = mapped_column(String(10))
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    applies_to: Mapped[str] = mapped_column(String(10), default="person")
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    required: Mapped[bool] = mapped_column(default=False)
    stale_after_days: Mapped[int | None]
    # Health and disability: visible only to the responsible manager and the team lead.
    restricted: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]

    options: Mapped[list[IndicatorOption]] = relationship(
        back_populates="indicator", order_by="IndicatorOption.position, IndicatorOption.id"
    )

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def label(self) -> str:
        return in_ui_language(self.label_de, self.label_en)

    @property
    def type_label(self) -> str:
        return str(TYPES.get(self.type, self.type))

    @property
    def active_options(self) -> list[IndicatorOption]:
        return [o for o in self.options if o.retired_at is None]


class IndicatorOption(db.Model):
    __table_args__ = (UniqueConstraint("indicator_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label_de: Mapped[str] = mapped_column(String(160))
    label_en: Mapped[str] = mapped_column(String(160), default="")
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]

    indicator: Mapped[Indicator] = relationship(back_populates="options")

    @property
    def label(self) -> str:
        return in_ui_language(self.label_de, self.label_en)


class IndicatorValue(db.Model):
    """A value valid from a date. `kind` "correction" replaces the row `corrects_id` (a wrong
    entry) without pretending that the situation changed."""

    __table_args__ = (
        Index("ix_indicator_value_household_indicator", "household_id", "indicator_id"),
        Index(
            "ix_indicator_value_person_indicator_valid", "person_id", "indicator_id", "valid_from"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    value: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date]
    kind: Mapped[str] = mapped_column(String(10), default="change")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_value.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # The consultation note this value was recorded in. The foreign key to `contact` is added
    # when the contacts feature is merged; until then a plain nullable integer.
    contact_id: Mapped[int | None]

    indicator: Mapped[Indicator] = relationship()


class IndicatorReview(db.Model):
    """ "Alles noch aktuell": a group of indicators confirmed for a person on a day."""

    __table_args__ = (Index("ix_indicator_review_household_group", "household_id", "group"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    group: Mapped[str] = mapped_column(String(30))
    reviewed_on: Mapped[date]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)
    contact_id: Mapped[int | None]
