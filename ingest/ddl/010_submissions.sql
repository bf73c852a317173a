-- Raw layer for provincial submissions. Applied idempotently by ingest.warehouse.migrate().
create schema if not exists raw;
create schema if not exists audit;

-- One row per file seen in the dropzone (the submission log).
create table if not exists raw.submissions (
    submission_id     bigserial primary key,
    dataset           text not null,
    province_code     text,               -- Kemendagri 2-digit; null when the file name is unusable
    period            text,               -- 2024, 2024S1, 2024Q3
    period_type       text,               -- year | semester | quarter
    period_start      date,
    period_end        date,
    file_name         text not null,
    file_path         text not null,      -- relative to the dropzone
    sha256            text not null,
    file_size         bigint not null,
    file_mtime        timestamptz not null,
    arrived_at        timestamptz not null default now(),
    outcome           text not null check (outcome in
                      ('loaded', 'accepted', 'accepted_with_warnings', 'rejected', 'duplicate')),
    rows_received     integer not null default 0,
    rows_loaded       integer not null default 0,
    rows_quarantined  integer not null default 0,
    reasons           jsonb not null default '[]'::jsonb,
    validated_at      timestamptz,
    unique (file_path, sha256)
);
create index if not exists submissions_key_idx
    on raw.submissions (dataset, province_code, period);
create index if not exists submissions_sha_idx on raw.submissions (sha256);

-- Rows that broke a row-level rule: never loaded into the dataset tables.
create table if not exists raw.quarantine (
    submission_id  bigint not null references raw.submissions,
    row_number     integer not null,     -- line / sheet row in the original file (1-based)
    rule           text not null,        -- machine code, e.g. value.not_a_number
    reason         text not null,        -- for the provincial clerk (Indonesian)
    detail         text not null,        -- for engineers (English)
    original       jsonb not null        -- the row as submitted, header -> cell text
);
create index if not exists quarantine_submission_idx on raw.quarantine (submission_id);

create table if not exists raw.koperasi (
    submission_id         bigint not null references raw.submissions,
    row_number            integer not null,
    nik_koperasi          text not null,
    nama_koperasi         text not null,
    kabupaten_kota        text not null,
    jenis_koperasi        text,
    kelompok_koperasi     text,
    status_aktif          boolean not null,
    jumlah_anggota_pria   bigint,
    jumlah_anggota_wanita bigint,
    tanggal_rat           date,
    modal_sendiri         numeric(20, 2),
    modal_luar            numeric(20, 2),
    aset                  numeric(20, 2),
    volume_usaha          numeric(20, 2),
    shu                   numeric(20, 2),
    predikat_kesehatan    text,
    extra                 jsonb,
    primary key (submission_id, row_number)
);

create table if not exists raw.umkm (
    submission_id            bigint not null references raw.submissions,
    row_number               integer not null,
    nib                      text,
    nama_usaha               text not null,
    kabupaten_kota           text not null,
    kbli                     text,
    skala_usaha              text,          -- as declared, or derived (see skala_usaha_derived)
    skala_usaha_derived      boolean not null default false,
    modal_usaha              numeric(20, 2),
    omzet_tahunan            numeric(20, 2),
    tenaga_kerja             integer,
    jenis_kelamin_pemilik    text,
    sertifikat_halal         text,
    tanggal_sertifikat_halal date,
    extra                    jsonb,
    primary key (submission_id, row_number)
);

create table if not exists raw.indikator_umkm (
    submission_id           bigint not null references raw.submissions,
    row_number              integer not null,
    kontribusi_pdrb_persen  numeric(7, 4) not null,
    nilai_tambah_umkm       numeric(20, 4),  -- miliar rupiah
    jumlah_umkm             bigint,
    tenaga_kerja_umkm       bigint,
    sumber                  text,
    extra                   jsonb,
    primary key (submission_id, row_number)
);

create table if not exists raw.kerja_sama (
    submission_id         bigint not null references raw.submissions,
    row_number            integer not null,
    nomor_dokumen         text not null,
    jenis_dokumen         text not null,
    judul                 text not null,
    nama_mitra            text not null,
    jenis_mitra           text not null,
    provinsi_mitra        text,             -- Kemendagri code
    tanggal_tanda_tangan  date not null,
    tanggal_berakhir      date,
    dokumen_induk         text,
    ruang_lingkup         text,
    status                text,
    extra                 jsonb,
    primary key (submission_id, row_number)
);

create table if not exists raw.kegiatan_kerja_sama (
    submission_id     bigint not null references raw.submissions,
    row_number        integer not null,
    nomor_dokumen     text not null,
    tanggal_kegiatan  date not null,
    jenis_kegiatan    text not null,
    uraian            text,
    jumlah_peserta    integer,
    jumlah_umkm       integer,
    jumlah_koperasi   integer,
    nilai_transaksi   numeric(20, 2),
    anggaran          numeric(20, 2),
    extra             jsonb,
    primary key (submission_id, row_number)
);
