-- The submission in force per (dataset, province, period): the latest accepted file by
-- arrival. The ordering itself is defined once, in the warehouse view
-- raw.submissions_in_force (ingest/ddl/050_trust.sql), which the validation gate reads too;
-- this model adds the log's own columns.
with in_force as (

    select * from {{ source('submissions', 'submissions_in_force') }}

),

submissions as (

    select * from {{ ref('stg_submissions__submissions') }}

)

select
    in_force.submission_id,
    in_force.dataset,
    in_force.province_code,
    in_force.period,
    in_force.period_type,
    in_force.period_start,
    in_force.period_end,
    submissions.period_year,
    in_force.file_name,
    in_force.file_mtime,
    in_force.outcome,
    in_force.rows_received,
    in_force.rows_loaded,
    in_force.rows_quarantined,
    in_force.period_seq,
    in_force.is_latest_period
from in_force
inner join submissions on in_force.submission_id = submissions.submission_id
