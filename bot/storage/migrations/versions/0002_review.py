"""conversation review: index, sync mark, flags, notes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 07:37:03.586483
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_sync",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_sync")),
    )
    op.create_table(
        "review_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("user_messages", sa.Integer(), nullable=False),
        sa.Column("intents", sa.Text(), nullable=False),
        sa.Column("min_confidence", sa.Float(), nullable=True),
        sa.Column("fallback", sa.Boolean(), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.Column("preview", sa.String(length=200), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["staff.id"], name=op.f("fk_review_conversation_reviewed_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_conversation")),
        sa.UniqueConstraint("conversation_id", name=op.f("uq_review_conversation_conversation_id")),
    )
    with op.batch_alter_table("review_conversation", schema=None) as batch_op:
        batch_op.create_index("ix_review_conversation_last_at_id", ["last_at", "id"], unique=False)

    op.create_table(
        "review_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("correct_intent", sa.String(length=100), nullable=False),
        sa.Column("flagged_by", sa.Integer(), nullable=True),
        sa.Column("flagged_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flagged_by"], ["staff.id"], name=op.f("fk_review_flag_flagged_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_flag")),
        sa.UniqueConstraint("event_id", name="uq_review_flag_event_id"),
    )
    with op.batch_alter_table("review_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_flag_conversation_id"), ["conversation_id"], unique=False
        )

    op.create_table(
        "review_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_review_note_author_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_note")),
    )
    with op.batch_alter_table("review_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_note_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_review_note_tag"), ["tag"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_note_tag"))
        batch_op.drop_index(batch_op.f("ix_review_note_conversation_id"))

    op.drop_table("review_note")
    with op.batch_alter_table("review_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_flag_conversation_id"))

    op.drop_table("review_flag")
    with op.batch_alter_table("review_conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_review_conversation_last_at_id")

    op.drop_table("review_conversation")
    op.drop_table("review_sync")
