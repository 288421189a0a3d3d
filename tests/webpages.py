"""Saved web pages written as strings, as Chinese government and news sites make them."""

from __future__ import annotations

from tests.pdfs import Made

NOTICE = "关于开展2024年度公共数据开放工作的通知"
_NAV = (
    '<div class="top-bar">无障碍 | 长者模式 | <a href="/login">登录</a></div><div class="header"><ul class="nav">'
    + "".join(
        f'<li><a href="/{i}">{t}</a></li>' for i, t in enumerate(["首页", "要闻动态", "政务公开", "互动交流"])
    )
    + '</ul><form action="/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>'
    '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/tzgg">通知公告</a></div>'
)
_SIDE = '<div class="left-side"><h3>政务公开</h3><ul><li><a href="/a">政策文件</a></li><li><a href="/b">财政预决算</a></li></ul></div>'
_FOOTER = (
    '<div class="footer"><p>主办：某某市人民政府办公厅</p><p>版权所有：某某市人民政府　网站标识码：1234000001</p>'
    "<p>京ICP备12345678号-1　京公网安备 11010502030143号</p></div>"
)
_SCRIPT = "<script>document.write('<div>统计代码</div>');</script><style>.nav li{float:left}</style>"


def notice() -> Made:
    """A government notice: a top bar, menu, search form, breadcrumb, sidebar and footer around
    the article; h1 title, h2/h3 headings, ``&nbsp;`` and 　　 indents, ``<br>`` lines, a list
    and a data table."""
    article = (
        f"<h1>{NOTICE}</h1>"
        '<div class="info">发布时间：2024-03-15　来源：市数据局　浏览次数：<span>1234</span>　<a>打印</a></div>'
        '<div class="TRS_Editor"><p>各区人民政府，市政府各委、办、局：</p>'
        "<p>&nbsp;&nbsp;&nbsp;&nbsp;为推动公共数据安全有序开放，现就开展2024年度\n公共数据开放工作有关事项通知如下。</p>"
        "<h2>一、工作目标</h2><p>　　到2024年底，全市新增开放数据集不少于300个，数据接口不少于100个。</p>"
        "<h2>二、主要任务</h2><h3>（一）编制开放目录</h3>"
        "<p>目录编制完成后，报市数据局审核。<br>审核通过的目录，统一在开放平台发布。</p>"
        "<h3>（二）提升数据质量</h3><ul><li>开展数据完整性、准确性检查；</li><li>及时更新过期数据。</li></ul>"
        "<table border='1'><tr><th>阶段</th><th>时间</th><th>任务</th></tr>"
        "<tr><td>第一阶段</td><td>4月—6月</td><td>目录编制</td></tr></table>"
        "<table><tr><th>联系人</th><th>电话</th></tr><tr><td>王某某</td><td>0571-87654321</td></tr></table>"
        "<h2>三、工作要求</h2><p>各单位要明确责任分工，按时保质完成各项任务。</p>"
        '<div class="related"><h4>相关文章</h4><ul><li><a href="/a1">关于印发公共数据管理办法的通知</a></li>'
        '<li><a href="/a2">市数据局召开年度工作会议</a></li></ul></div><script>var hits = "统计代码";</script></div>'
    )
    page = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{NOTICE}_某某市人民政府</title>'
        f'{_SCRIPT}</head><body>{_NAV}<div class="main">{_SIDE}<div class="article">{article}</div></div>'
        f"{_FOOTER}{_SCRIPT}</body></html>"
    )
    two = "二、主要任务"
    made = Made(page.encode(), NOTICE)
    made.passages = [
        ("", "各区人民政府，市政府各委、办、局：", 0),
        ("", "为推动公共数据安全有序开放，现就开展2024年度公共数据开放工作有关事项通知如下。", 0),
        ("一、工作目标", "到2024年底，全市新增开放数据集不少于300个，数据接口不少于100个。", 0),
        (f"{two} › （一）编制开放目录", "目录编制完成后，报市数据局审核。", 0),
        (f"{two} › （一）编制开放目录", "审核通过的目录，统一在开放平台发布。", 0),
        (f"{two} › （二）提升数据质量", "开展数据完整性、准确性检查；", 0),
        (f"{two} › （二）提升数据质量", "及时更新过期数据。", 0),
        (f"{two} › （二）提升数据质量", "阶段: 第一阶段; 时间: 4月—6月; 任务: 目录编制", 0),
        (f"{two} › （二）提升数据质量", "联系人: 王某某; 电话: 0571-87654321", 0),  # <th>: a header
        ("三、工作要求", "各单位要明确责任分工，按时保质完成各项任务。", 0),
    ]
    made.furniture = [
        "无障碍",
        "要闻动态",
        "请输入关键词",
        "当前位置",
        "财政预决算",
        "版权所有",
        "ICP备",
        "统计代码",
        "浏览次数",
        "政务公开",
        "相关文章",
        "年度工作会议",
    ]
    return made


def gbk_page(label: str = "gbk") -> Made:
    """A page in GBK declaring ``label`` in its meta tag; 镕 and 喆 are in GBK, not in GB2312.
    No ``<h1>``: the title is the ``<title>`` without its site name."""
    title = "关于朱镕基同志题词碑保护工作的通知"
    page = (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={label}">'
        f"<title>{title} - 某某区文化局</title></head><body>"
        '<div id="nav"><a href="/">首页</a> <a href="/gk">信息公开</a></div><div id="content">'
        "<p>经研究，决定对陈喆等同志捐赠的题词碑开展保护性修缮，请予以配合。</p>"
        "<h2>修缮安排</h2><p>修缮工作自2024年5月1日起，为期两个月。</p></div>"
        '<div id="footer">版权所有 某某区文化局 苏ICP备00000000号</div></body></html>'
    )
    made = Made(page.encode("gbk"), title, furniture=["信息公开", "版权所有"])
    made.passages = [
        ("", "经研究，决定对陈喆等同志捐赠的题词碑开展保护性修缮，请予以配合。", 0),
        ("修缮安排", "修缮工作自2024年5月1日起，为期两个月。", 0),
    ]
    return made
