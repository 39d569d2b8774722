"""共通の fixture と、テストの区分（marker）。

区分は自動で付く（新しいテストは何もしなくてよい）：
- ``browser``：Chromium を使う（fixture ``browser``・``pw`` を使うテスト、または名前に ``_browser`` を含むファイルのテスト）
- ``site``：ビルドしたサイトを使う（fixture ``built_site`` を使うテスト。ブラウザのテストもすべてこれを使う）
- ``node``：Node.js で Pyodide を動かす（``NODE_FILES`` のファイル）
速い区分は ``-m "not browser"``（``./scripts/test.sh --fast``）。
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "calculator" / "teichaku" / "data"


BROWSER_FIXTURES = {"browser", "pw"}
NODE_FILES = {"test_pyodide_parity.py"}  # node で Pyodide を起動して規則の答えを比べる


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """fixture の使い方とファイル名から区分を付ける（fixturenames は間接に使う fixture も含む）。"""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & BROWSER_FIXTURES or "_browser" in item.path.name:
            item.add_marker(pytest.mark.browser)
        if "built_site" in used:
            item.add_marker(pytest.mark.site)
        if item.path.name in NODE_FILES:
            item.add_marker(pytest.mark.node)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """パッケージの data/ の複製（壊したファイルでローダーを試すため）。"""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


# Hypothesis：CI では毎回同じ例を試す（derandomize）。探索を広げるときは
# `pytest --hypothesis-profile=explore` で無作為に多くの例を試す。
# 共有のマシンでは1例が 200 ms を超えることがある：deadline は使わない（遅さで落ちる flaky なテストにしない）。
# 速い区分（scripts/test.sh --fast）は `--hypothesis-profile=fast`（同じく決まった例を、少なく）。
settings.register_profile("ci", derandomize=True, max_examples=300, print_blob=True, deadline=None)
settings.register_profile("fast", derandomize=True, max_examples=60, print_blob=True, deadline=None)
settings.register_profile("explore", max_examples=5000, print_blob=True)
settings.load_profile("ci")


def _build_site(target: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(target)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """mkdocs build --strict したサイト（Pyodide・wheel・service worker を含む）。セッションで一度だけビルドする。
    pytest-xdist（-n 2）では、その実行の workers が1つのビルドを分け合う（先に来た worker がロックを取ってビルド）。"""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        target = tmp_path_factory.mktemp("site")
        _build_site(target)
        return target
    import fcntl

    shared = tmp_path_factory.getbasetemp().parent  # この実行の workers に共通（pytest-N/popen-gwK の親）
    target = shared / "site"
    with open(shared / "site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "site.done").exists():
            shutil.rmtree(target, ignore_errors=True)
            _build_site(target)
            (shared / "site.done").touch()
    return target


# ---- ブラウザのテスト（Debian の chromium を Playwright の Python パッケージで動かす）----

sys.path.insert(0, str(ROOT / "scripts"))
import serve  # noqa: E402  (scripts/serve.py：配信とブラウザの起動設定)

CHROMIUM, FLAGS = serve.CHROMIUM, serve.CHROMIUM_FLAGS
SUBPATH = "guide"


@pytest.fixture(scope="session")
def served_root(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """サブパス /guide/ の下に置いたサイト（サブパスでも動くことを確かめるため）。"""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(built_site, root / SUBPATH)
    return root


@pytest.fixture(scope="session")
def base_url(served_root: Path) -> Iterator[str]:
    server = serve.start(served_root)
    yield f"http://127.0.0.1:{server.server_address[1]}/{SUBPATH}/"
    server.shutdown()


@pytest.fixture(scope="session")
def pw() -> Iterator[Any]:
    """Playwright（ひとつのプロセスで一つだけ起動できる）。"""
    sync_api = pytest.importorskip("playwright.sync_api")
    assert Path(CHROMIUM).exists(), "Chromium がありません（scripts/setup.sh が Debian の chromium を入れます）"
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(pw: Any) -> Iterator[Any]:
    instance = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
    yield instance
    instance.close()


# ---- 起動済みの計算機のページを使い回す（Pyodide の起動は1ページ数秒。テストごとに起動し直さない）----
# 起動そのもの（読み込み中の表示、読み込みの失敗、共有リンクで新しく開いたときの復元、オフライン）を確かめるテストは
# browser.new_page か warm_page(..., cold=True) で新しいページを開く。ほかのテストは、モジュールの中で同じ計算機の
# 起動済みのページを受け取る：「入力を消す」と同じ初期化（フォーム・エラー・結果・共有リンク・# 以降）と、算定根拠書に
# 利用者ごとの表を含める選択を戻し、結果の印
# （data-result）・CSP の記録・フォーカス・スクロール・表示（print/screen）・横幅・route を戻してから、# 以降の入力があれば
# ページを読み直さずに # だけを変えて渡す（hashchange で復元して計算する。新しく開いたときと同じ関数）。
# テストの page.close() はページを返すだけ。モジュールの終わりに閉じる。

_RESET = """() => {
  const form = document.querySelector('form.calc');
  if (!form || form.dataset.state === 'failed') return false;
  // ページの中で続く選択（「入力を消す」が残すもの）：算定根拠書に利用者ごとの表も含める
  document.querySelectorAll('.calc-record-users:checked').forEach(box => box.click());
  form.querySelector('.calc-clear').click();
  delete form.dataset.result;
  window.__csp = [];
  if (typeof window.__printed === 'number') window.__printed = 0;
  document.activeElement?.blur();
  window.scrollTo(0, 0);
  return true;
}"""
_WARM: dict[tuple[Any, ...], dict[str, Any]] = {}


def warm_page(browser: Any, url: str, *, cold: bool = False, init_scripts: tuple[str, ...] = (),
              listen: Callable[[Any], None] | None = None, **options: Any) -> Any:
    """url（# 以降の入力つきでもよい）の計算機のページ。同じモジュールで同じ計算機・同じ options なら起動済みのものを返す。
    listen(page) は移動の前に呼ぶ（page.on("request", …) など。新しいページなら読み込みの要求から見える）。"""
    from urllib.parse import urlsplit

    options = {"service_workers": "block", **options}
    path = url.split("#")[0]
    key = (id(browser), path, init_scripts, repr(sorted(options.items())))
    entry = _WARM.get(key)
    cold = cold or bool(entry and entry["busy"])  # 同じテストで同じ計算機を2つ開く：2つ目は新しいページ
    if not cold and entry and not entry["page"].is_closed():
        page = entry["page"]
        if page.url.split("#")[0] == path and page.evaluate(_RESET):
            page.unroute_all()
            page.emulate_media(media="null")
            page.set_viewport_size(entry["viewport"])
            entry["busy"] = True
            if listen:
                listen(page)
            if urlsplit(url).fragment:
                page.goto(url)  # 同じ文書の中の移動（hashchange）
            return page
        entry["close"]()
    page = browser.new_page(**options)
    for script in init_scripts:
        page.add_init_script(script)
    if listen:
        listen(page)
    page.goto(url)
    if cold:
        return page
    entry = {"page": page, "busy": True, "close": page.close, "viewport": page.viewport_size}

    def hand_back(**_: Any) -> None:
        entry["busy"] = False

    page.close = hand_back
    _WARM[key] = entry
    return page


@pytest.fixture(autouse=True, scope="module")
def _close_warm_pages() -> Iterator[None]:
    yield
    for entry in _WARM.values():
        if not entry["page"].is_closed():
            entry["close"]()
    _WARM.clear()


# ---- 名簿の手で確かめた例（tests/fixtures/roster/hand_checked.csv）と、請求を確かめる小さな名簿：規則のテストと
# ファイルのテスト（test_roster_rules.py・test_roster_files.py）が使う ----

# 令和2年度（2021-03-31 年度末）の請求を確かめる名簿：A1 は他事業所からの受入れで特別地域、A2 はどちらでもない
CLAIMS_CSV = """利用者ID,前サービス,就職日,離職日,転職,利用開始日,利用終了日,他事業所からの受入れ,特別地域
A1,就労移行支援,2019-04-01,,,2019-10-01,,○,○
A2,就労移行支援,2020-01-15,,,2020-07-15,,,

利用者ID,日付
A1,2020-04-10
A1,2020-05-10
A1,2020-07-10
A1,2020-10-05
A2,2020-07-20
A2,2020-08-20
A2,2021-03-10
"""


@pytest.fixture(scope="session")
def hand_checked() -> dict[str, Any]:
    """手で確かめた名簿（年度末日 2023-03-31、常勤 40時間）の結果（to_dict）。"""
    from teichaku.interfaces.roster import analyse

    fixture = Path(__file__).parent / "fixtures" / "roster" / "hand_checked.csv"
    return analyse(fixture.read_bytes(), "hand_checked.csv", "2023-03-31", "40").to_dict()

