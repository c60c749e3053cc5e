"""`bulletin init` and `bulletin new`: new repositories, issues and articles
from the Jinja2 templates in templates/init/.

Nothing here overwrites: files are created with output.create_new (exclusive
create), and every target is checked before the first file is written.  The
one edit of an existing file is appending an article to an issue's explicit
`articles:` list, done on the text (comments and layout stay) and verified
by reading the YAML back.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bulletin.diagnostics import BulletinError, Collector, Diagnostic
from bulletin.i18n import N_, _
from bulletin.commands.ci import WORKFLOW, package_source
from bulletin.numbering import IssueId
from bulletin.output import create_new, write_atomic
from bulletin.sources.repo import CONFIG_NAME, ISSUE_FILE, ISSUES_DIR, issue_folders

TEMPLATES = "init"
DEFAULT_TITLE = "工作简报"
DEFAULT_ISSUER = "某某办公室"
EXAMPLE_COUNTY = "示例县"


# ------------------------------------------------------------- templates

_NEEDS_QUOTES = re.compile(r"""^[\s\-?:,\[\]{}#&*!|>'"%@`]|[,\[\]{}]|:\s|:$|\s#|\s$|[\n\r\t]""")


def yaml_scalar(value) -> str:
    """A YAML scalar for `value`: plain when that reads back as the same text, else double-quoted."""
    text = str(value)
    if text and not _NEEDS_QUOTES.search(text):
        try:
            if yaml.safe_load(text) == text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def yaml_list(values) -> str:
    return "[" + ", ".join(yaml_scalar(v) for v in values) + "]"


def render(name: str, **context) -> str:
    from importlib import resources

    import jinja2

    source = resources.files("bulletin.templates").joinpath(TEMPLATES, name).read_text(encoding="utf-8")
    env = jinja2.Environment(
        autoescape=False,  # YAML and Markdown, not HTML; values go through yq
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["yq"] = yaml_scalar
    env.filters["yq_list"] = yaml_list
    return env.from_string(source).render(**context)


def _exists(path: str, message: str) -> BulletinError:
    return BulletinError([Diagnostic(path, 1, 1, "E060", message)])


@dataclass
class Created:
    rel: str
    created: bool = True  # False: an existing file was kept

    def render(self) -> str:
        return (_("created {path}") if self.created else _("kept {path} (exists)")).format(path=self.rel)


# ------------------------------------------------------------------ init


def init_repository(dest: Path, today: _dt.date, title: str | None = None, issuer: str | None = None) -> list[Created]:
    """A repository that builds at once: bulletin.yaml, README.md, .gitignore
    and a first issue YEAR-1 with one example article.  A DEST that already
    holds bulletin.yaml is an error and nothing is written; other files that
    exist (a README of an existing git repository) are kept."""
    if (dest / CONFIG_NAME).exists():
        raise _exists(str(dest / CONFIG_NAME), N_("{dest} already holds {config}: init never overwrites a repository", dest=str(dest), config=CONFIG_NAME))
    title = title or DEFAULT_TITLE
    issuer = issuer or DEFAULT_ISSUER
    first = IssueId(today.year, 1)
    context = {"title": title, "editor": f"{issuer}编", "issuer": issuer, "first_issue": str(first),
               "year": first.year, "number": first.number, "date": today.isoformat()}
    files = {
        CONFIG_NAME: render("bulletin.yaml.j2", **context),
        "README.md": render("README.md.j2", **context),
        ".gitignore": render("gitignore.j2", **context),
        WORKFLOW: render("workflow.yml.j2", package=package_source()),  # CI that works as written (docs/ci.md)
    }
    if not (dest / ISSUES_DIR).exists():  # an issues/ folder of its own: leave it be
        body = render("example-body.md.j2", county=EXAMPLE_COUNTY)
        files[f"{ISSUES_DIR}/{first}/{ISSUE_FILE}"] = render("issue.yaml.j2", **context)
        files[f"{ISSUES_DIR}/{first}/example.md"] = render(
            "article.md.j2", title=f"{EXAMPLE_COUNTY}多措并举推进重点工作", county=EXAMPLE_COUNTY,
            unit=f"{EXAMPLE_COUNTY}人民政府办公室", authors=["张三"], column="工作动态", body=body.rstrip("\n"),
        )
    out = []
    for rel, text in files.items():
        path = dest / rel
        if path.exists():
            out.append(Created(rel, False))
            continue
        create_new(path, text)
        out.append(Created(rel))
    return out


# ------------------------------------------------------------------- new


def next_issue_id(existing: list[IssueId], today: _dt.date) -> IssueId:
    """N+1 in the latest issue's year, or YEAR-1 when today's year is later (or there is none)."""
    if not existing:
        return IssueId(today.year, 1)
    latest = max(existing)
    if today.year > latest.year:
        return IssueId(today.year, 1)
    return IssueId(latest.year, latest.number + 1)


def existing_issues(root: Path) -> list[IssueId]:
    return list(issue_folders(root, Collector()))


def new_issue(root: Path, iid: IssueId, date: _dt.date) -> Created:
    """issues/ID/issue.yaml dated `date`.  An issue that has an issue.yaml is an error."""
    rel = f"{ISSUES_DIR}/{iid}/{ISSUE_FILE}"
    path = root / rel
    if path.exists():
        raise _exists(rel, N_("issue {iid} already exists ({folder}/{iid}): new never overwrites", iid=str(iid), folder=ISSUES_DIR))
    create_new(path, render("issue.yaml.j2", year=iid.year, number=iid.number, date=date.isoformat()))
    return Created(rel)


def article_file_name(name: str) -> str | None:
    """NAME → NAME.md; None when NAME is no plain file name inside the issue folder."""
    name = name.strip()
    if not name.endswith(".md"):
        name += ".md"
    if name == ".md" or name.startswith(".") or "/" in name or "\\" in name or "\x00" in name:
        return None
    return name


def new_article(root: Path, iid: IssueId, name: str, *, title: str | None, county: str | None,
                authors: list[str], column: str | None, date: _dt.date) -> list[Created]:
    """Add NAME.md to issue ID (starting the issue when it does not exist yet)
    and append it to the issue's explicit `articles:` list if it has one."""
    rel = f"{ISSUES_DIR}/{iid}/{name}"
    path = root / rel
    if path.exists() or path.is_symlink():
        raise _exists(rel, N_("article {name} already exists in issue {iid}: new never overwrites", name=name, iid=str(iid)))
    out = []
    if not (root / ISSUES_DIR / str(iid) / ISSUE_FILE).exists():
        out.append(new_issue(root, iid, date))
    stem = name[:-3]
    guess = stem if re.fullmatch(r"[\u4e00-\u9fff]+[县区市旗]", stem) else "在此填写县名"
    text = render("article.md.j2", title=title or "在此填写标题", county=county or guess, unit=None,
                  authors=authors, column=column, body=None)
    create_new(path, text)
    out.append(Created(rel))
    issue_rel = f"{ISSUES_DIR}/{iid}/{ISSUE_FILE}"
    if append_to_issue(root / issue_rel, name):
        out.append(Created(f"{issue_rel} (added {name} to 'articles')"))
    return out


def append_to_issue(issue_path: Path, name: str) -> bool:
    """Append NAME to issue.yaml's explicit `articles:` list, keeping the rest
    of the file as it is.  False when the issue has no such list."""
    raw = issue_path.read_bytes()
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(bom):].decode("utf-8")
    crlf = "\r\n" in text
    plain = text.replace("\r\n", "\n")
    new = append_article_name(plain, name, f"{ISSUES_DIR}/{issue_path.parent.name}/{ISSUE_FILE}")
    if new is None:
        return False
    if crlf:
        new = new.replace("\n", "\r\n")
    write_atomic(issue_path, bom + new.encode("utf-8"))
    return True


def append_article_name(text: str, name: str, rel: str = ISSUE_FILE) -> str | None:
    """The issue.yaml text with NAME appended to its `articles:` list (flow
    `[a.md, b.md]` or block `- a.md` lines); None when there is no list.
    Raises BulletinError when the list's layout defeats the edit."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return None
    seq = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "articles"), None)
    if not isinstance(seq, yaml.SequenceNode):
        return None
    item = yaml_scalar(name)
    if seq.flow_style:
        if seq.value:
            at = seq.value[-1].end_mark.index
            new = text[:at] + ", " + item + text[at:]
        else:
            at = text.rindex("]", 0, seq.end_mark.index)
            new = text[:at] + item + text[at:]
    else:
        last = seq.value[-1]
        dash = text.rindex("-", 0, last.start_mark.index)
        line_start = text.rfind("\n", 0, dash) + 1
        indent = text[line_start:dash]
        eol = text.find("\n", last.end_mark.index)
        eol = len(text) if eol < 0 else eol
        new = text[:eol] + "\n" + indent + "- " + item + text[eol:]
    before = yaml.safe_load(text)["articles"]
    try:
        after = yaml.safe_load(new)
    except yaml.YAMLError:
        after = None
    if not isinstance(after, dict) or after.get("articles") != [*before, name]:
        raise BulletinError([Diagnostic(rel, seq.start_mark.line + 1, 1, "E061",
                                        N_("could not add {name} to the 'articles' list: add it by hand", name=name))])
    return new
