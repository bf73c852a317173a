-- UMKM contribution per province and period (marts.md). The grain is every (province, period)
-- with an umkm or an indikator_umkm submission in force.
-- GRDP (macro grdp_of_period) on the period's own length: a year takes the annual figure; a
-- quarter its own quarterly figure, else the annual one x 3/12; a semester (BPS publishes no
-- semester GRDP) the annual one x 6/12. grdp_period names the BPS period used,
-- grdp_prorated_months the proration, grdp_basis / grdp_source how and where the figure was
-- obtained (int_bps_province_year). value_added_source: reported | estimated (share x the
-- period's own GRDP) | estimated_prorated (share x a prorated annual GRDP).
-- value_added_exceeds_grdp flags the impossible (a dbt test warns on it).
with register as (

    select * from {{ ref('int_umkm_register_summary') }}

),

indicators as (

    select * from {{ ref('int_indikator_umkm_in_force') }}

),

bps as (

    select * from {{ ref('int_bps_province_year') }}
    where not is_national

),

provinces as (

    select * from {{ ref('dim_province') }}

),

province_periods as (

    select province_code, period, period_type, period_year from register
    union
    select province_code, period, period_type, period_year from indicators

),

with_share as (

    select
        province_periods.*,
        -- the same period one year earlier: 2024S1 -> 2023S1, 2024Q3 -> 2023Q3, 2024 -> 2023
        (province_periods.period_year - 1)::text || substr(province_periods.period, 5)
            as previous_period,
        round(indicators.umkm_share_of_grdp_pct, 2) as umkm_share_of_grdp_pct,
        indicators.umkm_value_added_idr_bn as reported_value_added_idr_bn,
        indicators.umkm_units_reported,
        indicators.umkm_workers_reported,
        indicators.submission_id as indicator_submission_id
    from province_periods
    left join indicators
        on province_periods.province_code = indicators.province_code
        and province_periods.period = indicators.period

),

with_previous as (

    select
        with_share.*,
        round(previous.umkm_share_of_grdp_pct, 2) as previous_share_pct
    from with_share
    left join indicators as previous
        on with_share.province_code = previous.province_code
        and with_share.previous_period = previous.period

),

with_grdp as (

    select
        with_previous.*,
        {{ grdp_of_period('with_previous.period_type', 'with_previous.period', 'bps') }}
            as grdp_current_idr_bn,
        {{ grdp_is_prorated('with_previous.period_type', 'with_previous.period', 'bps') }}
            as grdp_is_prorated,
        {{ grdp_source_of_period('with_previous.period_type', 'with_previous.period', 'bps') }}
            as grdp_source,
        case
            when with_previous.period_type = 'quarter'
                and {{ grdp_quarter_figure('with_previous.period', 'bps') }} is not null
                then 'published'
            else bps.grdp_basis
        end as grdp_basis,
        bps.grdp_growth_pct
    from with_previous
    left join bps
        on with_previous.province_code = bps.province_code
        and with_previous.period_year = bps.year

),

final as (

    select
        with_grdp.province_code,
        provinces.province_name,
        with_grdp.period,
        with_grdp.period_type,
        with_grdp.period_year as year,
        register.umkm_units,
        register.umkm_micro,
        register.umkm_small,
        register.umkm_medium,
        register.umkm_with_nib,
        round(100.0 * register.umkm_with_nib / nullif(register.umkm_units, 0), 2)
            as with_nib_pct,
        register.halal_regular,
        register.halal_self_declare,
        register.food_beverage_units,
        register.food_beverage_halal,
        round(
            100.0 * register.food_beverage_halal / nullif(register.food_beverage_units, 0), 2
        ) as food_beverage_halal_pct,
        with_grdp.umkm_share_of_grdp_pct,
        with_grdp.previous_period,
        with_grdp.previous_share_pct,
        with_grdp.umkm_share_of_grdp_pct - with_grdp.previous_share_pct as share_change_pp,
        case
            when with_grdp.grdp_current_idr_bn is not null then
                case
                    when with_grdp.period_type = 'quarter' and not with_grdp.grdp_is_prorated
                        then with_grdp.period
                    else with_grdp.period_year::text
                end
        end as grdp_period,
        case
            when with_grdp.grdp_is_prorated then
                case with_grdp.period_type when 'semester' then 6 else 3 end
        end as grdp_prorated_months,
        case when with_grdp.grdp_current_idr_bn is not null then with_grdp.grdp_source end
            as grdp_source,
        case when with_grdp.grdp_current_idr_bn is not null then with_grdp.grdp_basis end
            as grdp_basis,
        round(with_grdp.grdp_current_idr_bn, 2) as grdp_current_idr_bn,
        round(
            coalesce(
                with_grdp.reported_value_added_idr_bn,
                with_grdp.umkm_share_of_grdp_pct / 100 * with_grdp.grdp_current_idr_bn
            ),
            2
        ) as umkm_value_added_idr_bn,
        case
            when with_grdp.reported_value_added_idr_bn is not null then 'reported'
            when with_grdp.umkm_share_of_grdp_pct is not null
                and with_grdp.grdp_current_idr_bn is not null then
                case when with_grdp.grdp_is_prorated then 'estimated_prorated' else 'estimated' end
        end as value_added_source,
        round(with_grdp.grdp_growth_pct, 2) as grdp_growth_pct,
        with_grdp.umkm_units_reported,
        with_grdp.umkm_workers_reported,
        register.submission_id as register_submission_id,
        with_grdp.indicator_submission_id
    from with_grdp
    inner join provinces on with_grdp.province_code = provinces.province_code
    left join register
        on with_grdp.province_code = register.province_code
        and with_grdp.period = register.period

)

select
    province_code,
    province_name,
    period,
    period_type,
    year,
    umkm_units::bigint as umkm_units,
    umkm_micro::bigint as umkm_micro,
    umkm_small::bigint as umkm_small,
    umkm_medium::bigint as umkm_medium,
    with_nib_pct::numeric(5, 2) as with_nib_pct,
    halal_regular::bigint as halal_regular,
    halal_self_declare::bigint as halal_self_declare,
    food_beverage_units::bigint as food_beverage_units,
    food_beverage_halal_pct::numeric(5, 2) as food_beverage_halal_pct,
    umkm_share_of_grdp_pct::numeric(5, 2) as umkm_share_of_grdp_pct,
    previous_share_pct::numeric(5, 2) as previous_share_pct,
    share_change_pp::numeric(6, 2) as share_change_pp,
    grdp_current_idr_bn::numeric(20, 2) as grdp_current_idr_bn,
    umkm_value_added_idr_bn::numeric(20, 2) as umkm_value_added_idr_bn,
    grdp_growth_pct::numeric(6, 2) as grdp_growth_pct,
    umkm_with_nib::bigint as umkm_with_nib,
    food_beverage_halal::bigint as food_beverage_halal,
    previous_period,
    grdp_period,
    value_added_source,
    grdp_source,
    grdp_basis,
    grdp_prorated_months::integer as grdp_prorated_months,
    coalesce(umkm_value_added_idr_bn > grdp_current_idr_bn, false) as value_added_exceeds_grdp,
    umkm_units_reported::bigint as umkm_units_reported,
    umkm_workers_reported::bigint as umkm_workers_reported,
    register_submission_id::bigint as register_submission_id,
    indicator_submission_id::bigint as indicator_submission_id
from final
