with source as (

    select * from {{ ref('provinces') }}

)

select
    province_code,
    bps_code,
    province_name,
    aliases
from source
