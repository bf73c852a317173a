-- Rows of accepted submissions only: a rejected (or not yet validated) file keeps its rows
-- in raw for inspection, but they never reach a model or a test that feeds the marts.
with accepted as (

    select submission_id from {{ ref('stg_submissions__submissions') }}
    where is_accepted

),

source as (

    select * from {{ source('submissions', 'kegiatan_kerja_sama') }}
    where submission_id in (select accepted.submission_id from accepted)

),

renamed as (

    select
        submission_id,
        row_number,
        nomor_dokumen as document_number,
        nomor_dokumen_key as document_key,
        tanggal_kegiatan as activity_on,
        jenis_kegiatan as activity_type,
        uraian as description,
        coalesce(jumlah_peserta, 0) as participants,
        coalesce(jumlah_umkm, 0) as umkm_reached,
        coalesce(jumlah_koperasi, 0) as cooperatives_reached,
        coalesce(nilai_transaksi, 0) as transaction_value_idr,
        anggaran as budget_idr
    from source

)

select * from renamed
