"""deploy/k8s/: valid for the Kubernetes version we deploy to, and wired to this project."""

import copy
import re
from pathlib import Path

import kubernetes_validate
import pytest
from django.urls import resolve
from kubernetes_validate.utils import resources_from_file

PROJECT_DIR = Path(__file__).resolve().parents[2]
MANIFESTS = sorted((PROJECT_DIR / "deploy" / "k8s").glob("*.yaml"))
# The oldest version the manifests must work on; strict: an unknown field is an error.
KUBERNETES_VERSION = "1.33.0"


def manifests() -> dict[tuple[str, str], dict]:
    """Every resource of the folder by (kind, name)."""
    return {
        (resource["kind"], resource["metadata"]["name"]): resource
        for path in MANIFESTS
        for resource in resources_from_file(str(path))
    }


def pod_spec(resource: dict) -> dict:
    return resource["spec"]["template"]["spec"]


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: path.name)
def test_each_manifest_is_valid_for_the_pinned_kubernetes_version(path):
    for resource in resources_from_file(str(path)):
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_the_validation_catches_a_misspelt_field():
    deployment = copy.deepcopy(manifests()["Deployment", "platform-web"])
    container = pod_spec(deployment)["containers"][0]
    container["readinesProbe"] = container.pop("readinessProbe")

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_web_pods_are_probed_served_and_scaled():
    resources = manifests()
    web = resources["Deployment", "platform-web"]
    [container] = pod_spec(web)["containers"]

    assert resolve(container["livenessProbe"]["httpGet"]["path"]).url_name == "health-live"
    assert resolve(container["readinessProbe"]["httpGet"]["path"]).url_name == "health-ready"
    assert container["resources"]["requests"]["cpu"]
    assert container["resources"]["limits"]["memory"]
    pod_labels = web["spec"]["template"]["metadata"]["labels"]
    assert resources["Service", "platform-web"]["spec"]["selector"] == pod_labels
    assert resources["HorizontalPodAutoscaler", "platform-web"]["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "platform-web",
    }


def test_the_worker_and_the_migration_job_run_the_project_s_commands():
    resources = manifests()
    [worker] = pod_spec(resources["Deployment", "platform-worker"])["containers"]
    [migrate] = pod_spec(resources["Job", "platform-migrate"])["containers"]

    assert worker["command"] == ["python", "manage.py", "db_worker"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]


def test_every_pod_reads_the_config_map_and_the_secret():
    resources = manifests()
    for key in [
        ("Deployment", "platform-web"),
        ("Deployment", "platform-worker"),
        ("Job", "platform-migrate"),
    ]:
        for container in pod_spec(resources[key])["containers"]:
            sources = [next(iter(source.values()))["name"] for source in container["envFrom"]]
            assert sources == ["platform-config", "platform-secrets"], key


def test_every_variable_the_manifests_set_is_in_the_readme():
    resources = manifests()
    names = set(resources["ConfigMap", "platform-config"]["data"])
    names |= set(resources["Secret", "platform-secrets"]["stringData"])
    names |= {
        variable["name"]
        for variable in pod_spec(resources["Deployment", "platform-web"])["containers"][0]["env"]
        if "valueFrom" not in variable
    }
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (PROJECT_DIR / "README.md").read_text()))

    assert names - documented == set()


def test_probes_and_scrapers_are_answered_in_plain_http_and_the_api_is_redirected(
    api_client, settings
):
    settings.SECURE_SSL_REDIRECT = True

    assert api_client.get("/health/live").status_code == 200
    assert api_client.get("/metrics").status_code == 200
    assert api_client.get("/api/pizzas/").status_code == 301
