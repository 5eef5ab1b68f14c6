"""2026 household electricity prices (PGE Obrót energy, PGE Dystrybucja distribution), net PLN.

Sources (REFERENCE_FIGURES.md, "REF"):

- Energy, G11: 498 PLN/MWh net, PGE Obrót 2026 tariff approved by URE (REF §2e,
  komputerswiat.pl 2026-01-24).
- Energy, G12 peak / off-peak (derived): the 2026 G11 price times the ratio of PGE Obrót's
  2024 URE tariff prices G12 peak 1.0470 and off-peak 0.6649 to G11 0.9214 PLN/kWh gross
  (REF §2e, enerad.pl): 0.498 x 1.0470 / 0.9214 = 0.5659 and 0.498 x 0.6649 / 0.9214 = 0.3594.
- Distribution, G11 variable (derived): the G11 variable part "energy + distribution" in the
  PGE Dystrybucja area is 1.10 PLN/kWh gross in 2026 (REF §2e, smerfy.eu): 1.10 / 1.23 - 0.498
  = 0.3963 PLN/kWh net, of which the quality charge 0.0095 (PGE 2022, REF §2d) and the network
  variable charge 0.3868.
- Distribution, G12 peak / off-peak (derived): PGE's 2022 zone ratios of the network variable
  charge (0.2570 and 0.0496 against 0.2223 for G11, REF §2d) applied to the 2026 G11 network
  charge 0.3868 (factor 1.740): 0.4472 and 0.0863, plus the quality charge 0.0095.
- Fixed charges, G11 (derived): the PGE-area family bill 212 PLN/month gross at the all-in
  price 1.27 PLN/kWh gross (REF §2e, fakt.pl 2025-12-19) means 166.9 kWh/month; minus the
  variable part 166.9 x 1.10 = 183.6 leaves 28.38 PLN/month gross = 23.07 net of fixed network,
  transitional, capacity and billing charges.
- Fixed charges, G12 and G12w (derived): G11's plus PGE's 2022 difference of the fixed network
  charge (5.16 - 3.39 PLN/month, 1-phase, REF §2d) times 1.740: 23.07 + 3.08 = 26.15.
- G12w: no 2026 G12w rates are in the sources; G12w is priced with the G12 rates (assumption,
  flagged in ``TariffPrices.assumption`` and shown with the tariff tip).
- VAT 23 % on electricity (ustawa o VAT, standard rate).

Zone hours: ``core.tariffs.zones``. Check these against the current PGE tariffs before billing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.enums import Tariff
from core.tariffs.zones import Zone, check_household

VAT_ELECTRICITY = 0.23
G11_ENERGY_PLN_PER_KWH = 0.498
_G12_PEAK_RATIO = 1.0470 / 0.9214
_G12_OFF_PEAK_RATIO = 0.6649 / 0.9214
_G11_VARIABLE_ALL_IN_GROSS = 1.10
QUALITY_PLN_PER_KWH = 0.0095
_G11_NETWORK = round(_G11_VARIABLE_ALL_IN_GROSS / (1 + VAT_ELECTRICITY) - G11_ENERGY_PLN_PER_KWH, 4)
_G11_NETWORK -= QUALITY_PLN_PER_KWH
_NETWORK_FACTOR = _G11_NETWORK / 0.2223
_FIXED_G11 = round((212.0 - 212.0 / 1.27 * 1.10) / (1 + VAT_ELECTRICITY), 2)
_FIXED_G12 = round(_FIXED_G11 + (5.16 - 3.39) * _NETWORK_FACTOR, 2)


@dataclass(frozen=True)
class TariffPrices:
    """Net prices of one household tariff.

    Attributes:
        tariff: the tariff group.
        energy_pln_per_kwh: energy price by zone (seller).
        distribution_pln_per_kwh: variable distribution charges by zone (network, quality and
            the other per-kWh charges).
        fixed_pln_per_month: fixed charges per month (network fixed, transitional, capacity,
            billing).
        vat: VAT rate.
        assumption: non-empty when a price is assumed rather than sourced.
    """

    tariff: Tariff
    energy_pln_per_kwh: dict[Zone, float]
    distribution_pln_per_kwh: dict[Zone, float]
    fixed_pln_per_month: float
    vat: float = VAT_ELECTRICITY
    assumption: str = ""
    zones: tuple[Zone, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", tuple(self.energy_pln_per_kwh))

    def variable_net(self, zone: Zone) -> float:
        """Energy plus variable distribution, net PLN/kWh, in a zone."""
        return self.energy_pln_per_kwh[zone] + self.distribution_pln_per_kwh[zone]

    def variable_gross(self, zone: Zone) -> float:
        """Energy plus variable distribution, gross PLN/kWh, in a zone."""
        return self.variable_net(zone) * (1 + self.vat)


def _g12(tariff: Tariff, assumption: str = "") -> TariffPrices:
    return TariffPrices(
        tariff=tariff,
        energy_pln_per_kwh={
            Zone.PEAK: round(G11_ENERGY_PLN_PER_KWH * _G12_PEAK_RATIO, 4),
            Zone.OFF_PEAK: round(G11_ENERGY_PLN_PER_KWH * _G12_OFF_PEAK_RATIO, 4),
        },
        distribution_pln_per_kwh={
            Zone.PEAK: round(0.2570 * _NETWORK_FACTOR + QUALITY_PLN_PER_KWH, 4),
            Zone.OFF_PEAK: round(0.0496 * _NETWORK_FACTOR + QUALITY_PLN_PER_KWH, 4),
        },
        fixed_pln_per_month=_FIXED_G12,
        assumption=assumption,
    )


PRICES_2026: dict[Tariff, TariffPrices] = {
    Tariff.G11: TariffPrices(
        tariff=Tariff.G11,
        energy_pln_per_kwh={Zone.ALL_DAY: G11_ENERGY_PLN_PER_KWH},
        distribution_pln_per_kwh={Zone.ALL_DAY: round(_G11_NETWORK + QUALITY_PLN_PER_KWH, 4)},
        fixed_pln_per_month=_FIXED_G11,
    ),
    Tariff.G12: _g12(Tariff.G12),
    Tariff.G12W: _g12(Tariff.G12W, assumption="g12w_priced_as_g12"),
}


def prices_for(tariff: Tariff, table: dict[Tariff, TariffPrices] | None = None) -> TariffPrices:
    """The prices of a household tariff (default: the 2026 table)."""
    return (table or PRICES_2026)[check_household(tariff)]
