"""Who may see what: authorisation by ownership.

A resident sees the meters of their own premise and the meters of their building (DH
substation, rooftop PV), plus the aggregate of the building's households when the building has
at least ``BUILDING_MIN_PREMISES`` of them. A building manager sees the meters of their
building. Nobody sees another household's meter: asking for it is the same ``NotVisibleError``
as asking for a meter that does not exist.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import Engine

from core.accounts.enums import Role
from core.accounts.model import UserView
from core.residents import queries
from core.residents.exceptions import NotVisibleError
from core.residents.model import MeterInfo, PremiseInfo, Viewer

# A building aggregate minus one's own flat is the sum of the other flats: with five flats or
# more that sum covers at least four households (assumption, in the spirit of the groups of ten
# of the comparisons, which show quantiles of other households and not sums).
BUILDING_MIN_PREMISES = 5


def viewer_of(user: UserView) -> Viewer:
    """The portal's view of an account."""
    return Viewer(user.id, user.role, user.premise_id, user.building_id)


def premise_of(engine: Engine, viewer: Viewer) -> PremiseInfo:
    """The viewer's own premise. Raises NotVisibleError for accounts without one."""
    if viewer.role is not Role.RESIDENT or viewer.premise_id is None:
        raise NotVisibleError("premise", "of this account")
    return queries.premise_info(engine, viewer.premise_id)


def _visible(engine: Engine, viewer: Viewer) -> list[MeterInfo]:
    """The viewer's meters, without reading spans."""
    if viewer.role is Role.RESIDENT and viewer.premise_id is not None:
        premise = queries.premise_info(engine, viewer.premise_id)
        meters = queries.premise_meters(engine, premise.id) + queries.building_meters(
            engine, premise.building_id
        )
    elif viewer.role is Role.BUILDING_MANAGER and viewer.building_id is not None:
        meters = queries.building_meters(engine, viewer.building_id)
    else:
        meters = []
    return meters


def _with_span(engine: Engine, meter: MeterInfo) -> MeterInfo:
    first, last = queries.reading_span(engine, meter.id)
    return dataclasses.replace(meter, first_ts=first, last_ts=last)


def visible_meters(engine: Engine, viewer: Viewer) -> list[MeterInfo]:
    """Every meter the viewer may see, own premise first, with the span of its readings."""
    return [_with_span(engine, m) for m in _visible(engine, viewer)]


def meter_for_viewer(engine: Engine, viewer: Viewer, meter_id: int) -> MeterInfo:
    """One meter if the viewer may see it.

    Raises:
        NotVisibleError: the meter does not exist or belongs to someone else.
    """
    for meter in _visible(engine, viewer):
        if meter.id == meter_id:
            return _with_span(engine, meter)
    raise NotVisibleError("meter", meter_id)
