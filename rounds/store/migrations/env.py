"""Alembic's environment for Rounds: run on the connection `rounds.store.engine.migrate` passes.

Migrations are generated from `rounds.store.tables` (`python -m rounds new-migration "what"`)
and run at start-up (`open_engine`) or by `python -m rounds migrate`.
"""

from alembic import context

from rounds.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
