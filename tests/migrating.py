"""Tests of data migrations: move the test database's schema to a migration (tests/conftest.py's
`back_to_the_latest_migrations` brings it back to the leaves afterwards)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target: tuple[str, str]) -> MigrationExecutor:
    """Migrate to `target` (forwards or backwards) and return an executor whose loader sees the new state."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    return executor


def migrate_to_leaves() -> None:
    """Back to the latest migrations, for assertions that read through the live models (whose tables may have
    gained columns in later migrations, like the audit chain's)."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
