"""Fixed strings of a rendered digest and its infographic, per language."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "{name} daily updates - {date}",
        "tagline": "{n} {name} stories in one page",
        "trend": "📈 Trend",
        "highlights": "📰 News highlights",
        "analysis": "🔍 Deep analysis",
        "key_points": "📌 Key points",
        "thoughts": "💡 Further thoughts",
        "sources": "🔗 Sources",
        "footer_model": "*Written by AI ({model}) from {n} cited news sources.*",
        "footer_extractive": (
            "*Compiled in offline extractive mode (no language model) from {n} cited news sources.*"
        ),
        "extractive_notice": (
            "> Extractive mode: the text below is quoted from the sources, not written by a "
            "language model. Deep analysis and further thoughts need a model "
            "(set `MISTRAL_API_KEY`)."
        ),
        "extractive_notice_failed": (
            "> Extractive mode: the language model could not write today's digest ({reason}), "
            "so the text below is quoted from the sources."
        ),
        "section_fallback": (
            "> Quoted from the sources: the model's text for this section could not be traced "
            "to a source."
        ),
        "analysis_fallback": (
            "> Left out: no analysis point from the model could be traced to a source."
        ),
        "update_prefix": "Update: {headline}",
        "quiet": "No new stories about {name} in the {hours} hours before {end}.",
        "quiet_summary": "A quiet day: no new stories about {name}.",
        "trend_extractive": (
            "{count} new stories in the last {hours} hours; the most reported is "
            "“{headline}” ({outlets} outlets)"
        ),
        "info_told": "stories told",
        "info_candidates": "candidate articles in the window",
        "info_per_day": "Articles per day",
        "info_per_day_note": "by publication date, {timezone}",
        "info_per_source": "Articles per source",
        "info_top": "Most widely carried stories",
        "info_outlet": "1 outlet",
        "info_outlets": "{n} outlets",
        "info_none": "none",
        "trend_extractive_single": (
            "{count} new stories in the last {hours} hours, led by “{headline}”"
        ),
        "web_archive": "digestbot archive",
        "web_topics": "Topics",
        "web_digests": "Digests",
        "web_shelf": "{n} digests in {lang_name}, latest {date}",
        "web_no_digests": "No digests stored yet: run 'digestbot digest'.",
        "web_mode_model": "Written by the model {model} ({prompt} prompt + {completion} "
        "completion tokens).",
        "web_mode_extractive": "Extractive mode: quoted from the sources, no language model.",
        "web_what_else": "What else was there",
        "web_kept": "Kept stories, by story",
        "web_rejected": "Rejected candidates, by reason",
        "web_find": "Find a URL or title",
        "web_find_button": "Find",
        "web_nothing": "Nothing found.",
        "web_outlets": "outlets",
        "web_copies": "Copies rejected as duplicates",
        "web_search": "Search the stored articles",
        "web_search_button": "Search",
        "web_ask": "Ask a question",
        "web_ask_button": "Ask",
        "web_ask_extractive": "Extractive answer: quoted from the sources ({reason}).",
        "web_ask_no_key": "no MISTRAL_API_KEY",
        "web_ask_unusable": "the model's answer was unusable",
        "web_feed": "Atom feed",
        "web_infographic": "Stories per source, per day, and the most carried stories",
        "web_not_found": "Not found",
        "web_back": "All digests",
        "web_duplicate_of": "duplicate of",
    },
    "zh-TW": {
        "title": "{name} 每日動態 - {date}",
        "tagline": "彙整 {n} 則 {name} 相關新聞",
        "trend": "📈 趨勢觀察",
        "highlights": "📰 新聞焦點",
        "analysis": "🔍 深度分析",
        "key_points": "📌 重點摘要",
        "thoughts": "💡 延伸思考",
        "sources": "🔗 資料來源",
        "footer_model": "*本文由 AI（{model}）自動生成，引用 {n} 篇新聞來源。*",
        "footer_extractive": "*本文以離線摘錄模式彙整（未使用語言模型），引用 {n} 篇新聞來源。*",
        "extractive_notice": (
            "> 離線摘錄模式：以下內容直接摘自原始報導，並非由語言模型撰寫；"
            "深度分析與延伸思考需要語言模型（請設定 `MISTRAL_API_KEY`）。"
        ),
        "extractive_notice_failed": (
            "> 離線摘錄模式：語言模型今天無法完成撰寫（{reason}），以下內容直接摘自原始報導。"
        ),
        "section_fallback": "> 本節直接摘自原始報導：模型撰寫的內容無法對應到任何來源。",
        "analysis_fallback": "> 本節從略：模型提出的分析無法對應到任何來源。",
        "update_prefix": "後續更新：{headline}",
        "quiet": "在 {end} 之前的 {hours} 小時內，沒有關於 {name} 的新報導。",
        "quiet_summary": "今天很平靜：沒有關於 {name} 的新報導。",
        "trend_extractive": (
            "過去 {hours} 小時共有 {count} 則新報導，最多媒體報導的是「{headline}」"
            "（{outlets} 家媒體）"
        ),
        "trend_extractive_single": "過去 {hours} 小時共有 {count} 則新報導，以「{headline}」為首",
        "web_archive": "digestbot 摘要存檔",
        "web_topics": "主題",
        "web_digests": "每日摘要",
        "web_shelf": "{lang_name} 摘要 {n} 篇，最新 {date}",
        "web_no_digests": "尚未儲存任何摘要：請執行 'digestbot digest'。",
        "web_mode_model": (
            "由模型 {model} 撰寫（提示 {prompt} 個 token，生成 {completion} 個 token）。"
        ),
        "web_mode_extractive": "離線摘錄模式：直接摘自原始報導，未使用語言模型。",
        "web_what_else": "當天的其他報導",
        "web_kept": "收錄的報導（依事件分組）",
        "web_rejected": "未收錄的候選報導（依原因）",
        "web_find": "搜尋網址或標題",
        "web_find_button": "搜尋",
        "web_nothing": "找不到符合的項目。",
        "web_outlets": "家媒體",
        "web_copies": "視為重複而未收錄的轉載",
        "web_search": "搜尋已儲存的文章",
        "web_search_button": "搜尋",
        "web_ask": "提問",
        "web_ask_button": "提問",
        "web_ask_extractive": "摘錄式回答：直接引用資料來源（{reason}）。",
        "web_ask_no_key": "未設定 MISTRAL_API_KEY",
        "web_ask_unusable": "模型的回答無法使用",
        "web_feed": "Atom 訂閱",
        "web_infographic": "各來源報導數、每日報導數與最多媒體報導的新聞",
        "web_not_found": "找不到",
        "web_back": "所有摘要",
        "web_duplicate_of": "重複於",
        "info_told": "則新聞收錄於本文",
        "info_candidates": "篇候選文章（本期時段）",
        "info_per_day": "每日文章數",
        "info_per_day_note": "依發布日期（{timezone}）",
        "info_per_source": "各來源文章數",
        "info_top": "最多媒體報導的新聞",
        "info_outlet": "1 家媒體",
        "info_outlets": "{n} 家媒體",
        "info_none": "無",
    },
}


def text(language: str, key: str, **values: object) -> str:
    return STRINGS[language][key].format(**values)


# Why a digest fell back to extractive mode, as a reader should read it.
REASONS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "auth": "the API key was refused",
        "rate_limited": "the API kept rate-limiting us",
        "server": "the API kept failing",
        "timeout": "the API did not answer in time",
        "connection": "the API could not be reached",
        "bad_response": "its reply was not valid JSON for a digest",
        "wrong_language": "it wrote in the wrong language",
    },
    "zh-TW": {
        "auth": "API 金鑰遭拒",
        "rate_limited": "API 持續限制請求頻率",
        "server": "API 持續發生錯誤",
        "timeout": "API 逾時未回應",
        "connection": "無法連線至 API",
        "bad_response": "回覆不是有效的摘要 JSON",
        "wrong_language": "輸出語言不正確",
    },
}
