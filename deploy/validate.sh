#!/usr/bin/env bash
# Validates the Kubernetes manifests under deploy/k8s offline. deploy/k8s/base holds what every
# environment shares; deploy/k8s/overlays/{dev,production} are what gets applied.
#   1. every kustomization.yaml: lists files that exist, and every manifest of its folder; only
#      non-deprecated fields (resources, patches, labels); namespace janua;
#   2. each overlay is rendered with `kubectl kustomize` into target/k8s-rendered/<overlay>.yaml
#      (any warning on stderr fails), and the rendered documents are checked against the
#      Kubernetes OpenAPI schemas (kubernetes-validate, strict mode, schemas shipped inside the
#      package, so no network is needed once it is installed; a WARN fails too);
#   3. Janua's own rules on the rendered documents, per overlay: every Janua Deployment has
#      liveness and readiness probes on the health routes, resource requests and limits, a
#      non-root read-only container, takes its environment from the ConfigMap janua-config and
#      the Secret janua-secrets, carries prometheus.io/* annotations naming a container port and
#      /metrics, has a preStop hook and terminationGracePeriodSeconds >= 35, and (all but the
#      gateway) a `migrate` initContainer running `migrate run --target <service>` with the same
#      image, envFrom, resources and security; Services and HPAs point at things that exist;
#   4. production only: a PodDisruptionBudget per Deployment, a default-deny ingress
#      NetworkPolicy, each internal service port open only to Janua pods, the gateway port open,
#      metrics open to the namespace monitoring, an Ingress to the gateway Service, no Secret
#      (and secret.example.env lists every key of the dev Secret), JANUA_ENVIRONMENT=production.
# Prints one line per check; exits non-zero on any failure.
#
# Usage: deploy/validate.sh            (K8S_VERSION=1.33.0 deploy/validate.sh for another version)
# Needs kubectl (its built-in kustomize). The first run creates a virtualenv in target/k8s-venv
# (inside the git-ignored target/ dir).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

venv="target/k8s-venv"
kv_version="1.37.0"
k8s_version="${K8S_VERSION:-1.37.0}"
overlays=(dev production)
rendered_dir="target/k8s-rendered"

if ! command -v kubectl >/dev/null 2>&1; then
    echo "FAIL kubectl not found: install kubectl (Debian: kubernetes-client), it renders the overlays"
    exit 1
fi

if [[ ! -x "$venv/bin/kubernetes-validate" ]] || ! "$venv/bin/python" -c 'import yaml' 2>/dev/null; then
    echo "installing kubernetes-validate $kv_version into $venv"
    mkdir -p target
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$kv_version" PyYAML
fi

kubectl_version="$(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: //p')"
kustomize_version="$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p')"
echo "info rendering with kubectl ${kubectl_version:-?}, kustomize ${kustomize_version:-?}"

# The checks, in Python; run as: python -c "$rules_py" kustomizations | overlay <name> <file>
IFS= read -r -d '' rules_py <<'PY' || true
import glob
import os
import sys

import yaml

HEALTH = {"livenessProbe": "/api/v1/health/live", "readinessProbe": "/api/v1/health/ready"}
CONFIGMAP, SECRET = "janua-config", "janua-secrets"
METRICS_PATH, METRICS_PORT = "/metrics", 9464
EXPECTED = {"gateway": 8080, "auth": 8081, "identity": 8082, "org": 8083,
            "enterprise": 8084, "webhooks": 8085, "audit": 8086}
NO_DATABASE = {"gateway"}
MIN_GRACE = 35  # preStop 5 s + HTTP drain 20 s + outbox flush 10 s
PART_OF = "app.kubernetes.io/part-of"
MONITORING_NS = {"kubernetes.io/metadata.name": "monitoring"}
DEPRECATED = {"commonLabels": "labels", "patchesStrategicMerge": "patches",
              "patchesJson6902": "patches", "bases": "resources", "vars": "replacements",
              "imageTags": "images"}
failed = False


def fail(line, details=()):
    global failed
    failed = True
    print(f"FAIL {line}")
    for d in details:
        print(f"       {d}")


def ok(line):
    print(f"ok   {line}")


def load(path):
    with open(path) as fh:
        return [d for d in yaml.safe_load_all(fh) if d is not None]


# --- kustomization.yaml files --------------------------------------------------------------------
def kustomizations():
    for f in sorted(glob.glob("deploy/k8s/**/kustomization.yaml", recursive=True)):
        folder = os.path.dirname(f)
        errors = []
        try:
            loaded = load(f)
        except yaml.YAMLError as e:
            fail(f"{f} (yaml): {e}")
            continue
        if len(loaded) != 1 or loaded[0].get("kind") != "Kustomization":
            fail(f"{f} (kustomization): expected one document of kind Kustomization")
            continue
        k = loaded[0]
        for old, new in DEPRECATED.items():
            if old in k:
                errors.append(f"uses deprecated `{old}` (use `{new}`)")
        listed = k.get("resources") or []
        if len(listed) != len(set(listed)):
            errors.append("lists a resource twice")
        for r in listed:
            p = os.path.join(folder, r)
            if not (os.path.isfile(p) or os.path.isfile(os.path.join(p, "kustomization.yaml"))):
                errors.append(f"lists {r}, which is neither a file nor a kustomization folder")
        patch_files = [p["path"] for p in k.get("patches") or [] if "path" in p]
        for p in patch_files:
            if not os.path.isfile(os.path.join(folder, p)):
                errors.append(f"patch {p} does not exist")
        present = {os.path.basename(x) for x in glob.glob(os.path.join(folder, "*.y*ml"))}
        present.discard("kustomization.yaml")
        for missing in sorted(present - set(listed) - set(patch_files)):
            errors.append(f"does not use {missing}")
        if k.get("namespace") != "janua":
            errors.append("namespace is not janua")
        if errors:
            fail(f"{f} (kustomization):", errors)
        else:
            ok(f"{f} (kustomization: {len(listed)} resources, {len(patch_files)} patch files, all present)")


# --- the rendered documents of one overlay ------------------------------------------------------
def name(d):
    return (d.get("metadata") or {}).get("name")


def selects(selector, labels):
    """Whether a LabelSelector (matchLabels and matchExpressions) selects these labels."""
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        key, op, values = e.get("key"), e.get("operator"), e.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def check_container(c, pod_sc, kind):
    """Environment, resources and security of one container (kind: container or initContainer)."""
    errors = []
    cname = f"{kind} {c.get('name')}"
    env_from = c.get("envFrom") or []
    refs = {("configMapRef", (e.get("configMapRef") or {}).get("name")) for e in env_from if "configMapRef" in e}
    refs |= {("secretRef", (e.get("secretRef") or {}).get("name")) for e in env_from if "secretRef" in e}
    if ("configMapRef", CONFIGMAP) not in refs:
        errors.append(f"{cname}: envFrom lacks configMapRef {CONFIGMAP}")
    if ("secretRef", SECRET) not in refs:
        errors.append(f"{cname}: envFrom lacks secretRef {SECRET}")
    for ref in refs - {("configMapRef", CONFIGMAP), ("secretRef", SECRET)}:
        errors.append(f"{cname}: envFrom {ref[0]} {ref[1]} is neither {CONFIGMAP} nor {SECRET}")
    for e in c.get("env") or []:
        src = e.get("valueFrom") or {}
        if not ((src.get("configMapKeyRef") or {}).get("name") == CONFIGMAP
                or (src.get("secretKeyRef") or {}).get("name") == SECRET):
            errors.append(f"{cname}: env {e.get('name')} is set inline, not from {CONFIGMAP}/{SECRET}")
    res = c.get("resources") or {}
    for part in ("requests", "limits"):
        for r in ("cpu", "memory"):
            if r not in (res.get(part) or {}):
                errors.append(f"{cname}: no resources.{part}.{r}")
    sc = c.get("securityContext") or {}
    if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
        errors.append(f"{cname}: runAsNonRoot is not set")
    if sc.get("readOnlyRootFilesystem") is not True:
        errors.append(f"{cname}: readOnlyRootFilesystem is not true")
    if sc.get("allowPrivilegeEscalation") is not False:
        errors.append(f"{cname}: allowPrivilegeEscalation is not false")
    return errors


def check_probes(c):
    errors = []
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}
    for probe, path in HEALTH.items():
        get = (c.get(probe) or {}).get("httpGet")
        if not get:
            errors.append(f"container {c.get('name')}: no {probe} (httpGet)")
            continue
        if get.get("path") != path:
            errors.append(f"container {c.get('name')}: {probe} path is {get.get('path')}, want {path}")
        port = get.get("port")
        if port not in ports and port not in ports.values():
            errors.append(f"container {c.get('name')}: {probe} port {port} is not a container port")
    return errors


def pod_labels(dep):
    return ((dep.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}


def pod_spec(dep):
    return ((dep.get("spec") or {}).get("template") or {}).get("spec") or {}


def http_port(dep):
    """(number, name) of the service port: the container port the Service of the same name targets."""
    for c in pod_spec(dep).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("containerPort") == EXPECTED.get(name(dep)):
                return p.get("containerPort"), p.get("name")
    return None, None


def check_deployment(d):
    n = name(d)
    spec = d.get("spec") or {}
    pod = pod_spec(d)
    pod_sc = pod.get("securityContext") or {}
    containers = pod.get("containers") or []
    inits = pod.get("initContainers") or []
    errors = []
    if not containers:
        errors.append("no containers")
    for c in containers:
        errors += check_container(c, pod_sc, "container")
        errors += check_probes(c)
        args = list(c.get("command") or []) + list(c.get("args") or [])
        if "--target" not in args or args[args.index("--target") + 1:][:1] != [n]:
            errors.append(f"container {c.get('name')}: does not run `janua --target {n}`")
        if not ((c.get("lifecycle") or {}).get("preStop")):
            errors.append(f"container {c.get('name')}: no lifecycle.preStop hook")
    for c in inits:
        errors += check_container(c, pod_sc, "initContainer")
    grace = pod.get("terminationGracePeriodSeconds")
    if not isinstance(grace, int) or grace < MIN_GRACE:
        errors.append(f"terminationGracePeriodSeconds is {grace}, want >= {MIN_GRACE}")
    migrate = [c for c in inits if c.get("name") == "migrate"]
    if n in NO_DATABASE:
        if migrate:
            errors.append(f"{n} has no database but has a migrate initContainer")
    elif not migrate:
        errors.append("no `migrate` initContainer")
    else:
        m = migrate[0]
        args = list(m.get("command") or []) + list(m.get("args") or [])
        if args != ["migrate", "run", "--target", n]:
            errors.append(f"initContainer migrate runs {args}, want ['migrate', 'run', '--target', '{n}']")
        if containers and m.get("image") != containers[0].get("image"):
            errors.append(f"initContainer migrate runs {m.get('image')}, not the service's {containers[0].get('image')}")
    selector = (spec.get("selector") or {}).get("matchLabels") or {}
    labels = pod_labels(d)
    if not selector or any(labels.get(k) != v for k, v in selector.items()):
        errors.append("selector does not match the pod labels")
    # Prometheus scrapes each pod by annotation: the port must be a declared container port
    # (the management listener, metrics.port) and the path the metrics route.
    annotations = ((spec.get("template") or {}).get("metadata") or {}).get("annotations") or {}
    container_ports = {p.get("containerPort") for c in containers for p in c.get("ports") or []}
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
    return errors


def rule_allows_port(rule, number, port_name):
    ports = rule.get("ports")
    if not ports:
        return True
    for p in ports:
        port = p.get("port")
        if port is None or port == number or (port_name and port == port_name):
            return True
        if isinstance(port, int) and p.get("endPort") and port <= number <= p["endPort"]:
            return True
    return False


def peer_is_janua_pods(peer):
    # Same namespace (no namespaceSelector, no ipBlock), pods labelled part-of: janua.
    if set(peer) != {"podSelector"}:
        return False
    return (peer.get("podSelector") or {}).get("matchLabels", {}).get(PART_OF) == "janua"


def ingress_rules_for(policies, labels, number, port_name):
    """Every ingress rule of a policy selecting these pod labels that lets this port in."""
    rules = []
    for np in policies:
        spec = np.get("spec") or {}
        types = spec.get("policyTypes") or ["Ingress"]
        if "Ingress" not in types or not selects(spec.get("podSelector"), labels):
            continue
        for rule in spec.get("ingress") or []:
            if rule_allows_port(rule, number, port_name):
                rules.append((name(np), rule))
    return rules


def overlay(o, path):
    try:
        docs = load(path)
    except yaml.YAMLError as e:
        fail(f"{o}: {path} (yaml): {e}")
        return
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d.get("kind"), []).append(d)
    kinds = lambda k: by_kind.get(k, [])

    stray = [f"{d.get('kind')}/{name(d)}" for d in docs
             if d.get("kind") != "Namespace" and (d.get("metadata") or {}).get("namespace") != "janua"]
    if stray:
        fail(f"{o}: not in namespace janua: {', '.join(stray)}")
    else:
        ok(f"{o}: every namespaced object is in namespace janua")

    configmaps = {name(d): d for d in kinds("ConfigMap")}
    secrets = {name(d) for d in kinds("Secret")}
    if CONFIGMAP not in configmaps:
        fail(f"{o}: ConfigMap {CONFIGMAP} is not rendered")
    if o == "production":
        if secrets:
            fail(f"{o}: renders Secret(s) {sorted(secrets)}; production expects {SECRET} created by the operator")
        else:
            ok(f"{o}: no Secret rendered ({SECRET} is created by the operator)")
        env = (configmaps.get(CONFIGMAP) or {}).get("data", {}).get("JANUA_ENVIRONMENT")
        if env != "production":
            fail(f"{o}: ConfigMap {CONFIGMAP} sets JANUA_ENVIRONMENT={env!r}, want 'production'")
        else:
            ok(f"{o}: ConfigMap {CONFIGMAP} sets JANUA_ENVIRONMENT=production")
    elif SECRET not in secrets:
        fail(f"{o}: Secret {SECRET} is not rendered")

    # Janua's Deployments (part-of: janua); others (dev dependencies) only need to be consistent.
    all_deployments = {name(d): d for d in kinds("Deployment")}
    deployments = {n: d for n, d in all_deployments.items()
                   if ((d.get("metadata") or {}).get("labels") or {}).get(PART_OF) == "janua"}
    for n, d in sorted(deployments.items()):
        errors = check_deployment(d)
        if errors:
            fail(f"{o}: Deployment/{n}:", errors)
        else:
            pod = pod_spec(d)
            extra = ", migrate initContainer" if pod.get("initContainers") else ""
            ok(f"{o}: Deployment/{n}: probes, resources, security, env from {CONFIGMAP}+{SECRET}, "
               f"scraped on {METRICS_PORT}{METRICS_PATH}, preStop, grace {pod.get('terminationGracePeriodSeconds')}s{extra}")
    for svc, port in EXPECTED.items():
        dep = deployments.get(svc)
        ports = [p.get("containerPort") for c in pod_spec(dep or {}).get("containers") or [] for p in c.get("ports") or []]
        if port not in ports:
            fail(f"{o}: Deployment/{svc}: missing, or not listening on {port}")

    # Services select a Deployment and target one of its container ports.
    services = {name(d): d for d in kinds("Service")}
    for n, d in sorted(services.items()):
        sel = (d.get("spec") or {}).get("selector") or {}
        matches = [dep for dep in all_deployments.values()
                   if sel and all(pod_labels(dep).get(k) == v for k, v in sel.items())]
        if not matches:
            fail(f"{o}: Service/{n} selects no Deployment")
            continue
        cports = [p for dep in matches for c in pod_spec(dep).get("containers") or [] for p in c.get("ports") or []]
        bad = [p.get("targetPort", p.get("port")) for p in d["spec"].get("ports") or []
               if p.get("targetPort", p.get("port")) not in {x.get("name") for x in cports} | {x.get("containerPort") for x in cports}]
        if bad:
            fail(f"{o}: Service/{n}: targetPort {bad} is not a port of the selected pods")
    for d in kinds("HorizontalPodAutoscaler"):
        ref = (d.get("spec") or {}).get("scaleTargetRef") or {}
        if ref.get("kind") != "Deployment" or ref.get("name") not in deployments:
            fail(f"{o}: HorizontalPodAutoscaler/{name(d)}: target {ref} is not a Deployment here")
        else:
            ok(f"{o}: HorizontalPodAutoscaler/{name(d)} scales Deployment/{ref['name']} "
               f"({d['spec'].get('minReplicas')}-{d['spec'].get('maxReplicas')})")

    if o != "production":
        return

    # PodDisruptionBudgets: one per Deployment.
    pdbs = kinds("PodDisruptionBudget")
    for n, dep in sorted(deployments.items()):
        covering = [p for p in pdbs if selects((p.get("spec") or {}).get("selector"), pod_labels(dep))]
        if not covering:
            fail(f"{o}: Deployment/{n} has no PodDisruptionBudget")
        elif not any(("minAvailable" in p["spec"]) or ("maxUnavailable" in p["spec"]) for p in covering):
            fail(f"{o}: PodDisruptionBudget for {n} sets neither minAvailable nor maxUnavailable")
        else:
            s = covering[0]["spec"]
            budget = f"maxUnavailable {s['maxUnavailable']}" if "maxUnavailable" in s else f"minAvailable {s['minAvailable']}"
            ok(f"{o}: Deployment/{n}: PodDisruptionBudget/{name(covering[0])} ({budget})")

    # NetworkPolicies.
    policies = kinds("NetworkPolicy")
    deny = [p for p in policies
            if (p.get("spec") or {}).get("podSelector") in ({}, {"matchLabels": {}})
            and "Ingress" in (p["spec"].get("policyTypes") or [])
            and not p["spec"].get("ingress")]
    if deny:
        ok(f"{o}: NetworkPolicy/{name(deny[0])} denies all ingress by default")
    else:
        fail(f"{o}: no default-deny ingress NetworkPolicy (podSelector {{}}, policyTypes [Ingress], no rules)")
    for n, dep in sorted(deployments.items()):
        labels = pod_labels(dep)
        number, port_name = http_port(dep)
        rules = ingress_rules_for(policies, labels, number, port_name)
        if n == "gateway":
            if rules:
                ok(f"{o}: Deployment/gateway: port {number} open (NetworkPolicy/{rules[0][0]})")
            else:
                fail(f"{o}: Deployment/gateway: no NetworkPolicy lets port {number} in; the ingress cannot reach it")
        else:
            wide = [pn for pn, r in rules if not r.get("from") or not all(peer_is_janua_pods(p) for p in r["from"])]
            if not rules:
                fail(f"{o}: Deployment/{n}: no NetworkPolicy lets Janua pods reach port {number}")
            elif wide:
                fail(f"{o}: Deployment/{n}: port {number} is open beyond Janua pods (NetworkPolicy/{', '.join(sorted(set(wide)))})")
            else:
                ok(f"{o}: Deployment/{n}: port {number} open to Janua pods only (NetworkPolicy/{rules[0][0]})")
        metrics = [pn for pn, r in ingress_rules_for(policies, labels, METRICS_PORT, "metrics")
                   if any((p.get("namespaceSelector") or {}).get("matchLabels") == MONITORING_NS for p in r.get("from") or [])]
        if not metrics:
            fail(f"{o}: Deployment/{n}: metrics port {METRICS_PORT} not open to the namespace monitoring")

    # Ingress to the gateway.
    routed = []
    gw_ports = {(p.get("name"), p.get("port")) for p in ((services.get("gateway") or {}).get("spec") or {}).get("ports") or []}
    for ing in kinds("Ingress"):
        for rule in (ing.get("spec") or {}).get("rules") or []:
            for p in (rule.get("http") or {}).get("paths") or []:
                svc = (p.get("backend") or {}).get("service") or {}
                port = svc.get("port") or {}
                if svc.get("name") == "gateway" and any(port.get("number") == num or port.get("name") == pn for pn, num in gw_ports):
                    routed.append(f"Ingress/{name(ing)} {rule.get('host')}{p.get('path')} -> gateway:{port.get('number') or port.get('name')}"
                                  f"{' (TLS)' if ing['spec'].get('tls') else ''}")
    if routed:
        ok(f"{o}: {routed[0]}")
    else:
        fail(f"{o}: no Ingress routes to the gateway Service")

    # The operator's Secret must carry every key the dev overlay's placeholder has.
    example = "deploy/k8s/overlays/production/secret.example.env"
    dev_secret = "deploy/k8s/overlays/dev/secret.yaml"
    try:
        keys = {l.split("=", 1)[0].strip() for l in open(example) if "=" in l and not l.lstrip().startswith("#")}
        dev_keys = {k for d in load(dev_secret) if d.get("kind") == "Secret" for k in (d.get("stringData") or {})}
        missing = sorted(dev_keys - keys)
        if missing:
            fail(f"{o}: {example} lacks {missing} (keys of {dev_secret})")
        else:
            ok(f"{o}: {example} lists {len(keys)} keys, every key of the dev Secret among them")
    except OSError as e:
        fail(f"{o}: {e}")


if sys.argv[1] == "kustomizations":
    kustomizations()
else:
    overlay(sys.argv[2], sys.argv[3])
sys.exit(1 if failed else 0)
PY

failed=0

"$venv/bin/python" -c "$rules_py" kustomizations || failed=1

mkdir -p "$rendered_dir"
for o in "${overlays[@]}"; do
    rendered="$rendered_dir/$o.yaml"
    # Any output on stderr (a deprecation warning, say) fails the render too.
    if err="$(kubectl kustomize "deploy/k8s/overlays/$o" 2>&1 >"$rendered")" && [[ -z "$err" ]]; then
        echo "ok   $o: rendered deploy/k8s/overlays/$o into $rendered (kustomize ${kustomize_version:-?})"
    else
        echo "FAIL $o: kubectl kustomize deploy/k8s/overlays/$o"
        # shellcheck disable=SC2001
        sed 's/^/       /' <<<"$err"
        failed=1
        continue
    fi

    # --strict rejects unknown fields; a WARN (unknown kind or apiVersion) counts as a failure too.
    status=0
    out="$("$venv/bin/kubernetes-validate" --strict -k "$k8s_version" "$rendered" 2>&1)" || status=$?
    passed="$(grep -c '^INFO .* passed for resource ' <<<"$out" || true)"
    problems="$(grep -v '^INFO .* passed for resource ' <<<"$out" || true)"
    if [[ $status -eq 0 && -z "$problems" && $passed -gt 0 ]]; then
        echo "ok   $o: $passed objects (schema, kubernetes $k8s_version, strict)"
    else
        echo "FAIL $o: schema, kubernetes $k8s_version, strict ($passed objects passed)"
        # shellcheck disable=SC2001
        sed 's/^/       /' <<<"$problems"
        failed=1
    fi

    "$venv/bin/python" -c "$rules_py" overlay "$o" "$rendered" || failed=1
done

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
