"""Portal read services on the reference region: access, consumption, comparison, tips, export."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from core.accounts import ConsentKind, Role, privacy
from core.accounts import service as acc
from core.enums import Medium, Resolution
from core.residents import (
    NotVisibleError,
    Period,
    TipKind,
    Viewer,
    access,
    comparison,
    consumption,
    export,
    tips,
)
from core.residents.export import ESPI_NS
from core.tariffs import PRICES_2026, Zone
from core.timeseries import read_series

KWH = 1e-6
PASSWORD = "Zielone jabłko 2026"


def _households(engine: Engine) -> list[tuple[int, int, str]]:
    """(premise, building, building type) of every household, by building size desc."""
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT p.id, p.building_id, b.building_type FROM premises p "
                    "JOIN buildings b ON b.id = p.building_id "
                    "WHERE p.premise_kind = 'residential' ORDER BY p.id"
                )
            )
        ]


def _account(engine: Engine, premise_id: int, consent: bool) -> Viewer:
    user = acc.create_user(
        engine,
        email=f"r{premise_id}@example.pl",
        password=PASSWORD,
        role=Role.RESIDENT,
        premise_id=premise_id,
    )
    privacy.set_consent(engine, user.id, ConsentKind.COMPARISONS, consent)
    return Viewer(user.id, Role.RESIDENT, premise_id)


def test_a_resident_sees_own_and_building_meters_only(region: Engine) -> None:
    homes = _households(region)
    mine, other = Viewer(1, Role.RESIDENT, homes[0][0]), Viewer(2, Role.RESIDENT, homes[-1][0])
    own = access.visible_meters(region, mine)
    theirs = access.visible_meters(region, other)
    assert {m.id for m in own}.isdisjoint({m.id for m in theirs if m.scope.value == "premise"})
    assert own[0].medium is Medium.ELECTRICITY
    assert own[0].last_ts is not None
    with pytest.raises(NotVisibleError):
        access.meter_for_viewer(region, mine, theirs[0].id)
    with pytest.raises(NotVisibleError):
        access.meter_for_viewer(region, mine, 10**6)
    manager = Viewer(3, Role.BUILDING_MANAGER, building_id=homes[0][1])
    assert all(m.scope.value == "building" for m in access.visible_meters(region, manager))
    with pytest.raises(NotVisibleError):
        access.premise_of(region, Viewer(4, Role.OPERATOR))


def test_month_view_sums_the_stored_readings_and_prices_them(region: Engine) -> None:
    homes = _households(region)
    premise_id = homes[0][0]
    viewer = Viewer(1, Role.RESIDENT, premise_id)
    meter = access.visible_meters(region, viewer)[0]
    view = consumption.consumption(region, viewer, meter.id, Period.MONTH, dt.date(2026, 1, 20))
    start = pd.Timestamp("2026-01-01", tz="Europe/Warsaw")
    raw = read_series(region, meter.id, start, pd.Timestamp("2026-02-01", tz="Europe/Warsaw"))
    assert view.resolution == "day"
    assert len(view.points) == 27  # 5-31 January
    assert view.totals["value"] == pytest.approx(raw["value"].sum(), abs=KWH)
    assert view.totals["last_year"] is None  # the region starts in January 2026
    with region.connect() as conn:
        tariff = conn.execute(
            text("SELECT tariff FROM premises WHERE id = :p"), {"p": premise_id}
        ).scalar_one()
    if tariff == "G11":
        rate = PRICES_2026[view.tariff].variable_gross(Zone.ALL_DAY)
        assert view.totals["cost_pln"] == pytest.approx(raw["value"].sum() * rate, rel=1e-9)
    assert view.previous_anchor == dt.date(2025, 12, 31)
    assert view.next_anchor == dt.date(2026, 2, 1)


def test_day_view_is_at_the_meters_resolution_with_the_building_mean(region: Engine) -> None:
    homes = _households(region)
    counts = pd.Series([b for _, b, _ in homes]).value_counts()
    big = int(counts.index[0])
    premise_id = next(p for p, b, _ in homes if b == big)
    viewer = Viewer(1, Role.RESIDENT, premise_id)
    meters = access.visible_meters(region, viewer)
    day = consumption.consumption(region, viewer, meters[0].id, "day", dt.date(2026, 1, 14))
    assert day.resolution == "15min"
    assert len(day.points) == 96
    assert day.building_premises == counts.iloc[0] >= access.BUILDING_MIN_PREMISES
    assert day.points["building_avg"].notna().all()
    water = next(m for m in meters if m.medium is Medium.WATER)
    week = consumption.consumption(region, viewer, water.id, "week", dt.date(2026, 1, 14))
    assert week.resolution == "hour"
    assert len(week.points) == 168
    assert week.totals["cost_pln"] is None


def test_bad_arguments_are_input_errors(region: Engine) -> None:
    from core.exceptions import InputError

    viewer = Viewer(1, Role.RESIDENT, _households(region)[0][0])
    meter = access.visible_meters(region, viewer)[0]
    with pytest.raises(InputError, match="period"):
        consumption.consumption(region, viewer, meter.id, "decade")
    with pytest.raises(InputError, match="out of range"):
        consumption.consumption(region, viewer, meter.id, "day", dt.date(1990, 1, 1))


def test_comparison_needs_consent_and_groups_of_ten(region: Engine) -> None:
    homes = _households(region)
    panel = [p for p, _, t in homes if t == "multi_family_panel"]
    assert len(panel) >= 12
    me = _account(region, panel[0], consent=False)
    report = comparison.compare(region, me)
    electricity = next(m for m in report.media if m.medium is Medium.ELECTRICITY)
    assert not report.consent
    assert electricity.peers is None
    assert electricity.peer_note == "consent_required"
    assert electricity.own_recent > 0

    privacy.set_consent(region, me.user_id, ConsentKind.COMPARISONS, True)
    electricity = next(
        m for m in comparison.compare(region, me).media if m.medium is Medium.ELECTRICITY
    )
    dist = electricity.peers
    assert dist is not None
    assert dist.n >= comparison.MIN_GROUP
    assert dist.p10 <= dist.p25 <= dist.p50 <= dist.p75 <= dist.p90
    assert 0 <= dist.own_percentile <= 100
    assert electricity.criteria

    # neighbours who registered without the consent leave the group: it falls under ten
    for premise in panel[1:]:
        _account(region, premise, consent=False)
    electricity = next(
        m for m in comparison.compare(region, me).media if m.medium is Medium.ELECTRICITY
    )
    assert electricity.peers is None
    assert electricity.peer_note == "group_too_small"


def test_tips_on_the_region_find_the_simulated_leak_and_say_waste_has_no_data(
    region: Engine,
) -> None:
    # The household whose night water never drops to zero (the region simulates leaks).
    leaky = None
    for premise_id, _, _ in _households(region):
        viewer = Viewer(1, Role.RESIDENT, premise_id)
        water = next(m for m in access.visible_meters(region, viewer) if m.medium is Medium.WATER)
        hourly = read_series(
            region, water.id, "2026-01-26T00:00+01:00", "2026-02-09T00:00+01:00", Resolution.HOUR
        )
        local = hourly["ts"].dt.hour
        nightly = hourly[(local >= 2) & (local < 5)].groupby(hourly["ts"].dt.date)["value"].min()
        if (nightly >= 0.0015).all():
            leaky = viewer
            break
    assert leaky is not None
    report = tips.saving_tips(region, leaky)
    kinds = {t.kind for t in report.tips}
    assert TipKind.NIGHT_WATER in kinds
    assert all(t.saving_pln_per_year >= 20 for t in report.tips)
    assert [t.saving_pln_per_year for t in report.tips] == sorted(
        (t.saving_pln_per_year for t in report.tips), reverse=True
    )
    assert any(u.kind is TipKind.WASTE and u.reason == "no_waste_data" for u in report.unavailable)


def test_export_formats_hold_all_own_readings(region: Engine) -> None:
    premise_id = _households(region)[0][0]
    viewer = _account(region, premise_id, consent=True)
    own = export.own_meters(region, viewer)
    with region.connect() as conn:
        n = conn.execute(
            text(
                f"SELECT count(*) FROM readings WHERE meter_id IN ({','.join(str(m.id) for m in own)})"
            )
        ).scalar_one()
    lines = "".join(export.export_csv(region, viewer)).splitlines()
    assert lines[0] == ",".join(export.CSV_COLUMNS)
    assert len(lines) == n + 1

    document = json.loads(json.dumps(export.export_json(region, viewer)))
    assert document["account"]["email"] == f"r{premise_id}@example.pl"
    assert sum(len(m["readings"]) for m in document["meters"]) == n
    assert document["consents"][-1]["granted"] is True

    electricity = next(m for m in own if m.medium is Medium.ELECTRICITY)
    xml = ET.fromstring(export.export_espi(region, viewer))
    readings = xml.findall(f".//{{{ESPI_NS}}}IntervalReading")
    raw = read_series(
        region,
        electricity.id,
        electricity.first_ts,
        pd.Timestamp(electricity.last_ts) + pd.Timedelta(seconds=1),
    )
    assert len(readings) == len(raw)
    first = readings[0]
    assert int(first.find(f"{{{ESPI_NS}}}value").text) == round(raw["value"].iloc[0] * 1000)
    assert xml.find(f".//{{{ESPI_NS}}}uom").text == "72"  # Wh
