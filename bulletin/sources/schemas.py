"""The three file kinds of a bulletin repository, as declarative schemas (SPEC.md)."""

from __future__ import annotations

from bulletin.sources.config import Field
from bulletin.numbering import parse_issue_id
from bulletin.i18n import N_


def _issue_id(value) -> str | None:
    return None if parse_issue_id(str(value)) else N_("must be an issue id YEAR-N such as 2018-48")


def _positive(value) -> str | None:
    return None if value > 0 else N_("must be a positive number")


def _article_names(value) -> str | None:
    for name in value:
        if not str(name).endswith(".md"):
            return N_("lists {name!r}: article files end in .md", name=name)
    return None


def _nonblank(value) -> str | None:
    return None if str(value).strip() else N_("must not be empty")


CONTACT = {
    "people": Field("list", values="str", help="contact names"),
    "phone": Field("str"),
    "email": Field("str"),
    "labels": Field("map", schema={"people": Field("str"), "phone": Field("str"), "email": Field("str")}),
}

PUBLICATION = {
    "title": Field("str", required=True, check=_nonblank, help="masthead title"),
    "editor": Field("str", required=True, check=_nonblank, help="compiling office line"),
    "issuer": Field("str", required=True, check=_nonblank, help="印发机关"),
    "numbering": Field("map", schema={
        "anchor": Field("map", required=True, schema={
            "issue": Field("str", required=True, check=_issue_id),
            "total": Field("int", required=True, check=_positive),
        }),
    }),
    "distribution": Field("map", values="str"),
    "contact": Field("map", schema=CONTACT),
    "fonts": Field("map", values="str"),
    "marks": Field("list", values="str", help="top-left marks such as 内部资料 注意保存"),
}

ISSUE = {
    "date": Field("date", required=True),
    "total": Field("int", check=_positive),
    "articles": Field("list", values="str", check=_article_names),
    "note": Field("str", check=_nonblank),
    "distribution": Field("map", values="str"),
    "contact": Field("map", schema=CONTACT),
}

ARTICLE = {
    "title": Field("str", required=True, check=_nonblank),
    "county": Field("str", required=True, check=_nonblank),
    "unit": Field("str", check=_nonblank),
    "author": Field("str-or-list"),
    "column": Field("str", check=_nonblank),
    "subtitle": Field("str", check=_nonblank),
    "attribution": Field("bool"),
}
