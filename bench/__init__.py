"""The benchmarks (docs/performance.md); `python -m bench` runs them."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup() -> None:
    """Django for a benchmark run as a script: the test settings, on DATABASE_URL or else a
    temporary SQLite file. Nothing when Django is set up already, as when the smoke tests
    import the benchmark under pytest (which must not see our DATABASE_URL)."""
    from django.apps import apps

    if apps.ready:
        return
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cerego.test_settings")
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="cerego-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
