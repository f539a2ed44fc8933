"""Unit tests of the cleaning steps (each a pure function) and of clean_text's offset map.

All example text here is written for the tests; none is copied from the corpus.
"""

from __future__ import annotations

import itertools
import random

import pytest

from duikou.clean import chars, clean_text, lines, pinyin
from duikou.clean.tracked import Tracked, apply_edits, run


def check_offsets(raw: str, text: str, offsets: list[int]) -> None:
    assert len(offsets) == len(text) + 1
    assert all(a < b for a, b in itertools.pairwise(offsets)), "offsets must increase"
    assert all(0 <= o <= len(raw) for o in offsets)
    if text:
        assert offsets[-1] > offsets[-2]


# --- tracked edits -------------------------------------------------------------------------


def test_apply_edits_keeps_offsets() -> None:
    t = apply_edits(Tracked.of("ab&amp;cd"), [(2, 7, "&")])
    assert t.text == "ab&cd"
    assert t.offsets == [0, 1, 2, 7, 8, 9]


def test_apply_edits_rejects_growing_replacement() -> None:
    with pytest.raises(ValueError):
        apply_edits(Tracked.of("ab"), [(0, 1, "xy")])


def test_suffix_deletion_tightens_end() -> None:
    t = apply_edits(Tracked.of("abc   "), [(3, 6, "")])
    assert t.text == "abc" and t.offsets[-1] == 3


# --- pinyin --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("當(dāng)前位置", "當前位置"),
        ("對(duì)口支援", "對口支援"),
        ("縣區(qū)(qū)", "縣區"),
        ("（zhōng）国", "国"),
        ("和田地區(q", "和田地區"),  # annotation cut off by the end of a truncated page
        ("我們(men)看著(zhe)什麼(me)", "我們看著什麼"),  # neutral tone: no tone mark
    ],
)
def test_pinyin_noise_removed(noisy: str, clean: str) -> None:
    assert run(pinyin.pinyin_noise, noisy) == clean


@pytest.mark.parametrize(
    "kept",
    [
        "(记者 王某)",
        "县(区)",
        "关于我们(About Us)",
        "(2019)",
        "(a)",
        "北京(Beijing)会议",
        "(正)",
        "(me)",
        "A (de) B",
    ],
)
def test_parentheses_that_are_not_pinyin_stay(kept: str) -> None:
    assert run(pinyin.pinyin_noise, kept) == kept


# --- characters ----------------------------------------------------------------------------


def test_lookalikes_table_has_a_source_header_and_the_issue_examples() -> None:
    table = chars.lookalike_table()
    for noisy, intended in zip("渻覀咹朤哋鍺荿偅仈仩", "省西安月地者成重八上", strict=True):
        assert table[noisy][0] == intended
    assert "奣" in table


def test_lookalikes_replace_and_respect_blockers() -> None:
    assert run(chars.lookalikes, "青海渻覀宁市") == "青海省西宁市"
    assert run(chars.lookalikes, "囿于条件,户户囿就业") == "囿于条件,户户有就业"
    assert run(chars.lookalikes, "把Φ国移动,钢筋Φ20") == "把中国移动,钢筋Φ20"


def test_html_entities() -> None:
    assert run(chars.html_entities, "A&amp;B&nbsp;C&#20013;&#x56FD;") == "A&B C中国"
    assert run(chars.html_entities, "R&D &unknown; x") == "R&D &unknown; x"


def test_html_tags_and_markdown_images() -> None:
    assert run(chars.html_tags, "<p>第一段</p><br/>第二段<!-- c -->") == "第一段第二段"
    assert run(chars.html_tags, "<正>总人口十万") == "总人口十万"
    assert run(chars.html_tags, "图片![](http://x/y.png)说明") == "图片说明"
    assert run(chars.html_tags, "成效显著?/p>") == "成效显著?"
    assert run(chars.html_tags, "3<5 且 6>2") == "3<5 且 6>2"
    raw = '前文<script type="text/javascript">\nvar ad = "国产精品";\n</script>后文<STYLE>p{}</STYLE>完'
    assert run(chars.html_tags, raw) == "前文后文完"


def test_width_table_is_one_to_one() -> None:
    text = "２０１９年ＡＢＣ％\u3000\xa0x"
    assert text.translate(chars.WIDTH_TABLE) == "2019年ABC%  x"
    assert all(len(v) == 1 for v in chars.WIDTH_TABLE.values())


def test_spaces() -> None:
    assert run(chars.spaces, "干部 , 还有很多 。 2018年") == "干部,还有很多。2018年"
    assert (
        run(chars.spaces, "江苏   南京") == "江苏 南京"
    )  # a single space may stand for lost punctuation


def test_punctuation_noise() -> None:
    assert (
        run(chars.punctuation_noise, "稳得住,、能致富,。搬迁后,,还") == "稳得住、能致富。搬迁后,还"
    )


def test_to_simplified_is_char_for_char() -> None:
    raw = "對口幫扶陝西省,資金56.65億元"
    t = chars.to_simplified(Tracked.of(raw))
    assert t.text == "对口帮扶陕西省,资金56.65亿元"
    assert len(t.text) == len(raw)


# --- lines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "国产在线精品一区二区在线看,欧美日韩免费看,久久午夜",
        "亚洲无码人妻成人视频在线观看",
    ],
)
def test_spam_lines(line: str) -> None:
    assert lines.is_spam(line)


def test_ordinary_prose_with_a_few_trigger_words_is_not_spam() -> None:
    assert not lines.is_spam("亚洲和欧美市场的精品农产品销路很好,对口帮扶地区的苹果销往日韩。")


@pytest.mark.parametrize(
    "line",
    [
        "当前位置:首页 > 新闻 > 正文",
        "首页 要闻 图片 视频 专题 评论 论坛 推广",
        "客服热线:010-12345678",
        "责任编辑:张三",
        "分享到:微信 微博",
        "本文地址:http://example.com/a/1.html",
        "地方频道 › 新闻 › 本地",
        "010-12345678",
        "投稿邮箱:news@example.com",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert lines.is_chrome(line)


@pytest.mark.parametrize(
    "line",
    [
        "Copyright © 2010-2020 某某网 All Rights Reserved",
        "京ICP备12345678号-1",
        "版权声明:本站文章均来源于网络,如有侵权请联系删除。",
    ],
)
def test_footer_lines(line: str) -> None:
    assert lines.is_footer(line)


@pytest.mark.parametrize(
    "line",
    [
        "某省对口支援某州三年来,累计投入援建资金12.5亿元,实施项目200个。",
        "援建,七成注入民生工程",
        "喀什 同题共答 双向赋能",
    ],
)
def test_article_lines_are_not_chrome(line: str) -> None:
    assert not lines.is_chrome(line) and not lines.is_footer(line) and not lines.is_spam(line)


@pytest.mark.parametrize(
    "line",
    [
        "以上数据来自统计部门,仅供参考。",
        "消费者用手机扫码就能下单,受援地的农产品三天内送到家。",
        "援建企业为当地提供技术支持,帮助合作社建起了冷库。",
    ],
)
def test_one_boilerplate_word_inside_a_sentence_does_not_drop_it(line: str) -> None:
    assert not lines.is_chrome(line) and not lines.is_footer(line)
    page = f"某市对口帮扶某县,今年投入资金五千万元,建设项目十个。\n{line}\n两地还将继续深化合作,共同推进乡村振兴。"
    assert line in clean_text(page)[0]


def test_gov_site_footer() -> None:
    page = (
        "某市对口帮扶某县,今年投入资金五千万元,建设项目十个。\n"
        "主办单位:某市人民政府办公室 网站标识码:1234567890\n"
        "技术支持:某某科技有限公司\n"
    )
    assert clean_text(page)[0] == "某市对口帮扶某县,今年投入资金五千万元,建设项目十个。"


def test_inline_spam() -> None:
    assert run(lines.inline_spam, "某市援青十年纪实|国产一区二区A片") == "某市援青十年纪实"
    assert (
        run(lines.inline_spam, "亚博123登录2022年7月,两人来到高原。") == "2022年7月,两人来到高原。"
    )


PAGE = """国产精品一区二区在线观看,欧美日韩免费看,久久午夜
当前位置:首页 > 新闻中心 > 正文
某市援建工作纪实
2020-05-06 10:20 来源:某某日报
  某市对口支援某县已经十年,累计投入资金三亿元,建成学校、医院等项目八十个。
三年扶贫协作
  今年以来,两地互派干部二十名,开展培训十二期,受益群众超过五千人。

责任编辑:李四
Copyright © 2020 某某网 版权所有
相关新闻
某地举行运动会
某县召开工作会议
"""


def test_select_lines_keeps_the_article_and_drops_furniture() -> None:
    text, offsets = clean_text(PAGE)
    check_offsets(PAGE, text, offsets)
    kept = [line for line in text.splitlines() if "来源" not in line]  # the date line may go
    assert kept == [
        "某市援建工作纪实",
        "某市对口支援某县已经十年,累计投入资金三亿元,建成学校、医院等项目八十个。",
        "三年扶贫协作",
        "今年以来,两地互派干部二十名,开展培训十二期,受益群众超过五千人。",
    ]


def test_truncated_last_fragment_is_kept_but_related_headlines_are_not() -> None:
    page = "某省对口支援某州的工作取得了明显成效,援建项目全部完工,群众十分满意。\n随着某市援藏"
    assert clean_text(page)[0].endswith("随着某市援藏")
    page2 = page + "\n某地举行运动会\n某县召开工作会议\n某镇开展培训"
    assert "运动会" not in clean_text(page2)[0]


def test_link_list_after_footer_dropped_but_numbered_article_points_kept() -> None:
    article = (
        "某市对口帮扶某县的主要做法如下,成效明显。\n"
        "1. 产业扶贫:引导企业投资兴业,带动当地就业。\n"
        "2. 教育扶贫:选派教师,提升当地教育水平。\n"
        "免责声明:本站内容来源于网络,仅供参考\n"
        "1.某县召开会议\n2.某镇开展活动\n3.某校举行比赛\n"
    )
    text = clean_text(article)[0]
    assert "产业扶贫:引导企业" in text and "教育扶贫:选派教师" in text
    assert "某县召开会议" not in text and "免责声明" not in text


def test_page_with_only_furniture_cleans_to_nothing() -> None:
    assert (
        clean_text(
            "我要回帖\n\n更多推荐\n\n版权声明:内容来源于网络,如有侵权请联系删除。\n\n点击添加站长微信"
        )[0]
        == ""
    )


# --- clean_text as a whole -----------------------------------------------------------------


def test_clean_text_maps_back_to_raw() -> None:
    raw = (
        "當(dāng)前工作進展順利:\n  江蘇渻對口支援&amp;協作,資金２億元。 \r\n\r\n第二行,項目十個。"
    )
    text, offsets = clean_text(raw)
    check_offsets(raw, text, offsets)
    assert "当前工作进展顺利" in text and "江苏省对口支援&协作,资金2亿元。" in text
    start = text.index("资金")
    assert raw[offsets[start] : offsets[start + 4]] == "資金２億"
    amp = text.index("&")
    assert raw[offsets[amp] : offsets[amp + 1]] == "&amp;"
    assert "\n" in text and "\r" not in text


def test_clean_text_empty_and_whitespace() -> None:
    assert clean_text("") == ("", [0])
    assert clean_text(" \n\t\n")[0] == ""


def test_clean_text_is_idempotent_on_clean_text() -> None:
    raw = "某省对口支援某州,累计投入资金十亿元。\n受援地群众生活明显改善,援建项目全部投用。"
    once = clean_text(raw)[0]
    assert clean_text(once)[0] == once


def test_long_single_line_is_linear() -> None:
    raw = "某市对口支援某县,投入资金一亿元。" * 60_000  # ~1M characters, no line break
    text, offsets = clean_text(raw)
    assert text == raw and len(offsets) == len(raw) + 1


def test_random_noise_keeps_offsets_valid() -> None:
    rng = random.Random(7)
    alphabet = list("援疆對口支援渻覀(dāng)&amp;<p>\n \u3000１２,,。国产一区二区|亚博1登录") + [
        "\r\n"
    ]
    for _ in range(200):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 120)))
        text, offsets = clean_text(raw)
        check_offsets(raw, text, offsets)


PORTAL = """网易首页 > 新闻中心 > 滚动新闻 > 正文
东西部协作:某市与某州携手十年
2021-03-04 10:12:33　来源: 某某日报
举报
0
分享至
用微信扫码二维码
分享至好友和朋友圈
　　本报讯（记者 张三）3月3日，某市与某州召开东西部协作联席会议。十年来，某市累计投入财政帮扶资金20亿元。
　　据介绍，两地共建产业园区12个，引导企业投资150亿元。
本文来源：某某日报　作者：张三　责任编辑：王五_NB12345
相关推荐
返回网易首页下载网易新闻客户端"""

WECHAT = """原创 某某发布 某某发布 2022-01-05 18:00 发表于江苏
收录于合集 #援疆 12个
点击蓝字 关注我们
今天，江苏第十批援疆干部人才完成轮换。三年来，江苏共安排援疆资金80亿元。
产业援疆
江苏引进企业100家，带动就业2万人。
来源：某某日报
编辑：李四
审核：王五
点个“在看”，分享给更多人"""

GOV = """无障碍 | 长者模式 | English
某省人民政府门户网站
首页 | 政务公开 | 政务服务 | 互动交流
您现在的位置：首页 > 新闻中心 > 部门动态
某省对口支援某州工作取得新成效
发布时间：2023-05-06 09:30  来源：省发展改革委  【字体：大 中 小】  【打印】
　　今年以来，某省安排援疆资金12.5亿元，实施援疆项目86个。
　　产业援疆方面，已引进企业15家，带动就业3000人。
扫一扫在手机打开当前页
【我要纠错】 【关闭窗口】
主办：某省人民政府办公厅　承办：某省大数据中心
网站标识码：1234000001　某ICP备05001234号"""


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            PORTAL,
            [
                "东西部协作:某市与某州携手十年",
                "本报讯(记者 张三)3月3日,某市与某州召开东西部协作联席会议。十年来,某市累计投入财政帮扶资金20亿元。",
                "据介绍,两地共建产业园区12个,引导企业投资150亿元。",
            ],
        ),
        (
            WECHAT,
            [
                "今天,江苏第十批援疆干部人才完成轮换。三年来,江苏共安排援疆资金80亿元。",
                "产业援疆",
                "江苏引进企业100家,带动就业2万人。",
            ],
        ),
        (
            GOV,
            [
                "某省对口支援某州工作取得新成效",
                "今年以来,某省安排援疆资金12.5亿元,实施援疆项目86个。",
                "产业援疆方面,已引进企业15家,带动就业3000人。",
            ],
        ),
    ],
)
def test_typical_page_layouts(page: str, expected: list[str]) -> None:
    text = clean_text(page)[0]
    normalise = str.maketrans("，（）：", ",():")
    assert [line.translate(normalise) for line in text.splitlines()] == expected


# --- article text after the last sentence (issue 8) ------------------------------------------

# A feature set one phrase per line (no sentence punctuation), as on WeChat accounts; its
# figures come after the last line that reads as prose.
PHRASE_INTRO = (
    "为展示某市对口帮扶某州十年来的新变化,本栏目推出系列报道,今天走进某州的高原牧场。\n\n"
    "在雪山脚下\n\n有一片辽阔的草原\n\n牧民们世代在这里放牧\n\n"
    "如今,这片草原的模样\n\n"
)
PHRASE_RUN = [
    "2012年新一轮帮扶以来",
    "某市先后选派干部人才300多名",
    "投入帮扶资金15亿元",
    "实施项目260多个",
    "建成牧民定居点40个",
    "近万名牧民住进了新房",
    "草原上的日子越过越红火",
]


def test_phrase_per_line_run_after_the_last_sentence_is_kept() -> None:
    text = clean_text(PHRASE_INTRO + "\n\n".join(PHRASE_RUN) + "\n")[0]
    for line in PHRASE_RUN:
        assert line in text.splitlines()
    # phrases joined by single line breaks, as they appear in the page
    assert "投入帮扶资金15亿元\n实施项目260多个" in text


def test_phrase_run_after_an_open_last_sentence_is_kept_without_layout_evidence() -> None:
    page = "某市与某县结对帮扶以来,两地干部群众携手奋斗,走出了一条\n" + "\n".join(PHRASE_RUN)
    assert "投入帮扶资金15亿元" in clean_text(page)[0]


def test_phrase_run_after_a_page_already_set_in_phrases_is_kept() -> None:
    page = (
        PHRASE_INTRO
        + "两地携手走过了十年,牧民的生活发生了翻天覆地的变化。\n"
        + "\n".join(PHRASE_RUN[:7])
    )
    assert "建成牧民定居点40个" in clean_text(page)[0]


def test_phrase_run_stops_at_page_furniture() -> None:
    page = PHRASE_INTRO + "\n".join(PHRASE_RUN[:6]) + "\n责任编辑:某某\n" + "\n".join(PHRASE_RUN[:6])
    text = clean_text(page)[0]
    assert text.count("投入帮扶资金15亿元") == 1 and "责任编辑" not in text


@pytest.mark.parametrize(
    "after",
    [
        # related headlines after a finished article: longer lines
        [
            "某省召开对口支援工作推进会议部署下一阶段重点任务",
            "某市援建的第一人民医院新院区正式投入使用迎来患者",
            "某县2022年东西部协作项目全部开工建设进展顺利",
            "两地签订新一轮结对帮扶协议明确十二项重点合作",
            "某州举办农产品产销对接会现场签约金额创新高",
            "援疆干部人才座谈会召开听取意见建议推动工作",
        ],
        # short headlines, each with a date stamp
        [f"某地帮扶新闻第{n}条 2022-0{n}-01" for n in range(1, 8)],
        # too few lines to be a run
        PHRASE_RUN[:4],
        # a keyword list, one tag per line
        ["对口支援", "东西部协作", "援疆", "乡村振兴", "2020年", "产业扶贫", "消费帮扶",
         "援藏干部", "结对帮扶", "劳务协作", "教育帮扶"],
    ],
)
def test_headline_lists_after_a_finished_article_stay_out(after: list[str]) -> None:
    page = "某市对口支援某县十年来,累计投入资金三亿元,建成学校、医院等项目八十个。\n" + "\n".join(after)
    kept = clean_text(page)[0].splitlines()
    assert not any(line in kept for line in after[:-1])


def test_short_headlines_after_a_finished_article_stay_out() -> None:
    page = (
        "某市对口支援某县十年来,累计投入资金三亿元,建成学校、医院等项目八十个。\n"
        "• 新闻\n• 财经\n"
        "对口帮扶合作开新局\n“山货进城”销售旺\n今年春运不发愁? 12\n"
        "某地旅游人气回升\n十大产业园区名单\n3个县脱贫摘帽\n"
    )
    assert "山货进城" not in clean_text(page)[0]


# A second article glued after a copyright footer.
FIRST_ARTICLE = "某市对口支援某州十年来,累计投入资金二十亿元,实施项目三百个,受援地面貌一新。\n"
FOOTER = "版权声明:凡注明来源某某网的作品,版权归某某网所有。未经授权,任何媒体不得转载。\n"


def test_headline_of_an_article_glued_after_a_footer_is_kept() -> None:
    second = (
        "2021年某市援助某州3.5亿元\n"
        "2021年,某市安排对口支援资金3.5亿元,重点投向某州的教育、医疗和产业项目,共实施项目52个。\n"
    )
    text = clean_text(FIRST_ARTICLE + FOOTER + "-\n" + second)[0]
    assert "2021年某市援助某州3.5亿元\n2021年,某市安排对口支援资金3.5亿元" in text
    assert "版权" not in text and "\n-\n" not in text


def test_glued_article_cut_off_after_its_first_words_is_kept() -> None:
    text = clean_text(FIRST_ARTICLE + FOOTER + "2021年某市援助某州3.5亿元\n2021年某市安排援助某州各类资金")[0]
    assert text.endswith("2021年某市援助某州3.5亿元\n2021年某市安排援助某州各类资金")


def test_related_headlines_after_a_footer_stay_out() -> None:
    for tail in (
        "某县召开脱贫攻坚总结大会\n某镇举办农民丰收节文艺演出活动",
        "更多新闻\n某省援疆干部人才座谈会召开\n某市领导调研对口帮扶工作",
    ):
        text = clean_text(FIRST_ARTICLE + FOOTER + tail)[0]
        assert text == FIRST_ARTICLE.strip(), text


def test_a_table_of_pairs_after_the_article_is_kept():
    from duikou.clean import clean_text

    raw = ("经两市同意，甲方各区与乙方各县建立结对合作关系，双方将加强协作。\n"
           "区县结对安排\n宝安区 | 信丰县 |\n龙岗区 | 寻乌县 |\n龙华区 | 安远县 |\n")
    text, _ = clean_text(raw)
    assert "区县结对安排" in text and "龙华区 | 安远县 |" in text


def test_menu_bars_are_no_table():
    from duikou.clean import clean_text

    raw = "经两市同意，甲方各区与乙方各县建立结对合作关系，双方将加强协作。\n首页 | 新闻 | 视频 | 图片\n关于我们 | 联系我们\n"
    assert clean_text(raw)[0] == "经两市同意，甲方各区与乙方各县建立结对合作关系，双方将加强协作。"
    # two rows are no table either
    raw = "经两市同意，双方将加强协作，结对工作全面推进。\n宝安区 | 信丰县 |\n龙岗区 | 寻乌县 |\n"
    assert "宝安区" not in clean_text(raw)[0]
