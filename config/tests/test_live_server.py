import json
import urllib.request

import pytest

pytestmark = pytest.mark.services


def test_the_live_server_runs_on_the_primary_the_replica_and_redis(live_gunicorn):
    with urllib.request.urlopen(f"{live_gunicorn.url}/health/ready", timeout=5) as response:
        body = json.load(response)
    assert response.status == 200
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "primary": "up",
        "replica_0": "up",
        "cache": "up",
    }
