"""Browser journeys: Playwright drives the system Chromium against a live Wellgate.

Every test here is marked ``browser`` and runs after all other tests (see below).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import Page, expect

from wellgate.demo import builders

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE.parents[1] / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
# Running as root needs --no-sandbox; the rest stop Chromium calling out on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--lang=en-GB",  # date inputs follow the browser's language, not the page's
]
BLOCKING_IMPACTS = ("critical", "serious")
# Assertions wait up to 5 s by default: a page with an axe scan can take longer on a loaded
# machine. A longer wait only slows a test that is failing anyway.
expect.set_options(timeout=20_000)
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
_axe = Axe()
# pytest-playwright 0.10 defines its stand-in ``base_url`` fixture in a way pytest 9 warns about.
PLUGIN_WARNING = pytest.mark.filterwarnings(
    "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Playwright's event loop stays up from the first browser test to the end of the session,
    # and Django refuses ORM calls beside a running loop: running these tests last keeps the
    # loop (and the permission below) away from every other test.
    browser = [item for item in items if HERE in item.path.parents]
    for item in browser:
        item.add_marker(pytest.mark.browser)
        item.add_marker(PLUGIN_WARNING)
    ids = {id(item) for item in browser}
    items[:] = [item for item in items if id(item) not in ids] + browser


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Let the test thread build data while Playwright's sync API holds an event loop."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # A fixed window, language and zone keep the screenshots the same from run to run.
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "reduced_motion": "reduce",
    }


@pytest.fixture(scope="session")
def _shared_database(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """One database for all journeys, emptied at the end rather than after each journey."""
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def transactional_db(_shared_database: None, django_db_blocker: Any) -> Iterator[None]:
    """Replaces pytest-django's fixture of this name (``live_server`` pulls it in), whose
    flush after every test would throw away the demo force that takes seconds to build."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture(scope="session")
def _demo_database(
    _shared_database: None, django_db_blocker: Any, _allow_orm_beside_playwright: None
) -> builders.Demo:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
        # The fast hasher every test uses (tests/conftest.py), so the demo logins work.
        return builders.build()


@pytest.fixture
def demo(_demo_database: builders.Demo, live_server: Any) -> builders.Demo:
    """The fictional demo force, built once and shared by the journeys, in the database the
    live server reads. Journeys must not change what another journey checks: what a journey
    changes, it creates for itself."""
    return _demo_database


def email_of(login: str) -> str:
    return f"{login}@{builders.DOMAIN}"


def sign_in(page: Page, live_server: Any, email: str, password: str) -> None:
    """Sign in through the real login form and wait for the page that follows."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(f"{live_server.url}/accounts/login/")


def assert_accessible(page: Page) -> None:
    """Fail on any axe violation of serious or critical impact, listing each readably."""
    violations = [
        v for v in _axe.run(page).response["violations"] if v.get("impact") in BLOCKING_IMPACTS
    ]
    if violations:
        lines = [f"{len(violations)} serious or critical accessibility problem(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"][:5]:
                lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
        pytest.fail("\n".join(lines), pytrace=False)


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save the page as docs/screenshots/<name>.png (shown in the README); the whole page
    unless ``full_page=False`` keeps it to the window."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path
