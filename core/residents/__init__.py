"""Read services of the resident portal: what a household may see, its consumption and costs,
fair comparisons, saving tips and its data export. Authorisation is by ownership
(``core.residents.access``)."""

from core.residents.exceptions import NotVisibleError
from core.residents.model import (
    ComparisonReport,
    ConsumptionView,
    Distribution,
    MediumComparison,
    MeterInfo,
    MeterScope,
    Period,
    PremiseInfo,
    Tip,
    TipKind,
    TipsReport,
    Unavailable,
    Viewer,
)

__all__ = [
    "ComparisonReport",
    "ConsumptionView",
    "Distribution",
    "MediumComparison",
    "MeterInfo",
    "MeterScope",
    "NotVisibleError",
    "Period",
    "PremiseInfo",
    "Tip",
    "TipKind",
    "TipsReport",
    "Unavailable",
    "Viewer",
]
