{#-
    GRDP at current prices of a period, from a row of int_bps_province_year (alias `bps`), on
    the period's own length (marts.md: a semester or quarter never takes an annual GRDP):
    year -> the annual figure; quarter -> the quarter's own figure when BPS has one, else the
    annual figure prorated by months (x 3/12); semester (BPS publishes no semester GRDP) ->
    the annual figure x 6/12. grdp_is_prorated says when the annual figure was prorated.
-#}
{% macro grdp_quarter_figure(period, bps, column='current_idr_bn') -%}
case substr({{ period }}, 6)
    when '1' then {{ bps }}.grdp_q1_{{ column }}
    when '2' then {{ bps }}.grdp_q2_{{ column }}
    when '3' then {{ bps }}.grdp_q3_{{ column }}
    when '4' then {{ bps }}.grdp_q4_{{ column }}
end
{%- endmacro %}

{% macro grdp_is_prorated(period_type, period, bps) -%}
(
    {{ bps }}.grdp_current_idr_bn is not null
    and (
        {{ period_type }} = 'semester'
        or ({{ period_type }} = 'quarter' and {{ grdp_quarter_figure(period, bps) }} is null)
    )
)
{%- endmacro %}

{% macro grdp_of_period(period_type, period, bps) -%}
case
    when {{ period_type }} = 'quarter' then
        coalesce({{ grdp_quarter_figure(period, bps) }}, {{ bps }}.grdp_current_idr_bn * 3 / 12)
    when {{ period_type }} = 'semester' then {{ bps }}.grdp_current_idr_bn * 6 / 12
    else {{ bps }}.grdp_current_idr_bn
end
{%- endmacro %}

{% macro grdp_source_of_period(period_type, period, bps) -%}
case
    when {{ period_type }} = 'quarter' and {{ grdp_quarter_figure(period, bps) }} is not null
        then {{ grdp_quarter_figure(period, bps, 'source') }}
    else {{ bps }}.grdp_source
end
{%- endmacro %}
