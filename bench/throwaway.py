"""A throwaway platform database for in-process benchmarks: a data dir in /tmp and,
for PostgreSQL, a database `zhongzhi_bench_<pid>` on the local server, dropped after.

    with throwaway_platform("postgresql", settings="bench.load.settings"):
        ...  # Django is set up, migrated, with the demo campaign
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_URL = "postgres://postgres@127.0.0.1:5432"


@contextmanager
def throwaway_platform(
    kind: str, *, settings: str = "zhongzhi.settings", pg_url: str = PG_URL
) -> Iterator[None]:
    data_dir = Path(tempfile.mkdtemp(prefix="zhongzhi-bench-"))
    pg_name = f"zhongzhi_bench_{os.getpid()}"
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["ZHONGZHI_DATA_DIR"] = str(data_dir)
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_name}"'.encode())
        os.environ["DATABASE_URL"] = f"{pg_url}/{pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if kind == "postgresql":
            import psycopg

            with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'.encode())
        shutil.rmtree(data_dir, ignore_errors=True)
