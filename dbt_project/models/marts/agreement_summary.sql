-- Agreements per province and period: every kerja_sama register in force (one per province
-- and period), each evaluated at the end of its own period.
-- Signed agreements: those not draft and not cancelled at as_of.
with agreements as (

    select * from {{ ref('int_agreement_status_by_period') }}

),

provinces as (

    select * from {{ ref('dim_province') }}

),

summed as (

    select
        province_code,
        period,
        period_type,
        as_of,
        is_latest_register,
        submission_id,
        count(*) as agreements_total,
        count(*) filter (
            where implementation_status not in ('draft', 'cancelled')
        ) as agreements_signed,
        count(*) filter (
            where implementation_status not in ('draft', 'cancelled') and activities_count > 0
        ) as agreements_signed_with_activity,
        count(*) filter (where implementation_status = 'active') as agreements_active,
        count(*) filter (where implementation_status = 'stalled') as agreements_stalled,
        count(*) filter (where implementation_status = 'not_started') as agreements_not_started,
        count(*) filter (where implementation_status = 'completed') as agreements_completed,
        count(*) filter (where implementation_status = 'expired') as agreements_expired,
        count(*) filter (where implementation_status = 'cancelled') as agreements_cancelled,
        count(*) filter (where implementation_status = 'draft') as agreements_draft,
        count(*) filter (where expiring_within_90_days) as agreements_expiring_within_90_days,
        count(distinct lower(trim(partner_name))) as partners_distinct,
        count(distinct partner_type) as partner_types_distinct,
        sum(activities_count) as activities_count,
        sum(umkm_reached) as umkm_reached,
        sum(transaction_value_idr) as transaction_value_idr
    from agreements
    group by province_code, period, period_type, as_of, is_latest_register, submission_id

)

select
    summed.province_code,
    provinces.province_name,
    summed.period,
    summed.period_type,
    summed.as_of,
    summed.is_latest_register,
    summed.agreements_total::bigint as agreements_total,
    summed.agreements_signed::bigint as agreements_signed,
    summed.agreements_active::bigint as agreements_active,
    summed.agreements_stalled::bigint as agreements_stalled,
    summed.agreements_not_started::bigint as agreements_not_started,
    summed.agreements_completed::bigint as agreements_completed,
    summed.agreements_expired::bigint as agreements_expired,
    summed.agreements_cancelled::bigint as agreements_cancelled,
    summed.agreements_draft::bigint as agreements_draft,
    summed.agreements_expiring_within_90_days::bigint as agreements_expiring_within_90_days,
    summed.agreements_signed_with_activity::bigint as agreements_signed_with_activity,
    round(
        100.0 * summed.agreements_signed_with_activity / nullif(summed.agreements_signed, 0), 2
    )::numeric(5, 2) as implementation_rate_pct,
    summed.partners_distinct::bigint as partners_distinct,
    summed.partner_types_distinct::bigint as partner_types_distinct,
    summed.activities_count::bigint as activities_count,
    summed.umkm_reached::bigint as umkm_reached,
    summed.transaction_value_idr::numeric(24, 2) as transaction_value_idr,
    summed.submission_id as source_submission_id
from summed
inner join provinces on summed.province_code = provinces.province_code
