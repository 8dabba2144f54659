import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]

# In one process with the production settings: collect the admin's stylesheets and
# images (its scripts and the API docs' bundles would take minutes to compress), then
# ask for a stylesheet by its hashed name, as a browser that accepts brotli.
COLLECT_AND_SERVE = """
import json
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

call_command(
    "collectstatic", "--noinput", "--verbosity=0",
    "-i", "drf_spectacular_sidecar", "-i", "rest_framework", "-i", "js", "-i", "fonts",
)
url = static("admin/css/base.css")
response = Client().get(url, headers={"accept-encoding": "gzip, br"})
print(json.dumps({
    "url": url,
    "status": response.status_code,
    "encoding": response.get("Content-Encoding"),
    "cache": response.get("Cache-Control"),
}))
"""


def test_production_serves_hashed_compressed_static_files_cached_for_good(tmp_path):
    root = tmp_path / "static"
    result = subprocess.run(
        [sys.executable, "-c", COLLECT_AND_SERVE],
        cwd=PROJECT_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "static-files-test-secret-0123456789-abcdefghijklmnopqrs",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "False",
            "DJANGO_STATIC_ROOT": str(root),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr

    served = json.loads(result.stdout.strip().splitlines()[-1])
    hashed = root / served["url"].removeprefix("/static/")
    assert hashed.name != "base.css"
    assert hashed.name.startswith("base.")
    assert hashed.exists()
    assert hashed.with_name(hashed.name + ".gz").exists()
    assert hashed.with_name(hashed.name + ".br").exists()
    assert served["status"] == 200
    assert served["encoding"] == "br"
    assert "immutable" in served["cache"]
    assert "max-age=315360000" in served["cache"]
