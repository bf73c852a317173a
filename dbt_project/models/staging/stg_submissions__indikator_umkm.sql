with source as (

    select * from {{ source('submissions', 'indikator_umkm') }}

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
