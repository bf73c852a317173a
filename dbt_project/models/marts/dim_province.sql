select
    province_code,
    bps_code,
    province_name,
    aliases
from {{ ref('stg_reference__provinces') }}
