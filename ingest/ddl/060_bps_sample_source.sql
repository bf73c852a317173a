-- BPS sample figures get their own label (issue 12). Idempotent.
--
-- Until the bundled snapshot held published BPS figures, it held SAMPLE values made up by a
-- generator (every answer carried last_update '2025-01-01 00:00:00'); they were loaded as
-- source 'snapshot'. A warehouse built then still holds them: they are relabelled
-- source 'sample' here, so that the marts say `grdp_source = 'sample'` ("DATA CONTOH - bukan
-- angka resmi BPS") for any figure still built on them. The next offline BPS run replaces
-- every such cell the published snapshot has (a snapshot row may replace a sample row, never
-- an API row); `make clean` removes the rest. Tests may load sample rows directly.

alter table raw.bps_observations drop constraint if exists bps_observations_source_check;
alter table raw.bps_observations add constraint bps_observations_source_check
    check (source in ('api', 'snapshot', 'sample'));

alter table raw.bps_fetches drop constraint if exists bps_fetches_source_check;
alter table raw.bps_fetches add constraint bps_fetches_source_check
    check (source in ('api', 'snapshot', 'sample'));

update raw.bps_observations
set source = 'sample'
where source = 'snapshot' and last_update = '2025-01-01 00:00:00';
