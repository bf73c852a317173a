{#-
    GRDP at current prices for a period, from a row of int_bps_province_year (alias `bps`):
    the quarter's figure for quarter periods (BPS publishes quarterly GRDP), the annual
    figure of the period's year otherwise (BPS publishes no semester GRDP). A quarter without
    a quarterly figure gets null, never the annual figure (four times too large).
-#}
{% macro grdp_of_period(period_type, period, bps) -%}
case
    when {{ period_type }} = 'quarter' then
        case substr({{ period }}, 6)
            when '1' then {{ bps }}.grdp_q1_current_idr_bn
            when '2' then {{ bps }}.grdp_q2_current_idr_bn
            when '3' then {{ bps }}.grdp_q3_current_idr_bn
            when '4' then {{ bps }}.grdp_q4_current_idr_bn
        end
    else {{ bps }}.grdp_current_idr_bn
end
{%- endmacro %}
