-- What each end-to-end run saw, so the next run can say what changed.
create schema if not exists audit;

create table if not exists audit.pipeline_runs (
    run_id             bigserial primary key,
    finished_at        timestamptz not null default now(),
    max_submission_id  bigint not null,
    mart_checksums     jsonb not null
);
