-- The (dataset, period) pairs that are due at as_of (marts.md, submission_compliance): for
-- each dataset of the reporting calendar, every period of its cadence from the period that
-- holds the start of the first period any province had accepted, up to the last period
-- whose due date (period end + due days) is on or before as_of. Rejected or misnamed files
-- never start the calendar: only accepted submissions count.
with calendar as (

    select * from {{ ref('reporting_calendar') }}

),

accepted as (

    select dataset, min(period_start) as first_accepted_start
    from {{ ref('stg_submissions__submissions') }}
    where is_accepted
    group by dataset

),

starts as (

    select
        calendar.dataset,
        calendar.cadence,
        calendar.due_days_after_period_end,
        case calendar.cadence
            when 'year' then interval '1 year'
            when 'semester' then interval '6 months'
            else interval '3 months'
        end as step,
        case calendar.cadence
            when 'year' then date_trunc('year', accepted.first_accepted_start)
            when 'semester' then
                date_trunc('year', accepted.first_accepted_start)
                + case
                    when extract(month from accepted.first_accepted_start) > 6
                        then interval '6 months'
                    else interval '0 months'
                end
            else date_trunc('quarter', accepted.first_accepted_start)
        end::date as first_period_start
    from calendar
    inner join accepted on calendar.dataset = accepted.dataset

),

periods as (

    select
        starts.dataset,
        starts.cadence as period_type,
        starts.due_days_after_period_end,
        period_start::date as period_start,
        (period_start + starts.step - interval '1 day')::date as period_end
    from starts
    cross join lateral generate_series(
        starts.first_period_start::timestamp,
        {{ compliance_as_of() }}::timestamp,
        starts.step
    ) as period_start

),

labelled as (

    select
        dataset,
        case period_type
            when 'year' then extract(year from period_start)::text
            when 'semester' then
                extract(year from period_start)::text || 'S'
                || case when extract(month from period_start) > 6 then '2' else '1' end
            else
                extract(year from period_start)::text || 'Q'
                || extract(quarter from period_start)::text
        end as period,
        period_type,
        period_start,
        period_end,
        period_end + due_days_after_period_end as due_on
    from periods

)

select
    dataset,
    period,
    period_type,
    period_start,
    period_end,
    due_on,
    {{ compliance_as_of() }} as as_of
from labelled
where due_on <= {{ compliance_as_of() }}
