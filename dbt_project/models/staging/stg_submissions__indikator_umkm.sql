-- Rows of accepted submissions only: a rejected (or not yet validated) file keeps its rows
-- in raw for inspection, but they never reach a model or a test that feeds the marts.
with accepted as (

    select submission_id from {{ ref('stg_submissions__submissions') }}
    where is_accepted

),

source as (

    select * from {{ source('submissions', 'indikator_umkm') }}
    where submission_id in (select accepted.submission_id from accepted)

),

renamed as (

    select
        submission_id,
        row_number,
        kontribusi_pdrb_persen as umkm_share_of_grdp_pct,
        nilai_tambah_umkm as umkm_value_added_idr_bn,
        jumlah_umkm as umkm_units_reported,
        tenaga_kerja_umkm as umkm_workers_reported,
        sumber as source_note
    from source

)

select * from renamed
