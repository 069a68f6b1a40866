"""Not a timing: the JSON of `/api/search` (and of the facet listing) for a
fixed, varied set of requests, one line each, through the Flask test client.
Run it on both sides of a search speed change (copy the script into the
other checkout) on the same index and `cmp` the files: they must be equal.

    python benchmarks/search_snapshot.py --data DIR --out FILE

The requests cover bench_http's mix and more: words, phrases, OR, AND, NOT,
exclusion, parentheses, prefixes, the empty query, every facet filtered
(one value, two values, typed in another case, a value outside the top ten,
an unknown value), dates, both sorts, paging and page sizes. Filter values
are read from the index (the most frequent values and a few further down),
so the set means the same on any corpus.
"""

from __future__ import annotations

import argparse
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402


def requests_for(values: dict[str, list[str]]) -> list[str]:
    outlet, person, place, org = (values[f] for f in ("outlet", "person", "place", "org"))
    searches: list[dict[str, object]] = [
        # bench_http's mix
        {"q": "immigration"},
        {"q": '"supreme court"'},
        {"q": "tax OR budget -trump"},
        {"q": "election", "outlet": outlet[0]},
        {"q": "president", "person": person[0], "place": place[0]},
        {"q": "police", "outlet": outlet[0], "person": person[0], "place": place[0]},
        {"q": "senate", "from": "2018-01-01", "to": "2018-12-31", "sort": "date"},
        {"place": place[0]},
        {"q": "police", "page": "5"},
        # more shapes
        {},
        {"sort": "date"},
        {"page": "3"},
        {"q": "climate change"},
        {"q": "health care", "sort": "date", "page": "2"},
        {"q": '"white house" -russia'},
        {"q": "trade AND china"},
        {"q": "(iran OR iraq) AND sanctions"},
        {"q": "NOT trump"},
        {"q": "econom*"},
        {"q": "vacc* mandate"},
        {"q": "immigration", "size": "1"},
        {"q": "immigration", "size": "50"},
        {"q": "immigration", "size": "100", "page": "2"},
        {"q": "gun control", "from": "2019-01-01"},
        {"q": "gun control", "to": "2015-12-31"},
        {"q": "shooting", "from": "2020-03-01", "to": "2020-03-31", "sort": "date"},
        {"q": "zzzyqxnotaword"},
        {"q": "the"},
        {"q": "!!!"},
        {"q": "biden", "outlet": outlet[1]},
        {"q": "biden", "outlet": [outlet[0], outlet[1]]},
        {"outlet": outlet[2], "sort": "date"},
        {"q": "economy", "person": person[1]},
        {"q": "economy", "person": [person[0], person[1]]},
        {"person": person[3], "place": place[2]},
        {"q": "war", "place": place[1]},
        {"q": "war", "place": [place[1], place[3]]},
        {"q": "court", "org": org[0]},
        {"org": org[1], "outlet": outlet[0]},
        {"q": "budget", "outlet": outlet[0], "person": person[0], "place": place[0], "org": org[0]},
        {"q": "police", "person": person[12]},  # a value outside the top ten
        {"q": "trump", "person": person[15], "outlet": outlet[14]},
        {"q": "election", "outlet": outlet[0].lower()},  # typed in another case
        {"q": "election", "person": person[0].upper()},
        {"q": "election", "place": "kiev"},  # an alias, perhaps
        {"q": "election", "person": "Nobody Atall"},  # nothing has it
        {"q": "senate", "outlet": outlet[0], "from": "2016-01-01", "to": "2016-12-31", "sort": "date", "page": "2"},
        {"q": "obama", "sort": "date", "size": "20"},
        {"q": "kyiv"},
        {"q": "putin"},
        {"q": "covid vaccine", "place": place[0]},
        {"q": "protest -police", "outlet": outlet[3]},
        {"q": '"climate change" OR "global warming"'},
        {"place": place[0], "page": "4", "size": "25"},
        {"q": "tax", "org": [org[0], org[2]], "sort": "date"},
        {"q": "news", "from": "2012-06-01", "to": "2012-06-30"},
        {"q": "immigration", "page": "200"},
    ]
    listings: list[tuple[str, dict[str, object]]] = [
        ("person", {"q": "president"}),
        ("place", {"q": "war", "contains": "ir"}),
        ("outlet", {"q": "election", "outlet": outlet[0], "size": "50"}),
        ("org", {"page": "2"}),
    ]
    urls = [f"/api/search?{urllib.parse.urlencode(params, doseq=True)}" for params in searches]
    urls += [f"/api/facets/{facet}?{urllib.parse.urlencode(p, doseq=True)}" for facet, p in listings]
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    client = create_app({"PARALLAX_DATA": args.data, "PARALLAX_BACKEND": "embedded", "TESTING": True}).test_client()
    top = client.get("/api/search?" + urllib.parse.urlencode({"size": "1"})).get_json()["facets"]
    values = {facet: [v["value"] for v in top[facet]] for facet in top}
    for facet in values:  # values further down come from the facet listing
        listing = client.get(f"/api/facets/{facet}?size=20").get_json()
        values[facet] = [v["value"] for v in listing["values"]]
    with open(args.out, "w", encoding="utf-8") as out:
        for url in requests_for(values):
            response = client.get(url)
            # The body as served, byte for byte (one line: Flask's JSON has no newlines inside).
            body = response.get_data(as_text=True).strip()
            out.write(f"{response.status_code} {url}\n{body}\n")


if __name__ == "__main__":
    main()
