"""Rows shared by the account use cases: the clock, the value view of a user, audit events."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.accounts.enums import AccountEventKind, AccountStatus
from core.accounts.model import UserView
from core.accounts.models import AccountEvent, User

LIVE_STATUSES = (AccountStatus.PENDING, AccountStatus.ACTIVE, AccountStatus.DISABLED)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_view(user: User) -> UserView:
    return UserView(
        id=user.id,
        email=user.email,
        role=user.role,
        status=user.status,
        premise_id=user.premise_id,
        building_id=user.building_id,
        locale=user.locale,
        session_version=user.session_version,
    )


def add_event(
    session: Session, user_id: int, kind: AccountEventKind, now: dt.datetime, detail: str = ""
) -> None:
    session.add(AccountEvent(user_id=user_id, kind=kind, ts=now, detail=detail or None))


def live_user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(
        select(User).where(User.email == email, User.status.in_(LIVE_STATUSES))
    ).one_or_none()
