"""Schemathesis against the live gunicorn: the API and its OpenAPI schema agree.

Every operation of /api/schema/ is called with generated valid and invalid requests
(its examples, the coverage cases of each parameter, random data, and sequences that
follow the schema's links), anonymously, as a user and as staff, and every response
is checked with all of schemathesis' checks: no 5xx, only documented statuses, content
types, headers and bodies, invalid data refused, valid data accepted (see
schemathesis.toml for the one exception), authentication not ignored. Bounded to a
few examples per operation and a fixed seed, so a run is short and reproducible.
"""

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.services

CONFIG = Path(__file__).with_name("schemathesis.toml")
PASSWORD = "Schemathesis-1-password"
MAX_EXAMPLES = 15
SEED = 20261202


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _summary(output: str) -> str:
    """The run in one line: how many test cases, and schemathesis' own last line."""
    lines = [line.strip() for line in output.strip().splitlines()]
    cases = lines[lines.index("Test cases:") + 1] if "Test cases:" in lines else ""
    return f"test cases {cases}; {lines[-1].strip('= ')}" if lines else "no output"


@pytest.fixture(scope="module")
def access_tokens(live_gunicorn) -> dict[str, str | None]:
    """A bearer token per persona: a user signed up through the API, and staff."""
    user = _post(
        f"{live_gunicorn.url}/api/auth/signup",
        {"username": "fuzzuser", "email": "fuzzuser@example.com", "password": PASSWORD},
    )
    live_gunicorn.create_staff("fuzzstaff", PASSWORD)
    staff = _post(
        f"{live_gunicorn.url}/api/auth/login", {"login": "fuzzstaff", "password": PASSWORD}
    )
    return {"anonymous": None, "user": user["access"], "staff": staff["access"]}


@pytest.mark.parametrize("persona", ["anonymous", "user", "staff"])
def test_the_live_api_keeps_to_its_schema(live_gunicorn, access_tokens, persona, capsys):
    command = [
        Path(sys.executable).parent / "st",
        "--config-file",
        CONFIG,
        "--no-color",
        "run",
        f"{live_gunicorn.url}/api/schema/",
        "--checks=all",
        f"--max-examples={MAX_EXAMPLES}",
        f"--seed={SEED}",
        "--generation-database=none",
        # One worker: schemathesis' worker threads meet a CPython 3.11 race in ast.parse
        # ("AST constructor recursion depth mismatch"), an error of the tool, not the API.
        "--workers=1",
        "--request-timeout=10",
    ]
    if access_tokens[persona]:
        command.append(f"--header=Authorization: Bearer {access_tokens[persona]}")

    result = subprocess.run(command, capture_output=True, text=True, timeout=300)

    with capsys.disabled():
        print(f"\nschemathesis as {persona}: {_summary(result.stdout)}")
    assert result.returncode == 0, result.stdout + result.stderr
