# syntax=docker/dockerfile:1
# Airflow image for the KUMKM Warehouse stack (docker-compose.yml): the official Airflow image
# plus this project. The tag must match apache-airflow in pyproject.toml and constraints.txt
# (tests/test_docker_compose.py checks it).
#
# The project is installed *editable* from /opt/kumkm with our own constraints.txt, as the
# airflow user. Editable on purpose: ingest/config.py finds dbt_project/ and expectations/
# next to the package (PROJECT_ROOT = the folder above ingest/), so the package has to stay in
# a source tree rather than be copied into site-packages. docker-compose.yml bind-mounts the
# working copy's dags/, ingest/, dbt_project/ and expectations/ over the copies baked in
# here, so code changes need no rebuild; dependency changes (pyproject.toml, constraints.txt)
# do: `docker compose build`.
FROM apache/airflow:3.3.2-python3.11

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Runtime folders; group 0 writable because compose runs the containers as ${AIRFLOW_UID}:0.
USER root
RUN mkdir -p /opt/kumkm/ingest /opt/kumkm/state /opt/kumkm/dropzone /opt/kumkm/extracts \
    && touch /opt/kumkm/ingest/__init__.py \
    && chown -R airflow:0 /opt/kumkm \
    && chmod -R g+rwX /opt/kumkm

USER airflow
WORKDIR /opt/kumkm

# Dependencies first, from the project metadata alone (with a stub package), so that code
# changes reuse this layer. apache-airflow is pinned in constraints.txt to the image's version,
# so pip keeps the Airflow that ships in the image.
COPY --chown=airflow:0 pyproject.toml constraints.txt ./
RUN pip install -c constraints.txt -e .

COPY --chown=airflow:0 ingest/ ingest/
COPY --chown=airflow:0 dags/ dags/
COPY --chown=airflow:0 dbt_project/ dbt_project/
COPY --chown=airflow:0 expectations/ expectations/

# Fail the build, not the first DAG run, if the install is broken: the package resolves to
# this source tree, the image's Celery provider survived our constraints, dbt runs.
RUN python -c "import airflow.providers.celery, ingest.config as c; \
assert str(c.PROJECT_ROOT) == '/opt/kumkm', c.PROJECT_ROOT" \
    && dbt --version

# Back to the official image's working directory for the Airflow components.
WORKDIR /opt/airflow
