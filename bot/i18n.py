"""Fixed strings of a rendered digest, per language."""

from __future__ import annotations

from typing import Final

STRINGS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "{TOPIC} daily updates - {date}",
        "tagline": "{n} {TOPIC} stories in one page",
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
        "quiet": "No new stories about {name} in the {hours} hours before {end}.",
        "quiet_summary": "A quiet day: no new stories about {name}.",
        "trend_extractive": (
            "{count} new stories in the last {hours} hours; the most reported is "
            "“{headline}” ({outlets} outlets)"
        ),
        "trend_extractive_single": (
            "{count} new stories in the last {hours} hours, led by “{headline}”"
        ),
    },
    "zh-TW": {
        "title": "{TOPIC} 每日動態 - {date}",
        "tagline": "彙整 {n} 則 {TOPIC} 相關新聞",
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
        "quiet": "在 {end} 之前的 {hours} 小時內，沒有關於 {name} 的新報導。",
        "quiet_summary": "今天很平靜：沒有關於 {name} 的新報導。",
        "trend_extractive": (
            "過去 {hours} 小時共有 {count} 則新報導，最多媒體報導的是「{headline}」"
            "（{outlets} 家媒體）"
        ),
        "trend_extractive_single": "過去 {hours} 小時共有 {count} 則新報導，以「{headline}」為首",
    },
}


def text(language: str, key: str, **values: object) -> str:
    return STRINGS[language][key].format(**values)
