"""``manage.py seed_scale`` reports its progress with an ETA on stderr, and its phases."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.services
@pytest.mark.django_db
def test_it_draws_a_progress_bar_with_an_eta_up_to_100_percent_and_times_its_phases():
    stdout, stderr = StringIO(), StringIO()

    call_command(
        "seed_scale", "--users=50", "--posts=500", "--orders=0", stdout=stdout, stderr=stderr
    )

    lines = stderr.getvalue().splitlines()
    assert all("ETA" in line and "elapsed" in line for line in lines)
    assert "[" + "#" * 30 + "] 100%" in lines[-1]
    assert "seed_scale: done (users" in stdout.getvalue()
    assert "indexes" in stdout.getvalue()
