-- Rows of accepted submissions only: a rejected (or not yet validated) file keeps its rows
-- in raw for inspection, but they never reach a model or a test that feeds the marts.
with accepted as (

    select submission_id from {{ ref('stg_submissions__submissions') }}
    where is_accepted

),

source as (

    select * from {{ source('submissions', 'umkm') }}
    where submission_id in (select accepted.submission_id from accepted)

),

renamed as (

    select
        submission_id,
        row_number,
        nullif(trim(nib), '') as nib,
        nama_usaha as business_name,
        kabupaten_kota as regency,
        nullif(trim(kbli), '') as kbli,
        skala_usaha as business_scale,
        skala_usaha_derived as is_scale_derived,
        modal_usaha as capital_idr,
        omzet_tahunan as annual_turnover_idr,
        tenaga_kerja as workers,
        jenis_kelamin_pemilik as owner_sex,
        sertifikat_halal as halal_certificate,
        tanggal_sertifikat_halal as halal_certified_on
    from source

)

select
    *,
    nib is not null as has_nib,
    coalesce(halal_certificate in ('reguler', 'self declare'), false) as is_halal_certified,
    -- KBLI 10 / 11: food and beverage manufacturing; 56: food and beverage service activities.
    coalesce(left(kbli, 2) in ('10', '11', '56'), false) as is_food_beverage
from renamed
