-- Submission compliance per province, dataset and period: one row for every province (all
-- 38) and every (dataset, period) that any province submitted.
-- status: the outcome of the submission in force (accepted / accepted_with_warnings);
-- else 'rejected' when the province sent files but none was accepted; 'pending' when some
-- of them still wait for the validation gate (transient: the pipeline runs the gate before
-- dbt); else 'missing'. A later rejected file never turns an accepted row into rejected.
with submission_log as (

    select * from {{ ref('stg_submissions__submissions') }}
    where dataset in ('koperasi', 'umkm', 'indikator_umkm', 'kerja_sama', 'kegiatan_kerja_sama')
        and province_code is not null
        and period is not null

),

in_force as (

    select * from {{ ref('int_submissions_in_force') }}

),

provinces as (

    select * from {{ ref('dim_province') }}

),

dataset_periods as (

    select distinct dataset, period, period_type
    from submission_log

),

expected as (

    select
        provinces.province_code,
        provinces.province_name,
        dataset_periods.dataset,
        dataset_periods.period,
        dataset_periods.period_type
    from provinces
    cross join dataset_periods

),

files as (

    select
        province_code,
        dataset,
        period,
        count(*) as submissions_count,
        count(*) filter (where outcome = 'rejected') as rejected_count,
        count(*) filter (where outcome = 'loaded') as pending_count,
        max(file_mtime) as latest_submitted_at,
        (array_agg(outcome order by file_mtime desc, file_name desc, submission_id desc))[1]
            as latest_outcome
    from submission_log
    group by province_code, dataset, period

)

select
    expected.province_code,
    expected.province_name,
    expected.dataset,
    expected.period,
    expected.period_type,
    case
        when in_force.submission_id is not null then in_force.outcome
        when files.pending_count > 0 then 'pending'
        when files.submissions_count > 0 then 'rejected'
        else 'missing'
    end as status,
    coalesce(files.submissions_count, 0)::bigint as submissions_count,
    coalesce(files.rejected_count, 0)::bigint as rejected_count,
    files.latest_submitted_at,
    files.latest_outcome,
    in_force.rows_received,
    in_force.rows_loaded as rows_accepted,
    in_force.rows_quarantined,
    in_force.submission_id as source_submission_id
from expected
left join files
    on expected.province_code = files.province_code
    and expected.dataset = files.dataset
    and expected.period = files.period
left join in_force
    on expected.province_code = in_force.province_code
    and expected.dataset = in_force.dataset
    and expected.period = in_force.period
