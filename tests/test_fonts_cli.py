"""`bulletin fonts`: which file serves each role, honouring bulletin.yaml overrides."""

from __future__ import annotations

from pathlib import Path

from bulletin.style import load_style

ROLES = list(load_style().fonts)


def rows(stdout: str) -> dict[str, str]:
    return {line.split()[0]: line for line in stdout.splitlines() if line.strip()}


def test_every_role_is_served_by_an_existing_embedded_file(cli, example_root):
    result = cli("fonts", "--root", str(example_root))
    assert result.returncode == 0, result.stderr
    table = rows(result.stdout)
    assert list(table) == ROLES
    for line in table.values():
        path = next(tok for tok in line.split() if tok.startswith("/"))
        assert Path(path.split("#")[0]).is_file(), line
        assert "embedded as subset" in line, line


def test_override_by_file_path_from_bulletin_yaml(cli, example_copy):
    kai = Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf")
    config = example_copy / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"fonts:\n  fangsong: {kai}\n", encoding="utf-8")
    table = rows(cli("fonts", "--root", str(example_copy)).stdout)
    assert str(kai) in table["fangsong"] and "config" in table["fangsong"]


def test_unknown_font_is_one_line_error(cli, example_copy):
    config = example_copy / "bulletin.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "fonts:\n  hei: 不存在的字体\n", encoding="utf-8")
    result = cli("fonts", "--root", str(example_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "E040" in line and "hei" in line and "不存在的字体" in line
