#!/usr/bin/env bash
# Validates the deployment files in deploy/ without a cluster, a Docker engine or network access:
#  1. Kubernetes: every manifest under deploy/kubernetes, and the kustomize output of the base and of every
#     overlay, against the Kubernetes OpenAPI schema (kubernetes-validate from PyPI, which bundles the schemas,
#     strict mode: unknown fields and unknown kinds fail), for the oldest and newest versions listed below;
#     every file a kustomization.yaml names must exist; the rendered objects must follow the deployment rules
#     (probes, Prometheus annotations, security contexts, resources, Services matching pods, named ports);
#     the collector configuration in each ConfigMap must pass `driftwatch config check`; every flag given to
#     driftwatch must be one its --help lists.
#  2. systemd: `systemd-analyze verify` on the collector unit and on an instance of the agent template, and
#     `systemd-analyze security --offline` with an exposure threshold.
#  3. Docker: the Dockerfile is parsed with BuildKit's parser (the `dockerfile` package from PyPI) and checked
#     for its two stages, libzmq, and a non-root user. It is built only where a Docker engine answers.
#
# Usage: bash .ci/validate-deploy.sh
# DRIFTWATCH_BIN names the driftwatch binary (default .build/debug/driftwatch; the script never builds it).
# Without one, the flag and configuration checks are skipped (and it says so) and the systemd units are
# verified with /bin/true as their executable.
#
# Why the units are verified through a copy: `systemd-analyze verify` fails when a unit's ExecStart binary does
# not exist, and /usr/local/bin/driftwatch is not installed here. The copy differs only in that path, which
# points at the built binary (or /bin/true); every other line is verified as committed.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBERNETES_VALIDATE_VERSION=1.37.0 # bundles JSON schemas of Kubernetes 1.25 to 1.37
DOCKERFILE_PARSER_VERSION=3.4.0    # Python bindings of BuildKit's Dockerfile parser
KUBERNETES_VERSIONS=(1.30.0 1.37.0)
SYSTEMD_EXPOSURE_THRESHOLD=20 # tenths: fail when `systemd-analyze security` rates a unit above 2.0

export PATH="/opt/swift/usr/bin:$PATH"
failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# ---- prerequisites (installed only when missing) -----------------------------------------------------------
packages=()
command -v systemd-analyze >/dev/null || packages+=(systemd)
command -v python3 >/dev/null || packages+=(python3 python3-pip)
if ((${#packages[@]})); then
    echo "==> apt-get install ${packages[*]}"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi
if [[ $(python3 -c 'import importlib.metadata as m; print(m.version("kubernetes-validate"))' 2>/dev/null) != "$KUBERNETES_VALIDATE_VERSION" ]]; then
    echo "==> pip install kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
    python3 -m pip install --quiet --disable-pip-version-check "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi
if [[ $(python3 -c 'import importlib.metadata as m; print(m.version("dockerfile"))' 2>/dev/null) != "$DOCKERFILE_PARSER_VERSION" ]]; then
    echo "==> pip install dockerfile==$DOCKERFILE_PARSER_VERSION"
    python3 -m pip install --quiet --disable-pip-version-check "dockerfile==$DOCKERFILE_PARSER_VERSION"
fi

binary="${DRIFTWATCH_BIN:-.build/debug/driftwatch}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -x $binary ]]; then
    echo "==> using $binary for flag and configuration checks"
    # A private copy: a build running beside this script may rewrite the original.
    cp "$binary" "$work/driftwatch"
    binary="$work/driftwatch"
else
    echo "==> NOTE: no driftwatch binary at $binary: flag and configuration checks are skipped"
    binary=""
fi

# ---- Kubernetes ----------------------------------------------------------------------------------------------
echo "==> Kubernetes manifests (kubernetes-validate $KUBERNETES_VALIDATE_VERSION, Kubernetes ${KUBERNETES_VERSIONS[*]})"
renderer=""
if command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
    renderer="kubectl kustomize"
elif command -v kustomize >/dev/null; then
    renderer="kustomize build"
fi
rendered=()
while IFS= read -r kustomization; do
    dir="$(dirname "$kustomization")"
    if [[ -n $renderer ]]; then
        out="$work/rendered-$(echo "$dir" | tr '/' '_').yaml"
        if $renderer "$dir" >"$out" 2>"$work/render.err"; then
            echo "    rendered $dir ($renderer): $(grep -c '^kind:' "$out") objects"
            rendered+=("$dir=$out")
        else
            fail "$renderer $dir: $(cat "$work/render.err")"
        fi
    fi
done < <(find deploy/kubernetes -name kustomization.yaml | sort)
if [[ -z $renderer ]]; then
    echo "    NOTE: neither kubectl nor kustomize is installed: the kustomize output is not rendered; every"
    echo "    manifest file is validated and every path a kustomization.yaml names is checked instead"
fi

if ! python3 - "$binary" "${KUBERNETES_VERSIONS[*]}" "${rendered[@]}" <<'PY'; then
import glob, os, re, subprocess, sys, tempfile
import yaml
import kubernetes_validate.utils as kv

binary, versions, rendered = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
errors = []
help_cache = {}


def load_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def validate(doc, where):
    name = "%s/%s" % (doc.get("kind"), (doc.get("metadata") or {}).get("name"))
    for version in versions:
        try:
            kv.validate(doc, version, strict=True)
        except kv.ValidationError as e:
            path = ".".join(str(p) for p in e.path)
            errors.append("%s: %s: Kubernetes %s schema: %s: %s" % (where, name, version, path, e.message))
        except kv.SchemaNotFoundError as e:
            errors.append("%s: %s: %s" % (where, name, e.message))
    return name


# 1. Every kustomization: the files it names exist; every resource file validates on its own.
manifest_files = set()
per_dir = {}
for kfile in sorted(glob.glob("deploy/kubernetes/**/kustomization.yaml", recursive=True)):
    kdir = os.path.dirname(kfile)
    k = load_all(kfile)[0]
    named = list(k.get("resources", []))
    named += [p["path"] for p in k.get("patches", []) if "path" in p]
    for gen in k.get("configMapGenerator", []) + k.get("secretGenerator", []):
        named += [f.split("=", 1)[-1] for f in gen.get("files", [])]
    for entry in named:
        path = os.path.normpath(os.path.join(kdir, entry))
        if os.path.isdir(path):
            if not os.path.isfile(os.path.join(path, "kustomization.yaml")):
                errors.append("%s: %s is a folder without kustomization.yaml" % (kfile, entry))
        elif not os.path.isfile(path):
            errors.append("%s: names %s, which does not exist" % (kfile, entry))
    for entry in k.get("resources", []):
        path = os.path.normpath(os.path.join(kdir, entry))
        if os.path.isfile(path):
            manifest_files.add(path)
            per_dir.setdefault(kdir, []).append(path)
    # Every YAML file in the folder is used by its kustomization (a forgotten manifest is a mistake).
    for path in glob.glob(os.path.join(kdir, "*.yaml")):
        if os.path.normpath(path) not in [os.path.normpath(os.path.join(kdir, e)) for e in named] + [kfile]:
            errors.append("%s: not named by %s" % (path, kfile))
for path in sorted(manifest_files):
    for doc in load_all(path):
        print("    %s: %s" % (path, validate(doc, path)))


# 2. The rendered output: schema, then the deployment rules.
def help_text(sub):
    if sub not in help_cache:
        help_cache[sub] = subprocess.run([binary, sub, "--help"], capture_output=True, text=True).stdout
    return help_cache[sub]


def check_workload(doc, where):
    name = "%s/%s" % (doc["kind"], doc["metadata"]["name"])
    template = doc["spec"]["template"]
    pod = template["spec"]
    annotations = template["metadata"].get("annotations", {})
    if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
        errors.append("%s: %s: pod securityContext.runAsNonRoot is not true" % (where, name))
    ports = {}
    for c in pod["containers"]:
        cname = "%s container %s" % (name, c["name"])
        for p in c.get("ports", []):
            ports[p.get("name")] = p["containerPort"]
        sc = c.get("securityContext", {})
        if sc.get("readOnlyRootFilesystem") is not True:
            errors.append("%s: %s: readOnlyRootFilesystem is not true" % (where, cname))
        if sc.get("allowPrivilegeEscalation") is not False:
            errors.append("%s: %s: allowPrivilegeEscalation is not false" % (where, cname))
        if "ALL" not in sc.get("capabilities", {}).get("drop", []):
            errors.append("%s: %s: capabilities do not drop ALL" % (where, cname))
        for kind in ("requests", "limits"):
            for res in ("cpu", "memory"):
                if res not in c.get("resources", {}).get(kind, {}):
                    errors.append("%s: %s: no resources.%s.%s" % (where, cname, kind, res))
        if c.get("image", "").split(":")[0].split("/")[-1] != "driftwatch":
            continue
        args = c.get("args", [])
        sub = args[0] if args else ""
        probes = {k: c.get(k, {}).get("httpGet", {}).get("path") for k in ("livenessProbe", "readinessProbe")}
        wanted = {"collector": {"livenessProbe": "/healthz", "readinessProbe": "/readyz"},
                  "agent": {"livenessProbe": "/healthz", "readinessProbe": "/healthz"}}.get(sub)
        if wanted is None:
            errors.append("%s: %s: driftwatch runs %r, not collector or agent" % (where, cname, sub))
        elif probes != wanted:
            errors.append("%s: %s: probes %s, expected %s" % (where, cname, probes, wanted))
        if binary and sub in ("collector", "agent"):
            text = help_text(sub)
            for flag in (a for a in args if a.startswith("--")):
                if not re.search(r"(^|\s)%s[\s,]" % re.escape(flag.split("=")[0]), text):
                    errors.append("%s: %s: `driftwatch %s --help` lists no %s" % (where, cname, sub, flag))
    for c in pod["containers"]:
        for k in ("livenessProbe", "readinessProbe", "startupProbe"):
            port = c.get(k, {}).get("httpGet", {}).get("port")
            if isinstance(port, str) and port not in ports:
                errors.append("%s: %s: %s uses port %s, which no container names" % (where, name, k, port))
    if annotations.get("prometheus.io/scrape") != "true" or annotations.get("prometheus.io/path") != "/metrics":
        errors.append("%s: %s: no prometheus.io/scrape and path annotations" % (where, name))
    elif int(annotations.get("prometheus.io/port", "0")) not in ports.values():
        errors.append("%s: %s: prometheus.io/port is no container port" % (where, name))
    return template["metadata"].get("labels", {}), ports


# Without a kustomize renderer, the rules are checked on each kustomization's own manifest files.
sets = [(item.split("=", 1)[0], load_all(item.split("=", 1)[1])) for item in rendered]
if not rendered:
    sets = [(kdir, [d for path in files for d in load_all(path)]) for kdir, files in sorted(per_dir.items())]
for kdir, docs in sets:
    pods = []
    for doc in docs:
        if rendered:
            validate(doc, kdir)
        if doc["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
            pods.append(check_workload(doc, kdir))
            if doc["kind"] == "StatefulSet":
                service = doc["spec"].get("serviceName")
                if not any(d["kind"] == "Service" and d["metadata"]["name"] == service
                           and d["spec"].get("clusterIP") == "None" for d in docs):
                    errors.append("%s: StatefulSet %s: no headless Service %s" % (kdir, doc["metadata"]["name"], service))
                if not doc["spec"].get("volumeClaimTemplates"):
                    errors.append("%s: StatefulSet %s: no volumeClaimTemplates" % (kdir, doc["metadata"]["name"]))
        if doc["kind"] == "ConfigMap" and binary:
            for key, text in doc.get("data", {}).items():
                if key.endswith((".yaml", ".yml")):
                    with tempfile.NamedTemporaryFile("w", suffix="-" + key, delete=False) as f:
                        f.write(text)
                    check = subprocess.run([binary, "config", "check", f.name], capture_output=True, text=True)
                    os.unlink(f.name)
                    if check.returncode != 0:
                        errors.append("%s: ConfigMap %s key %s: driftwatch config check: %s"
                                      % (kdir, doc["metadata"]["name"], key, (check.stdout + check.stderr).strip()))
                    else:
                        print("    %s: ConfigMap %s key %s: %s" % (kdir, doc["metadata"]["name"], key, check.stdout.strip()))
    for doc in docs:
        if doc["kind"] != "Service":
            continue
        sel = doc["spec"].get("selector", {})
        matching = [ports for labels, ports in pods if sel and all(labels.get(k) == v for k, v in sel.items())]
        if not matching:
            errors.append("%s: Service %s selects no pod template" % (kdir, doc["metadata"]["name"]))
        for p in doc["spec"].get("ports", []):
            target = p.get("targetPort", p["port"])
            if not any(target in (ports.keys() if isinstance(target, str) else ports.values()) for ports in matching):
                errors.append("%s: Service %s port %s targets %s, which the pods do not expose"
                              % (kdir, doc["metadata"]["name"], p.get("name"), target))
    print("    %s: %d objects %s, deployment rules checked"
          % (kdir, len(docs), "rendered and valid against the schema" if rendered else "in its own files"))

for e in errors:
    print("FAIL: " + e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
    fail "Kubernetes manifests (above)"
fi

# ---- systemd -------------------------------------------------------------------------------------------------
echo "==> systemd units (systemd-analyze verify, security --offline)"
executable="${binary:-/bin/true}"
units="$work/systemd"
mkdir -p "$units"
for unit in deploy/systemd/*.service; do
    sed "s#/usr/local/bin/driftwatch#$executable#g" "$unit" >"$units/$(basename "$unit")"
done
for unit in driftwatch-collector.service driftwatch-agent@example-model.service; do
    # systemd 252 prints unknown keys and unparsable values as warnings and still exits 0: any output fails.
    if ! output="$(systemd-analyze verify --man=no "$units/$unit" 2>&1)" || [[ -n $output ]]; then
        fail "systemd-analyze verify $unit: $output"
    else
        echo "    verify $unit: clean"
    fi
    if ! score="$(systemd-analyze security --offline=true --no-pager --threshold=$SYSTEMD_EXPOSURE_THRESHOLD "$units/$unit" 2>&1 | grep 'Overall exposure')"; then
        fail "systemd-analyze security $unit: exposure above $((SYSTEMD_EXPOSURE_THRESHOLD / 10)).$((SYSTEMD_EXPOSURE_THRESHOLD % 10)): $score"
    else
        echo "    security: ${score#→ }"
    fi
done
if [[ -n $binary ]]; then
    # The flags in the units and in the example environment files must be ones driftwatch knows.
    for pair in "collector:deploy/systemd/driftwatch-collector.service deploy/systemd/collector.env" \
        "agent:deploy/systemd/driftwatch-agent@.service deploy/systemd/agent-example.env"; do
        sub="${pair%%:*}"
        help="$("$binary" "$sub" --help)"
        for flag in $(grep -v '^\s*#' ${pair#*:} | grep -oE '(^|[ =])--[a-z][a-z-]*' | tr -d ' =' | sort -u); do
            grep -qE -- "(^|[[:space:]])$flag[[:space:],]" <<<"$help" || fail "$sub: $flag is not a flag of driftwatch $sub"
        done
    done
    echo "    every flag in the units and environment files is listed by driftwatch collector/agent --help"
fi

# ---- Docker --------------------------------------------------------------------------------------------------
echo "==> Dockerfile (BuildKit parser, dockerfile $DOCKERFILE_PARSER_VERSION)"
if ! python3 - deploy/docker/Dockerfile <<'PY'; then
import sys
import dockerfile

path = sys.argv[1]
commands = dockerfile.parse_file(path)
stages = [c for c in commands if c.cmd == "FROM"]
errors = []
if len(stages) < 2:
    errors.append("expected a multi-stage build, found %d FROM" % len(stages))
last = max(c.start_line for c in stages)
final = [c for c in commands if c.start_line > last]
runs = lambda cs: " ".join(" ".join(c.value) for c in cs if c.cmd == "RUN")
if "libzmq3-dev" not in runs([c for c in commands if c.start_line < last]):
    errors.append("the build stage does not install libzmq3-dev")
if "libzmq5" not in runs(final):
    errors.append("the runtime stage does not install libzmq5")
users = [c.value[0] for c in final if c.cmd == "USER"]
if not users or users[-1].split(":")[0] in ("root", "0"):
    errors.append("the runtime stage does not switch to a non-root USER")
if not any(c.cmd == "COPY" and any(f.startswith("--from=") for f in c.flags) for c in final):
    errors.append("the runtime stage copies nothing from the build stage")
for e in errors:
    print("FAIL: %s: %s" % (path, e), file=sys.stderr)
print("    %s: %d instructions, %d stages, runtime user %s" % (path, len(commands), len(stages), users[-1] if users else "-"))
sys.exit(1 if errors else 0)
PY
    fail "Dockerfile (above)"
fi
if docker info >/dev/null 2>&1; then
    docker build -f deploy/docker/Dockerfile -t driftwatch:validate . || fail "docker build"
else
    echo "    NOTE: no Docker engine answers here: the image is not built"
fi

if ((failures)); then
    echo "==> deploy validation FAILED ($failures)" >&2
    exit 1
fi
echo "==> deploy validation passed"
