with source as (

    select * from {{ source('submissions', 'submissions') }}

),

renamed as (

    select
        submission_id,
        dataset,
        province_code,
        period,
        period_type,
        period_start,
        period_end,
        extract(year from period_end)::integer as period_year,
        file_name,
        file_path,
        sha256,
        file_mtime,
        arrived_at,
        outcome,
        outcome in ('accepted', 'accepted_with_warnings') as is_accepted,
        rows_received,
        rows_loaded,
        rows_quarantined,
        reasons,
        validated_at
    from source

)

select * from renamed
