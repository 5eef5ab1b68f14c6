"""Outage notices and education pages: publish, withdraw, list for a premise, edit pages."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Engine, or_, select

from core.db.engine import session_factory, session_scope
from core.db.models import Building, District, Premise
from core.exceptions import InputError
from core.notices.defaults import PAGES
from core.notices.enums import NoticeScope
from core.notices.model import Notice, NoticeDraft, Page, PageDraft
from core.notices.models import EducationPage, OutageNotice

logger = logging.getLogger(__name__)

LOCALES = ("pl", "en")
# A notice stays listed this long after it ended (residents look back at a recent outage).
RECENT_AFTER_END = dt.timedelta(days=2)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _view(row: OutageNotice) -> Notice:
    return Notice(
        id=row.id,
        kind=row.kind,
        medium=row.medium,
        scope=row.scope,
        district_id=row.district_id,
        building_id=row.building_id,
        title=row.title,
        body=row.body,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        published_at=row.published_at,
    )


def publish_notice(
    engine: Engine, draft: NoticeDraft, author_id: int | None, now: dt.datetime | None = None
) -> Notice:
    """Publish an outage notice.

    Raises:
        InputError: the district or building it names does not exist.
    """
    now = now or _now()
    with session_scope(engine) as session:
        if draft.district_id is not None and session.get(District, draft.district_id) is None:
            raise InputError(
                f"district_id: no district {draft.district_id}",
                field="district_id",
                value=draft.district_id,
            )
        if draft.building_id is not None and session.get(Building, draft.building_id) is None:
            raise InputError(
                f"building_id: no building {draft.building_id}",
                field="building_id",
                value=draft.building_id,
            )
        row = OutageNotice(**draft.model_dump(), published_at=now, author_id=author_id)
        session.add(row)
        session.flush()
        notice = _view(row)
    logger.info("published %s notice %d (%s)", notice.kind.value, notice.id, notice.scope.value)
    return notice


def withdraw_notice(engine: Engine, notice_id: int, now: dt.datetime | None = None) -> None:
    """Take a notice off the portal (it stays in the store)."""
    with session_scope(engine) as session:
        row = session.get(OutageNotice, notice_id)
        if row is None:
            raise InputError(f"no notice {notice_id}", field="notice_id", value=notice_id)
        row.withdrawn_at = now or _now()


def list_notices(engine: Engine, now: dt.datetime | None = None) -> list[Notice]:
    """Every notice not withdrawn that is current, coming, or ended recently (operators' list)."""
    now = now or _now()
    with session_factory(engine)() as session:
        rows = session.scalars(
            select(OutageNotice)
            .where(
                OutageNotice.withdrawn_at.is_(None),
                or_(OutageNotice.ends_at.is_(None), OutageNotice.ends_at > now - RECENT_AFTER_END),
            )
            .order_by(OutageNotice.starts_at)
        ).all()
        return [_view(r) for r in rows]


def notices_for_premise(
    engine: Engine, premise_id: int, now: dt.datetime | None = None
) -> list[Notice]:
    """The notices that concern a premise: region-wide, its district's and its building's."""
    now = now or _now()
    with session_factory(engine)() as session:
        located = session.execute(
            select(Premise.building_id, Building.district_id)
            .join(Building, Building.id == Premise.building_id)
            .where(Premise.id == premise_id)
        ).one_or_none()
    if located is None:
        raise InputError(f"no premise {premise_id}", field="premise_id", value=premise_id)
    building_id, district_id = located
    return notices_for_place(engine, building_id, district_id, now)


def notices_for_place(
    engine: Engine, building_id: int | None, district_id: int | None, now: dt.datetime | None = None
) -> list[Notice]:
    """The notices for a building and district (either may be None)."""
    return [
        n
        for n in list_notices(engine, now)
        if n.scope is NoticeScope.REGION
        or (n.scope is NoticeScope.DISTRICT and n.district_id == district_id)
        or (n.scope is NoticeScope.BUILDING and n.building_id == building_id)
    ]


def _check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise InputError(f"locale: {locale!r} is not pl or en", field="locale", value=locale)
    return locale


def page_slugs() -> list[str]:
    """The education pages (built-in slugs; edits replace their text)."""
    return list(PAGES)


def get_page(engine: Engine, slug: str, locale: str) -> Page:
    """An education page in a language: the operators' text, or the built-in one.

    Raises:
        InputError: unknown slug or locale.
    """
    _check_locale(locale)
    if slug not in PAGES:
        raise InputError(f"no education page {slug!r}", field="slug", value=slug)
    with session_factory(engine)() as session:
        row = session.scalars(
            select(EducationPage).where(EducationPage.slug == slug, EducationPage.locale == locale)
        ).one_or_none()
    if row is None:
        title, body = PAGES[slug][locale]
        return Page(slug, locale, title, body, edited=False, updated_at=None)
    return Page(slug, locale, row.title, row.body, edited=True, updated_at=row.updated_at)


def save_page(
    engine: Engine,
    slug: str,
    locale: str,
    draft: PageDraft,
    editor_id: int | None,
    now: dt.datetime | None = None,
) -> Page:
    """Save an operator's edit of an education page."""
    _check_locale(locale)
    if slug not in PAGES:
        raise InputError(f"no education page {slug!r}", field="slug", value=slug)
    now = now or _now()
    with session_scope(engine) as session:
        row = session.scalars(
            select(EducationPage).where(EducationPage.slug == slug, EducationPage.locale == locale)
        ).one_or_none()
        if row is None:
            row = EducationPage(slug=slug, locale=locale)
            session.add(row)
        row.title, row.body, row.updated_at, row.updated_by = (
            draft.title,
            draft.body,
            now,
            editor_id,
        )
    logger.info("education page %s/%s edited by account %s", slug, locale, editor_id)
    return Page(slug, locale, draft.title, draft.body, edited=True, updated_at=now)
