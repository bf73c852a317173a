-- BPS statistics (ingest/bps): the raw layer of the BPS series. Idempotent.
--
-- raw.bps_observations: one row per series (measure), province and period, long format.
--   Written only by upserts keyed by (measure, bps_code, year, subperiod): a row changes
--   only when one of its stored attributes differs (fetched_at then becomes the time of
--   that change, so it reads "last changed at"; unchanged rows keep theirs). Rows are
--   never deleted by the ingest: when BPS fails, or says "not available", the previous
--   rows stay. Rows fetched from the API (source 'api') are never replaced by SAMPLE rows
--   of the offline snapshot (source 'snapshot').
--   A cell BPS does not publish has no row (never a zero, never a null value).
-- raw.bps_fetches: one row per request (series x chunk of at most 3 years) and run:
--   'ok', 'unavailable' (not-available / list-not-available / no cell for those years),
--   or 'error' (after retries; `error` says why, with the API key redacted).

create schema if not exists raw;

create table if not exists raw.bps_observations (
    measure          text        not null,  -- series name from ingest/bps/series.yaml
    var_id           integer     not null,  -- BPS variable id
    turvar           text        not null,  -- turvar val kept ('0', '530')
    turvar_label     text,
    vervar           text        not null,  -- the vervar val as BPS sent it ('7400', '11')
    province_code    text,                  -- Kemendagri code; null for the national row
    bps_code         text        not null,  -- 4-digit BPS province code; '9999' = INDONESIA
    is_national      boolean     not null,
    year             integer     not null,  -- from tahun[].label
    subperiod        integer     not null,  -- turtahun val (0 annual; 31..34 quarters, 35 year)
    subperiod_label  text,                  -- turtahun label ('Tahun', 'Triwulan I', ...)
    period           text        not null,  -- '2024', '2024Q3', '2024S1' (ingest/periods.py)
    period_type      text        not null check (period_type in ('year', 'semester', 'quarter')),
    value            numeric     not null,
    unit             text,
    last_update      timestamp,             -- BPS's last_update of the answer (BPS local time)
    source           text        not null check (source in ('api', 'snapshot')),
    fetched_at       timestamptz not null,  -- when this row was inserted or last changed
    primary key (measure, bps_code, year, subperiod),
    check (is_national = (province_code is null)),
    check (is_national = (bps_code = '9999'))
);

create index if not exists bps_observations_province_idx
    on raw.bps_observations (province_code, measure, year);

create table if not exists raw.bps_fetches (
    fetch_id       bigint generated always as identity primary key,
    run_id         text        not null,
    measure        text        not null,
    var_id         integer     not null,
    years          integer[]   not null,  -- years requested in this call
    years_missing  integer[]   not null default '{}',  -- requested years without any cell
    status         text        not null check (status in ('ok', 'unavailable', 'error')),
    error          text,
    last_update    timestamp,             -- BPS's last_update of the answer
    rows           integer     not null default 0,  -- observations received (with a value)
    rows_changed   integer     not null default 0,  -- of which inserted or updated
    request        text,                  -- redacted URL, or the snapshot file(s)
    fetched_at     timestamptz not null default now(),
    source         text        not null check (source in ('api', 'snapshot'))
);

create index if not exists bps_fetches_measure_idx on raw.bps_fetches (measure, fetched_at);
