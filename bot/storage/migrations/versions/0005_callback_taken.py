"""call-backs: who took one ("Biorę") and when

Revision ID: 0005_callback_taken
Revises: 0004_login_throttle
Create Date: 2026-12-06 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_callback_taken"
down_revision = "0004_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("callback_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_callback_request_taken_by_staff"), "staff", ["taken_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("callback_request", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_callback_request_taken_by_staff"), type_="foreignkey"
        )
        batch_op.drop_column("taken_at")
        batch_op.drop_column("taken_by")
