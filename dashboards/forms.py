"""Form inputs as pydantic models (extra="forbid"); CSRF is checked by Flask-WTF before this."""

from __future__ import annotations

import datetime as dt
from typing import Literal, TypeVar

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.enums import Medium
from core.notices import NoticeKind, NoticeScope
from core.timeutil import LOCAL_TZ

M = TypeVar("M", bound=BaseModel)


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginForm(_Form):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    next: str = ""


class RegisterForm(_Form):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=256)
    password_confirm: str = Field(min_length=1, max_length=256)
    customer_number: str = Field(min_length=3, max_length=32)
    meter_serial: str = Field(min_length=3, max_length=40)
    consent_comparisons: bool = False


class ActivateForm(_Form):
    email: str = Field(min_length=3, max_length=254)
    code: str = Field(pattern=r"^\d{8}$")


class ResetRequestForm(_Form):
    email: str = Field(min_length=3, max_length=254)


class ResetForm(_Form):
    password: str = Field(min_length=1, max_length=256)
    password_confirm: str = Field(min_length=1, max_length=256)


class ConsentForm(_Form):
    comparisons: bool = False


class DeleteForm(_Form):
    password: str = Field(min_length=1, max_length=256)
    confirm: bool

    @field_validator("confirm")
    @classmethod
    def _ticked(cls, value: bool) -> bool:
        if not value:
            raise ValueError("tick the box to confirm")
        return value


class LangForm(_Form):
    lang: Literal["pl", "en"]
    next: str = ""


class NoticeForm(_Form):
    kind: NoticeKind
    medium: Medium
    scope: NoticeScope
    district_id: int | None = None
    building_id: int | None = None
    title: str = Field(min_length=3, max_length=160)
    body: str = Field(min_length=3, max_length=4000)
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None

    @field_validator("district_id", "building_id", "ends_at", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("starts_at", "ends_at")
    @classmethod
    def _local(cls, value: dt.datetime | None) -> dt.datetime | None:
        # <input type="datetime-local"> sends local wall time without an offset.
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=LOCAL_TZ)
        return value


class PageForm(_Form):
    title: str = Field(min_length=3, max_length=160)
    body: str = Field(min_length=3, max_length=20_000)


def parse_form(model: type[M]) -> tuple[M | None, dict[str, str]]:
    """Validate ``request.form`` (without the CSRF token) against ``model``.

    Returns:
        The model, or None and a translated message per field.
    """
    data = {k: v for k, v in request.form.items() if k != "csrf_token"}
    try:
        return model.model_validate(data), {}
    except ValidationError as err:
        errors: dict[str, str] = {}
        for item in err.errors():
            field = str(item["loc"][0]) if item["loc"] else "form"
            if item["type"] == "missing" or (
                item["type"] == "string_too_short" and not data.get(field)
            ):
                errors.setdefault(field, _("This field is required."))
            elif item["type"] == "extra_forbidden":
                errors.setdefault("form", _("The form has an unexpected field."))
            else:
                errors.setdefault(field, _("Check this value."))
        return None, errors
