"""W140: a placeholder that `bulletin init` or `bulletin new` wrote, still in.

The scaffold fills bulletin.yaml and new articles with stand-ins (张三,
0000-0000000, bulletin@example.org, 在此填写县名 …) so that a new repository
builds at once.  Printed, they would go out to the 报/送 offices, so each
one left is reported where it stands.  The list is the scaffold's own
(templates/init/ and commands/scaffold.py; a test keeps them in step).

Pure: a file's lines in, findings out, as (line, col, message).
"""

from __future__ import annotations

from collections.abc import Sequence

EXAMPLE_MARK = "本文是一篇示例"

# (text, only in YAML lines, what to put instead)
PLACEHOLDERS: tuple[tuple[str, bool, str], ...] = (
    ("在此填写县名", False, "the county's name"),
    ("在此填写标题", False, "the article's title"),
    ("在此撰写正文", False, "the article's text"),
    ("示例县", False, "the real county"),
    ("某某办公室", True, "the name of the issuing office"),
    ("张三", True, "the real name"),
    ("李四", True, "the real name"),
    ("0000-0000000", True, "the real telephone number"),
    ("bulletin@example.org", True, "the real e-mail address"),
    ("上级机关。", True, "the offices the issue is reported to (报)"),
)


def placeholders(lines: Sequence[str], yaml_end: int) -> list[tuple[int, int, str]]:
    """(line, col, message), 1-based, for each placeholder in the file's
    lines; lines before index `yaml_end` are YAML (all of bulletin.yaml, an
    article's front matter).  The example article is one finding: delete it."""
    for n, line in enumerate(lines):
        col = line.find(EXAMPLE_MARK)
        if col >= 0:
            return [(n + 1, col + 1, "the example article that bulletin init wrote is still in the issue: "
                                     "replace it with a real article or delete the file")]
    out = []
    for n, line in enumerate(lines):
        if n < yaml_end and line.lstrip().startswith("#"):
            continue  # a YAML comment
        for text, yaml_only, instead in PLACEHOLDERS:
            if yaml_only and n >= yaml_end:
                continue
            col = line.find(text)
            if col >= 0:
                out.append((n + 1, col + 1, f"placeholder '{text}' from the bulletin scaffold is still here: write {instead}"))
    return out
