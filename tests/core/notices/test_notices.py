"""Outage notices reach the premises they concern; education pages are editable."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, text

from core.enums import Medium
from core.exceptions import InputError
from core.notices import NoticeDraft, NoticeKind, NoticeScope, PageDraft
from core.notices import service as notices

NOW = dt.datetime(2026, 1, 20, 8, 0, tzinfo=dt.UTC)


def _draft(scope: NoticeScope, **kw: object) -> NoticeDraft:
    base = dict(
        kind=NoticeKind.PLANNED,
        medium=Medium.WATER,
        scope=scope,
        title="Przerwa w dostawie wody",
        body="Wymiana zasuwy.",
        starts_at=NOW + dt.timedelta(days=1),
        ends_at=NOW + dt.timedelta(days=1, hours=6),
    )
    return NoticeDraft(**{**base, **kw})


def _two_premises_in_different_places(engine: Engine) -> tuple[tuple[int, int, int], ...]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.id, p.building_id, b.district_id FROM premises p "
                "JOIN buildings b ON b.id = p.building_id ORDER BY p.id"
            )
        ).all()
    first = rows[0]
    other = next(r for r in rows if r[2] != first[2])
    return tuple(first), tuple(other)


def test_notices_reach_the_region_the_district_and_the_building(region_engine: Engine) -> None:
    (p1, b1, d1), (p2, _, _) = _two_premises_in_different_places(region_engine)
    region = notices.publish_notice(
        region_engine, _draft(NoticeScope.REGION), author_id=None, now=NOW
    )
    district = notices.publish_notice(
        region_engine, _draft(NoticeScope.DISTRICT, district_id=d1), author_id=None, now=NOW
    )
    building = notices.publish_notice(
        region_engine,
        _draft(
            NoticeScope.BUILDING,
            building_id=b1,
            kind=NoticeKind.FAILURE,
            ends_at=None,
            starts_at=NOW - dt.timedelta(hours=1),
        ),
        author_id=None,
        now=NOW,
    )
    mine = {n.id for n in notices.notices_for_premise(region_engine, p1, now=NOW)}
    theirs = {n.id for n in notices.notices_for_premise(region_engine, p2, now=NOW)}
    assert mine == {region.id, district.id, building.id}
    assert theirs == {region.id}
    assert building.is_current(NOW)
    assert not region.is_current(NOW)

    notices.withdraw_notice(region_engine, building.id)
    assert building.id not in {n.id for n in notices.notices_for_premise(region_engine, p1, NOW)}
    later = NOW + dt.timedelta(days=5)  # ended more than two days ago
    assert notices.notices_for_premise(region_engine, p1, now=later) == []


def test_bad_notices_are_refused(region_engine: Engine) -> None:
    with pytest.raises(ValidationError, match="district_id"):
        _draft(NoticeScope.DISTRICT)
    with pytest.raises(ValidationError, match="ends_at"):
        _draft(NoticeScope.REGION, ends_at=NOW - dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="time zone"):
        _draft(NoticeScope.REGION, starts_at=dt.datetime(2026, 1, 1, 8, 0))
    with pytest.raises(InputError, match="no building 9999"):
        notices.publish_notice(region_engine, _draft(NoticeScope.BUILDING, building_id=9999), None)


def test_education_pages_default_then_edited(region_engine: Engine) -> None:
    page = notices.get_page(region_engine, "woda", "pl")
    assert not page.edited
    assert "97" in page.body
    assert len(page.paragraphs) == 2
    notices.save_page(region_engine, "woda", "pl", PageDraft(title="Woda", body="A\n\nB\n\nC"), 7)
    edited = notices.get_page(region_engine, "woda", "pl")
    assert edited.edited
    assert edited.paragraphs == ["A", "B", "C"]
    assert not notices.get_page(region_engine, "woda", "en").edited
    with pytest.raises(InputError):
        notices.get_page(region_engine, "nope", "pl")
    with pytest.raises(InputError):
        notices.get_page(region_engine, "woda", "de")
