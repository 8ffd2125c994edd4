"""Text clean-up, paragraph de-duplication and sentence splitting.

`clean_text` turns whatever an ingest source produced into the one canonical form every later stage
reads: NFC, ASCII quotes, two dash characters, plain spaces, one paragraph per line with paragraphs
separated by exactly one blank line, boilerplate and repeated paragraphs gone. Span offsets everywhere
in borderwatch point into this form, so it must be deterministic and idempotent.

Dashes: every hyphen-like character (hyphen, non-breaking hyphen, figure dash, minus sign) becomes the
ASCII "-", which joins words and numbers; every dash-like character (en dash, em dash, horizontal bar)
becomes the en dash "–", which separates clauses or numbers. Downstream patterns for ranges ("8-10",
"8–10") therefore accept exactly `[-–]`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from borderwatch.model import Sentence

# --- character normalisation ---------------------------------------------------------------------

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\u2039\u203a"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb"
_HYPHENS = "\u2010\u2011\u2012\u2212\ufe63\uff0d"
_DASHES = "\u2013\u2014\u2015\u2e3a\u2e3b\ufe58"
_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# Zero-width space, word joiner, BOM and soft hyphen carry no meaning in running text and break
# word matching. ZWNJ/ZWJ are kept: they are spelling in Urdu, Pashto and Dari script.
_INVISIBLE = "\u200b\u2060\ufeff\u00ad"
# Every character Python's str.splitlines() treats as a line break becomes "\n"; the page-break and
# paragraph-separator characters mean a paragraph break.
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\x0b": "\n", "\x85": "\n", "\u2028": "\n",
                "\x0c": "\n\n", "\x1c": "\n\n", "\x1d": "\n\n", "\x1e": "\n\n", "\u2029": "\n\n"}
_CONTROLS = "".join(
    chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(c) not in "\n\t\r\x0b\x0c\x1c\x1d\x1e\x85"
)

_REPLACEMENTS: dict[str, str] = {
    **{c: "'" for c in _SINGLE_QUOTES},
    **{c: '"' for c in _DOUBLE_QUOTES},
    **{c: "-" for c in _HYPHENS},
    **{c: "\u2013" for c in _DASHES},
    **{c: " " for c in _SPACES},
    **{c: "" for c in _INVISIBLE + _CONTROLS},
    **_LINE_BREAKS,
}
# One alternation, longest first so "\r\n" wins over "\r"; a sub() with a dict lookup only touches
# the rare special characters, which is faster than str.translate over the whole text.
_SPECIAL_CHARACTER = re.compile("|".join(re.escape(k) for k in sorted(_REPLACEMENTS, key=len, reverse=True)))
_SPACE_RUN = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n[ \n]*\n")


def normalise_characters(raw: str) -> str:
    """NFC, ASCII quotes, the two dashes, plain spaces, "\\n" line breaks, no control characters."""
    text = unicodedata.normalize("NFC", raw)
    text = _SPECIAL_CHARACTER.sub(lambda m: _REPLACEMENTS[m.group()], text)
    # Removing an invisible character can bring a base letter next to its combining mark.
    return unicodedata.normalize("NFC", text)


# --- boilerplate ---------------------------------------------------------------------------------

# A paragraph longer than this is article prose, never a prompt, credit or share bar; skipping the
# patterns for long paragraphs keeps the pass cheap and protects real sentences that mention, say,
# a newsletter. Photo captions with a trailing credit run to ~300 characters, hence the margin.
MAX_BOILERPLATE_CHARS = 400

# Named patterns, each matched against a whole paragraph, case-insensitively. A rule's name says what
# it removes; `boilerplate_rule` returns it so a test or a user can see why a paragraph went.
_BOILERPLATE_RULES: tuple[tuple[str, str], ...] = (
    ("advertisement", r"(?:advertisements?|sponsored(?: content)?|ad|promoted|"
                      r"scroll (?:down )?to continue(?: with content)?|"
                      r"story continues below(?: advertisement)?)"),
    ("subscribe_prompt", r"(?:please )?(?:subscribe|sign up|sign in to|register (?:now|today|for)|"
                         r"get (?:our|the latest|breaking)|join (?:us|our)|download (?:our|the) app)"
                         r"\b.{0,200}"),
    ("tags", r"(?:tags?|topics?|related topics|filed under|categories|keywords)\s*:.{0,300}"),
    ("share_bar", r"(?:share(?: this)?(?: article| story| post| page)?(?: on| via)?|print|e-?mail|copy link|"
                  r"whatsapp|facebook|twitter|tweet|linkedin|telegram|reddit|pinterest)"
                  r"(?:[\s,|/\u2013-]+(?:facebook|twitter|x|whatsapp|e-?mail|linkedin|telegram|reddit|"
                  r"print|copy link|share))*\s*:?"),
    ("read_more", r"(?:(?:also )?read(?: more| also| next)?|see also|related(?: articles?| stories| news| "
                  r"coverage| content| posts?)?|more on this(?: story)?|recommended(?: stories)?|"
                  r"you may also like|most read|trending)\s*(?:[:|\u2013-].{0,250}|\u00bb.{0,250})?"),
    ("read_more_link", r"read more\b.{0,200}"),
    ("click_here", r"\(?click here\b.{0,250}"),
    ("more_stories", r"for (?:more|the latest) (?:stories|news|updates|articles|coverage)\b.{0,250}"),
    ("follow_us", r"(?:follow|like) (?:us|[\w.'&-]+(?: [\w.'&-]+){0,4}) on "
                  r"(?:twitter|x|facebook|instagram|telegram|whatsapp|google news|youtube)\b.{0,200}"),
    ("photo_credit", r"\(?(?:(?:file |ap |afp )?(?:photo|image|picture|video)s? )?"
                     r"(?:credits?|courtesy|source)\s*:.{0,250}"),
    ("photo_line", r"\[?(?:file )?(?:photo|image|picture)s?\s*(?:[:|]|by\b).{0,200}"),
    ("ap_file_caption", r"(?-i:FILE)\s*[\u2013:-]\s.{0,350}"),
    ("wire_credit", r"(?:(?:additional )?reporting|writing|editing|compiled|edited) by\b.{0,300}"),
    ("trust_principles", r"our standards:.{0,100}"),
    ("copyright", r"(?:\u00a9|copyright\b|\(c\) \d{4}).{0,250}"),
    ("reader_prompt", r"(?:do you (?:like|enjoy)|did you (?:like|enjoy)|enjoying) this (?:article|story)"
                      r"\?.{0,200}|"
                      r"only (?:[$\u00a3\u20ac]|rs\.? ?)\d+(?:\.\d\d)? (?:per|a) (?:month|week|year)\.?|"
                      r"(?:already a subscriber|not a subscriber)\??.{0,150}"),
    ("site_chrome", r"(?:skip to (?:main )?content|listen to (?:this )?article|loading\.*|"
                    r"toggle navigation|menu|search|home|close|back to top|next article|previous article)"),
)
# Rules for boilerplate that can sit anywhere in the paragraph: (name, a lower-case word the paragraph
# must contain, the longest paragraph the rule applies to, pattern). The word is a substring test that
# spares the slow unanchored pattern on the many paragraphs that cannot match.
_CONTAINS_RULES: tuple[tuple[str, str, int, re.Pattern[str]], ...] = tuple(
    (name, needle, max_chars, re.compile(pattern, re.IGNORECASE | re.DOTALL))
    for name, needle, max_chars, pattern in (
        ("newsletter", "newsletter", MAX_BOILERPLATE_CHARS,
         r".*\bnewsletters?\b.*(?<![\w-])(?:inbox|e-?mail|sign up|subscribe|delivered|daily|weekly)\b.*|"
         r".*\b(?:inbox|e-?mail|sign up|subscribe|delivered|daily|weekly)\b.*\bnewsletters?\b.*|"
         r".{0,40}\bnewsletter\w*.{0,20}"),
        # A caption ends with its credit in brackets; captions of wire photos run long, so the cap is
        # higher than for other rules: a credit in brackets at the end is never article prose.
        ("photo_caption", "(photo", 1000, r".*\((?:photo|image|picture)(?: credit)?\s*:[^)]{0,120}\)\s*\.?"),
        ("credit_caption", "(credit", 1000, r".*\(credits?\s*:[^)]{0,120}\)\s*\.?"),
        ("wire_photo_caption", "photo/", 1000,
         r".*\((?:ap|afp|reuters|epa|aa|xinhua|getty)? ?photos?/[^)]{0,120}\)\s*\.?"),
        ("all_rights_reserved", "all rights reserved", MAX_BOILERPLATE_CHARS, r".*\ball rights reserved\b.*"),
        ("cookie_notice", "cookie", MAX_BOILERPLATE_CHARS,
         r".*\bcookies?\b.*\b(?:accept|consent|browsing|experience|continuing|privacy|policy)\b.*|"
         r".*\b(?:accept|consent|browsing|experience|continuing|privacy|policy)\b.*\bcookies?\b.*"),
    )
)
# Where reader comments begin; that paragraph and everything after it is dropped once the article has
# begun (see MIN_PARAGRAPHS_BEFORE_COMMENTS).
_COMMENTS_START_RULES: tuple[tuple[str, str], ...] = (
    ("comments_heading", r"(?:\d+ )?(?:comments?|reader comments|reader'?s'? comments|"
                         r"leave a (?:comment|reply)|post a comment|add (?:a|your) comment|"
                         r"join the (?:conversation|discussion)|(?:show|view|load) comments|"
                         r"comments? \(\d+\)|\d+ (?:thoughts? on|responses? to|replies to) .{1,200}|"
                         r"what do you think\??)\s*:?"),
    # "• Name says:" in a comment list. Without the bullet only "X says:" counts, and not "The
    # spokesman says:" or "He says:", which introduce a quotation in news prose ("said:" never counts).
    ("comment_byline", r"[\u2022*\u00b7]\s*[\w .'@-]{1,60} (?:says|said|wrote|writes|replied)\s*:|"
                       r"(?!(?:the|a|an|he|she|it|they|we|this|that|his|her|their|its|our)\b)"
                       r"[\w.'@-]+(?: [\w.'@-]+){0,2} says\s*:"),
)


def _compile_rules(rules: tuple[tuple[str, str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in rules), re.IGNORECASE)


_BOILERPLATE = _compile_rules(_BOILERPLATE_RULES)
_COMMENTS_START = _compile_rules(_COMMENTS_START_RULES)


def boilerplate_rule(paragraph: str) -> str | None:
    """The name of the boilerplate rule that matches the whole paragraph, or None for content."""
    if len(paragraph) <= MAX_BOILERPLATE_CHARS:
        match = _BOILERPLATE.fullmatch(paragraph) or _COMMENTS_START.fullmatch(paragraph)
        if match:
            return match.lastgroup
    folded = paragraph.casefold()
    for name, needle, max_chars, pattern in _CONTAINS_RULES:
        if len(paragraph) <= max_chars and needle in folded and pattern.fullmatch(paragraph):
            return name
    return None


# A "Comments (12)" link in the share bar above the headline must not cut the whole article: a comments
# marker only ends the article after this many content paragraphs; before that it is dropped alone.
MIN_PARAGRAPHS_BEFORE_COMMENTS = 2


def _starts_comments(paragraph: str) -> bool:
    return len(paragraph) <= MAX_BOILERPLATE_CHARS and _COMMENTS_START.fullmatch(paragraph) is not None


# --- paragraphs ----------------------------------------------------------------------------------

_KEY_EDGE_PUNCTUATION = " \"'.,;:!?-\u2013()[]"


def _lines_to_paragraphs(block: str) -> list[str]:
    """Split a block of non-blank lines into paragraphs.

    Text from HTML extractors and many wire feeds puts one paragraph per line with no blank line
    between, while hand-wrapped text breaks sentences across lines. A line break is a paragraph break
    unless the next line plainly continues the sentence: it starts in lower case, or the line before
    ends with a comma.
    """
    paragraphs: list[str] = []
    for line in block.split("\n"):
        line = line.strip()
        if not line:
            continue
        if paragraphs and (line[0].islower() or paragraphs[-1].endswith(",")):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def _paragraph_key(paragraph: str) -> str:
    """What makes two paragraphs the same: their text ignoring case, double quotes and the punctuation
    around it, so a pull quote matches the paragraph it was lifted from."""
    return paragraph.casefold().replace('"', "").strip(_KEY_EDGE_PUNCTUATION)


def _content_paragraphs(paragraphs: list[str]) -> list[str]:
    """Drop boilerplate, reader comments (to the end) and repeats of an earlier paragraph."""
    kept: list[str] = []
    seen: set[str] = set()
    for paragraph in paragraphs:
        if len(kept) >= MIN_PARAGRAPHS_BEFORE_COMMENTS and _starts_comments(paragraph):
            break
        if boilerplate_rule(paragraph) is not None:
            continue
        key = _paragraph_key(paragraph)
        if key in seen:
            continue
        seen.add(key)
        kept.append(paragraph)
    return kept


def clean_text(raw: str) -> str:
    """The canonical cleaned form of an article's text; idempotent.

    Paragraphs are separated by exactly one blank line and contain no line breaks; spaces are single;
    boilerplate paragraphs, reader comments and repeated paragraphs (pull quotes, repeated headlines)
    are removed. Headings are kept: they are short paragraphs like any other.
    """
    text = _SPACE_RUN.sub(" ", normalise_characters(raw))
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        paragraphs.extend(_lines_to_paragraphs(block))
    return "\n\n".join(_content_paragraphs(paragraphs))


def content_id(text: str) -> str:
    """A stable id from the text's content: "sha256:" + hex digest of NFC text with spacing collapsed.

    Collapsing whitespace means the same article re-ingested with different line wrapping or trailing
    spaces gets the same id, so re-ingesting is a no-op.
    """
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()


# --- sentences -----------------------------------------------------------------------------------

# A candidate boundary: a paragraph break, or terminal punctuation (with any closing quotes and
# brackets) followed by white space. Whether a candidate is a real boundary is decided in Python
# from the word before and the word after, which is cheap because candidates are few.
# The leading look-ahead lets the engine skip ordinary characters quickly (twice as fast on news text).
_BOUNDARY = re.compile(
    r"""(?=[.!?\u2026\n])(?:(?P<para>\n[^\S\n]*\n\s*)|(?P<end>[.!?\u2026]+["'\)\]]*)(?P<gap>\s+))"""
)
_NEXT_WORD = re.compile(r"""["'\(\[]*(\S*)""")

# Abbreviations that are never the end of a sentence: titles and ranks before a name, and words
# that are always followed by more of the sentence. Lower case, without the final dot.
_NEVER_FINAL = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "rev", "hon", "sen", "rep", "gov", "pres", "gen", "lt", "col", "maj",
    "capt", "cpt", "sgt", "cpl", "pvt", "brig", "adm", "cmdr", "cdr", "lt.col", "lt.gen", "maj.gen",
    "brig.gen", "insp", "supt", "dsp", "asst", "st", "mt", "ft", "e.g", "i.e", "cf", "viz", "approx",
    "vs", "v", "nos", "rs", "fig", "vol", "pp", "para", "ref", "mohd", "muhd", "messrs",
})
# Abbreviations that usually continue the sentence but can end it ("...arrived in the U.S. The army
# said"): they end it only when the next word is a common sentence opener.
_MAYBE_FINAL = frozenset({
    "u.s", "u.n", "u.k", "u.a.e", "u.s.a", "u.s.s.r", "e.u", "etc", "a.m", "p.m", "inc", "ltd", "co",
    "corp", "jr", "sr", "bros", "dept", "govt", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "no", "ave", "blvd", "rd", "km", "kms", "mins", "hrs", "yrs", "intl", "natl", "assn", "est",
})
_SENTENCE_OPENERS = frozenset({
    "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "his", "her", "its", "their", "our",
    "this", "that", "these", "those", "there", "in", "on", "at", "but", "and", "however", "meanwhile",
    "according", "also", "after", "when", "while", "since", "last", "earlier", "later", "separately",
    "both", "some", "many", "most", "no", "if", "as", "for", "what", "why", "how", "who", "yet", "still",
})
# Nouns are left out on purpose: "U.S. officials", "U.N. Security Council", "U.S. Taliban envoy".
_INITIALS = re.compile(r"[A-Za-z](?:\.[A-Za-z])*")


def _ends_sentence(text: str, punct_start: int, punct: str, next_word: str) -> bool:
    """Whether terminal punctuation `punct` at `punct_start` ends a sentence, given the next word."""
    first = next_word[:1]
    if first.islower():
        return False
    if punct.rstrip("\"')]") != ".":
        return True  # "?", "!", ellipses and runs of dots before a capital end a sentence
    word_start = max(text.rfind(" ", 0, punct_start), text.rfind("\n", 0, punct_start)) + 1
    word = text[word_start:punct_start].lstrip("\"'([")
    key = word.casefold()
    if key in _NEVER_FINAL:
        return False
    if key in _MAYBE_FINAL:
        return not first.isdigit() and next_word.rstrip(",;:").casefold() in _SENTENCE_OPENERS
    # "M. Ali", "A.Q. Khan": a lone capital or dotted capitals are initials of a name, not a sentence
    # end (the dotted acronyms that can end one are listed above).
    return not (_INITIALS.fullmatch(word) and word[-1].isupper())


def split_sentences(text: str) -> list[Sentence]:
    """Sentence spans with offsets into `text`, in order, separated only by white space.

    A paragraph break always ends a sentence. Every non-space character belongs to exactly one span.
    """
    sentences: list[Sentence] = []
    start = len(text) - len(text.lstrip())
    for match in _BOUNDARY.finditer(text):
        if match.group("para") is not None:
            end, resume = match.start(), match.end()
            while end > start and text[end - 1].isspace():
                end -= 1
        else:
            gap_end = match.end()
            gap = match.group("gap")
            next_word = _NEXT_WORD.match(text, gap_end).group(1)
            is_paragraph_break = gap.count("\n") >= 2
            if not is_paragraph_break and not _ends_sentence(text, match.start("end"), match.group("end"),
                                                             next_word):
                continue
            end, resume = match.end("end"), gap_end
        if end > start:
            sentences.append(Sentence(start, end, text[start:end]))
        start = resume
    end = len(text.rstrip())
    if end > start:
        sentences.append(Sentence(start, end, text[start:end]))
    return sentences
