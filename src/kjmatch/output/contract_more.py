"""The JSON documents of `kjmatch assign` and `kjmatch trade`: part of the contract
(see contract.py, which re-exports them and lists them in DOCUMENTS)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from .contract import Direction, Meta, Ref

PlanKind = Literal["best-total", "stable", "fair"]


class AssignMeeting(TypedDict):
    plan: PlanKind
    slot: int | None  # None: no slot could be found for it
    time: str | None  # "10:00–10:20"
    table: int | None
    korea: Ref
    japan: Ref
    score: float
    direction: Direction | None  # None: a must-meet or requested pair with no linked products
    in_house: bool  # booked on a supply link whose buyer makes the product as well
    korea_product: str | None
    japan_product: str | None
    reason: str  # the pairing's first reason
    must_meet: bool
    requested: bool


class AssignShortfall(TypedDict):
    reason: Literal[
        "capacity",
        "availability",
        "never-meet",
        "min-score",
        "rivals",
        "no linked pair",
        "timetable",
        "tables",
    ]
    count: int
    text: str


class AssignFirm(TypedDict):
    id: str
    name: str
    country: Literal["KR", "JP"]
    asked: int  # its capacity
    meetings: int  # placed in the timetable
    short_by: int
    partners: list[str]  # ids, in slot order
    reasons: list[AssignShortfall]  # why it has fewer than asked; empty when it has them all


class UnmetRequest(TypedDict):
    firm: str  # the firm that asked
    requested: str  # the firm it asked to meet


class AssignPlan(TypedDict):
    plan: PlanKind
    total: float  # summed score of the placed meetings
    meetings: int
    unplaced: int  # chosen meetings no slot could be found for
    timetable_method: Literal["edge-colouring", "greedy", "ilp"]
    timetable_proven: bool  # False: the ILP stopped at its time limit
    blocking_pairs: int  # pairs not meeting that would both rather meet (0 when stable)
    # the fewest good meetings (linked products, no plain rivalry) of a firm that could have any; the
    # fair plan maximises it first (None: no firm could have a good meeting)
    fewest: int | None
    # every firm has at least min(floor, the most it could have) good meetings: the
    # level the fair plan maximises
    floor: int
    firms: list[AssignFirm]
    unmet_requests: list[UnmetRequest]  # requests this plan does not place
    timetable: list[AssignMeeting]


class AssignEvent(TypedDict):
    name: str | None
    file: str | None
    sector: Ref
    date: str | None
    start: str
    slot_minutes: int
    break_minutes: int
    slots: int
    tables: int | None  # None: one table per Japanese firm, kept all day
    timezone: str
    location: str | None
    korea_firms: int
    japan_firms: int


class AssignDoc(TypedDict):
    kjmatch: Meta
    event: AssignEvent
    weights: dict[str, float]
    as_of: int
    proposing: Literal["KR", "JP"]  # the side that proposes in the stable plan
    linked: int  # participant pairs with linked products (rivals only with include_rivals)
    acceptable: int  # pairs that may meet (after never-meet, availability, min_score)
    min_score: float  # pairs scoring below it are not booked (unless asked for)
    include_rivals: bool  # same-product rivals booked on their rivalry
    plan: PlanKind  # the plan in `timetable`
    totals: dict[str, float]  # plan → summed score
    difference: float | None  # best total − stable: what stability costs
    fair_difference: float | None  # best total − fair: what fairness costs
    plans: list[AssignPlan]
    timetable: list[AssignMeeting]  # the chosen plan's meetings, by slot and table


class TradeSource(TypedDict):
    file: str  # the file's name
    dataset: str  # "CEPII BACI (HS22, V202401)" or "UN Comtrade (HS22)"
    revision: str | None  # the HS revision of its codes
    version: str | None  # BACI's release
    sha256: str
    years: list[int]


class TradeCodeRow(TypedDict):
    code: str  # an HS code as the dataset's products name it
    products: list[str]
    year: int  # the newest year in the files
    kr_imports_from_jp: float | None  # Japan's share of Korea's imports, 0-1
    jp_imports_from_kr: float | None  # Korea's share of Japan's imports, 0-1
    rca_kr: float | None  # Balassa RCA of Korea's exports (1 = world average)
    rca_jp: float | None


class TradeImportDoc(TypedDict):
    kjmatch: Meta
    evidence: str  # the folder to pass as --evidence
    written: list[str]  # the facts file and the figures file
    engine: str  # duckdb or python
    rows: int  # data rows read
    years: list[int]
    facts: int  # import shares written as facts
    sources: list[TradeSource]
    warnings: list[str]
    codes: list[TradeCodeRow]


class TradeThird(TypedDict):
    partner: str | None  # ISO alpha-2, or null for a code outside the country list
    name: str
    share: float


class TradeYearRow(TypedDict):
    basket: str  # an HS code, sector/product, or a sector
    kind: Literal["code", "product", "sector"]
    year: int
    importer: Literal["KR", "JP"]
    partner: Literal["KR", "JP"]
    share: float | None  # the partner's share of the importer's imports of the basket
    value_usd: float | None
    total_usd: float  # the importer's imports of the basket, US$
    third: list[TradeThird]  # the largest third-country suppliers
    rca_kr: float | None
    rca_jp: float | None
    michaely: float | None  # sectors: partner→importer complementarity, 0-100
    source: str  # file name and the start of its SHA-256


class TradeShowDoc(TypedDict):
    kjmatch: Meta
    query: str
    years: list[TradeYearRow]


# document name → type: what `kjmatch schema --output NAME` describes
