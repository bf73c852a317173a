-- One partition per submission (issue 14): every raw.<dataset> table becomes LIST-partitioned
-- by submission_id. The loader COPYs a file's rows into a fresh plain table (no index, no
-- foreign key), checks them there, and attaches it as the submission's partition at the end
-- of the file's transaction: the primary key is then built once, by sort, instead of row by
-- row. See docs/loader-design.md, "Rows reach raw one partition per submission".
--
-- No foreign key to raw.submissions: attaching a partition of a table that has one takes
-- SHARE ROW EXCLUSIVE on raw.submissions, which waits for every other loader's open file
-- transaction (each holds ROW EXCLUSIVE there from inserting its log row) while holding the
-- parent's SHARE UPDATE EXCLUSIVE that those loaders need to attach: a deadlock. The same
-- guarantee is kept instead by (1) the partitioning itself (a row can only go into the
-- partition of its submission, and the loader creates that partition in the transaction that
-- inserts the submission's log row) and (2) the triggers below, which refuse to delete,
-- renumber or truncate a submission that still has rows, as the foreign key did.
--
-- A warehouse of the previous layout is converted in place, every row kept. Views reading the
-- old tables (dbt's staging views, the gate's audit.gate_batch_* views) are dropped with them
-- and named in a NOTICE: dbt recreates its views at the next build, the gate at its next run.
-- Privileges granted on an old table are granted again on the new parent (readers go through
-- the parent; PostgreSQL checks privileges on the table named in the query only).

create or replace function raw.refuse_orphaning_rows() returns trigger
language plpgsql as $$
declare
    dataset_table text;
    has_rows boolean;
begin
    foreach dataset_table in array array[
        'koperasi', 'umkm', 'indikator_umkm', 'kerja_sama', 'kegiatan_kerja_sama'
    ] loop
        if tg_op = 'TRUNCATE' then
            execute format('select exists (select 1 from raw.%I)', dataset_table)
                into has_rows;
        else
            execute format('select exists (select 1 from raw.%I where submission_id = $1)',
                           dataset_table)
                into has_rows using old.submission_id;
        end if;
        if has_rows then
            raise exception using
                errcode = 'foreign_key_violation',
                message = format('%s on raw.submissions would leave rows of raw.%s without '
                                 'their submission%s', lower(tg_op), dataset_table,
                                 case when tg_op = 'TRUNCATE' then ''
                                      else ' ' || old.submission_id end),
                hint = 'delete the submission''s rows first';
        end if;
    end loop;
    return case when tg_op = 'DELETE' then old else new end;
end
$$;

drop trigger if exists submissions_keep_rows on raw.submissions;
create trigger submissions_keep_rows
    before delete or update of submission_id on raw.submissions
    for each row execute function raw.refuse_orphaning_rows();
drop trigger if exists submissions_keep_rows_truncate on raw.submissions;
create trigger submissions_keep_rows_truncate
    before truncate on raw.submissions
    for each statement execute function raw.refuse_orphaning_rows();

do $$
declare
    dataset_table text;
    old_table text;
    dependent text;
    cols text;
    sid bigint;
    grant_row record;
begin
    foreach dataset_table in array array[
        'koperasi', 'umkm', 'indikator_umkm', 'kerja_sama', 'kegiatan_kerja_sama'
    ] loop
        continue when (select c.relkind from pg_class as c
                       where c.oid = format('raw.%I', dataset_table)::regclass) = 'p';
        old_table := dataset_table || '_unpartitioned';
        for dependent in
            select distinct format('%I.%I', vn.nspname, v.relname)
            from pg_depend as d
            join pg_rewrite as r on r.oid = d.objid
            join pg_class as v on v.oid = r.ev_class
            join pg_namespace as vn on vn.oid = v.relnamespace
            where d.refobjid = format('raw.%I', dataset_table)::regclass
              and v.oid <> d.refobjid
        loop
            raise notice 'raw.%: dropping view % (recreated by dbt / the gate at their next run)',
                dataset_table, dependent;
        end loop;
        execute format('alter table raw.%I rename to %I', dataset_table, old_table);
        execute format('alter table raw.%I rename constraint %I to %I',
                       old_table, dataset_table || '_pkey', old_table || '_pkey');
        execute format('create table raw.%I (like raw.%I including all) '
                       'partition by list (submission_id)', dataset_table, old_table);
        for grant_row in
            select a.grantee, a.privilege_type
            from pg_class as c, aclexplode(c.relacl) as a
            where c.oid = format('raw.%I', old_table)::regclass and a.grantee <> c.relowner
        loop
            execute format('grant %s on raw.%I to %s', grant_row.privilege_type, dataset_table,
                           case when grant_row.grantee = 0 then 'public'
                                else quote_ident(pg_get_userbyid(grant_row.grantee)) end);
        end loop;
        for sid in execute format('select distinct submission_id from raw.%I', old_table) loop
            execute format('create table raw.%I partition of raw.%I for values in (%s)',
                           dataset_table || '_s' || sid, dataset_table, sid);
        end loop;
        select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into cols
        from pg_attribute as a
        where a.attrelid = format('raw.%I', old_table)::regclass
          and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
        execute format('insert into raw.%I (%s) select %s from raw.%I',
                       dataset_table, cols, cols, old_table);
        execute format('drop table raw.%I cascade', old_table);
    end loop;
end
$$;
