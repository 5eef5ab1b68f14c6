"""The resident's pages: overview, consumption, comparison, tips, notices, education, account."""

from __future__ import annotations

import datetime as dt
import json
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.accounts import ConsentKind, InvalidCredentialsError, Role, privacy
from core.exceptions import InputError
from core.notices import service as notices
from core.residents import NotVisibleError, Period, access, comparison, consumption, export, tips
from dashboards import figures
from dashboards.context import kof
from dashboards.forms import ConsentForm, DeleteForm, parse_form
from dashboards.i18n import select_locale
from dashboards.security import current_user, current_viewer, login_required

logger = logging.getLogger(__name__)
bp = Blueprint("portal", __name__)


def script_json(value: object) -> str:
    """JSON safe to place inside <script type="application/json"> (no "</script>")."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def medium_name(medium: str) -> str:
    return {
        "electricity": _("Electricity"),
        "water": _("Water"),
        "heat": _("Heat"),
        "gas": _("Gas"),
    }.get(medium, medium)


def _is_resident() -> bool:
    user = current_user()
    return user is not None and user.role is Role.RESIDENT and user.premise_id is not None


@bp.app_context_processor
def _helpers() -> dict[str, object]:
    return {"medium_name": medium_name, "is_resident": _is_resident}


@bp.get("/")
def home() -> ResponseReturnValue:
    """Anonymous: the landing page. Resident: own meters, notices and the top tips."""
    user = current_user()
    if user is None:
        return render_template("portal/landing.html", pages=notices.page_slugs())
    if not _is_resident():
        return render_template("portal/staff_home.html")
    viewer = current_viewer()
    engine = kof().engine
    premise = access.premise_of(engine, viewer)
    meters = access.visible_meters(engine, viewer)
    current = notices.notices_for_premise(engine, premise.id)
    return render_template("portal/home.html", premise=premise, meters=meters, notices=current)


def _parse_date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        abort(400, description=_("The date must look like 2026-01-31."))


@bp.get("/consumption/<int:meter_id>")
@login_required
def consumption_page(meter_id: int) -> ResponseReturnValue:
    """One meter's consumption: chart, text summary and data table."""
    period = request.args.get("period", Period.MONTH.value)
    if period not in {p.value for p in Period}:
        abort(400, description=_("Unknown period."))
    anchor = _parse_date(request.args.get("date"))
    try:
        view = consumption.consumption(kof().engine, current_viewer(), meter_id, period, anchor)
    except NotVisibleError:
        abort(404)
    except InputError as err:
        abort(400, description=str(err))
    unit = view.meter.unit.replace("m3", "m³")
    figure = figures.consumption_figure(
        view,
        {
            "own": _("Your consumption"),
            "last_year": _("Same period last year"),
            "building": _("Average household in your building"),
            "axis": unit,
        },
    )
    return render_template(
        "portal/consumption.html",
        view=view,
        unit=unit,
        figure_json=script_json(figure),
        peak=figures.peak_point(view),
        tick=figures.tick_label,
        periods=list(Period),
    )


@bp.get("/comparison")
@login_required
def comparison_page() -> ResponseReturnValue:
    if not _is_resident():
        abort(404)
    report = comparison.compare(kof().engine, current_viewer())
    charts = {}
    for item in report.media:
        if item.peers is not None:
            charts[item.medium.value] = script_json(
                figures.distribution_figure(
                    item.peers,
                    {
                        "group": _("Similar households"),
                        "own": _("Your household"),
                        "axis": item.unit.replace("m3", "m³"),
                    },
                )
            )
    return render_template("portal/comparison.html", report=report, charts=charts)


@bp.get("/tips")
@login_required
def tips_page() -> ResponseReturnValue:
    if not _is_resident():
        abort(404)
    report = tips.saving_tips(kof().engine, current_viewer())
    return render_template("portal/tips.html", report=report)


@bp.get("/notices")
@login_required
def notices_page() -> ResponseReturnValue:
    user = current_user()
    engine = kof().engine
    if _is_resident():
        items = notices.notices_for_premise(engine, user.premise_id)  # type: ignore[union-attr]
    else:
        items = notices.list_notices(engine)
    return render_template("portal/notices.html", notices=items, now=dt.datetime.now(dt.UTC))


@bp.get("/education")
def education_index() -> ResponseReturnValue:
    locale = select_locale()
    pages = [notices.get_page(kof().engine, slug, locale) for slug in notices.page_slugs()]
    return render_template("portal/education_index.html", pages=pages)


@bp.get("/education/<slug>")
def education_page(slug: str) -> ResponseReturnValue:
    try:
        page = notices.get_page(kof().engine, slug, select_locale())
    except InputError:
        abort(404)
    return render_template("portal/education.html", page=page)


@bp.get("/account")
@login_required
def account() -> ResponseReturnValue:
    user = current_user()
    consent = privacy.consents(kof().engine, user.id)[ConsentKind.COMPARISONS]  # type: ignore[union-attr]
    return render_template("portal/account.html", consent=consent, errors={})


@bp.post("/account/consent")
@login_required
def set_consent() -> ResponseReturnValue:
    form, _errors = parse_form(ConsentForm)
    if form is None:
        abort(400)
    privacy.set_consent(
        kof().engine,
        current_user().id,
        ConsentKind.COMPARISONS,
        form.comparisons,  # type: ignore[union-attr]
    )
    flash(
        _("Thank you: your data is included in anonymous comparisons.")
        if form.comparisons
        else _("Your data is no longer used in comparisons."),
        "success",
    )
    return redirect(url_for("portal.account"))


def _download(body: object, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/export.<fmt>")
@login_required
def export_data(fmt: str) -> ResponseReturnValue:
    """Download all my data: CSV, JSON or Green Button ESPI XML."""
    if not _is_resident() or fmt not in ("csv", "json", "xml"):
        abort(404)
    engine, viewer = kof().engine, current_viewer()
    privacy.record_export(engine, viewer.user_id, fmt)
    stamp = dt.date.today().isoformat()
    if fmt == "csv":
        return _download(
            stream_with_context(export.export_csv(engine, viewer)),
            "text/csv; charset=utf-8",
            f"kof-my-data-{stamp}.csv",
        )
    if fmt == "json":
        body = json.dumps(export.export_json(engine, viewer), ensure_ascii=False, indent=1)
        return _download(body, "application/json", f"kof-my-data-{stamp}.json")
    return _download(
        export.export_espi(engine, viewer), "application/xml", f"kof-green-button-{stamp}.xml"
    )


@bp.post("/account/delete")
@login_required
def delete_account() -> ResponseReturnValue:
    """Delete my account (confirmed with the password)."""
    user = current_user()
    form, errors = parse_form(DeleteForm)
    if form is not None:
        try:
            privacy.delete_account(kof().engine, user.id, form.password)  # type: ignore[union-attr]
        except InvalidCredentialsError:
            errors["password"] = _("Wrong password.")
        else:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            flash(_("Your account and its personal data have been deleted."), "success")
            return redirect(url_for("portal.home"))
    consent = privacy.consents(kof().engine, user.id)[ConsentKind.COMPARISONS]  # type: ignore[union-attr]
    return render_template("portal/account.html", consent=consent, errors=errors), 400
