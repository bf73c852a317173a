-- Cooperative register rows of the submission in force per province and book year.
-- The book year is the period's year; when a province sent registers for several periods
-- of the same year (e.g. 2024 and 2024S1) the one ending last describes the book year.
with in_force as (

    select * from {{ ref('int_submissions_in_force') }}
    where dataset = 'koperasi'

),

per_book_year as (

    select
        *,
        row_number() over (
            partition by province_code, period_year order by period_seq desc
        ) as period_rank
    from in_force

),

chosen as (

    select
        submission_id,
        province_code,
        period_year as book_year
    from per_book_year
    where period_rank = 1

),

register as (

    select * from {{ ref('stg_submissions__koperasi') }}

)

select
    chosen.province_code,
    chosen.book_year,
    chosen.submission_id,
    register.row_number,
    register.nik_koperasi,
    register.is_active,
    register.members_male,
    register.members_female,
    register.rat_date,
    register.own_capital_idr,
    register.assets_idr,
    register.business_volume_idr,
    register.shu_idr,
    register.health_rating
from chosen
inner join register on chosen.submission_id = register.submission_id
