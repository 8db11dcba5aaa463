"""Crawl the demo campaign as each of its personas and fail on what a new user trips over.

The demo is built as `zhongzhi demo` builds it, and the background worker's follower
catches up once (hot issues and similar suggestions exist, as a minute after
`zhongzhi serve`). Each persona then opens the site's front door (and the admin), and
follows every same-site link of every page it reaches, one link per kind of URL
("/suggestions/<n>/" once: a list's first item), so that new apps are crawled as soon
as their pages are linked. A page fails when:

- its status is not the one its role should get (a link a page offers opens, 200 or a
  redirect within the site; the admin sends whoever is not staff to its login);
- its visible text (not attributes, not scripts) holds an English message of Django or
  its admin, the message ids read from Django's own catalogues at test time;
- it takes more than a second.
"""

import io
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.template.base import PartialTemplate, Template
from django.test import Client, override_settings
from django.test.utils import _TestState
from pytest_django import DjangoDbBlocker

from tests.conftest import TODAY
from tests.core.django_catalogues import DJANGO, read_po
from zhongzhi.analysis.tasks import follow_new_suggestions
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.demo import ACCOUNTS, CAMPAIGN_NAME
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import User

pytestmark = [
    pytest.mark.crawl,
    pytest.mark.django_db,
    pytest.mark.usefixtures("compiled_catalogs"),
]

# An account of every role in the demo and an anonymous resident (None); two of the
# five coordinators, one with staff in its community and one with a meeting and the
# supervisor (the other three differ from them only in their data).
PERSONAS: list[str | None] = [
    "office",
    "leader",
    "hongdaolu",
    "jinkoulu",
    "hongdaolu-staff",
    "supervisor",
    None,
]
MAX_PAGES = 300  # per persona; reaching it fails, so that a crawl never silently shrinks
SLOW_SECONDS = 1.0
WALL_SECONDS = 5.0
# A page that fails for a reason outside this test's reach: (persona or "*", URL
# pattern as `url_kind` writes it) -> why. Kept exact: a case that passes again fails
# until it is taken off the list.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


# --- Django's English messages -------------------------------------------------------


# English that Django writes without gettext, so that no catalogue lists it.
UNCATALOGUED = ["If disabled, the current password for this user will be lost."]


def english_messages() -> list[str]:
    """The message ids of Django and its admin that would show English on a page.

    Every id of the zh_Hans catalogues, and of the English ones (which also list the ids
    Django's zh_Hans has not caught up with, like 6.1's "- Select an option -"), except
    those that would match innocent text: ids with placeholders, and single words
    shorter than eight letters ("Date", "Delete"), which a unit's code or a person's
    login may contain."""
    ids: set[str] = set(UNCATALOGUED)
    for catalogue in (DJANGO / "conf" / "locale", DJANGO / "contrib" / "admin" / "locale"):
        for language in ("zh_Hans", "en"):
            ids |= {m.msgid for m in read_po(catalogue / language / "LC_MESSAGES" / "django.po")}
    return sorted(
        text
        for text in ids
        if re.search("[A-Za-z]", text)
        and not re.search(r"%|\{", text)
        and (" " in text.strip() or len(text) >= 8)
    )


@dataclass(frozen=True)
class English:
    """Finds the messages in a text, each as whole words."""

    messages: tuple[tuple[str, re.Pattern[str]], ...]

    def found_in(self, text: str) -> set[str]:
        # A substring test first: a pattern per message on every page would be slow.
        return {
            message
            for message, pattern in self.messages
            if message in text and pattern.search(text)
        }


@pytest.fixture(scope="module")
def english() -> English:
    return English(
        tuple(
            (text, re.compile(rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])"))
            for text in {message.strip() for message in english_messages()}
        )
    )


# --- Pages ---------------------------------------------------------------------------


class PageReader(HTMLParser):
    """The links of a page and its visible text (scripts, styles and templates left out)."""

    HIDDEN = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(self.hidden - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.text.append(data.strip())


def url_kind(url: str) -> str:
    """What makes two URLs the same kind of page: the path with its numbers as <n>, and
    the names of its query parameters; in the admin, the path alone (its sorting and
    filter links are endless and all served by the same views)."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "<n>", parts.path)
    if path.startswith("/admin/"):
        return path
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(names) if names else "")


def followable(url: str) -> bool:
    parts = urlsplit(url)
    return (
        not parts.scheme
        and not parts.netloc
        and parts.path.startswith("/")
        and not parts.path.startswith(("/static/", "/media/"))
    )


@dataclass
class Crawl:
    persona: str
    client: Client
    english: English
    failures: list[tuple[str, str]] = field(default_factory=list)  # URL, what failed
    visited: dict[str, int] = field(default_factory=dict)  # URL -> status

    def fail(self, url: str, what: str) -> None:
        self.failures.append((url, what))

    def get(self, url: str) -> tuple[int, str, bytes, str]:
        """Status, content type, body and redirect target; a page over the time limit
        fails. The time is this thread's CPU time, what serving the page cost: the
        machine is shared, and a wall clock counts the other processes' turns too (a
        wait, on a lock or the database server, counts once it passes WALL_SECONDS)."""
        cpu, wall = time.thread_time(), time.perf_counter()
        response = self.client.get(url)
        body = b"".join(response) if response.streaming else response.content
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        if cpu > SLOW_SECONDS or wall > WALL_SECONDS:
            self.fail(url, f"{cpu:.2f} s of CPU, {wall:.2f} s in all (limit {SLOW_SECONDS} s)")
        return (
            response.status_code,
            response.get("Content-Type", ""),
            body,
            response.get("Location", ""),
        )

    def run(
        self, start: list[str], expected: dict[str, tuple[int, str]], *, follow: bool = True
    ) -> None:
        """Visit `start` and (with `follow`) all it links to; `expected` gives URLs a
        status (and the start of the redirect target) other than "opens"."""
        queue = deque(start)
        kinds = {url_kind(url) for url in start}
        while queue:
            url = queue.popleft()
            if url in self.visited:
                continue
            if len(self.visited) >= MAX_PAGES:
                self.fail(url, f"more than {MAX_PAGES} pages: raise MAX_PAGES if that is right")
                return
            status, content_type, body, location = self.get(url)
            self.visited[url] = status
            want_status, want_target = expected.get(url, (0, ""))
            if want_status:
                if status != want_status or not location.startswith(want_target):
                    self.fail(url, f"{status} {location}, expected {want_status} {want_target}")
                continue
            if status in (301, 302):
                target = urldefrag(urljoin(url, location))[0]
                if not followable(target) or target.startswith("/login/"):
                    self.fail(url, f"linked, but redirects to {location}")
                elif target not in self.visited:
                    queue.append(target)
                continue
            if status != 200:
                self.fail(url, f"linked, but answers {status}")
                continue
            if "html" not in content_type:
                continue
            page = PageReader()
            page.feed(body.decode())
            for message in sorted(self.english.found_in(" ".join(page.text))):
                self.fail(url, f"English text {message!r}")
            if not follow:
                continue
            for href in page.links:
                link = urldefrag(urljoin(url, href))[0]
                if followable(link) and url_kind(link) not in kinds:
                    kinds.add(url_kind(link))
                    queue.append(link)


def test_the_crawl_reads_visible_text_and_links_only(english: English) -> None:
    page = PageReader()
    page.feed(
        '<a href="/x/" title="Log out">退出</a><select><option>- Select an option -</option>'
        '</select><script>var s = "Delete selected";</script><p>hongdaolu-staff 登录</p>'
    )
    assert english.found_in(" ".join(page.text)) == {"- Select an option -"}
    assert page.links == ["/x/"]
    assert url_kind("/suggestions/205/?page=2&q=路") == "/suggestions/<n>/?page&q"
    assert url_kind("/admin/org/unit/3/change/?_changelist_filters=o%3D1") == (
        "/admin/org/unit/<n>/change/"
    )


# --- The demo and its personas -------------------------------------------------------


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Campaign]:
    """The demo, built once for the module in a transaction rolled back at its end."""
    data_dir: Path = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(DATA_DIR=data_dir),
        pytest.MonkeyPatch.context() as monkeypatch,
        transaction.atomic(),
    ):
        monkeypatch.setattr("zhongzhi.core.clock.today", lambda: TODAY)
        call_command("demo", stdout=io.StringIO())
        while follow_new_suggestions():
            pass
        yield Campaign.objects.get(name=CAMPAIGN_NAME)
        transaction.set_rollback(True)


def test_every_role_of_the_demo_is_crawled() -> None:
    roles = {role for username, _name, _unit, role in ACCOUNTS if username in PERSONAS}
    assert roles == {role for *_, role in ACCOUNTS}


@pytest.fixture
def served_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render templates as a server does: the test environment's instrumented render
    copies the context of every template rendered (thousands on a 300-row form) and
    would be what the timing measures."""
    saved = _TestState.saved_data
    monkeypatch.setattr(Template, "_render", saved.template_render)
    monkeypatch.setattr(PartialTemplate, "_render", saved.partial_template_render)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona or "resident")
@pytest.mark.usefixtures("served_templates")
def test_every_page_a_persona_reaches_opens_in_chinese_within_a_second(
    demo: Campaign, english: English, persona: str | None
) -> None:
    if persona is None:
        crawl = Crawl("resident", Client(), english)
        answered = Suggestion.objects.filter(campaign=demo).exclude(answer="").first()
        assert answered is not None
        # What a resident opens: the campaign's page, the receipt of their suggestion
        # (its code kept from the submission), and the staff's doors.
        start = [f"/c/{demo.pk}/", f"/c/r/{answered.receipt_code}/", "/c/r/", "/", "/admin/"]
        expected = {
            "/": (302, "/login/"),
            "/admin/": (302, "/admin/login/"),
        }
        crawl.run(start, expected)
        # A resident reaches the sign-in page through the staff pages' redirect.
        crawl.run(["/login/"], {})
    else:
        user = User.objects.get(username=persona)
        crawl = Crawl(persona, signed_in(persona), english)
        admin = {} if user.is_staff else {"/admin/": (302, "/admin/login/")}
        crawl.run(["/", "/admin/"], admin)
        # Not linked from the pages: where a one-time password is changed.
        crawl.run(["/password/"], {}, follow=False)

    def known(url: str) -> bool:
        return any(
            who in ("*", crawl.persona) and url_kind(url) == kind for who, kind in KNOWN_FAILURES
        )

    unexpected = [
        f"{crawl.persona} {url}: {what}" for url, what in crawl.failures if not known(url)
    ]
    assert not unexpected, "\n".join(unexpected)
    expected = {kind for who, kind in KNOWN_FAILURES if who in ("*", crawl.persona)}
    passing = expected - {url_kind(url) for url, _ in crawl.failures}
    assert not passing, f"these pass now, take them off KNOWN_FAILURES: {passing}"
    assert len(crawl.visited) > 3, crawl.visited
