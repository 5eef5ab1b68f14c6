"""``kof accounts``: demo accounts, staff accounts, pruning of security records."""

from __future__ import annotations

import json
import secrets

import click
from sqlalchemy import func, select

from core.accounts import Role, privacy
from core.accounts import service as account_service
from core.accounts.enums import AccountStatus, ConsentKind
from core.accounts.models import User
from core.cli_context import CliContext
from core.db.engine import make_engine, session_factory, session_scope
from core.db.models import Premise
from core.enums import PremiseKind
from core.exceptions import InputError

DEMO_DOMAIN = "demo.kof-kielce.pl"


def _demo_password() -> str:
    return "demo-" + secrets.token_urlsafe(12)


def _demo_premise(engine: object) -> tuple[int, int]:
    """A household in the largest residential building (its building average is shown)."""
    with session_factory(engine)() as session:  # type: ignore[arg-type]
        row = session.execute(
            select(Premise.building_id, func.count(Premise.id).label("n"))
            .where(Premise.premise_kind == PremiseKind.RESIDENTIAL)
            .group_by(Premise.building_id)
            .order_by(func.count(Premise.id).desc(), Premise.building_id)
        ).first()
        if row is None:
            raise InputError(
                "the store holds no region; run `kof region generate` first", field="store"
            )
        premise_id = session.scalars(
            select(Premise.id).where(Premise.building_id == row[0]).order_by(Premise.id)
        ).first()
    return int(premise_id), int(row[0])


@click.group("accounts")
def accounts_group() -> None:
    """Portal accounts: demo accounts, staff accounts, pruning."""


@accounts_group.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.pass_obj
def demo(obj: CliContext, as_json: bool) -> None:
    """Create (or re-password) one demo account per role on the reference region.

    Passwords are random and printed; run it again for new ones. Demo only.
    """
    engine = make_engine(obj.settings)
    premise_id, building_id = _demo_premise(engine)
    specs = [
        (Role.RESIDENT, {"premise_id": premise_id}),
        (Role.OPERATOR, {}),
        (Role.TRADER, {}),
        (Role.BUILDING_MANAGER, {"building_id": building_id}),
        (Role.ADMIN, {}),
    ]
    out = []
    for role, scope in specs:
        email = f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"
        password = _demo_password()
        with session_scope(engine) as session:
            existing = session.scalars(
                select(User).where(User.email == email, User.status == AccountStatus.ACTIVE)
            ).one_or_none()
            if existing is not None:
                existing.password_hash = account_service.sec.hash_password(password)
                existing.session_version += 1
                user_id = existing.id
        if existing is None:
            user_id = account_service.create_user(
                engine, email=email, password=password, role=role, **scope
            ).id
            if role is Role.RESIDENT:
                privacy.set_consent(engine, user_id, ConsentKind.COMPARISONS, True)
        out.append({"role": role.value, "email": email, "password": password, **scope})
    if as_json:
        click.echo(json.dumps({"accounts": out}))
        return
    click.echo("Demo accounts (demo only; new passwords on every run):")
    for a in out:
        extra = f" premise {a['premise_id']}" if "premise_id" in a else ""
        extra += f" building {a['building_id']}" if "building_id" in a else ""
        click.echo(f"  {a['role']:<17} {a['email']:<38} {a['password']}{extra}")


@accounts_group.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--premise-id", type=int, default=None)
@click.option("--building-id", type=int, default=None)
@click.password_option(
    help="The password (prompted, or from KOF_NEW_PASSWORD).", envvar="KOF_NEW_PASSWORD"
)
@click.pass_obj
def create(
    obj: CliContext,
    email: str,
    role: str,
    premise_id: int | None,
    building_id: int | None,
    password: str,
) -> None:
    """Create an active account (staff, or a resident bound to a premise)."""
    user = account_service.create_user(
        make_engine(obj.settings),
        email=email,
        password=password,
        role=Role(role),
        premise_id=premise_id,
        building_id=building_id,
    )
    click.echo(f"created account {user.id} ({user.role.value}) for {user.email}")


@accounts_group.command("prune")
@click.pass_obj
def prune(obj: CliContext) -> None:
    """Delete login attempts older than a day and expired or used codes and tokens."""
    n = privacy.prune_security_records(make_engine(obj.settings))
    click.echo(f"deleted {n} security records")


accounts = accounts_group
