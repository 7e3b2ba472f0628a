"""Browser helpers: Debian's chromium, screenshots into the artifacts folder, axe-core checks, the built SPA."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.async_api import Frame, Page, ViewportSize

from tests.e2e.server import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MOBILE: ViewportSize = {"width": 390, "height": 844}

SPA_INDEX = REPO / "web-portal" / "dist" / "index.html"
AXE = REPO / "web-portal" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")


def artifacts_dir() -> Path:
    """Where screenshots and the server log go: $REMIT_E2E_ARTIFACTS, else var/e2e-artifacts/."""
    folder = Path(os.environ.get("REMIT_E2E_ARTIFACTS") or REPO / "var" / "e2e-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "page"


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save `<artifacts>/<name>.png` (name may contain `/` for sub-folders) and return its path."""
    parts = [safe_name(p) for p in name.removesuffix(".png").split("/") if p]
    path = artifacts_dir().joinpath(*parts).with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path), full_page=full_page)
    return path


def require_spa() -> Path:
    """The built customer portal; fails (not skips) when it is missing, since the portal tests need it."""
    if not SPA_INDEX.exists():
        import pytest

        pytest.fail(f"The customer portal is not built ({SPA_INDEX.relative_to(REPO)} is missing): run make web")
    return SPA_INDEX


async def _inject_axe(frame: Frame, source: str) -> None:
    # evaluate() runs through DevTools, so the page's Content-Security-Policy does not block it (a <script> would be).
    if not await frame.evaluate("() => typeof window.axe === 'object'"):
        await frame.evaluate(source)


async def assert_accessible(
    page: Page,
    *,
    include: str | list[str] | None = None,
    exclude: str | list[str] | None = None,
    disable_rules: tuple[str, ...] = (),
    impacts: tuple[str, ...] = BLOCKING_IMPACTS,
    iframes: bool = True,
) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page as it is now and fail listing every violation whose
    impact is serious or critical. `include`/`exclude` are CSS selectors narrowing what is checked; `iframes=False`
    leaves the content of frames out (another page's own test checks it)."""
    if not AXE.exists():
        raise AssertionError(f"{AXE.relative_to(REPO)} is missing: run npm ci in web-portal")
    source = AXE.read_text()
    for frame in page.frames if iframes else [page.main_frame]:  # other origins' frames too: axe descends into them
        try:
            await _inject_axe(frame, source)
        except Exception:  # a frame that navigated away or was detached meanwhile
            if frame is page.main_frame:
                raise
    context: dict[str, Any] = {}
    if include is not None:
        context["include"] = [include] if isinstance(include, str) else include
    if exclude is not None:
        context["exclude"] = [exclude] if isinstance(exclude, str) else exclude
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
        "iframes": iframes,
        "rules": {rule: {"enabled": False} for rule in disable_rules},
    }
    results = await page.evaluate(
        "async ([context, options]) => await window.axe.run(Object.keys(context).length ? context : document, options)",
        [context, options],
    )
    blocking = [v for v in results["violations"] if v.get("impact") in impacts]
    if blocking:
        lines = [f"{len(blocking)} accessibility violation(s) on {page.url}:"]
        for violation in blocking:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"][:5]:
                summary = " ".join(str(node.get("failureSummary", "")).split())
                lines.append(f"    {' > '.join(map(str, node['target']))}: {summary}")
            if len(violation["nodes"]) > 5:
                lines.append(f"    … and {len(violation['nodes']) - 5} more")
        raise AssertionError("\n".join(lines))
