"""Authenticator secrets are stored encrypted (portal.dbtypes.EncryptedText).

Rows written in plain text cannot be read as encrypted ones, so any set-up made
before this migration is forgotten: those staff set up their app again at next login.

Revision ID: 5224d9e19136
Revises: 7c1e5a9d2b40
Create Date: 2026-11-23 17:25:34.854800

"""
from alembic import op
import sqlalchemy as sa



revision = '5224d9e19136'
down_revision = '7c1e5a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM recovery_code")
    op.execute("DELETE FROM staff_two_factor")
    with op.batch_alter_table('staff_two_factor', schema=None) as batch_op:
        batch_op.alter_column('secret',
               existing_type=sa.VARCHAR(length=64),
               type_=sa.String(length=255),
               existing_nullable=False)


def downgrade():
    op.execute("DELETE FROM recovery_code")
    op.execute("DELETE FROM staff_two_factor")
    with op.batch_alter_table('staff_two_factor', schema=None) as batch_op:
        batch_op.alter_column('secret',
               existing_type=sa.String(length=255),
               type_=sa.VARCHAR(length=64),
               existing_nullable=False)
