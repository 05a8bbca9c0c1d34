"""The word-for-word check of the seed's quotes reads the articles from SEED_ARTICLES_DIR: unset, it
skips and says why (a fresh clone passes with CI=true); set but wrong, it fails; .ci/run sets it when
the articles sit beside the repository, and `make test` passes it on."""

import subprocess
from pathlib import Path

import pytest
from _pytest.outcomes import Failed, Skipped
from django.conf import settings

from tests.commitments.test_shipped_seed import seed_articles_dir

REPO = Path(settings.BASE_DIR)


def test_unset_it_skips_with_the_reason_even_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("SEED_ARTICLES_DIR", raising=False)

    with pytest.raises(Skipped, match="SEED_ARTICLES_DIR is not set"):
        seed_articles_dir()


def test_set_to_a_folder_without_articles_it_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("SEED_ARTICLES_DIR", str(tmp_path))

    with pytest.raises(Failed, match="holds no seed articles"):
        seed_articles_dir()


def test_set_to_the_articles_it_finds_them_relative_to_the_repository(monkeypatch, tmp_path):
    (tmp_path / "2020-12-07_azatutyun.txt").write_text("Moscow 'Satisfied'", encoding="utf-8")
    monkeypatch.setenv("SEED_ARTICLES_DIR", str(tmp_path))
    assert seed_articles_dir() == tmp_path

    monkeypatch.setenv("SEED_ARTICLES_DIR", "seeds")  # relative: to the repository root, not the working folder
    with pytest.raises(Failed):
        seed_articles_dir()  # seeds/ holds no .txt articles, and the path was resolved against the root


def test_ci_sets_it_when_the_articles_are_beside_the_repository_and_make_passes_it_on():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "if [ -d ../shared/seed-articles ]; then\n  export SEED_ARTICLES_DIR=../shared/seed-articles" in ci
    assert ci.index("export SEED_ARTICLES_DIR") < ci.index("make test")

    dry_run = subprocess.run(
        ["make", "-n", "test", "SEED_ARTICLES_DIR=../shared/seed-articles"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert 'SEED_ARTICLES_DIR="../shared/seed-articles" .venv/bin/python -m pytest' in dry_run
