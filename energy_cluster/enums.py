"""Vocabularies of the energy cluster, as StrEnums."""

from __future__ import annotations

from enum import StrEnum


class Carrier(StrEnum):
    """An energy carrier with a balance per node and time step."""

    ELECTRICITY = "electricity"
    HEAT = "heat"


class UnitType(StrEnum):
    """The unit types a scenario may list; each has a block builder in the registry."""

    GRID = "grid"
    PV = "pv"
    WIND = "wind"
    GAS_CHP = "gas_chp"
    WTE_CHP = "wte_chp"
    BIOGAS_CHP = "biogas_chp"
    BOILER = "boiler"
    WASTE_HEAT = "waste_heat"
    HEAT_PUMP = "heat_pump"
    ELECTRIC_BOILER = "electric_boiler"
    BATTERY = "battery"
    HEAT_STORAGE = "heat_storage"


class ChpMode(StrEnum):
    """Feasible operating region of a CHP unit.

    BACK_PRESSURE: power and heat on one line, ``p_el = power_to_heat * q_th``.
    EXTRACTION: extraction-condensing region bounded by the back-pressure line
    ``p_el >= power_to_heat * q_th``, the equivalent-load limits
    ``p_min <= p_el + cv * q_th <= p_max`` and ``q_th <= q_th_max``.
    """

    BACK_PRESSURE = "back_pressure"
    EXTRACTION = "extraction"


class EndRule(StrEnum):
    """What a storage must hold at the end of the horizon."""

    AT_LEAST_INITIAL = "at_least_initial"
    EQUAL_INITIAL = "equal_initial"
    FREE = "free"


class SolveStatus(StrEnum):
    """Outcome of one solve, in terms a planner acts on.

    OPTIMAL: proven optimal within the relative gap.
    TIME_LIMIT_FEASIBLE: the time limit stopped the search; the incumbent is returned, flagged.
    LIMIT_FEASIBLE: another limit (nodes, iterations) stopped it; the incumbent is returned.
    NO_SOLUTION: a limit stopped the search before any feasible plan was found.
    INFEASIBLE: the constraints cannot all hold (only possible with hard limits such as fuel
        stocks; demand shortfalls are slacks and never make a scenario infeasible).
    UNBOUNDED: the objective has no lower bound (a modelling error).
    ERROR: the solver failed.
    """

    OPTIMAL = "optimal"
    TIME_LIMIT_FEASIBLE = "time_limit_feasible"
    LIMIT_FEASIBLE = "limit_feasible"
    NO_SOLUTION = "no_solution"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        """True when a feasible schedule exists and was loaded."""
        return self in {
            SolveStatus.OPTIMAL,
            SolveStatus.TIME_LIMIT_FEASIBLE,
            SolveStatus.LIMIT_FEASIBLE,
        }


class CostCategory(StrEnum):
    """Cost terms of the objective; penalties are not costs and are kept apart in the KPIs."""

    FUEL = "fuel"
    OM = "om"
    STARTUP = "startup"
    CO2 = "co2"
    IMPORT = "import"
    EXPORT = "export"  # negative: revenue
    FUEL_SALE = "fuel_sale"  # RDF sold to cement kilns (negative when it earns, positive when paid)
    WEAR = "wear"  # storage cycling
    PENALTY_UNSERVED = "penalty_unserved"
    PENALTY_DUMPED = "penalty_dumped"
    PENALTY_OVERFLOW = "penalty_overflow"
    PENALTY_NETWORK = "penalty_network"

    @property
    def is_penalty(self) -> bool:
        return self.value.startswith("penalty_")


class RollingMode(StrEnum):
    """Rolling-horizon schemes.

    DAY_AHEAD: each day at the gate hour, plan the next two local days (48 h), keep the first day.
    INTRADAY: every hour, re-plan a fixed window with updated forecasts, keep the first hour.
    """

    DAY_AHEAD = "day_ahead"
    INTRADAY = "intraday"
