-- The submission in force per (dataset, province, period): the latest accepted file.
-- "Later" = later arrival in the dropzone (file mtime), ties broken by file name
-- (submissions.md section 1). Rejected files never displace an accepted one because
-- only accepted submissions take part.
with accepted as (

    select * from {{ ref('stg_submissions__submissions') }}
    where is_accepted

),

ranked as (

    select
        *,
        row_number() over (
            partition by dataset, province_code, period
            order by file_mtime desc, file_name desc, submission_id desc
        ) as arrival_rank
    from accepted

)

select
    submission_id,
    dataset,
    province_code,
    period,
    period_type,
    period_start,
    period_end,
    period_year,
    file_name,
    file_mtime,
    outcome,
    rows_received,
    rows_loaded,
    rows_quarantined
from ranked
where arrival_rank = 1
