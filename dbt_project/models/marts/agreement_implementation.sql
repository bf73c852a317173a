-- One row per agreement of the province's current kerja_sama register (the latest accepted
-- submission, by period), evaluated at as_of = the end of that submission's period.
with agreements as (

    select * from {{ ref('int_agreement_status_by_period') }}
    where is_latest_register

),

provinces as (

    select * from {{ ref('dim_province') }}

)

select
    agreements.province_code,
    provinces.province_name,
    agreements.period,
    agreements.document_number,
    agreements.document_type,
    agreements.title,
    agreements.partner_name,
    agreements.partner_type,
    agreements.partner_province_code,
    agreements.parent_document_number,
    agreements.signed_on,
    agreements.expires_on,
    agreements.reported_status,
    agreements.activities_count::bigint as activities_count,
    agreements.first_activity_on,
    agreements.last_activity_on,
    agreements.days_to_first_activity,
    agreements.days_since_last_activity,
    agreements.umkm_reached::bigint as umkm_reached,
    agreements.transaction_value_idr::numeric(24, 2) as transaction_value_idr,
    agreements.implementation_status,
    agreements.expiring_within_90_days,
    agreements.as_of,
    agreements.submission_id as source_submission_id
from agreements
inner join provinces on agreements.province_code = provinces.province_code
