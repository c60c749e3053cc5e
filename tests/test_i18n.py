"""Messages in the users' language: every code and every message has its
Chinese, the catalogue compiled is the catalogue written, and a build on a
Chinese locale prints Chinese in the diagnostics format with the same codes."""

from __future__ import annotations

import ast
import gettext
import json
import os
import pickle
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from bulletin import i18n
from bulletin.commands.lint import RULES
from bulletin.diagnostics import CODES, Diagnostic
from bulletin.i18n import N_, NP_, localize

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "bulletin"
PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "bulletin.po"
MO = PO.with_suffix(".mo")
CODE = re.compile(r"^[EW]\d{3}$")
# The calls that make a diagnostic or the text of one (FontError lines become E040).
MESSAGE_CALLS = {"error", "warning", "Diagnostic", "Finding", "add", "FontError", "_exists"}


@pytest.fixture
def chinese(monkeypatch):
    monkeypatch.setenv("BULLETIN_LANG", "zh")


@pytest.fixture
def english(monkeypatch):
    monkeypatch.setenv("BULLETIN_LANG", "en")


# ------------------------------------------------------------- the catalogue


def read_po(path: Path) -> dict:
    """A small reader of our own .po (msgctxt, msgid, msgid_plural, msgstr[n]),
    so that checking the compiled catalogue needs no Babel."""
    entries, entry, field = {}, {}, None

    def flush():
        if "msgid" in entry:
            key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
            if "msgid_plural" in entry:
                key = (key, entry["msgid_plural"])
            entries[key] = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr"))]
        entry.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
            continue
        if line.startswith('"'):
            entry[field] += ast.literal_eval(line)
            continue
        field, _, value = line.partition(" ")
        if field.startswith("msgid") and field == "msgid" and "msgid" in entry:
            flush()
        entry[field] = ast.literal_eval(value)
    flush()
    return entries


def test_the_compiled_catalogue_is_the_one_written():
    """bulletin.mo holds exactly the translations of bulletin.po (run `make messages` after editing)."""
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8").replace('"#, fuzzy', "")
    po = read_po(PO)
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    expected = {}
    for key, strings in po.items():
        if not all(strings):
            continue
        if isinstance(key, tuple):
            for n, text in enumerate(strings):
                expected[(key[0], n)] = text
        else:
            expected[key] = strings[0]
    assert compiled == expected


def _calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            yield node, func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _source_messages() -> list[tuple[str | None, str, str]]:
    """Every literal given to _(), N_(), NP_() under bulletin/: (context, text, where)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, name in _calls(tree):
            args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if name in ("_", "N_") and args and args[0] is not None:
                found.append((None, args[0], where))
            elif name == "NP_" and len(args) == 2 and None not in args:
                found.append((args[0], args[1], where))
    return found


def test_every_message_in_the_sources_has_its_chinese(chinese):
    untranslated = []
    for context, text, where in _source_messages():
        translated = i18n.pgettext(context, text) if context else i18n._(text)
        if translated == text:
            untranslated.append(f"{where}: {text!r}")
    assert not untranslated, "no Chinese yet (write it in bulletin.po, then `make messages`):\n" + "\n".join(untranslated)


def test_every_code_and_lint_rule_has_its_chinese(chinese):
    titles = {**CODES, **{code: rule.title for code, rule in RULES.items()}}
    missing = [f"{code} {title!r}" for code, title in sorted(titles.items()) if i18n._(str(title)) == str(title)]
    assert not missing, "codes without a Chinese title:\n" + "\n".join(missing)
    assert any(code.startswith("W") for code in titles) and len(titles) > 30


def test_diagnostics_are_made_from_templates_not_finished_english():
    """A diagnostic's message must be N_("template", field=…) (or a value made
    of one), never an f-string or a plain English sentence: those could not be
    translated when printed."""
    offenders = []
    carriers = MESSAGE_CALLS | _message_classes()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, name in _calls(tree):
            if name not in carriers:
                continue
            if name in carriers - MESSAGE_CALLS:  # a finding's own record (Slip, Join…): every argument counts
                offenders.extend(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(a)[:70]}"
                                 for a in [*node.args, *(k.value for k in node.keywords)] if _is_english_sentence(a))
                continue
            args = list(node.args) + [k.value for k in node.keywords if k.arg == "message"]
            has_code = any(isinstance(a, ast.Constant) and isinstance(a.value, str) and CODE.match(a.value) for a in node.args)
            if not has_code and name != "FontError":
                continue
            for arg in args:
                if _is_english_sentence(arg):
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(arg)[:70]}")
    assert not offenders, "wrap these in N_(…) with named fields:\n" + "\n".join(offenders)


def _message_classes() -> set[str]:
    """Classes under bulletin/ with a `message` field: the records a rule
    makes before they become diagnostics."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                    isinstance(item, ast.AnnAssign) and getattr(item.target, "id", None) == "message" for item in node.body):
                names.add(node.name)
    return names - {"Diagnostic"}


def _is_english_sentence(node) -> bool:
    """A literal or f-string with English words in it (a path f-string, or a
    'a' → 'b' of symbols, is not one)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    else:
        return False
    return bool(re.search(r"[A-Za-z]{2,}", text)) and " " in text


def _fields(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def test_translations_use_only_the_fields_of_their_english():
    po = read_po(PO)
    wrong = []
    for key, strings in po.items():
        english = key[0] if isinstance(key, tuple) else key
        english = english.split("\x04")[-1]
        if "%(" in english or not english:
            continue
        allowed = _fields(english) | {"gloss"} | (_fields(key[1]) if isinstance(key, tuple) else set())
        for text in strings:
            try:
                if text and not _fields(text) <= allowed:
                    wrong.append(f"{english!r} → {text!r}")
            except ValueError as exc:
                wrong.append(f"{english!r} → {text!r}: {exc}")
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- the API


@pytest.mark.parametrize(("env", "expected"), [
    ({"LANG": "zh_CN.UTF-8"}, "zh"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LANG": "C.UTF-8", "BULLETIN_LANG": "zh"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "BULLETIN_LANG": "en"}, "en"),
    ({"LANG": "C.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_GB:zh_CN"}, "en"),
])
def test_language_from_the_environment(monkeypatch, env, expected):
    for var in ("BULLETIN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.language() == expected


def test_a_message_is_english_text_that_translates_when_printed(monkeypatch):
    message = N_("{what}: '{key}' is required", what=N_("front matter"), key="title", gloss=NP_("gloss", "title"))
    d = Diagnostic("issues/2018-48/leye.md", 1, 1, "E023", message)
    assert message == "front matter: 'title' is required"  # what tests, sorting and de-duplication see
    monkeypatch.setenv("BULLETIN_LANG", "en")
    assert d.render() == "issues/2018-48/leye.md:1:1: E023 front matter: 'title' is required"
    monkeypatch.setenv("BULLETIN_LANG", "zh")
    assert d.render() == "issues/2018-48/leye.md:1:1: E023 文章头信息缺少“title”（标题）"
    assert d.as_json()["code"] == "E023" and d.as_json()["message"] == "文章头信息缺少“title”（标题）"
    again = pickle.loads(pickle.dumps(d))  # as batch workers send it back
    assert again == d and again.render() == d.render()


def test_a_broken_translation_falls_back_to_english(chinese, monkeypatch):
    class Broken:
        def gettext(self, text):
            return "{nonexistent}"

    monkeypatch.setitem(i18n._translations, "zh", Broken())
    assert localize(N_("cannot read file: {reason}", reason="x")) == "cannot read file: x"


# ------------------------------------------------------ the command line


def _broken_repo(tmp_path: Path, example_root: Path) -> Path:
    """The example with a missing title (E023) and an article saved as GBK (E011)."""
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(example_root, repo)
    first, second = sorted((repo / "issues" / "2018-48").glob("*.md"))[:2]
    first.write_text(re.sub(r"(?m)^title:.*\n", "", first.read_text(encoding="utf-8")), encoding="utf-8")
    second.write_bytes(second.read_text(encoding="utf-8").encode("gbk"))
    return repo


def _run(args, lang: str, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("BULLETIN_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    environment.update(LANG=lang, **env)
    return subprocess.run([sys.executable, "-m", "bulletin.cli", *args], capture_output=True, text=True,
                          env=environment, cwd=REPO, timeout=120)


DIAGNOSTIC = re.compile(r"^(issues/2018-48/[\w.-]+):(\d+):(\d+): ([EW]\d{3}) (.+)$")


def test_a_build_speaks_chinese_on_a_chinese_locale_with_the_same_codes(tmp_path, example_root):
    repo = _broken_repo(tmp_path, example_root)
    args = ["build", "2018-48", "--root", str(repo), "--out", str(tmp_path / "out"), "--format", "pdf"]
    zh, en = _run(args, "zh_CN.UTF-8"), _run(args, "C.UTF-8")
    assert zh.returncode == en.returncode == 1
    zh_lines = [DIAGNOSTIC.match(line) for line in zh.stderr.splitlines() if line.startswith("issues/")]
    en_lines = [DIAGNOSTIC.match(line) for line in en.stderr.splitlines() if line.startswith("issues/")]
    assert all(zh_lines) and all(en_lines), zh.stderr + en.stderr
    assert [m.group(1, 2, 3, 4) for m in zh_lines] == [m.group(1, 2, 3, 4) for m in en_lines]
    assert {m.group(4) for m in zh_lines} == {"E023", "E011"}
    zh_text = {m.group(4): m.group(5) for m in zh_lines}
    en_text = {m.group(4): m.group(5) for m in en_lines}
    assert zh_text["E023"] == "文章头信息缺少“title”（标题）"
    assert "GBK" in zh_text["E011"] and "UTF-8" in zh_text["E011"] and "编码" in zh_text["E011"]
    assert en_text["E023"] == "front matter: 'title' is required"
    assert en_text["E011"].startswith("file is not UTF-8")
    assert not re.search(r"[\u4e00-\u9fff]", en.stderr.replace("简报", ""))
    assert not (tmp_path / "out" / "2018-48.pdf").exists()


def test_check_json_keeps_codes_and_says_the_message_in_chinese(tmp_path, example_root):
    repo = _broken_repo(tmp_path, example_root)
    args = ["check", "2018-48", "--root", str(repo), "--format", "json", "--no-fonts"]
    zh = json.loads(_run(args, "C.UTF-8", BULLETIN_LANG="zh").stdout)
    en = json.loads(_run(args, "C.UTF-8").stdout)
    assert [(d["path"], d["line"], d["code"], d["severity"]) for d in zh] == \
           [(d["path"], d["line"], d["code"], d["severity"]) for d in en]
    assert any("缺少" in d["message"] for d in zh)


def test_help_is_in_chinese_on_a_chinese_locale():
    zh = _run(["--help"], "zh_CN.UTF-8")
    assert zh.returncode == 0
    assert "用法：" in zh.stdout and "选项" in zh.stdout and "命令" in zh.stdout
    assert "显示本帮助后退出" in zh.stdout
    en = _run(["--help"], "C.UTF-8")
    assert "Usage:" in en.stdout and "Show this message and exit." in en.stdout
    build_zh = _run(["build", "--help"], "zh_CN.UTF-8")
    assert "输出" in build_zh.stdout and "--format" in build_zh.stdout


def test_a_usage_error_is_in_chinese_too():
    zh = _run(["build", "2018-xx"], "zh_CN.UTF-8")
    assert zh.returncode == 2
    assert "错误：" in zh.stderr and "2018-xx" in zh.stderr


def test_the_catalogue_is_package_data():
    """An installed bulletin speaks Chinese too: pyproject ships the .mo.
    (Building a wheel here would need the `wheel` package, which the test
    set-up does not install.)"""
    import fnmatch
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["bulletin"]
    assert any(fnmatch.fnmatch(MO.relative_to(PACKAGE).as_posix(), p) for p in patterns)
    assert "bulletin" in config["tool"]["setuptools"]["packages"]


def test_every_command_help_has_its_chinese():
    """Each command's docstring, short help and option help (new commands too)."""
    code = r"""
import inspect, click
from bulletin import i18n
from bulletin.cli import COMMANDS, main
ctx = click.Context(main)
missing = []
for command in [main] + [main.get_command(ctx, name) for name in COMMANDS]:
    for item in (command, *command.params):
        for attr in ("help", "short_help"):
            text = getattr(item, attr, None)
            if isinstance(text, str) and text and not any('\u4e00' <= c <= '\u9fff' for c in text.replace('简报', '')):
                missing.append(f"{command.name} {getattr(item, 'name', '')}.{attr}: {text[:60]!r}")
print("\n".join(missing))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120,
                          env={**os.environ, "BULLETIN_LANG": "zh"})
    assert done.returncode == 0, done.stderr
    assert not done.stdout.strip(), "help without Chinese (run `make messages`, translate in bulletin.po):\n" + done.stdout
