-- BPS series pivoted to one row per province (and the national row) and year: the annual
-- figures, plus the four quarters of GRDP at current prices (for quarter periods).
-- Each GRDP figure carries where it came from (grdp_source: bps_api | bps_snapshot | sample)
-- and how it was obtained (grdp_basis): `published` when BPS's annual GRDP is there, else
-- `estimated_per_capita_x_population` = per-capita GRDP (thousand rupiah) x population
-- (thousand) / 1000 of the same year, both published; null when either is missing.
with observations as (

    select
        *,
        case data_source
            when 'api' then 'bps_api'
            when 'snapshot' then 'bps_snapshot'
            else 'sample'
        end as figure_source
    from {{ ref('stg_bps__observations') }}

),

pivoted as (

    select
        bps_code,
        province_code,
        is_national,
        year,
        max(value) filter (
            where measure = 'grdp_current_idr_bn' and period_type = 'year'
        ) as grdp_published_idr_bn,
        max(figure_source) filter (
            where measure = 'grdp_current_idr_bn' and period_type = 'year'
        ) as grdp_published_source,
        {% for quarter in [1, 2, 3, 4] -%}
        max(value) filter (
            where measure = 'grdp_current_idr_bn' and period = year || 'Q{{ quarter }}'
        ) as grdp_q{{ quarter }}_current_idr_bn,
        max(figure_source) filter (
            where measure = 'grdp_current_idr_bn' and period = year || 'Q{{ quarter }}'
        ) as grdp_q{{ quarter }}_source,
        {% endfor -%}
        max(value) filter (
            where measure = 'grdp_growth_pct' and period_type = 'year'
        ) as grdp_growth_pct,
        max(value) filter (
            where measure = 'grdp_per_capita_kidr' and period_type = 'year'
        ) as grdp_per_capita_kidr,
        max(figure_source) filter (
            where measure = 'grdp_per_capita_kidr' and period_type = 'year'
        ) as per_capita_source,
        max(value) filter (
            where measure = 'population_thousand' and period_type = 'year'
        ) as population_thousand,
        max(figure_source) filter (
            where measure = 'population_thousand' and period_type = 'year'
        ) as population_source
    from observations
    group by bps_code, province_code, is_national, year

),

estimated as (

    select
        *,
        round(grdp_per_capita_kidr * population_thousand / 1000, 2)
            as grdp_estimated_idr_bn,
        -- an estimate is as good as its weakest input: sample beats snapshot beats api
        case
            when 'sample' in (per_capita_source, population_source) then 'sample'
            when 'bps_snapshot' in (per_capita_source, population_source) then 'bps_snapshot'
            else 'bps_api'
        end as estimate_source
    from pivoted

)

select
    bps_code,
    province_code,
    is_national,
    year,
    coalesce(grdp_published_idr_bn, grdp_estimated_idr_bn) as grdp_current_idr_bn,
    case
        when grdp_published_idr_bn is not null then 'published'
        when grdp_estimated_idr_bn is not null then 'estimated_per_capita_x_population'
    end as grdp_basis,
    case
        when grdp_published_idr_bn is not null then grdp_published_source
        when grdp_estimated_idr_bn is not null then estimate_source
    end as grdp_source,
    grdp_published_idr_bn,
    grdp_estimated_idr_bn,
    {% for quarter in [1, 2, 3, 4] -%}
    grdp_q{{ quarter }}_current_idr_bn,
    grdp_q{{ quarter }}_source,
    {% endfor -%}
    grdp_growth_pct,
    grdp_per_capita_kidr,
    population_thousand
from estimated
