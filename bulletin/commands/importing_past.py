"""`bulletin import --past`: earlier issues kept as Word files → issue folders.

Each file is one printed issue.  Its issue line gives the id (or `--id`),
its editor line (or the 版记's print date) the date; 总第N期 is written as
`total:` only where it breaks the count the repository would make
(numbering.totals), so a run of imported issues keeps one anchor.  The
版记's 报/送 lines and the contact line are kept in issue.yaml only where they
differ from bulletin.yaml's.  Articles are numbered in print order
(1-leye.md, 2-quanzhou.md …), so file-name order is print order.
"""

from __future__ import annotations

from pathlib import Path

from bulletin.commands.importing import Plan, Planned, Report, figure_files, open_and_read, known_counties, with_figure_paths
from bulletin.diagnostics import BulletinError, Collector
from bulletin.i18n import N_
from bulletin.numbering import IssueId, anchors, totals
from bulletin.sources.repo import ISSUE_FILE, ISSUES_DIR


def _issue_yaml(fields: dict) -> str:
    from bulletin.importer.markdown import yaml_scalar

    out = []
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, dict):
            out.append(f"{key}:")
            for k, v in value.items():
                if isinstance(v, list):
                    out.append(f"  {yaml_scalar(k)}: [" + ", ".join(yaml_scalar(x) for x in v) + "]")
                else:
                    out.append(f"  {yaml_scalar(k)}: {yaml_scalar(v)}")
        elif isinstance(value, (int,)) or key == "date":
            out.append(f"{key}: {value}")
        else:
            out.append(f"{key}: {yaml_scalar(value)}")
    return "\n".join(out) + "\n"


def plan_past(root: Path, files: list[Path], *, issue_id: IssueId | None = None, soffice: str | None = None,
              shown: list[str] | None = None) -> list[Plan]:
    from bulletin.importer import markdown as md
    from bulletin.importer.counties import pinyin
    from bulletin.importer.past import contact_fields, read_past
    from bulletin.sources.assemble import contact_line
    from bulletin.sources.load import load_repository

    diags = Collector()
    shown = shown or [str(f) for f in files]
    repo_diags = Collector()
    repo = load_repository(root, repo_diags)
    pub = repo.publication.data if repo.publication else {}
    existing = {iid: doc.data for iid, doc in repo.issue_docs.items() if doc is not None}
    hints = known_counties(root)
    read = []
    for path, label in zip(files, shown):
        got = open_and_read(path, label, diags, soffice)
        if got is None:
            continue
        try:
            issue = read_past(*got, hints)
        except Exception as exc:  # noqa: BLE001 - as for submissions: one line, never a traceback
            reason = type(exc).__name__ + ": " + str(exc)[:120]
            diags.error("E070", label, 1, N_("{file} could not be read as an issue: {reason}", file=path.name, reason=reason))
            continue
        iid = issue_id
        if iid is None:
            if issue.number is None or issue.year is None:
                diags.error("E071", label, 1, N_("{file}: no issue line such as 2018年第48期 found: pass --id YEAR-N", file=path.name))
                continue
            iid = IssueId(issue.year, issue.number)
        if issue.date is None:
            diags.error("E071", label, 1, N_("{file}: no date found on the editor line or in the 版记", file=path.name))
            continue
        if not issue.articles:
            diags.error("E071", label, 1, N_("{file}: no article titles found", file=path.name))
            continue
        folder_rel = f"{ISSUES_DIR}/{iid}"
        if iid in repo.folders or (root / folder_rel).exists():
            diags.error("E060", folder_rel, 1, N_("issue {iid} already exists ({folder}): import never overwrites", iid=str(iid), folder=folder_rel))
            continue
        if any(iid == other for other, *_ in read):
            diags.error("E060", label, 1, N_("{file}: issue {iid} is imported twice in this run", file=path.name, iid=str(iid)))
            continue
        read.append((iid, issue, label, path))
    if diags.errors:
        raise BulletinError(diags.sorted())

    # 总期号: write `total:` only where the printed number breaks the count
    ids = list(repo.folders) + [iid for iid, *_ in read]
    data = dict(existing)
    plans: list[Plan] = []
    pub_contact = contact_line(pub["contact"]) if pub.get("contact") else None
    pub_dist = {str(k).strip(): str(v).strip() for k, v in (pub.get("distribution") or {}).items()}
    for iid, issue, label, path in sorted(read, key=lambda r: r[0]):
        counted = totals(ids, anchors(pub, data)).get(iid)
        total = issue.total if issue.total is not None and issue.total != counted else None
        data[iid] = {"total": total} if total is not None else {}
        plan = Plan(issue=iid)
        report = Report(label)
        fields: dict = {"date": issue.date.isoformat(), "total": total, "note": issue.note}
        if issue.distribution and issue.distribution != pub_dist:
            fields["distribution"] = issue.distribution
            report.lines.append(N_("报/送 differ from bulletin.yaml's: kept in issue.yaml as 'distribution'"))
        if issue.contact and pub_contact is not None and issue.contact.replace(" ", "\u3000") != pub_contact:
            fields["contact"] = contact_fields(issue.contact)
            report.lines.append(N_("the contact line differs from bulletin.yaml's: kept in issue.yaml as 'contact'"))
        folder_rel = f"{ISSUES_DIR}/{iid}"
        width = 2 if len(issue.articles) > 9 else 1
        all_figs = 0
        for k, art in enumerate(issue.articles, 1):
            county = art.county
            if not county:
                county = art.unit or "未知"
                report.guesses.append(N_("'{title}': county unknown, wrote '{county}': correct it", title=art.title[:20], county=county))
            elif not art.county_sure:
                report.guesses.append(N_("'{title}': county '{county}' is a guess", title=art.title[:20], county=county))
            stem = f"{k:0{width}d}-{pinyin(county) or 'article'}"
            numbers = sorted({int(b.path) for b in art.blocks if getattr(b, "path", "").isdigit()})
            images = [issue.images[n - 1] for n in numbers]
            figs = figure_files(stem, images, folder_rel)
            names = {n: f for n, (f, _) in zip(numbers, figs)}
            blocks = with_figure_paths(art.blocks, [names.get(n, "") for n in range(1, len(issue.images) + 1)])
            unit = art.unit if art.unit and art.unit != county else None
            meta = {"title": art.title, "subtitle": art.subtitle, "county": county, "unit": unit,
                    "author": art.authors, "column": art.column}
            if not art.attributed:
                meta["attribution"] = False
            plan.files.extend(p for _, p in figs)
            plan.files.append(Planned(f"{folder_rel}/{stem}.md", md.article(meta, blocks).encode("utf-8"), show=True))
            all_figs += len(figs)
        plan.files.insert(0, Planned(f"{folder_rel}/{ISSUE_FILE}", _issue_yaml(fields).encode("utf-8"), show=True))
        head = [N_("→ {folder}: {count} articles, {pictures} pictures", folder=folder_rel, count=len(issue.articles), pictures=all_figs)
                if all_figs else N_("→ {folder}: {count} articles", folder=folder_rel, count=len(issue.articles)),
                N_("issue {iid}, date {date}, 总第{total}期", iid=str(iid), date=issue.date.isoformat(), total=issue.total)
                if issue.total else N_("issue {iid}, date {date}", iid=str(iid), date=issue.date.isoformat())]
        if total is not None:
            head.append(N_("total: {total} (the printed 总期号 breaks the count, which gives {counted})", total=total, counted=counted))
        report.lines[:0] = head
        if issue.masthead and pub.get("title") and issue.masthead.replace(" ", "") != str(pub["title"]).replace(" ", ""):
            report.notes.append(N_("masthead '{masthead}' differs from bulletin.yaml's title (kept bulletin.yaml's)", masthead=issue.masthead))
        report.notes.extend(issue.notes)
        report.guesses.extend(issue.guesses)
        plan.reports.append(report)
        plans.append(plan)
    return plans
