with provincial as (

    select * from {{ ref('cooperative_health') }}

),

summed as (

    select
        book_year,
        count(*) as provinces_reporting,
        sum(cooperatives_total)::bigint as cooperatives_total,
        sum(cooperatives_active)::bigint as cooperatives_active,
        sum(cooperatives_inactive)::bigint as cooperatives_inactive,
        sum(members_total)::bigint as members_total,
        sum(members_female)::bigint as members_female,
        sum(rat_held)::bigint as rat_held,
        sum(rat_on_time)::bigint as rat_on_time,
        sum(assets_idr)::numeric(24, 2) as assets_idr,
        sum(own_capital_idr)::numeric(24, 2) as own_capital_idr,
        sum(business_volume_idr)::numeric(24, 2) as business_volume_idr,
        sum(shu_idr)::numeric(24, 2) as shu_idr,
        sum(healthy_count)::bigint as healthy_count
    from provincial
    group by book_year

)

select
    book_year,
    provinces_reporting,
    cooperatives_total,
    cooperatives_active,
    cooperatives_inactive,
    members_total,
    members_female,
    rat_held,
    round(100.0 * rat_held / nullif(cooperatives_active, 0), 2)::numeric(5, 2) as rat_compliance_pct,
    rat_on_time,
    assets_idr,
    own_capital_idr,
    business_volume_idr,
    shu_idr,
    healthy_count
from summed
