"""Documents the centre issues besides bulletins: the formal reply letter (复函) and the sensitive
period's daily report, as one document model rendered to Word, Excel or the web."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from epb.complaints.choices import Kind
from epb.complaints.conf import setting
from epb.complaints.models import Complaint, DailyReport, Reply
from epb.lib.documents import Column, ColumnKind, Document, Heading, KeyValueList, Paragraph, Table
from epb.lib.timeutil import beijing_date


def reply_letter(complaint: Complaint, reply: Reply, *, addressee: str = "") -> Document:
    """The 答复意见书 signed by a leader. ``addressee`` is the complainant's name when the reader
    may see it (a handler); otherwise the letter is addressed to "举报人"."""
    received = beijing_date(complaint.received_at)
    blocks: list[Any] = [
        Paragraph(f"{addressee or '举报人'}："),
        Paragraph(
            f"您于{received.year}年{received.month}月{received.day}日通过{complaint.get_channel_display()}"
            f"反映的{complaint.type_label()}问题（编号{complaint.number}）收悉。"
            + (
                "我局依法受理并组织了调查处理，现答复如下："
                if complaint.kind == Kind.COMPLAINT
                else "现答复如下："
            )
        ),
        *[Paragraph(part.strip()) for part in reply.text.splitlines() if part.strip()],
    ]
    if complaint.kind == Kind.COMPLAINT:
        blocks.append(
            Paragraph(
                "如对本答复意见不服，可以自收到本答复意见之日起30日内向"
                f"{setting('COMPLAINTS_REVIEW_AUTHORITY')}提出复查申请。"
            )
        )
    blocks.append(Paragraph("特此答复。"))
    blocks.append(
        KeyValueList(
            [
                ("编号", complaint.number),
                ("承办单位", complaint.unit_label()),
                ("咨询电话", "12369"),
            ]
        )
    )
    signed = reply.signed_at or timezone.now()
    return Document(
        title="环境信访事项答复意见书",
        organization=settings.SITE_NAME,
        date=beijing_date(signed),
        blocks=blocks,
    )


def daily_report_document(report: DailyReport) -> Document:
    content = report.content
    blocks: list[Any] = [Paragraph(content.get("text", ""))]

    def counts(title: str, label: str, data: dict[str, int]) -> None:
        if data:
            blocks.append(
                Table(
                    [Column(label), Column("件数", ColumnKind.INTEGER)],
                    [[k, int(v)] for k, v in data.items()],
                    caption=title,
                )
            )

    counts("按污染类型", "污染类型", content.get("by_type", {}))
    counts("按辖市区", "辖市区", content.get("by_district", {}))
    counts("按渠道", "渠道", content.get("by_channel", {}))
    incidents = content.get("incidents", [])
    blocks.append(Heading("群体性、突发及紧急上报事项"))
    if incidents:
        blocks.append(
            Table(
                [Column("编号"), Column("类型"), Column("辖市区"), Column("性质")],
                [[i["number"], i["type"], i["district"], "、".join(i["flags"])] for i in incidents],
                caption="即时上报事项",
            )
        )
    else:
        blocks.append(Paragraph("无。"))
    blocks.append(
        KeyValueList(
            [
                ("在办件", str(content.get("open_cases", 0))),
                ("超期未办结时限", str(content.get("open_overdue", 0))),
            ],
            title="办理情况",
        )
    )
    return Document(
        title="重要敏感时期环境信访信息日报",
        subtitle=f"{report.period.name} · {report.day:%Y年%m月%d日}",
        organization=settings.SITE_NAME,
        date=report.day,
        blocks=blocks,
    )
