-- Register counts per province and period, from the umkm submission in force.
-- The counts of every accepted umkm submission are kept per submission by the incremental
-- model int_umkm_register_counts (an accepted register without rows counts zero); this view
-- picks the row of the submission in force (a few hundred rows, no scan of the register).
with in_force as (

    select * from {{ ref('int_submissions_in_force') }}
    where dataset = 'umkm'

),

counts as (

    select * from {{ ref('int_umkm_register_counts') }}

)

select
    in_force.province_code,
    in_force.period,
    in_force.period_type,
    in_force.period_year,
    in_force.submission_id,
    counts.umkm_units,
    counts.umkm_micro,
    counts.umkm_small,
    counts.umkm_medium,
    counts.umkm_with_nib,
    counts.halal_regular,
    counts.halal_self_declare,
    counts.food_beverage_units,
    counts.food_beverage_halal
from in_force
left join counts on in_force.submission_id = counts.submission_id
