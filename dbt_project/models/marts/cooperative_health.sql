with register as (

    select * from {{ ref('int_koperasi_register_in_force') }}

),

provinces as (

    select * from {{ ref('dim_province') }}

),

per_province as (

    select
        province_code,
        book_year,
        min(submission_id) as source_submission_id,
        count(*) as cooperatives_total,
        count(*) filter (where is_active) as cooperatives_active,
        count(*) filter (where not is_active) as cooperatives_inactive,
        sum(members_male + members_female)::bigint as members_total,
        sum(members_female)::bigint as members_female,
        count(*) filter (where is_active and rat_date is not null) as rat_held,
        count(*) filter (
            where is_active
            and rat_date is not null
            and rat_date <= make_date(book_year + 1, 6, 30)
        ) as rat_on_time,
        coalesce(sum(assets_idr), 0) as assets_idr,
        coalesce(sum(own_capital_idr), 0) as own_capital_idr,
        coalesce(sum(business_volume_idr), 0) as business_volume_idr,
        coalesce(sum(shu_idr), 0) as shu_idr,
        count(*) filter (where health_rating in ('sehat', 'cukup sehat')) as healthy_count
    from register
    group by province_code, book_year

)

select
    per_province.province_code,
    provinces.province_name,
    per_province.book_year,
    per_province.cooperatives_total,
    per_province.cooperatives_active,
    per_province.cooperatives_inactive,
    per_province.members_total,
    per_province.members_female,
    per_province.rat_held,
    round(
        100.0 * per_province.rat_held / nullif(per_province.cooperatives_active, 0), 2
    )::numeric(5, 2) as rat_compliance_pct,
    per_province.rat_on_time,
    per_province.assets_idr::numeric(24, 2) as assets_idr,
    per_province.own_capital_idr::numeric(24, 2) as own_capital_idr,
    per_province.business_volume_idr::numeric(24, 2) as business_volume_idr,
    per_province.shu_idr::numeric(24, 2) as shu_idr,
    per_province.healthy_count,
    per_province.source_submission_id
from per_province
inner join provinces on per_province.province_code = provinces.province_code
