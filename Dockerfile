# Cerego: one image for the web process and the task worker.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    PORT=8000

WORKDIR /app
# pg_dump/pg_restore for `manage.py backup_db`/`restore_db` (the compose file's server is 17,
# Debian's client here is the same major version).
RUN apt-get update \
 && apt-get install --yes --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system cerego && useradd --system --gid cerego --home /app cerego

# Dependencies first, so a code change does not reinstall them: exactly the versions in
# uv.lock (the ones CI tested), checked against the lock's hashes. uv (the version the lock
# records) only turns the lock into a requirements file and leaves again; --locked stops
# the build if uv.lock no longer matches pyproject.toml.
COPY pyproject.toml uv.lock README.md ./
RUN UV_VERSION=$(python -c 'import tomllib; print(next(p["version"] for p in tomllib.load(open("uv.lock", "rb"))["package"] if p["name"] == "uv"))') \
 && pip install "uv==$UV_VERSION" \
 && UV_PYTHON_DOWNLOADS=never uv export --quiet --locked --no-emit-project \
      --python "$(command -v python3)" --output-file /tmp/requirements.txt \
 && pip install --no-deps --require-hashes -r /tmp/requirements.txt \
 && pip uninstall -y uv \
 && rm /tmp/requirements.txt

COPY --chown=cerego:cerego . .
# collectstatic only reads settings; this throwaway key never signs anything.
RUN SECRET_KEY=collectstatic-only-build-key-0123456789abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --noinput

# Uploaded imports wait here for the worker; compose mounts a shared volume over it.
RUN mkdir -p /app/media && chown cerego:cerego /app/media

USER cerego
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request, os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=2)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "cerego.wsgi:application"]
