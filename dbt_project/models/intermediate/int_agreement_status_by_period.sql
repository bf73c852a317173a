-- One row per agreement per register in force: its activities up to as_of and its
-- implementation status at as_of (marts.md). The ladder, first match wins:
--   cancelled    reported dibatalkan
--   draft        reported draf, or not signed yet at as_of (signed_on after as_of)
--   completed    reported selesai (even when its term has ended since)
--   expired      expires_on before as_of
--   not_started  no activity up to as_of
--   stalled      last activity more than 180 days before as_of
--   active       otherwise
with agreement_activities as (

    select * from {{ ref('int_agreements_with_activities') }}

),

per_agreement as (

    select
        province_code,
        period,
        period_type,
        as_of,
        is_latest_register,
        submission_id,
        document_number,
        document_type,
        title,
        partner_name,
        partner_type,
        partner_province_code,
        signed_on,
        expires_on,
        parent_document_number,
        reported_status,
        count(activity_on) as activities_count,
        min(activity_on) as first_activity_on,
        max(activity_on) as last_activity_on,
        coalesce(sum(umkm_reached), 0) as umkm_reached,
        coalesce(sum(transaction_value_idr), 0) as transaction_value_idr
    from agreement_activities
    group by
        province_code,
        period,
        period_type,
        as_of,
        is_latest_register,
        submission_id,
        document_number,
        document_type,
        title,
        partner_name,
        partner_type,
        partner_province_code,
        signed_on,
        expires_on,
        parent_document_number,
        reported_status

),

evaluated as (

    select
        *,
        first_activity_on - signed_on as days_to_first_activity,
        as_of - last_activity_on as days_since_last_activity,
        case
            when reported_status = 'dibatalkan' then 'cancelled'
            when reported_status = 'draf' or signed_on > as_of then 'draft'
            when reported_status = 'selesai' then 'completed'
            when expires_on < as_of then 'expired'
            when activities_count = 0 then 'not_started'
            when as_of - last_activity_on > 180 then 'stalled'
            else 'active'
        end as implementation_status
    from per_agreement

)

select
    *,
    implementation_status in ('not_started', 'stalled', 'active')
    and coalesce(expires_on between as_of and as_of + 90, false) as expiring_within_90_days
from evaluated
