-- BPS series pivoted to one row per province (and the national row) and year: the annual
-- figures, plus the four quarters of GRDP at current prices (for quarter periods).
with observations as (

    select * from {{ ref('stg_bps__observations') }}

),

pivoted as (

    select
        bps_code,
        province_code,
        is_national,
        year,
        max(value) filter (
            where measure = 'grdp_current_idr_bn' and period_type = 'year'
        ) as grdp_current_idr_bn,
        {% for quarter in [1, 2, 3, 4] -%}
        max(value) filter (
            where measure = 'grdp_current_idr_bn' and period = year || 'Q{{ quarter }}'
        ) as grdp_q{{ quarter }}_current_idr_bn,
        {% endfor -%}
        max(value) filter (
            where measure = 'grdp_growth_pct' and period_type = 'year'
        ) as grdp_growth_pct,
        max(value) filter (
            where measure = 'grdp_per_capita_kidr' and period_type = 'year'
        ) as grdp_per_capita_kidr,
        max(value) filter (
            where measure = 'population_thousand' and period_type = 'year'
        ) as population_thousand
    from observations
    group by bps_code, province_code, is_national, year

)

select * from pivoted
