-- Rows of accepted submissions only: a rejected (or not yet validated) file keeps its rows
-- in raw for inspection, but they never reach a model or a test that feeds the marts.
with accepted as (

    select submission_id from {{ ref('stg_submissions__submissions') }}
    where is_accepted

),

source as (

    select * from {{ source('submissions', 'koperasi') }}
    where submission_id in (select accepted.submission_id from accepted)

),

renamed as (

    select
        submission_id,
        row_number,
        nik_koperasi,
        nama_koperasi as cooperative_name,
        kabupaten_kota as regency,
        jenis_koperasi as cooperative_type,
        kelompok_koperasi as cooperative_group,
        status_aktif as is_active,
        coalesce(jumlah_anggota_pria, 0) as members_male,
        coalesce(jumlah_anggota_wanita, 0) as members_female,
        tanggal_rat as rat_date,
        modal_sendiri as own_capital_idr,
        modal_luar as external_capital_idr,
        aset as assets_idr,
        volume_usaha as business_volume_idr,
        shu as shu_idr,
        predikat_kesehatan as health_rating
    from source

)

select * from renamed
