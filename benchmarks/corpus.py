"""A seeded generator of realistic ~3 KB news articles on the Pakistan–Afghanistan border conflict.

The benchmark needs thousands of articles that cost what real ones cost: wire-style leads with a
dateline, attributions, casualty counts in words and digits, claims of responsibility, relative dates,
background paragraphs that recall older incidents, and boilerplate that clean-up must drop. Every
sentence template here was written for this project; the places are real districts and towns (all in
the shipped gazetteer), the outlets and people are fictional.

    from benchmarks.corpus import write_corpus
    summary = write_corpus(Path("/tmp/corpus"), count=10_000, seed=7)

The same `count` and `seed` always give byte-identical files.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

# Article text length the generator aims for, in characters: the "~3 KB" articles.
TARGET_CHARS = (2700, 3300)
# Shares of the three input shapes; the rest is .txt. HTML is rare because a real batch of news is
# mostly feeds and dumps, and each page costs trafilatura about 4 ms.
JSONL_SHARE = 0.35
HTML_SHARE = 0.03
# Articles per .jsonl file and per .txt sub-folder (a flat folder of 10,000 files is not realistic).
JSONL_LINES_PER_FILE = 250
TXT_FILES_PER_FOLDER = 500

FIRST_DAY = date(2015, 1, 1)
LAST_DAY = date(2025, 10, 31)
# US drone strikes in the tribal areas belong to an earlier era.
DRONE_ERA = (date(2010, 1, 1), date(2018, 7, 31))

# ------------------------------------------------------------------------------------------- the world

# (town, district, province) on the Pakistani side; town None means the district is named alone.
PK_PLACES = (
    ("Mir Ali", "North Waziristan", "Khyber Pakhtunkhwa"),
    ("Miranshah", "North Waziristan", "Khyber Pakhtunkhwa"),
    ("Datta Khel", "North Waziristan", "Khyber Pakhtunkhwa"),
    ("Spinwam", "North Waziristan", "Khyber Pakhtunkhwa"),
    ("Razmak", "North Waziristan", "Khyber Pakhtunkhwa"), ("Wana", "South Waziristan", "Khyber Pakhtunkhwa"),
    ("Makeen", "South Waziristan", "Khyber Pakhtunkhwa"), ("Parachinar", "Kurram", "Khyber Pakhtunkhwa"),
    ("Landi Kotal", "Khyber", "Khyber Pakhtunkhwa"), ("Khar", "Bajaur", "Khyber Pakhtunkhwa"),
    ("Kalaya", "Orakzai", "Khyber Pakhtunkhwa"), ("Chaman", "Qilla Abdullah", "Balochistan"),
    (None, "Bannu", "Khyber Pakhtunkhwa"), (None, "Lakki Marwat", "Khyber Pakhtunkhwa"),
    (None, "Tank", "Khyber Pakhtunkhwa"), (None, "Dera Ismail Khan", "Khyber Pakhtunkhwa"),
    (None, "Mohmand", "Khyber Pakhtunkhwa"), (None, "Kohat", "Khyber Pakhtunkhwa"),
    (None, "Hangu", "Khyber Pakhtunkhwa"), (None, "Chitral", "Khyber Pakhtunkhwa"),
    (None, "Zhob", "Balochistan"), (None, "Qila Saifullah", "Balochistan"),
)
# (district, province) on the Afghan side of the frontier.
AF_PLACES = (
    ("Barmal", "Paktika"), ("Urgun", "Paktika"), ("Spera", "Khost"), ("Tani", "Khost"),
    ("Dangam", "Kunar"), ("Shigal", "Kunar"), ("Asadabad", "Kunar"), ("Dand-e-Patan", "Paktia"),
    ("Zadran", "Paktia"), ("Spin Boldak", "Kandahar"), ("Achin", "Nangarhar"), ("Shinwar", "Nangarhar"),
    ("Nazyan", "Nangarhar"), ("Dur Baba", "Nangarhar"),
)
# (Pakistani side, Afghan side) of the crossings where the two armies meet.
CROSSINGS = (
    ("Torkham", "Nangarhar"), ("Chaman", "Spin Boldak"), ("Ghulam Khan", "Khost"), ("Kurram", "Paktia"),
)
# Militant groups as news writes them, with the name a claim of responsibility uses.
MILITANTS = (
    ("the Tehreek-e-Taliban Pakistan (TTP)", "the TTP"),
    ("the banned Tehrik-i-Taliban Pakistan", "the TTP"),
    ("the Hafiz Gul Bahadur group", "the Hafiz Gul Bahadur group"),
    ("Jamaat-ul-Ahrar, a TTP splinter group", "Jamaat-ul-Ahrar"),
    ("the Islamic State Khorasan Province (ISKP)", "the Islamic State's regional affiliate"),
    ("Tehreek-e-Jihad Pakistan", "Tehreek-e-Jihad Pakistan"),
)
OUTLETS = (
    "Frontier Wire", "Capital Ledger", "Border Desk", "Khyber Dispatch", "Indus Courier",
    "Peshawar Standard", "Kabul Morning", "Hindu Kush Herald", "Durand Line Monitor", "Margalla Times",
)
FIRST_NAMES = (
    "Muhammad", "Imran", "Asif", "Tariq", "Shahid", "Naveed", "Zahid", "Khalid", "Sajjad", "Fazal",
    "Irfan", "Bilal", "Rashid", "Hamid", "Noor", "Javed", "Amjad", "Sher", "Gul", "Wali",
)
LAST_NAMES = (
    "Khan", "Afridi", "Wazir", "Dawar", "Shinwari", "Mehsud", "Yousafzai", "Khattak", "Orakzai",
    "Bangash", "Marwat", "Kakar", "Achakzai", "Mohmand", "Durrani", "Safi", "Jadoon", "Bettani",
)
NUMBER_WORDS = (
    "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    published: date
    url: str
    outlet: str
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(slots=True)
class CorpusSummary:
    articles: int = 0
    files: int = 0
    bytes: int = 0
    text_chars: int = 0
    by_format: dict[str, int] = field(default_factory=lambda: {"txt": 0, "jsonl": 0, "html": 0})


# --------------------------------------------------------------------------------------- small phrases


def _count(rng: random.Random, n: int, *, start: bool = False) -> str:
    """A count as news writes it: words up to twelve most of the time, digits above."""
    words = n < len(NUMBER_WORDS) and rng.random() < 0.75
    phrase = NUMBER_WORDS[n] if words else str(n)
    if rng.random() < 0.2:
        phrase = "at least " + phrase
    return phrase[0].upper() + phrase[1:] if start else phrase


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _when(rng: random.Random, event_day: date, published: date) -> str:
    """The event day relative to publication, in one of the ways wire copy says it."""
    weekday = WEEKDAYS[event_day.weekday()]
    if event_day == published and rng.random() < 0.4:
        return rng.choice(("on " + weekday, "earlier today", "this morning"))
    return rng.choice((
        f"on {weekday}", f"late on {weekday}", f"early on {weekday}", f"on {weekday} night",
        f"on {MONTHS[event_day.month - 1]} {event_day.day}", f"before dawn on {weekday}",
    ))


def _pk_place(rng: random.Random) -> tuple[str, str, str]:
    """(where, district, province): "Mir Ali, North Waziristan" or "the Bannu district"."""
    town, district, province = rng.choice(PK_PLACES)
    if town is None:
        where = rng.choice((f"the {district} district", f"{district} district of {province}"))
        return where, district, province
    return rng.choice((f"{town}, {district}", f"{town} in the {district} district",
                       f"{town} area of {district}")), district, province


# ---------------------------------------------------------------------------------- incident leads
# Each writer returns (dateline place, headline, paragraphs) for one incident. `day` is the event day.


def _post_attack(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    where, district, _ = _pk_place(rng)
    group, short = rng.choice(MILITANTS)
    dead, hurt, attackers = rng.randint(2, 16), rng.randint(0, 9), rng.randint(3, 12)
    target = rng.choice(("a security forces check post", "an army post", "a Frontier Corps camp",
                         "a police station"))
    when = _when(rng, day, published)
    title = (f"{_count(rng, dead, start=True)} soldiers killed as militants storm "
             f"{target.split(' ', 1)[1]} in {district}")
    paras = [
        f"{_count(rng, dead, start=True)} Pakistani soldiers were killed and {_count(rng, hurt)} others "
        f"wounded {when} when militants attacked {target} in {where}, the military said.",
        f"According to the Inter-Services Public Relations (ISPR), the attackers opened fire from several "
        f"directions before one of them tried to ram an explosives-laden vehicle into the compound. Troops "
        f"returned fire and {_count(rng, attackers)} militants were killed in the exchange, the ISPR said.",
        f"{short[0].upper() + short[1:]} claimed responsibility for the attack in a message sent to "
        f"journalists. "
        f"Officials described the assailants as fighters of {group} who had crossed from Afghanistan.",
        f"A senior police official in {district}, who spoke on condition of anonymity because he was not "
        f"authorised to talk to the media, said the wounded had been taken to a military hospital in "
        f"{rng.choice(('Bannu', 'Peshawar', 'Dera Ismail Khan', 'Kohat'))}.",
    ]
    return district.upper(), title, paras


def _roadside_bomb(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    where, district, _ = _pk_place(rng)
    dead, hurt = rng.randint(1, 9), rng.randint(1, 14)
    convoy = rng.choice(("a military convoy", "a police van", "a vehicle carrying security personnel",
                         "a Frontier Corps patrol"))
    officer = _person(rng)
    title = f"Roadside bomb kills {_count(rng, dead)} in {district}"
    paras = [
        f"A roadside bomb struck {convoy} in {where} {_when(rng, day, published)}, killing "
        f"{_count(rng, dead)} security personnel and wounding {_count(rng, hurt)}, officials said.",
        f"District police officer {officer} told reporters the device had been planted under a culvert and "
        f"was detonated by remote control as the vehicles passed. Bomb disposal experts said it contained "
        f"about {rng.randint(5, 40)} kilograms of explosives.",
        rng.choice((
            "No group immediately claimed responsibility, but suspicion fell on the Pakistani Taliban, who "
            "have stepped up attacks on security forces in the region.",
            f"{rng.choice(MILITANTS)[1].capitalize()} later said it carried out the bombing.",
        )),
        f"Security forces cordoned off the area and began a search operation, {officer} said.",
    ]
    return district.upper(), title, paras


def _suicide_bombing(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    where, district, province = _pk_place(rng)
    venue = rng.choice(("a crowded market", "a mosque inside a police compound", "a political rally",
                        "the gate of a district court", "a bus terminal"))
    dead, hurt = rng.randint(4, 60), rng.randint(10, 120)
    low = max(1, dead - rng.randint(1, 6))
    title = f"Suicide bomber kills {dead} at {venue.split(' ', 1)[1]} in {district}"
    paras = [
        f"A suicide bomber blew himself up at {venue} in {where} {_when(rng, day, published)}, killing "
        f"{_count(rng, dead)} people and wounding {_count(rng, hurt)}, officials said.",
        f"Hospital officials put the toll at {low}, while the provincial health minister said in a statement "
        f"that {dead} bodies had been brought to hospitals in {district}. Most of the dead were civilians, "
        f"including {_count(rng, rng.randint(2, 6))} children.",
        rng.choice((
            f"{rng.choice(MILITANTS)[1].capitalize()} claimed responsibility for the bombing.",
            "The Pakistani Taliban denied involvement, and no other group claimed the attack.",
            "There was no immediate claim of responsibility.",
        )),
        f"The chief minister of {province} condemned the attack and ordered an inquiry into the security "
        f"arrangements at the site.",
    ]
    return district.upper(), title, paras


def _security_operation(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    where, district, _ = _pk_place(rng)
    killed, martyred = rng.randint(3, 30), rng.randint(0, 5)
    word = rng.choice(("terrorists", "khawarij", "militants"))
    title = f"{killed} {word} killed in intelligence-based operation in {district}, says ISPR"
    paras = [
        f"Security forces killed {_count(rng, killed)} {word} during an intelligence-based operation in "
        f"{where} {_when(rng, day, published)}, the military's media wing said.",
        "The ISPR said in a statement that troops had engaged the militants' location and that weapons and "
        "ammunition were recovered. The militants had been involved in attacks on security forces and the "
        "killing of civilians in the area, it said.",
        (f"{_count(rng, martyred, start=True)} soldiers were martyred in the exchange of fire, the statement "
         f"added."
         if martyred else "No casualties among the troops were reported."),
        "A sanitisation operation was under way to clear any other militants found in the area, the ISPR "
        "said.",
    ]
    return "RAWALPINDI", title, paras


def _air_strike(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    district, province = rng.choice(AF_PLACES)
    dead = rng.randint(2, 46)
    women, children = rng.randint(0, dead // 2), rng.randint(0, dead // 3)
    title = f"Taliban say Pakistani air strikes in {province} killed {dead} civilians"
    paras = [
        f"Pakistani aircraft bombed what Islamabad called militant hideouts in the {district} district of "
        f"{province} province {_when(rng, day, published)}, and Afghanistan's Taliban administration said "
        f"{_count(rng, dead)} civilians were killed.",
        f"Taliban spokesman Zabihullah Mujahid said in a post on X that the dead included "
        f"{_count(rng, women)} women and {_count(rng, children)} children, and called the strikes a "
        f"violation of Afghanistan's sovereignty. \"Such acts will not go unanswered,\" he said.",
        rng.choice((
            "Pakistan's military did not comment on the strikes.",
            "Pakistani security officials, speaking on condition of anonymity, said the raids targeted "
            f"camps of the Tehreek-e-Taliban Pakistan and killed {rng.randint(10, 40)} fighters.",
            "Pakistan's Foreign Office said it had conducted intelligence-based anti-terrorist operations in "
            "the border regions inside Afghanistan.",
        )),
        f"Residents of {district} told reporters by telephone that several homes had been destroyed.",
    ]
    return "KABUL", title, paras


def _border_clash(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    pk_side, af_side = rng.choice(CROSSINGS)
    pk_dead, af_dead = rng.randint(1, 23), rng.randint(1, 58)
    title = f"Pakistani and Afghan forces exchange fire near {pk_side}"
    paras = [
        f"Pakistani and Afghan Taliban forces exchanged heavy fire along the border near {pk_side} "
        f"{_when(rng, day, published)}, officials on both sides said, in the latest flare-up along the "
        f"disputed frontier.",
        f"The ISPR said {_count(rng, pk_dead)} Pakistani soldiers were martyred and claimed that more than "
        f"{af_dead} Taliban fighters had been killed when troops responded to unprovoked firing from the "
        f"Afghan side.",
        f"Afghanistan's defence ministry said its forces in {af_side} had retaliated against Pakistani posts "
        f"and put its own losses at {_count(rng, rng.randint(1, 9))} dead. It accused Pakistan of shelling "
        f"villages and wounding {_count(rng, rng.randint(2, 20))} civilians.",
        f"The {pk_side} crossing was closed to trade and travellers, leaving hundreds of lorries stranded on "
        f"both sides.",
    ]
    return "ISLAMABAD", title, paras


def _targeted_killing(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    where, district, _ = _pk_place(rng)
    victims = rng.choice(("two policemen guarding a polio vaccination team", "a police constable",
                          "a tribal elder and his son", "three members of a peace committee"))
    title = f"Gunmen kill {victims.split(' guarding')[0]} in {district}"
    paras = [
        f"Gunmen on a motorcycle shot dead {victims} in {where} {_when(rng, day, published)} and escaped, "
        f"police said.",
        f"Station house officer {_person(rng)} said the attackers fired from close range before fleeing "
        f"toward the hills. A case had been registered and raids were being carried out to arrest them.",
        rng.choice((
            "The TTP said in a statement that its fighters had carried out the attack.",
            "No one claimed the killing, but police said the Pakistani Taliban had targeted officers in the "
            "district before.",
        )),
    ]
    return district.upper(), title, paras


def _drone_strike(rng: random.Random, day: date, published: date) -> tuple[str, str, list[str]]:
    town, district, _ = rng.choice(PK_PLACES[:7])
    dead = rng.randint(2, 12)
    title = f"US drone strike kills {dead} suspected militants in {district}"
    paras = [
        f"A US drone fired {_count(rng, rng.randint(2, 4))} missiles at a compound near {town} in the "
        f"{district} tribal region {_when(rng, day, published)}, killing {_count(rng, dead)} suspected "
        f"militants, two Pakistani intelligence officials said.",
        "The officials, who spoke on condition of anonymity because they were not authorised to brief "
        "reporters, said the identities of the dead were not immediately known. Pakistan's Foreign Office "
        "condemned the strike as a violation of its sovereignty.",
        "Washington rarely comments on the covert drone programme, which has targeted militants of the "
        "Haqqani network and al-Qaeda in the region since 2004.",
    ]
    return "PESHAWAR", title, paras


INCIDENT_WRITERS: tuple[Callable[[random.Random, date, date], tuple[str, str, list[str]]], ...] = (
    _post_attack, _post_attack, _roadside_bomb, _suicide_bombing, _security_operation,
    _security_operation, _air_strike, _border_clash, _targeted_killing,
)

# ------------------------------------------------------------------------- background and boilerplate


def _background(rng: random.Random, published: date) -> list[str]:
    """Context paragraphs, shuffled: they fill an article out to length as real wire copy does."""
    _, district, _ = rng.choice(PK_PLACES)
    earlier = published - timedelta(days=rng.randint(8, 120))
    group = rng.choice(MILITANTS)[0]
    crossing = rng.choice(CROSSINGS)[0]
    paras = [
        "Violence has risen sharply in Khyber Pakhtunkhwa and Balochistan since the Taliban returned to "
        "power in Kabul in August 2021, and a ceasefire between Islamabad and the Pakistani Taliban "
        "collapsed in November 2022.",
        "Islamabad accuses the Taliban government in Kabul of allowing militants to use Afghan soil to "
        "plan attacks inside Pakistan, a charge the Taliban deny. Kabul in turn says Pakistan's security "
        "problems are its own.",
        f"In {MONTHS[earlier.month - 1]}, {_count(rng, rng.randint(3, 20))} soldiers were killed in an "
        f"attack on a convoy in {district}, one of the deadliest in the region that year.",
        f"The {district} region, a former tribal area that was merged into Khyber Pakhtunkhwa in 2018, was "
        f"a stronghold of militants until a major army offensive in 2014 pushed many of them across the "
        f"border.",
        "The 2,640-kilometre frontier, known as the Durand Line, was drawn in 1893 and has never been "
        "formally recognised by any government in Kabul. Pakistan has fenced most of it, to the Taliban's "
        "anger.",
        f"Analysts say {group} has regrouped in the border provinces of Afghanistan and has grown bolder "
        f"since 2021, using weapons left behind by foreign forces.",
        f"Trade through the {crossing} crossing, one of the main routes for goods between the two "
        f"countries, has been repeatedly suspended during clashes, costing traders millions of rupees a day.",
        "The United Nations has urged both sides to exercise restraint and to protect civilians, many of "
        "whom have fled border villages for camps in nearby towns.",
        f"Officials said {_count(rng, rng.randint(20, 90))} security personnel had been killed in the "
        f"province since January, most of them in ambushes and bomb attacks.",
        "Relations between the two neighbours have deteriorated over the deportation of hundreds of "
        "thousands of Afghan refugees from Pakistan, which Islamabad began in late 2023.",
        "Pakistan's military says it has carried out thousands of intelligence-based operations in the "
        "north-west over the past year. Independent verification is difficult because journalists need "
        "permission to enter much of the region and mobile internet is often cut.",
        f"Local elders in {district} held a jirga last month to demand that the government restore peace, "
        f"saying traders and farmers could no longer move freely after dark. Shops in the main bazaar have "
        f"been closing early for weeks.",
        "Talks between delegations of the two countries, hosted by Qatar and Turkey, produced a fragile "
        "truce in the past, but each side accused the other of violating it within days.",
        f"The {crossing} route carries fruit, coal and cement, and transporters say every closure leaves "
        f"perishable goods rotting in queues that stretch for kilometres.",
        "Human rights groups say civilians in the border districts are caught between militants who extort "
        "and threaten them and security operations that force families to leave their homes.",
    ]
    rng.shuffle(paras)
    return paras


def _reaction(rng: random.Random) -> str:
    return rng.choice((
        "Prime Minister Shehbaz Sharif condemned the attack and said the nation stood with its security "
        "forces against terrorism.",
        "The interior minister said those responsible would be brought to justice and that the fight against "
        "terrorism would continue until the last militant was eliminated.",
        f"Funeral prayers were offered at "
        f"{rng.choice(('the garrison', 'the police lines', 'the district headquarters'))} and attended by "
        f"senior officials.",
        "Opposition leaders questioned the government's strategy and demanded a briefing in parliament.",
    ))


def _boilerplate(rng: random.Random, outlet: str, year: int) -> list[str]:
    lines = [
        "Advertisement",
        f"Follow {outlet} on X and Facebook for the latest updates.",
        "Subscribe to our newsletter for daily news from the region.",
        f"Reporting by {_person(rng)} in Peshawar; Writing by {_person(rng)}; Editing by {_person(rng)}",
        f"Copyright © {year} {outlet}. All rights reserved.",
        "Read more: Border crossing reopens after talks",
    ]
    return rng.sample(lines, rng.randint(1, 3))


# ---------------------------------------------------------------------------------------- one article


def _random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def generate_article(rng: random.Random, number: int) -> Article:
    writer = _drone_strike if rng.random() < 0.05 else rng.choice(INCIDENT_WRITERS)
    first, last = DRONE_ERA if writer is _drone_strike else (FIRST_DAY, LAST_DAY)
    published = _random_day(rng, first, last)
    day = published - timedelta(days=rng.choice((0, 1, 1, 1, 2, 3)))
    dateline, title, paras = writer(rng, day, published)
    outlet = rng.choice(OUTLETS)
    paras[0] = f"{dateline}{rng.choice((' — ', ': ', ' -- '))}{paras[0]}"
    paras.insert(rng.randint(2, len(paras)), _reaction(rng))
    target = rng.randint(*TARGET_CHARS)
    body = sum(len(p) + 2 for p in paras)
    for extra in _background(rng, published):
        if body >= target:
            break
        paras.append(extra)
        body += len(extra) + 2
    paras.extend(_boilerplate(rng, outlet, published.year))
    slug = "-".join(title.lower().split()[:6]).replace(",", "")
    url = f"https://{outlet.lower().replace(' ', '')}.example.org/{published:%Y/%m/%d}/{slug}-{number}"
    return Article(f"bench-{number:06d}", title, published, url, outlet, tuple(paras))


def generate_articles(count: int, seed: int) -> Iterator[Article]:
    rng = random.Random(seed)
    for number in range(count):
        yield generate_article(rng, number)


# ------------------------------------------------------------------------------------ the three shapes


def _published_spelling(rng: random.Random, day: date) -> str:
    return rng.choice((day.isoformat(), f"{day.day} {MONTHS[day.month - 1]} {day.year}",
                       f"{MONTHS[day.month - 1]} {day.day}, {day.year}", f"{day.isoformat()}T09:30:00+05:00"))


def text_file(article: Article, rng: random.Random) -> str:
    """The .txt shape: front matter most of the time, else a bare headline paragraph (docs/ingest.md)."""
    if rng.random() < 0.1:
        return f"{article.title}\n\n{article.text}\n"
    return (f"Title: {article.title}\nPublished: {_published_spelling(rng, article.published)}\n"
            f"URL: {article.url}\nOutlet: {article.outlet}\n\n{article.text}\n")


def jsonl_line(article: Article) -> str:
    record = {"id": article.id, "url": article.url, "title": article.title,
              "published": article.published.isoformat(), "text": article.text}
    return json.dumps(record, ensure_ascii=False) + "\n"


def html_page(article: Article) -> str:
    """A saved news page: head metadata, site chrome, the article, a related box and a footer."""
    e = html.escape
    body = "\n".join(f"      <p>{e(p)}</p>" for p in article.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(article.title)} | {e(article.outlet)}</title>
  <meta property="og:title" content="{e(article.title)}">
  <meta property="og:site_name" content="{e(article.outlet)}">
  <meta property="article:published_time" content="{article.published.isoformat()}T08:00:00+05:00">
  <link rel="canonical" href="{e(article.url)}">
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/pakistan">Pakistan</a> <a href="/world">World</a>
    <a href="/opinion">Opinion</a></nav></header>
  <div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
  <main>
    <article>
      <h1>{e(article.title)}</h1>
      <p class="byline">By Staff Reporter</p>
{body}
    </article>
    <aside><h2>Related stories</h2><ul><li><a href="/a">Curfew lifted in Bannu after talks</a></li>
      <li><a href="/b">Polio drive resumes in Bajaur</a></li></ul></aside>
  </main>
  <footer><p>© {article.published.year} {e(article.outlet)}. All rights reserved.</p></footer>
</body>
</html>
"""


def write_corpus(directory: Path, count: int, seed: int) -> CorpusSummary:
    """Write `count` articles under `directory` as .txt, .jsonl and .html; streamed, so memory stays flat."""
    directory.mkdir(parents=True, exist_ok=True)
    shape_rng = random.Random(seed ^ 0x5EED)  # a second stream, so shapes do not shift the articles
    summary = CorpusSummary()
    jsonl: TextIO | None = None
    jsonl_lines = 0
    try:
        for article in generate_articles(count, seed):
            summary.articles += 1
            summary.text_chars += len(article.text)
            roll = shape_rng.random()
            if roll < HTML_SHARE:
                summary.bytes += _write(directory / "html" / f"{article.id}.html", html_page(article))
                summary.files += 1
                summary.by_format["html"] += 1
            elif roll < HTML_SHARE + JSONL_SHARE:
                if jsonl is None or jsonl_lines == JSONL_LINES_PER_FILE:
                    if jsonl is not None:
                        jsonl.close()
                    path = directory / "jsonl" / f"batch-{summary.by_format['jsonl']:06d}.jsonl"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    jsonl, jsonl_lines = path.open("w", encoding="utf-8"), 0
                    summary.files += 1
                line = jsonl_line(article)
                jsonl.write(line)
                jsonl_lines += 1
                summary.bytes += len(line.encode("utf-8"))
                summary.by_format["jsonl"] += 1
            else:
                folder = f"{summary.by_format['txt'] // TXT_FILES_PER_FOLDER:04d}"
                path = directory / "txt" / folder / f"{article.id}.txt"
                summary.bytes += _write(path, text_file(article, shape_rng))
                summary.files += 1
                summary.by_format["txt"] += 1
    finally:
        if jsonl is not None:
            jsonl.close()
    return summary


def _write(path: Path, content: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8")
    path.write_bytes(data)
    return len(data)
