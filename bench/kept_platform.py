"""A benchmark's own platform made from `bench/screening.py`'s kept one of the same size
(`bench/rectification.py`, `bench/supervision.py`): its own folder under `data/bench/`
and, for PostgreSQL, its own database, so that what it adds never reaches the others.

The SQLite file is copied with SQLite's backup API (consistent even in WAL mode); the
PostgreSQL database is made with the screening database as its template. Both take
about a minute, where `zhongzhi demo` + `generate-suggestions` takes a quarter of an hour
(the fallback, when the screening platform has not been built).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_URL = "postgres://postgres@127.0.0.1:5432"


def screening_source(kind: str, count: int, where: Path | None = None) -> Path | None:
    """The kept platform of bench/screening.py of this size, when it has been built."""
    for folder in [where, REPO / "data" / "bench"]:
        if folder is None:
            continue
        candidate = folder / f"screening-{kind}-{count}"
        if (candidate / "built.json").exists():
            return candidate
    return None


def source_pg_name(source: Path) -> str:
    # bench/screening.py's database: <prefix>_<count>, its default prefix.
    return f"zhongzhi_bench_screening_{source.name.rsplit('-', 1)[1]}"


def setup_django(
    kind: str,
    folder: Path,
    pg_name: str,
    *,
    count: int,
    fresh: bool = False,
    screening_data: Path | None = None,
) -> tuple[Path, Path | None]:
    """Point Django at the benchmark's platform in `folder` (and `pg_name`), copying the
    screening platform into it unless it is built already (its `built.json`); then set
    Django up and migrate. Returns the marker file and the source copied, if any."""
    marker = folder / "built.json"
    if fresh and marker.exists():
        marker.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    source = None if marker.exists() else screening_source(kind, count, screening_data)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhongzhi.settings"
    os.environ["ZHONGZHI_DATA_DIR"] = str(folder)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [pg_name]
            ).fetchone()
            if exists and not marker.exists():
                conn.execute(f'DROP DATABASE "{pg_name}" WITH (FORCE)'.encode())
                exists = None
            if not exists:
                template = ""
                if source is not None:
                    built = json.loads((source / "built.json").read_text())
                    template = f' TEMPLATE "{built.get("database") or source_pg_name(source)}"'
                conn.execute(f'CREATE DATABASE "{pg_name}"{template}'.encode())
        os.environ["DATABASE_URL"] = f"{PG_URL}/{pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
        if not marker.exists():
            for name in ("zhongzhi.sqlite3", "zhongzhi.sqlite3-wal", "zhongzhi.sqlite3-shm"):
                (folder / name).unlink(missing_ok=True)
            if source is not None:
                with (
                    sqlite3.connect(source / "zhongzhi.sqlite3") as src,
                    sqlite3.connect(folder / "zhongzhi.sqlite3") as dst,
                ):
                    src.backup(dst)
    if source is not None:
        for name in ("secret_key", "demo-accounts.json"):
            if (source / name).exists():
                shutil.copy(source / name, folder / name)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return marker, source
