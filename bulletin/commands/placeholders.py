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

from bulletin.i18n import N_

EXAMPLE_MARK = "本文是一篇示例"

# (text, only in YAML lines, what to put instead)
PLACEHOLDERS: tuple[tuple[str, bool, str], ...] = (
    ("在此填写县名", False, "county"),
    ("在此填写标题", False, "title"),
    ("在此撰写正文", False, "text"),
    ("示例县", False, "real county"),
    ("某某办公室", True, "office"),
    ("张三", True, "name"),
    ("李四", True, "name"),
    ("0000-0000000", True, "phone"),
    ("bulletin@example.org", True, "email"),
    ("上级机关。", True, "recipients"),
)


def _message(instead: str, text: str):
    """The finding's text, one template per kind so each is translated whole."""
    if instead == "county":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the county's name", text=text)
    if instead == "title":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the article's title", text=text)
    if instead == "text":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the article's text", text=text)
    if instead == "real county":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the real county", text=text)
    if instead == "office":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the name of the issuing office",
                  text=text)
    if instead == "name":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the real name", text=text)
    if instead == "phone":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the real telephone number",
                  text=text)
    if instead == "email":
        return N_("placeholder '{text}' from the bulletin scaffold is still here: write the real e-mail address",
                  text=text)
    return N_("placeholder '{text}' from the bulletin scaffold is still here: "
              "write the offices the issue is reported to (报)", text=text)


def placeholders(lines: Sequence[str], yaml_end: int) -> list[tuple[int, int, str]]:
    """(line, col, message), 1-based, for each placeholder in the file's
    lines; lines before index `yaml_end` are YAML (all of bulletin.yaml, an
    article's front matter).  The example article is one finding: delete it."""
    for n, line in enumerate(lines):
        col = line.find(EXAMPLE_MARK)
        if col >= 0:
            return [(n + 1, col + 1, N_("the example article that bulletin init wrote is still in the issue: "
                                        "replace it with a real article or delete the file"))]
    out = []
    for n, line in enumerate(lines):
        if n < yaml_end and line.lstrip().startswith("#"):
            continue  # a YAML comment
        for text, yaml_only, instead in PLACEHOLDERS:
            if yaml_only and n >= yaml_end:
                continue
            col = line.find(text)
            if col >= 0:
                out.append((n + 1, col + 1, _message(instead, text)))
    return out
