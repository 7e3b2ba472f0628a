"""Alembic environment: runs on the connection handed over by adapters/db/migrate.py."""

from __future__ import annotations

from alembic import context

from adapters.db.tables import Base
from adapters.processors.sandbox import tables as sandbox_tables  # noqa: F401 - registers its tables on the metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through `remit migrate` (adapters/db/migrate.py), not the alembic CLI.")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
