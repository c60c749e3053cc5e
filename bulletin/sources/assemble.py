"""Publication + issue + articles → Bulletin: masthead, 栏目 grouping, 编者按,
attributions, 版记.  Pure: takes checked sources, returns the model."""

from __future__ import annotations

from bulletin.sources.config import text_value
from bulletin.sources.load import IssueSource, Repository
from bulletin.model import Article, Bulletin, ColumnGroup, DistributionLine, Imprint, IssueInfo, Masthead, Span, Src
from bulletin.numbering import chinese_date, issue_line
from bulletin.sources.reader import ArticleSource
from bulletin.text.titles import explicit_breaks

IDEOGRAPHIC_SPACE = "\u3000"
DEFAULT_CONTACT_LABELS = {"people": "联系人", "phone": "联系电话", "email": "投稿邮箱"}


def assemble(repo: Repository, issue: IssueSource) -> Bulletin:
    pub = repo.publication.data
    iid = issue.folder.id
    total = repo.totals().get(iid)
    date_text = chinese_date(issue.date)
    info = IssueInfo(str(iid), iid.year, iid.number, total, issue.date.isoformat())
    masthead = Masthead(
        title=text_value(pub["title"]).strip(),
        issue_line=issue_line(iid.year, iid.number, total),
        editor=text_value(pub["editor"]).strip(),
        date_text=date_text,
        marks=tuple(text_value(m) for m in pub.get("marks") or ()),
    )
    note = issue.data.get("note")
    articles = [article(a) for a in issue.articles]
    return Bulletin(
        info=info,
        masthead=masthead,
        note=(Span(text_value(note).strip()),) if note else None,
        groups=group_columns(articles),
        imprint=imprint(pub, issue.data, date_text),
        fonts=dict(pub.get("fonts") or {}),
    )


def article(src: ArticleSource) -> Article:
    meta = src.meta
    authors = meta.get("author") or ()
    if isinstance(authors, (str, int, float)):
        authors = (authors,)
    authors = tuple(text_value(a).strip() for a in authors if text_value(a).strip())
    county = text_value(meta["county"]).strip()
    unit = text_value(meta.get("unit") or county).strip()
    attribution = None
    if meta.get("attribution", True) is not False:
        attribution = "（" + " ".join((unit, *authors)) + "）"
    return Article(
        title=explicit_breaks(text_value(meta["title"])),  # a space between hanzi: the writer's line break
        county=county,
        blocks=src.blocks,
        attribution=attribution,
        subtitle=text_value(meta["subtitle"]).strip() if meta.get("subtitle") else None,
        column=text_value(meta["column"]).strip() if meta.get("column") else None,
        unit=unit,
        authors=authors,
        src=Src(src.rel, 1),
    )


def group_columns(articles: list[Article]) -> tuple[ColumnGroup, ...]:
    """One label for each run of consecutive articles with the same column."""
    groups: list[ColumnGroup] = []
    for art in articles:
        if groups and groups[-1].label == art.column:
            groups[-1] = ColumnGroup(art.column, groups[-1].articles + (art,))
        else:
            groups.append(ColumnGroup(art.column, (art,)))
    return tuple(groups)


def imprint(pub: dict, issue: dict, date_text: str) -> Imprint:
    distribution = issue.get("distribution") or pub.get("distribution") or {}
    contact = issue.get("contact") or pub.get("contact")
    return Imprint(
        distribution=tuple(DistributionLine(text_value(k).strip(), text_value(v).strip()) for k, v in distribution.items()),
        issuer=text_value(pub["issuer"]).strip(),
        print_date=f"{date_text}印发",
        contact=contact_line(contact) if contact else None,
    )


def spaced_name(name: str) -> str:
    """A two-character name is spaced to the width of three: 黄彬 → 黄　彬."""
    name = name.strip()
    if len(name) == 2 and all("\u4e00" <= c <= "\u9fff" for c in name):
        return name[0] + IDEOGRAPHIC_SPACE + name[1]
    return name.replace(" ", IDEOGRAPHIC_SPACE)


def contact_line(contact: dict) -> str:
    labels = {**DEFAULT_CONTACT_LABELS, **(contact.get("labels") or {})}
    parts = []
    if contact.get("people"):
        parts.append(f"{labels['people']}：" + IDEOGRAPHIC_SPACE.join(spaced_name(text_value(p)) for p in contact["people"]))
    if contact.get("phone"):
        parts.append(f"{labels['phone']}：{text_value(contact['phone']).strip()}")
    if contact.get("email"):
        parts.append(f"{labels['email']}：{text_value(contact['email']).strip()}")
    return IDEOGRAPHIC_SPACE.join(parts)
