"""Pydantic models of the time series a scenario names: given values, a CSV file, or a generator.

A series is given in one of these forms (the key names the form):

- ``values: [...]`` one value per horizon step, starting at the horizon start;
- ``csv: FILE`` with ``time_column`` (aware timestamps) and ``column``;
- ``constant: X``;
- ``profile: {...}`` hour-of-day shapes (local time) times monthly levels, with seeded noise;
- ``solar: {...}`` a PV capacity-factor series scaled to an annual specific yield;
- ``wind: {...}`` a wind capacity-factor series scaled to an annual capacity factor;
- ``degree_days: {...}`` a district-heating demand driven by outdoor temperature.

Generated series are deterministic: the noise at a timestamp depends only on the seed and the
timestamp, so every rolling window sees the same values.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Discriminator, Field, Tag, model_validator

from energy_cluster.config_units import FieldValueError, NonNeg, Positive, Strict

Hourly = Annotated[list[float], Field(min_length=24, max_length=24)]
Monthly = Annotated[list[float], Field(min_length=12, max_length=12)]


class ValuesSeries(Strict):
    values: list[float | None]
    unit: str = ""


class CsvSeries(Strict):
    csv: str
    column: str = "value"
    time_column: str = "timestamp"
    unit: str = ""


class ConstantSeries(Strict):
    constant: float
    unit: str = ""


class ProfileSpec(Strict):
    """``scale * shape[local hour] * monthly[local month] * (1 + noise)``.

    Attributes:
        hourly: hour-of-day shape for working days (local time, hour 0 = 00:00-01:00).
        weekend_hourly: shape for Saturdays, Sundays and Polish public holidays.
        summer_hourly: shape for April-September working days (``hourly`` otherwise).
        monthly: a factor (or level) per month, January first; 1 when omitted.
        scale: a constant factor.
        noise_rel_sd: standard deviation of the relative noise (AR(1) in hours).
        noise_autocorr: lag-one-hour autocorrelation of the noise.
        seed: the noise seed.
        interpolate: linear interpolation between hourly values at 15-minute resolution.
        floor: values below are raised to it (e.g. 0 for a demand).
    """

    hourly: Hourly
    weekend_hourly: Hourly | None = None
    summer_hourly: Hourly | None = None
    monthly: Monthly | None = None
    scale: float = 1.0
    noise_rel_sd: NonNeg = 0.0
    noise_autocorr: Annotated[float, Field(ge=0, lt=1)] = 0.9
    seed: int = 0
    interpolate: bool = False
    floor: float | None = None


class ProfileSeries(Strict):
    profile: ProfileSpec
    unit: str = ""


class SolarSpec(Strict):
    """PV capacity factor from sun position, monthly clearness and seeded cloud cover.

    Attributes:
        annual_yield_kwh_per_kwp: specific yield the series is scaled to over ``reference_year``.
        latitude_deg, longitude_deg: site (Kielce: 50.87 N, 20.63 E).
        monthly_clearness: relative clear-sky transmittance per month.
        cloud_sd: spread of the daily cloud factor.
        seed: the cloud seed.
        reference_year: the calendar year over which the yield is matched.
    """

    annual_yield_kwh_per_kwp: Annotated[float, Field(gt=0, lt=8760)]
    latitude_deg: Annotated[float, Field(ge=-90, le=90)] = 50.87
    longitude_deg: Annotated[float, Field(ge=-180, le=180)] = 20.63
    monthly_clearness: Monthly | None = None
    cloud_sd: NonNeg = 0.35
    seed: int = 0
    reference_year: int = 2025


class SolarSeries(Strict):
    solar: SolarSpec
    unit: str = "fraction"


class WindSpec(Strict):
    """Wind capacity factor from a seeded AR(1) wind speed through a turbine power curve.

    Attributes:
        capacity_factor: annual capacity factor the series is scaled to over ``reference_year``.
        monthly_speed_factor: relative mean wind speed per month (windier winters).
        autocorr_per_h: lag-one-hour autocorrelation of the wind speed anomaly.
        cut_in_m_per_s, rated_m_per_s, cut_out_m_per_s: the power curve.
    """

    capacity_factor: Annotated[float, Field(gt=0, lt=1)]
    monthly_speed_factor: Monthly | None = None
    autocorr_per_h: Annotated[float, Field(ge=0, lt=1)] = 0.97
    cut_in_m_per_s: Positive = 3.0
    rated_m_per_s: Positive = 12.0
    cut_out_m_per_s: Positive = 25.0
    seed: int = 0
    reference_year: int = 2025

    @model_validator(mode="after")
    def _check(self) -> WindSpec:
        if not self.cut_in_m_per_s < self.rated_m_per_s < self.cut_out_m_per_s:
            raise FieldValueError("rated_m_per_s", "need cut_in < rated < cut_out wind speed")
        return self


class WindSeries(Strict):
    wind: WindSpec
    unit: str = "fraction"


class DegreeDaySpec(Strict):
    """Heat demand = hot-water base load + space heating below the heating limit.

    ``annual_mwh`` over ``reference_year`` is split into ``dhw_share`` (flat, shaped by
    ``dhw_hourly``) and space heating proportional to ``max(0, heating_limit - T)``, where T
    follows the monthly means with a diurnal swing and seeded weather anomalies.
    """

    annual_mwh: Positive
    dhw_share: Annotated[float, Field(ge=0, lt=1)] = 0.2
    monthly_mean_temperature_degc: Monthly
    heating_limit_degc: float = 15.0
    diurnal_amplitude_k: NonNeg = 3.0
    weather_sd_k: NonNeg = 3.0
    dhw_hourly: Hourly | None = None
    seed: int = 0
    reference_year: int = 2025


class DegreeDaySeries(Strict):
    degree_days: DegreeDaySpec
    unit: str = "MW"


def _series_tag(value: object) -> str | None:
    if isinstance(value, dict):
        for key in ("values", "csv", "constant", "profile", "solar", "wind", "degree_days"):
            if key in value:
                return key
        return None
    return {
        ValuesSeries: "values",
        CsvSeries: "csv",
        ConstantSeries: "constant",
        ProfileSeries: "profile",
        SolarSeries: "solar",
        WindSeries: "wind",
        DegreeDaySeries: "degree_days",
    }.get(type(value))


SeriesSpec = Annotated[
    Annotated[ValuesSeries, Tag("values")]
    | Annotated[CsvSeries, Tag("csv")]
    | Annotated[ConstantSeries, Tag("constant")]
    | Annotated[ProfileSeries, Tag("profile")]
    | Annotated[SolarSeries, Tag("solar")]
    | Annotated[WindSeries, Tag("wind")]
    | Annotated[DegreeDaySeries, Tag("degree_days")],
    Discriminator(
        _series_tag,
        custom_error_type="series_form",
        custom_error_message=(
            "a series needs one of: values, csv, constant, profile, solar, wind, degree_days"
        ),
    ),
]
