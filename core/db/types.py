"""Column types that keep the store's conventions on every database.

``UtcDateTime``: aware datetimes in UTC. PostgreSQL stores ``timestamptz``; SQLite stores integer
seconds since the Unix epoch (compact, sortable and fast to index; SQLite has no time type).
``QualityCode``: the reading quality flag, stored as a small integer code.
``enum_column``: a StrEnum stored as its value (VARCHAR + CHECK).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Enum, SmallInteger
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from core.enums import Quality

QUALITY_CODES: dict[Quality, int] = {
    Quality.MEASURED: 0,
    Quality.ESTIMATED: 1,
    Quality.EDITED: 2,
    Quality.INVALID: 3,
}
QUALITY_BY_CODE: dict[int, Quality] = {code: q for q, code in QUALITY_CODES.items()}


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp; naive datetimes are refused."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!s}: the store keeps aware UTC timestamps")
        if dialect.name == "sqlite":
            return int(value.timestamp())
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return datetime.fromtimestamp(int(value), tz=UTC)
        return value.astimezone(UTC)


class QualityCode(TypeDecorator[Quality]):
    """``Quality`` stored as a small integer (see ``QUALITY_CODES``)."""

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: Quality | str | None, dialect: Dialect) -> int | None:
        return None if value is None else QUALITY_CODES[Quality(value)]

    def process_result_value(self, value: int | None, dialect: Dialect) -> Quality | None:
        return None if value is None else QUALITY_BY_CODE[int(value)]


def enum_column(enum_cls: type, name: str, length: int = 32) -> Enum:
    """A StrEnum column stored as its value, VARCHAR + CHECK, the same on every database."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )
