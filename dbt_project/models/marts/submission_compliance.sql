-- Submission compliance per province, dataset and period (marts.md).
-- Rows: every province for every (dataset, period) that is due by the reporting calendar
-- (int_reporting_calendar_due), plus every (province, dataset, period) the province itself
-- sent files for (off-calendar or not yet due). A rejected or misnamed file alone never
-- makes a (dataset, period) due for the other provinces.
-- status: the outcome of the submission in force (accepted / accepted_with_warnings);
-- else 'rejected' when the province sent files but none was accepted; 'pending' when some
-- of them still wait for the validation gate (transient: the pipeline runs the gate before
-- dbt); else 'missing'. A later rejected file never turns an accepted row into rejected.
-- due_on: period end + the dataset's due days; days_overdue: from due_on to the arrival
-- (file mtime, Asia/Jakarta date) of the first accepted file, or to as_of while none is
-- accepted; null when the first accepted file arrived by due_on (or nothing is due yet).
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

calendar as (

    select * from {{ ref('reporting_calendar') }}

),

due as (

    select * from {{ ref('int_reporting_calendar_due') }}

),

files as (

    select
        province_code,
        dataset,
        period,
        min(period_type) as period_type,
        min(period_end) as period_end,
        count(*) as submissions_count,
        count(*) filter (where outcome = 'rejected') as rejected_count,
        count(*) filter (where outcome = 'loaded') as pending_count,
        max(file_mtime) as latest_submitted_at,
        min(file_mtime) filter (where is_accepted) as first_accepted_at,
        (array_agg(outcome order by file_mtime desc, file_name desc, submission_id desc))[1]
            as latest_outcome
    from submission_log
    group by province_code, dataset, period

),

expected as (

    select
        provinces.province_code,
        due.dataset,
        due.period,
        due.period_type,
        due.period_end
    from provinces
    cross join due

    union

    select province_code, dataset, period, period_type, period_end
    from files

)

select
    expected.province_code,
    provinces.province_name,
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
    in_force.submission_id as source_submission_id,
    (expected.period_end + calendar.due_days_after_period_end)::date as due_on,
    case
        when files.first_accepted_at is not null then
            nullif(
                greatest(
                    (files.first_accepted_at at time zone 'Asia/Jakarta')::date
                    - (expected.period_end + calendar.due_days_after_period_end),
                    0
                ),
                0
            )
        when {{ compliance_as_of() }} > expected.period_end + calendar.due_days_after_period_end
            then {{ compliance_as_of() }} - (expected.period_end + calendar.due_days_after_period_end)
    end::integer as days_overdue,
    files.first_accepted_at,
    {{ compliance_as_of() }} as as_of
from expected
inner join provinces on expected.province_code = provinces.province_code
left join calendar on expected.dataset = calendar.dataset
left join files
    on expected.province_code = files.province_code
    and expected.dataset = files.dataset
    and expected.period = files.period
left join in_force
    on expected.province_code = in_force.province_code
    and expected.dataset = in_force.dataset
    and expected.period = in_force.period
