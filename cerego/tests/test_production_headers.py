"""The security headers and cookies on real responses: the site as deployed (production
settings, gunicorn, collected static files) behind a TLS proxy, asked over HTTP."""

import http.client
import re
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from cerego.tests.markup import parse
from cerego.tests.servers import ProductionSite

HSTS = "max-age=31536000; includeSubDomains; preload"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookie(self, name: str) -> dict[str, str | bool]:
        for header in self.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie(header)
            if name in jar:
                return {"value": jar[name].value, **jar[name]}
        raise AssertionError(f"no {name} cookie set: {self.headers.get_all('Set-Cookie')}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProductionSite]:
    site = ProductionSite(tmp_path_factory.mktemp("site"))
    try:
        site.start()
        yield site
    finally:
        site.stop()


def ask(
    site: ProductionSite,
    path: str,
    *,
    method: str = "GET",
    https: bool = True,
    cookies: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Answer:
    """One request as the proxy forwards it: `X-Forwarded-Proto: https` unless `https` is
    false (a visitor who typed http://)."""
    headers = {"Host": site.host}
    if https:
        headers |= {"X-Forwarded-Proto": "https"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = None
    if form is not None:
        body = urlencode(form)
        origin = f"https://{site.host}"
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": origin}
        headers["Referer"] = origin + path
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def policy(answer: Answer) -> dict[str, list[str]]:
    """The enforced Content-Security-Policy, directive by directive."""
    assert "Content-Security-Policy-Report-Only" not in answer.headers
    header = answer.headers["Content-Security-Policy"]
    assert header, "no Content-Security-Policy header"
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def test_plain_http_is_sent_to_https_except_the_health_checks(site):
    answer = ask(site, "/login/", https=False)

    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{site.host}/login/"
    assert "Strict-Transport-Security" not in answer.headers  # only ever said over HTTPS
    assert ask(site, "/healthz", https=False).status == 200  # load balancers probe over HTTP


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/login/", 200),  # a page
        ("/no-such-page/", 404),  # our error page
        ("/api/v1/languages/", 401),  # the API, in JSON
        ("/static/favicon.svg", 200),  # served by whitenoise
    ],
)
def test_every_response_carries_the_security_headers(site, path, status):
    answer = ask(site, path)

    assert answer.status == status
    assert answer.headers["Strict-Transport-Security"] == HSTS
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # Whitenoise answers before the clickjacking middleware; `frame-ancestors` covers it.
    if not path.startswith("/static/"):
        assert answer.headers["X-Frame-Options"] == "DENY"
    directives = policy(answer)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]


def test_login_cookies_are_secure_http_only_and_next_stays_on_the_site(site):
    page = ask(site, "/login/?next=https://evil.example/")
    csrf = page.cookie("csrftoken")
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    assert token, "no CSRF token in the login form"
    username, _, password = site.admin

    answer = ask(
        site,
        "/login/",
        method="POST",
        cookies={"csrftoken": str(csrf["value"])},
        form={
            "username": username,
            "password": password,
            "next": "https://evil.example/",
            "csrfmiddlewaretoken": token.group(1).decode(),
        },
    )

    assert answer.status == 302, answer.body[:500]
    assert answer.headers["Location"] == "/"
    session = answer.cookie("sessionid")
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    home = ask(site, "/", cookies={"sessionid": str(session["value"])})
    assert home.status == 200
    assert "Log out" in home.body.decode()
    nonce = next(v for v in policy(home)["script-src"] if v.startswith("'nonce-"))[7:-1]
    scripts = [script for script in parse(home.body).scripts if script.runs]
    assert scripts, "the dashboard loads htmx at least"
    assert all(script.attrs.get("nonce") == nonce for script in scripts)
