"""Builders of archive inputs for the ingest tests: fictional news pages
(written for these tests, invented outlets and people), a WARC made with
warcio, PDFs made with fpdf2. Nothing here is third-party text."""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass, field
from pathlib import Path

NAV = (
    '<nav class="site-nav"><a href="/">Home</a> <a href="/sport">Sport</a> '
    '<a href="/subscribe">Subscribe today</a></nav>'
)
AD = '<div class="ad-slot advertisement">SPONSORED: Miracle gutter cleaner, half price this week only</div>'
COMMENTS = (
    '<section id="comments" class="comments"><h2>Comments</h2>'
    '<div class="comment"><p>Reader comment: the council never listens to anyone, says Gravelwatcher.</p></div>'
    "</section>"
)
NAV_WORDS, AD_WORDS, COMMENT_WORDS = "Subscribe today", "Miracle gutter cleaner", "Gravelwatcher"


@dataclass
class Page:
    """A fictional news page; None leaves a metadata field out of the page."""

    title: str
    paragraphs: list[str]
    site_name: str | None = None
    published: str | None = None  # YYYY-MM-DD, as article:published_time and JSON-LD
    authors: list[str] = field(default_factory=list)
    canonical: str | None = None
    charset: str = "utf-8"

    def html(self) -> bytes:
        head = [f'<meta charset="{self.charset}">', f"<title>{html.escape(self.title)} | Front page</title>"]
        head.append(f'<meta property="og:title" content="{html.escape(self.title)}">')
        if self.site_name:
            head.append(f'<meta property="og:site_name" content="{html.escape(self.site_name)}">')
        if self.canonical:
            head.append(f'<link rel="canonical" href="{self.canonical}">')
        if self.published:
            head.append(f'<meta property="article:published_time" content="{self.published}T07:30:00+00:00">')
        for author in self.authors:
            head.append(f'<meta name="author" content="{html.escape(author)}">')
        body = "".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)
        document = (
            f"<!doctype html><html lang='en'><head>{''.join(head)}</head><body>{NAV}{AD}"
            f"<main><article><h1>{html.escape(self.title)}</h1>{body}</article></main>{COMMENTS}"
            "<footer>All rights reserved.</footer></body></html>"
        )
        return document.encode(self.charset)


# Three captures for the WARC, two saved pages: invented outlets, places and people.
WARC_PAGES = [
    (
        "https://www.saltmere-courier.example/news/2024/03/ferry-route-restored",
        Page(
            title="Ferry route to Holm Island restored after storm repairs",
            site_name="The Saltmere Courier",
            published="2024-03-11",
            authors=["Agnes Thorley"],
            paragraphs=[
                "The ferry between Saltmere and Holm Island resumed sailings on Monday after three weeks of repairs "
                "to the storm-damaged slipway, the harbour board said.",
                '"Islanders have been patient beyond what anyone could ask," said harbour master Colm Vester, '
                "who thanked the engineers who worked through the night shifts.",
                "The board said a second slipway would be strengthened before the autumn gales.",
            ],
        ),
    ),
    (
        "https://news.brackenford-gazette.example/local/library-hours",
        Page(
            title="Brackenford library extends evening opening hours",
            site_name="Brackenford Gazette",
            published="2024-03-12",
            authors=["Priya Oduya", "Tom Hallam"],
            paragraphs=[
                "Brackenford's central library will stay open until nine in the evening on weekdays from April, "
                "the town council announced on Tuesday.",
                "Councillor Maren Quist said the change followed a survey in which two thirds of residents asked "
                "for later opening, and would be paid for from the culture budget.",
            ],
        ),
    ),
    (
        # No date anywhere in the page or its URL: the capture date stands in, flagged.
        "https://www.saltmere-courier.example/opinion/harbour-wall",
        Page(
            title="Why the harbour wall cannot wait another winter",
            site_name="The Saltmere Courier",
            published=None,
            paragraphs=[
                "Every winter the sea takes another bite out of the old harbour wall, and every spring the "
                "repair bill grows larger than the one before it.",
                "The council should stop commissioning studies and start laying stone before the next gales arrive.",
            ],
        ),
    ),
]
WARC_CAPTURE = dt.datetime(2024, 3, 15, 9, 0, 0, tzinfo=dt.UTC)

HTML_FILES = {
    "marsh-road.html": Page(
        title="Marsh Road bridge reopens to cyclists",
        site_name="Fenwick Evening Post",
        published="2023-11-02",
        authors=["Dana Okafor"],
        canonical="https://fenwick-post.example/2023/11/02/marsh-road-bridge",
        paragraphs=[
            "The Marsh Road bridge in Fenwick reopened to cyclists and walkers on Thursday after a year-long "
            "refurbishment that replaced its timber deck.",
            '"It is the shortest way to school for hundreds of children," said head teacher Ilse Brandt.',
        ],
    ),
    "orchard-fair.htm": Page(
        title="Orchard fair returns to Kettleby green",
        site_name="Kettleby Chronicle",
        published="2023-09-16",
        canonical="https://kettleby-chronicle.example/orchard-fair",
        charset="windows-1252",
        paragraphs=[
            "The orchard fair returned to Kettleby green on Saturday, with forty growers selling apples, "
            "pears and cider from the Vale.",
            "Organiser Rosalind Fairweather said it was the busiest fair since the caf\u00e9 on the green opened.",
        ],
    ),
}


def write_warc(path: Path) -> None:
    """The three WARC_PAGES as request/response pairs, plus what a crawler
    also writes: warcinfo, a non-HTML response, a second capture of the
    first URL and a revisit record of the second."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as output:
        writer = WARCWriter(output, gzip=path.name.endswith(".gz"))
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "parallax-tests", "format": "WARC"}))
        date = WARC_CAPTURE.strftime("%Y-%m-%dT%H:%M:%SZ")
        for uri, page in WARC_PAGES:
            writer.write_record(_request(writer, uri, date))
            writer.write_record(_response(writer, uri, page.html(), "text/html; charset=utf-8", date))
        writer.write_record(
            _response(writer, "https://www.saltmere-courier.example/logo.png", b"\x89PNG\r\n", "image/png", date)
        )
        later = (WARC_CAPTURE + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        first_uri, first_page = WARC_PAGES[0]
        writer.write_record(_response(writer, first_uri, first_page.html(), "text/html; charset=utf-8", later))
        second_uri = WARC_PAGES[1][0]
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        revisit = writer.create_revisit_record(
            second_uri,
            digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=second_uri,
            refers_to_date=date,
            http_headers=http,
        )
        revisit.rec_headers.replace_header("WARC-Date", later)
        writer.write_record(revisit)


def _request(writer, uri: str, date: str):
    from warcio.statusandheaders import StatusAndHeaders

    http = StatusAndHeaders("GET / HTTP/1.1", [("Host", uri.split("/")[2])], is_http_request=True)
    return writer.create_warc_record(uri, "request", http_headers=http, warc_headers_dict={"WARC-Date": date})


def _response(writer, uri: str, body: bytes, content_type: str, date: str):
    from warcio.statusandheaders import StatusAndHeaders

    http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict={"WARC-Date": date}
    )


PDF_REPORT = {
    "title": "Annual report of the Corran Valley water board",
    "author": "Corran Valley Water Board",
    "publisher": "Corran Valley Record",
    "created": dt.datetime(2022, 6, 30, 12, 0, tzinfo=dt.UTC),
    "pages": [
        "The Corran Valley water board reports that leakage fell by a fifth in the year to March, "
        "after two hundred kilometres of old mains were relined.",
        "Chair Ottoline Marsh said the board would freeze charges for households on the lowest incomes "
        "and would publish reservoir levels every week during the summer.",
    ],
}


def write_pdf(path: Path, report: dict = PDF_REPORT) -> None:
    """A born-digital PDF: one text page per entry of report['pages'], the
    title, author and date in the info dictionary, the publisher in XMP."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(report["title"])
    pdf.set_author(report["author"])
    pdf.set_creation_date(report["created"])
    pdf.set_xmp_metadata(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:publisher><rdf:Bag><rdf:li>{html.escape(report['publisher'])}</rdf:li></rdf:Bag></dc:publisher>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    pdf.set_font("Helvetica", size=12)
    for text in report["pages"]:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    pdf.output(str(path))


def write_scanned_pdf(path: Path) -> None:
    """A PDF whose pages are only images, as a scanner makes them."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("L", (200, 280), color=235)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        buffer.seek(0)
        pdf.image(buffer, x=10, y=10, w=190)
    pdf.output(str(path))


# Text files in old encodings: accents and curly quotes must survive.
LATIN1_TEXT = (
    "date 2021-05-04\n"
    "Les propriétaires du café de la place Égalité, à Vérville, ont annoncé leur fermeture. "
    "« Nous avons tout essayé », a déclaré Hélène Größmann, qui tenait le café depuis vingt ans."
)
CP1252_TEXT = (
    "date 2021-06-08\n"
    "\u201cWe won\u2019t be moved,\u201d said Renée Faulkes, chair of the Tollgate allotment society \u2013 "
    "which has tended the plots since 1952 \u2013 after the council\u2019s vote on Tuesday."
)
UTF16_TEXT = (
    "date 2021-07-20\n"
    "Zoë Kowalczyk of the Łąkowa tenants\u2019 group said the naïve plan to sell the flats had been dropped."
)
BINARY_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def write_text_files(folder: Path) -> dict[str, str]:
    """latin1.txt, cp1252.txt, utf16.txt and a binary 'scan.txt'; returns name -> text written."""
    (folder / "latin1.txt").write_bytes(LATIN1_TEXT.encode("latin-1"))
    (folder / "cp1252.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    (folder / "utf16.txt").write_bytes(UTF16_TEXT.encode("utf-16"))
    (folder / "scan.txt").write_bytes(BINARY_BYTES)
    return {"latin1.txt": LATIN1_TEXT, "cp1252.txt": CP1252_TEXT, "utf16.txt": UTF16_TEXT}


def build_archive_folder(folder: Path) -> Path:
    """The acceptance folder of issue 15: a WARC of three pages, two HTML
    files, a PDF, Latin-1, Windows-1252 and UTF-16 text, a binary .txt."""
    folder.mkdir(parents=True, exist_ok=True)
    write_warc(folder / "crawl.warc.gz")
    for name, page in HTML_FILES.items():
        (folder / name).write_bytes(page.html())
    write_pdf(folder / "water-report.pdf")
    write_text_files(folder)
    return folder
