"""What a tool can do, read from its name, description, input schema and annotations: ``classify(tool)``.

Not an analyzer: the toxic-flow and annotation analyzers (and later the scorer) build on it. Every capability
comes with the reasons that gave it (which word of which field) and a strength, so a finding can say why.

The rules are word tables, not a model. A name is split into words (snake, kebab, camel case); its verbs
meet its objects (``send`` + ``email``, ``read`` + ``file``, ``run`` + ``shell``). A description gives its
*leading* verbs (``"Create or update a file…"``) with the objects of its first sentence, and a few explicit
phrases anywhere outside negated sentences (``"fetches any URL"``, ``"runs shell commands"``). Schema
property names are hints (``url`` + ``body``, ``command``, ``recipient`` + ``message``). Annotations only ever
*add* what they claim (``destructiveHint: true``), never remove what the words say. Classification is
conservative: an object without a verb is only a weak hint, and bare past participles in names
(``git_diff_staged``) are not verbs.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mcts.analyzers import _capability_words as vocab
from mcts.model.inventory import Tool


class Capability(enum.StrEnum):
    """Something a tool can do that matters for what an injected instruction could make it do."""

    PRIVATE_DATA = "private-data"  # reads the user's files, mail, repositories, databases, secrets, memory…
    UNTRUSTED_INPUT = "untrusted-input"  # returns content an outsider can write: web pages, issues, inboxes…
    EGRESS = "egress"  # can send data out: HTTP with a chosen URL, email, messages, public comments, uploads
    EXECUTE = "execute"  # runs commands, code, scripts or SQL statements
    DESTRUCTIVE = "destructive"  # deletes, drops, overwrites, kills
    WRITE = "write"  # creates or modifies state


class Source(enum.StrEnum):
    """Where a reason was read."""

    NAME = "name"  # a word of the tool's name
    DESCRIPTION = "description"  # a leading verb of the description, with the objects of its first sentence
    MENTION = "mention"  # an explicit phrase elsewhere in the description
    SCHEMA = "schema"  # input schema property names
    ANNOTATION = "annotation"  # an MCP annotation claiming the capability
    INFERRED = "inferred"  # deduced from other reasons (a fetch of a caller-chosen URL can carry data out)


class Strength(enum.IntEnum):
    """How plainly a reason says it: weak hints never make a finding on their own."""

    WEAK = 1
    MEDIUM = 2
    STRONG = 3


@dataclass(frozen=True)
class Reason:
    """One piece of evidence for one capability."""

    capability: Capability
    source: Source
    word: str
    strength: Strength

    def describe(self) -> str:
        """A short human form, e.g. ``name 'send'``."""
        return f"{self.source.value} {self.word!r}"


@dataclass(frozen=True)
class ToolCapabilities:
    """The capabilities of one tool with their reasons, strongest first."""

    name: str
    reasons: tuple[Reason, ...]

    @property
    def capabilities(self) -> frozenset[Capability]:
        """Every capability with at least one reason, however weak."""
        return frozenset(r.capability for r in self.reasons)

    def reasons_for(self, capability: Capability, sources: Iterable[Source] | None = None) -> tuple[Reason, ...]:
        """The reasons for ``capability`` (from ``sources`` only, when given), strongest first."""
        allowed = None if sources is None else frozenset(sources)
        return tuple(r for r in self.reasons if r.capability is capability and (allowed is None or r.source in allowed))

    def strength(self, capability: Capability, sources: Iterable[Source] | None = None) -> int:
        """The strongest reason's strength for ``capability`` (0 when none)."""
        found = self.reasons_for(capability, sources)
        return max((r.strength for r in found), default=0)


_DESCRIPTION_CAP = 2000
_ACTIONS = frozenset({Capability.WRITE, Capability.DESTRUCTIVE, Capability.EXECUTE, Capability.EGRESS})
_PHRASES = tuple((Capability(cap), Strength(strength), triggers, pattern)
                 for cap, strength, triggers, pattern in vocab.PHRASES)


@functools.lru_cache(maxsize=8192)
def split_words(text: str) -> tuple[str, ...]:
    """``"getUserEmails"`` → ``("get", "user", "emails")``; snake, kebab, dots and camel case."""
    return tuple(word.lower() for word in vocab.SPLIT.findall(text))


def classify(tool: Tool) -> ToolCapabilities:
    """The capabilities of ``tool``, each with the words that gave it. Cached on the tool's texts."""
    return _classify(tool.name, tool.description or "", _schema_keys(tool.input_schema),
                     _annotation_claims(tool.annotations))


def _schema_keys(schema: object) -> tuple[str, ...]:
    """Property names of the input schema and of its array items' objects (bounded; odd shapes give none)."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return ()
    keys = [str(k) for k in list(props)[:200]]
    for value in list(props.values())[:200]:
        items = value.get("items") if isinstance(value, dict) else None
        nested = items.get("properties") if isinstance(items, dict) else None
        if isinstance(nested, dict):
            keys.extend(str(k) for k in list(nested)[:50])
    return tuple(keys)


def _annotation_claims(annotations: object) -> tuple[str, ...]:
    """What the annotations claim beyond the default: only claims of *more* capability are taken."""
    if not isinstance(annotations, dict):
        return ()
    claims = []
    if annotations.get("destructiveHint") is True and annotations.get("readOnlyHint") is not True:
        claims.append("destructiveHint=true")
    if annotations.get("readOnlyHint") is False:
        claims.append("readOnlyHint=false")
    return tuple(claims)


@functools.lru_cache(maxsize=16384)
def _classify(name: str, description: str, schema: tuple[str, ...], claims: tuple[str, ...]) -> ToolCapabilities:
    reasons: list[Reason] = []
    text = description[:_DESCRIPTION_CAP]
    name_words = split_words(name[:200])
    name_verbs = _name_verbs(name_words)
    reasons += _from_words(name_verbs, name_words, Source.NAME, text)
    if set(name_verbs) <= vocab.EXEC_NOUNS:  # a tool named "bash", "exec", "terminal"
        reasons += [Reason(Capability.EXECUTE, Source.NAME, word, Strength.STRONG)
                    for word in name_words if word in vocab.EXEC_NOUNS]
    first = vocab.FIRST_SENTENCE.match(text.lstrip())
    sentence = first.group()[:300] if first else ""
    if sentence:
        reasons += _from_words(_lead_verbs(sentence), vocab.PLAIN.findall(sentence.lower()), Source.DESCRIPTION, text)
    hypothetical = vocab.HYPOTHETICAL_WORDS.intersection(name_words) or (
        not vocab.HYPOTHETICAL_WORDS.isdisjoint(sentence.lower().split()) and vocab.HYPOTHETICAL.search(sentence))
    if hypothetical:
        reasons = [_weakened(r) for r in reasons]  # "dry_run_delete": "Show which files would be deleted"
    reasons += _mentions(text)
    if schema:
        words = frozenset(w for key in schema for w in split_words(key))
        reasons += _from_schema(words, frozenset(key.lower() for key in schema), reasons)
    for claim in claims:
        destructive = claim.startswith("destructive")
        reasons.append(Reason(Capability.DESTRUCTIVE if destructive else Capability.WRITE, Source.ANNOTATION, claim,
                              Strength.MEDIUM if destructive else Strength.WEAK))
    unique = dict.fromkeys(reasons)
    return ToolCapabilities(name, tuple(sorted(unique, key=lambda r: -r.strength)))


def _weakened(reason: Reason) -> Reason:
    """A dry run or preview only describes an action: its action reasons become hints."""
    if reason.capability in _ACTIONS and reason.source in (Source.NAME, Source.DESCRIPTION):
        return Reason(reason.capability, reason.source, reason.word, Strength.WEAK)
    return reason


def _name_verbs(words: tuple[str, ...]) -> list[str]:
    """The verb a name leads with, and verbs joined to it by ``or`` / ``and`` (``create_or_update_file``).

    Only base forms count (``staged`` is an adjective in ``git_diff_staged``); later verb-like words are
    objects (``get_start_time``, ``check_update``). Words as often nouns (``label``, ``commit``, ``post``)
    lead only when no plain verb or read verb follows (``git_commit`` yes, ``list_label`` → ``list``).
    """
    found = [(i, w) for i, w in enumerate(words) if vocab.VERB_FORMS.get(w) == w]
    if not found:
        return []
    plain = [(i, w) for i, w in found if w not in vocab.NOUNISH or w in vocab.READ]
    first = plain[0] if plain else found[0]
    if not plain and first[0] > 1:
        return []
    joined = [w for i, w in found if i > first[0] and words[i - 1] in ("or", "and")]
    return [first[1], *joined]


def _lead_verbs(sentence: str) -> list[str]:
    """The verbs a description opens with (``"Create or update a file"``) and coordinated ones later on."""
    head = sentence[:sentence.find(" ")].lower() if " " in sentence else sentence.lower()
    preamble = None if head in vocab.VERB_FORMS else vocab.PREAMBLE.match(sentence)  # most open with the verb
    body = sentence[preamble.end():] if preamble else sentence
    lead = vocab.LEAD.match(body)
    verbs: list[str] = []
    if lead:
        for part in vocab.LEAD_PART.finditer(lead.group()):
            word = part.group(1).lower()
            base = vocab.VERB_FORMS.get(word)
            if base is None or (base in vocab.NOUNISH and not _is_verb_here(base, body, part.end())):
                break
            verbs.append(base)
    if verbs:
        verbs += [vocab.VERB_FORMS[m.group(1).lower()] for m in vocab.COORDINATED.finditer(body)
                  if m.group(1).lower() in vocab.VERB_FORMS]
    return verbs


def _is_verb_here(base: str, body: str, end: int) -> bool:
    """A word that is as often a noun reads as a verb before a determiner; a read verb unless ``of`` follows."""
    if base in vocab.READ:
        return not vocab.OF.match(body, end)
    return bool(vocab.DETERMINER.match(body, end))


def _from_words(verbs: list[str], words: Iterable[str], source: Source, context: str) -> Iterator[Reason]:
    """Verbs meet objects: the core table of what a name or a description's first sentence says."""
    objects = frozenset(words)
    if "message" in objects and not objects & vocab.MESSAGE_CONTEXT:
        objects = objects - {"message"}  # "error message", "annotated message": not someone's mail
    for verb in dict.fromkeys(verbs):
        yield from _verb_reasons(verb, objects, source, context)
    if not verbs:
        for cap, table in ((Capability.UNTRUSTED_INPUT, vocab.UNTRUSTED_OBJECTS),
                           (Capability.PRIVATE_DATA, vocab.PRIVATE_OBJECTS)):
            for obj in sorted(objects & table)[:2]:
                yield Reason(cap, source, obj, Strength.WEAK)
    for obj in sorted(objects & vocab.HTTP_OBJECTS):
        yield Reason(Capability.UNTRUSTED_INPUT, source, obj, Strength.MEDIUM)
        yield Reason(Capability.EGRESS, source, obj, Strength.MEDIUM)


def _verb_reasons(verb: str, objects: frozenset[str], source: Source, context: str) -> Iterator[Reason]:
    cap = Capability
    if verb in vocab.EXEC_VERBS:
        code, sql = objects & vocab.EXEC_OBJECTS, objects & vocab.SQL_OBJECTS
        if code:
            strength = Strength.MEDIUM if code <= vocab.JS_OBJECTS else Strength.STRONG
            yield Reason(cap.EXECUTE, source, f"{verb} {min(code)}", strength)
        elif sql and (vocab.SQL_CONTEXT.search(context) or "sql" in objects):
            if vocab.READONLY_CONTEXT.search(context):
                yield Reason(cap.PRIVATE_DATA, source, f"{verb} read-only {min(sql)}", Strength.MEDIUM)
            else:
                yield Reason(cap.EXECUTE, source, f"{verb} {min(sql)}", Strength.STRONG)
        else:
            yield Reason(cap.EXECUTE, source, verb, Strength.WEAK)
    if verb in vocab.DESTRUCTIVE_STRONG:
        yield Reason(cap.DESTRUCTIVE, source, verb, Strength.STRONG)
        yield Reason(cap.WRITE, source, verb, Strength.MEDIUM)
    elif verb in vocab.DESTRUCTIVE_MEDIUM:
        yield Reason(cap.DESTRUCTIVE, source, verb, Strength.MEDIUM)
        yield Reason(cap.WRITE, source, verb, Strength.MEDIUM)
    if verb in vocab.EGRESS_VERBS or verb in vocab.AMBIGUOUS_EGRESS:
        said = objects & vocab.MESSAGE_OBJECTS
        yield Reason(cap.EGRESS, source, f"{verb} {min(said)}" if said else verb,
                     Strength.STRONG if said or verb == "exfiltrate" else Strength.MEDIUM)
        yield Reason(cap.WRITE, source, verb, Strength.MEDIUM)
    if verb in vocab.WRITE:
        yield Reason(cap.WRITE, source, verb, Strength.MEDIUM)
        if verb == "push":
            yield Reason(cap.EGRESS, source, verb, Strength.MEDIUM)
        public = objects & vocab.PUBLIC_OBJECTS
        if public and verb in vocab.PUBLISHING:
            yield Reason(cap.EGRESS, source, f"{verb} {min(public)}", Strength.MEDIUM)
    if verb in vocab.READ or verb in vocab.WEB_VERBS or verb in vocab.FETCH_VERBS:
        yield from _read_reasons(verb, objects, source, context)


def _read_reasons(verb: str, objects: frozenset[str], source: Source, context: str) -> Iterator[Reason]:
    private, untrusted = objects & vocab.PRIVATE_OBJECTS, objects & vocab.UNTRUSTED_OBJECTS
    web = objects & vocab.WEB_OBJECTS
    if (verb in vocab.WEB_VERBS and (web or not private)) or (verb in vocab.FETCH_VERBS and web):
        yield Reason(Capability.UNTRUSTED_INPUT, source, f"{verb} {min(web)}" if web else verb, Strength.STRONG)
        return
    if verb in vocab.FETCH_VERBS and len(objects) == 1 and source is Source.NAME:  # a tool named just "fetch"
        yield Reason(Capability.UNTRUSTED_INPUT, source, verb, Strength.MEDIUM)
    engine = objects & (vocab.SEARCH_ENGINES | vocab.WEB_SEARCH)
    if verb == "search" and engine:
        yield Reason(Capability.UNTRUSTED_INPUT, source, f"{verb} {min(engine)}", Strength.STRONG)
    if objects & vocab.SQL_OBJECTS and vocab.SQL_CONTEXT.search(context):
        yield Reason(Capability.PRIVATE_DATA, source, f"{verb} {min(objects & vocab.SQL_OBJECTS)}", Strength.MEDIUM)
    if untrusted:
        yield Reason(Capability.UNTRUSTED_INPUT, source, f"{verb} {min(untrusted)}", Strength.MEDIUM)
    if private:
        strong = private & vocab.PRIVATE_STRONG
        yield Reason(Capability.PRIVATE_DATA, source, f"{verb} {min(strong or private)}",
                     Strength.STRONG if strong else Strength.MEDIUM)


def _mentions(text: str) -> Iterator[Reason]:
    """Explicit phrases anywhere in the description, outside sentences that negate or redirect."""
    words = frozenset(vocab.PLAIN.findall(text.lower()))
    for cap, strength, triggers, pattern in _PHRASES:
        if triggers.isdisjoint(words):
            continue
        for match in pattern.finditer(text):
            start = max(text.rfind(".", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
            end = min((i for i in (text.find(".", match.end()), text.find("\n", match.end())) if i >= 0),
                      default=len(text))
            if vocab.NEGATION.search(text, start, end):
                continue
            if cap is Capability.EXECUTE and vocab.READONLY_CONTEXT.search(text, start, end):
                continue
            yield Reason(cap, Source.MENTION, match.group()[:60].lower(), strength)
            break


def _from_schema(words: frozenset[str], keys: frozenset[str], found: list[Reason]) -> Iterator[Reason]:
    """Hints from property names: ``words`` split from them (``target_url`` gives ``url``) and whole ``keys``.

    A payload or message property must be exactly that (``body``, ``text``): ``message_id`` names one.
    """
    cap = Capability
    url, body = words & vocab.URL_PROPS, keys & vocab.BODY_PROPS
    if url and body:
        yield Reason(cap.EGRESS, Source.SCHEMA, f"{min(url)} + {min(body)}", Strength.MEDIUM)
    elif url and any(r.capability is cap.UNTRUSTED_INPUT and r.strength is Strength.STRONG for r in found):
        yield Reason(cap.EGRESS, Source.INFERRED, f"caller-chosen {min(url)}", Strength.MEDIUM)
    elif url:
        yield Reason(cap.UNTRUSTED_INPUT, Source.SCHEMA, min(url), Strength.WEAK)
    if words & vocab.WEBHOOK_PROPS:
        yield Reason(cap.EGRESS, Source.SCHEMA, min(words & vocab.WEBHOOK_PROPS), Strength.MEDIUM)
    recipient = words & vocab.RECIPIENT_PROPS or (keys & {"to"} if "subject" in keys else frozenset())
    message = keys & vocab.MESSAGE_PROPS
    if recipient and message:
        yield Reason(cap.EGRESS, Source.SCHEMA, f"{min(recipient)} + {min(message)}", Strength.MEDIUM)
    if keys & vocab.EXEC_PROPS:
        yield Reason(cap.EXECUTE, Source.SCHEMA, min(keys & vocab.EXEC_PROPS), Strength.WEAK)
    if words & vocab.PATH_PROPS:
        yield Reason(cap.PRIVATE_DATA, Source.SCHEMA, min(words & vocab.PATH_PROPS), Strength.WEAK)


__all__ = ["Capability", "Reason", "Source", "Strength", "ToolCapabilities", "classify", "split_words"]
