"""The shared work-order queue: open, de-duplicate, list, update; on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

import core.maintenance.models  # noqa: F401  (registers the table on the core base)
from core.db.migrate import current_revisions, downgrade, upgrade
from core.db.models import Base
from core.exceptions import InputError
from core.maintenance.enums import ItemStatus, Priority
from core.maintenance.service import list_items, open_item, update_item

SEEN = pd.Timestamp("2026-01-21T05:00:00Z")


def test_open_update_and_list(any_engine: Engine) -> None:
    leak = open_item(
        any_engine,
        medium="water",
        asset="water:Net3/pipe:277",
        kind="leak",
        title="burst near node 241",
        evidence={"flow_m3_per_h": 60.2},
        priority=Priority.HIGH,
        detected_at=SEEN,
    )
    pump = open_item(
        any_engine,
        medium="heat",
        asset="heat:substation:17/pump",
        kind="anomaly",
        title="vibration",
        evidence={"score": 3.1},
    )
    assert leak.status is ItemStatus.OPEN
    assert leak.detected_at == SEEN.to_pydatetime()
    again = open_item(
        any_engine,
        medium="water",
        asset="water:Net3/pipe:277",
        kind="leak",
        title="burst near node 241",
        evidence={"flow_m3_per_h": 71.0},
        priority=Priority.URGENT,
    )
    assert again.id == leak.id  # the same active item, with the new evidence
    assert again.evidence["latest"] == {"flow_m3_per_h": 71.0}
    assert again.priority is Priority.URGENT
    assert [i.id for i in list_items(any_engine)] == [pump.id, leak.id]
    assert [i.id for i in list_items(any_engine, medium="water")] == [leak.id]

    done = update_item(any_engine, leak.id, status="false_alarm", assignee="crew 3", note="dry")
    assert done.status is ItemStatus.FALSE_ALARM
    assert done.closed_at is not None
    assert [i.id for i in list_items(any_engine, active_only=True)] == [pump.id]
    reopened = open_item(
        any_engine,
        medium="water",
        asset="water:Net3/pipe:277",
        kind="leak",
        title="again",
        evidence={},
    )
    assert reopened.id != leak.id  # a closed item is not reused


def test_bad_input_is_refused(engine: Engine) -> None:
    with pytest.raises(InputError, match="medium"):
        open_item(engine, medium="steam", asset="x", kind="leak", title="t", evidence={})
    with pytest.raises(InputError, match="no time zone"):
        open_item(
            engine,
            medium="water",
            asset="x",
            kind="leak",
            title="t",
            evidence={},
            detected_at=pd.Timestamp("2026-01-01 00:00"),
        )
    with pytest.raises(InputError, match="does not exist"):
        update_item(engine, 999, status="closed")
    item = open_item(engine, medium="water", asset="x", kind="leak", title="t", evidence={})
    with pytest.raises(InputError, match="status"):
        update_item(engine, item.id, status="solved")


def test_migration_matches_the_model_and_goes_down_and_up(engine: Engine) -> None:
    assert "maintenance_0001" in current_revisions(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert not [d for d in diff if "maintenance" in str(d)]
    downgrade(engine, "maintenance@-1")
    assert "maintenance_items" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "maintenance_items" in inspect(engine).get_table_names()
