"""Word files made in code with python-docx, and what a reader should find in them."""

from __future__ import annotations

import io

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.pdfs import Made

HANDBOOK = "员工手册"


def handbook(title_style: bool = True) -> Made:
    """A handbook: Title, Heading 1/2 chapters, a soft line break, a leave table with a
    header row, a two-column contact table, and a page header and footer."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "员工手册 内部资料 请勿外传"
    section.footer.paragraphs[0].text = "第 1 页 共 3 页"
    if title_style:
        document.add_paragraph(HANDBOOK, style="Title")
    document.add_heading("第一章 总则", level=1)
    document.add_paragraph("本手册适用于公司全体员工，自发布之日起施行。")
    document.add_heading("第一节 工作时间", level=2)
    wrapped = document.add_paragraph("公司实行标准工时制度，每日工作八小时，")
    wrapped.add_run().add_break()
    wrapped.add_run("上午九时上班，下午六时下班。")
    document.add_heading("第二章 休假", level=1)
    document.add_paragraph("员工依法享有下列假期：")
    leave = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        leave.rows,
        [["假期类型", "天数", "说明"], ["年假", "5天", "工作满一年"], ["婚假", "3天", "凭结婚证"]],
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    contacts = document.add_table(rows=2, cols=2)
    for row, cells in zip(
        contacts.rows, [["人事部电话", "0571-12345678"], ["邮箱", "hr@example.com"]], strict=True
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    fees = document.add_table(rows=2, cols=2)  # two columns, its first row marked as the header row
    fees.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row, cells in zip(fees.rows, [["项目", "标准"], ["住宿费", "每人每天500元"]], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph("请假须提前三个工作日在系统中提交申请。")
    made = Made(_saved(document), HANDBOOK if title_style else "handbook")
    one, two = "第一章 总则", "第二章 休假"
    if not title_style:  # no Title, no core title, two Heading 1s: the file name is the title
        made.title = "handbook"
    made.passages = [
        (one, "本手册适用于公司全体员工，自发布之日起施行。", 0),
        (f"{one} › 第一节 工作时间", "公司实行标准工时制度，每日工作八小时，上午九时上班，下午六时下班。", 0),
        (two, "员工依法享有下列假期：", 0),
        (two, "假期类型: 年假; 天数: 5天; 说明: 工作满一年", 0),
        (two, "假期类型: 婚假; 天数: 3天; 说明: 凭结婚证", 0),
        (two, "人事部电话 | 0571-12345678", 0),
        (two, "邮箱 | hr@example.com", 0),
        (two, "项目: 住宿费; 标准: 每人每天500元", 0),
        (two, "请假须提前三个工作日在系统中提交申请。", 0),
    ]
    made.furniture = ["员工手册 内部资料 请勿外传", "第 1 页 共 3 页"]
    return made


def official_styles() -> Made:
    """Chinese Word's own styles: a custom 公文 style whose outline level comes through its
    basedOn chain, a paragraph with its own outline level, the core properties' title."""
    document = docx.Document()
    document.core_properties.title = "关于做好节能工作的通知"
    base = document.styles.add_style("公文基础", WD_STYLE_TYPE.PARAGRAPH)
    level = OxmlElement("w:outlineLvl")
    level.set(qn("w:val"), "0")
    base.element.get_or_add_pPr().append(level)
    document.styles.add_style("公文一级", WD_STYLE_TYPE.PARAGRAPH).base_style = base
    document.add_paragraph("一、总体要求", style="公文一级")
    document.add_paragraph("各单位要把节能工作摆在突出位置。")
    direct = document.add_paragraph("（一）办公用电")
    own = OxmlElement("w:outlineLvl")
    own.set(qn("w:val"), "1")
    direct._p.get_or_add_pPr().append(own)
    document.add_paragraph("夏季空调温度不低于26摄氏度。")
    made = Made(_saved(document), "关于做好节能工作的通知")
    made.passages = [
        ("一、总体要求", "各单位要把节能工作摆在突出位置。", 0),
        ("一、总体要求 › （一）办公用电", "夏季空调温度不低于26摄氏度。", 0),
    ]
    return made


def single_heading() -> Made:
    """No Title style, no core title, exactly one Heading 1 opening it: that heading is the title."""
    document = docx.Document()
    document.core_properties.title = ""
    document.add_heading("Annual Report 2024", level=1)
    document.add_heading("Overview", level=2)
    document.add_paragraph("The office published 212 data sets.")
    made = Made(_saved(document), "Annual Report 2024")
    made.passages = [("Overview", "The office published 212 data sets.", 0)]
    return made


def _saved(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()
