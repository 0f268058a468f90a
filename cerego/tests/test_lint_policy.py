"""ruff's security rules (`S`, flake8-bandit) hold everywhere: CI runs `ruff check`, and
each exception says why it is safe, in the comment that makes it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A security exception: the S code after "noqa:", then why it is safe (after -, –, : or "(").
SECURITY_NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>S\d+(?:\s*,\s*[A-Z]+\d+)*)(?P<reason>.*)$")
# Per-file ignores allowed without a comment of their own, with the reason here: asserts
# are how pytest tests (S101); tests and benchmarks log in with fixed passwords (S105,
# S106) and draw non-cryptographic random data (S311).
PER_FILE_SECURITY_IGNORES = {"S101", "S105", "S106", "S311"}
TEST_CODE = re.compile(r"(\*\*/tests/|bench/|e2e/|conftest\.py$)")


def our_python_files() -> list[Path]:
    """Every Python file of the project: not the virtualenv, caches or collected files."""
    skipped = {"staticfiles", "media", "node_modules", "__pycache__"}
    return [
        path
        for path in ROOT.rglob("*.py")
        if not any(part.startswith(".") or part in skipped for part in path.relative_to(ROOT).parts)
    ]


def test_the_security_rules_are_selected_and_never_ignored_wholesale():
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]

    assert "S" in lint["select"]
    assert not [code for code in lint.get("ignore", []) if code.startswith("S")]
    for pattern, codes in lint.get("per-file-ignores", {}).items():
        security = {code for code in codes if code.startswith("S")}
        assert security <= PER_FILE_SECURITY_IGNORES, f"{pattern}: {security}"
        assert not security or TEST_CODE.match(pattern), f"{pattern} is not test code"


def test_every_security_exception_says_why():
    unexplained = []
    for path in our_python_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found = SECURITY_NOQA.search(line)
            if found and len(found["reason"].strip(" -–:()")) < 5:
                unexplained.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")

    assert unexplained == []
