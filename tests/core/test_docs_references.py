"""The README and docs/ cite only what a clone has: the seed article by title (docs/article.md), no ../shared paths;
the README says how to stop and reset the demo."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_and_docs_name_no_file_outside_the_repository():
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path


def test_the_article_is_cited_by_title_and_explained_section_by_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "《贵州：抓好党建促脱贫 感恩奋进奔小康》" in readme
    assert "docs/article.md" in readme
    article = (ROOT / "docs" / "article.md").read_text(encoding="utf-8")
    headings = [line for line in article.splitlines() if line.startswith("## ")]
    for section in ("The poverty work", "压实责任", "尽锐出战", "建强组织"):
        assert any(section in h for h in headings), section
    for part in ("fupin.areas", "fupin.registry", "fupin.cadres.optimizer", "fupin.audit", "fupin.checks"):
        assert part in article


def test_readme_says_how_to_stop_and_reset_the_demo():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Ctrl-C" in readme
    assert "worker" in readme
    assert "make clean" in readme
    assert "var/" in readme
