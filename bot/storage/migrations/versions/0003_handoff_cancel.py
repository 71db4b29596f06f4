"""handoff: a resident may cancel a ticket; call-backs keep the description and channel

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OLD = ("waiting", "claimed", "closed", "returned")
NEW = (*OLD, "cancelled")


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="ticket_status", native_enum=False, create_constraint=True, length=16
    )


def upgrade() -> None:
    with op.batch_alter_table("handoff_ticket", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(OLD), type_=_status(NEW), existing_nullable=False
        )
    with op.batch_alter_table("callback_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("callback_request", schema=None) as batch_op:
        batch_op.drop_column("summary")
        batch_op.drop_column("channel")
    op.execute("UPDATE handoff_ticket SET status = 'closed' WHERE status = 'cancelled'")
    with op.batch_alter_table("handoff_ticket", schema=None) as batch_op:
        batch_op.alter_column(
            "status", existing_type=_status(NEW), type_=_status(OLD), existing_nullable=False
        )
