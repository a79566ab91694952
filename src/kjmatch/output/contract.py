"""The JSON documents kjmatch writes, as types: the stable contract.

`documents.py` builds them (mypy checks the keys); `schemas.py` turns them into
the JSON Schemas committed under `schema/output/`. One meaning per key across
documents: `components` are always component values in [0, 1], `contributions`
always points of the score, `weights` always the weights used.

Bump CONTRACT when a key changes meaning or goes away (adding keys does not).
"""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

CONTRACT = 3


class Meta(TypedDict):
    version: str  # kjmatch's version
    document: str  # which document this is: match, explain, ...
    contract: int  # CONTRACT: changes only when a key changes meaning or goes away


class Names(TypedDict):
    en: str
    ko: str
    ja: str


class Ref(TypedDict):
    id: str
    name: str


class Source(TypedDict):
    publisher: str | None
    title: str | None  # for a computed figure: the file it was computed from
    year: int
    url: str | None
    sha256: str | None  # for a computed figure: the SHA-256 of that file, else null


class ProductLevel(TypedDict):
    id: str
    name: str
    level: int
    captive: bool  # made only for the firm's own use: it supplies no one with it
    home_market: bool  # sold only in the firm's own country (a licence's territory)


class Strength(TypedDict):
    sector: str
    stage: str
    stage_name: str
    level: int
    products: list[ProductLevel]
    tags: list[str]
    note: str
    as_of: int
    sources: list[Source]
    historical: str | None  # why an old rating is kept (the curator's words), else null


class Relationship(TypedDict):
    id: str
    korea: str
    japan: str
    sectors: list[str]
    products: list[str]
    type: str
    status: str
    year: int
    ended: int | None
    last_confirmed: int | None
    summary: str
    value: str | None
    novelty_only: bool  # true: makes the pair not new, earns no credit at any link
    sources: list[Source]
    historical: str | None  # why an old tie is kept as it stands, else null


class Operation(TypedDict):
    name: str
    location: str
    activity: str
    since: int | None
    source: Source


class Player(TypedDict):
    id: str
    name: str
    native_name: str
    aliases: list[str]
    country: Literal["KR", "JP"]
    kind: str
    group: str | None
    ticker: str | None
    partner_country_operations: list[Operation]
    strengths: list[Strength]


class SectorRow(TypedDict):
    id: str
    name: str
    names: Names
    stages: int
    korea_players: int
    japan_players: int
    relationships: int
    stage_ids: list[str]


class SectorsDoc(TypedDict):
    kjmatch: Meta
    sectors: list[SectorRow]


class CompaniesDoc(TypedDict):
    kjmatch: Meta
    companies: list[Player]


class Side(TypedDict):
    id: str
    name: str
    native_name: str
    stage: str
    stage_name: str
    product: str
    product_name: str
    level: int  # the firm's level at `product`


class PairStability(TypedDict):
    top_share: float  # share of samples with the pair in the list's top N
    rank_min: int | None  # the range of its `rank` (null where `rank` is)
    rank_max: int | None


class StabilitySummary(TypedDict):
    samples: int
    seed: int
    spread: float
    top_n: int
    kendall_tau_mean: float
    kendall_tau_min: float


Direction = Literal["jp-to-kr", "kr-to-jp", "horizontal", "same-stage"]


class Evidence(TypedDict):
    component: str  # gap, security or relationship
    kind: str  # import_share, export_control or tie
    product: str  # the product it concerns ("" for a tie)
    text: str
    year: int
    age: int  # years before the ranking's as_of year
    discount: float  # 0.5^(age / half-life)
    value: float
    counted: float  # value × discount
    source: str
    historical: str | None  # why the old fact or tie behind it is kept, else null
    note: str | None  # the fact's own note (what a trade line covers), else null


class HistoricalNote(TypedDict):
    component: str  # the component it drives (gap)
    text: str  # the item and the curator's reason for keeping it


class Pairing(TypedDict):
    rank: int | None  # in the full sector ranking (equal scores share it); None: not computed
    tied: bool  # another pairing has the same score (and so the same rank)
    position: int  # place in this list (after filters)
    score: float
    direction: Direction
    in_house: bool  # a supply link whose buyer makes the supplier's product as well: rivals
    korea: Side
    japan: Side
    components: dict[str, float]
    contributions: dict[str, float]
    reasons: list[str]
    relationships: list[Relationship]
    other_links: int
    stability: NotRequired[PairStability]


class Leaders(TypedDict):
    korea: list[str]
    japan: list[str]


class MatchDoc(TypedDict):
    kjmatch: Meta
    sector: Ref
    scenario: str | None
    weights: dict[str, float]
    as_of: int  # the year evidence was aged from
    new_only: bool  # pairs with a documented tie (any sector) left out
    beyond_leaders: bool  # pairs of two sector leaders left out
    directions: list[Direction]  # the directions ranked (all four unless --direction)
    korea: list[str] | None  # --korea firm ids, null when every Korean firm is ranked
    japan: list[str] | None  # --japan firm ids, null when every Japanese firm is ranked
    candidates: int
    more_tied: int  # pairs --top left out that share the last shown pair's score
    leaders: Leaders  # the sector leaders (rated 5) among the firms ranked
    pairings: list[Pairing]
    stability: NotRequired[StabilitySummary]


class SectorPairing(Pairing):
    sector: Ref


class Firm(TypedDict):
    id: str
    name: str
    native_name: str
    country: Literal["KR", "JP"]
    sectors: list[str]  # every sector it has strengths in


class PartnersDoc(TypedDict):
    kjmatch: Meta
    firms: list[Firm]
    sectors: list[str]  # the sectors searched
    scenario: str | None
    weights: dict[str, float]
    as_of: int
    new_only: bool
    beyond_leaders: bool  # pairs of two sector leaders left out
    directions: list[Direction]  # the directions ranked (all four unless --direction)
    candidates: int
    more_tied: int  # pairs --top left out that share the last shown pair's score
    pairings: list[SectorPairing]


class ComparedPairing(SectorPairing):
    evidence: list[Evidence]


class ComponentDifference(TypedDict):
    component: str
    a_value: float
    a_points: float
    b_value: float
    b_points: float
    difference: float


class CompareDoc(TypedDict):
    kjmatch: Meta
    weights: dict[str, float]
    as_of: int
    a: ComparedPairing
    b: ComparedPairing
    difference: dict[str, float]  # per component: B's contribution − A's, in points
    score_difference: float
    by_component: list[ComponentDifference]  # the same, one record per component (jsonl)


class DependenceRow(TypedDict):
    sector: Ref
    stage: str
    products: list[str]
    importer: Literal["KR", "JP"]
    partner: str
    value: float
    item: str
    year: int
    age: int
    discount: float
    aged_value: float
    source: Source
    computed: bool  # computed from trade statistics (`kjmatch trade import`), not reported
    # a reported figure that a computed one (same products, importer, partner; same year or
    # later) replaces in the matcher: that figure's source label and year; else null
    superseded_by: str | None
    historical: str | None  # why an old figure is kept (the curator's words), else null
    note: str | None  # the figure's own note (what a trade line covers), else null


class DependenceDoc(TypedDict):
    kjmatch: Meta
    as_of: int
    importer: str | None
    partner: str | None  # a country code, "pair", "third" or None (all)
    dependence: list[DependenceRow]


class ImportedStrength(TypedDict):
    sector: str
    stage: str
    products: dict[str, int]
    captive: list[str]  # of its products, those made only for the firm's own use
    home_market: list[str]  # those it may sell only in its own country


class ImportedFirm(TypedDict):
    id: str
    name: str
    country: Literal["KR", "JP"]
    strengths: list[ImportedStrength]


class DefaultUsed(TypedDict):
    default: str  # which default, in words
    rows: int  # how many rows took it


class ImportDoc(TypedDict):
    kjmatch: Meta
    file: str
    data_dir: str
    written: str
    rows: int
    firms: list[ImportedFirm]
    defaults: list[DefaultUsed]
    ignored_columns: list[str]  # headers import does not read (a contact, a phone number)


class Link(TypedDict):
    direction: Direction
    in_house: bool  # the buyer makes the supplier's product as well: rivals more than trade
    korea_stage: str
    japan_stage: str
    korea_product: str
    japan_product: str
    korea_level: int
    japan_level: int
    hops: int
    score: float
    components: dict[str, float]
    contributions: dict[str, float]
    reasons: list[str]
    evidence: list[Evidence]  # the dated facts behind gap, security and relationship
    # historical ratings that drive a component without being a side of the link: the
    # buyer country's strongest maker of the supplier's product, which sets gap
    historical: list[HistoricalNote]
    korea_strength: Strength
    japan_strength: Strength


class ExplainSector(TypedDict):
    sector: Ref
    rank: int | None  # None: too many pairs in the sector to rank them all
    tied: bool
    score: float
    links: list[Link]
    relationships: list[Relationship]
    # supplies between the two in this sector that a rule cut (captive, home market,
    # sold only where made, a whole-input step), each naming the rule
    cut: list[str]


class ExplainDoc(TypedDict):
    kjmatch: Meta
    korea: Player
    japan: Player
    scenario: str | None
    weights: dict[str, float]
    as_of: int
    sectors: list[ExplainSector]
    relationships: list[Relationship]  # the pair's ties in every sector, linked or not
    # why `sectors` is empty (no common sector, or no linked products and the rules
    # that cut each supply), as stderr says it; null when the two are linked
    no_link: str | None


class StagePlayer(TypedDict):
    id: str
    name: str
    level: int


class ExportControl(TypedDict):
    imposed_by: str
    products: list[str]
    hs_codes: list[str]
    item: str
    year: int
    status: Literal["in_force", "suspended", "lifted"]
    source: Source
    historical: str | None  # why an old control is kept, else null


class ImportShare(TypedDict):
    importer: Literal["KR", "JP"]
    partner: str
    products: list[str]
    hs_codes: list[str]
    value: float
    item: str
    year: int
    source: Source
    computed: bool  # computed from trade statistics (`kjmatch trade import`), not reported
    historical: str | None  # why an old figure is kept, else null


class Absence(TypedDict):
    country: Literal["KR", "JP"]  # has no maker of the product, as the source says
    year: int
    note: str
    source: Source


class ChainProduct(TypedDict):
    id: str
    name: str
    names: Names
    hs_codes: list[str]
    hs_note: str | None  # why a code is indicative, broad or national, else null
    inputs: list[str]  # product ids (its own, or its stage's fallback)
    feeds: list[str]
    korea: list[StagePlayer]  # strongest first
    japan: list[StagePlayer]
    stronger: Literal["KR", "JP", "even", "none"]
    gap: Literal["KR", "JP"] | None
    captive: list[str]  # ids of its makers that make it only for their own use
    home_market: list[str]  # ids of its makers that may sell it only in their own country
    absent: list[Absence]  # documented absences (a gap without one is a hole in the data)


class ChainStage(TypedDict):
    id: str
    name: str
    names: Names
    kind: str
    hs_codes: list[str]  # all its products' codes
    inputs: list[str]  # stage ids
    feeds: list[str]
    products: list[ChainProduct]
    korea: list[StagePlayer]  # strongest first (the top 3 in `chain`, all in `show sector`)
    japan: list[StagePlayer]
    korea_count: int
    japan_count: int
    stronger: Literal["KR", "JP", "even", "none"]
    gap: Literal["KR", "JP"] | None
    export_control_sensitive: bool
    export_controls: list[ExportControl]
    import_shares: list[ImportShare]  # newest first


class ChainDoc(TypedDict):
    kjmatch: Meta
    sector: Ref
    stages: list[ChainStage]


class SectorStage(ChainStage):
    description: str


class SectorDoc(TypedDict):
    kjmatch: Meta
    id: str
    name: str
    names: Names
    summary: str
    sources: list[Source]
    stages: list[SectorStage]
    relationships: list[Relationship]


class CompanyDoc(Player):
    kjmatch: Meta
    relationships: list[Relationship]


class Scenario(TypedDict):
    id: str
    name: str
    description: str
    weights: dict[str, float]


class ScenariosDoc(TypedDict):
    kjmatch: Meta
    scenarios: list[Scenario]


class SectorSummary(TypedDict):
    id: str
    name: str
    stages: int
    korea_players: int
    japan_players: int
    strengths: int
    relationships: int
    stages_with_context: int


class Warning(TypedDict):
    kind: str
    where: str
    message: str


class Problem(TypedDict):
    file: str
    line: int
    col: int
    path: str
    message: str
    text: str


class ValidateDoc(TypedDict):
    kjmatch: Meta
    data_dir: str
    ok: bool
    sectors: list[SectorSummary]  # empty when the dataset did not load
    totals: dict[str, int]
    warnings: list[Warning]
    problems: list[Problem]  # why the dataset did not load; empty when ok


# the event (assign) and trade documents live in contract_more.py (kept under 600 lines)
from .contract_more import AssignDoc, TradeImportDoc, TradeShowDoc  # noqa: E402

DOCUMENTS: dict[str, type] = {
    "sectors": SectorsDoc,
    "companies": CompaniesDoc,
    "match": MatchDoc,
    "partners": PartnersDoc,
    "compare": CompareDoc,
    "dependence": DependenceDoc,
    "import": ImportDoc,
    "explain": ExplainDoc,
    "chain": ChainDoc,
    "sector": SectorDoc,
    "company": CompanyDoc,
    "scenarios": ScenariosDoc,
    "validate": ValidateDoc,
    "assign": AssignDoc,
    "trade-import": TradeImportDoc,
    "trade-show": TradeShowDoc,
}
