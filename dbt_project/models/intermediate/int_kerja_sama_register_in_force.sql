-- Agreements of every kerja_sama submission in force (one register per province and period),
-- evaluated as of the end of that period. The province's current register is the one of its
-- latest period (then latest arrival): a late correction of an earlier quarter does not
-- replace the register of a later quarter.
with in_force as (

    select
        *,
        is_latest_period as is_latest_register
    from {{ ref('int_submissions_in_force') }}
    where dataset = 'kerja_sama'

),

register as (

    select * from {{ ref('stg_submissions__kerja_sama') }}

)

select
    in_force.province_code,
    in_force.period,
    in_force.period_type,
    in_force.period_end as as_of,
    in_force.is_latest_register,
    in_force.submission_id,
    register.row_number,
    register.document_number,
    register.document_key,
    register.document_type,
    register.title,
    register.partner_name,
    register.partner_type,
    register.partner_province_code,
    register.signed_on,
    register.expires_on,
    register.parent_document_number,
    register.reported_status
from in_force
inner join register on in_force.submission_id = register.submission_id
