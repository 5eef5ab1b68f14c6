"""The series catalogue: which sums of meters are forecast, at which level and step.

Pure: takes the meters of the store as a table, returns ``SeriesSpec`` values. Billing (MAIN)
meters do not overlap (a submeter is SUB), so a building's demand is the sum of its MAIN meters
of a medium, a district's the sum over its buildings, the cluster's the sum over the region.
Rooftop PV (GENERATION meters) gives the PV output series. Network meters are forecast one by
one. Electricity and PV are forecast at 15 minutes by default (the Polish market settles in
quarter-hours), heat, water and gas hourly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from core.enums import Medium, MeterKind
from forecasting.model import RegressorRole, SeriesLevel, SeriesQuantity

METER_COLUMNS = (
    "meter_id",
    "medium",
    "meter_kind",
    "unit",
    "interval_s",
    "building_id",
    "district_id",
)

DEMAND_OF_MEDIUM: dict[Medium, SeriesQuantity] = {
    Medium.ELECTRICITY: SeriesQuantity.ELECTRIC_DEMAND,
    Medium.HEAT: SeriesQuantity.HEAT_DEMAND,
    Medium.WATER: SeriesQuantity.WATER_DEMAND,
    Medium.GAS: SeriesQuantity.GAS_DEMAND,
}
# Weather drivers per quantity: store column -> role (see core.db.models.WeatherObservation).
REGRESSORS_OF_QUANTITY: dict[SeriesQuantity, dict[str, RegressorRole]] = {
    SeriesQuantity.ELECTRIC_DEMAND: {
        "t_air_degc": RegressorRole.TEMPERATURE,
        "ghi_w_per_m2": RegressorRole.IRRADIANCE,
    },
    SeriesQuantity.HEAT_DEMAND: {"t_air_degc": RegressorRole.TEMPERATURE},
    SeriesQuantity.GAS_DEMAND: {"t_air_degc": RegressorRole.TEMPERATURE},
    SeriesQuantity.WATER_DEMAND: {"t_air_degc": RegressorRole.TEMPERATURE},
    SeriesQuantity.PV_OUTPUT: {
        "ghi_w_per_m2": RegressorRole.IRRADIANCE,
        "t_air_degc": RegressorRole.LINEAR,
    },
}
DEFAULT_STEP_S: dict[SeriesQuantity, int] = {
    SeriesQuantity.ELECTRIC_DEMAND: 900,
    SeriesQuantity.PV_OUTPUT: 900,
    SeriesQuantity.HEAT_DEMAND: 3600,
    SeriesQuantity.WATER_DEMAND: 3600,
    SeriesQuantity.GAS_DEMAND: 3600,
}
CLUSTER_QUANTITIES = (
    SeriesQuantity.ELECTRIC_DEMAND,
    SeriesQuantity.HEAT_DEMAND,
    SeriesQuantity.PV_OUTPUT,
)


@dataclass(frozen=True)
class SeriesSpec:
    """One catalogued series.

    Attributes:
        key: stable name, e.g. ``building:12:heat_demand`` or ``cluster:pv_output``.
        level: meter, building, district or cluster.
        quantity: what it measures (sets its weather regressors).
        entity_id: the building, district or meter id (None for the cluster).
        meter_ids: the meters summed.
        unit: the meters' unit (kWh, m3).
        step_s: the forecast step.
    """

    key: str
    level: SeriesLevel
    quantity: SeriesQuantity
    entity_id: int | None
    meter_ids: tuple[int, ...]
    unit: str
    step_s: int

    @property
    def regressors(self) -> dict[str, RegressorRole]:
        return REGRESSORS_OF_QUANTITY[self.quantity]


def _quantity(medium: str, kind: str) -> SeriesQuantity | None:
    if kind == MeterKind.GENERATION and medium == Medium.ELECTRICITY:
        return SeriesQuantity.PV_OUTPUT
    if kind in (MeterKind.MAIN, MeterKind.NETWORK):
        return DEMAND_OF_MEDIUM.get(Medium(medium))
    return None


def _spec(
    key: str,
    level: SeriesLevel,
    quantity: SeriesQuantity,
    entity: int | None,
    group: pd.DataFrame,
    step_override: int | None,
) -> SeriesSpec:
    native = int(group["interval_s"].max())
    step = max(step_override or DEFAULT_STEP_S[quantity], native)
    units = sorted(set(group["unit"]))
    return SeriesSpec(
        key=key,
        level=level,
        quantity=quantity,
        entity_id=entity,
        meter_ids=tuple(sorted(int(m) for m in group["meter_id"])),
        unit=units[0] if len(units) == 1 else "/".join(units),
        step_s=step,
    )


def build_catalogue(
    meters: pd.DataFrame,
    levels: Iterable[SeriesLevel] = tuple(SeriesLevel),
    step_s: int | None = None,
) -> list[SeriesSpec]:
    """The series of the region, ordered by key.

    Args:
        meters: one row per meter with ``METER_COLUMNS`` (building and district resolved
            through the premise for premise meters).
        levels: which levels to include.
        step_s: one step for every series (default: per quantity, see ``DEFAULT_STEP_S``).
    """
    wanted = set(levels)
    frame = meters.assign(
        quantity=[
            _quantity(str(m), str(k))
            for m, k in zip(meters["medium"], meters["meter_kind"], strict=True)
        ]
    )
    frame = frame[frame["quantity"].notna()]
    specs: list[SeriesSpec] = []
    network = frame["meter_kind"] == MeterKind.NETWORK
    if SeriesLevel.METER in wanted:
        for _, row in frame[network].iterrows():
            q = SeriesQuantity(row["quantity"])
            specs.append(
                _spec(
                    f"meter:{int(row['meter_id'])}:{q.value}",
                    SeriesLevel.METER,
                    q,
                    int(row["meter_id"]),
                    frame.loc[[row.name]],
                    step_s,
                )
            )
    billing = frame[~network]
    groupings: Sequence[tuple[SeriesLevel, str | None]] = (
        (SeriesLevel.BUILDING, "building_id"),
        (SeriesLevel.DISTRICT, "district_id"),
        (SeriesLevel.CLUSTER, None),
    )
    for level, column in groupings:
        if level not in wanted:
            continue
        for quantity, by_quantity in billing.groupby("quantity", sort=True):
            q = SeriesQuantity(quantity)
            if column is None:
                if q in CLUSTER_QUANTITIES:
                    specs.append(_spec(f"cluster:{q.value}", level, q, None, by_quantity, step_s))
                continue
            for entity, group in by_quantity.groupby(column, sort=True):
                specs.append(
                    _spec(
                        f"{level.value}:{int(entity)}:{q.value}",
                        level,
                        q,
                        int(entity),
                        group,
                        step_s,
                    )
                )
    return sorted(specs, key=lambda s: s.key)
