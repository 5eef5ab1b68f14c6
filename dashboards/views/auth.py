"""Log in, log out, register, activate, reset the password."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.accounts import (
    AccountNotActiveError,
    ActivationError,
    InvalidCredentialsError,
    LoginThrottledError,
    PasswordPolicyError,
    RegistrationError,
    ResetTokenError,
)
from core.accounts import service as accounts
from core.accounts.exceptions import EmailFormatError
from dashboards.context import kof
from dashboards.extensions import AUTH_LIMIT, limiter
from dashboards.forms import (
    ActivateForm,
    LangForm,
    LoginForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
    parse_form,
)
from dashboards.security import current_user, login_required, safe_next, start_session

logger = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


def _password_message(err: PasswordPolicyError) -> str:
    return {
        "too_short": _("The password needs at least 12 characters."),
        "too_long": _("The password may have at most 128 characters."),
        "too_common": _("This password is too easy to guess."),
        "contains_email": _("The password must not contain your e-mail address."),
    }.get(err.reason, _("Choose another password."))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login() -> ResponseReturnValue:
    """The login form; a throttled account or client gets 429 with Retry-After."""
    errors: dict[str, str] = {}
    status = 200
    next_url = request.args.get("next", "")
    if request.method == "POST":
        form, errors = parse_form(LoginForm)
        if form is not None:
            next_url = form.next
            try:
                user = accounts.authenticate(
                    kof().engine,
                    email=form.email,
                    password=form.password,
                    client=request.remote_addr or "unknown",
                    policy=kof().login_policy,
                )
            except LoginThrottledError as err:
                minutes = max(1, round(err.retry_after_s / 60))
                errors["form"] = _(
                    "Too many failed attempts. Try again in %(minutes)d min.", minutes=minutes
                )
                body = render_template("auth/login.html", errors=errors, next=next_url)
                return body, 429, {"Retry-After": str(err.retry_after_s)}
            except AccountNotActiveError as err:
                errors["form"] = (
                    _("Your account is not active yet: enter the activation code.")
                    if err.reason == "pending"
                    else _("This account is disabled. Contact the customer office.")
                )
                status = 403
            except InvalidCredentialsError:
                errors["form"] = _("Wrong e-mail address or password.")
                status = 401
            else:
                start_session(user)
                if "lang" not in session:
                    session["lang"] = user.locale
                return redirect(safe_next(next_url, url_for("portal.home")))
        else:
            status = 400
    return render_template("auth/login.html", errors=errors, next=next_url), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    user = current_user()
    accounts.record_logout(kof().engine, user.id)  # type: ignore[union-attr]
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def register() -> ResponseReturnValue:
    """Registration bound to the customer number and a meter number from the bill."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values = {
            k: v for k, v in request.form.items() if "password" not in k and k != "csrf_token"
        }
        form, errors = parse_form(RegisterForm)
        if form is not None and form.password != form.password_confirm:
            errors["password_confirm"] = _("The passwords differ.")
        if form is not None and not errors:
            settings = kof().settings
            try:
                accounts.register(
                    kof().engine,
                    email=form.email,
                    password=form.password,
                    customer_number=form.customer_number,
                    meter_serial=form.meter_serial,
                    consent_comparisons=form.consent_comparisons,
                    code_ttl=dt.timedelta(hours=settings.activation_code_ttl_h),
                )
            except EmailFormatError:
                errors["email"] = _("Enter an e-mail address such as name@example.pl.")
            except PasswordPolicyError as err:
                errors["password"] = _password_message(err)
            except RegistrationError as err:
                errors["form"] = {
                    "binding": _(
                        "The customer number and the meter number do not match a "
                        "household we supply. Check them on your bill."
                    ),
                    "premise_taken": _(
                        "This household already has an account. Log in or reset the password."
                    ),
                    "email_taken": _("This e-mail address cannot be used for a new account."),
                }[err.reason]
            else:
                flash(
                    _(
                        "Registered. We are sending the activation code to your address by "
                        "post; enter it below."
                    ),
                    "info",
                )
                return redirect(url_for("auth.activate", email=form.email))
        status = 400
    return render_template("auth/register.html", errors=errors, values=values), status


@bp.route("/activate", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def activate() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    email = request.args.get("email", "")
    status = 200
    if request.method == "POST":
        email = request.form.get("email", "")
        form, errors = parse_form(ActivateForm)
        if form is not None:
            try:
                accounts.activate(kof().engine, email=form.email, code=form.code)
            except ActivationError as err:
                errors["code"] = {
                    "expired": _("The code has expired. Register again to get a new one."),
                    "too_many_attempts": _(
                        "Too many wrong codes. Register again to get a new one."
                    ),
                }.get(err.reason, _("This code is not valid."))
            else:
                flash(_("Your account is active. You can log in now."), "success")
                return redirect(url_for("auth.login"))
        status = 400
    return render_template("auth/activate.html", errors=errors, email=email), status


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset_request() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        form, errors = parse_form(ResetRequestForm)
        if form is not None:
            accounts.request_password_reset(
                kof().engine,
                email=form.email,
                ttl=dt.timedelta(minutes=kof().settings.password_reset_ttl_min),
            )
            flash(
                _(
                    "If an active account uses this address, we have sent it a link to set a "
                    "new password."
                ),
                "info",
            )
            return redirect(url_for("auth.login"))
        return render_template("auth/reset_request.html", errors=errors), 400
    return render_template("auth/reset_request.html", errors=errors)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def reset(token: str) -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        form, errors = parse_form(ResetForm)
        if form is not None and form.password != form.password_confirm:
            errors["password_confirm"] = _("The passwords differ.")
        if form is not None and not errors:
            try:
                accounts.reset_password(kof().engine, token=token, new_password=form.password)
            except PasswordPolicyError as err:
                errors["password"] = _password_message(err)
            except ResetTokenError as err:
                errors["form"] = (
                    _("This link has expired. Ask for a new one.")
                    if err.reason == "expired"
                    else _("This link is not valid. Ask for a new one.")
                )
            else:
                session.clear()
                flash(_("Your password has been changed. Log in with the new one."), "success")
                return redirect(url_for("auth.login"))
        return render_template("auth/reset.html", errors=errors, token=token), 400
    return render_template("auth/reset.html", errors=errors, token=token)


@bp.post("/lang")
def set_language() -> ResponseReturnValue:
    """Switch the language (and remember it for a logged-in account)."""
    form, _errors = parse_form(LangForm)
    if form is None:
        return redirect(url_for("portal.home"))
    session["lang"] = form.lang
    user = current_user()
    if user is not None:
        accounts.set_locale(kof().engine, user.id, form.lang)
    return redirect(safe_next(form.next, url_for("portal.home")))
