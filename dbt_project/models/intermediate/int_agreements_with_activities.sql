-- Every agreement of every register in force, joined to the province's activities under it
-- that took place up to the register's as_of date: one row per agreement and activity, one
-- row with empty activity columns for an agreement without activity. Activities match on the
-- document key computed at load (case and white space ignored), as the validation gate does.
with agreements as (

    select * from {{ ref('int_kerja_sama_register_in_force') }}

),

activities as (

    select * from {{ ref('int_kegiatan_kerja_sama_in_force') }}

)

select
    agreements.province_code,
    agreements.period,
    agreements.period_type,
    agreements.as_of,
    agreements.is_latest_register,
    agreements.submission_id,
    agreements.document_number,
    agreements.document_key,
    agreements.document_type,
    agreements.title,
    agreements.partner_name,
    agreements.partner_type,
    agreements.partner_province_code,
    agreements.signed_on,
    agreements.expires_on,
    agreements.parent_document_number,
    agreements.reported_status,
    activities.submission_id as activity_submission_id,
    activities.row_number as activity_row_number,
    activities.activity_on,
    activities.activity_type,
    activities.umkm_reached,
    activities.transaction_value_idr
from agreements
left join activities
    on agreements.province_code = activities.province_code
    and agreements.document_key = activities.document_key
    and activities.activity_on <= agreements.as_of
