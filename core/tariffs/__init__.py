"""Polish household electricity tariffs G11, G12 and G12w: zones, 2026 prices, pricing."""

from core.tariffs.prices import PRICES_2026, TariffPrices, prices_for
from core.tariffs.pricing import Bill, compare_tariffs, price_profile, variable_price_gross
from core.tariffs.zones import HOUSEHOLD_TARIFFS, Zone, zone_labels

__all__ = [
    "HOUSEHOLD_TARIFFS",
    "PRICES_2026",
    "Bill",
    "TariffPrices",
    "Zone",
    "compare_tariffs",
    "price_profile",
    "prices_for",
    "variable_price_gross",
    "zone_labels",
]
