{#-
    The date submission compliance is evaluated at: the build's date in Asia/Jakarta, or
    KUMKM_AS_OF (YYYY-MM-DD) from the environment (a backfilled extract replays the marts as
    of its quarter's end; tests pin the date).
-#}
{% macro compliance_as_of() -%}
{%- set pinned = env_var('KUMKM_AS_OF', '') -%}
{%- if pinned -%}
date '{{ pinned }}'
{%- else -%}
(now() at time zone 'Asia/Jakarta')::date
{%- endif -%}
{%- endmacro %}
