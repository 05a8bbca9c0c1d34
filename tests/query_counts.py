"""Measuring how many queries each address of a page set runs (the query-count tests)."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker.cached_render import forget_local_copies


def addresses_over_their_bound(client, urls: dict[str, str], bounds: dict[str, int]) -> dict[str, tuple]:
    """GET each address from an empty cache (a row fragment cached by one list would spare the next
    its queries); return those that ran more queries than their bound, with the count, the bound
    and the SQL. Every address must answer 200."""
    over_bound = {}
    for name, url in urls.items():
        cache.clear()
        forget_local_copies()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        if len(queries) > bounds[name]:
            over_bound[name] = (len(queries), bounds[name], [query["sql"] for query in queries])
    return over_bound
