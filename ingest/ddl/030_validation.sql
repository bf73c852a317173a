-- Results of the validation gate (ingest/validation, suites in expectations/).
-- Applied idempotently by ingest.warehouse.migrate().
create schema if not exists audit;

-- One row per expectation per validated submission. Re-validating a submission replaces
-- its rows (the gate deletes them and inserts the new ones in the same transaction).
create table if not exists audit.validation_results (
    submission_id      bigint not null references raw.submissions on delete cascade,
    suite              text not null,          -- expectations/<suite>.json
    rule               text not null,          -- meta.rule, e.g. gx.umkm.nib.shape
    expectation_type   text not null,          -- e.g. expect_column_values_to_match_regex
    column_name        text,                   -- the column (or columns, comma-separated)
    severity           text not null check (severity in ('critical', 'quarantine', 'warning')),
    success            boolean not null,       -- this submission passed this expectation
    element_count      bigint not null,        -- rows of the submission the gate validated
    unexpected_count   bigint not null,        -- rows (or findings) of the submission that failed
    observed_value     jsonb,
    unexpected_sample  jsonb not null default '[]'::jsonb,  -- first failing rows, as json
    rows_quarantined   integer not null default 0,          -- rows the gate moved for this rule
    run_id             text not null,          -- audit.validation_runs.run_id
    validated_at       timestamptz not null default now(),
    primary key (submission_id, suite, rule)
);
create index if not exists validation_results_failed_idx
    on audit.validation_results (suite, rule) where not success;

-- One row per GX validation (one per dataset batch, or one BPS run): the full GX result,
-- from which Data Docs can be rebuilt.
create table if not exists audit.validation_runs (
    run_id           text not null,
    suite            text not null,
    submission_ids   bigint[] not null default '{}',
    started_at       timestamptz not null,
    finished_at      timestamptz not null,
    success          boolean not null,
    statistics       jsonb not null,
    findings         jsonb not null default '[]'::jsonb,  -- BPS: gaps found per measure/period
    gx_result        jsonb not null,
    primary key (run_id, suite)
);
