"""Vocabularies of the notices package."""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    PLANNED = "planned"  # planned works, announced in advance
    FAILURE = "failure"  # an unplanned outage


class NoticeScope(StrEnum):
    REGION = "region"  # everybody
    DISTRICT = "district"  # the premises of one district
    BUILDING = "building"  # the premises of one building (an address)
