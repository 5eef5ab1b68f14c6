"""Value objects of the notices package, and the operator's input as pydantic models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.enums import Medium
from core.notices.enums import NoticeKind, NoticeScope


class NoticeDraft(BaseModel):
    """What an operator publishes. Times are aware; ``ends_at`` may stay open for failures."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: NoticeKind
    medium: Medium
    scope: NoticeScope
    district_id: int | None = None
    building_id: int | None = None
    title: str = Field(min_length=3, max_length=160)
    body: str = Field(min_length=3, max_length=4000)
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone (e.g. +01:00)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> NoticeDraft:
        if self.scope is NoticeScope.DISTRICT and self.district_id is None:
            raise ValueError("a district notice needs district_id")
        if self.scope is NoticeScope.BUILDING and self.building_id is None:
            raise ValueError("a building notice needs building_id")
        if self.ends_at is not None and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class PageDraft(BaseModel):
    """An education page as an operator edits it (plain text; blank lines separate paragraphs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3, max_length=160)
    body: str = Field(min_length=3, max_length=20_000)


@dataclass(frozen=True)
class Notice:
    """A published outage notice."""

    id: int
    kind: NoticeKind
    medium: Medium
    scope: NoticeScope
    district_id: int | None
    building_id: int | None
    title: str
    body: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    published_at: dt.datetime

    def is_current(self, now: dt.datetime) -> bool:
        return self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


@dataclass(frozen=True)
class Page:
    """An education page in one language; ``edited`` is False for the built-in text."""

    slug: str
    locale: str
    title: str
    body: str
    edited: bool
    updated_at: dt.datetime | None

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]
