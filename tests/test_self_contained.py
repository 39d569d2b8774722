"""リポジトリの自己完結性：クローンしただけで README のテストが通り、注と docstring がリポジトリ内の資料を指すこと。

主資料（事務連絡「就労定着支援の円滑な実施について」平成31年3月29日）の抽出テキストは `sources/notice-2019-03-29.txt`、
本通知以外の事実（後の報酬改定・現行の制度・見つからなかったもの）は `sources/secondary.md` にある（`sources/README.md`）。
追跡されているファイル（git ls-files）は、リポジトリの外のパスを読むことも出典として挙げることもしない。
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"

# リポジトリの外を指す表記。このファイル自身が検査に掛からないよう、部品から組み立てる。
_SHARED = "shared"
OUTSIDE_PATTERNS = (
    "../" + _SHARED,           # 作業場の共有フォルダ（その source・notes・tools）
    "/" + "work" + "/",        # 作業機械の絶対パス
    _SHARED + "/source/",
    _SHARED + "/notes/",
    _SHARED + "/tools/",
)
# Path(__file__).resolve().parents[N] がリポジトリの根より上を指さないこと
_PARENTS = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")
_PARENT_CHAIN = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent)+)\b")
# secondary.md（sources/ の中）を名指しし、続けて「…」で箇所を示す引用
_SECONDARY_CITATION = re.compile(r"sources/secondary\.md\s*「([^」]+)」")


def _tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("git のチェックアウトではない（追跡ファイルの一覧がない）")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [ROOT / name for name in out.decode("utf-8").split("\0") if name and (ROOT / name).is_file()]


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def test_no_tracked_file_reads_or_cites_a_path_outside_the_repository() -> None:
    offenders: list[str] = []
    for path in _tracked_files():
        for lineno, line in enumerate(_text(path).splitlines(), start=1):
            if any(pattern in line for pattern in OUTSIDE_PATTERNS):
                offenders.append(f"{path.relative_to(ROOT)}:{lineno}: {line.strip()[:120]}")
    assert not offenders, "リポジトリの外のパスを読む・出典に挙げる行（sources/ の写しを指すこと）：\n" + "\n".join(offenders)


def test_python_files_do_not_climb_above_the_repository_root() -> None:
    offenders: list[str] = []
    for path in _tracked_files():
        if path.suffix != ".py":
            continue
        relative = path.relative_to(ROOT)
        highest = len(relative.parts) - 1  # parents[highest] がリポジトリの根
        text = _text(path)
        levels = [int(m.group(1)) for m in _PARENTS.finditer(text)]
        levels += [m.group(1).count(".parent") - 1 for m in _PARENT_CHAIN.finditer(text)]
        offenders += [f"{relative}: parents[{n}] はリポジトリの外" for n in levels if n > highest]
    assert not offenders, "\n".join(offenders)


def test_the_notice_text_is_inside_the_repository_and_not_empty() -> None:
    notice = SOURCES / "notice-2019-03-29.txt"
    assert notice.is_file(), "sources/notice-2019-03-29.txt がない"
    text = notice.read_text(encoding="utf-8")
    assert text.strip(), "sources/notice-2019-03-29.txt が空"
    assert "就労定着支援の円滑な実施について" in text  # 本通知の表題
    assert (SOURCES / "README.md").is_file() and (SOURCES / "secondary.md").is_file()


def test_sources_are_tracked_and_not_ignored() -> None:
    tracked = {path.relative_to(ROOT).as_posix() for path in _tracked_files()}
    for name in ("sources/README.md", "sources/notice-2019-03-29.txt", "sources/secondary.md"):
        assert name in tracked, f"{name} が git で追跡されていない"
        ignored = subprocess.run(["git", "check-ignore", "-q", "--no-index", name], cwd=ROOT, check=False)
        assert ignored.returncode == 1, f"{name} が .gitignore に含まれている"


def test_the_wheel_packages_only_the_rules_not_the_sources() -> None:
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]
    assert build["wheel"]["packages"] == ["calculator/teichaku"]
    assert not any(entry.startswith("sources") for entry in build["sdist"].get("include", []))


def test_citations_of_the_secondary_notes_name_a_passage_that_exists() -> None:
    secondary = (SOURCES / "secondary.md").read_text(encoding="utf-8")
    missing: list[str] = []
    for path in _tracked_files():
        if path.suffix not in {".py", ".toml", ".md"}:
            continue
        for match in _SECONDARY_CITATION.finditer(_text(path)):
            if match.group(1) not in secondary:
                missing.append(f"{path.relative_to(ROOT)}: 「{match.group(1)}」")
    assert not missing, "sources/secondary.md にない箇所を引用している：\n" + "\n".join(missing)
