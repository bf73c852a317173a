-- Loads a planner can trust (issue 11): what the submission log says about a file beyond
-- its rows, one normalised key per document number, and the one definition of the
-- submission in force that the validation gate and dbt both read. Idempotent.

-- Columns are added only when missing (checked in the catalog first): ALTER TABLE takes an
-- ACCESS EXCLUSIVE lock even when the column exists, and migrate() runs at the start of
-- every task, beside loaders that are writing.
do $$
begin
    -- the sheet read from a workbook, the total/subtotal rows skipped (never data), and
    -- the earlier submission a byte-identical file duplicates
    if not exists (select 1 from information_schema.columns where table_schema = 'raw'
                   and table_name = 'submissions' and column_name = 'sheet_name') then
        alter table raw.submissions
            add column sheet_name text,
            add column rows_total_skipped integer not null default 0,
            add column duplicate_of bigint;  -- submission_id of the original (no foreign key:
                                             -- the as-of extract copies a subset of the log)
    end if;
    -- document numbers are matched ignoring case and white space (`KS/01/2024` =
    -- `ks / 01/2024`): the key is computed once, at load, and the gate and dbt join on it
    if not exists (select 1 from information_schema.columns where table_schema = 'raw'
                   and table_name = 'kerja_sama' and column_name = 'nomor_dokumen_key') then
        alter table raw.kerja_sama
            add column nomor_dokumen_key text
                generated always as (upper(regexp_replace(nomor_dokumen, '\s', '', 'g'))) stored,
            add column dokumen_induk_key text
                generated always as (upper(regexp_replace(dokumen_induk, '\s', '', 'g'))) stored;
        alter table raw.kegiatan_kerja_sama
            add column nomor_dokumen_key text
                generated always as (upper(regexp_replace(nomor_dokumen, '\s', '', 'g'))) stored;
    end if;
end
$$;

-- The submission in force per (dataset, province, period): the latest accepted file, where
-- "later" = later arrival in the dropzone (file mtime), ties broken by file name, then by
-- submission id (submissions.md section 1). Rejected, duplicate and not yet validated
-- files never take part. `period_seq` orders a province's periods of one dataset
-- (1 = earliest); `is_latest_period` marks the in-force submission of its latest period.
create or replace view raw.submissions_in_force as
with accepted as (
    select
        s.*,
        row_number() over (
            partition by s.dataset, s.province_code, s.period
            order by s.file_mtime desc, s.file_name desc, s.submission_id desc
        ) as arrival_rank
    from raw.submissions as s
    where s.outcome in ('accepted', 'accepted_with_warnings')
),

in_force as (
    select
        *,
        row_number() over (
            partition by dataset, province_code order by period_end, period_start
        ) as period_seq,
        count(*) over (partition by dataset, province_code) as periods
    from accepted
    where arrival_rank = 1
)

select
    submission_id,
    dataset,
    province_code,
    period,
    period_type,
    period_start,
    period_end,
    file_name,
    file_mtime,
    outcome,
    rows_received,
    rows_loaded,
    rows_quarantined,
    period_seq,
    period_seq = periods as is_latest_period
from in_force;
