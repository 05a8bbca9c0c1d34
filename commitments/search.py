"""Search across everything the public pages show, on one index (SearchEntry) on both engines.

Each searchable kind of record is registered here (SEARCH_KINDS): how to turn its rows into
entries (a title, a body, the agreement it belongs to, where it is shown), and which models'
writes change its entries. Signals (connected in apps.py for every registered kind) rewrite the
entries of what a write touched, inside the writing transaction; bulk writers that skip signals
call reindex(). The full-text index over the entries is the database's (migration 0029):
PostgreSQL's tsvector column with a GIN index, ranked with ts_rank (django.contrib.postgres.search),
or SQLite's FTS5 table, ranked with bm25(). Both match every word of the query as a prefix.

A new kind (the incident log) joins by registering a SearchKind: a `rows(apps, ids)` function that
yields {"id", "title", "body", "agreement_id", "path"} for the given ids (all rows when None), its
label, and the models whose writes change its entries with how to find the affected ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.db import connection, models, transaction
from django.db.models import F, Func, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .acled import SubEventType

# What a query may hold: at most this many words, each matched as a prefix.
MAX_QUERY_WORDS = 10
MAX_QUERY_LENGTH = 200
BATCH = 2000
# Marks the database puts around matched words in a snippet; replaced by <mark> after escaping.
START, STOP = "\x01", "\x02"
# PostgreSQL's parser reads "<…>" as markup and skips it; the index (migration 0031) and the
# headline read '<' and '>' as these private-use characters instead, turned back for display.
NO_MARKUP = str.maketrans("<>", "\ue000\ue001")
MARKUP = str.maketrans("\ue000\ue001", "<>")
SNIPPET_WORDS = 24

Rows = Callable[[object, Iterable[int] | None], Iterator[dict]]


@dataclass(frozen=True)
class Watch:
    """A model whose writes change a kind's entries, and how to find which (ids of the kind's model)."""

    model: str  # "commitments.Evidence"
    affected: Callable[[models.Model], Iterable[int]]


@dataclass(frozen=True)
class SearchKind:
    name: str  # stored in SearchEntry.kind; also the `kind` filter's value
    label: str
    model: str  # "commitments.Commitment": a deleted row's entry goes with it
    rows: Rows
    watches: tuple[Watch, ...] = field(default_factory=tuple)


SEARCH_KINDS: dict[str, SearchKind] = {}


def register(kind: SearchKind) -> SearchKind:
    """Add a kind to the search (and, once apps are ready, keep its entries true on every write)."""
    SEARCH_KINDS[kind.name] = kind
    return kind


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.name, kind.label) for kind in SEARCH_KINDS.values()]


# --- the kinds ------------------------------------------------------------------------


def _chunks(ids: Iterable[int] | None, queryset) -> Iterator[list[int]]:
    """Yield the ids to index in batches: `ids`, or every row of `queryset` (in primary key order)."""
    if ids is not None:
        ids = sorted(set(ids))
        for start in range(0, len(ids), BATCH):
            yield ids[start : start + BATCH]
        return
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1]


def _join(*parts: str) -> str:
    return " — ".join(part for part in parts if part)


def agreement_rows(apps, ids):
    Agreement = apps.get_model("commitments", "Agreement")
    for batch in _chunks(ids, Agreement.objects):
        for row in Agreement.objects.filter(pk__in=batch).values("pk", "slug", "title", "short_title", "summary"):
            yield {
                "id": row["pk"],
                "title": row["short_title"] or row["title"],
                "body": _join(row["title"], row["summary"]),
                "agreement_id": row["pk"],
                "path": reverse("dashboard:agreement_detail", args=[row["slug"]]),
            }


def provision_rows(apps, ids):
    Provision = apps.get_model("commitments", "Provision")
    fields = ("pk", "number", "text", "text_variants", "agreement_id", "agreement__slug", "agreement__short_title")
    for batch in _chunks(ids, Provision.objects):
        for row in Provision.objects.filter(pk__in=batch).values(*fields, "agreement__title"):
            agreement = row["agreement__short_title"] or row["agreement__title"]
            yield {
                "id": row["pk"],
                "title": f"{agreement}, point {row['number']}",
                "body": _join(row["text"], row["text_variants"]),
                "agreement_id": row["agreement_id"],
                "path": reverse("dashboard:agreement_detail", args=[row["agreement__slug"]]) + f"#point-{row['pk']}",
            }


def commitment_rows(apps, ids):
    Commitment = apps.get_model("commitments", "Commitment")
    for batch in _chunks(ids, Commitment.objects):
        rows = Commitment.objects.filter(pk__in=batch).values(
            "pk", "title", "code", "description", "provision__agreement_id"
        )
        for row in rows:
            yield {
                "id": row["pk"],
                "title": row["title"],
                "body": _join(row["description"], row["code"]),
                "agreement_id": row["provision__agreement_id"],
                "path": reverse("dashboard:commitment_detail", args=[row["pk"]]),
            }


def _quotes_by(evidence_model, key: str, batch: list[int]) -> dict[int, list[str]]:
    """Return the quoted passages of the evidence of each record of `batch`, by the record's id."""
    quotes: dict[int, list[str]] = {}
    for record_id, quote in (
        evidence_model.objects.filter(**{f"{key}__in": batch}).order_by("pk").values_list(key, "quote")
    ):
        quotes.setdefault(record_id, []).append(quote)
    return quotes


def assessment_rows(apps, ids):
    """A published assessment's entry: its summary and the passages its evidence quotes."""
    StatusUpdate = apps.get_model("commitments", "StatusUpdate")
    Evidence = apps.get_model("commitments", "Evidence")
    for batch in _chunks(ids, StatusUpdate.objects):
        quotes = _quotes_by(Evidence, "status_update_id", batch)
        # Only what the public sees: a draft has no entry until it is published (commitments/review.py).
        rows = StatusUpdate.objects.filter(pk__in=batch, review_state="published").values(
            "pk", "summary", "commitment_id", "commitment__title", "commitment__provision__agreement_id"
        )
        for row in rows:
            yield {
                "id": row["pk"],
                "title": row["commitment__title"],
                "body": " ".join([row["summary"], *quotes.get(row["pk"], [])]),
                "agreement_id": row["commitment__provision__agreement_id"],
                "path": reverse("dashboard:commitment_detail", args=[row["commitment_id"]]) + f"#update-{row['pk']}",
            }


def claim_rows(apps, ids):
    Claim = apps.get_model("commitments", "Claim")
    for batch in _chunks(ids, Claim.objects):
        rows = Claim.objects.filter(pk__in=batch, review_state="published").values(
            "pk",
            "quote",
            "summary",
            "commitment_id",
            "commitment__title",
            "commitment__provision__agreement_id",
            "speaker__name",
            "speaker__role",
            "party__name",
            "party__short_name",
        )
        for row in rows:
            yield {
                "id": row["pk"],
                "title": _join(row["speaker__name"], row["party__short_name"] or row["party__name"]),
                "body": _join(row["quote"], row["summary"], row["speaker__role"], row["commitment__title"]),
                "agreement_id": row["commitment__provision__agreement_id"],
                "path": reverse("dashboard:commitment_detail", args=[row["commitment_id"]]) + f"#claim-{row['pk']}",
            }


def source_rows(apps, ids):
    Source = apps.get_model("commitments", "Source")
    for batch in _chunks(ids, Source.objects):
        for row in Source.objects.filter(pk__in=batch).values("pk", "title", "publisher", "author", "notes"):
            yield {
                "id": row["pk"],
                "title": row["title"],
                "body": _join(row["publisher"], row["author"], row["notes"]),
                "agreement_id": None,
                "path": reverse("dashboard:source_detail", args=[row["pk"]]),
            }


def party_rows(apps, ids):
    Party = apps.get_model("commitments", "Party")
    for batch in _chunks(ids, Party.objects):
        for row in Party.objects.filter(pk__in=batch).values("pk", "slug", "name", "short_name"):
            yield {
                "id": row["pk"],
                "title": row["name"],
                "body": row["short_name"],
                "agreement_id": None,
                "path": reverse("dashboard:party_detail", args=[row["slug"]]),
            }


def speaker_rows(apps, ids):
    Speaker = apps.get_model("commitments", "Speaker")
    for batch in _chunks(ids, Speaker.objects):
        for row in Speaker.objects.filter(pk__in=batch).values("pk", "name", "role", "party__name"):
            yield {
                "id": row["pk"],
                "title": row["name"],
                "body": _join(row["role"], row["party__name"]),
                "agreement_id": None,
                "path": reverse("dashboard:speaker_detail", args=[row["pk"]]),
            }


def incident_rows(apps, ids):
    """A published incident's entry (with its evidence, as every public surface shows it): what
    and where, its summary and the passages its evidence quotes."""
    Incident = apps.get_model("commitments", "Incident")
    IncidentEvidence = apps.get_model("commitments", "IncidentEvidence")
    for batch in _chunks(ids, Incident.objects):
        quotes = _quotes_by(IncidentEvidence, "incident_id", batch)
        rows = Incident.objects.filter(pk__in=batch, review_state="published").values(
            "pk", "sub_event_type", "location", "admin1", "admin2", "country", "summary", "agreement_id"
        )
        for row in rows:
            if row["pk"] not in quotes:  # no evidence: not on record
                continue
            yield {
                "id": row["pk"],
                "title": f"{SubEventType(row['sub_event_type']).label}, {row['location']}",
                "body": " ".join(
                    [_join(row["summary"], row["admin1"], row["admin2"], row["country"]), *quotes[row["pk"]]]
                ),
                "agreement_id": row["agreement_id"],
                "path": reverse("dashboard:incident_detail", args=[row["pk"]]),
            }


def _ids(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


# In the order the results page groups them.
register(SearchKind("commitment", _("Commitments"), "commitments.Commitment", commitment_rows))
register(
    SearchKind(
        "provision",
        _("Text of the agreements"),
        "commitments.Provision",
        provision_rows,
        (Watch("commitments.Agreement", lambda agreement: _ids(agreement.provisions.all())),),
    )
)
register(
    SearchKind(
        "assessment",
        _("Assessments and their evidence"),
        "commitments.StatusUpdate",
        assessment_rows,
        (
            Watch("commitments.Evidence", lambda evidence: [evidence.status_update_id]),
            Watch("commitments.Commitment", lambda commitment: _ids(commitment.status_updates.all())),
        ),
    )
)
register(
    SearchKind(
        "claim",
        _("Claims by the parties"),
        "commitments.Claim",
        claim_rows,
        (
            Watch("commitments.Speaker", lambda speaker: _ids(speaker.claims.all())),
            Watch("commitments.Party", lambda party: _ids(party.claims.all())),
            Watch("commitments.Commitment", lambda commitment: _ids(commitment.claims.all())),
        ),
    )
)
register(
    SearchKind(
        "incident",
        _("Incidents"),
        "commitments.Incident",
        incident_rows,
        (Watch("commitments.IncidentEvidence", lambda evidence: [evidence.incident_id]),),
    )
)
register(SearchKind("source", _("Sources"), "commitments.Source", source_rows))
register(SearchKind("party", _("Parties"), "commitments.Party", party_rows))
register(
    SearchKind(
        "speaker",
        _("Speakers"),
        "commitments.Speaker",
        speaker_rows,
        (Watch("commitments.Party", lambda party: _ids(party.speakers.all())),),
    )
)
register(SearchKind("agreement", _("Agreements"), "commitments.Agreement", agreement_rows))


# --- keeping the index true ----------------------------------------------------------


def index(kind: SearchKind, ids: Iterable[int] | None = None, apps=global_apps) -> int:
    """Write the entries of `kind` for `ids` (every row when None), replacing what was there, and
    remove the entries of ids that no longer exist. Returns the number of entries written."""
    SearchEntry = apps.get_model("commitments", "SearchEntry")
    written = 0
    with transaction.atomic():
        if ids is None:
            SearchEntry.objects.filter(kind=kind.name).delete()
            batch = []
            for row in kind.rows(apps, None):
                batch.append(_entry(SearchEntry, kind, row))
                if len(batch) >= BATCH:
                    SearchEntry.objects.bulk_create(batch)
                    written += len(batch)
                    batch = []
            SearchEntry.objects.bulk_create(batch)
            return written + len(batch)
        ids = set(ids)
        if not ids:
            return 0
        rows = list(kind.rows(apps, ids))
        SearchEntry.objects.filter(kind=kind.name, object_id__in=ids).delete()
        SearchEntry.objects.bulk_create([_entry(SearchEntry, kind, row) for row in rows])
        return len(rows)


def _entry(SearchEntry, kind: SearchKind, row: dict):
    return SearchEntry(
        kind=kind.name,
        object_id=row["id"],
        agreement_id=row["agreement_id"],
        title=row["title"][:500],
        body=row["body"],
        path=row["path"][:300],
    )


def reindex(kinds: Iterable[str] | None = None, apps=global_apps) -> dict[str, int]:
    """Rebuild the entries of `kinds` (all) from the records: for bulk writers and the
    `rebuild_search_index` command. Returns the entries written per kind."""
    return {name: index(SEARCH_KINDS[name], None, apps) for name in (kinds or SEARCH_KINDS)}


def on_write(sender, instance, **kwargs) -> None:
    """Signal receiver: rewrite the entries a write of `instance` touched (its own, and those of
    the kinds that watch its model)."""
    if kwargs.get("raw"):  # loaddata: related rows may not be there yet
        return
    label = sender._meta.label
    deleted = kwargs.get("signal") is models.signals.post_delete
    for kind in SEARCH_KINDS.values():
        if kind.model == label:
            index(kind, [instance.pk])
        for watch in kind.watches:
            if watch.model == label:
                affected = watch.affected(instance)
                if deleted:  # a deleted row's relations may be gone already; what remains is rewritten
                    affected = [pk for pk in affected if pk is not None]
                index(kind, affected)


def watched_models() -> set[str]:
    labels = set()
    for kind in SEARCH_KINDS.values():
        labels.add(kind.model)
        labels.update(watch.model for watch in kind.watches)
    return labels


# --- searching -----------------------------------------------------------------------


def query_words(text: str) -> list[str]:
    """Return the words of a query that the index can match (letters and digits, any script)."""
    return re.findall(r"[^\W_]+", (text or "")[:MAX_QUERY_LENGTH].lower())[:MAX_QUERY_WORDS]


@dataclass
class Hit:
    kind: str
    object_id: int
    title: str
    path: str
    agreement_id: int | None
    snippet: SafeString

    @property
    def kind_label(self) -> str:
        return str(SEARCH_KINDS[self.kind].label)


def highlight(text: str) -> SafeString:
    """Return a snippet with the database's match marks as <mark>, everything else escaped."""
    return mark_safe(escape(text).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308 (escaped first)


# A word in nearly every entry would have the database rank every match (0.4 s for a word in
# 400,000 quotes). The search ranks at most this many matches, the first the index yields: on
# SQLite the entries indexed most recently (recorded or changed last), on PostgreSQL those first
# in the table.
MAX_RANKED = 1000


@dataclass
class Match:
    """An entry that matches, before its page is chosen: its rank (lower is better) and kind; `row`,
    the rest of its Hit with the unescaped snippet, when the backend had it at hand (SQLite makes
    snippets in the same pass)."""

    id: int
    kind: str
    rank: float
    row: tuple | None = None


class SearchResults:
    """The entries matching every word of a query (as prefixes), optionally of one agreement and of
    some kinds: grouped by kind (SEARCH_KINDS order), ranked within a kind. Sliceable and countable,
    so Django's Paginator pages it; snippets are made for the page's rows only.

    When more than MAX_RANKED entries match, only MAX_RANKED of them (the first the index yields)
    are counted and ranked (`is_cut` is then True, and the page says so)."""

    def __init__(self, query: str, *, agreement_id: int | None = None, kinds: Iterable[str] | None = None) -> None:
        self.words = query_words(query)
        self.agreement_id = agreement_id
        self.kinds = [kind for kind in (kinds or SEARCH_KINDS) if kind in SEARCH_KINDS]
        self._matches: list[Match] | None = None
        self._chosen: list[Match] | None = None
        self.facets_are_cut = False  # more than MAX_RANKED entries match, of every kind
        self.is_cut = False  # more than MAX_RANKED entries of the chosen kinds match

    def matches(self) -> list[Match]:
        """Return the matching entries of every kind, MAX_RANKED at most (one query)."""
        if self._matches is None:
            matches = _backend().first_matches(self, MAX_RANKED + 1) if self.words else []
            self.facets_are_cut = len(matches) > MAX_RANKED
            self._matches = matches[:MAX_RANKED]
        return self._matches

    def chosen(self) -> list[Match]:
        """Return the matching entries of the chosen kinds, MAX_RANKED at most: taken from matches()
        when those are all of them, else read again with the kinds in the query (a cut of every kind
        could leave out a kind that few entries have)."""
        if self._chosen is None:
            everything = self.matches()
            if set(self.kinds) == set(SEARCH_KINDS) or not self.facets_are_cut:
                chosen = [match for match in everything if match.kind in self.kinds]
                self.is_cut = self.facets_are_cut
            else:
                chosen = _backend().first_matches(self, MAX_RANKED + 1, kinds=self.kinds)
                self.is_cut = len(chosen) > MAX_RANKED
            self._chosen = chosen[:MAX_RANKED]
        return self._chosen

    def counts_by_kind(self) -> dict[str, int]:
        """Return how many entries match, per kind (every kind, regardless of the kind filter), among
        the MAX_RANKED that matches() reads (facets_are_cut says when there were more)."""
        counts = dict.fromkeys(SEARCH_KINDS, 0)
        for match in self.matches():
            counts[match.kind] += 1
        return counts

    def ranked(self) -> list[Match]:
        """Return the matches of the chosen kinds, grouped by kind and ranked within each."""
        order = {name: position for position, name in enumerate(SEARCH_KINDS)}
        return sorted(self.chosen(), key=lambda match: (order[match.kind], match.rank, match.id))

    def count(self) -> int:
        return len(self.chosen())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item) -> list[Hit]:
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        page = self.ranked()[item]
        return _backend().hits(self, page) if page else []


class _SQLite:
    """FTS5: `commitments_searchentry_fts` over title and body, bm25() ranking (lower is better)."""

    # A word is matched as the terms of the index it is a prefix of, when they are few: FTS5 reads
    # those terms' entries newest first and stops at the limit, where a prefix query ("word"*)
    # first merges every matching entry (about 20 ms for a word in 400,000 quotes). Only plain
    # ASCII words of EXPANDED_MIN_LENGTH characters or more are expanded: the index folds case and
    # diacritics, which such a word needs no folding for, and a short prefix stands for many terms.
    EXPANDED_MIN_LENGTH = 4
    EXPANDED_MAX_TERMS = 16

    def match(self, words: list[str]) -> str:
        return " AND ".join(self.word_match(word) for word in words)

    def results_match(self, results: SearchResults) -> str:
        """Return the query of `results`' words, worked out once per search."""
        if getattr(results, "_sqlite_match", None) is None:
            results._sqlite_match = self.match(results.words)
        return results._sqlite_match

    def word_match(self, word: str) -> str:
        """Return the FTS5 query for one word: the terms it is a prefix of, or the prefix query."""
        if len(word) >= self.EXPANDED_MIN_LENGTH and word.isascii():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT term FROM commitments_searchentry_vocab WHERE term >= %s AND term < %s LIMIT %s",
                    [word, word + "\U0010ffff", self.EXPANDED_MAX_TERMS + 1],
                )
                terms = [row[0] for row in cursor.fetchall()]
            if terms and len(terms) <= self.EXPANDED_MAX_TERMS:
                return "(" + " OR ".join(f'"{term}"' for term in terms) + ")"
        return f'"{word}"*'

    def first_matches(self, results: SearchResults, limit: int, kinds: list[str] | None = None) -> list[Match]:
        # Newest first by rowid, which FTS5 reads in that order and stops at the limit; the
        # snippets come in the same pass, as FTS5 makes them only within a MATCH.
        sql = (
            "SELECT e.id, e.kind, bm25(commitments_searchentry_fts, 10.0, 1.0), e.object_id, e.title, e.path,"
            f" e.agreement_id, snippet(commitments_searchentry_fts, -1, char(1), char(2), '…', {SNIPPET_WORDS})"
            " FROM commitments_searchentry_fts"
            " JOIN commitments_searchentry e ON e.id = commitments_searchentry_fts.rowid"
            " WHERE commitments_searchentry_fts MATCH %s"
        )
        params: list = [self.results_match(results)]
        if results.agreement_id is not None:
            sql += " AND e.agreement_id = %s"
            params.append(results.agreement_id)
        if kinds is not None:
            sql += f" AND e.kind IN ({', '.join(['%s'] * len(kinds))})"
            params += kinds
        sql += " ORDER BY commitments_searchentry_fts.rowid DESC LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            return [Match(row[0], row[1], row[2], row[3:]) for row in cursor.fetchall()]

    def hits(self, results: SearchResults, matches: list[Match]) -> list[Hit]:
        hits = []
        for match in matches:
            object_id, title, path, agreement_id, snippet = match.row
            hits.append(Hit(match.kind, object_id, title, path, agreement_id, highlight(snippet)))
        return hits

    def explain(self, results: SearchResults, analyze: bool = False) -> str:
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT e.kind, e.object_id FROM commitments_searchentry_fts"
                " JOIN commitments_searchentry e ON e.id = commitments_searchentry_fts.rowid"
                " WHERE commitments_searchentry_fts MATCH %s ORDER BY commitments_searchentry_fts.rowid DESC"
                " LIMIT %s",
                [self.results_match(results), MAX_RANKED + 1],
            )
            return "\n".join(str(row[-1]) for row in cursor.fetchall())


class _PostgreSQL:
    """The generated tsvector column `document` (title weighted A, body B) with its GIN index,
    queried and ranked with django.contrib.postgres.search."""

    def query(self, results: SearchResults):
        from django.contrib.postgres.search import SearchQuery

        return SearchQuery(" & ".join(f"{word}:*" for word in results.words), search_type="raw", config="simple")

    def queryset(self, results: SearchResults):
        from django.contrib.postgres.search import SearchVectorField

        SearchEntry = global_apps.get_model("commitments", "SearchEntry")
        queryset = SearchEntry.objects.annotate(
            document=RawSQL('"commitments_searchentry"."document"', [], output_field=SearchVectorField())
        ).filter(document=self.query(results))
        if results.agreement_id is not None:
            queryset = queryset.filter(agreement_id=results.agreement_id)
        return queryset

    def first_matches(self, results: SearchResults, limit: int, kinds: list[str] | None = None) -> list[Match]:
        rows = self.ranked_queryset(results, kinds).values_list("pk", "kind", "rank")[:limit]
        with self.scan(results, kinds):
            return [Match(pk, kind, -rank) for pk, kind, rank in rows]

    def ranked_queryset(self, results: SearchResults, kinds: list[str] | None = None):
        from django.contrib.postgres.search import SearchRank

        queryset = self.queryset(results)
        if kinds is not None:
            queryset = queryset.filter(kind__in=kinds)
        return queryset.annotate(rank=SearchRank(F("document"), self.query(results))).order_by()

    def scan(self, results: SearchResults, kinds: list[str] | None):
        """Return the planner settings to find the first matches with: the table read from its start
        for a query most entries match, else the GIN index. The planner cannot choose: it guesses 2%
        of the entries for any prefix, and would walk the whole table for a rare word. Both read the
        table in its physical order, so both find the same first matches."""
        if kinds is None and results.agreement_id is None and self.share_matching(results) >= COMMON_SHARE:
            return _planner(TABLE_IN_ORDER)
        return _planner(INDEX_ONLY)

    def share_matching(self, results: SearchResults) -> float:
        """Return the share of the entries that match every word, estimated from the statistics that
        ANALYZE keeps on the index's most common terms (0 when there are none): for each word, the
        shares of the terms it is a prefix of, added up; the words taken as independent."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
                " WHERE schemaname = current_schema() AND tablename = %s AND attname = %s",
                ["commitments_searchentry", "document"],
            )
            row = cursor.fetchone()
        if row is None or row[0] is None:
            return 0.0
        terms = list(zip(row[0], row[1], strict=False))  # the shares end with 3 more numbers (min, max, nulls)
        share = 1.0
        for word in results.words:
            share *= min(1.0, sum(frequency for term, frequency in terms if term.startswith(word)))
        return share

    def hits(self, results: SearchResults, matches: list[Match]) -> list[Hit]:
        from django.contrib.postgres.search import SearchHeadline

        SearchEntry = global_apps.get_model("commitments", "SearchEntry")
        rows = SearchEntry.objects.filter(pk__in=[match.id for match in matches]).annotate(
            snippet=SearchHeadline(
                Func(
                    Concat("title", Value(" — "), "body", output_field=models.TextField()),
                    Value("<>"),
                    Value("<>".translate(NO_MARKUP)),
                    function="translate",
                    output_field=models.TextField(),
                ),
                self.query(results),
                config="simple",
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=8,
            ),
        )
        by_pk = {
            pk: Hit(kind, object_id, title, path, agreement_id, highlight(snippet.translate(MARKUP)))
            for pk, kind, object_id, title, path, agreement_id, snippet in rows.values_list(
                "pk", "kind", "object_id", "title", "path", "agreement_id", "snippet"
            )
        }
        # An entry rewritten between the two queries (a write re-indexes it) is left out of this page.
        return [by_pk[match.id] for match in matches if match.id in by_pk]

    def explain(self, results: SearchResults, analyze: bool = False) -> str:
        with self.scan(results, None):  # as first_matches() runs it
            return self.ranked_queryset(results)[: MAX_RANKED + 1].explain(analyze=analyze)


# No parallel workers in either, so that the same query finds the same first matches.
INDEX_ONLY = {"enable_seqscan": "off", "enable_indexscan": "off", "max_parallel_workers_per_gather": "0"}
# From the table's first page on: not a synchronized scan, which starts where another one is.
TABLE_IN_ORDER = {
    "enable_bitmapscan": "off",
    "enable_indexscan": "off",
    "synchronize_seqscans": "off",
    "max_parallel_workers_per_gather": "0",
}
# A query whose terms the statistics put in this share of the entries or more is found by reading
# the table from its start, which stops at the limit: for a word in 400,000 of the benchmark's
# 450,000 entries it reads 27,634 rows in 5 ms, where the GIN index takes 28 ms to build the bitmap
# of every match first. Even if every match sat at the table's end, reading the other entries first
# would cost about what that bitmap does.
COMMON_SHARE = 0.75


@contextmanager
def _planner(settings: dict[str, str]):
    """Have PostgreSQL plan the queries inside with `settings`, then give the rest of the transaction
    (a request's, a test's) its settings back. (After an error the savepoint's rollback undoes them.)"""
    names = list(settings)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["current_setting(%s), set_config(%s, %s, true)"] * len(names)),
            [value for name in names for value in (name, name, settings[name])],
        )
        before = cursor.fetchone()[0::2]
        yield
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)),
            [value for name, old in zip(names, before, strict=True) for value in (name, old)],
        )


def _backend():
    return _PostgreSQL() if connection.vendor == "postgresql" else _SQLite()


def explain(query: str, analyze: bool = False) -> str:
    """Return the database's plan for a search (the benchmark reports it); with `analyze`, run it and
    give what each step read (PostgreSQL only)."""
    return _backend().explain(SearchResults(query), analyze)
