"""The one catalog of reader-facing strings: the fixed strings of the rendered digest, the
infographic and the web archive, why a digest is extractive, and everything chat says
(replies, usage errors, help, the command menu, the buttons), in every language the bot
speaks.

Keys are grouped by prefix: digest strings have none; ``reason.`` why a model failed;
``chat.`` replies; ``usage.`` what was wrong with a command; ``arg.`` argument names;
``action.`` buttons; ``command.NAME.`` a command's usage, summary and admin refusal.
``tests/test_catalog.py`` checks that every language has every key with the same
placeholders, and that no reader-facing English is written anywhere else in chat code.
"""

from __future__ import annotations

from typing import Final

_DIGEST: Final[dict[str, dict[str, str]]] = {
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
        "web_reason_duplicate": "Duplicates of a kept story",
        "web_reason_off_topic": "Off topic",
        "web_reason_homonym": "Same name, another subject",
        "web_reason_spam": "Spam or advertising",
        "web_reason_stale": "Old news, published before the window",
        "web_reason_fetch_error": "The page could not be fetched",
        "web_reason_extract_error": "No article found on the page",
        "web_reason_blocked_address": "Blocked address (a private or local network)",
        "web_reason_too_large": "The page was too large",
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
            "> 離線摘錄模式：以下內容直接摘自原始報導（引文保留來源的原文語言），"
            "並非由語言模型撰寫；"
            "深度分析與延伸思考需要語言模型（請設定 `MISTRAL_API_KEY`）。"
        ),
        "extractive_notice_failed": (
            "> 離線摘錄模式：語言模型今天無法完成撰寫（{reason}），"
            "以下內容直接摘自原始報導（引文保留來源的原文語言）。"
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
        "web_reason_duplicate": "與已收錄報導重複",
        "web_reason_off_topic": "與主題無關",
        "web_reason_homonym": "同名但非本主題",
        "web_reason_spam": "垃圾訊息或廣告",
        "web_reason_stale": "舊聞：發布於本期時段之前",
        "web_reason_fetch_error": "無法取得網頁",
        "web_reason_extract_error": "網頁中找不到文章內容",
        "web_reason_blocked_address": "封鎖的位址（私人或本機網路）",
        "web_reason_too_large": "網頁過大",
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

# Why a digest fell back to extractive mode, as a reader should read it.
_REASONS: Final[dict[str, dict[str, str]]] = {
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

_CHAT: Final[dict[str, dict[str, str]]] = {
    "en": {
        "chat.start": (
            "Hello! I send a daily news digest with cited sources ({topics}). "
            "Say 'subscribe' to get it here every day, or 'digest' to get it now."
        ),
        "chat.help_title": "Commands",
        "chat.unknown_topic": "Unknown topic '{slug}' (topics: {topics}).",
        "chat.describe": "{name} ({topic}): daily at {time} {timezone} in {language}",
        "chat.describe_include": "only stories with: {words}",
        "chat.describe_exclude": "never stories with: {words}",
        "chat.subscribed": "Subscribed: {description}",
        "chat.updated": "Updated: {description}",
        "chat.not_subscribed": "This chat is not subscribed to {name}.",
        "chat.subscribe_first": "This chat is not subscribed to {name}. Say 'subscribe' first.",
        "chat.unsubscribed": "Unsubscribed from {name}. No more daily digests here.",
        "chat.no_subscriptions": "This chat has no subscriptions. Say 'subscribe' to start.",
        "chat.subscriptions_title": "Subscriptions",
        "chat.not_ready": "The digest for {day} is not ready yet (latest: {latest}).",
        "chat.no_digest": "No digest for {name} on {day}.",
        "chat.no_digest_in_chat": "No digest in this chat yet. Say 'digest' first.",
        "chat.no_sources": "The last digest cited no sources.",
        "chat.sources_of": "Sources of {title}",
        "chat.source_published": "published {when} UTC",
        "chat.no_such_source": (
            "There is no source [{n}]: the last digest has sources 1 to {count}."
        ),
        "chat.not_a_source": (
            "'{value}' is not a source number: the last digest has sources 1 to {count}."
        ),
        "chat.no_stories": "No stories today.",
        "chat.no_match": "No stories match your words.",
        "chat.ask_prompt": "Reply to this message with your question about {title}.",
        "chat.gone_digest": "That digest is no longer stored.",
        "chat.failed": "Sorry, that failed. The error is in the bot's log for its operator.",
        "chat.fallback": "Sorry, something went wrong. Please try again later.",
        "chat.question_refused": "Sorry, {reason}.",
        "chat.refused_empty": "the question is empty",
        "chat.refused_too_long": "the question is longer than {limit} characters",
        "chat.refused_no_digest": "that digest is no longer stored",
        "chat.admins_only": "Only the chat's admins can do that.",
        "chat.slow_down": (
            "You are sending commands faster than I can answer everyone fairly, so I skipped "
            "some. Wait a minute, then send again what you still need."
        ),
        "chat.busy": (
            "I am still working through this chat's earlier messages, so I skipped the newest "
            "ones. Send them again once I have answered."
        ),
        "chat.collection_limit": (
            "The {name} digest for {day} is not built yet. Building one on demand collects "
            "that day's news, so each chat may ask for {limit} a day, and this chat has had "
            "them today. Try again tomorrow, subscribe to get each day's digest as it comes, "
            "or ask the bot's operator."
        ),
        "chat.collection_operators_only": (
            "The {name} digest for {day} is not built yet. Building one on demand collects "
            "that day's news, which only the bot's operators may ask for. Subscribe to get "
            "each day's digest as it comes, or ask the bot's operator."
        ),
        "action.sources": "Sources",
        "action.ask": "Ask about this digest",
        "action.previous": "Previous day",
        "usage.line": "{problem}. Usage: {usage}",
        "usage.no_command": "Say 'help' for the list of commands.",
        "usage.unknown_command": "Unknown command '{name}'. Say 'help' for the list of commands.",
        "usage.no_arguments": "'{name}' takes no arguments",
        "usage.one_command": "Give at most one command name",
        "usage.unknown_help": "No command '{name}' (commands: {commands})",
        "usage.unknown_timezone": "Unknown timezone '{value}' (for example Europe/Paris or UTC)",
        "usage.not_a_time": "'{value}' is not a time: give HH:MM, from 00:00 to 23:59",
        "usage.not_a_language": "'{value}' is not a language: use one of {languages}",
        "usage.cannot_use": "Cannot use '{value}' here",
        "usage.second_value": "'{value}' would be a second {what} (already '{first}'); give one",
        "usage.one_topic": "Give at most one topic",
        "usage.not_a_topic": "'{value}' is not a topic name (lower-case letters, digits, '-')",
        "usage.not_a_date": "'{value}' is not a date: give YYYY-MM-DD",
        "usage.one_date": "Give at most one date",
        "usage.ask_question": "Ask a question",
        "usage.one_source": "Give one source number, like 'sources 3'",
        "usage.no_setting": "No setting '{value}': use one of {settings}",
        "usage.words_needed": "Give the words for {field}, or '-' to clear",
        "usage.too_many_words": "At most {words} words of {characters} characters",
        "usage.one_value": "Give one value for {field}",
        "arg.topic": "topic",
        "arg.time": "time",
        "arg.timezone": "timezone",
        "arg.language": "language",
        "arg.include": "include",
        "arg.exclude": "exclude",
    },
    "zh-TW": {
        "chat.start": (
            "你好！我每天提供附來源引用的新聞摘要（{topics}）。"
            "輸入 'subscribe' 即可每天在此收到摘要，輸入 'digest' 立即取得。"
        ),
        "chat.help_title": "指令列表",
        "chat.unknown_topic": "沒有主題 '{slug}'（可用主題：{topics}）。",
        "chat.describe": "{name}（{topic}）：每天 {time}（{timezone}），語言 {language}",
        "chat.describe_include": "只收含有這些字詞的新聞：{words}",
        "chat.describe_exclude": "排除含有這些字詞的新聞：{words}",
        "chat.subscribed": "已訂閱：{description}",
        "chat.updated": "已更新：{description}",
        "chat.not_subscribed": "此聊天室沒有訂閱 {name}。",
        "chat.subscribe_first": "此聊天室沒有訂閱 {name}，請先輸入 'subscribe'。",
        "chat.unsubscribed": "已取消訂閱 {name}，此處不會再收到每日摘要。",
        "chat.no_subscriptions": "此聊天室目前沒有任何訂閱，輸入 'subscribe' 開始。",
        "chat.subscriptions_title": "訂閱列表",
        "chat.not_ready": "{day} 的摘要尚未完成（最新一期：{latest}）。",
        "chat.no_digest": "{name} 在 {day} 沒有摘要。",
        "chat.no_digest_in_chat": "此聊天室還沒有摘要，請先輸入 'digest'。",
        "chat.no_sources": "上一份摘要沒有引用任何來源。",
        "chat.sources_of": "{title} 的資料來源",
        "chat.source_published": "發布時間 {when}（UTC）",
        "chat.no_such_source": "沒有來源 [{n}]：上一份摘要的來源編號為 1 到 {count}。",
        "chat.not_a_source": "'{value}' 不是來源編號：上一份摘要的來源編號為 1 到 {count}。",
        "chat.no_stories": "今天沒有新聞。",
        "chat.no_match": "沒有符合您設定字詞的新聞。",
        "chat.ask_prompt": "請回覆此訊息，提出關於「{title}」的問題。",
        "chat.gone_digest": "這份摘要已不再保存。",
        "chat.failed": "抱歉，執行失敗。錯誤已記錄在機器人的日誌中，供管理者查看。",
        "chat.fallback": "抱歉，發生錯誤，請稍後再試。",
        "chat.question_refused": "抱歉，{reason}。",
        "chat.refused_empty": "問題是空的",
        "chat.refused_too_long": "問題超過 {limit} 個字元",
        "chat.refused_no_digest": "這份摘要已不再保存",
        "chat.admins_only": "只有聊天室的管理員可以這麼做。",
        "chat.slow_down": (
            "你傳送指令的速度超過我能公平回覆所有人的速度，所以略過了一些。"
            "請等一分鐘，再傳送仍需要的指令。"
        ),
        "chat.busy": (
            "我還在處理此聊天室先前的訊息，所以略過了最新的幾則。等我回覆後，請再傳送一次。"
        ),
        "chat.collection_limit": (
            "{name} 在 {day} 的摘要尚未建立。隨選建立摘要需要收集當天的新聞，每個聊天室"
            "每天可要求 {limit} 次，此聊天室今天已用完。請明天再試、訂閱以每天收到摘要，"
            "或詢問機器人的管理者。"
        ),
        "chat.collection_operators_only": (
            "{name} 在 {day} 的摘要尚未建立。隨選建立摘要需要收集當天的新聞，只有機器人的"
            "管理者可以要求。請訂閱以每天收到摘要，或詢問機器人的管理者。"
        ),
        "action.sources": "資料來源",
        "action.ask": "詢問這份摘要",
        "action.previous": "前一天",
        "usage.line": "{problem}。用法：{usage}",
        "usage.no_command": "輸入 'help' 查看指令列表。",
        "usage.unknown_command": "沒有指令 '{name}'。輸入 'help' 查看指令列表。",
        "usage.no_arguments": "'{name}' 不接受參數",
        "usage.one_command": "最多只能指定一個指令名稱",
        "usage.unknown_help": "沒有指令 '{name}'（可用指令：{commands}）",
        "usage.unknown_timezone": "無法辨識時區 '{value}'（例如 Asia/Taipei 或 UTC）",
        "usage.not_a_time": "'{value}' 不是時間：請用 HH:MM，從 00:00 到 23:59",
        "usage.not_a_language": "'{value}' 不是可用的語言：請用 {languages} 之一",
        "usage.cannot_use": "此處不能使用 '{value}'",
        "usage.second_value": "'{value}' 會是第二個{what}（已指定 '{first}'），請只給一個",
        "usage.one_topic": "最多只能指定一個主題",
        "usage.not_a_topic": "'{value}' 不是主題名稱（小寫字母、數字與 '-'）",
        "usage.not_a_date": "'{value}' 不是日期：請用 YYYY-MM-DD",
        "usage.one_date": "最多只能指定一個日期",
        "usage.ask_question": "請提出一個問題",
        "usage.one_source": "請給一個來源編號，例如 'sources 3'",
        "usage.no_setting": "沒有設定項目 '{value}'：請用 {settings} 之一",
        "usage.words_needed": "請給 {field} 的字詞，或用 '-' 清除",
        "usage.too_many_words": "最多 {words} 個字詞，每個最多 {characters} 個字元",
        "usage.one_value": "請給 {field} 一個值",
        "arg.topic": "主題",
        "arg.time": "時間",
        "arg.timezone": "時區",
        "arg.language": "語言",
        "arg.include": "包含字詞",
        "arg.exclude": "排除字詞",
    },
}

# Each chat command's usage line, menu summary and, for those admins run in groups, the
# refusal; the registry (bot/commands/registry.py) reads them by command name.
_COMMANDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "command.start.usage": "start",
        "command.start.summary": "a greeting and the list of commands",
        "command.help.usage": "help [command]",
        "command.help.summary": "what each command does",
        "command.subscribe.usage": "subscribe [topic] [HH:MM] [timezone] [en|zh-TW]",
        "command.subscribe.summary": "a daily digest in this chat",
        "command.subscribe.admins_only": "Only the chat's admins can subscribe a group.",
        "command.unsubscribe.usage": "unsubscribe [topic]",
        "command.unsubscribe.summary": "stop the daily digest",
        "command.unsubscribe.admins_only": "Only the chat's admins can unsubscribe a group.",
        "command.list.usage": "list",
        "command.list.summary": "this chat's subscriptions",
        "command.digest.usage": "digest [topic] [YYYY-MM-DD]",
        "command.digest.summary": "the digest now",
        "command.ask.usage": "ask QUESTION",
        "command.ask.summary": "a question answered from the stored sources, with citations",
        "command.sources.usage": "sources [n]",
        "command.sources.summary": "the sources of the last digest, or source n in detail",
        "command.settings.usage": (
            "settings [topic] [time HH:MM | timezone TZ | lang en|zh-TW | "
            "include WORDS | exclude WORDS]"
        ),
        "command.settings.summary": "show or change (include/exclude with '-' clears)",
        "command.settings.admins_only": "Only the chat's admins can change a group's settings.",
    },
    "zh-TW": {
        "command.start.usage": "start",
        "command.start.summary": "打招呼並列出所有指令",
        "command.help.usage": "help [指令]",
        "command.help.summary": "說明每個指令的用途",
        "command.subscribe.usage": "subscribe [主題] [HH:MM] [時區] [en|zh-TW]",
        "command.subscribe.summary": "在此聊天室每天收到摘要",
        "command.subscribe.admins_only": "只有聊天室的管理員可以為群組訂閱。",
        "command.unsubscribe.usage": "unsubscribe [主題]",
        "command.unsubscribe.summary": "停止每日摘要",
        "command.unsubscribe.admins_only": "只有聊天室的管理員可以取消群組的訂閱。",
        "command.list.usage": "list",
        "command.list.summary": "此聊天室的訂閱",
        "command.digest.usage": "digest [主題] [YYYY-MM-DD]",
        "command.digest.summary": "立即取得摘要",
        "command.ask.usage": "ask 問題",
        "command.ask.summary": "根據已儲存的來源回答問題，並附上引用",
        "command.sources.usage": "sources [n]",
        "command.sources.summary": "上一份摘要的來源，或第 n 則來源的詳細資料",
        "command.settings.usage": (
            "settings [主題] [time HH:MM | timezone 時區 | lang en|zh-TW | "
            "include 關鍵字 | exclude 關鍵字]"
        ),
        "command.settings.summary": "查看或變更設定（include/exclude 後接 '-' 即清除）",
        "command.settings.admins_only": "只有聊天室的管理員可以變更群組的設定。",
    },
}

# The operators' ``status`` command (bot/commands/status.py).
_STATUS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "command.status.usage": "status",
        "command.status.summary": "the bot's health: sources, digests, deliveries (operators)",
        "status.refused": "Sorry, only the bot's operators can see its status.",
        "status.title": "Status",
        "status.sources": (
            "{topic}: {total} sources ({imported} from OPML): {ok} fine, {bad} with problems, "
            "{never} not fetched yet"
        ),
        "status.failing": "failing ({runs} runs in a row): {url}",
        "status.paused": "paused: {url}",
        "status.stale": "not fetched for over a day: {url}",
        "status.digest": "newest {mode} digest of {topic}: {date} ({language})",
        "status.no_digest": "No digest stored yet.",
        "status.deliveries": (
            "Deliveries: {pending} pending, {uncertain} uncertain, {failed} failed, {sent} sent"
        ),
        "status.tokens": "Model tokens today (UTC): {tokens}",
    },
    "zh-TW": {
        "command.status.usage": "status",
        "command.status.summary": "機器人的狀態：來源、摘要、傳送（限管理者）",
        "status.refused": "抱歉，只有機器人的管理者可以查看狀態。",
        "status.title": "狀態",
        "status.sources": (
            "{topic}：{total} 個來源（{imported} 個來自 OPML）：{ok} 個正常、{bad} 個有問題、"
            "{never} 個尚未擷取"
        ),
        "status.failing": "擷取失敗（連續 {runs} 次）：{url}",
        "status.paused": "已暫停：{url}",
        "status.stale": "超過一天未擷取：{url}",
        "status.digest": "{topic} 最新的 {mode} 摘要：{date}（{language}）",
        "status.no_digest": "尚未儲存任何摘要。",
        "status.deliveries": (
            "傳送：{pending} 筆待傳、{uncertain} 筆不確定、{failed} 筆失敗、{sent} 筆已送達"
        ),
        "status.tokens": "今日（UTC）使用的模型 token：{tokens}",
    },
}


def _merge() -> dict[str, dict[str, str]]:
    catalog: dict[str, dict[str, str]] = {}
    for language in _DIGEST:
        merged = dict(_DIGEST[language])
        parts = (
            {f"reason.{key}": value for key, value in _REASONS[language].items()},
            _CHAT[language],
            _COMMANDS[language],
            _STATUS[language],
        )
        for part in parts:
            if merged.keys() & part.keys():  # a key defined twice would silently win
                raise ValueError(f"catalog keys defined twice: {merged.keys() & part.keys()}")
            merged.update(part)
        catalog[language] = merged
    return catalog


CATALOG: Final[dict[str, dict[str, str]]] = _merge()
"""language -> key -> text (a ``str.format`` template)."""
DEFAULT_LANGUAGE: Final = "en"

REASONS: Final[dict[str, dict[str, str]]] = _REASONS
"""Why a digest fell back to extractive mode (the ``reason.`` keys, unprefixed)."""


def text(language: str, key: str, /, **values: object) -> str:
    """The catalog's ``key`` in ``language`` (the default language for one it lacks), filled
    with ``values``."""
    strings = CATALOG.get(language) or CATALOG[DEFAULT_LANGUAGE]
    return strings[key].format(**values)


def has(key: str) -> bool:
    return key in CATALOG[DEFAULT_LANGUAGE]
