-- National UMKM contribution per period: provincial rows summed, percentages recomputed.
-- The national UMKM share is the GRDP-weighted mean of the reported provincial shares, over
-- the provinces with both a share and a GRDP for the period (sum of share x GRDP / sum of
-- GRDP); national GDP and growth come from the BPS national row (INDONESIA, 9999), on the
-- period's own length (a semester takes half the annual GDP: grdp_is_prorated).
with provincial as (

    select * from {{ ref('umkm_contribution') }}

),

national_bps as (

    select * from {{ ref('int_bps_province_year') }}
    where is_national

),

summed as (

    select
        period,
        period_type,
        year,
        count(umkm_units) as provinces_with_register,
        count(umkm_share_of_grdp_pct) as provinces_with_share,
        sum(umkm_units)::bigint as umkm_units,
        sum(umkm_micro)::bigint as umkm_micro,
        sum(umkm_small)::bigint as umkm_small,
        sum(umkm_medium)::bigint as umkm_medium,
        sum(umkm_with_nib)::bigint as umkm_with_nib,
        sum(halal_regular)::bigint as halal_regular,
        sum(halal_self_declare)::bigint as halal_self_declare,
        sum(food_beverage_units)::bigint as food_beverage_units,
        sum(food_beverage_halal)::bigint as food_beverage_halal,
        sum(umkm_value_added_idr_bn) as umkm_value_added_idr_bn,
        count(umkm_value_added_idr_bn) as provinces_with_value_added,
        sum(umkm_share_of_grdp_pct * grdp_current_idr_bn) as share_weighted_grdp,
        sum(grdp_current_idr_bn) filter (
            where umkm_share_of_grdp_pct is not null
        ) as grdp_of_provinces_with_share_idr_bn
    from provincial
    group by period, period_type, year

)

select
    summed.period,
    summed.period_type,
    summed.year,
    summed.provinces_with_register,
    summed.provinces_with_share,
    summed.umkm_units,
    summed.umkm_micro,
    summed.umkm_small,
    summed.umkm_medium,
    summed.umkm_with_nib,
    round(100.0 * summed.umkm_with_nib / nullif(summed.umkm_units, 0), 2)::numeric(5, 2)
        as with_nib_pct,
    summed.halal_regular,
    summed.halal_self_declare,
    summed.food_beverage_units,
    summed.food_beverage_halal,
    round(
        100.0 * summed.food_beverage_halal / nullif(summed.food_beverage_units, 0), 2
    )::numeric(5, 2) as food_beverage_halal_pct,
    round(
        summed.share_weighted_grdp / nullif(summed.grdp_of_provinces_with_share_idr_bn, 0), 2
    )::numeric(5, 2) as umkm_share_of_grdp_pct,
    summed.grdp_of_provinces_with_share_idr_bn::numeric(20, 2)
        as grdp_of_provinces_with_share_idr_bn,
    summed.provinces_with_value_added,
    summed.umkm_value_added_idr_bn::numeric(20, 2) as umkm_value_added_idr_bn,
    round(
        {{ grdp_of_period('summed.period_type', 'summed.period', 'national_bps') }}, 2
    )::numeric(20, 2) as grdp_current_idr_bn,
    round(national_bps.grdp_growth_pct, 2)::numeric(6, 2) as grdp_growth_pct,
    {{ grdp_source_of_period('summed.period_type', 'summed.period', 'national_bps') }}
        as grdp_source,
    {{ grdp_is_prorated('summed.period_type', 'summed.period', 'national_bps') }}
        as grdp_is_prorated
from summed
left join national_bps on summed.year = national_bps.year
