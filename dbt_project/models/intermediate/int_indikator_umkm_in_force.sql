-- The UMKM indicators (one row per file) of the indikator_umkm submission in force per
-- province and period.
with in_force as (

    select * from {{ ref('int_submissions_in_force') }}
    where dataset = 'indikator_umkm'

),

indicators as (

    select
        *,
        row_number() over (partition by submission_id order by row_number) as row_rank
    from {{ ref('stg_submissions__indikator_umkm') }}

)

select
    in_force.province_code,
    in_force.period,
    in_force.period_type,
    in_force.period_year,
    in_force.submission_id,
    indicators.umkm_share_of_grdp_pct,
    indicators.umkm_value_added_idr_bn,
    indicators.umkm_units_reported,
    indicators.umkm_workers_reported,
    indicators.source_note
from in_force
inner join indicators
    on in_force.submission_id = indicators.submission_id
    and indicators.row_rank = 1
