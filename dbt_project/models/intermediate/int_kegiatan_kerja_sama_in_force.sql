-- Activities of the kegiatan_kerja_sama submissions in force of each province (every period).
-- A province may list an activity again in a later period's file (cumulative lists): an
-- activity (same document key, date, type and description) is taken from the latest period's
-- file that lists it, so it is counted once. Repeated lines within one file are kept.
with in_force as (

    select * from {{ ref('int_submissions_in_force') }}
    where dataset = 'kegiatan_kerja_sama'

),

activities as (

    select * from {{ ref('stg_submissions__kegiatan_kerja_sama') }}

),

joined as (

    select
        in_force.province_code,
        in_force.period,
        in_force.period_seq,
        activities.*
    from in_force
    inner join activities on in_force.submission_id = activities.submission_id

),

deduplicated as (

    select
        *,
        first_value(submission_id) over (
            partition by
                province_code,
                document_key,
                activity_on,
                activity_type,
                coalesce(description, '')
            order by period_seq desc
        ) as kept_submission_id
    from joined

)

select
    province_code,
    period,
    submission_id,
    row_number,
    document_number,
    document_key,
    activity_on,
    activity_type,
    description,
    participants,
    umkm_reached,
    cooperatives_reached,
    transaction_value_idr,
    budget_idr
from deduplicated
where submission_id = kept_submission_id
