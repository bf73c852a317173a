with source as (

    select * from {{ source('submissions', 'kegiatan_kerja_sama') }}

),

renamed as (

    select
        submission_id,
        row_number,
        nomor_dokumen as document_number,
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
