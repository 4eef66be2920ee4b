"""In Debian's chromium: axe-core finds no serious accessibility problem, and the site satisfies its own CSP."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefings.pipeline import BuildOptions, build

from .conftest import EXAMPLE_CONTENT, FIXED_NOW, ROOT
from .publishing import serve

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "",
    "briefing": "briefings/us-and-venezuela-agree-to-restore-relations/",
    "topic": "topics/us-venezuela/",
    "actor": "actors/delcy-rodriguez/",
    "chronology": "chronology/",
}
# Records what the Content-Security-Policy blocks, before any of the page's own code could run.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


def require_axe() -> Path:
    if AXE.is_file():
        return AXE
    if os.environ.get("CI"):
        pytest.fail("axe-core is missing: .ci/run must install it (npm ci)")
    pytest.skip("axe-core not installed; run `npm ci`")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    output = tmp_path_factory.mktemp("browser") / "_site"
    build(BuildOptions(content=EXAMPLE_CONTENT, output=output, now=FIXED_NOW))
    with serve(output) as url:
        yield url, output


def run_axe(browser, url: str) -> list[dict]:
    # axe is injected as an inline script: only this test's context may bypass the site's CSP.
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response is not None and response.ok
        page.add_script_tag(path=str(require_axe()))
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})",
        )
        return result["violations"]
    finally:
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_accessibility_violation(browser, served, name):
    url, _ = served
    violations = run_axe(browser, url + PAGES[name])
    serious = [
        f"{v['impact']}: {v['id']} — {v['help']} ({len(v['nodes'])}×, e.g. {v['nodes'][0]['target']})"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_axe_does_catch_a_serious_violation(browser, served, tmp_path):
    # The check above is only worth something if axe sees a real mistake in this setup.
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html><head><title>x</title></head><body><main><img src="a.png"></main></body></html>',
        encoding="utf-8",
    )
    with serve(tmp_path) as url:
        violations = run_axe(browser, url)
    assert "image-alt" in {v["id"] for v in violations if v["impact"] in ("serious", "critical")}


def csp_report(browser, url: str) -> tuple[list[str], dict]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(WATCH_CSP)
        messages: list[str] = []
        page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
        response = page.goto(url)
        assert response is not None and response.ok
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__cspViolations")
        state = page.evaluate(
            """() => ({
                margin: getComputedStyle(document.body).margin,
                sheets: document.styleSheets.length,
                jsonld: document.querySelectorAll('script[type="application/ld+json"]').length,
            })"""
        )
        return [*violations, *messages], {**state, "csp": response.headers.get("content-security-policy")}
    finally:
        context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_satisfy_the_content_security_policy_they_are_served_with(browser, served, name):
    url, _ = served
    violations, state = csp_report(browser, url + PAGES[name])
    assert state["csp"] and "default-src 'none'" in state["csp"]
    assert violations == []
    assert state["sheets"] == 1 and state["margin"] == "0px"  # the stylesheet is allowed and applied
    if name != "chronology":
        assert state["jsonld"] == 1  # JSON-LD is data, not script: the policy leaves it alone


def test_the_policy_would_catch_an_inline_style(browser, served):
    url, output = served
    page = output / "about" / "index.html"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<main id="main">', '<main id="main" style="color: red">'), encoding="utf-8")
    try:
        violations, _ = csp_report(browser, url + "about/")
    finally:
        page.write_text(text, encoding="utf-8")
    assert violations


def test_an_aligned_table_keeps_its_alignment_under_the_policy(browser, example_copy):
    # Markdown's column alignment would be an inline style, which the policy blocks.
    path = example_copy.content / "briefings" / "2026-03-05-us-and-venezuela-agree-to-restore-relations.md"
    table = "\n\n| Item | Share |\n| :-: | ---: |\n| Oil | 40 % |\n"
    path.write_text(path.read_text(encoding="utf-8") + table, encoding="utf-8")
    example_copy.build()
    with serve(example_copy.output) as url:
        violations, _ = csp_report(browser, url + PAGES["briefing"])
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url + PAGES["briefing"])
            aligned = page.evaluate(
                "() => [...document.querySelectorAll('.body td')].map(c => getComputedStyle(c).textAlign)"
            )
        finally:
            context.close()
    assert violations == []
    assert aligned == ["center", "right"]


def test_a_title_in_a_right_to_left_script_reads_right_to_left(browser, example_copy):
    # A desk's English pages carry an Arabic headline: it runs, and sits, right to left,
    # in its heading and wherever it is listed, while the rest stays left to right.
    (example_copy.content / "briefings" / "2026-03-07-arabic.md").write_text(
        "---\ntitle: «فنزويلا والولايات المتحدة تستأنفان العلاقات؟»\ndate: 2026-03-07\n"
        "topics: [US–Venezuela]\nslug: arabic-headline\nevents:\n"
        "  - {date: 2026-03-07, text: تبادل السفراء بين البلدين}\n---\nنص قصير.\n",
        encoding="utf-8",
    )
    # An English headline that opens with an Arabic name stays left to right.
    (example_copy.content / "briefings" / "2026-03-08-probe.md").write_text(
        "---\ntitle: حزب الله ties to Maduro probed by Treasury\ndate: 2026-03-08\n"
        "topics: [US–Venezuela]\nslug: probe\n---\nText.\n",
        encoding="utf-8",
    )
    example_copy.build()
    with serve(example_copy.output) as url:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(url + "briefings/arabic-headline/")
            heading = page.evaluate("() => getComputedStyle(document.querySelector('h1')).direction")
            event = page.evaluate("() => getComputedStyle(document.querySelector('.entry-text')).direction")
            body = page.evaluate("() => getComputedStyle(document.querySelector('.body p')).direction")
            page.goto(url + "briefings/probe/")
            english_body = page.evaluate(
                "() => getComputedStyle(document.querySelector('.body p')).direction"
            )
            page.goto(url + "archive/")
            listed = page.evaluate(
                "() => [...document.querySelectorAll('h4 a')].map(a => [a.textContent, getComputedStyle(a).direction])"
            )
        finally:
            context.close()
    assert heading == "rtl" and event == "rtl" and body == "rtl" and english_body == "ltr"
    directions = {text.startswith("«") for text, direction in listed if direction == "rtl"}
    assert directions == {True}  # the Arabic one alone
    assert ["حزب الله ties to Maduro probed by Treasury", "ltr"] in listed


@pytest.mark.parametrize("name", list(PAGES))
def test_a_page_asks_for_nothing_the_site_does_not_have(browser, served, name):
    # A browser asks for an icon on its own: without one, every page logs a 404.
    context = browser.new_context()
    try:
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(served[0] + PAGES[name])
        page.wait_for_load_state("networkidle")
        icon = page.evaluate("() => document.querySelector('link[rel=icon]').href")
    finally:
        context.close()
    assert failed == []
    assert icon.endswith(".svg")
