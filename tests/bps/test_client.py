"""The client against the fake server: URLs, every error envelope, pagination, chunking."""

from __future__ import annotations

import pytest
import requests

from ingest.bps.client import DEFAULT_USER_AGENT, BpsClient, check_envelope
from ingest.bps.errors import (
    BpsApiError,
    BpsBadPeriodError,
    BpsBlockedError,
    BpsHttpError,
    BpsMalformedResponseError,
    BpsMissingKeyError,
    BpsTooManyYearsError,
    BpsUnavailableError,
    BpsUnknownKeyError,
)
from ingest.bps.series import year_chunks

from .conftest import KEY, make_client, needs_live


def _data_url(client: BpsClient, **params) -> str:
    base = {"lang": "ind", "domain": "0000", "var": 291}
    return client.list_url("data", {**base, **params})


def test_path_style_url(client):
    url = _data_url(client, th="123;124;125", turvar="0")
    assert url == (
        f"{client.base_url}list/model/data/lang/ind/domain/0000/var/291/th/123;124;125/"
        f"turvar/0/key/{KEY}/"
    )


def test_data_answer_and_request_shape(client, fake):
    response = client.data(291, [2023, 2024, 2025], turvar="0", turth=0)
    assert response.available and response.years == (2023, 2024, 2025)
    [seen] = fake.data_requests()
    assert seen.params["th"] == "123;124;125" and seen.params["turth"] == "0"
    assert seen.user_agent == DEFAULT_USER_AGENT
    assert "/key/***/" in response.url and KEY not in response.url


def test_query_style_route_answers_like_path_style(fake):
    headers = {"User-Agent": DEFAULT_USER_AGENT}
    query = requests.get(
        fake.url + "list",
        params={"model": "data", "lang": "ind", "domain": "0000", "var": 291, "th": "124"},
        headers=headers,
        timeout=5,
    ).json()
    assert query == {"status": "Error", "message": "Parameter Key is Missing."}
    path = requests.get(
        f"{fake.url}list/model/data/lang/ind/domain/0000/var/291/th/124/key/{KEY}/",
        headers=headers,
        timeout=5,
    ).json()
    query = requests.get(
        fake.url + "list",
        params={"model": "data", "domain": "0000", "var": 291, "th": "124", "key": KEY},
        headers=headers,
        timeout=5,
    ).json()
    assert path == query and path["data-availability"] == "available"


def test_missing_key(fake, sleeps):
    anonymous = make_client(fake.url, sleeps, api_key=None)
    with pytest.raises(BpsMissingKeyError, match="Key is Missing"):
        anonymous.data(291, [2023])
    assert len(fake.seen) == 1  # no retry


def test_unknown_key(fake, sleeps):
    stranger = make_client(fake.url, sleeps, api_key="not-a-key")
    with pytest.raises(BpsUnknownKeyError, match="UserNotFound"):
        stranger.data(291, [2023])
    assert len(fake.seen) == 1 and sleeps == []


def test_bad_th(client, fake):
    with pytest.raises(BpsBadPeriodError, match="'th' parameter is required"):
        client.get_json(_data_url(client, th="abc"))
    assert len(fake.seen) == 1


def test_too_many_years(client, fake):
    with pytest.raises(BpsTooManyYearsError, match="You provided 7"):
        client.get_json(_data_url(client, th="119:125"))
    assert len(fake.seen) == 1


def test_more_than_three_years_never_leave_the_client(client, fake):
    with pytest.raises(ValueError, match="at most 3 years"):
        client.data(291, [2019, 2020, 2021, 2022])
    assert fake.seen == []


def test_waf_403_for_a_non_browser_user_agent(fake, sleeps):
    bot = make_client(fake.url, sleeps, user_agent="python-requests/2.32")
    with pytest.raises(BpsBlockedError, match="403"):
        bot.data(291, [2023])
    assert len(fake.seen) == 1 and sleeps == []


def test_other_error_status(client, fake):
    fake.script({"status": "Error", "message": "Something unexpected."})
    with pytest.raises(BpsApiError, match="Something unexpected"):
        client.data(291, [2023])


def test_malformed_json(client, fake):
    fake.script("malformed")
    with pytest.raises(BpsMalformedResponseError, match="not JSON"):
        client.data(291, [2023])
    assert len(fake.seen) == 1


def test_html_page_with_http_200_is_malformed(client, fake):
    fake.script("html")
    with pytest.raises(BpsMalformedResponseError):
        client.data(291, [2023])


def test_available_answer_without_datacontent_is_malformed(client, fake):
    fake.script({"status": "OK", "data-availability": "available", "var": []})
    with pytest.raises(BpsMalformedResponseError, match="available answer has no"):
        client.data(291, [2023])


def test_http_404_page_is_an_http_error_without_retry(client, fake):
    with pytest.raises(BpsHttpError) as err:
        client.get_json(client.url("nothing", "here"))
    assert err.value.http_status == 404 and len(fake.seen) == 1


def test_unknown_var_is_an_unavailable_result_not_an_error(client):
    response = client.data(99999, [2023])
    assert not response.available and response.availability == "list-not-available"


def test_years_nobody_has_are_not_available(client):
    response = client.data(291, [2000])
    assert not response.available and response.availability == "not-available"


def test_unavailable_raises_only_when_data_is_required(client):
    url = _data_url(client, var=99999, th="123")
    with pytest.raises(BpsUnavailableError):
        client.get_json(url, allow_unavailable=False)


@needs_live
def test_tpt_annual_is_list_not_available(client):
    response = client.data(543, [2023, 2024, 2025], turth=191)
    assert not response.available and response.availability == "list-not-available"


@needs_live
def test_missing_key_capture_maps_to_its_exception():
    from .conftest import live

    with pytest.raises(BpsMissingKeyError):
        check_envelope(live("missing_key_error.json"))


def test_envelopes_map_to_their_exceptions():
    cases = [
        ({"status": "Error", "message": "Parameter Key is Missing."}, BpsMissingKeyError),
        ({"status": "404 UserNotFound"}, BpsUnknownKeyError),
        (
            {
                "status": "Error",
                "message": "'th' parameter is required and must be an integer, separated by "
                "colon (:) for range or semicolon (;) for multiple values.",
            },
            BpsBadPeriodError,
        ),
        (
            {
                "status": "Error",
                "message": "The maximum allowed number of years for the 'th' parameter is 3. "
                "You provided 5.",
            },
            BpsTooManyYearsError,
        ),
        ({"status": "Error", "message": "Other"}, BpsApiError),
        ({"status": "Failed"}, BpsApiError),
        (["not", "an", "object"], BpsMalformedResponseError),
    ]
    for envelope, exc in cases:
        with pytest.raises(exc):
            check_envelope(envelope)
    ok = {"status": "OK", "data-availability": "list-not-available", "data": ""}
    assert check_envelope(ok) is ok
    with pytest.raises(BpsUnavailableError):
        check_envelope(ok, allow_unavailable=False)


def test_year_chunks():
    assert year_chunks(range(2019, 2026)) == [[2019, 2020, 2021], [2022, 2023, 2024], [2025]]
    assert year_chunks([2025, 2023, 2023, 2024]) == [[2023, 2024, 2025]]
    assert year_chunks([]) == []


def test_data_range_splits_2019_2025_into_three_year_calls(client, fake):
    responses = client.data_range(291, range(2019, 2026), turvar="0", turth=0)
    assert [s.params["th"] for s in fake.data_requests()] == ["119;120;121", "122;123;124", "125"]
    assert [r.years for r in responses] == [(2019, 2020, 2021), (2022, 2023, 2024), (2025,)]
    # the fake holds 2021..2025 only: the first call answers for 2021 alone
    assert [t["label"] for t in responses[0].body["tahun"]] == ["2021"]


def test_list_models_follow_pagination(fake, sleeps):
    fake.per_page = 3
    with make_client(fake.url, sleeps) as c:
        variables = c.list_all("var", domain="0000")
    pages = [s.params["page"] for s in fake.seen]
    assert len(variables) > 3 and pages == [str(p) for p in range(1, len(pages) + 1)]
    assert len(pages) == -(-len(variables) // 3)


def test_periods_reads_all_pages(client, fake):
    periods = client.periods(543)
    assert len(periods) == 40 and periods[123] == 2023 and periods[87] == 1987
    assert len(fake.seen) == 4


def test_empty_list_is_empty(client):
    assert client.list_all("vervar", domain="0000", var=99999) == []


def test_provinces_domain_list(client):
    provinces = client.provinces()
    assert provinces and all("domain_id" in p for p in provinces)
