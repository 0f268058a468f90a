"""Settings are read from the environment: each test loads the module afresh."""

import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "settings.py"
ROOT = SETTINGS_FILE.parents[1]
PRODUCTION_KEY = "production-key-for-tests-" + "0123456789abcdef" * 3
JWT_KEY = "jwt-key-for-tests-" + "fedcba9876543210" * 3
VARIABLES = [
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "JWT_SECRET_KEY",
    "JWT_ALGORITHM",
    "JWT_ACCESS_TOKEN_EXPIRE_MINUTES",
    "JWT_REFRESH_TOKEN_EXPIRE_DAYS",
    "ADMIN_EMAIL",
    "ADMIN_USERNAME",
    "ADMIN_PASSWORD",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "SITE_URL",
    "WAITLIST_ENABLED",
    "CONN_MAX_AGE",
    "CONN_HEALTH_CHECKS",
    "DATABASE_STATEMENT_TIMEOUT_MS",
    "TASKS_BACKEND",
]


@pytest.fixture
def load_settings(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def load(**variables: str) -> dict:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(SETTINGS_FILE))

    return load


def test_local_defaults_are_sqlite_locmem_and_console_mail(load_settings):
    config = load_settings(DEBUG="true")

    assert config["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert config["DATABASES"]["default"]["NAME"] == str(ROOT / "db.sqlite3")
    assert config["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert config["MAILERS"]["default"]["BACKEND"].endswith("console.EmailBackend")
    assert config["TASKS"]["default"]["BACKEND"].endswith("ImmediateBackend")
    assert config["WAITLIST_ENABLED"] is True
    assert config["SIMPLE_JWT"]["ACCESS_TOKEN_LIFETIME"].total_seconds() == 30 * 60
    assert config["SIMPLE_JWT"]["REFRESH_TOKEN_LIFETIME"].days == 14


def test_every_variable_of_the_table_is_read(load_settings):
    config = load_settings(
        DEBUG="false",
        SECRET_KEY=PRODUCTION_KEY,
        DATABASE_URL="postgresql://cerego:s3cret@db:5432/cerego",
        CONN_MAX_AGE="120",
        CONN_HEALTH_CHECKS="false",
        DATABASE_STATEMENT_TIMEOUT_MS="5000",
        REDIS_URL="redis://cache:6379/1",
        ALLOWED_HOSTS="cerego.example.com,www.cerego.example.com",
        CSRF_TRUSTED_ORIGINS="https://cerego.example.com",
        JWT_SECRET_KEY=JWT_KEY,
        JWT_ALGORITHM="HS512",
        JWT_ACCESS_TOKEN_EXPIRE_MINUTES="5",
        JWT_REFRESH_TOKEN_EXPIRE_DAYS="2",
        ADMIN_EMAIL="root@example.com",
        ADMIN_USERNAME="root",
        ADMIN_PASSWORD="a-long-admin-pass-phrase",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.com:587",
        DEFAULT_FROM_EMAIL="Cerego <hello@cerego.example.com>",
        SITE_URL="https://cerego.example.com/",
        WAITLIST_ENABLED="false",
        TASKS_BACKEND="database",
    )

    database = config["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db", 5432, "cerego")
    assert (database["USER"], database["PASSWORD"]) == ("cerego", "s3cret")
    assert database["CONN_MAX_AGE"] == 120
    assert database["CONN_HEALTH_CHECKS"] is False
    assert database["OPTIONS"]["options"] == "-c statement_timeout=5000 -c jit=off"
    assert config["CACHES"]["default"]["BACKEND"].endswith("RedisCache")
    assert config["CACHES"]["default"]["LOCATION"] == "redis://cache:6379/1"
    assert config["ALLOWED_HOSTS"] == ["cerego.example.com", "www.cerego.example.com"]
    assert config["CSRF_TRUSTED_ORIGINS"] == ["https://cerego.example.com"]
    assert config["SIMPLE_JWT"]["SIGNING_KEY"] == JWT_KEY
    assert config["SIMPLE_JWT"]["ALGORITHM"] == "HS512"
    assert config["SIMPLE_JWT"]["ACCESS_TOKEN_LIFETIME"].total_seconds() == 5 * 60
    assert config["SIMPLE_JWT"]["REFRESH_TOKEN_LIFETIME"].days == 2
    assert (config["ADMIN_USERNAME"], config["ADMIN_EMAIL"]) == ("root", "root@example.com")
    assert config["ADMIN_PASSWORD"] == "a-long-admin-pass-phrase"
    assert config["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": "smtp.example.com",
            "port": 587,
            "username": "mailer",
            "password": "pw",
            "use_tls": True,
        },
    }
    assert config["DEFAULT_FROM_EMAIL"] == "Cerego <hello@cerego.example.com>"
    assert config["SITE_URL"] == "https://cerego.example.com"
    assert config["WAITLIST_ENABLED"] is False
    assert config["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert config["SESSION_COOKIE_SECURE"]
    assert config["CSRF_COOKIE_SECURE"]
    assert config["SECURE_HSTS_SECONDS"] >= 31536000


def test_jwt_key_falls_back_to_the_secret_key(load_settings):
    config = load_settings(DEBUG="false", SECRET_KEY=PRODUCTION_KEY)

    assert config["SIMPLE_JWT"]["SIGNING_KEY"] == PRODUCTION_KEY


def test_file_mail_url_becomes_a_file_mailer(load_settings):
    config = load_settings(DEBUG="true", EMAIL_URL="filemail:///var/mail/cerego")

    assert config["MAILERS"]["default"] == {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": "/var/mail/cerego"},
    }


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/cerego", "not a url", "postgresql://db:5432/"]
)
def test_an_unusable_database_url_is_refused_with_a_clear_message(load_settings, url):
    with pytest.raises(ImproperlyConfigured, match=r"DATABASE_URL .* is not usable"):
        load_settings(DEBUG="true", DATABASE_URL=url)


def test_the_refusal_does_not_print_the_database_password(load_settings):
    with pytest.raises(ImproperlyConfigured) as refusal:
        load_settings(DEBUG="true", DATABASE_URL="mysql://root:hunter2@localhost/cerego")
    assert "hunter2" not in str(refusal.value)


@pytest.mark.parametrize("key", [None, "too-short", "a" * 64])
def test_production_refuses_a_missing_or_weak_secret_key(load_settings, key):
    variables = {"DEBUG": "false"} | ({"SECRET_KEY": key} if key else {})
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        load_settings(**variables)


@pytest.mark.parametrize(
    "key", ["x", "j" * 64, "django-insecure-cerego-development-key-do-not-use-in-production"]
)
def test_production_refuses_a_weak_jwt_secret_key(load_settings, key):
    with pytest.raises(ImproperlyConfigured, match="JWT_SECRET_KEY must be set"):
        load_settings(DEBUG="false", SECRET_KEY=PRODUCTION_KEY, JWT_SECRET_KEY=key)


def test_development_accepts_any_jwt_secret_key(load_settings):
    config = load_settings(DEBUG="true", JWT_SECRET_KEY="x")

    assert config["SIMPLE_JWT"]["SIGNING_KEY"] == "x"


@pytest.mark.parametrize(("key", "warned"), [("x", True), ("a" * 64, True), (JWT_KEY, False)])
def test_check_deploy_warns_of_a_weak_jwt_secret_key(settings, key, warned):
    settings.SIMPLE_JWT = settings.SIMPLE_JWT | {"SIGNING_KEY": key}

    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])

    assert ("cerego.W001" in [message.id for message in found]) is warned


def test_an_unknown_tasks_backend_is_refused(load_settings):
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND"):
        load_settings(DEBUG="true", TASKS_BACKEND="celery")


def manage(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """manage.py in a fresh process: settings are read once, at start-up."""
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_under_production_variables(tmp_path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cerego.settings",
        "DEBUG": "false",
        "SECRET_KEY": PRODUCTION_KEY,
        "JWT_SECRET_KEY": JWT_KEY,
        "ALLOWED_HOSTS": "cerego.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://cerego.example.com",
        "USE_X_FORWARDED_PROTO": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://cache:6379/0",
        "TASKS_BACKEND": "database",
        "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
    }
    result = manage(environment, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_sqlite_database_runs_in_wal_mode_so_pages_read_while_an_import_writes(tmp_path):
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "cerego.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    }
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    print(cursor.execute('PRAGMA journal_mode').fetchone()[0])\n"
        "    print(cursor.execute('PRAGMA synchronous').fetchone()[0])\n"
    )
    result = manage(environment, "shell", "--no-imports", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2:] == ["wal", "1"]  # 1 is NORMAL
