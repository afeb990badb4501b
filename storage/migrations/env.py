"""Alembic environment: runs the migrations on the connection `storage.db.Database` hands over.

`Database.upgrade()` passes its connection in `config.attributes["connection"]`; without one
(the `alembic` command line with a URL in the config) an engine is created from
`sqlalchemy.url`.  `target_metadata` is every model module under storage/models, for
`alembic revision --autogenerate`.
"""

from __future__ import annotations

import importlib
import pkgutil

from alembic import context
from sqlalchemy import Connection, create_engine

import storage.models
from storage.models.base import Base

for module in pkgutil.iter_modules(storage.models.__path__):
    importlib.import_module(f"storage.models.{module.name}")

target_metadata = Base.metadata
config = context.config


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            run_on(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
