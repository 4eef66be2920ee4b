"""The writer's loop in a real browser: `serve` rebuilds on save and every open page follows."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from tornado.netutil import bind_sockets

from briefings.serve import every_interface, host_allowed, network_urls, preview_url

from .conftest import ROOT

BRIEFING = "content/briefings/2026-03-05-us-and-venezuela-agree-to-restore-relations.md"
PAGE = "briefings/us-and-venezuela-agree-to-restore-relations/"
WAIT_MS = 15_000  # generous for a slow CI machine; a missed reload still fails


def start_serve(root) -> tuple[subprocess.Popen[str], str]:
    """`python build.py serve --port 0` in `root`; the process and the address it printed."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    for line in process.stdout:
        match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        if match:
            return process, match.group(1)
    raise AssertionError(process.stderr.read() if process.poll() is not None else "serve printed no address")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python build.py ARGS` in `cwd`, to its end."""
    command = [sys.executable, str(ROOT / "build.py"), *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.fixture
def preview(example_copy):
    """serve on a copy of the example desk; yields (site, base URL, process)."""
    process, url = start_serve(example_copy.root)
    yield example_copy, url, process
    stop(process)


def edit(site, relative: str, old: str, new: str) -> None:
    path = site.root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def status(url: str) -> dict:
    with urllib.request.urlopen(url + "_briefings/status.json", timeout=5) as response:
        return json.load(response)


def go(page, address: str) -> None:  # type: ignore[no-untyped-def]
    """Open `address` once the preview has stopped building. A page shown ahead of its build
    is reloaded again when that build is swapped in: a navigation started just then would be
    cut short by that reload."""
    status = address.split("/", 3)
    status_url = "/".join(status[:3]) + "/_briefings/status.json"
    last, still_since = None, time.monotonic()
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        with urllib.request.urlopen(status_url, timeout=5) as response:
            generation = json.load(response)["generation"]
        if generation != last:
            last, still_since = generation, time.monotonic()
        elif time.monotonic() - still_since > 0.6:
            break
        time.sleep(0.05)
    page.goto(address)


def test_saves_reach_the_open_page(preview, browser):
    from playwright.sync_api import expect

    site, url, _ = preview
    page = browser.new_page()
    with page.expect_websocket() as socket:
        page.goto(url + PAGE)
    assert socket.value.url.endswith("/livereload")  # the livereload client connected
    pushed: list[str] = []
    socket.value.on("framereceived", lambda frame: pushed.append(str(frame)))
    heading = page.locator("h1")
    overlay = page.locator("#briefings-build-errors")
    old_title = heading.inner_text()

    # 1. A new title on disk shows without touching the browser.
    edit(site, BRIEFING, "title: ", "title: Edited live — ")
    expect(heading).to_contain_text("Edited live — ", timeout=WAIT_MS)
    assert any('"command": "reload"' in frame for frame in pushed), pushed  # pushed, not polled

    # 2. A broken date: the overlay names the file and line; the page stays readable.
    edit(site, BRIEFING, "date: 2026-03-05", "date: March 5, 2026")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay).to_contain_text("2026-03-05-us-and-venezuela-agree-to-restore-relations.md:3:")
    expect(overlay).to_contain_text("not an ISO 8601 date")
    expect(heading).to_contain_text("Edited live — ")

    # 3. Fixed: the overlay goes and the fix shows.
    edit(site, BRIEFING, "date: March 5, 2026", "date: 2026-03-05")
    edit(site, BRIEFING, "Edited live — ", "Fixed — ")
    expect(overlay).to_have_count(0, timeout=WAIT_MS)
    expect(heading).to_contain_text("Fixed — ", timeout=WAIT_MS)
    assert old_title in heading.inner_text()

    # 4. A new briefing with a new topic: the home page lists it and the topic page exists.
    go(page, url)
    (site.content / "briefings/2026-03-07-oil-licences.md").write_text(
        "---\ntitle: Questions over oil licences\ndate: 2026-03-07\ntopics: [Oil licences]\n---\nText.\n",
        encoding="utf-8",
    )
    expect(page.locator(".latest")).to_contain_text("Questions over oil licences", timeout=WAIT_MS)
    go(page, url + "topics/oil-licences/")
    expect(heading).to_have_text("Oil licences")

    # 5. Two saves within a second: the page ends with the second.
    go(page, url + PAGE)
    edit(site, BRIEFING, "Fixed — ", "First save — ")
    page.wait_for_timeout(300)
    edit(site, BRIEFING, "First save — ", "Second save — ")
    expect(heading).to_contain_text("Second save — ", timeout=WAIT_MS)
    page.wait_for_timeout(1500)  # and stays there: no late reload to an older build
    expect(heading).to_contain_text("Second save — ")


def test_a_new_title_loads_its_page_once_and_every_other_open_page_follows(preview, browser):
    # The saved briefing's page is shown at once, before the whole site is built; the build
    # then writes that very page, so it is not loaded a second time. Other pages showing the
    # title (the timeline) reload once the build is in, and only then.
    from playwright.sync_api import expect

    site, url, _ = preview
    page, timeline = browser.new_page(), browser.new_page()
    go(page, url + PAGE)
    timeline.goto(url + "chronology/")
    expect(timeline.locator(".chronology")).to_be_visible()
    page_loads: list[str] = []
    page.on("load", lambda: page_loads.append(page.url))
    timeline_loads: list[str] = []
    timeline.on("load", lambda: timeline_loads.append(timeline.url))
    before = status(url)["generation"]

    edit(site, BRIEFING, "title: ", "title: Shown once — ")
    expect(page.locator("h1")).to_contain_text("Shown once — ", timeout=WAIT_MS)
    expect(timeline.locator(".chronology")).to_contain_text("Shown once — ", timeout=WAIT_MS)
    deadline = time.monotonic() + WAIT_MS / 1000
    while status(url)["generation"] < before + 2 or status(url)["building"]:  # shown ahead, then built
        assert time.monotonic() < deadline, status(url)
        time.sleep(0.05)
    page.wait_for_timeout(2500)  # a reload pushed, or found by the page's own checks
    assert page_loads == [url + PAGE]
    # Not reloaded when the briefing's page was shown ahead: a click then would be cut short.
    assert timeline_loads == [url + "chronology/"]
    expect(page.locator("h1")).to_contain_text("Shown once — ")


def test_a_page_open_at_a_briefings_old_address_follows_it_to_the_new_one(preview, browser):
    # A new slug (or a new date, where the address has one) moves the briefing: the page
    # the writer has open reloads at the new address, not on "Page not found".
    from playwright.sync_api import expect

    site, url, _ = preview
    page = browser.new_page()
    go(page, url + PAGE)
    edit(site, BRIEFING, "title: ", "slug: relations-restored\ntitle: ")
    expect(page).to_have_url(url + "briefings/relations-restored/", timeout=WAIT_MS)
    expect(page.locator("h1")).to_contain_text("restore")
    with urllib.request.urlopen(url + PAGE + "?from=feed", timeout=5) as response:  # any link to it, too
        assert response.url == url + "briefings/relations-restored/?from=feed"
    # Moved again, and back: the first address leads on, then is the page itself again.
    edit(site, BRIEFING, "slug: relations-restored", "slug: ties-restored")
    expect(page).to_have_url(url + "briefings/ties-restored/", timeout=WAIT_MS)
    with urllib.request.urlopen(url + PAGE, timeout=5) as response:
        assert response.url == url + "briefings/ties-restored/"
    edit(site, BRIEFING, "slug: ties-restored\n", "")
    expect(page).to_have_url(url + PAGE, timeout=WAIT_MS)
    expect(page.locator("h1")).to_contain_text("restore")
    # Moved, then deleted: its old address leads nowhere rather than to a missing page.
    edit(site, BRIEFING, "title: ", "slug: gone-soon\ntitle: ")
    expect(page).to_have_url(url + "briefings/gone-soon/", timeout=WAIT_MS)
    (site.root / BRIEFING).unlink()
    expect(page.locator("h1")).not_to_contain_text("restore", timeout=WAIT_MS)
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(url + PAGE + "?from=feed", timeout=5)
    assert gone.value.code == 404


def test_a_desk_that_never_built_shows_its_errors_then_the_site_once_fixed(example_copy, browser):
    from playwright.sync_api import expect

    edit(example_copy, BRIEFING, "date: 2026-03-05", "date: March 5, 2026")
    process, url = start_serve(example_copy.root)
    try:
        page = browser.new_page()
        page.goto(url)
        expect(page.locator("h1")).to_have_text("No site yet")
        overlay = page.locator("#briefings-build-errors")
        expect(overlay).to_contain_text(
            "2026-03-05-us-and-venezuela-agree-to-restore-relations.md:3:", timeout=WAIT_MS
        )
        edit(example_copy, BRIEFING, "date: March 5, 2026", "date: 2026-03-05")
        expect(page.locator(".latest")).to_contain_text("restore", timeout=WAIT_MS)
        expect(overlay).to_have_count(0)
    finally:
        stop(process)
    assert "no site to serve until it builds." in process.stderr.read()


def test_drafts_show_with_a_banner_in_preview(preview, browser):
    from playwright.sync_api import expect

    site, url, _ = preview
    page = browser.new_page()
    page.goto(url)
    (site.content / "briefings/2026-03-08-embargoed.md").write_text(
        "---\ntitle: Embargoed piece\ndate: 2026-03-08\ndraft: true\ntopics: [US–Venezuela]\n---\nText.\n",
        encoding="utf-8",
    )
    expect(page.locator(".latest")).to_contain_text("Embargoed piece", timeout=WAIT_MS)
    page.goto(url + "briefings/embargoed/")
    expect(page.locator(".banner")).to_contain_text("Draft")


def test_foreign_host_header_is_refused(preview):
    _, url, process = preview
    request = urllib.request.Request(url, headers={"Host": "attacker.example:8000"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    with urllib.request.urlopen(url, timeout=10) as ok:
        assert ok.status == 200
    stop(process)
    # Said once, with the host refused and what to open instead; not again as a bare 403.
    log = [line for line in process.stderr.read().splitlines() if line.startswith("403 ")]
    assert len(log) == 1, log
    assert "'attacker.example:8000' refused" in log[0]
    assert "open localhost or 127.0.0.1" in log[0]


def test_a_path_no_file_can_have_is_not_found_not_a_crash(preview):
    _, url, _ = preview
    for path in ("index.html%00", "%00/../index.html", "briefings/%00"):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + path, timeout=10)
        assert missing.value.code in (403, 404), path


def test_ctrl_c_stops_cleanly_and_leaves_no_temp_folder(preview):
    site, _, process = preview
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert (site.root / "_preview" / "index.html").is_file()
    assert [p.name for p in site.root.iterdir() if ".new-" in p.name or ".old-" in p.name] == []


SLOW_404 = """{% extends "base.html" %}
{% block main %}{% set ns = namespace(n=0) %}{% for i in range(8000000) %}{% set ns.n = ns.n + i %}{% endfor %}
<h1>Not found {{ ns.n > 0 }}</h1>{% endblock %}
"""


def test_a_second_ctrl_c_stops_at_once_and_the_next_build_tidies_up(example_copy):
    # A theme whose 404 page takes seconds to render: a build that is surely under way.
    shutil.copytree(ROOT / "templates", example_copy.root / "templates")
    slow = example_copy.root / "templates" / "404.html"
    slow.write_text(SLOW_404, encoding="utf-8")
    for n in range(1, 71):  # pages enough for worker processes to render them
        (example_copy.content / "briefings" / f"2026-02-{n % 28 + 1:02d}-note-{n}.md").write_text(
            f"---\ntitle: Note {n}\ndate: 2026-02-{n % 28 + 1:02d}\ntopics: [Diplomacy]\n---\nText.\n",
            encoding="utf-8",
        )
    process, url = start_serve(example_copy.root)
    try:
        slow.write_text(SLOW_404 + "\n", encoding="utf-8")  # a rebuild that renders it again
        deadline = time.monotonic() + 30
        while not status(url)["building"]:
            assert time.monotonic() < deadline, "the rebuild never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        assert process.poll() is None  # the first waits for the build
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 128 + signal.SIGINT
        assert time.monotonic() - stopped_at < 3
        said = process.stderr.read()  # to its end: every process writing to it is gone
        assert "Stopped without waiting for the build." in said
        assert "Traceback" not in said  # no worker is left to find its results' pipe closed
    finally:
        stop(process)
    slow.write_text(SLOW_404.replace("8000000", "1"), encoding="utf-8")
    done = run("build", "--drafts", "--future", "--output", "_preview", cwd=example_copy.root)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in example_copy.root.iterdir() if ".new-" in p.name or ".old-" in p.name] == []


@pytest.mark.parametrize(
    ("host", "bound", "allowed"),
    [
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("localhost:8000", "127.0.0.1", True),
        ("[::1]:8000", "127.0.0.1", True),
        ("evil.example", "127.0.0.1", False),
        ("127.0.0.1.evil.example:8000", "127.0.0.1", False),
        ("192.168.1.20:8000", "0.0.0.0", True),
        ("rebind.evil.example:8000", "0.0.0.0", False),
    ],
)
def test_host_check(host, bound, allowed):
    assert host_allowed(host, bound) is allowed


@pytest.mark.parametrize("host", ["0.0.0.0", "0", "0.0.0.00", "", "::", "::0", "0:0::0"])
def test_every_way_of_writing_every_interface_is_known_as_such(host):
    # Each of these listens on the whole network: the preview warns that drafts are visible.
    assert every_interface(host)
    assert host_allowed("192.168.1.20:8000", host)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_hosts_are_not_every_interface(host):
    assert not every_interface(host)


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:{}/"),
        ("::1", "http://[::1]:{}/"),
        ("::", "http://[::1]:{}/"),
        ("0", "http://127.0.0.1:{}/"),
        ("localhost", "http://localhost:{}/"),
    ],
)
def test_the_address_printed_is_one_a_browser_here_can_open(host, url):
    sockets = bind_sockets(0, address=host)
    try:
        printed = preview_url(host, sockets)
        port = sockets[0].getsockname()[1]
        assert printed == url.format(port)
        # The server listens there: a connection to the printed address is accepted.
        where = urllib.parse.urlsplit(printed).hostname
        socket.create_connection((where, port), timeout=5).close()
    finally:
        for sock in sockets:
            sock.close()


def _has_route(family: socket.AddressFamily, far: str) -> bool:
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((far, 9))
            return not ipaddress.ip_address(probe.getsockname()[0].split("%")[0]).is_link_local
    except OSError:
        return False


@pytest.mark.parametrize(
    ("host", "family", "far"),
    [("0.0.0.0", socket.AF_INET, "192.0.2.1"), ("::", socket.AF_INET6, "2001:db8::1")],
)
def test_listening_everywhere_prints_the_address_other_devices_open(example_copy, host, family, far):
    if not _has_route(family, far):
        pytest.skip(f"this machine has no route in {family.name}")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--host", host, "--port", "0"],
        cwd=example_copy.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("  and on your network at "):
                break
        else:
            raise AssertionError("".join(lines))
        url = line.split(" at ", 1)[1].strip()
        assert not ipaddress.ip_address(urllib.parse.urlsplit(url).hostname).is_loopback
        # Opened there, as a phone on the network would: the desk's home page.
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200
            assert "US–Venezuela" in response.read().decode("utf-8")
    finally:
        stop(process)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_listening_on_this_machine_alone_prints_no_network_address(host):
    sockets = bind_sockets(0, address=host)
    try:
        assert network_urls(host, sockets) == ()
    finally:
        for sock in sockets:
            sock.close()


def test_a_port_in_use_is_one_clear_line(preview):
    site, url, _ = preview
    port = url.rsplit(":", 1)[1].strip("/")
    result = run("serve", "--port", port, cwd=site.root)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_an_address_not_of_this_machine_points_at_host_not_port(example_copy):
    result = run("serve", "--host", "no-such-host.invalid", "--port", "0", cwd=example_copy.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot listen on no-such-host.invalid:0" in result.stderr and "check --host" in result.stderr


def test_no_color_holds_for_the_rebuilds_after_a_save_too(example_copy):
    # On a terminal (a pty), where colors would otherwise be on.
    import pty
    import select

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--port", "0"],
        cwd=example_copy.root,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "NO_COLOR": "1"},
    )
    os.close(follower)
    seen, saved = b"", False
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and b"Build failed" not in seen:
            if select.select([leader], [], [], 0.2)[0]:
                seen += os.read(leader, 65536)
            if not saved and b"Serving" in seen:
                edit(example_copy, BRIEFING, "date: 2026-03-05", "date: March 5, 2026")
                saved = True
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        os.close(leader)
    assert b"Build failed" in seen and b"not an ISO 8601 date" in seen
    assert b"\x1b[" not in seen


@pytest.mark.parametrize("output", ["/", ".", "content"])
def test_an_output_folder_the_build_refuses_is_not_served(example_copy, output):
    # Served as it is, `/` or the desk's own folder would hand out any file, drafts' sources too.
    result = run("serve", "--port", "0", "--output", output, cwd=example_copy.root)
    assert result.returncode == 1 and "Serving" not in result.stdout
    assert f"refusing to build into {output}: " in result.stderr and "Traceback" not in result.stderr


def test_a_site_under_a_sub_path_previews_at_the_root(example_copy, browser):
    site_yaml = example_copy.root / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text().replace(
            "base_url: https://venezuela-desk.netlify.app/", "base_url: https://example.org/desk/"
        )
    )
    process, url = start_serve(example_copy.root)
    try:
        page = browser.new_page()
        page.goto(url)
        page.click("text=Chronology")
        assert page.locator("h1").inner_text() == "Chronology"
        stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href")
        assert stylesheet.startswith("/assets/") and page.request.get(url + stylesheet.lstrip("/")).ok
    finally:
        stop(process)


def test_the_preview_survives_a_crash_and_picks_up_a_new_templates_folder(preview, browser):
    from playwright.sync_api import expect

    site, url, _ = preview
    page = browser.new_page()
    page.goto(url + PAGE)
    settings = site.root / "site.yaml"
    good = settings.read_bytes()
    settings.write_bytes(good + b"\ndescription: Caf\xe9\n")  # not UTF-8
    expect(page.locator("#briefings-build-errors")).to_contain_text("not UTF-8", timeout=WAIT_MS)
    settings.write_bytes(good)
    expect(page.locator("#briefings-build-errors")).to_have_count(0, timeout=WAIT_MS)
    # A local templates/ folder made while serving is watched from the start.
    shutil.copytree(ROOT / "templates", site.root / "templates")
    base = site.root / "templates/base.html"
    base.write_text(base.read_text().replace("Skip to content", "Skip to the briefing"))
    expect(page.locator("a.skip")).to_have_text("Skip to the briefing", timeout=WAIT_MS)


def test_a_save_does_not_print_the_same_warnings_again(example_copy):
    # A near-miss name warns on every build; the writer reads it once, not on every save.
    edit(example_copy, BRIEFING, "topics: [", "topics: [Diplomcy, ")
    process, _ = start_serve(example_copy.root)  # its first build is printed by now
    try:
        edit(example_copy, BRIEFING, "\n---\n", "\n---\nA correction.\n\n")
        rebuilt = next(line for line in process.stdout if "] Built " in line)
        # Nor when a mistake breaks the build, nor once it is fixed: only the mistake is new.
        other = "content/briefings/2026-01-03-us-forces-seize-maduro-in-caracas.md"
        edit(example_copy, other, "title: ", "title: [")
        said = []
        for line in process.stderr:
            said.append(line)
            if "] Build failed" in line:
                break
        edit(example_copy, other, "title: [", "title: ")
        fixed = next(line for line in process.stdout if "] Built " in line)
    finally:
        stop(process)
    failed = said[-1]
    warned = [line for line in [*said, *process.stderr.read().splitlines()] if "Diplomcy" in line]
    assert len(warned) == 1, warned
    assert "(1 warning as before)" in rebuilt and "(1 warning as before)" in fixed
    assert "(1 error, 1 warning as before)" in failed


def test_a_script_among_contents_files_does_not_run_in_the_preview(example_copy, browser):
    # Static files are published as they are; the site's Content-Security-Policy keeps
    # their scripts from running, in the preview as on the published site, where they
    # could otherwise read every draft.
    (example_copy.content / "leak.js").write_text('document.title = "ran from a file";\n', encoding="utf-8")
    (example_copy.content / "leak.html").write_text(
        "<!DOCTYPE html><html><head><title>untouched</title>"
        '<script>document.title = "ran inline";</script><script src="/leak.js"></script>'
        "</head><body><p>A contributor's page.</p></body></html>\n",
        encoding="utf-8",
    )
    process, url = start_serve(example_copy.root)
    try:
        page = browser.new_page()
        with page.expect_websocket() as socket:  # the preview's own scripts still run
            page.goto(url + "leak.html")
        assert socket.value.url.endswith("/livereload")
        page.wait_for_timeout(300)
        assert page.title() == "untouched"
        with urllib.request.urlopen(url + PAGE, timeout=10) as response:
            policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "/livereload.js" in policy
    finally:
        stop(process)


def test_only_the_previews_own_pages_may_listen_for_saves(preview):
    import http.client

    _, url, _ = preview
    where = urllib.parse.urlsplit(url)

    def handshake(origin: str) -> int:
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        try:
            connection.request(
                "GET",
                "/livereload",
                headers={
                    "Origin": origin,
                    "Upgrade": "websocket",
                    "Connection": "Upgrade",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version": "13",
                },
            )
            return connection.getresponse().status
        finally:
            connection.close()

    assert handshake(url.rstrip("/")) == 101  # the preview's own page: switches to a socket
    assert handshake("https://elsewhere.example") == 403
    assert handshake(f"http://127.0.0.1:{where.port + 1}") == 403  # another local server's page


def test_a_head_request_does_not_promise_a_length_get_does_not_send(preview):
    import http.client

    _, url, _ = preview
    where = urllib.parse.urlsplit(url)
    lengths = {}
    for method in ("GET", "HEAD"):
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        try:
            connection.request(method, "/" + PAGE)
            response = connection.getresponse()
            body = response.read()
            lengths[method] = (response.getheader("Content-Length"), len(body))
        finally:
            connection.close()
    assert lengths["GET"][0] in (None, str(lengths["GET"][1]))
    assert lengths["HEAD"][0] in (None, str(lengths["GET"][1]))
