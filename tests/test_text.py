"""Tests for borderwatch.text: clean-up rules, paragraph de-duplication, sentence splitting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borderwatch.text import boilerplate_rule, clean_text, content_id, split_sentences

# --- character normalisation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\u201cWe will respond,\u201d the spokesman said.", '"We will respond," the spokesman said.'),
        ("Pakistan\u2019s Foreign Office", "Pakistan's Foreign Office"),
        ("the so-called \u2018good Taliban\u2019", "the so-called 'good Taliban'"),
        ("\u201eDie Taliban\u201c sagten", '"Die Taliban" sagten'),
        ("\u00abIslamic Emirate\u00bb", '"Islamic Emirate"'),
        ("Ta\u02bcif", "Ta'if"),
    ],
)
def test_clean_text_makes_quotes_ascii(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Pakistan\u2010Afghanistan border", "Pakistan-Afghanistan border"),
        ("cross\u2011border firing", "cross-border firing"),
        ("temperatures of \u22125 degrees", "temperatures of -5 degrees"),
        ("eight people \u2013 five women and three children \u2013 were killed",
         "eight people \u2013 five women and three children \u2013 were killed"),
        ("Khost\u2014where the strikes hit\u2014lies east",
         "Khost\u2013where the strikes hit\u2013lies east"),
        ("between 8\u201410 militants", "between 8\u201310 militants"),
        ("Pakistan, US join hands \u2015 The Diplomat", "Pakistan, US join hands \u2013 The Diplomat"),
    ],
)
def test_clean_text_uses_two_dashes(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("North\u00a0Waziristan", "North Waziristan"),
        ("Mir\u202fAli", "Mir Ali"),
        ("Spe\u200bra district", "Spera district"),
        ("\ufeffISLAMABAD: Troops", "ISLAMABAD: Troops"),
        ("Bajaur   tribal \t district", "Bajaur tribal district"),
        ("soft\u00adhyphen", "softhyphen"),
        ("  leading and trailing  ", "leading and trailing"),
        ("Cafe\u0301 Peshawar", "Caf\u00e9 Peshawar"),  # NFC
        ("bell\x07 and null\x00 removed", "bell and null removed"),
    ],
)
def test_clean_text_plain_spaces_and_nfc(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


# --- paragraphs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Windows line ends and several blank lines.
        ("First paragraph.\r\n\r\n\r\n\r\nSecond paragraph.\r\n", "First paragraph.\n\nSecond paragraph."),
        # One paragraph per line, as HTML extractors and wire feeds write them.
        ("PESHAWAR: Two soldiers were martyred.\nThe ISPR said an operation was under way.",
         "PESHAWAR: Two soldiers were martyred.\n\nThe ISPR said an operation was under way."),
        # Hand-wrapped text: a line starting in lower case continues the sentence.
        ("Security forces killed six militants in an intelligence-based\n"
         "operation in Lakki Marwat, the ISPR said.",
         "Security forces killed six militants in an intelligence-based operation in Lakki Marwat, "
         "the ISPR said."),
        ("The attack took place in Khyber district,\nPakistan, on Friday.",
         "The attack took place in Khyber district, Pakistan, on Friday."),
        # Blank lines holding only spaces still separate paragraphs.
        ("One.\n   \nTwo.", "One.\n\nTwo."),
        # Paragraph separator and page break characters.
        ("One.\u2029Two.\x0cThree.", "One.\n\nTwo.\n\nThree."),
    ],
)
def test_clean_text_paragraphs(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_keeps_headings() -> None:
    raw = ("Pakistan strikes hideouts in Afghanistan\n\nISLAMABAD: Jets struck targets in Khost.\n\n"
           "Past US incursions into Pakistan\n\nIn November 2011, helicopters attacked a post in Mohmand.")
    assert clean_text(raw).split("\n\n") == [
        "Pakistan strikes hideouts in Afghanistan",
        "ISLAMABAD: Jets struck targets in Khost.",
        "Past US incursions into Pakistan",
        "In November 2011, helicopters attacked a post in Mohmand.",
    ]


def test_clean_text_drops_repeated_paragraphs() -> None:
    quote = "\u201cSuch incidents can have very bad consequences,\u201d Mujahid said."
    raw = "\n\n".join([
        "Taliban warn Pakistan after strikes in Khost",
        "KABUL: The Taliban said Pakistani jets killed eight people in Spera district.",
        quote,
        "Taliban warn Pakistan after strikes in Khost",   # the headline repeated above the body
        "Pakistan's Foreign Office said the operations targeted the Hafiz Gul Bahadur group.",
        quote.replace("\u201c", '"').replace("\u201d", '"'),  # pull quote, straight quotes
        "such incidents can have very bad consequences, Mujahid said",  # case and edge punctuation
    ])
    assert clean_text(raw).split("\n\n") == [
        "Taliban warn Pakistan after strikes in Khost",
        "KABUL: The Taliban said Pakistani jets killed eight people in Spera district.",
        '"Such incidents can have very bad consequences," Mujahid said.',
        "Pakistan's Foreign Office said the operations targeted the Hafiz Gul Bahadur group.",
    ]


# --- boilerplate ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "rule"),
    [
        ("Advertisement", "advertisement"),
        ("ADVERTISEMENT", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("Sign up for our daily newsletter to get the top stories in your inbox.", "subscribe_prompt"),
        ("Subscribe now for unlimited access", "subscribe_prompt"),
        ("Get the newsletter", "newsletter"),
        ("The best of Dawn, delivered to your inbox every morning: our newsletter.", "newsletter"),
        ("Weekly Newsletter", "newsletter"),
        ("Tags: Pakistan, Afghanistan, TTP, Khost", "tags"),
        ("Topics: Security", "tags"),
        ("Share this article", "share_bar"),
        ("Share on Facebook | Twitter | WhatsApp", "share_bar"),
        ("Read more: Seven soldiers martyred in Mir Ali suicide attack", "read_more"),
        ("READ: Pakistan summons Afghan envoy over cross-border firing", "read_more"),
        ("Also Read: TTP claims attack on Bannu cantonment", "read_more"),
        ("Related Stories", "read_more"),
        ("Click here to subscribe for full access.", "click_here"),
        ("For more stories from The Media Line go to themedialine.org", "more_stories"),
        ("Follow The Express Tribune on Twitter for the latest updates.", "follow_us"),
        ("Credit: AP Photo/Anjum Naveed, File", "photo_credit"),
        ("Photo: Reuters/File", "photo_line"),
        ("(photo credit: Kena Betancur/Pool via REUTERS)", "photo_credit"),
        ("Soldiers stand guard at the Torkham crossing, September 2, 2021. (credit: REUTERS/Staff)",
         "credit_caption"),
        ("Mourners carry a coffin in Peshawar on Monday. (AP Photo/Muhammad Sajjad)", "wire_photo_caption"),
        ("Residents inspect a damaged house in Khost. (Photo: AFP)", "photo_caption"),
        ("FILE \u2013 Pakistan Army troops patrol along the border fence in Khyber district.",
         "ap_file_caption"),
        ("Reporting by Mushtaq Ali in Peshawar; Editing by Gareth Jones", "wire_credit"),
        ("Our Standards: The Thomson Reuters Trust Principles.", "trust_principles"),
        ("\u00a9 2024 Frontier Herald", "copyright"),
        ("Copyright 2023 The Associated Press. All rights reserved.", "copyright"),
        ("We use cookies to improve your experience. By continuing to browse you accept our policy.",
         "cookie_notice"),
        ("Do you like this article? Click here to subscribe for full access. Only $5 per month.",
         "reader_prompt"),
        ("Skip to content", "site_chrome"),
        ("Leave a Reply", "comments_heading"),
        ("\u2022 Bob Baker says:", "comment_byline"),
        ("irebukeu says:", "comment_byline"),
        ("12 Responses to \u201cUS military will not pursue Taliban\u201d", "comments_heading"),
    ],
)
def test_boilerplate_rule_names_the_rule(paragraph: str, rule: str) -> None:
    assert boilerplate_rule(paragraph) == rule
    assert clean_text(paragraph) == ""


@pytest.mark.parametrize(
    "paragraph",
    [
        "Security officials said the militants had been sharing intelligence with the TTP leadership.",
        "The TTP's monthly newsletter claimed 45 attacks in March.",
        "Read the full statement, the ISPR told reporters, was issued late on Monday.",
        "Credit for the operation went to the Frontier Corps, the minister said.",
        "Taliban officials said the photo was taken in Kunar.",
        "Tags were found on the bodies of the slain militants, police said.",
        "Subscribers to the militants' Telegram channel received the claim within minutes.",
        "Follow-up raids were conducted in Bajaur on Tuesday.",
        "File records show the suspect had been arrested twice before.",
        "Related clashes erupted in Kurram later in the day.",
        "Pakistan says: no talks with the TTP.",
        "Comments by the Afghan foreign minister angered Islamabad.",
        "The ISPR said:",
        "The spokesman says:",
        "In a statement, the Foreign Office said:",
        "Responses",
    ],
)
def test_boilerplate_rule_leaves_news_prose_alone(paragraph: str) -> None:
    assert boilerplate_rule(paragraph) is None
    assert clean_text(paragraph) == paragraph


def test_clean_text_removes_boilerplate_in_an_article() -> None:
    raw = "\n\n".join([
        "Skip to content",
        "Seven soldiers martyred in North Waziristan attack",
        "Advertisement",
        "MIR ALI: Seven soldiers were martyred when a suicide bomber rammed a vehicle into a post.",
        "Photo: Reuters/File",
        "The ISPR said all six attackers were killed in the ensuing exchange of fire.",
        "Read more: Army chief vows response to Mir Ali attack",
        "Tags: Pakistan, North Waziristan, ISPR",
        "Share this article",
    ])
    assert clean_text(raw).split("\n\n") == [
        "Seven soldiers martyred in North Waziristan attack",
        "MIR ALI: Seven soldiers were martyred when a suicide bomber rammed a vehicle into a post.",
        "The ISPR said all six attackers were killed in the ensuing exchange of fire.",
    ]


def test_clean_text_drops_reader_comments_to_the_end() -> None:
    raw = "\n\n".join([
        "US military will not pursue Taliban into Pakistan",
        "A Pentagon spokesman said US forces have no authority to go into Pakistan.",
        "Pakistan responded furiously to past incursions.",
        "\u2022 Bob Baker says:",
        "March 22, 2018 at 10:05 am",
        "Don't chase them across the border.",
        "\u2022 Colin says:",
        "With friends like these, who needs enemies.",
    ])
    assert clean_text(raw).split("\n\n") == [
        "US military will not pursue Taliban into Pakistan",
        "A Pentagon spokesman said US forces have no authority to go into Pakistan.",
        "Pakistan responded furiously to past incursions.",
    ]


def test_comments_link_above_the_article_does_not_cut_it() -> None:
    raw = "Comments (12)\n\nPakistan closes Torkham\n\nThe crossing was shut after firing.\n\nTrade halted."
    assert clean_text(raw).split("\n\n") == [
        "Pakistan closes Torkham", "The crossing was shut after firing.", "Trade halted.",
    ]


# --- idempotence ---------------------------------------------------------------------------------

_FRAGMENTS = [
    "Advertisement", "Tags: TTP", "\u2022 Ken says:", "Read more: x", "\u201cquoted\u201d", "it\u2019s",
    "8\u201310", "\u2014", "\u00a0", "\u200b", "\r\n", "\n", "\n\n", "  ", "\t", "e\u0301", "\u2029",
    "Comments", "Khost,", "lower case", "Mr.", "U.S.", "(photo credit: AP)", "\x0c", "\u3000", "\u2000",
]
_messy_text = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=40
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_messy_text)
def test_clean_text_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(_messy_text)
def test_clean_text_output_shape(raw: str) -> None:
    cleaned = clean_text(raw)
    assert "\n\n\n" not in cleaned and "  " not in cleaned
    for paragraph in cleaned.split("\n\n") if cleaned else []:
        assert paragraph and paragraph == paragraph.strip() and "\n" not in paragraph


# --- content ids ---------------------------------------------------------------------------------


def test_content_id_is_sha256_of_normalised_text() -> None:
    text = "Pakistani jets struck Khost.\n\nEight people were killed."
    assert content_id(text).startswith("sha256:") and len(content_id(text)) == len("sha256:") + 64
    assert content_id(text) == content_id("Pakistani jets struck Khost. Eight people were killed.  ")
    assert content_id(text) != content_id("Pakistani jets struck Paktika.\n\nEight people were killed.")


# --- sentences -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lt. Col. Mike Andrews told Pajhwok. US forces could ask for authority.",
         ["Lt. Col. Mike Andrews told Pajhwok.", "US forces could ask for authority."]),
        ("Army chief Gen. Asim Munir met Maj. Gen. Ahmed Sharif. They discussed Kurram.",
         ["Army chief Gen. Asim Munir met Maj. Gen. Ahmed Sharif.", "They discussed Kurram."]),
        ("Capt. Ahmed and Sgt. Ali were martyred. Dr. Khan treated the wounded.",
         ["Capt. Ahmed and Sgt. Ali were martyred.", "Dr. Khan treated the wounded."]),
        ("Mr. Price said U.S. officials were in talks. Sen. Graham agreed.",
         ["Mr. Price said U.S. officials were in talks.", "Sen. Graham agreed."]),
        ("The U.N. Security Council met. Gov. Ali spoke.",
         ["The U.N. Security Council met.", "Gov. Ali spoke."]),
        ("He flew back to the U.S. The talks ended.", ["He flew back to the U.S.", "The talks ended."]),
        ("In Nov. 2011, helicopters fired on a post. In Dec. 2011 the route closed.",
         ["In Nov. 2011, helicopters fired on a post.", "In Dec. 2011 the route closed."]),
        ("Attacks rose on Jan. 5 and Feb. 12. Sept. was calmer. Aug. 15 marks the takeover.",
         ["Attacks rose on Jan. 5 and Feb. 12.", "Sept. was calmer.", "Aug. 15 marks the takeover."]),
        ("No. 9 Squadron flew the sortie. It returned safely.",
         ["No. 9 Squadron flew the sortie.", "It returned safely."]),
        ("He was taken to St. Mary's hospital. He died there.",
         ["He was taken to St. Mary's hospital.", "He died there."]),
        ("Groups, e.g. the TTP and HGB, operate there, i.e. in Khost. Officials agree.",
         ["Groups, e.g. the TTP and HGB, operate there, i.e. in Khost.", "Officials agree."]),
        ("Arms, vehicles, etc. were seized. The raid ended.",
         ["Arms, vehicles, etc. were seized.", "The raid ended."]),
        ("Analyst M. Ali and A.Q. Khan disagreed. Both spoke to Dawn.",
         ["Analyst M. Ali and A.Q. Khan disagreed.", "Both spoke to Dawn."]),
        ('"We will respond," he said. "There is no evidence." Next, Mujahid spoke.',
         ['"We will respond," he said.', '"There is no evidence."', "Next, Mujahid spoke."]),
        ('"Why now?" he asked. Why indeed! The strikes went on.',
         ['"Why now?" he asked.', "Why indeed!", "The strikes went on."]),
        ("Casualties rose 3.5 percent to 1,234. The toll was 12.",
         ["Casualties rose 3.5 percent to 1,234.", "The toll was 12."]),
        ("The shelling went on... Then silence. He paused\u2026 And resumed.",
         ["The shelling went on...", "Then silence.", "He paused\u2026", "And resumed."]),
        ("The attack came at 10 p.m. The army responded at dawn.",
         ["The attack came at 10 p.m.", "The army responded at dawn."]),
        ("The blast was at 9 a.m. on Friday. Police cordoned off the area.",
         ["The blast was at 9 a.m. on Friday.", "Police cordoned off the area."]),
        ("It cost Rs. 5 million (about $18,000). The grant was approved.",
         ["It cost Rs. 5 million (about $18,000).", "The grant was approved."]),
        ("He said (see the report.) Then left.", ["He said (see the report.)", "Then left."]),
        ("Headline without a full stop\n\nISLAMABAD: Body text.",
         ["Headline without a full stop", "ISLAMABAD: Body text."]),
        ("Ends with Lt.\n\nNew paragraph.", ["Ends with Lt.", "New paragraph."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    assert all(text[s.start:s.end] == s.text for s in sentences)


def _assert_spans_tile_text(text: str) -> None:
    sentences = split_sentences(text)
    position = 0
    for sentence in sentences:
        assert sentence.start >= position and sentence.end > sentence.start
        assert text[position:sentence.start].strip() == ""  # only white space between sentences
        assert sentence.text == text[sentence.start:sentence.end]
        assert sentence.text == sentence.text.strip()
        position = sentence.end
    assert text[position:].strip() == ""


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(
    [". ", "? ", "! ", "...", "\n\n", "\n", " ", '." ', "Mr. ", "U.S. ", "A. ", "3.5", "The ", "word", "(",
     ")", '"', "'", "e.g. ", "No. ", "\u2026 "]), st.text(max_size=6)), max_size=50).map("".join))
def test_sentence_spans_are_ordered_contiguous_and_cover_all_text(text: str) -> None:
    _assert_spans_tile_text(text)


def test_paragraph_break_always_ends_a_sentence() -> None:
    text = clean_text("Attack in Bajaur, officials said\n\nthe toll rose to 12 by evening")
    assert [s.text for s in split_sentences(text)] == [
        "Attack in Bajaur, officials said", "the toll rose to 12 by evening",
    ]


# --- speed ---------------------------------------------------------------------------------------

_ARTICLE = "\n\n".join([
    "Pakistani jets strike hideouts in Khost, Taliban say eight killed",
    "ISLAMABAD: Pakistani aircraft struck suspected hideouts of the Tehreek-e-Taliban Pakistan in "
    "Afghanistan\u2019s Khost and Paktika provinces early on Monday, officials said, two days after a "
    "suicide attack killed seven soldiers in North Waziristan.",
    "Advertisement",
    "Zabihullah Mujahid, the spokesman for the Afghan Taliban government, said eight people \u2013 five "
    "women and three children \u2013 were killed when bombs hit homes in Spera district of Khost.",
    "\u201cSuch incidents can have very bad consequences which will be out of Pakistan\u2019s control,\u201d "
    "Mujahid said in a statement on X. Lt. Gen. Ahmed Sharif of the ISPR did not comment.",
]) * 4


def test_long_paragraphs_without_boundaries_are_cleaned_and_split() -> None:
    # speed is measured by benchmarks/; this checks the hostile input is handled and nothing is lost
    hostile = ("Click here " + "a, " * 200 + "\n") * 20 + "x" * 50_000
    sentences = split_sentences(clean_text(hostile))
    assert sentences and sentences[-1].text.endswith("x" * 100)
