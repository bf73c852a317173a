-- UMKM register rows of the submission in force per province and period.
with in_force as (

    select * from {{ ref('int_submissions_in_force') }}
    where dataset = 'umkm'

),

register as (

    select * from {{ ref('stg_submissions__umkm') }}

)

select
    in_force.province_code,
    in_force.period,
    in_force.period_type,
    in_force.period_year,
    in_force.submission_id,
    register.row_number,
    register.nib,
    register.has_nib,
    register.kbli,
    register.business_scale,
    register.halal_certificate,
    register.is_halal_certified,
    register.is_food_beverage
from in_force
inner join register on in_force.submission_id = register.submission_id
