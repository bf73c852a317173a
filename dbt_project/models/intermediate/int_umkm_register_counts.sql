-- Register counts per umkm submission: one row for every umkm submission in the log, with the
-- counts of its rows when it is accepted (null counts otherwise: its rows are not read).
--
-- Incremental: a build aggregates only the submissions whose verdict changed since the
-- previous build. A submission's rows in raw.umkm change only through the loader (new
-- submission id) and the validation gate (rows moved to / back from raw.quarantine, which
-- always rewrites outcome, validated_at and rows_loaded), so the fingerprint
-- (outcome, validated_at, rows_loaded) stored with each row says whether it is stale.
-- A changed submission is replaced whole (delete+insert on submission_id), including a
-- demotion (accepted -> loaded / rejected: counts become null); submissions gone from the
-- log are deleted by the post-hook. logic_version hashes this model's and
-- stg_submissions__umkm's code: when either changes, every submission is recomputed.
-- Anything else that edits raw.umkm behind the gate's back needs `dbt build --full-refresh`.
--
-- Each accepted submission is aggregated through a LATERAL subquery on submission_id, so
-- PostgreSQL reads its rows through the primary key of raw.umkm (submission_id, row_number)
-- and never scans the whole register on an incremental build.
--
-- Without JIT: PostgreSQL JIT-compiles this query's eleven filtered counts (its cost is
-- well above jit_above_cost) in 1.5-5 s, while a one-province refresh aggregates its
-- 292k rows in 0.3-0.8 s; even the first build over 21.4M rows ran 10 % faster without.
{{
    config(
        materialized='incremental',
        sql_header='set local jit = off;',
        unique_key='submission_id',
        incremental_strategy='delete+insert',
        on_schema_change='sync_all_columns',
        post_hook=[
            "delete from {{ this }} as counted where not exists (select 1 from "
            ~ "{{ ref('stg_submissions__submissions') }} as s "
            ~ "where s.submission_id = counted.submission_id and s.dataset = 'umkm')"
        ],
    )
}}

{%- set logic_code = [model.raw_code] -%}
{%- if execute -%}
    {%- set stg = (graph.get('nodes') or {}).get('model.kumkm.stg_submissions__umkm') -%}
    {%- if stg -%}{%- do logic_code.append(stg.raw_code) -%}{%- endif -%}
{%- endif %}

with submissions as (

    select
        submission_id,
        outcome,
        is_accepted,
        validated_at,
        rows_loaded,
        '{{ local_md5(logic_code | join("\n")) }}'::text as logic_version
    from {{ ref('stg_submissions__submissions') }}
    where dataset = 'umkm'

),

-- materialized: the changed submissions are found first, and only they are aggregated
-- (inlined, the planner may aggregate every submission before comparing fingerprints)
changed as materialized (

    select submissions.*
    from submissions
    {% if is_incremental() %}
    left join {{ this }} as counted
        on submissions.submission_id = counted.submission_id
    where counted.submission_id is null
        or (
            submissions.outcome,
            submissions.validated_at,
            submissions.rows_loaded,
            submissions.logic_version
        ) is distinct from (
            counted.outcome,
            counted.validated_at,
            counted.rows_loaded,
            counted.logic_version
        )
    {% endif %}

)

select
    changed.submission_id,
    changed.outcome,
    changed.is_accepted,
    changed.validated_at,
    changed.rows_loaded,
    changed.logic_version,
    counts.umkm_units,
    counts.umkm_micro,
    counts.umkm_small,
    counts.umkm_medium,
    counts.umkm_with_nib,
    counts.halal_regular,
    counts.halal_self_declare,
    counts.food_beverage_units,
    counts.food_beverage_halal,
    counts.rows_with_unexpected_scale,
    counts.rows_with_unexpected_halal_certificate
from changed
left join lateral (

    select
        count(*) as umkm_units,
        count(*) filter (where register.business_scale = 'mikro') as umkm_micro,
        count(*) filter (where register.business_scale = 'kecil') as umkm_small,
        count(*) filter (where register.business_scale = 'menengah') as umkm_medium,
        count(*) filter (where register.has_nib) as umkm_with_nib,
        count(*) filter (where register.halal_certificate = 'reguler') as halal_regular,
        count(*) filter (
            where register.halal_certificate = 'self declare'
        ) as halal_self_declare,
        count(*) filter (where register.is_food_beverage) as food_beverage_units,
        count(*) filter (
            where register.is_food_beverage and register.is_halal_certified
        ) as food_beverage_halal,
        -- The gate quarantines these rows (gx.umkm.skala_usaha.value_set,
        -- gx.umkm.sertifikat_halal.value_set); counted here so that dbt re-checks the
        -- value sets on the rows the marts use, at no extra scan (nulls pass, as in GX).
        count(*) filter (
            where register.business_scale not in ('mikro', 'kecil', 'menengah')
        ) as rows_with_unexpected_scale,
        count(*) filter (
            where register.halal_certificate not in ('tidak ada', 'reguler', 'self declare')
        ) as rows_with_unexpected_halal_certificate
    from {{ ref('stg_submissions__umkm') }} as register
    where register.submission_id = changed.submission_id
        and changed.is_accepted

) as counts on changed.is_accepted
