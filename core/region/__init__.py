"""The KOF reference region: a realistic synthetic Kielce and KOF for when no field data exists."""

from core.region.generate import RegionSummary, generate_region

__all__ = ["RegionSummary", "generate_region"]
