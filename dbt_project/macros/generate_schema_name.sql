{#-
    Schemas per target (dbt_project/profiles.yml):
    * prod (the default, what the pipeline builds): the configured names as they are
      (staging, intermediate, marts, snapshots, reference): the names BI tools and the
      quarterly extract read.
    * dev and ci: the target's schema as a prefix (dev_<user>_marts, ci_<id>_marts), so that
      an engineer's or a CI run's build never replaces what BI tools read.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name == 'prod' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
