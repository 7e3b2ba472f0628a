"""End-to-end harness: one real `remit serve` on a fresh SQLite file, a real SMTP server, Debian's chromium driven
by Playwright's async API, and a partner of its own for every test.

Every test and async fixture under tests/e2e runs in the *session* event loop (the browser and the seeding
container live there). This conftest marks the tests itself; declare your own async fixtures with
`@pytest_asyncio.fixture(loop_scope="session")` (a plain `async def` fixture defined here is switched to the
session loop for you; an async fixture from outside tests/e2e is refused).

Fixtures
--------
`remit_server` (session) -> `tests.e2e.server.RemitServer`
    `.url` (`http://127.0.0.1:<port>`, also the pages' base URL and REMIT_BASE_URL), `.port`, `.db_path`,
    `.log_path`, `.log_tail(lines)`, `.cli(*args) -> stdout` (runs `remit …` on the same database), `.settings()`,
    `.started_in` (seconds). REMIT_ENV=development (sandbox, /dev/mailbox). Emails a request queues reach `mail`
    within a moment; payment receipts wait for the server's `outbox.notify` cron (once a minute): to have them at
    once, `await run_jobs("outbox.notify")`.
`remit_container` (session) -> the server's composition root in this process (same database and settings).
`run_jobs` -> `await run_jobs(name, **kwargs)`: run a job of workers.jobs.JOBS (e.g. "outbox.notify",
    "scheduled_payments.run_due") in this process on the server's database, with every job it enqueues (email
    delivery to `mail` included), to the end. The same job functions as the server's cron; they are safe to race.
`mail` (session) -> `tests.mail_server.MailServer`: every message received (`.to(address)`, `.wait_for(address)`).
`inbox` (session) -> `tests.e2e.mail.Inbox`:
    `inbox.count(to)`, `await inbox.latest(to, after=0, match=None, timeout=10) -> EmailMessage`,
    `await inbox.code(to, after=0) -> "123456"`, `await inbox.link(to, contains="", after=0) -> url`.
    `after` = how many emails to `to` you had seen before the action (`inbox.count(to)`); `text_of(message)` and
    `subject_of(message)` are in tests.e2e.mail.
`partner` -> `tests.e2e.seed.Partner`, a fresh partner (unique slug, test-mode API key) with:
    `.slug`, `.name`, `.partner_id`, `.api_key`, `.api` (httpx.AsyncClient on the server with the key),
    `.email(local="ap") -> "ap@<slug>.example"` (unique per test: use it for every address),
    `.url(path)`, `.portal_url(path="") -> "{base}/pay/{slug}{path}"`,
    `await .create_customer(name="Acme Dental", *, email=None, contacts=None, **fields) -> dict`,
    `await .create_invoice(customer_id, amount=10_000, *, draft=False, **overrides) -> dict` (open unless draft),
    `await .finalize_invoice(invoice_id) -> dict`,
    `await .set_portal_settings(**fields) -> dict` (enabled_methods, partial_payments, card fees… go to
        /v1/settings/payments; guest_checkout, primary_color, notification_emails, slug… to /v1/settings/portal),
    `await .pay_link(invoice_id) -> {"url", "token", "expires_at", …}`,
    `await .access_requests(status="pending") -> list`,
    `await .approve_access_request(request_id=None, *, email=None, customer_id=None, new_customer=None) -> dict`,
    `await .advance_clock(days=1) -> dict`, `await .save_test_method(customer_id, kind="visa") -> dict`.
`partner_factory` -> `await partner_factory(name="Northwind IT") -> Partner`: more partners in one test.
`spa` (session) -> Path of web-portal/dist/index.html; fails with "run make web" when it is not built. Request
    it in every test that opens a portal page (the pay-button tests do not need it).
`browser` (session) -> playwright Browser (chromium at /usr/bin/chromium; skipped when missing, failed instead
    when REMIT_TEST_REQUIRE_SERVICES is set).
`page` -> a Page in a fresh context: 1280x800, base URL = the server, its own client address (X-Forwarded-For on
    requests to the server, so per-address sign-in limits do not add up across tests). Ask for more with a marker:
    `@pytest.mark.browser_context(mobile=True, locale="fr-FR", **any_new_context_option)`; mobile = 390x844 touch.
`other_site` (session) -> `tests.e2e.sites.OtherSite`, a web server on another origin (`http://localhost:<port>`):
    `url = other_site.serve(html, path=None, content_type=…, headers={…})` serves a page for embedding tests.
`new_page` -> `await new_page(mobile=False, locale=None, **context_options) -> Page`: more browsers in one test
    (each its own context: cookies, client address).
When a test fails, every page it opened is saved to <artifacts>/failures/<test>.png with its console errors, and
the server log's tail is printed at the end of the run (the whole log: <artifacts>/server.log).

Helpers (import them): `tests.e2e.browser.screenshot(page, name) -> Path` (<artifacts>/<name>.png; artifacts =
$REMIT_E2E_ARTIFACTS or var/e2e-artifacts), `tests.e2e.browser.assert_accessible(page, include=None, exclude=None,
disable_rules=(), iframes=True)` (axe-core, WCAG 2.1 A/AA, fails on serious or critical violations),
`tests.e2e.browser.MOBILE/DESKTOP/SPA_INDEX`.

`test_no_card_numbers.py` runs after every other test and fails if a Luhn-valid card number is anywhere in the
database or the server log.
"""

from __future__ import annotations

import inspect
import itertools
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, Route, async_playwright

from adapters.bootstrap import Container, build
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, MOBILE, artifacts_dir, require_spa, safe_name
from tests.e2e.mail import Inbox
from tests.e2e.seed import Partner, new_partner
from tests.e2e.server import RemitServer, start_server, stop_server
from tests.e2e.sites import OtherSite
from tests.mail_server import MailServer, smtp_server
from workers.jobs import JOBS
from workers.queue import InProcessQueue

HERE = Path(__file__).resolve().parent
LAST = "test_no_card_numbers.py"
REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()
FAILED_E2E = pytest.StashKey[list[str]]()
SERVER = pytest.StashKey[RemitServer]()

# Client addresses for browser contexts (benchmarking range, never routed): one per context.
_ADDRESSES = (f"198.19.{i // 250}.{i % 250 + 1}" for i in itertools.count())


def _in_e2e(path: Any) -> bool:
    return Path(str(path)).resolve().is_relative_to(HERE)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser_context(mobile=False, locale=None, **options): how the `page` fixture's context is made"
    )
    config.stash[FAILED_E2E] = []


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    session_loop = pytest.mark.asyncio(loop_scope="session")
    for item in items:
        if not _in_e2e(item.path) or not isinstance(item, pytest.Function):
            continue
        if inspect.iscoroutinefunction(item.obj):
            item.add_marker(session_loop, append=False)
        for name, defs in item._fixtureinfo.name2fixturedefs.items():
            for fixturedef in defs:
                func = fixturedef.func
                if not (inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func)):
                    continue
                scope = getattr(func, "_loop_scope", None)
                if scope == "session":
                    continue
                source = inspect.getsourcefile(func)
                if scope is None and source is not None and _in_e2e(source):
                    setattr(func, "_loop_scope", "session")  # noqa: B010 - pytest-asyncio reads it at set-up
                    continue
                raise pytest.UsageError(
                    f"{item.nodeid} uses the async fixture {name!r} ({source}), whose event loop is not the session "
                    'one. E2E tests run in the session loop: declare it @pytest_asyncio.fixture(loop_scope="session") '
                    "under tests/e2e."
                )
    # The card-number scan reads what every other test left behind: it goes last, wherever it was collected.
    items.sort(key=lambda item: Path(str(item.path)).name == LAST)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    if report.failed:
        item.config.stash[FAILED_E2E].append(item.nodeid)
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    server = config.stash.get(SERVER, None)
    if server is None or not config.stash[FAILED_E2E]:
        return
    terminalreporter.section("Remit server log (last 60 lines)")
    terminalreporter.write_line(server.log_tail(60))
    terminalreporter.write_line(f"Whole log: {artifacts_dir() / 'server.log'}; screenshots: {artifacts_dir()}")


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(REPORTS, {})
    return any(r.failed for r in reports.values())


@pytest.fixture(scope="session")
def artifacts() -> Path:
    return artifacts_dir()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def mail() -> AsyncIterator[MailServer]:
    async with smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def inbox(mail: MailServer) -> Inbox:
    return Inbox(mail)


@pytest.fixture(scope="session")
def remit_server(
    mail: MailServer, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[RemitServer]:
    workdir = tmp_path_factory.mktemp("remit-e2e")
    server = start_server(workdir, workdir / "server.log", smtp_port=mail.port)
    request.config.stash[SERVER] = server
    try:
        yield server
    finally:
        stop_server(server)
        shutil.copyfile(server.log_path, artifacts_dir() / "server.log")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def remit_container(remit_server: RemitServer) -> AsyncIterator[Container]:
    """The server's composition root in this process, on the same database: seeding goes through use cases."""
    container = build(remit_server.settings())
    try:
        yield container
    finally:
        await container.close()


@pytest_asyncio.fixture(loop_scope="session")
async def run_jobs(remit_container: Container) -> Callable[..., Awaitable[Any]]:
    async def run(name: str, /, **kwargs: Any) -> Any:
        queue = InProcessQueue(remit_container)
        result = await JOBS[name](queue.context, **kwargs)
        await queue.drain()
        return result

    return run


@pytest_asyncio.fixture(loop_scope="session")
async def partner_factory(
    remit_server: RemitServer, remit_container: Container
) -> AsyncIterator[Callable[..., Awaitable[Partner]]]:
    made: list[Partner] = []

    async def make(name: str = "Northwind IT") -> Partner:
        made.append(await new_partner(remit_container, remit_server.url, name))
        return made[-1]

    try:
        yield make
    finally:
        for p in made:
            await p.api.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def partner(partner_factory: Callable[..., Awaitable[Partner]]) -> Partner:
    return await partner_factory()


@pytest.fixture(scope="session")
def other_site() -> Iterator[OtherSite]:
    site = OtherSite().start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="session")
def spa() -> Path:
    return require_spa()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium"
        if os.environ.get("REMIT_TEST_REQUIRE_SERVICES"):
            pytest.fail(reason)
        pytest.skip(reason)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def new_page(
    browser: Browser, remit_server: RemitServer, request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., Awaitable[Page]]]:
    pages: list[tuple[Page, list[str]]] = []
    contexts = []

    async def make(mobile: bool = False, locale: str | None = None, **options: Any) -> Page:
        settings: dict[str, Any] = {"viewport": MOBILE if mobile else DESKTOP, "base_url": remit_server.url}
        if mobile:
            settings.update(is_mobile=True, has_touch=True, device_scale_factor=2)
        if locale is not None:
            settings["locale"] = locale
        context = await browser.new_context(**settings, **options)
        contexts.append(context)
        await _own_client_address(context, remit_server.url, next(_ADDRESSES))
        page = await context.new_page()
        console: list[str] = []
        page.on("console", lambda m: _keep_console(console, m))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        pages.append((page, console))
        return page

    try:
        yield make
    finally:
        if _failed(request):
            for n, (page, console) in enumerate(pages):
                stem = safe_name(request.node.nodeid) + (f"-{n + 1}" if n else "")
                path = artifacts_dir() / "failures" / f"{stem}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    await page.screenshot(path=str(path), full_page=True)
                    print(f"\nScreenshot of {page.url}: {path}")
                except Exception as exc:
                    print(f"\nNo screenshot of {page.url}: {exc}")
                if console:
                    print("Browser console:\n  " + "\n  ".join(console[-30:]))
        for context in contexts:
            await context.close()


async def _own_client_address(context: BrowserContext, server_url: str, address: str) -> None:
    """Requests to the server say they come from `address` (the server trusts X-Forwarded-For from 127.0.0.1), so the
    per-address sign-in limits count each context on its own. Added while the request is in flight rather than as
    an extra header, which would make every cross-origin request need a CORS preflight a real browser never sends."""

    async def add(route: Route) -> None:
        await route.continue_(headers={**route.request.headers, "x-forwarded-for": address})

    await context.route(lambda url: url.startswith(server_url + "/"), add)


def _keep_console(console: list[str], message: ConsoleMessage) -> None:
    if message.type in ("error", "warning"):
        console.append(f"{message.type}: {message.text}")


@pytest_asyncio.fixture(loop_scope="session")
async def page(new_page: Callable[..., Awaitable[Page]], request: pytest.FixtureRequest) -> Page:
    marker = request.node.get_closest_marker("browser_context")
    return await new_page(**(marker.kwargs if marker else {}))
