"""Operators publish outage notices and edit the education pages."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from pydantic import ValidationError

from core.accounts import Role
from core.exceptions import InputError
from core.notices import NoticeDraft, PageDraft
from core.notices import service as notices
from dashboards.context import kof
from dashboards.forms import NoticeForm, PageForm, parse_form
from dashboards.security import current_user, roles_required

logger = logging.getLogger(__name__)
bp = Blueprint("operator", __name__, url_prefix="/operator")


@bp.route("/notices", methods=["GET", "POST"])
@roles_required(Role.OPERATOR)
def manage_notices() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form, errors = parse_form(NoticeForm)
        if form is not None:
            try:
                draft = NoticeDraft(**form.model_dump())
                notices.publish_notice(kof().engine, draft, current_user().id)  # type: ignore[union-attr]
            except ValidationError as err:
                errors["form"] = _(
                    "Check the notice: %(reason)s",
                    reason=err.errors()[0]["msg"].removeprefix("Value error, "),
                )
            except InputError as err:
                errors[err.field or "form"] = _("No such district or building.")
            else:
                flash(_("The notice has been published."), "success")
                return redirect(url_for("operator.manage_notices"))
        status = 400
    items = notices.list_notices(kof().engine)
    return render_template(
        "operator/notices.html", notices=items, errors=errors, values=request.form
    ), status


@bp.post("/notices/<int:notice_id>/withdraw")
@roles_required(Role.OPERATOR)
def withdraw(notice_id: int) -> ResponseReturnValue:
    try:
        notices.withdraw_notice(kof().engine, notice_id)
    except InputError:
        abort(404)
    flash(_("The notice has been withdrawn."), "success")
    return redirect(url_for("operator.manage_notices"))


@bp.route("/education/<slug>/<locale>", methods=["GET", "POST"])
@roles_required(Role.OPERATOR)
def edit_page(slug: str, locale: str) -> ResponseReturnValue:
    try:
        page = notices.get_page(kof().engine, slug, locale)
    except InputError:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        form, errors = parse_form(PageForm)
        if form is not None:
            notices.save_page(
                kof().engine, slug, locale, PageDraft(**form.model_dump()), current_user().id
            )  # type: ignore[union-attr]
            flash(_("The page has been saved."), "success")
            return redirect(url_for("portal.education_page", slug=slug))
        return render_template("operator/edit_page.html", page=page, errors=errors), 400
    return render_template("operator/edit_page.html", page=page, errors=errors)
