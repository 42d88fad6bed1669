"""The deployment files cannot run here; they must at least parse and say what matters."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"


def _docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def test_dockerfile_runs_as_non_root_with_healthcheck() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert re.search(r"^HEALTHCHECK .*", text, re.M) and "/health/ready" in text
    assert 'ENTRYPOINT ["synthwright", "serve"]' in text


def test_compose_has_the_service_and_redis() -> None:
    (compose,) = _docs(DEPLOY / "docker-compose.yml")
    services = compose["services"]
    assert services["synthwright"]["environment"]["SYNTHWRIGHT_REDIS_URL"].startswith(
        "redis://redis"
    )
    assert "redis" in services and services["synthwright"]["depends_on"]["redis"]


def test_kubernetes_manifests() -> None:
    docs = {d["kind"]: d for p in sorted((DEPLOY / "k8s").glob("*.yaml")) for d in _docs(p)}
    assert set(docs) == {"ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler"}
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["resources"]["limits"]["memory"] and container["resources"]["limits"]["cpu"]
    assert {p["containerPort"] for p in container["ports"]} == {8081, 9001}
    assert docs["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == "synthwright"
    assert (
        docs["Service"]["spec"]["selector"] == docs["Deployment"]["spec"]["selector"]["matchLabels"]
    )
    assert container["envFrom"][0]["configMapRef"]["name"] == docs["ConfigMap"]["metadata"]["name"]
