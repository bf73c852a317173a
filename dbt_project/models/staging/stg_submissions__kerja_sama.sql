-- Rows of accepted submissions only: a rejected (or not yet validated) file keeps its rows
-- in raw for inspection, but they never reach a model or a test that feeds the marts.
with accepted as (

    select submission_id from {{ ref('stg_submissions__submissions') }}
    where is_accepted

),

source as (

    select * from {{ source('submissions', 'kerja_sama') }}
    where submission_id in (select accepted.submission_id from accepted)

),

renamed as (

    select
        submission_id,
        row_number,
        nomor_dokumen as document_number,
        nomor_dokumen_key as document_key,
        jenis_dokumen as document_type,
        judul as title,
        nama_mitra as partner_name,
        jenis_mitra as partner_type,
        provinsi_mitra as partner_province_code,
        tanggal_tanda_tangan as signed_on,
        tanggal_berakhir as expires_on,
        dokumen_induk as parent_document_number,
        dokumen_induk_key as parent_document_key,
        ruang_lingkup as scope,
        status as reported_status
    from source

)

select * from renamed
