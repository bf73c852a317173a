with source as (

    select * from {{ source('submissions', 'kerja_sama') }}

),

renamed as (

    select
        submission_id,
        row_number,
        nomor_dokumen as document_number,
        jenis_dokumen as document_type,
        judul as title,
        nama_mitra as partner_name,
        jenis_mitra as partner_type,
        provinsi_mitra as partner_province_code,
        tanggal_tanda_tangan as signed_on,
        tanggal_berakhir as expires_on,
        dokumen_induk as parent_document_number,
        ruang_lingkup as scope,
        status as reported_status
    from source

)

select * from renamed
