-- Read-only BI access. Applied idempotently by ingest.warehouse.migrate().
--
-- bi_reader: a NOLOGIN group role that may read the marts schema and nothing else. BI tools
-- and analysts get their own LOGIN role made a member of it, e.g.
--     create role dashboard login password '...' in role bi_reader;
-- Roles are cluster-wide while this file runs once per database (tests create many databases
-- on one server, possibly at the same time): the role is created only when missing, a
-- concurrent creation by another database's migration is tolerated, and a migrating user
-- without CREATEROLE only gets a notice (the grants below are then skipped too).
--
-- Privileges:
-- * marts: USAGE on the schema, SELECT on every table now, and by default on every table the
--   migrating user (the warehouse user dbt runs as) creates there later. dbt recreates the
--   mart tables on each build, so the project's on-run-end hook (dbt_project/macros/
--   grant_marts_to_bi_reader.sql) grants again for tables created by any other user.
-- * raw, audit, staging, intermediate, snapshots, reference: nothing. PostgreSQL grants
--   PUBLIC nothing on a new schema, but an operator may have; revoking from PUBLIC and from
--   bi_reader keeps them closed (members of PUBLIC would otherwise inherit them).

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'bi_reader') then
        if exists (
            select 1 from pg_roles
            where rolname = current_user and (rolsuper or rolcreaterole)
        ) then
            begin
                create role bi_reader nologin;
            exception when duplicate_object or unique_violation then
                -- created meanwhile by the migration of another database of this server
                null;
            end;
        else
            raise notice 'role bi_reader does not exist and % may not create it: skipped',
                current_user;
        end if;
    end if;
end
$$;

create schema if not exists marts;

do $$
declare
    closed text;
    has_role boolean := exists (select 1 from pg_roles where rolname = 'bi_reader');
begin
    if has_role then
        grant usage on schema marts to bi_reader;
        grant select on all tables in schema marts to bi_reader;
        alter default privileges in schema marts grant select on tables to bi_reader;
    end if;

    foreach closed in array array[
        'raw', 'audit', 'staging', 'intermediate', 'snapshots', 'reference'
    ] loop
        if exists (select 1 from pg_namespace where nspname = closed) then
            execute format('revoke all on schema %I from public', closed);
            execute format('revoke all on all tables in schema %I from public', closed);
            if has_role then
                execute format('revoke all on schema %I from bi_reader', closed);
                execute format('revoke all on all tables in schema %I from bi_reader', closed);
            end if;
        end if;
    end loop;
end
$$;
