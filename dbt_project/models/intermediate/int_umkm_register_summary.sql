-- Register counts per province and period, from the umkm submission in force.
-- Starts from the submissions so that an accepted register without rows still counts (zero).
with in_force as (

    select * from {{ ref('int_submissions_in_force') }}
    where dataset = 'umkm'

),

register as (

    select * from {{ ref('int_umkm_register_in_force') }}

),

counted as (

    select
        in_force.province_code,
        in_force.period,
        in_force.period_type,
        in_force.period_year,
        in_force.submission_id,
        count(register.row_number) as umkm_units,
        count(register.row_number) filter (where register.business_scale = 'mikro') as umkm_micro,
        count(register.row_number) filter (where register.business_scale = 'kecil') as umkm_small,
        count(register.row_number) filter (where register.business_scale = 'menengah') as umkm_medium,
        count(register.row_number) filter (where register.has_nib) as umkm_with_nib,
        count(register.row_number) filter (
            where register.halal_certificate = 'reguler'
        ) as halal_regular,
        count(register.row_number) filter (
            where register.halal_certificate = 'self declare'
        ) as halal_self_declare,
        count(register.row_number) filter (where register.is_food_beverage) as food_beverage_units,
        count(register.row_number) filter (
            where register.is_food_beverage and register.is_halal_certified
        ) as food_beverage_halal
    from in_force
    left join register on in_force.submission_id = register.submission_id
    group by
        in_force.province_code,
        in_force.period,
        in_force.period_type,
        in_force.period_year,
        in_force.submission_id

)

select * from counted
