"""The benchmark's plan report (devtools.benchmark.explain) lists the big tables a query sorts
whole. Rows read in an index's order and stopped by a LIMIT are not a whole-table sort, even when
SQLite sorts the rows that tie on the index ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY"); an
order no index gives is."""

import datetime as dt

import pytest
from django.db import connection

from commitments.models import Source
from devtools import benchmark

pytestmark = pytest.mark.django_db

TABLE = Source._meta.db_table


@pytest.fixture
def many_sources(monkeypatch):
    monkeypatch.setattr(benchmark, "_row_counts", {})  # counted afresh: this test's table
    Source.objects.bulk_create(
        Source(publisher=f"Outlet {n % 7}", title=f"Report {n}", published_on=dt.date(2020, 11, 1) + dt.timedelta(n))
        for n in range(benchmark.SMALL_TABLE_ROWS)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the planner's statistics, as the benchmark takes them
            cursor.execute(f"ANALYZE {TABLE}")


def plan_of(queryset) -> benchmark.Plan:
    sql, params = queryset.query.sql_with_params()
    return benchmark.explain(sql, params)


def test_an_order_no_index_gives_sorts_the_whole_table(many_sources):
    assert TABLE in plan_of(Source.objects.order_by("title")[:10]).sorts_whole


def test_the_first_rows_in_an_indexs_order_are_not_a_whole_table_sort(many_sources):
    plan = plan_of(Source.objects.order_by("-published_on", "publisher", "pk")[:10])

    assert TABLE not in plan.sorts_whole and TABLE not in plan.reads_whole


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan wording")
def test_sorting_only_the_ties_of_an_indexs_order_is_not_a_whole_table_sort(many_sources):
    plan = plan_of(Source.objects.order_by("-published_on", "publisher", "title")[:10])

    assert "RIGHT PART OF ORDER BY" in plan.text
    assert TABLE not in plan.sorts_whole and TABLE not in plan.reads_whole
