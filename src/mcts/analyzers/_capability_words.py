"""The word tables and patterns of the capability classifier (``_capabilities``): data, no logic.

Verbs are listed in base form; ``VERB_FORMS`` maps every inflection (``sends``, ``deleted``, ``running``)
back to it. Nouns are listed singular; ``_nouns`` adds plurals. Phrases carry trigger words so a
description is only searched for a phrase when one of its words occurs (most descriptions skip most phrases).
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _nouns(text: str) -> frozenset[str]:
    """Nouns with their plurals (``entity`` → ``entities``)."""
    out: set[str] = set()
    for word in text.split():
        out.add(word)
        out.add(word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s")
        if word.endswith(("s", "x", "sh", "ch")):
            out.add(word + "es")
    return frozenset(out)


_IRREGULAR = {"sent": "send", "ran": "run", "wrote": "write", "written": "write", "made": "make", "got": "get",
              "found": "find", "shown": "show", "read": "read", "put": "put", "set": "set"}


def _verb_forms(bases: Iterable[str]) -> dict[str, str]:
    """Every inflected form (``-s``, ``-es``, ``-ed``, ``-ing``, doubled consonants) mapped to its base."""
    forms: dict[str, str] = {}
    for base in bases:
        stem = base[:-1] if base.endswith("e") else base
        doubled = base + base[-1] if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", base) else base
        variants = {base, base + "s", base + "es", stem + "ed", stem + "ing", doubled + "ed", doubled + "ing"}
        if base.endswith("y") and base[-2:-1] not in "aeiou":
            variants |= {base[:-1] + "ies", base[:-1] + "ied"}
        for form in variants:
            forms.setdefault(form, base)
    forms.update({k: v for k, v in _IRREGULAR.items() if v in forms})
    return forms


# --- word tables --------------------------------------------------------------------------------------------
READ = _words("get read list search find fetch retrieve view show query browse download load lookup scan grep cat "
              "dump export inspect describe check watch print return extract summarize monitor poll receive access "
              "count")
WEB_VERBS = _words("scrape crawl browse navigate")  # always the web
FETCH_VERBS = _words("fetch visit download")  # the web when the object is (a URL, a page), else a plain read
WRITE = _words("create write update edit modify set add insert put patch save push commit merge move rename append "
               "replace apply assign fork star unstar mark toggle enable disable install deploy submit approve archive "
               "lock unlock register change configure store record upsert import restore checkout tag label schedule "
               "book invite transfer grant mutate increment reprioritize reopen close rebase make "
               "copy resize start stop restart")
DESTRUCTIVE_STRONG = _words("delete destroy erase wipe purge truncate kill terminate unlink overwrite shred rm rmdir "
                            "nuke obliterate drop")
DESTRUCTIVE_MEDIUM = _words("remove reset revoke uninstall clear discard prune flush evict")
EXEC_VERBS = _words("execute exec run eval evaluate invoke spawn launch interpret")
EGRESS_VERBS = _words("send publish upload forward transmit exfiltrate broadcast notify")
AMBIGUOUS_EGRESS = _words("post email mail message share reply comment tweet sms text")  # verbs or nouns
NOUNISH = _words("tag label star mark book record set store change copy patch stage schedule comment post email "
                 "mail message share reply text tweet sms lock transfer grant import export list count check "
                 "return watch query view dump cat scan access commit fork merge archive invite run push release "
                 "deploy install upload search")  # often nouns: verbs only when they lead
VERB_FORMS = _verb_forms(READ | WEB_VERBS | FETCH_VERBS | WRITE | DESTRUCTIVE_STRONG | DESTRUCTIVE_MEDIUM | EXEC_VERBS
                         | EGRESS_VERBS | AMBIGUOUS_EGRESS)

EXEC_OBJECTS = _nouns("command shell bash sh zsh terminal script code python py javascript js node nodejs ruby perl "
                      "php powershell pwsh cmd program binary process subprocess container docker kubectl notebook "
                      "cell snippet applescript osascript")
SQL_OBJECTS = _nouns("sql query statement")
EXEC_NOUNS = _words("shell bash zsh terminal powershell pwsh cmd exec eval subprocess repl")  # a tool named "bash"
PUBLISHING = _words("create add write submit update edit append open push")  # with a public object: data leaves
MESSAGE_CONTEXT = _words("email mail inbox chat slack channel dm conversation thread discord telegram teams whatsapp "
                         "sms gmail outlook send post reply forward")
MESSAGE_OBJECTS = _nouns("email mail message sms text dm notification tweet")
PUBLIC_OBJECTS = _nouns("issue comment gist pr pull discussion review reply tweet post message email mail status "
                        "paste webhook") | _words("replies")
WEB_OBJECTS = _nouns("web webpage website url internet html rss feed news reddit hackernews twitter youtube "
                     "wikipedia") | _words("http https curl wget")
SEARCH_ENGINES = _words("google bing brave duckduckgo ddg tavily serp serper exa kagi searx searxng perplexity")
UNTRUSTED_OBJECTS = WEB_OBJECTS | _nouns("issue comment pr discussion review email mail inbox message chat dm "
                                         "conversation thread ticket post tweet reply mention feedback") | _words(
    "replies")
PRIVATE_STRONG = _nouns("file directory dir folder filesystem fs disk secret credential password apikey env "
                        "environment vault keychain cookie ssh inbox email mail database db") | _words("directories")
PRIVATE_OBJECTS = PRIVATE_STRONG | _nouns("note message dm chat conversation repo repository code source commit diff "
                                          "blame git table row record sql collection calendar event meeting "
                                          "appointment contact memory memories knowledge graph entity observation "
                                          "drive gdrive dropbox onedrive sheet spreadsheet photo history clipboard "
                                          "customer invoice payment")
JS_OBJECTS = _nouns("javascript js")
HTTP_OBJECTS = _words("http https curl wget")  # an HTTP client: reads what it fetches, sends what it is given
WEB_SEARCH = _words("web internet")  # "search the web"
# Schema property words.
URL_PROPS = _words("url uri href endpoint website")
BODY_PROPS = _words("body data payload json form headers method")
WEBHOOK_PROPS = _words("webhook callback")
EXEC_PROPS = _words("command cmd script shell bash javascript python")
RECIPIENT_PROPS = _words("recipient recipients cc bcc phone channel chat")  # "to" only beside "subject" (email)
MESSAGE_PROPS = _words("message text body subject content")
PATH_PROPS = _words("path paths file filepath filename directory dir folder")

PLAIN = re.compile(r"[a-z0-9]+")
SPLIT = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
SQL_CONTEXT = re.compile(r"\b(?:sql|select|insert|update|delete|database|postgres\w*|mysql|sqlite|mariadb)\b", re.I)
READONLY_CONTEXT = re.compile(r"\bread[- ]?only\b|\bselect\b(?:-only)?\s*(?:quer(?:y|ies)|statements?|only)\b", re.I)
HYPOTHETICAL_WORDS = frozenset({"dry", "preview", "would", "without"})  # HYPOTHETICAL needs one of them
HYPOTHETICAL = re.compile(r"\bdry[-_ ]?run\b|\bpreview\b|\bwould\b|\bwithout (?:actually )?(?:delet|"
                          r"chang|modif|writ|apply|execut|run|sav|send|commit)\w*", re.I)
NEGATION = re.compile(r"\b(?:not|never|no|don't|doesn't|cannot|can't|won't|instead)\b", re.I)
FIRST_SENTENCE = re.compile(r"[^\n]*?(?:[.!?](?=\s|$)|$)", re.M)
PREAMBLE = re.compile(
    r"^(?:\W*\[[^\]]{0,40}\]\W*)?(?:(?:this|the|a) tool (?:that |to |which |for )?|tool (?:to|that|for) |"
    r"use (?:this|it)(?: tool)? to |used to |allows? (?:you |the (?:user|model|agent|assistant) )?to |"
    r"lets? (?:you |the (?:user|model|agent) )?|helps? (?:you )?(?:to )?|can |will |(?:is )?(?:able|designed) to |"
    r"you can )*", re.I)
_ADVERBS = r"(?:(?:completely|permanently|also|recursively|quickly|securely|safely|optionally|then|directly|" \
           r"automatically|immediately)\s+)?"
LEAD = re.compile(r"([a-z]+)(?:\s*(?:,|/|&|\bor\b|\band\b|and/or)\s*" + _ADVERBS + r"([a-z]+))*", re.I)
LEAD_PART = re.compile(r"(?:^|,|/|&|\bor\b|\band\b|and/or)\s*" + _ADVERBS + r"([a-z]+)", re.I)
DETERMINER = re.compile(r"\s+(?:a|an|the|to|on|in|with|your|my|this|that|these|it|them|all|any|new|one|"
                        r"multiple|specific|existing|every|arbitrary|custom|given|raw)\b", re.I)
OF = re.compile(r"\s+of\b", re.I)
COORDINATED = re.compile(r"(?:,|\bor\b|\band\b)\s+" + _ADVERBS + r"([a-z]+)\s+(?:a|an|the|all|any|existing|new|"
                         r"one|multiple|it|them|its|their|your|specific|selected|every)\b", re.I)

# (capability, strength 1-3, trigger words: the phrase is only searched when one occurs, pattern)
PHRASES: tuple[tuple[str, int, frozenset[str], re.Pattern[str]], ...] = tuple(
    (cap, strength, _words(triggers), re.compile(pattern, re.I)) for cap, strength, triggers, pattern in (
        ("untrusted-input", 3, "internet web websearch webpage webpages website websites url "
         "urls scrape scrapes scraping crawl crawls crawling",
         r"\b(?:from|on|across) the (?:internet|web|open web)\b|\bweb[ -]?search\b|\bsearch(?:es|ing)? the "
         r"(?:web|internet)\b|\b(?:any|arbitrary) (?:url|web ?page|website)s?\b|\bweb ?pages?\b"
         r"|\bwebsites?\b|\bscrap(?:e|es|ing)\b|\bcrawl(?:s|ing)?\b"),
        ("untrusted-input", 2, "inbox inboxes unread incoming received rss channel support "
         "tweet tweets",
         r"\binbox(?:es)?\b|\b(?:unread|incoming|received) (?:e-?mails?|messages?)\b|\brss\b|\bchannel history\b|"
         r"\bsupport tickets?\b|\btweets?\b"),
        ("private-data", 3, "environment secrets credentials passwords api apikeys keys key "
         "ssh tokens filesystem system files inbox inboxes",
         r"\b(?:reads?|returns?|lists?|gets?|retrieves?|dumps?|exports?|access(?:es)?|prints?|shows?|fetch(?:es)?|"
         r"exposes?|leaks?) (?:\w+ ){0,3}?(?:"
         r"environment variables?|secrets|credentials|passwords|api[ _-]?keys|private keys?|ssh keys?|access tokens)\b"
         r"|~/\.ssh\b|\bfile ?system\b|\b(?:local|your|user's) files\b|\binbox(?:es)?\b"),
        ("private-data", 1, "knowledge calendar calendars contacts repository repositories "
         "database databases",
         r"\bknowledge graph\b|\bcalendars?\b|\bcontacts\b|\b(?:private|your) repositor(?:y|ies)\b|\bdatabases?\b"),
        ("egress", 3, "send sends sending webhook webhooks http exfiltrate exfiltrates "
         "exfiltrating exfiltration exfiltrated upload uploads uploading post posts posting",
         r"\bsend(?:s|ing)? (?:an? |the )?(?:e-?mails?|messages?|sms|text messages?|direct messages?|dms?)\b|"
         r"\b(?:to|via|through) (?:a |an |the |any )?webhooks?\b|\bhttp (?:post |put )?requests? to (?:any|an "
         r"arbitrary|a custom|the (?:given|specified|provided))\b|\bexfiltrat\w*|\bupload(?:s|ing)? (?:\w+ ){0,3}to "
         r"\b|\bpost(?:s|ing)? (?:an? |the )?(?:messages?|comments?|tweets?|status updates?) (?:to|on|in)\b"),
        ("execute", 3, "execute executes executing executed execution run runs running eval "
         "evaluate evaluates evaluating shell terminal system arbitrary",
         r"\b(?:execut\w*|run|runs|running|eval\w*)\s+(?:(?:a|an|the|any|arbitrary|given|provided|custom|raw|"
         r"one or more|user)\s+){0,3}(?:shell|bash|zsh|terminal|system|os|cli|command[- ]line|python|powershell)?"
         r"\s*(?:commands?|scripts?|code)\b|\b(?:shell|terminal|system) commands?\b|\barbitrary code\b|"
         r"\b(?:execut\w*|run|runs|running)\s+(?:(?:a|an|the|any|arbitrary|raw|custom)\s+)?(?:sql|insert|update|"
         r"delete|ddl|dml|write)\b[^.]{0,30}?\b(?:quer(?:y|ies)|statements?)\b"),
        ("destructive", 3, "permanently force rm drop drops dropping kill kills killing "
         "terminate terminates terminating overwrite overwrites overwriting wipe wipes erase erases delete deletes",
         r"\bpermanently (?:delet|remov|eras|destroy)\w*|\bforce[- ]push\w*|\brm -rf\b|\bdrop(?:s|ping)? (?:the |a "
         r"|an )?(?:tables?|databases?|collections?|schemas?)\b|\b(?:kill|terminat)\w* (?:the |a |an |any |all )?"
         r"(?:running )?(?:process|processes|sessions?|containers?|pods?|instances?|vms?)\b|\boverwrit\w* (?:an? "
         r"|the |any )?(?:existing )?files?\b|\b(?:wipes?|erases?|deletes?) (?:all|every|the entire|everything)\b"),
    ))
