-- Plausibility of the BPS reference data: where BPS published a province's GRDP and its
-- per-capita GRDP and population for the same year, per-capita x population must agree with
-- the GRDP (within 0.13 % on BPS's own 2024 figures; 2 % allowed). A larger gap means
-- made-up, mis-scaled or mismatched figures. Warns (engineers see it in the build output);
-- the marts label every estimated value (grdp_basis) regardless.
{{ config(severity='warn') }}

select
    province_code,
    year,
    grdp_published_idr_bn,
    grdp_estimated_idr_bn,
    round(100 * abs(grdp_estimated_idr_bn / grdp_published_idr_bn - 1), 2) as gap_pct
from {{ ref('int_bps_province_year') }}
where not is_national
    and grdp_published_idr_bn > 0
    and grdp_estimated_idr_bn is not null
    and abs(grdp_estimated_idr_bn / grdp_published_idr_bn - 1) > 0.02
