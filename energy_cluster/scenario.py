"""Load a scenario file: YAML -> validated models -> cross-references and series checked.

Every problem becomes one ``ScenarioError`` naming the file, the unit (or demand, or series) and
the field, e.g. ``kof.yaml, unit 'ec_gt', field 'p_el_min_mw': p_el_min_mw (9.0) is above
p_el_max_mw (7.0)``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from energy_cluster.config import HorizonConfig, ScenarioConfig
from energy_cluster.config_units import FieldValueError, UnitConfig
from energy_cluster.enums import Carrier, UnitType
from energy_cluster.exceptions import ScenarioError
from energy_cluster.series import SeriesContext, evaluate_series

# The KOF reference scenario shipped with the package (every figure cited in the file).
REFERENCE_SCENARIO = Path(__file__).parent / "scenarios" / "kof_reference.yaml"

logger = logging.getLogger(__name__)

# Series-valued fields with the range their values must lie in.
SERIES_RANGES: dict[str, tuple[float, float]] = {
    "availability": (0.0, 1.0),
    "deliveries_t_per_h": (0.0, float("inf")),
    "production_m3_per_h": (0.0, float("inf")),
    "cop": (1e-6, 10.0),
    "import_tariff_pln_per_mwh": (0.0, float("inf")),
}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario and where it came from.

    Attributes:
        config: the validated file content.
        file: the file it was read from (for messages).
        base_dir: folder relative CSV paths are read from.
    """

    config: ScenarioConfig
    file: str = "<scenario>"
    base_dir: Path = field(default_factory=Path.cwd)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def step_h(self) -> float:
        return self.config.horizon.step_h

    def index(self) -> pd.DatetimeIndex:
        """Interval starts of the horizon, in UTC."""
        h = self.config.horizon
        return pd.date_range(
            pd.Timestamp(h.start).tz_convert("UTC"), periods=h.steps, freq=f"{h.resolution_min}min"
        )

    def series(self, name: str, index: pd.DatetimeIndex | None = None) -> np.ndarray:
        """The named series on ``index`` (default: the horizon)."""
        ctx = SeriesContext(self.file, self.base_dir, self.index())
        return evaluate_series(
            name, self.config.series[name], self.index() if index is None else index, ctx
        )

    def all_series(self, index: pd.DatetimeIndex | None = None) -> dict[str, np.ndarray]:
        """Every series of the scenario on ``index`` (default: the horizon)."""
        return {name: self.series(name, index) for name in self.config.series}

    def unit(self, name: str) -> UnitConfig:
        for unit in self.config.units:
            if unit.name == name:
                return unit
        raise KeyError(name)

    def with_horizon(
        self,
        start: datetime | None = None,
        hours: float | None = None,
        resolution_min: int | None = None,
    ) -> Scenario:
        """A copy planning another horizon (same units and series)."""
        h = self.config.horizon
        horizon = HorizonConfig(
            start=start or h.start,
            hours=hours or h.hours,
            resolution_min=resolution_min or h.resolution_min,
        )
        return replace(self, config=self.config.model_copy(update={"horizon": horizon}))


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and check a scenario file.

    Raises:
        ScenarioError: the file is missing, not YAML, or invalid; the message names the file,
            the unit and the field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ScenarioError(f"cannot read the scenario: {err.strerror}", file=str(path)) from err
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError(
            f"not valid YAML{where}: {getattr(err, 'problem', err)}", file=str(path)
        ) from err
    return scenario_from_dict(raw, file=str(path), base_dir=path.parent)


def scenario_from_dict(
    raw: Any, *, file: str = "<scenario>", base_dir: Path | None = None
) -> Scenario:
    """Validate and check a scenario given as a mapping (as parsed from YAML).

    Raises:
        ScenarioError: as ``load_scenario``.
    """
    if not isinstance(raw, dict):
        raise ScenarioError(
            "the scenario must be a mapping of sections (name, horizon, units, ...)", file=file
        )
    try:
        config = ScenarioConfig.model_validate(raw)
    except ValidationError as err:
        raise _translate(err, raw, file) from err
    scenario = Scenario(config=config, file=file, base_dir=base_dir or Path.cwd())
    check_references(scenario)
    check_series(scenario)
    return scenario


SERIES_FORMS = ("values", "csv", "constant", "profile", "solar", "wind", "degree_days")


def _owner(loc: list[Any], raw: dict[str, Any]) -> tuple[str, str, list[Any]]:
    """The kind and name of what an error location belongs to, and the rest of the location."""
    if len(loc) >= 2 and loc[0] in ("units", "demands") and isinstance(loc[1], int):
        items = raw.get(loc[0]) or []
        item = items[loc[1]] if loc[1] < len(items) else None
        owner = f"{loc[0]}[{loc[1]}]"
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            owner = item["name"]
        rest = loc[2:]
        if rest and rest[0] in {t.value for t in UnitType}:
            rest = rest[1:]  # the discriminator tag
        return ("unit" if loc[0] == "units" else "demand"), owner, rest
    if len(loc) >= 2 and loc[0] == "series":
        rest = loc[2:]
        if rest and rest[0] in SERIES_FORMS and len(rest) >= 2 and rest[1] == rest[0]:
            rest = rest[1:]  # the discriminator tag
        return "series", str(loc[1]), rest
    return "unit", "", loc


def _translate(err: ValidationError, raw: dict[str, Any], file: str) -> ScenarioError:
    first = err.errors(include_url=False)[0]
    kind, unit, rest = _owner(list(first["loc"]), raw)
    field_path = ".".join(str(p) for p in rest)
    message = first["msg"].removeprefix("Value error, ")
    problem = (first.get("ctx") or {}).get("error")
    if isinstance(problem, FieldValueError):
        field_path = ".".join(p for p in (field_path, problem.field) if p)
        message = str(problem)
    if first["type"] == "extra_forbidden":
        message = "unknown field (check the spelling; see energy_cluster/README.md)"
    elif first["type"] == "missing":
        message = "required field is missing"
    elif first["type"] == "union_tag_invalid" and kind == "unit":
        field_path = "type"
        message = f"unknown unit type; use one of: {', '.join(t.value for t in UnitType)}"
    value = None if first["type"] == "missing" else first.get("input")
    return ScenarioError(message, file=file, unit=unit, kind=kind, field=field_path, value=value)


def _unit_refs(unit: UnitConfig) -> dict[str, str]:
    """Series names a unit's Value fields refer to, by field."""
    refs: dict[str, str] = {}
    for name, value in unit:
        if isinstance(value, str) and name not in (
            "name",
            "description",
            "type",
            "bus",
            "heat_node",
            "mode",
            "end_rule",
        ):
            refs[name] = value
    return refs


def check_references(scenario: Scenario) -> None:
    """Names used by units and demands must be declared; names must be unique.

    Raises:
        ScenarioError: an unknown bus, heat node or series, or a duplicate name.
    """
    cfg = scenario.config
    file = scenario.file
    seen: set[str] = set()
    for unit in cfg.units:
        if unit.name in seen:
            raise ScenarioError(
                "the unit name is used twice", file=file, unit=unit.name, field="name"
            )
        seen.add(unit.name)
        bus = getattr(unit, "bus", None)
        if bus is not None and bus not in cfg.buses:
            raise ScenarioError(
                f"unknown bus {bus!r} (buses: {', '.join(cfg.buses)})",
                file=file,
                unit=unit.name,
                field="bus",
                value=bus,
            )
        node = getattr(unit, "heat_node", None)
        if node is not None and node not in cfg.heat_nodes:
            raise ScenarioError(
                f"unknown heat node {node!r} (heat_nodes: {', '.join(cfg.heat_nodes) or 'none'})",
                file=file,
                unit=unit.name,
                field="heat_node",
                value=node,
            )
        for field_name, ref in _unit_refs(unit).items():
            if ref not in cfg.series:
                raise ScenarioError(
                    f"unknown series {ref!r} (series: {', '.join(cfg.series) or 'none'})",
                    file=file,
                    unit=unit.name,
                    field=field_name,
                    value=ref,
                )
    for demand in cfg.demands:
        if demand.name in seen:
            raise ScenarioError(
                "the name is used twice", file=file, unit=demand.name, kind="demand", field="name"
            )
        seen.add(demand.name)
        if demand.series not in cfg.series:
            raise ScenarioError(
                f"unknown series {demand.series!r}",
                file=file,
                unit=demand.name,
                field="series",
                value=demand.series,
            )
        for bus in demand.buses or {}:
            if bus not in cfg.buses:
                raise ScenarioError(
                    f"unknown bus {bus!r} (buses: {', '.join(cfg.buses)})",
                    file=file,
                    unit=demand.name,
                    kind="demand",
                    field=f"buses.{bus}",
                    value=bus,
                )
        if demand.carrier is Carrier.HEAT and demand.heat_node not in cfg.heat_nodes:
            raise ScenarioError(
                f"unknown heat node {demand.heat_node!r}",
                file=file,
                unit=demand.name,
                field="heat_node",
            )
    if isinstance(cfg.prices.co2_eur_per_t, str) and cfg.prices.co2_eur_per_t not in cfg.series:
        raise ScenarioError(
            f"unknown series {cfg.prices.co2_eur_per_t!r}", file=file, field="prices.co2_eur_per_t"
        )


def check_series(scenario: Scenario) -> None:
    """Every series evaluates on the horizon; ranges hold where a unit needs them.

    Raises:
        ScenarioError: wrong length, a gap, or a value out of range (naming unit and field).
    """
    values = scenario.all_series()
    file = scenario.file
    for unit in scenario.config.units:
        for field_name, ref in _unit_refs(unit).items():
            low, high = SERIES_RANGES.get(field_name, (-np.inf, np.inf))
            data = values[ref]
            bad = np.flatnonzero((data < low - 1e-9) | (data > high + 1e-9))
            if len(bad):
                at = scenario.index()[bad[0]]
                raise ScenarioError(
                    f"series {ref!r} has {data[bad[0]]:.6g} at {at.isoformat()}; "
                    f"{field_name} must lie in [{low:g}, {high:g}]",
                    file=file,
                    unit=unit.name,
                    field=field_name,
                    value=float(data[bad[0]]),
                )
    for demand in scenario.config.demands:
        data = values[demand.series]
        if (data < -1e-9).any():
            at = scenario.index()[int(np.flatnonzero(data < -1e-9)[0])]
            raise ScenarioError(
                f"series {demand.series!r} is negative at {at.isoformat()}",
                file=file,
                unit=demand.name,
                kind="demand",
                field="series",
            )
