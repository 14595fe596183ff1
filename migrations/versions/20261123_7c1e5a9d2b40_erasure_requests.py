"""Erasure requests: an owner asked for a child's whole record to be erased.

Revision ID: 7c1e5a9d2b40
Revises: fe58a56c5f48
Create Date: 2026-11-23 16:37:55.321473

"""
from alembic import op
import sqlalchemy as sa

import portal.dbtypes


revision = '7c1e5a9d2b40'
down_revision = 'fe58a56c5f48'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('erasure_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', portal.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('erase_after', portal.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['child_id'], ['child.id'], name=op.f('fk_erasure_request_child_id_child'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_erasure_request_requested_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_request')),
    sa.UniqueConstraint('child_id', name=op.f('uq_erasure_request_child_id'))
    )
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_request_erase_after'), ['erase_after'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_request_erase_after'))

    op.drop_table('erasure_request')
