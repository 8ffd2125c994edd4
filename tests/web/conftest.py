"""Shared fixtures for the web tests: a real uvicorn server on 127.0.0.1 over a store in a temp dir.

`live_server(db_path, token=None, tiles_url=None)` starts (once per arguments, for the whole session)
a server for the store at `db_path` and returns its base URL, e.g. "http://127.0.0.1:53211".
`api_store` is a small store built by the project's own ingest of a few articles plus 500 imported
events (enough for several pages); `API_ARTICLES` are those articles.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import uvicorn

from borderwatch.ingest.jsonl import parse_jsonl_line
from borderwatch.model import DateRange, Event, EventSource, Place, Precision
from borderwatch.pipeline import ingest_documents
from borderwatch.store import open_store
from borderwatch.web import create_app

# Short reports in the phrasing of wire and regional outlets: claims that disagree, a response to an
# earlier attack, and one headline carrying markup and SQL as data.
API_ARTICLES = [
    {"id": "dawn-2024-03-16", "url": "https://www.dawn.com/news/1820001", "outlet": "Dawn",
     "title": "Seven soldiers martyred in Mir Ali attack", "published": "2024-03-16",
     "text": "Seven soldiers were martyred when militants attacked a security forces post in Mir Ali, North "
             "Waziristan, on Saturday, the ISPR said. The military said six attackers were killed in the "
             "exchange of fire. The Tehreek-i-Taliban Pakistan claimed responsibility for the attack."},
    {"id": "tolo-2024-03-18", "url": "https://tolonews.com/afghanistan-187700", "outlet": "TOLOnews",
     "title": "Pakistani airstrikes kill eight civilians in Khost and Paktika", "published": "2024-03-18",
     "text": "Pakistani military aircraft bombed homes in the Barmal district of Paktika province early on "
             "Monday, killing eight civilians, Islamic Emirate spokesman Zabihullah Mujahid said. The strikes "
             "came two days after the attack on a security post in Mir Ali."},
    {"id": "reuters-2024-03-18", "url": "javascript:alert(1)", "outlet": "Reuters",
     "title": "<script>window.__xss=1</script> Pakistan strikes '; DROP TABLE events; --",
     "published": "2024-03-18",
     "text": "Pakistan carried out airstrikes inside Afghanistan on Monday, killing at least eight people, "
             "Taliban officials said, in retaliation for the attack in Mir Ali. Pakistan's foreign office "
             "said the operation targeted militants of the Hafiz Gul Bahadur group."},
    {"id": "express-2024-04-02", "url": "https://tribune.com.pk/story/2460001", "outlet": "Express Tribune",
     "title": "Two policemen killed in Dera Ismail Khan", "published": "2024-04-02",
     "text": "Two policemen were killed and three injured when unidentified gunmen opened fire on a police "
             "checkpoint in Dera Ismail Khan on Tuesday night, police said."},
]
SYNTHETIC_EVENTS = 500
SYNTHETIC_ACTORS = ("TTP", "PAK-MIL", "AFG-TAL", "ISKP", "PAK-POL", "BLA")
SYNTHETIC_TYPES = (("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
                   ("Violence against civilians", "Attack"))


def synthetic_event(i: int, rng: random.Random) -> Event:
    """An imported (UCDP) event with varied, seeded fields; some undated, some without a death toll."""
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(3650))
    country = rng.choice(("PK", "PK", "AF"))
    event_type, sub_type = rng.choice(SYNTHETIC_TYPES)
    best = rng.choice((None, 0, 1, 2, 4, 9, 25))
    return Event(
        id=f"ucdp-test-{i:04d}", event_type=event_type, sub_event_type=sub_type,
        date=None if i % 50 == 7 else DateRange(day, day, Precision.DAY),
        place=Place(id=f"test:{i % 40}", name=f"Village {i % 40}", country=country, admin1=f"Province {i % 5}",
                    admin2=None, lat=31 + rng.random() * 4, lon=66 + rng.random() * 6, precision=1),
        country=country, actor1=rng.choice(SYNTHETIC_ACTORS), actor2=rng.choice((*SYNTHETIC_ACTORS, None)),
        fatalities_low=best, fatalities_best=best, fatalities_high=best, source=EventSource.UCDP,
        source_id=str(i), contested=i % 17 == 0, origin_country="AF" if i % 23 == 0 else None,
        impact_country="PK" if i % 23 == 0 else None)


def build_api_store(path: Path) -> Path:
    """A store with the articles ingested by the project's pipeline and the synthetic imported events."""
    documents = [parse_jsonl_line(json.dumps(a).encode(), "test") for a in API_ARTICLES]
    rng = random.Random(20240318)
    with open_store(path) as store:
        ingest_documents(documents, store)
        store.add_events(synthetic_event(i, rng) for i in range(SYNTHETIC_EVENTS))
    return path


@pytest.fixture(scope="session")
def api_store(tmp_path_factory) -> Path:
    return build_api_store(tmp_path_factory.mktemp("api") / "events.db")


@dataclass(slots=True)
class RunningServer:
    server: uvicorn.Server
    thread: threading.Thread
    url: str

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(db_path: str | Path, token: str | None = None, tiles_url: str | None = None) -> RunningServer:
    """uvicorn in a thread on a free port of 127.0.0.1, returned once it accepts connections."""
    app = create_app(db_path, write_token=token, tiles_url=tiles_url)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    return RunningServer(server, thread, f"http://127.0.0.1:{port}")


@pytest.fixture(scope="session")
def live_server():
    """Start (or reuse) a server: live_server(db_path, token=None, tiles_url=None) -> base URL."""
    running: dict[tuple, RunningServer] = {}

    def start(db_path: str | Path, token: str | None = None, tiles_url: str | None = None) -> str:
        key = (str(db_path), token, tiles_url)
        if key not in running:
            running[key] = start_server(db_path, token, tiles_url)
        return running[key].url

    yield start
    for server in running.values():
        server.stop()
