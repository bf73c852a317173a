-- BPS observations in long format, one row per measure, province and period.
-- The Kemendagri province code comes from the province seed joined on the 4-digit BPS code
-- (provinces.md: never derive one code from the other; BPS 9400 is Papua, Kemendagri 91).
-- The national row (BPS 9999, INDONESIA) has no province.
with source as (

    select * from {{ source('bps', 'bps_observations') }}

),

provinces as (

    select * from {{ ref('stg_reference__provinces') }}

),

renamed as (

    select
        source.measure,
        source.bps_code,
        provinces.province_code,
        source.bps_code = '9999' as is_national,
        source.year,
        source.subperiod,
        source.period,
        source.period_type,
        source.value,
        source.unit,
        source.source as data_source,
        source.last_update as bps_last_update,
        source.fetched_at
    from source
    left join provinces on source.bps_code = provinces.bps_code

)

select * from renamed
