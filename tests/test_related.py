"""Related briefings: most shared actors (weight 2) and topics (weight 1), nearest in time, then slug."""

from __future__ import annotations

import random

import pytest

from briefings.index import RELATED_LIMIT, article_among

from .conftest import FIXED_NOW


def expected_related(articles, article):
    own_topics, own_actors = {t.slug for t in article.topics}, {a.slug for a in article.actors}
    scored = []
    for other in articles:
        if other is article:
            continue
        score = len(own_topics & {t.slug for t in other.topics}) + 2 * len(
            own_actors & {a.slug for a in other.actors}
        )
        if score:
            distance = abs((other.briefing.date - article.briefing.date).total_seconds())
            scored.append((-score, distance, other.briefing.slug))
    return [slug for *_, slug in sorted(scored)[:RELATED_LIMIT]]


@pytest.mark.parametrize("seed", range(4))
def test_related_briefings_match_the_rule_exactly(site, seed):
    rng = random.Random(seed)
    topics, actors = (
        ["Oil", "Sanctions", "Diplomacy", "Migration"],
        ["Ana Pérez", "José Núñez", "Doug Burgum"],
    )
    for n in range(30):
        day = rng.choice(["2026-03-01", "2026-03-02", "2026-03-05"])  # many same-day ties
        chosen_topics = rng.sample(topics, rng.randint(1, 2))
        chosen_actors = rng.sample(actors, rng.randint(0, 2))
        site.briefing(
            f"{day}-b{n:02d}",
            f"title: B{n}\ndate: {day}\ntopics: {chosen_topics}\nactors: {chosen_actors}".replace("'", '"'),
        )
    report = site.build()
    articles = report.site.articles
    topic_terms = [index.term for index in report.site.topics]
    actor_terms = [index.term for index in report.site.actors]
    for article in articles:
        assert [b.slug for b in article.related] == expected_related(articles, article), article.briefing.slug
        # The same briefing placed alone among the others, as a preview shows it at once.
        others = [a for a in articles if a is not article]
        alone = article_among(article.briefing, others, topic_terms, actor_terms, FIXED_NOW)
        assert alone is not None and alone.related == article.related, article.briefing.slug


def test_related_briefings_are_shown_on_the_page(site):
    site.briefing("2026-03-01-a", "title: Alpha\ndate: 2026-03-01\ntopics: [Oil]\nactors: [Ana Pérez]")
    site.briefing("2026-03-02-b", "title: Beta\ndate: 2026-03-02\ntopics: [Oil]")
    site.briefing("2026-03-03-c", "title: Gamma\ndate: 2026-03-03\ntopics: [Other]\nactors: [Ana Pérez]")
    site.briefing("2026-03-04-d", "title: Delta\ndate: 2026-03-04\ntopics: [Unrelated]")
    site.build()
    page = site.read("briefings/a/index.html")
    related = page[page.index('id="facts-related"') :]
    # Gamma shares an actor (2) and beats Beta, which shares a topic (1); Delta shares nothing.
    assert related.index("Gamma") < related.index("Beta") and "Delta" not in related
