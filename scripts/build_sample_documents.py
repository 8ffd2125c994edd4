"""Write the bundled sample corpus as a GOLD_FORMAT documents file, for `borderwatch evaluate`.

    python scripts/build_sample_documents.py [--samples samples] [--out tests/gold/samples.documents.jsonl]

Each .txt and .html sample is read exactly as `borderwatch ingest` reads it; its id is the file name
without extension (the ids tests/gold/samples.gold.jsonl uses). JSONL samples keep their own ids.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from borderwatch.ingest import read_documents
from borderwatch.model import DocStatus


def sample_records(samples: Path) -> Iterator[dict]:
    for doc in read_documents([samples]):
        if doc.status is DocStatus.FAILED:
            raise SystemExit(f"sample {doc.source} cannot be read: {doc.error}")
        source = Path((doc.source or "").split("#", 1)[0])
        doc_id = doc.id if source.suffix == ".jsonl" else source.stem
        yield {"id": doc_id, "url": doc.url, "title": doc.title,
               "published": doc.published.isoformat() if doc.published else None, "text": doc.text}


def render(samples: Path) -> str:
    records = sorted(sample_records(samples), key=lambda r: r["id"])
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=Path("samples"))
    parser.add_argument("--out", type=Path, default=Path("tests/gold/samples.documents.jsonl"))
    args = parser.parse_args(argv)
    args.out.write_text(render(args.samples), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
