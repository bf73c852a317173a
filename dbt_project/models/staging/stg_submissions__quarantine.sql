with source as (

    select * from {{ source('submissions', 'quarantine') }}

),

renamed as (

    select
        submission_id,
        row_number,
        rule,
        reason as reason_for_clerk,
        detail as reason_for_engineer,
        original as original_row
    from source

)

select * from renamed
