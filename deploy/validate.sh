#!/usr/bin/env bash
# Validates the Kubernetes manifests under deploy/k8s offline:
#   1. every manifest against the Kubernetes OpenAPI schemas (kubernetes-validate, strict mode,
#      schemas shipped inside the package, so no network is needed once it is installed);
#   2. kustomization.yaml lists exactly the manifests in the folder;
#   3. Janua's own rules: every Deployment has liveness and readiness probes on the health
#      routes, resource requests and limits, a non-root read-only container, and takes its
#      environment from the ConfigMap janua-config and the Secret janua-secrets, and carries
#      prometheus.io/* annotations naming one of its container ports and the path /metrics;
#      Services, HPAs and the migration Job point at things that exist.
# Prints one line per file (and per Deployment checked); exits non-zero on any failure.
#
# Usage: deploy/validate.sh            (K8S_VERSION=1.33.0 deploy/validate.sh for another version)
# The first run creates a virtualenv in target/k8s-venv (inside the git-ignored target/ dir).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="target/k8s-venv"
kv_version="1.37.0"
k8s_version="${K8S_VERSION:-1.37.0}"

if [[ ! -x "$venv/bin/kubernetes-validate" ]] || ! "$venv/bin/python" -c 'import yaml' 2>/dev/null; then
    echo "installing kubernetes-validate $kv_version into $venv"
    mkdir -p target
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$kv_version" PyYAML
fi

mapfile -t files < <(find deploy/k8s -type f \( -name '*.yaml' -o -name '*.yml' \) | LC_ALL=C sort)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "FAIL no manifests under deploy/k8s"
    exit 1
fi

failed=0
for f in "${files[@]}"; do
    if [[ "$(basename "$f")" == kustomization.y*ml ]]; then
        continue # not a Kubernetes resource; checked below
    fi
    # --strict rejects unknown fields; a WARN (unknown kind or apiVersion) counts as a failure too.
    if out="$("$venv/bin/kubernetes-validate" --strict -k "$k8s_version" --quiet "$f" 2>&1)" && [[ -z "$out" ]]; then
        echo "ok   $f (schema, kubernetes $k8s_version, strict)"
    else
        echo "FAIL $f (schema, kubernetes $k8s_version, strict)"
        # shellcheck disable=SC2001
        sed 's/^/       /' <<<"$out"
        failed=1
    fi
done

if ! "$venv/bin/python" - "${files[@]}" <<'PY'; then
import os
import sys

import yaml

files = sys.argv[1:]
HEALTH = {"livenessProbe": "/api/v1/health/live", "readinessProbe": "/api/v1/health/ready"}
CONFIGMAP, SECRET = "janua-config", "janua-secrets"
METRICS_PATH = "/metrics"
failed = False
docs = []  # (file, doc)
kustomizations = []

for f in files:
    with open(f) as fh:
        try:
            loaded = [d for d in yaml.safe_load_all(fh) if d is not None]
        except yaml.YAMLError as e:
            print(f"FAIL {f} (yaml): {e}")
            failed = True
            continue
    if os.path.basename(f).startswith("kustomization."):
        kustomizations.append((f, loaded))
    else:
        docs.extend((f, d) for d in loaded)

def by_kind(kind):
    return [(f, d) for f, d in docs if d.get("kind") == kind]

def name(d):
    return d.get("metadata", {}).get("name")

# --- kustomization.yaml lists exactly the manifests in its folder -----------------------------
for f, loaded in kustomizations:
    errors = []
    if len(loaded) != 1 or loaded[0].get("kind") != "Kustomization":
        errors.append("expected one document of kind Kustomization")
    else:
        k = loaded[0]
        folder = os.path.dirname(f)
        listed = k.get("resources") or []
        for r in listed:
            if not os.path.isfile(os.path.join(folder, r)):
                errors.append(f"lists {r}, which does not exist")
        present = {os.path.relpath(x, folder) for x in files
                   if os.path.dirname(x) == folder and x != f}
        for missing in sorted(present - set(listed)):
            errors.append(f"does not list {missing}")
        if len(listed) != len(set(listed)):
            errors.append("lists a file twice")
        if k.get("namespace") != "janua":
            errors.append("namespace is not janua")
    if errors:
        failed = True
        print(f"FAIL {f} (kustomization): " + "; ".join(errors))
    else:
        print(f"ok   {f} (kustomization: {len(loaded[0]['resources'])} resources, all present)")

# --- everything lives in the janua namespace ---------------------------------------------------
for f, d in docs:
    if d.get("kind") == "Namespace":
        continue
    if d.get("metadata", {}).get("namespace") != "janua":
        print(f"FAIL {f}: {d.get('kind')}/{name(d)} is not in namespace janua")
        failed = True

configmaps = {name(d) for _, d in by_kind("ConfigMap")}
secrets = {name(d) for _, d in by_kind("Secret")}
for wanted, have, kind in ((CONFIGMAP, configmaps, "ConfigMap"), (SECRET, secrets, "Secret")):
    if wanted not in have:
        print(f"FAIL {kind} {wanted} is not defined under deploy/k8s")
        failed = True

def check_pod(spec, where, need_probes):
    errors = []
    pod_sc = spec.get("securityContext", {})
    containers = spec.get("containers", [])
    if not containers:
        errors.append("no containers")
    for c in containers:
        cname = c.get("name")
        # environment: envFrom the ConfigMap and the Secret; inline env only by reference to them
        refs = {("configMapRef", (e.get("configMapRef") or {}).get("name")) for e in c.get("envFrom", []) if "configMapRef" in e}
        refs |= {("secretRef", (e.get("secretRef") or {}).get("name")) for e in c.get("envFrom", []) if "secretRef" in e}
        if ("configMapRef", CONFIGMAP) not in refs:
            errors.append(f"{cname}: envFrom lacks configMapRef {CONFIGMAP}")
        if ("secretRef", SECRET) not in refs:
            errors.append(f"{cname}: envFrom lacks secretRef {SECRET}")
        for ref in refs - {("configMapRef", CONFIGMAP), ("secretRef", SECRET)}:
            errors.append(f"{cname}: envFrom {ref[0]} {ref[1]} is neither {CONFIGMAP} nor {SECRET}")
        for e in c.get("env", []) or []:
            src = e.get("valueFrom") or {}
            ok = (src.get("configMapKeyRef", {}).get("name") == CONFIGMAP
                  or src.get("secretKeyRef", {}).get("name") == SECRET)
            if not ok:
                errors.append(f"{cname}: env {e.get('name')} is set inline, not from {CONFIGMAP}/{SECRET}")
        # resources
        res = c.get("resources") or {}
        for part in ("requests", "limits"):
            for r in ("cpu", "memory"):
                if r not in (res.get(part) or {}):
                    errors.append(f"{cname}: no resources.{part}.{r}")
        # security
        sc = c.get("securityContext") or {}
        if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
            errors.append(f"{cname}: runAsNonRoot is not set")
        if sc.get("readOnlyRootFilesystem") is not True:
            errors.append(f"{cname}: readOnlyRootFilesystem is not true")
        if sc.get("allowPrivilegeEscalation") is not False:
            errors.append(f"{cname}: allowPrivilegeEscalation is not false")
        # probes
        if need_probes:
            ports = {p.get("name"): p.get("containerPort") for p in c.get("ports", [])}
            for probe, path in HEALTH.items():
                get = (c.get(probe) or {}).get("httpGet")
                if not get:
                    errors.append(f"{cname}: no {probe} (httpGet)")
                    continue
                if get.get("path") != path:
                    errors.append(f"{cname}: {probe} path is {get.get('path')}, want {path}")
                port = get.get("port")
                if port not in ports and port not in ports.values():
                    errors.append(f"{cname}: {probe} port {port} is not a container port")
    return errors

# --- Deployments -------------------------------------------------------------------------------
deployments = {}
for f, d in by_kind("Deployment"):
    n = name(d)
    spec = d.get("spec", {})
    deployments[n] = d
    pod = spec.get("template", {}).get("spec", {})
    errors = check_pod(pod, f, need_probes=True)
    selector = spec.get("selector", {}).get("matchLabels", {})
    labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        errors.append("selector does not match the pod labels")
    # Prometheus scrapes each pod by annotation: the port must be a declared container port
    # (the management listener, metrics.port) and the path the metrics route.
    annotations = spec.get("template", {}).get("metadata", {}).get("annotations", {}) or {}
    container_ports = {p.get("containerPort") for c in pod.get("containers", []) for p in c.get("ports", []) or []}
    if annotations.get("prometheus.io/scrape") != "true":
        errors.append('annotation prometheus.io/scrape is not "true"')
    prom_port = annotations.get("prometheus.io/port")
    if not isinstance(prom_port, str) or not prom_port.isdigit():
        errors.append(f"annotation prometheus.io/port is {prom_port!r}, want a quoted port number")
    elif int(prom_port) not in container_ports:
        errors.append(f"annotation prometheus.io/port {prom_port} is not a declared containerPort "
                      f"({sorted(p for p in container_ports if p is not None)})")
    if annotations.get("prometheus.io/path") != METRICS_PATH:
        errors.append(f"annotation prometheus.io/path is {annotations.get('prometheus.io/path')!r}, want {METRICS_PATH}")
    for c in pod.get("containers", []):
        args = list(c.get("command", [])) + list(c.get("args", []))
        if "--target" not in args or args[args.index("--target") + 1:][:1] != [n]:
            errors.append(f"{c.get('name')}: does not run `janua --target {n}`")
    if errors:
        failed = True
        print(f"FAIL Deployment/{n} ({f}):")
        for e in errors:
            print(f"       {e}")
    else:
        print(f"ok   Deployment/{n} ({f}): probes, resources, security, env from {CONFIGMAP}+{SECRET}, "
              f"scraped on {annotations['prometheus.io/port']}{METRICS_PATH}")

# --- Jobs --------------------------------------------------------------------------------------
for f, d in by_kind("Job"):
    pod = d.get("spec", {}).get("template", {}).get("spec", {})
    errors = check_pod(pod, f, need_probes=False)
    if errors:
        failed = True
        print(f"FAIL Job/{name(d)} ({f}):")
        for e in errors:
            print(f"       {e}")
    else:
        print(f"ok   Job/{name(d)} ({f}): resources, security, env from {CONFIGMAP}+{SECRET}")

# --- Services select a Deployment and target a named container port ----------------------------
for f, d in by_kind("Service"):
    sel = d.get("spec", {}).get("selector", {})
    matches = [dep for dep in deployments.values()
               if sel and all(dep["spec"]["template"]["metadata"]["labels"].get(k) == v for k, v in sel.items())]
    if not matches:
        failed = True
        print(f"FAIL Service/{name(d)} ({f}): selects no Deployment")
        continue
    port_names = {p.get("name") for dep in matches
                  for c in dep["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
    port_nums = {p.get("containerPort") for dep in matches
                 for c in dep["spec"]["template"]["spec"]["containers"] for p in c.get("ports", [])}
    for p in d["spec"].get("ports", []):
        t = p.get("targetPort", p.get("port"))
        if t not in port_names and t not in port_nums:
            failed = True
            print(f"FAIL Service/{name(d)} ({f}): targetPort {t} is not a port of the selected pods")

# --- HPAs scale an existing Deployment that has CPU requests ------------------------------------
for f, d in by_kind("HorizontalPodAutoscaler"):
    ref = d.get("spec", {}).get("scaleTargetRef", {})
    if ref.get("kind") != "Deployment" or ref.get("name") not in deployments:
        failed = True
        print(f"FAIL HorizontalPodAutoscaler/{name(d)} ({f}): target {ref} is not a Deployment here")

expected = {"gateway": 8080, "auth": 8081, "identity": 8082, "org": 8083,
            "enterprise": 8084, "webhooks": 8085, "audit": 8086}
for svc, port in expected.items():
    dep = deployments.get(svc)
    ports = [p.get("containerPort") for c in (dep or {}).get("spec", {}).get("template", {}).get("spec", {}).get("containers", [])
             for p in c.get("ports", [])]
    if port not in ports:
        failed = True
        print(f"FAIL Deployment/{svc}: missing, or not listening on {port}")

sys.exit(1 if failed else 0)
PY
    failed=1
fi

# deploy/compose.yaml is not a Kubernetes manifest; make sure it at least parses.
if [[ -f deploy/compose.yaml ]]; then
    if "$venv/bin/python" -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert isinstance(d.get("services"), dict) and d["services"]' deploy/compose.yaml 2>/dev/null; then
        echo "ok   deploy/compose.yaml (yaml parses, has services)"
    else
        echo "FAIL deploy/compose.yaml (does not parse, or has no services)"
        failed=1
    fi
fi

# The alert rules: promtool when it is installed (Debian: the prometheus package); the metric
# names and labels are checked against the catalogue by crates/janua-core/tests/monitoring.rs
# either way.
if command -v promtool >/dev/null 2>&1; then
    if out="$(promtool check rules deploy/monitoring/alerts.yaml 2>&1)"; then
        echo "ok   deploy/monitoring/alerts.yaml (promtool check rules)"
    else
        echo "FAIL deploy/monitoring/alerts.yaml (promtool check rules)"
        sed 's/^/       /' <<<"$out"
        failed=1
    fi
else
    echo "skip deploy/monitoring/alerts.yaml (promtool not installed; the catalogue test still checks it)"
fi
if "$venv/bin/python" -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["panels"]' deploy/monitoring/grafana-dashboard.json 2>/dev/null; then
    echo "ok   deploy/monitoring/grafana-dashboard.json (JSON parses, has panels)"
else
    echo "FAIL deploy/monitoring/grafana-dashboard.json"
    failed=1
fi

if [[ $failed -ne 0 ]]; then
    echo "validation FAILED"
    exit 1
fi
echo "validation passed"
