{% test unique_combination_of_columns(model, columns) %}
{#- Fails with the duplicated key combinations of `columns` (no dbt_utils needed offline). -#}
select {{ columns | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
