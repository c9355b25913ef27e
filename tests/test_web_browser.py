"""The workbench page end to end in a real headless Chromium (Debian's ``chromium`` and ``chromium-driver``, driven by
Selenium; nothing downloads a browser): paste a Russian and a Chinese note, check highlights and levels against the
API, reject an evidence item and see the level change, add evidence by selecting text, switch the interface
language, and check that a note full of HTML renders as text.
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path(shutil.which("chromedriver") or "/usr/bin/chromedriver")
if not CHROMIUM.exists() or not DRIVER.exists():
    pytest.skip("browser tests need Debian's chromium and chromium-driver "
                "(apt-get install -y chromium chromium-driver)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="browser tests need selenium")

import uvicorn  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from engine.web.app import create_app  # noqa: E402
from engine.web.service import Workbench  # noqa: E402
from engine.web.settings import Settings  # noqa: E402
from test_web_api import level_changing_reject  # noqa: E402  (the same note finder as the API tests)

WAIT = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(onto):
    return create_app(Settings(warm_up=False), Workbench(onto))


@pytest.fixture(scope="module")
def api(app):
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture(scope="module")
def server(app):
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT
    while not server.started:
        assert time.monotonic() < deadline, "the workbench did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never fetch a driver or browser
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1400",
                 "--lang=en-US"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture()
def page(browser, server):
    browser.get(server)
    browser.execute_script("localStorage.clear(); sessionStorage.clear();")
    browser.get(server)
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    return browser


def wait(driver, condition):
    """Wait for a condition; the page re-renders after each score, so a stale element only means "not yet"."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    return WebDriverWait(driver, WAIT, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)
                         ).until(condition)


def paste_and_score(driver, text: str, frameworks=("CO",)) -> None:
    driver.execute_script("const n = document.getElementById('note'); n.value = arguments[0];"
                          "n.dispatchEvent(new Event('input', {bubbles: true}));", text)
    for box in driver.find_elements(By.CSS_SELECTOR, "#frameworks input"):
        if box.is_selected() != (box.get_attribute("value") in frameworks):
            box.click()
    driver.execute_script("document.getElementById('status').textContent = '';")
    driver.find_element(By.ID, "score").click()
    wait(driver, lambda d: d.find_element(By.ID, "status").text.startswith(("Scored", "Оценено", "用时", "Error")))
    assert not driver.find_element(By.ID, "status").text.startswith("Error"), driver.find_element(By.ID, "status").text


def card_level(driver, code: str = "CO") -> str:
    return driver.find_element(By.CSS_SELECTOR, f".card[data-code='{code}'] .level").text


def expected_level(level) -> str:
    return "not evidenced" if level is None else str(level)


def check_note_against_api(driver, api, note: dict) -> dict:
    result = api.post("/api/score", json={"text": note["text"], "frameworks": note["frameworks"]}).json()
    paste_and_score(driver, note["text"], note["frameworks"])
    for comp in result["competencies"]:
        assert card_level(driver, comp["code"]) == expected_level(comp["level"])
    marks = driver.find_elements(By.CSS_SELECTOR, "#note-view mark[data-kind='counted']")
    shown = {code for m in marks for code in m.get_attribute("data-codes").split()}
    assert shown == {i["code"] for i in result["indicators"]}
    view = driver.find_element(By.ID, "note-view")
    assert view.text.replace("\n", "").strip() == note["text"].replace("\n", "").strip()  # the whole note, in order
    first = result["indicators"][0]
    tip = next(m.get_attribute("title") for m in marks if first["code"] in m.get_attribute("data-codes").split())
    assert first["code"] in tip and "weight" in tip  # hovering names the indicator, its weight and qualifiers
    return result


def test_russian_note_is_highlighted_with_the_engine_levels(page, api):
    note, *_ = level_changing_reject(api, "ru")
    result = check_note_against_api(page, api, note)
    assert result["language"] == "ru"
    tips = "\n".join(m.get_attribute("title") for m in page.find_elements(By.CSS_SELECTOR, "#note-view mark"))
    for item in result["discounted"]:  # what did not count is marked too, with the reason
        assert f"discounted {item['code']}" in tips and item["reasons"][0] in tips
    assert page.find_elements(By.CSS_SELECTOR, "#profile rect.bar")


def test_chinese_note_is_highlighted_with_the_engine_levels(page, api):
    note, *_ = level_changing_reject(api, "zh")
    result = check_note_against_api(page, api, note)
    assert result["language"] == "zh"


def test_rejecting_evidence_changes_the_level_and_records_the_reason(page, api):
    note, item, before, after = level_changing_reject(api, "zh")
    code, start, new_level = item["code"], item["start"], after["competencies"][0]["level"]
    paste_and_score(page, note["text"])
    assert card_level(page) == expected_level(before["competencies"][0]["level"])
    page.find_element(By.CSS_SELECTOR, f".evidence li[data-code='{code}'][data-start='{start}'] button.reject").click()
    page.find_element(By.ID, "reject-ok").click()  # no reason yet: refused
    assert page.find_element(By.ID, "reject-error").is_displayed()
    page.find_element(By.ID, "reject-reason").send_keys("the manager did this, not the candidate")
    page.find_element(By.ID, "reject-ok").click()
    wait(page, lambda d: card_level(d) == expected_level(new_level))
    recorded = page.find_element(By.CSS_SELECTOR, "#overrides li[data-action='reject']").text
    assert code in recorded and "the manager did this, not the candidate" in recorded
    page.find_element(By.CSS_SELECTOR, "#overrides button.undo").click()
    wait(page, lambda d: card_level(d) == expected_level(before["competencies"][0]["level"]))


def test_selecting_text_adds_evidence(page):
    text = "Клиент 😀 пожаловался на отопление. Я перезвонил клиенту через два дня и проверил, что ремонт сделан."
    paste_and_score(page, text)
    quote = "Я перезвонил клиенту через два дня"
    # select the quote in the highlighted note (offsets are code points: the emoji before it is one)
    page.execute_script("""
        const view = document.getElementById('note-view'), quote = arguments[0];
        const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
        const nodes = []; let node, all = '';
        while ((node = walker.nextNode())) { nodes.push([node, all.length]); all += node.data; }
        const at = all.indexOf(quote), to = at + quote.length;
        const find = (pos) => { for (const [n, off] of nodes) if (pos <= off + n.data.length) return [n, pos - off]; };
        const range = document.createRange();
        range.setStart(...find(at)); range.setEnd(...find(to));
        const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        view.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));""", quote)
    wait(page, lambda d: d.find_element(By.ID, "add-panel").is_displayed())
    assert page.find_element(By.ID, "sel-quote").text == quote
    page.execute_script("document.getElementById('add-indicator').value = 'CO.L5.1';")
    page.find_element(By.ID, "add-reason").send_keys("long-term follow-up")
    page.find_element(By.ID, "add-ok").click()
    wait(page, lambda d: d.find_elements(By.CSS_SELECTOR, "#overrides li[data-action='add']"))
    marks = page.find_elements(By.CSS_SELECTOR, "#note-view mark[data-kind='counted']")
    added = [m for m in marks if "CO.L5.1" in m.get_attribute("data-codes").split()]
    assert "".join(m.text for m in added) == quote  # highlighted exactly where it was selected
    assert card_level(page) in ("4", "5")


def test_interface_language_switch(page, api):
    page.find_element(By.CSS_SELECTOR, "#langs button[data-lang='zh']").click()
    wait(page, lambda d: d.find_element(By.ID, "score").text == "评分")
    zh_label = api.get("/api/frameworks?lang=zh").json()[0]["label"]
    wait(page, lambda d: zh_label in d.find_element(By.ID, "frameworks").text)  # framework labels from the ontology
    assert page.execute_script("return document.documentElement.lang") == "zh"
    page.find_element(By.CSS_SELECTOR, "#langs button[data-lang='ru']").click()
    wait(page, lambda d: d.find_element(By.ID, "score").text == "Оценить")
    page.find_element(By.CSS_SELECTOR, "#langs button[data-lang='en']").click()
    wait(page, lambda d: d.find_element(By.ID, "score").text == "Score")


def test_a_note_full_of_html_renders_as_text(page):
    hostile = ('<script>window.__xss = 1</script>\n<img src=x onerror="window.__xss = 2">\n<b>bold</b> & "quotes"\n'
               'I called the customer back <i>two days</i> later to check on her <img src=y onerror="window.__xss = 3">.')
    paste_and_score(page, hostile)
    view = page.find_element(By.ID, "note-view")
    assert view.text == hostile
    assert view.find_elements(By.CSS_SELECTOR, "mark[data-kind='counted']")  # evidenced text and plain text both
    assert page.execute_script("return window.__xss") is None
    assert not page.find_elements(By.CSS_SELECTOR, "#note-view script, #note-view img, #note-view b, #note-view i")
    assert not page.find_elements(By.CSS_SELECTOR, "#cards script, #cards img")
