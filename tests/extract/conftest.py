"""A small warehouse for the extract tests: hand-made marts and a submission log.

The marts are plain tables here (not dbt models) so the tests pin the extract's behaviour
on any mart: hostile text cells, negative numbers, numerics of several kinds, dates,
timestamps, booleans, nulls, JSON, a view, and every kind of quarter filter column.
"""

from __future__ import annotations

import pytest

from ingest import warehouse

HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    "+6281234567890",
    "-abc",
    "@SUM(A1:A9)",
    "\tcmd",
    "\rcarriage",
    "#N/A",
    'Koperasi Sejahtera, "Makmur"\nBaris dua',
]

MARTS_SQL = r"""
create schema if not exists marts;

create table marts.cooperative_health (
    province_code text not null,
    province_name text not null,
    book_year integer not null,
    cooperatives_total bigint not null,
    rat_compliance_pct numeric(5, 2),
    assets_idr numeric(24, 2) not null,
    source_submission_id bigint
);
insert into marts.cooperative_health values
    ('11', 'Aceh', 2024, 115, 70.11, 74279463046.19, 1002),
    ('11', 'Aceh', 2025, 120, null, 0.00, 1005),
    ('11', 'Aceh', 2026, 121, 50.00, 1.50, 1006),
    ('35', 'Jawa Timur', 2024, 2300, 18.26, -1234.50, 1003);

create table marts.umkm_contribution (
    province_code text not null,
    period text not null,
    period_type text not null,
    umkm_units bigint,
    umkm_share_of_grdp_pct numeric(5, 2),
    share_change_pp numeric(6, 2),
    umkm_value_added_idr_bn numeric,
    umkm_female_owner_pct double precision
);
insert into marts.umkm_contribution values
    ('35', '2024', 'year', 10, 60.43, 1.25, 123.456789012345678901, 0.5),
    ('35', '2024S2', 'semester', 11, 59.18, -0.75, 0.0000001, null),
    ('35', '2025Q1', 'quarter', 12, 61.00, -12.25, -5, -1.5),
    ('35', '2025S1', 'semester', 13, null, null, null, null),
    ('35', '2025', 'year', 14, null, null, null, null),
    ('11', '2025Q2', 'quarter', 15, null, null, null, null);

create table marts.agreement_implementation (
    province_code text not null,
    document_number text not null,
    title text,
    partner_name text,
    signed_on date,
    expires_on date,
    days_to_first_activity integer,
    transaction_value_idr numeric(20, 2),
    expiring_within_90_days boolean,
    latest_submitted_at timestamptz,
    extra jsonb,
    as_of date
);
insert into marts.agreement_implementation values
    ('11', 'PKS/001', '=HYPERLINK("http://evil.example","klik")', '+6281234567890',
     '2024-01-15', null, -3, -2500000.00, true, '2025-03-31 23:30:00+07',
     '{"b": 1, "a": [1, 2]}', '2025-03-31'),
    ('11', 'PKS/002', '-abc', '@SUM(A1:A9)', '2024-02-01', '2026-02-01', 10, 0.00, false,
     null, null, '2025-03-31'),
    ('12', 'PKS/003', E'\tcmd', E'\rcarriage', null, null, null, null, null, null, null,
     '2025-03-31'),
    ('12', 'PKS/004', '#N/A', E'Koperasi Sejahtera, "Makmur"\nBaris dua', '2025-01-02',
     null, 0, 1.05, null, '2025-01-02 08:00:00+00', null, '2025-03-31'),
    ('13', 'PKS/005', 'Nanti', 'Mitra', '2025-04-02', null, null, null, null, null, null,
     '2025-06-30'),
    ('14', 'PKS/006', 'Tanpa tanggal', 'Mitra', null, null, null, null, null, null, null, null);

create table marts.dim_province (
    province_code text primary key,
    bps_code text not null,
    province_name text not null,
    aliases text
);
insert into marts.dim_province values
    ('11', '1100', 'Aceh', 'nad;nanggroe aceh darussalam'),
    ('35', '3500', 'Jawa Timur', 'jatim'),
    ('12', '1200', 'Sumatera Utara', null);

create view marts.province_list as
    select province_code, province_name from marts.dim_province;

-- a dbt build in progress leaves these for a moment: never extracted
create table marts.cooperative_health__dbt_tmp (x integer);
"""

SUBMISSIONS_SQL = """
insert into raw.submissions (submission_id, dataset, province_code, period, period_type,
    period_start, period_end, file_name, file_path, sha256, file_size, file_mtime, outcome)
values
    -- koperasi 11/2024: 1001 superseded by 1002 (later mtime)
    (1001, 'koperasi', '11', '2024', 'year', '2024-01-01', '2024-12-31',
     'koperasi_11_2024.csv', 'koperasi_11_2024.csv', repeat('a', 64), 10,
     '2025-01-10 09:00+07', 'accepted'),
    (1002, 'koperasi', '11', '2024', 'year', '2024-01-01', '2024-12-31',
     'koperasi_11_2024_rev.csv', 'koperasi_11_2024_rev.csv', repeat('b', 64), 10,
     '2025-02-10 09:00+07', 'accepted_with_warnings'),
    -- a later rejected file does not displace the accepted one
    (1004, 'koperasi', '11', '2024', 'year', '2024-01-01', '2024-12-31',
     'koperasi_11_2024_v3.csv', 'koperasi_11_2024_v3.csv', repeat('c', 64), 10,
     '2025-03-10 09:00+07', 'rejected'),
    (1003, 'koperasi', '35', '2024', 'year', '2024-01-01', '2024-12-31',
     'koperasi_35_2024.xlsx', 'koperasi_35_2024.xlsx', repeat('d', 64), 10,
     '2025-01-20 09:00+07', 'accepted'),
    -- book year 2025 register: its period ends after 2025Q1, but a mart row names it
    (1005, 'koperasi', '11', '2025', 'year', '2025-01-01', '2025-12-31',
     'koperasi_11_2025.csv', 'koperasi_11_2025.csv', repeat('e', 64), 10,
     '2025-03-20 09:00+07', 'accepted'),
    (1006, 'koperasi', '11', '2026', 'year', '2026-01-01', '2026-12-31',
     'koperasi_11_2026.csv', 'koperasi_11_2026.csv', repeat('f', 64), 10,
     '2026-03-20 09:00+07', 'accepted'),
    (1010, 'umkm', '35', '2025Q1', 'quarter', '2025-01-01', '2025-03-31',
     'umkm_35_2025Q1.csv', 'umkm_35_2025Q1.csv', repeat('1', 64), 10,
     '2025-04-05 09:00+07', 'accepted'),
    (1011, 'umkm', '35', '2025S1', 'semester', '2025-01-01', '2025-06-30',
     'umkm_35_2025S1.csv', 'umkm_35_2025S1.csv', repeat('2', 64), 10,
     '2025-07-05 09:00+07', 'accepted');

insert into raw.bps_fetches (run_id, measure, var_id, years, status, last_update, rows,
    request, fetched_at, source)
values
    ('r1', 'grdp_growth_pct', 104, '{2024}', 'ok', '2025-02-05 10:00', 38, 'x', now(), 'api'),
    ('r2', 'grdp_growth_pct', 104, '{2024}', 'ok', '2025-03-05 10:00', 38, 'x', now(), 'api'),
    ('r2', 'population_thousand', 12, '{2024}', 'error', null, 0, 'x', now(), 'api');
"""


def load_sample(url: str) -> None:
    with warehouse.connect(url) as conn:
        conn.execute(MARTS_SQL)
        conn.execute(SUBMISSIONS_SQL)


@pytest.fixture(scope="module")
def marts_url(make_database):
    """A database of its own with the sample marts (read-only for the tests)."""
    with make_database() as url:
        load_sample(url)
        yield url
