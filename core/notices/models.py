"""Tables of the notices package (migration ``notices_0001``): outage notices, education pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.models import Base
from core.db.types import UtcDateTime, enum_column
from core.enums import Medium
from core.notices.enums import NoticeKind, NoticeScope


class OutageNotice(Base):
    """A planned outage or a failure on a network, for the region, a district or a building."""

    __tablename__ = "outage_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "notice_kind"))
    medium: Mapped[Medium] = mapped_column(enum_column(Medium, "notice_medium"))
    scope: Mapped[NoticeScope] = mapped_column(enum_column(NoticeScope, "notice_scope"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Account id of the author. No foreign key: the notices branch of the migrations does not
    # depend on the accounts branch (accounts are never deleted, only anonymised).
    author_id: Mapped[int | None] = mapped_column(Integer)


class EducationPage(Base):
    """An education page (saving energy and water, sorting waste) in one language."""

    __tablename__ = "education_pages"
    __table_args__ = (UniqueConstraint("slug", "locale", name="uq_education_pages_slug_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[int | None] = mapped_column(Integer)  # account id, as author_id


Index("ix_outage_notices_starts_at", OutageNotice.starts_at)
