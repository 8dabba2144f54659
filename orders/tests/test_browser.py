"""A real browser against a live server: the docs call the API and ask no other host
for anything, staff move an order in the admin.

Debian's Chromium (installed by `make test` with the services) driven by Playwright;
screenshots of each step go to test-output/browser/ for a person to look at.
"""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect, sync_playwright

from orders.models import Order
from orders.services import order_place
from users.tests.factories import DEFAULT_PASSWORD, UserFactory

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing that reaches out of this machine on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "browser"
# Playwright waits this long (ms) for a page, an element or an expectation before failing
# the test: generous, as 2 shared cores under the whole suite render ReDoc slowly.
TIMEOUT_MS = 20_000

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, databases="__all__")]


@contextmanager
def chromium_page() -> Iterator[Page]:
    """A page of a fresh headless Chromium. Playwright's sync API runs an event loop in
    this thread meanwhile: Django refuses database calls under it, so tests make theirs
    before and after, never inside."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(TIMEOUT_MS)
        try:
            yield page
        except Exception:
            # What the browser showed when a step failed, next to the steps' screenshots.
            page.screenshot(path=SCREENSHOTS / "failure.png")
            raise
        finally:
            browser.close()


@pytest.fixture
def order(menu):
    placed, _ = order_place(
        user=None,
        customer_name="Carol Stranger",
        phone="+36301234567",
        delivery_address={
            "street": "Váci utca",
            "house_number": "5",
            "apartment": "",
            "postal_code": "1052",
            "city": "Budapest",
            "country": "HU",
        },
        items=[{"pizza": menu.margherita.pk, "quantity": 1, "extras": []}],
    )
    # The live server reads the replica like any request: let it catch up first.
    subprocess.run([os.environ["TEST_SERVICES_SCRIPT"], "wait-replica"], check=True, timeout=60)
    return placed


def test_the_docs_call_the_menu_and_staff_advance_an_order_in_the_admin(live_server, order):
    UserFactory(username="kitchen", is_staff=True, is_superuser=True)
    elsewhere, blocked = [], []
    with chromium_page() as page:
        page.on(
            "request", lambda request: _note_if_elsewhere(request.url, live_server.url, elsewhere)
        )
        page.on("requestfailed", lambda request: _note_if_blocked(request, blocked))
        _browse(page, live_server.url, order)

    assert Order.objects.using("default").get(pk=order.pk).status == "preparing"
    # Offline docs: nothing went to another host; what ReDoc tried (its footer logo),
    # the page's Content-Security-Policy stopped in the browser.
    assert elsewhere == blocked


def _browse(page: Page, server_url: str, order: Order) -> None:
    """The steps in the browser, a screenshot after each."""
    page.goto(f"{server_url}/docs/")
    menu = page.locator(".opblock-get:has(.opblock-summary-path[data-path='/api/pizzas/'])")
    menu.locator(".opblock-summary").first.click()
    menu.get_by_role("button", name="Try it out").click()
    menu.get_by_role("button", name="Execute").click()
    status = menu.locator(".live-responses-table .response .response-col_status").first
    expect(status).to_have_text("200", timeout=TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / "docs-menu-try-it-out.png")

    page.goto(f"{server_url}/redoc/")
    expect(page.locator("h1", has_text="Platform API")).to_be_visible(timeout=TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / "redoc.png")

    page.goto(f"{server_url}/admin/login/?next=/admin/orders/order/")
    page.fill("#id_username", "kitchen")
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#result_list")).to_contain_text("Carol Stranger", timeout=TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / "admin-orders.png")

    page.check(f"input[name=_selected_action][value='{order.pk}']")
    page.select_option("select[name=action]", "advance_status")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("1 order(s) moved", timeout=TIMEOUT_MS)
    page.screenshot(path=SCREENSHOTS / "admin-order-advanced.png")


def _note_if_elsewhere(url: str, server_url: str, elsewhere: list[str]) -> None:
    if not url.startswith((f"{server_url}/", f"blob:{server_url}/", "data:")):
        elsewhere.append(url)


def _note_if_blocked(request, blocked: list[str]) -> None:
    if request.failure == "csp":
        blocked.append(request.url)
