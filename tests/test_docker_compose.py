"""The Docker stack's structure: docker-compose.yml, Dockerfile, .env.example, .dockerignore.

There is no Docker engine in CI, so these tests read the files (YAML, Dockerfile, TOML) and
check what `docker compose up` relies on: the Airflow 3 CeleryExecutor services and a separate
warehouse PostgreSQL, pinned images, health checks, start-up order, the project mounts where
ingest/config.py expects them, and no default credentials (issue 8): every secret is a
required `${VAR:?...}` from .env, and the UI listens on 127.0.0.1 only.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"

INFRA_SERVICES = {"postgres", "redis", "warehouse"}
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
    "airflow-init",
}
ONE_SHOT = {"airflow-init"}
LONG_RUNNING_AIRFLOW = AIRFLOW_SERVICES - ONE_SHOT
# Services that run project code (DAG parsing, tasks, triggers) and so need the mounts.
RUNS_PROJECT_CODE = {
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-worker",
    "airflow-triggerer",
}
PROJECT_DIRS = ("dags", "ingest", "dbt_project", "expectations")

# Required secrets: no default anywhere, compose refuses to start without them.
REQUIRED_SECRETS = {
    "AIRFLOW_ADMIN_PASSWORD",
    "AIRFLOW_DB_PASSWORD",
    "WAREHOUSE_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_API_SECRET_KEY",
    "AIRFLOW_JWT_SECRET",
}
# Optional secrets: passed through from the user's environment / .env, empty by default.
OPTIONAL_SECRETS = {"BPS_API_KEY", "ALERT_WEBHOOK_URL"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|API_KEY|WEBHOOK", re.IGNORECASE)


# --- compose variable interpolation ---------------------------------------------------------

_DOLLAR = re.compile(r"\$(?:\$|\{(?P<braced>[^}]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)|)")
_BRACED = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


@dataclass(frozen=True)
class Ref:
    name: str
    op: str  # "", ":-", "-", ":?", "?", ":+", "+"
    arg: str  # default / error message / alternative

    @property
    def required(self) -> bool:
        return self.op in (":?", "?")


def references(text: str) -> list[Ref]:
    """The `${VAR...}` / `$VAR` references in one compose value (`$$` is a literal `$`)."""
    refs = []
    for m in _DOLLAR.finditer(text):
        if m.group(0) == "$$":
            continue
        if m["bare"]:
            refs.append(Ref(m["bare"], "", ""))
            continue
        assert m["braced"] is not None, f"lone '$' in {text!r}: compose rejects it (use $$)"
        inner = _BRACED.fullmatch(m["braced"])
        assert inner, f"malformed interpolation ${{{m['braced']}}} in {text!r}"
        refs.append(Ref(inner["name"], inner["op"] or "", inner["arg"] or ""))
    return refs


class MissingRequired(Exception):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation of one value (enough of it for this file)."""

    def sub(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        ref = references(m.group(0))[0]
        value = env.get(ref.name)
        # With a colon, an empty value counts as unset.
        is_set = bool(value) if ref.op.startswith(":") else value is not None
        if ref.op.endswith("-"):
            return value if is_set else ref.arg
        if ref.op.endswith("?"):
            if not is_set:
                raise MissingRequired(f"{ref.name}: {ref.arg}")
            return value
        if ref.op.endswith("+"):
            return ref.arg if is_set else ""
        return value or ""

    return _DOLLAR.sub(sub, text)


def strings(node) -> list[str]:
    """Every string value in a parsed YAML tree (compose interpolates values, not keys)."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return []


def resolve(node, env: dict[str, str]):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {k: resolve(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v, env) for v in node]
    return node


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict[str, dict]:
    return compose["services"]


def parse_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        assert sep, f"{path.name}: not NAME=value: {line!r}"
        values[name.strip()] = value.strip()
    return values


@pytest.fixture(scope="module")
def example_env() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="module")
def filled_env(example_env) -> dict[str, str]:
    """.env.example with every required secret filled in, as the user is told to."""
    return {**example_env, **{name: f"test-{name.lower()}" for name in REQUIRED_SECRETS}}


@pytest.fixture(scope="module")
def resolved_services(compose, filled_env) -> dict[str, dict]:
    return resolve(compose, filled_env)["services"]


def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool

    @property
    def is_bind(self) -> bool:
        return self.source.startswith((".", "/", "~"))


def mounts_of(service: dict) -> list[Mount]:
    mounts = []
    for vol in service.get("volumes") or []:
        if isinstance(vol, dict):
            mounts.append(Mount(vol["source"], vol["target"], bool(vol.get("read_only"))))
            continue
        parts = vol.split(":")
        assert len(parts) in (2, 3), f"unexpected volume syntax {vol!r}"
        mode = parts[2] if len(parts) == 3 else "rw"
        mounts.append(Mount(parts[0], parts[1], "ro" in mode.split(",")))
    return mounts


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    assert isinstance(deps, dict), "depends_on must use the long form with a condition"
    return {name: spec.get("condition") for name, spec in deps.items()}


def healthcheck_cmd(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, list):
        return " ".join(test[1:]) if test[0] in ("CMD", "CMD-SHELL") else ""
    return test or ""


def published_ports(service: dict) -> list[tuple[str, str, str]]:
    """(host_ip, host_port, container_port) of each published port (already interpolated)."""
    out = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            out.append((port.get("host_ip", ""), str(port.get("published", "")), port["target"]))
            continue
        parts = str(port).split(":")
        if len(parts) == 3:
            out.append((parts[0], parts[1], parts[2]))
        elif len(parts) == 2:
            out.append(("", parts[0], parts[1]))
        else:
            out.append(("", "", parts[0]))
    return out


def inside(path: str, folder: str) -> bool:
    return PurePosixPath(path).is_relative_to(PurePosixPath(folder))


def airflow_version_pins() -> dict[str, str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = {}
    for dep in pyproject["project"]["dependencies"]:
        m = re.fullmatch(r"apache-airflow\s*==\s*([\w.]+)", dep.strip())
        if m:
            pins["pyproject.toml"] = m[1]
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        m = re.fullmatch(r"apache-airflow==([\w.]+)", line.strip())
        if m:
            pins["constraints.txt"] = m[1]
    python = re.search(r">=\s*(\d+\.\d+)", pyproject["project"]["requires-python"])
    pins["python"] = python[1]
    return pins


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def project_root_in_image() -> str:
    """WORKDIR where the Dockerfile installs the project (= ingest.config.PROJECT_ROOT)."""
    workdir, install_workdir = "/", None
    for word, args in dockerfile_instructions():
        if word == "WORKDIR":
            workdir = args
        if word == "RUN" and "pip install" in args and "constraints.txt" in args:
            install_workdir = workdir
    assert install_workdir, "no `pip install -c constraints.txt` RUN in the Dockerfile"
    return install_workdir


# --- services, images ---------------------------------------------------------------------


def test_every_required_service_exists(services):
    missing = (INFRA_SERVICES | AIRFLOW_SERVICES) - set(services)
    assert not missing, f"services missing from docker-compose.yml: {sorted(missing)}"


def test_airflow_services_run_the_right_commands(services):
    commands = {name: services[name].get("command") for name in LONG_RUNNING_AIRFLOW}
    assert commands == {
        "airflow-apiserver": "api-server",
        "airflow-scheduler": "scheduler",
        "airflow-dag-processor": "dag-processor",
        "airflow-worker": "celery worker",
        "airflow-triggerer": "triggerer",
    }


def test_every_image_is_pinned(services):
    for name, service in services.items():
        image = service.get("image")
        assert image, f"{name}: no image"
        assert "$" not in image, f"{name}: image {image!r} depends on a variable"
        repo, sep, tag = image.rpartition(":")
        assert sep and "/" not in tag, f"{name}: image {image!r} has no tag"
        assert tag != "latest" and "latest" not in tag, f"{name}: {image!r} floats"
        assert re.match(r"\d+\.\d+", tag), f"{name}: tag of {image!r} is not a version"
    for name in ("postgres", "warehouse"):
        image = services[name]["image"]
        assert re.fullmatch(r"postgres:16\.\d+(-[a-z]+)?", image), (
            f"{name}: expected postgres:16.<minor>, got {image!r}"
        )
    assert re.fullmatch(r"redis:7\.\d+\.\d+(-[a-z]+)?", services["redis"]["image"])


def test_airflow_image_is_built_from_the_dockerfile(services):
    version = airflow_version_pins()["pyproject.toml"]
    for name in AIRFLOW_SERVICES:
        build = services[name].get("build")
        assert build, f"{name}: not built from the project Dockerfile"
        if isinstance(build, str):
            build = {"context": build}
        dockerfile = ROOT / build["context"] / build.get("dockerfile", "Dockerfile")
        assert dockerfile.resolve() == DOCKERFILE, f"{name}: builds {dockerfile}"
        tag = services[name]["image"].rpartition(":")[2]
        assert tag == version, f"{name}: local image tag {tag!r} != apache-airflow {version}"


# --- health checks and start-up order ---------------------------------------------------------


def test_every_long_running_service_has_a_healthcheck(services):
    for name, service in services.items():
        if name in ONE_SHOT:
            continue
        assert healthcheck_cmd(service), f"{name}: no healthcheck"
        assert not service["healthcheck"].get("disable"), f"{name}: healthcheck disabled"
        assert service.get("restart") in ("always", "unless-stopped"), f"{name}: no restart"


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ("postgres", ["pg_isready"]),
        ("warehouse", ["pg_isready"]),
        ("redis", ["redis-cli", "ping"]),
        ("airflow-apiserver", ["curl", "localhost:8080/api/v2/monitor/health"]),
        ("airflow-scheduler", ["airflow jobs check", "--job-type SchedulerJob"]),
        ("airflow-dag-processor", ["airflow jobs check", "--job-type DagProcessorJob"]),
        ("airflow-triggerer", ["airflow jobs check", "--job-type TriggererJob"]),
        ("airflow-worker", ["celery", "inspect ping", "celery@$${HOSTNAME}"]),
    ],
)
def test_healthcheck_commands(services, service, expected):
    cmd = healthcheck_cmd(services[service])
    for part in expected:
        assert part in cmd, f"{service}: healthcheck {cmd!r} lacks {part!r}"


def test_depends_on_uses_conditions_on_real_services(services):
    for name, service in services.items():
        for dep, condition in depends_on(service).items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            if dep in ONE_SHOT:
                assert condition == "service_completed_successfully", f"{name} -> {dep}"
            else:
                assert condition == "service_healthy", f"{name} -> {dep}: {condition}"
                assert healthcheck_cmd(services[dep]), f"{name} waits on {dep}: no healthcheck"


def test_init_runs_before_the_other_airflow_services(services):
    for name in LONG_RUNNING_AIRFLOW:
        deps = depends_on(services[name])
        assert deps.get("airflow-init") == "service_completed_successfully", name
        assert deps.get("postgres") == "service_healthy", name
        assert deps.get("redis") == "service_healthy", name
    init_deps = depends_on(services["airflow-init"])
    assert init_deps.get("postgres") == "service_healthy"
    assert not set(init_deps) & AIRFLOW_SERVICES, "airflow-init must not wait on Airflow"
    worker = depends_on(services["airflow-worker"])
    assert worker.get("warehouse") == "service_healthy"
    assert worker.get("airflow-apiserver") == "service_healthy"  # the execution API


def test_start_up_order_has_no_cycle(services):
    graph = {name: set(depends_on(service)) for name, service in services.items()}
    done: set[str] = set()
    while graph.keys() - done:
        ready = {n for n in graph.keys() - done if graph[n] <= done}
        assert ready, f"dependency cycle among {sorted(graph.keys() - done)}"
        done |= ready


def test_init_migrates_and_sets_the_admin_password(services):
    init = services["airflow-init"]
    script = " ".join(init["command"]) if isinstance(init["command"], list) else init["command"]
    assert "airflow db migrate" in script
    env = env_of(init)
    assert env["AIRFLOW_ADMIN_PASSWORD"].startswith("${AIRFLOW_ADMIN_PASSWORD:?")
    assert "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE" in script
    assert "AIRFLOW_ADMIN_PASSWORD" in script
    # Only init sees the admin password (not the workers running DAG code).
    for name, service in services.items():
        if name != "airflow-init":
            assert "AIRFLOW_ADMIN_PASSWORD" not in env_of(service), name


def test_ui_uses_the_password_file_written_by_init(resolved_services):
    api_env = env_of(resolved_services["airflow-apiserver"])
    assert api_env["AIRFLOW__CORE__AUTH_MANAGER"].endswith(".SimpleAuthManager")
    assert api_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"].lower() == "false"
    assert re.fullmatch(r"[^:,\s]+:admin", api_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"])
    path = api_env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"]

    def volume_holding(service: str) -> str:
        for m in mounts_of(resolved_services[service]):
            if inside(path, m.target) and not m.is_bind and not m.read_only:
                return m.source
        raise AssertionError(f"{service}: {path} is not on a writable named volume")

    assert volume_holding("airflow-init") == volume_holding("airflow-apiserver")


# --- executor, databases, mounts -----------------------------------------------------------


def test_celery_executor_configuration(resolved_services):
    for name in AIRFLOW_SERVICES:
        env = env_of(resolved_services[name])
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert urlsplit(env["AIRFLOW__CELERY__BROKER_URL"]).hostname == "redis", name
        backend = urlsplit(env["AIRFLOW__CELERY__RESULT_BACKEND"])
        assert backend.scheme == "db+postgresql" and backend.hostname == "postgres", name
        assert env["AIRFLOW__CORE__LOAD_EXAMPLES"].lower() == "false", name
        assert (
            env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"]
            == "http://airflow-apiserver:8080/execution/"
        ), name


def test_warehouse_is_a_separate_postgres(services, resolved_services):
    meta, wh = resolved_services["postgres"], resolved_services["warehouse"]
    meta_env, wh_env = env_of(meta), env_of(wh)
    for name in AIRFLOW_SERVICES:
        env = env_of(resolved_services[name])
        conn = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        assert conn.hostname == "postgres" and conn.path == f"/{meta_env['POSTGRES_DB']}", name
        assert conn.username == meta_env["POSTGRES_USER"], name
        url = urlsplit(env["WAREHOUSE_URL"])
        assert url.scheme == "postgresql" and url.hostname == "warehouse", name
        assert url.port == 5432 and url.path == f"/{wh_env['POSTGRES_DB']}", name
        assert url.username == wh_env["POSTGRES_USER"], name
        assert url.password == wh_env["POSTGRES_PASSWORD"], name
    # Separate data: each server its own named volume; separate credentials.
    meta_data = [m.source for m in mounts_of(meta) if m.target == "/var/lib/postgresql/data"]
    wh_data = [m.source for m in mounts_of(wh) if m.target == "/var/lib/postgresql/data"]
    assert meta_data and wh_data and meta_data != wh_data
    assert not any(m.is_bind for m in mounts_of(wh))
    meta_pw = references(env_of(services["postgres"])["POSTGRES_PASSWORD"])[0].name
    wh_pw = references(env_of(services["warehouse"])["POSTGRES_PASSWORD"])[0].name
    assert meta_pw != wh_pw


def test_named_volumes_are_declared(compose, resolved_services):
    declared = set(compose.get("volumes") or {})
    for name, service in resolved_services.items():
        for m in mounts_of(service):
            if not m.is_bind:
                assert m.source in declared, f"{name}: volume {m.source} not declared"
    assert {"warehouse-db"} <= declared


def test_project_is_mounted_where_ingest_expects_it(resolved_services):
    project_root = project_root_in_image()
    for name in RUNS_PROJECT_CODE:
        service = resolved_services[name]
        env = env_of(service)
        mounts = {m.target: m for m in mounts_of(service)}
        for folder in PROJECT_DIRS:
            target = f"{project_root}/{folder}"
            assert target in mounts, f"{name}: ./{folder} not mounted at {target}"
            m = mounts[target]
            assert (ROOT / m.source).resolve() == ROOT / folder, f"{name}: {m.source}"
            assert (ROOT / folder).is_dir()
            assert m.read_only, f"{name}: ./{folder} should be mounted read-only"
        assert env["AIRFLOW__CORE__DAGS_FOLDER"] == f"{project_root}/dags", name
        # Every folder the code writes to is on a writable mount, none under a read-only one.
        for var in (
            "DROPZONE",
            "EXTRACTS_DIR",
            "KUMKM_STATE_DIR",
            "DBT_TARGET_PATH",
            "DBT_LOG_PATH",
        ):
            path = env[var]
            holders = [m for m in mounts.values() if inside(path, m.target)]
            assert holders, f"{name}: {var}={path} is not on a mounted folder"
            assert not any(m.read_only for m in holders), f"{name}: {var}={path} is read-only"
        for var in ("DROPZONE", "EXTRACTS_DIR"):
            assert mounts[env[var]].is_bind, f"{name}: {var} should be a host folder"


def test_project_settings_passed_through(services):
    for name in AIRFLOW_SERVICES:
        env = env_of(services[name])
        assert env["BPS_API_KEY"] == "${BPS_API_KEY:-}", name
        assert env["ALERT_WEBHOOK_URL"] == "${ALERT_WEBHOOK_URL:-}", name
        assert env["DROPZONE"] and env["WAREHOUSE_URL"], name


# --- credentials, ports -----------------------------------------------------------------------


def test_no_literal_secrets(services):
    for name, service in services.items():
        for key, value in env_of(service).items():
            if SECRET_NAME.search(key) and not key.endswith("_FILE"):
                refs = references(value)
                assert len(refs) == 1 and value == _whole_ref(refs[0]), (
                    f"{name}: {key} must be a single ${{VAR}} reference, not {value!r}"
                )
            for url in re.findall(r"\w[\w+.-]*://\S+", tokenized(value)):
                password = urlsplit(url).password
                if password:
                    assert re.fullmatch(r"__REQUIRED_\w+__", password), (
                        f"{name}: {key} embeds a password that is not a required variable"
                    )


def _whole_ref(ref: Ref) -> str:
    return f"${{{ref.name}{ref.op}{ref.arg}}}"


def tokenized(value: str) -> str:
    """`value` with each reference replaced by a URL-safe token naming its kind."""

    def token(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$$"
        ref = references(m.group(0))[0]
        return f"__{'REQUIRED' if ref.required else 'OPTIONAL'}_{ref.name}__"

    return _DOLLAR.sub(token, value)


def test_secret_variables_are_required_or_empty_by_default(compose):
    seen = set()
    for value in strings(compose):
        for ref in references(value):
            seen.add(ref.name)
            if ref.name in REQUIRED_SECRETS:
                assert ref.op == ":?" and ref.arg.strip(), f"{ref.name} must use ${{VAR:?msg}}"
            elif SECRET_NAME.search(ref.name):
                assert ref.name in OPTIONAL_SECRETS, f"unexpected secret variable {ref.name}"
                assert ref.op == ":-" and ref.arg == "", f"{ref.name} must default to empty"
    assert seen >= REQUIRED_SECRETS | OPTIONAL_SECRETS, sorted(
        (REQUIRED_SECRETS | OPTIONAL_SECRETS) - seen
    )


def test_ports_are_bound_to_localhost(resolved_services):
    for name, service in resolved_services.items():
        for host_ip, _, _ in published_ports(service):
            assert host_ip == "127.0.0.1", f"{name}: port published on {host_ip or 'all'}"
    ui = published_ports(resolved_services["airflow-apiserver"])
    assert [container for *_, container in ui] == ["8080"]
    assert not published_ports(resolved_services["postgres"])
    assert not published_ports(resolved_services["redis"])


# --- .env.example, .dockerignore ------------------------------------------------------------


def test_env_example_lists_every_variable(compose, example_env):
    used = {ref.name for value in strings(compose) for ref in references(value)}
    missing = used - set(example_env)
    assert not missing, f".env.example does not document {sorted(missing)}"
    unused = set(example_env) - used
    assert not unused, f".env.example lists variables compose never reads: {sorted(unused)}"


def test_env_example_holds_no_secrets(example_env):
    for name in REQUIRED_SECRETS | OPTIONAL_SECRETS:
        assert example_env[name] == "", f".env.example must leave {name} empty"
    text = ENV_EXAMPLE.read_text()
    assert "secrets.token_urlsafe" in text, "say how to generate the secrets"
    assert "urlsafe_b64encode" in text, "say how to generate the Fernet key"


def test_unchanged_env_example_refuses_to_start(compose, example_env):
    for name in REQUIRED_SECRETS:
        env = {**example_env, **dict.fromkeys(REQUIRED_SECRETS, "x")}
        env[name] = ""
        with pytest.raises(MissingRequired, match=name):
            resolve(compose, env)


def test_filled_env_resolves_everything(compose, filled_env):
    resolve(compose, filled_env)  # no MissingRequired
    for value in strings(compose):
        for ref in references(value):
            assert ref.name in filled_env or ref.op in (":-", "-"), (
                f"{ref.name} has neither a value in .env.example nor a default"
            )


def test_dockerignore_keeps_secrets_and_state_out_of_the_image():
    patterns = {
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".env", ".venv", ".state", ".git"} <= patterns


# --- Dockerfile ---------------------------------------------------------------------------------


def test_dockerfile_from_matches_the_pinned_airflow():
    pins = airflow_version_pins()
    assert pins["pyproject.toml"] == pins["constraints.txt"], pins
    froms = [args for word, args in dockerfile_instructions() if word == "FROM"]
    assert froms, "Dockerfile has no FROM"
    image = froms[-1].split()[0]
    assert image == f"apache/airflow:{pins['pyproject.toml']}-python{pins['python']}", (
        f"FROM {image} does not match apache-airflow=={pins['pyproject.toml']} "
        f"and Python {pins['python']} (pyproject.toml / constraints.txt)"
    )


def test_dockerfile_installs_the_project_with_constraints():
    user, copied, installs = "root", set(), []
    for word, args in dockerfile_instructions():
        if word == "USER":
            user = args
        elif word == "COPY":
            copied.update(a for a in args.split() if not a.startswith("--"))
        elif word == "RUN" and "pip install" in args:
            installs.append((user, args))
    assert installs, "the Dockerfile installs nothing"
    for user, args in installs:
        assert user == "airflow", f"pip install as {user}: the image wants the airflow user"
        assert re.search(r"-c\s+constraints\.txt", args), f"unconstrained install: {args}"
        assert re.search(r"(-e\s+)?\.(\s|$)", args), f"does not install the project: {args}"
    assert {"pyproject.toml", "constraints.txt", "ingest/"} <= copied
