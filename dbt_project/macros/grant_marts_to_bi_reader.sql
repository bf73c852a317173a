{#-
    on-run-end: let the read-only group role bi_reader (ingest/ddl/040_roles.sql) select every
    table of the marts schema. dbt recreates mart tables on each build; the default privileges
    of 040_roles.sql cover tables created by the user that ran the migration, this hook covers
    any other dbt user. Does nothing when the role or the schema does not exist (e.g. a
    warehouse not migrated by the ingest package), and only for the prod target (dev and ci
    builds write schemas of their own, see generate_schema_name.sql).
-#}
{% macro grant_marts_to_bi_reader() %}
    {% if execute and target.type == 'postgres' and target.name == 'prod' %}
        {% set sql %}
            do $$
            begin
                if exists (select 1 from pg_roles where rolname = 'bi_reader')
                   and exists (select 1 from pg_namespace where nspname = 'marts') then
                    grant usage on schema marts to bi_reader;
                    grant select on all tables in schema marts to bi_reader;
                end if;
            end
            $$;
        {% endset %}
        {% do run_query(sql) %}
    {% endif %}
{% endmacro %}
