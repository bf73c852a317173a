-- What each successful marts build (ingest/marts_build.py) was built from, so that the next
-- build runs only the part of the dbt project downstream of what changed since.
create schema if not exists audit;

create table if not exists audit.marts_builds (
    build_id     bigserial primary key,
    target       text not null,            -- dbt target (KUMKM_DBT_TARGET): prod, dev, ci
    finished_at  timestamptz not null default now(),
    kind         text not null check (kind in ('full', 'selective', 'none')),
    reason       text not null,            -- why full / what changed, as logged
    nodes        integer not null,         -- models, snapshots, seeds and tests run
    inputs       jsonb not null,           -- fingerprint of each input when the build started
    manifest_id  text                      -- invocation_id of the target's manifest.json it left
);

create index if not exists marts_builds_target on audit.marts_builds (target, build_id desc);
