"""The marts build: `dbt build` of the part of the project downstream of what changed.

Each successful build records in audit.marts_builds a fingerprint of every input it was built
from (ingest/ddl/100_marts_builds.sql). The next build compares them with the inputs now:

- the submission log of each dataset (the rows of raw.submissions of that dataset: the loader
  and the gate change a dataset's rows in raw only together with its log rows, the rule
  intermediate.int_umkm_register_counts already stands on), and the whole log;
- the rows of the BPS tables (small);
- the compliance date (KUMKM_AS_OF, else today in Asia/Jakarta: macros/compliance_as_of.sql);
- the dbt project's files, dbt's version and the applied warehouse migrations.

A full build runs when there is no earlier build of this target, when the project, dbt or
the migrations changed, when the target's manifest.json is not the one the last build left
(the graph below is read from it), when a dbt source has no fingerprint here, or on request.
Otherwise the build runs the tables, incremental models and snapshots downstream of the
changed inputs, and the data tests of every node downstream of them (views included):

- downstream of a dataset's table (`source:submissions.umkm+`) when its log changed;
- when any log row changed, the nodes downstream of the log tables (raw.submissions,
  raw.submissions_in_force, raw.quarantine) that read no dataset table: submission
  compliance, the in-force snapshot, ... The nodes that also read a dataset table read the
  log of their datasets only (the rule this selection stands on; tests/dbt/test_marts_build.py
  proves it against full builds);
- downstream of a BPS table whose rows changed, and of the models that use
  compliance_as_of() when the date changed.

Views are not re-created (they read raw live; only a code change, i.e. a full build, alters
them; re-creating one would drop the views on top of it, as dbt drops the old one with
CASCADE), except those downstream of compliance_as_of() when the date changed (a pinned date
is compiled into their SQL); unit tests do not run (they test the code, unchanged since the
last build).
When nothing changed, dbt does not run. Every decision is logged and recorded ("full build:
<reason>", "selective build: N models downstream of umkm, ...", "nothing changed ...").
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path

from psycopg import sql
from psycopg.types.json import Jsonb

from ingest import dbt_runner, warehouse
from ingest.submissions.datasets import DATASETS

log = logging.getLogger(__name__)

LOG = "submissions"  # input key: any row of raw.submissions
LOG_TABLES = ("submissions", "submissions_in_force", "quarantine")  # follow the log
BPS_TABLES = ("bps_observations", "bps_fetches")  # small: fingerprinted by their rows
AS_OF = "as_of"
AS_OF_MACRO = "macro.kumkm.compliance_as_of"
BUILT = ("model", "seed", "snapshot")
PROJECT_SKIP = ("target", "logs", "dbt_packages")


@dataclass
class Plan:
    kind: str  # full | selective | none
    reason: str
    inputs: dict[str, str]
    select: list[str] = field(default_factory=list)  # node names; empty: the whole project
    built: list[str] = field(default_factory=list)  # models, snapshots, seeds (selective)
    tests: int = 0

    @property
    def summary(self) -> str:
        """What the log says: "full build: <reason>", "selective build: built N models ...",
        or the reason alone when dbt does not run."""
        return self.reason if self.kind == "none" else f"{self.kind} build: {self.reason}"

    @property
    def nodes(self) -> int:
        return len(self.built) + self.tests

    def as_dict(self) -> dict:
        out = asdict(self)
        del out["inputs"], out["select"]
        return out


def target_name() -> str:
    return os.environ.get("KUMKM_DBT_TARGET") or "prod"


def default_target_path() -> Path:
    """Where dbt writes manifest.json: DBT_TARGET_PATH (relative to the project), else target/."""
    return dbt_runner.DBT_PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")


def project_fingerprint() -> str:
    """sha256 of the dbt project's files (not target/, logs/) and dbt's versions."""
    digest = hashlib.sha256(f"{version('dbt-core')}|{version('dbt-postgres')}".encode())
    root = dbt_runner.DBT_PROJECT_DIR
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in PROJECT_SKIP or not path.is_file():
            continue
        digest.update(f"\0{rel.as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def current_inputs(conn) -> dict[str, str]:
    """A fingerprint of each input of the marts (see the module's docstring)."""
    inputs = {"project": project_fingerprint()}
    inputs["migrations"] = conn.execute(
        "select md5(string_agg(file_name || ':' || sha256, '|' order by file_name)) "
        "from audit.schema_migrations"
    ).fetchone()[0]
    # the compliance date as macros/compliance_as_of.sql computes it
    inputs[AS_OF] = conn.execute(
        "select coalesce(nullif(%s, '')::date, (now() at time zone 'Asia/Jakarta')::date)::text",
        (os.environ.get("KUMKM_AS_OF", ""),),
    ).fetchone()[0]
    per_dataset = conn.execute(
        "select coalesce(dataset, ''), md5(string_agg(s::text, '|' order by submission_id)) "
        "from raw.submissions as s group by 1 order by 1"
    ).fetchall()
    for dataset, digest in per_dataset:
        inputs[f"{LOG}:{dataset}"] = digest
    inputs[LOG] = hashlib.md5("|".join(f"{d}:{h}" for d, h in per_dataset).encode()).hexdigest()
    for table in BPS_TABLES:
        inputs[f"bps:{table}"] = conn.execute(
            sql.SQL(
                "select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from {} as t"
            ).format(sql.Identifier("raw", table))
        ).fetchone()[0]
    return inputs


def input_of(source: dict) -> str | None:
    """The input key whose fingerprint covers a dbt source table; None: none does."""
    schema, table = source["source_name"], source["name"]
    if schema == "submissions" and table in DATASETS:
        return f"{LOG}:{table}"
    if schema == "submissions" and table in LOG_TABLES:
        return LOG
    if schema == "bps" and table in BPS_TABLES:
        return f"bps:{table}"
    return None


def describe(key: str) -> str:
    if key == LOG:
        return "the submission log"
    if key.startswith(f"{LOG}:"):
        return key.partition(":")[2] or "submissions without a dataset"
    if key == AS_OF:
        return "the compliance date"
    return key.replace("bps:", "raw.")


def plan(conn, target_path: Path, *, full: bool = False) -> Plan:
    """What the next build runs, from the last recorded build of this target."""
    inputs = current_inputs(conn)
    last = conn.execute(
        "select inputs, manifest_id, build_id, finished_at from audit.marts_builds "
        "where target = %s order by build_id desc limit 1",
        (target_name(),),
    ).fetchone()

    def whole(reason: str) -> Plan:
        return Plan("full", reason, inputs)

    if full:
        return whole("requested")
    if last is None:
        return whole(f"no earlier build of target {target_name()} recorded")
    before, manifest_id, build_id, finished_at = last
    if before.get("project") != inputs["project"]:
        return whole("the dbt project or dbt's version changed since the last build")
    if before.get("migrations") != inputs["migrations"]:
        return whole("warehouse migrations were applied since the last build")
    manifest = _manifest(target_path)
    if manifest is None or manifest["metadata"].get("invocation_id") != manifest_id:
        return whole(f"{target_path / 'manifest.json'} is not the one the last build left")
    keys = {uid: input_of(src) for uid, src in manifest["sources"].items()}
    if unknown := sorted(uid for uid, key in keys.items() if key is None):
        return whole(f"no change fingerprint for source(s) {', '.join(unknown)}")

    changed = sorted(k for k in set(inputs) | set(before) if inputs.get(k) != before.get(k))
    since = f"since build {build_id} ({finished_at:%Y-%m-%d %H:%M %Z})"
    if not changed:
        return Plan("none", f"nothing changed {since}: dbt not run", inputs)
    affected, dated = _affected(manifest, keys, set(changed))
    nodes = manifest["nodes"]
    built = sorted(
        nodes[uid]["name"]
        for uid in affected
        if uid in nodes
        and nodes[uid]["resource_type"] in BUILT
        and (nodes[uid]["config"].get("materialized") not in ("view", "ephemeral") or uid in dated)
    )
    tests = sorted(
        node["name"]
        for node in nodes.values()
        if node["resource_type"] == "test" and affected & set(node["depends_on"]["nodes"])
    )
    data = [k for k in changed if k.startswith((f"{LOG}:", "bps:", AS_OF))]
    what = ", ".join(describe(k) for k in data + [k for k in changed if k == LOG])
    if not built and not tests:
        return Plan("none", f"only {what} changed {since}, which no node reads", inputs)
    reason = (
        f"built {len(built)} models downstream of {what} "
        f"({', '.join(built) or 'none'}) and ran {len(tests)} tests; {since}"
    )
    return Plan("selective", reason, inputs, select=built + tests, built=built, tests=len(tests))


def _manifest(target_path: Path) -> dict | None:
    try:
        return json.loads((target_path / "manifest.json").read_text())
    except (OSError, ValueError):
        return None


def _affected(manifest: dict, keys: dict[str, str], changed: set[str]) -> tuple[set[str], set[str]]:
    """The sources and nodes whose contents may differ from the last build's; the nodes
    downstream of compliance_as_of() when the date changed (a pinned KUMKM_AS_OF is compiled
    into their SQL: their views are re-created too, with the views on top of them)."""
    children = manifest["child_map"]

    def downstream(starts: Iterable[str]) -> set[str]:
        seen, todo = set(), list(starts)
        while todo:
            uid = todo.pop()
            if uid not in seen:
                seen.add(uid)
                todo.extend(children.get(uid, ()))
        return seen

    datasets = {uid for uid, key in keys.items() if key.startswith(f"{LOG}:")}
    affected = downstream(uid for uid, key in keys.items() if key in changed and key != LOG)
    if LOG in changed:
        log_sources = (uid for uid, key in keys.items() if key == LOG)
        affected |= downstream(log_sources) - downstream(datasets)
    dated = set()
    if AS_OF in changed:
        dated = downstream(
            uid
            for uid, node in manifest["nodes"].items()
            if AS_OF_MACRO in node.get("depends_on", {}).get("macros", ())
        )
    return affected | dated, dated


def build(conninfo: str, *, target_path: Path | None = None, full: bool = False) -> Plan:
    """Build the marts (the part of the project `plan` selects); record the build; the plan.

    Raises dbt_runner.DbtFailed when dbt fails (nothing is recorded: the next build starts
    again from the last successful one)."""
    target_path = target_path or default_target_path()
    with warehouse.connect(conninfo) as conn:
        p = plan(conn, target_path, full=full)
    log.info("marts: %s", p.summary)
    if p.kind == "full":
        dbt_runner.build(conninfo, target_path=target_path)
        p.built, p.tests = _run_counts(target_path)
    elif p.kind == "selective":
        dbt_runner.build(
            conninfo, *p.select, exclude=("resource_type:unit_test",), target_path=target_path
        )
    manifest = _manifest(target_path) or {"metadata": {}}
    with warehouse.connect(conninfo) as conn:
        conn.execute(
            """insert into audit.marts_builds (target, kind, reason, nodes, inputs, manifest_id)
               values (%s, %s, %s, %s, %s, %s)""",
            (
                target_name(),
                p.kind,
                p.reason,
                p.nodes,
                Jsonb(p.inputs),
                manifest["metadata"].get("invocation_id"),
            ),
        )
    return p


def _run_counts(target_path: Path) -> tuple[list[str], int]:
    """(the models, snapshots and seeds built, the number of tests) of the last dbt run."""
    try:
        results = json.loads((target_path / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        return [], 0
    built = sorted(
        r["unique_id"].split(".")[-1]
        for r in results
        if r["unique_id"].startswith(tuple(f"{t}." for t in BUILT))
    )
    return built, sum(r["unique_id"].startswith(("test.", "unit_test.")) for r in results)
