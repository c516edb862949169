"""What a word says about a source: the nouns that name people, institutions and texts,
the titles that come before a person's name, the words that make a name an organisation.

Pure: stdlib only. The lists are general English vocabulary, grouped by meaning (roles
and occupations, collectives, institutions, outlets, texts), not words collected from the
articles the engine is measured on; `noun_category` adds the English suffixes of agent
nouns (-ist, -ian, -ee, ...) for the occupations no list can hold.
"""

import re
from typing import NamedTuple

# People named by what they are or do: unnamed, they are anonymous sources.
PERSON_NOUNS = frozenset(
    """
    official source person expert analyst witness eyewitness resident diplomat aide insider
    observer activist spokesman spokeswoman spokesperson representative officer
    investigator researcher scientist economist worker employee member lawmaker
    legislator negotiator commander doctor physician surgeon nurse lawyer attorney
    prosecutor minister judge magistrate juror executive director chief president senator
    governor mayor author professor leader manager adviser advisor consultant engineer
    staffer survivor victim neighbor neighbour relative colleague friend student teacher
    paramedic firefighter detective agent trader banker investor strategist chairman
    chairwoman chairperson chair ceo founder cofounder co-founder secretary ambassador
    envoy general coach organizer organiser volunteer villager man woman boy girl child
    mother father parent son daughter wife husband brother sister uncle aunt cousin
    grandmother grandfather widow widower fiancee fiance historian archaeologist curator
    auditor protester protestor demonstrator fighter rebel militant insurgent soldier
    citizen voter patient forecaster meteorologist pollster campaigner shopper customer
    passenger farmer owner tenant landlord head opponent supporter critic skeptic sceptic
    councillor councilor councilman councilwoman mp coordinator administrator
    correspondent reporter journalist editor commentator columnist blogger writer
    lecturer politician candidate barrister solicitor priest pastor cleric imam rabbi
    bishop archbishop cardinal pope monk nun inspector attendee participant delegate guard
    pilot driver fan player athlete teammate captain referee umpire host guest speaker
    panelist panellist moderator chancellor premier king queen prince princess monarch
    dictator deputy undersecretary commissioner superintendent principal dean provost
    rector sheriff constable trooper marshal ranger warden coroner pathologist examiner
    medic therapist counsellor counselor caregiver homeowner shopkeeper vendor merchant
    entrepreneur businessman businesswoman industrialist contractor architect planner
    designer artist musician actor actress singer producer filmmaker novelist poet
    playwright photographer scholar academic theologian philosopher statistician
    veterinarian vet pharmacist dentist nutritionist dietitian intern graduate alumnus
    cadet recruit veteran sergeant lieutenant colonel major admiral marine sailor airman
    spy informant whistleblower defendant plaintiff claimant applicant suspect convict
    prisoner inmate detainee hostage refugee migrant immigrant emigrant settler native
    local senior junior elder youth teenager adult individual human somebody someone
    everyone anyone nobody onlooker bystander passerby commuter traveller traveler tourist
    visitor pilgrim worshipper mourner student householder taxpayer consumer user viewer
    listener reader subscriber follower member partner shareholder stakeholder
    policymaker lobbyist strategist operative insider outsider
    holder bearer proponent advocate backer ally rival foe enemy adversary challenger
    incumbent nominee appointee successor predecessor boss employer
    employee laborer labourer miner fisherman fishermen sailor
    rescuer responder firefighter lifeguard medic surgeon clinician practitioner
    specialist technician mechanic electrician plumber builder carpenter cook chef waiter
    waitress clerk cashier receptionist secretary assistant housekeeper nanny
    """.split()
)

# Unnamed collectives of people: "a team of researchers", "his family", "the crowd".
GROUP_NOUNS = frozenset(
    """
    team family crowd couple pair duo trio majority minority public audience delegation
    staff crew relatives people folks residents household households populace
    electorate jury squad cohort generation faction camp contingent circle entourage
    """.split()
)

# Institutions and outlets: the government, the court, the city, a newspaper.
INSTITUTION_NOUNS = frozenset(
    """
    government police ministry agency army military force forces company firm
    corporation business television tv radio broadcaster network channel newspaper
    paper magazine outlet media press council court tribunal committee commission
    department office administration authorities authority party group board union
    parliament congress senate legislature assembly regime coalition campaign bank
    university college school institute hospital clinic embassy consulate navy
    watchdog regulator manufacturer maker automaker carmaker retailer lender insurer
    airline carrier startup start-up charity ngo association organization organisation
    prosecution federation laboratory lab utility operator station junta cabinet club
    league service panel district developer museum gallery library foundation trust
    institution city town village municipality county province region state country
    nation government-agency website site publisher newswire wire broadcaster studio
    label sponsor secretariat directorate bureau inspectorate chamber caucus opposition
    church mosque diocese congregation movement alliance bloc front cartel gang militia
    brigade battalion regiment unit command headquarters mission consortium
    conglomerate subsidiary exchange fund syndicate guild lobby think-tank centre center
    observatory platform provider supplier distributor producer exporter importer
    airport port railway zoo prison jail hospital clinic charity nonprofit non-profit
    outfit franchise club side kremlin pentagon palace
    """.split()
)

# Texts and records: the report, a new study, the released emails.
DOCUMENT_NOUNS = frozenset(
    """
    report study survey poll statement release communique communiqué letter email e-mail
    memo memorandum document filing complaint lawsuit suit indictment affidavit
    transcript record records data figures statistics estimate estimates forecast
    projection model audit review assessment evaluation analysis findings finding
    result results research paper article post tweet message posting blog notice
    bulletin advisory alert order ruling decision verdict judgment judgement decree
    bill legislation regulation guidelines guideline plan proposal budget manifesto
    agreement treaty accord contract charter constitution declaration resolution motion
    petition book memoir biography autobiography documentary film broadcast programme
    program interview speech address testimony briefing newsletter brochure leaflet
    pamphlet questionnaire form note notes cable dossier warrant census screenshot
    footage video recording photo photograph image map chart graph table journal
    journals minutes summary abstract preprint thesis dissertation textbook
    encyclopedia dictionary reports rumour rumor rumours rumors account accounts
    documents files file leak leaks citation
    """.split()
)

# Nouns that are mostly something else and name a source only with a cue word after them.
_AMBIGUOUS = frozenset({"head", "chair", "local", "senior", "junior", "native"})


class NounCategory(NamedTuple):
    category: str  # "person", "group", "institution" or "document"
    singular: str
    plural: bool


_IRREGULAR_PLURALS = {
    "person": "people",
    "man": "men",
    "woman": "women",
    "child": "children",
    "alumnus": "alumni",
    "analysis": "analyses",
    "media": "media",
    "police": "police",
    "data": "data",
    "staff": "staff",
    "crew": "crew",
    "authorities": "authorities",
    "forces": "forces",
    "headquarters": "headquarters",
    "passerby": "passersby",
    "people": "peoples",
    "youth": "youths",
    "fisherman": "fishermen",
}


def plural_of(noun: str) -> str:
    """The regular (or listed) English plural of a noun."""
    if noun in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[noun]
    if noun.endswith("man") and noun not in ("german", "roman", "human", "shaman"):
        return noun[:-3] + "men"
    if noun.endswith(("s", "x", "z", "sh", "ch")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    if noun.endswith("fe"):
        return noun[:-2] + "ves"
    return noun + "s"


def _table() -> dict[str, NounCategory]:
    table: dict[str, NounCategory] = {}
    # Earlier groups win: a noun listed as a text ("paper") and an institution is a text
    # when plural and an institution when singular only if listed so.
    for category, nouns in (
        ("document", DOCUMENT_NOUNS),
        ("group", GROUP_NOUNS),
        ("institution", INSTITUTION_NOUNS),
        ("person", PERSON_NOUNS),
    ):
        for noun in nouns:
            table.setdefault(noun, NounCategory(category, noun, False))
            plural = plural_of(noun)
            if plural != noun:
                table.setdefault(plural, NounCategory(category, noun, True))
    for always_plural in ("people", "authorities", "police", "forces", "media", "residents"):
        entry = table[always_plural]
        table[always_plural] = NounCategory(entry.category, entry.singular, True)
    return table


_NOUNS = _table()

# English suffixes of agent nouns: a word ending so, not in a list above, is a person
# ("attendee", "climatologist", "Parisian", "inhabitant"). -ment, -ent words that are
# things are excluded by the exceptions.
_AGENT_SUFFIX = re.compile(
    r"(?:ists?|ians?|ees?|eers?|ants?|ents?|ers?|ors?|ives?|men|women|persons?|folks?)$"
)
_NOT_AGENTS = re.compile(
    r"(?:ment|ness|ance|ence|ities|ity|ership|ition|ation|"
    r"water|weather|paper|letter|number|matter|order|border|center|power|member"
    r"|corner|cancer|chapter|computer|counter|disaster|meter|monster|quarter|river"
    r"|summer|winter|dinner|layer|shelter|tower|transfer|trigger|error|mirror|factor"
    r"|floor|door|doctor|sector|motor|color|colour|honor|honour|labor|labour|rumor"
    r"|rumour|flavor|favor|favour|horror|terror|tumor|vapor|armor|harbor|mayor|minor"
    r"|major|tenor|event|cent|percent|content|intent|extent|talent|patent|moment"
    r"|incident|accident|element|environment|government|parliament|department|comment"
    r"|statement|agreement|argument|document|president|resident|student|agent|parent"
    r"|client|patient|opponent|respondent|correspondent|adolescent|descendant|tenant"
    r"|giant|plant|grant|variant|elephant|restaurant|archive|alternative|incentive"
    r"|initiative|perspective|objective|directive|executive|native|relative|captive"
    r"|representative|detective|operative|conservative|legislative|narrative|motive)s?$"
)


def noun_category(word: str) -> NounCategory | None:
    """What a common noun names as a source ("officials": person, plural), or None.

    Listed nouns first; otherwise a word with an agent suffix is a person ("a
    climatologist"). Words listed as ambiguous ("head", "chair") are left to the caller.
    """
    lower = word.lower().strip(".")
    found = _NOUNS.get(lower)
    if found is not None:
        return found
    if len(lower) > 4 and _AGENT_SUFFIX.search(lower) and not _NOT_AGENTS.search(lower):
        plural = lower.endswith(("s", "men", "folk"))
        singular = lower[:-1] if lower.endswith("s") else lower
        return NounCategory("person", singular, plural)
    return None


def is_ambiguous(word: str) -> bool:
    """Nouns that name a source only in some senses ("the head of", "the chair")."""
    return word.lower() in _AMBIGUOUS


# Titles that come before a person's name; stripped from the name, kept as roles.
TITLES = frozenset(
    """
    President Vice Prime Minister Secretary Senator Sen. Representative Rep. Congressman
    Congresswoman Governor Gov. Mayor Judge Justice Dr. Mr. Mrs. Ms. Miss Prof. Professor
    General Gen. Colonel Col. Lieutenant Lt. Sergeant Sgt. Captain Capt. Major Maj.
    Admiral Adm. Chief Director Chairman Chairwoman Chair Commissioner Ambassador
    Detective Det. Inspector Insp. Officer Sheriff Attorney Prosecutor Spokesman
    Spokeswoman Spokesperson King Queen Prince Princess Pope Sheikh Speaker Chancellor
    CEO CFO COO CTO Executive Deputy Superintendent Supt. Coach Rabbi Father Sister
    Brother Bishop Archbishop Cardinal Imam Reverend Rev. Agent Trooper Constable
    Commander Marshal Premier Dean Provost Rector Economist Councillor Councilor
    Councilman Councilwoman Alderman Assemblyman Assemblywoman Lord Lady Sir Dame Dr Mr
    Mrs Ms Prof Shadow Secretary-General Leader Manager Head President-elect Treasurer
    Attorney-General Solicitor-General Ombudsman Corporal Cpl. Private Pvt. Staff Sgt
    Mufti Ayatollah Emir Sultan Crown Chief-Executive Judge-Advocate Magistrate
    """.split()
)

# Words in a name that make it an organisation ("the Interior Ministry", "Acme Corp.").
CORPORATE_SUFFIXES = frozenset(
    "Inc Inc. Corp Corp. Co. Ltd Ltd. LLC PLC plc AG SA GmbH Group Holdings Company "
    "Corporation".split()
)
ORGANIZATION_CUES = CORPORATE_SUFFIXES | frozenset(
    """
    Companies Bank Ministry Department Agency Army Navy Force Forces Police Television TV
    Radio News Times Post Journal Press Herald Tribune Gazette Telegraph Reuters Bloomberg
    University College Institute Institution Council Court Committee Commission
    Parliament Congress Senate Assembly House Party Office Service Services Association
    Organization Organisation Foundation Fund Union Federation Authority Board Bureau
    Center Centre Network Airlines Airways Motors Systems Technologies Technology Labs
    Laboratory Laboratories Hospital Clinic School Church Club League Nations Coalition
    Alliance Front Guard Pentagon Kremlin Government Cabinet Administration Embassy
    Command Brigade Trust Partners Capital Securities Exchange Pharmaceuticals
    Therapeutics Media Broadcasting Studios Electric Industries International Society
    Academy Museum Observatory Survey Program Programme Mission Directorate Secretariat
    Province Energy Insurance Chamber Community Communities Ministries Agencies Unions
    Parties Councils Movement Watch Magazine Weekly Daily Review Channel Agency Authority
    Commissions Tribunal Legislature Municipality Prefecture Administration Corps
    Regiment Battalion Division Command Council Institute Institutes Initiative Project
    """.split()
)

# Words of place names: a name with one is a place, never a person ("South Korea says":
# a country speaking is an organisation, annotation guide C8).
PLACE_WORDS = frozenset(
    """
    North South East West Northern Southern Eastern Western Central New United Latin Saint
    San Santa Los Las Republic Kingdom States Islands Island Sea River Mountains Valley
    County City Street Avenue Road Square Park Bay Gulf Lake Coast Peninsula Strait Korea
    America Americas Africa Asia Europe Arabia Emirates Province
    """.split()
)

# Words that say a person is a woman or a man, for agreeing pronouns.
FEMININE = frozenset(
    """
    mrs. mrs ms. ms miss lady dame queen princess sister mother daughter wife widow aunt
    grandmother woman girl spokeswoman chairwoman congresswoman councilwoman
    assemblywoman businesswoman actress waitress fiancee nun madam
    """.split()
)
MASCULINE = frozenset(
    """
    mr. mr sir lord king prince brother father son husband widower uncle grandfather man
    boy spokesman chairman congressman councilman assemblyman businessman fiance monk
    """.split()
)
