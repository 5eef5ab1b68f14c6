"""notices: outage notices and education pages

Revision ID: notices_0001
Revises: 0001
Create Date: 2026-11-29 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.db.types

# revision identifiers, used by Alembic.
revision: str = "notices_0001"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = ("notices",)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "education_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_education_pages")),
        sa.UniqueConstraint("slug", "locale", name="uq_education_pages_slug_locale"),
    )
    op.create_table(
        "outage_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "planned",
                "failure",
                name="notice_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "medium",
            sa.Enum(
                "electricity",
                "heat",
                "water",
                "gas",
                name="notice_medium",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "scope",
            sa.Enum(
                "region",
                "district",
                "building",
                name="notice_scope",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("building_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("starts_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("published_at", core.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", core.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_outage_notices_building_id_buildings")
        ),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_outage_notices_district_id_districts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_notices")),
    )
    op.create_index(
        op.f("ix_outage_notices_building_id"), "outage_notices", ["building_id"], unique=False
    )
    op.create_index(
        op.f("ix_outage_notices_district_id"), "outage_notices", ["district_id"], unique=False
    )
    op.create_index("ix_outage_notices_starts_at", "outage_notices", ["starts_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f("ix_outage_notices_building_id"), table_name="outage_notices")
    op.drop_index(op.f("ix_outage_notices_district_id"), table_name="outage_notices")
    op.drop_index("ix_outage_notices_starts_at", table_name="outage_notices")
    op.drop_table("outage_notices")
    op.drop_table("education_pages")
