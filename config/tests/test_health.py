import os
import subprocess

import pytest
from django.db import connections


def test_live_answers_while_the_process_runs(api_client):
    response = api_client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "up"}


def test_ready_lists_its_checks(api_client, db):
    response = api_client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["primary"]["status"] == "up"
    assert response.json()["checks"]["cache"]["status"] == "up"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ready_answers_503_while_the_primary_is_stopped(api_client):
    script = os.environ["TEST_SERVICES_SCRIPT"]
    subprocess.run([script, "stop", "primary"], check=True, timeout=90)
    try:
        response = api_client.get("/health/ready")
    finally:
        subprocess.run([script, "start", "primary"], check=True, timeout=90)
        connections["default"].close()

    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["checks"]["primary"]["status"] == "down"
    assert response.json()["checks"]["cache"]["status"] == "up"
