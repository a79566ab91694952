"""The dataset's types: plain frozen dataclasses (`Record`s).

They are both the file format (pydantic validates YAML into them in
`validation.py`) and the in-memory model the matcher and renderers use.
Plain dataclasses keep start-up fast: nothing here imports pydantic, so a
cached dataset loads without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from .records import Record

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
HS_PATTERN = r"^\d{4}(?:\.\d{2}(?:\.\d{2,4})?)?$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
LINE_PATTERN = r"^[^\n\r\t\v\f\x85\u2028\u2029]+$"  # a name: one line, no tab


class _Pattern:
    """A strict-string constraint that pydantic understands, without importing it here."""

    def __init__(self, pattern: str, title: str) -> None:
        self.pattern = pattern
        self.title = title

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(pattern=self.pattern, strict=True)

    def __repr__(self) -> str:
        return f"_Pattern({self.title})"


class _Text:
    """A strict non-empty string: YAML's `no` or `8486.20` must not pass as text."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(min_length=1, strict=True, strip_whitespace=True)


class _Line(_Text):
    """Text on one line: a firm's name or alias, shown in table cells and on agendas."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.str_schema(
            min_length=1, strict=True, strip_whitespace=True, pattern=LINE_PATTERN
        )


class _Bounds:
    """Numeric or length bounds that pydantic understands, without importing
    annotated-types here (a cache hit then needs neither it nor pydantic)."""

    def __init__(self, **bounds: float) -> None:
        self.bounds = bounds

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        schema = handler(source)
        schema.update(self.bounds)
        return schema

    def __repr__(self) -> str:
        return f"_Bounds({self.bounds})"


Slug = Annotated[str, _Pattern(SLUG_PATTERN, "slug")]
HsCode = Annotated[str, _Pattern(HS_PATTERN, "HS code")]
CountryCode = Annotated[str, _Pattern(COUNTRY_PATTERN, "ISO country code")]
Text = Annotated[str, _Text()]
Line = Annotated[str, _Line()]
Year = Annotated[int, _Bounds(ge=1900, le=2100)]
Share = Annotated[float, _Bounds(ge=0.0, le=1.0)]
Level = Annotated[int, _Bounds(ge=1, le=5)]
Weight = Annotated[float, _Bounds(ge=0.0, le=100.0)]

Country = Literal["KR", "JP"]
StageKind = Literal[
    "raw_material", "material", "component", "equipment", "manufacturing", "end_use", "service"
]
RelationshipType = Literal[
    "supply",
    "customer_order",
    "jv",
    "equity",
    "licence",
    "rnd",
    "mou_study",
    "joint_procurement",
    "consortium",
    "talks",  # reported talks, no agreement: recorded (the pair is not new), never counted
]
# ties of these types between makers of one product are cooperation, not rivalry
HORIZONTAL_TYPES = frozenset(
    {"jv", "equity", "licence", "rnd", "mou_study", "joint_procurement", "consortium"}
)
RelationshipStatus = Literal["announced", "active", "completed", "suspended", "ended"]
TIE_LABELS: dict[str, str] = {  # a tie type as people read it; JSON and CSV keep the id
    "supply": "supply",
    "customer_order": "customer order",
    "jv": "joint venture",
    "equity": "equity",
    "licence": "licence",
    "rnd": "R&D",
    "mou_study": "MoU / study",
    "joint_procurement": "joint procurement",
    "consortium": "consortium",
    "talks": "talks",
}


def possessive(name: str) -> str:
    """English possessive of a name: "Isuzu Motors'", "Toray's"."""
    return name + ("'" if name.endswith("s") else "'s")


def tie_label(kind: str) -> str:
    """A tie type's label for people (`rnd` → "R&D")."""
    return TIE_LABELS.get(kind, kind.replace("_", " "))


def tie_dated(status: str, year: int, ended: int | None, last_confirmed: int | None) -> int:
    """The year a tie's evidence dates from, which it ages from and is shown with: the end
    of an ended or completed tie, else its last confirmation, else its start."""
    if status in ("ended", "completed") and ended:
        return ended
    return last_confirmed or year


def tie_when(
    status: str,
    year: int,
    ended: int | None,
    last_confirmed: int | None,
    *,
    confirmed: bool = True,
) -> str:
    """A tie's status and year as people read them: "active 2023" (its start), "ended 2024"
    (the year it ended or was completed, which it is aged from), never "ended 2022" for
    a tie that started in 2022. A tie aged from a later confirmation says so ("active
    2013, last confirmed 2024"), so an age beside it ("2 years old") reads right;
    `confirmed=False` leaves that out (a table cell)."""
    if status in ("ended", "completed"):
        return f"{status} {tie_dated(status, year, ended, last_confirmed)}"
    if confirmed and last_confirmed and last_confirmed != year:
        return f"{status} {year}, last confirmed {last_confirmed}"
    return f"{status} {year}"


ControlStatus = Literal["in_force", "suspended", "lifted"]
PlayerKind = Literal["company", "institution"]

_FORBID: dict[str, Any] = {"extra": "forbid"}


class Names(Record):
    """A name in English, Korean and Japanese."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    en: Text
    ko: Text
    ja: Text


class Source(Record):
    """Where a fact was read. Needs a publisher or a title."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    publisher: Text | None = None
    title: Text | None = None
    year: Year
    url: Text | None = None
    # a figure computed from a file: its SHA-256 (the file's name is the title)
    sha256: Annotated[str, _Pattern(SHA256_PATTERN, "SHA-256")] | None = None

    def label(self) -> str:
        who = self.publisher or self.title or "?"
        if self.sha256:
            return f"{who} ({self.year}), {self.title or '?'} sha256:{self.sha256[:12]}"
        return f"{who} ({self.year})"


class ImportShare(Record):
    """A partner's share of one country's imports of some products, in one year.

    The partner is the other country of the pair (KR or JP: a dependence the pair can
    serve) or a third country (an exposure the pair can cut)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    importer: Country
    partner: CountryCode
    value: Share
    products: tuple[Slug, ...] = ()
    hs_codes: tuple[HsCode, ...] = ()
    item: Text
    year: Year
    source: Source
    note: str = ""
    historical: Text | None = None  # why an old figure is kept (validate then accepts its age)
    # computed from official trade statistics (`kjmatch trade import`), not read in a report:
    # preferred to a reported figure on the same product, importer and partner (see evidence.py)
    computed: bool = False


class ExportControl(Record):
    """An export control that has touched some products (named by id or HS code)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    imposed_by: CountryCode
    products: tuple[Slug, ...] = ()
    hs_codes: tuple[HsCode, ...] = ()
    item: Text
    year: Year
    status: ControlStatus
    source: Source
    note: str = ""
    historical: Text | None = None


Fact = ImportShare | ExportControl


class StageContext(Record):
    """Dated facts about a stage's products, each naming the products it concerns."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    import_shares: tuple[ImportShare, ...] = ()
    export_controls: tuple[ExportControl, ...] = ()

    def is_empty(self) -> bool:
        return not (self.import_shares or self.export_controls)


class Absence(Record):
    """A source saying a country has no maker of a product: the matcher then counts a
    supplier's gap there in full. A side left empty without one is a hole in the data,
    not a proven absence, and its gap counts half (`evidence.UNDOCUMENTED`)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    country: Country
    year: Year  # the year the source says it holds for
    note: Text
    source: Source


class Product(Record):
    """A product inside a stage: the unit the matcher links, gaps and evidence attach to.

    `inputs` names the products (anywhere in the sector) this one is made from; when it
    is absent, every product of the stage's `inputs` stages counts as an input.
    `tradable: false` marks a product sold only where it is made (gaseous hydrogen,
    electricity, a filling station's service): it supplies no buyer across the border.
    `resells: true` marks a trading or offtake activity whose firms buy its inputs from
    many producers to resell them: making one of those inputs themselves (an offtaker's
    equity in a plant) does not stop them buying it, so the in-house rule does not apply.
    `whole_inputs: true` marks an activity that takes its inputs as whole goods (a
    recycler's scrap and spent cells): their own inputs do not feed it, so nothing links
    to it from two steps upstream."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    id: Slug
    name: Names
    hs_codes: tuple[HsCode, ...] = ()
    hs_note: str = ""
    description: str = ""
    inputs: tuple[Slug, ...] | None = None
    tradable: bool = True
    resells: bool = False
    whole_inputs: bool = False
    absent: tuple[Absence, ...] = ()  # countries documented to have no maker of it


class Stage(Record):
    """A stage of a value chain: its products and the dated facts about them."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    id: Slug
    name: Names
    kind: StageKind
    description: str = ""
    inputs: tuple[Slug, ...] = ()
    products: Annotated[tuple[Product, ...], _Bounds(min_length=1)]
    context: StageContext = field(default_factory=StageContext)

    @property
    def hs_codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for p in self.products for code in p.hs_codes))


class Complement(Record):
    """Two products of one stage whose makers cooperate rather than compete, or one
    product named twice: its makers are partners, not rivals (co-buyers of an import)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    products: Annotated[tuple[Slug, ...], _Bounds(min_length=2, max_length=2)]
    reason: Text
    source: Source


class Sector(Record):
    """A sector and its value chain, upstream first."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    id: Slug
    name: Names
    summary: Text
    stages: Annotated[tuple[Stage, ...], _Bounds(min_length=5, max_length=10)]
    complements: tuple[Complement, ...] = ()
    sources: tuple[Source, ...] = ()

    def stage(self, stage_id: str) -> Stage | None:
        for st in self.stages:
            if st.id == stage_id:
                return st
        return None

    def products(self) -> dict[str, tuple[Stage, Product]]:
        """Product id → its stage and the product, upstream first."""
        return {p.id: (st, p) for st in self.stages for p in st.products}


class Strength(Record):
    """A player's capability at one stage of one sector, product by product.

    `level` is the player's standing at the stage; `products` gives a level per product
    it makes there (filled from `level` when the stage has a single product). `captive`
    names the products it makes only for its own (or its group's) use: they make it a
    buyer that makes them in-house and a rival of other makers, never a supplier.
    `home_market` names those it may sell only in its own country (a licence's
    territory): it supplies its own country's buyers, never the other country's."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    sector: Slug
    stage: Slug
    level: Level
    products: dict[Slug, Level] = field(default_factory=dict)
    captive: tuple[Slug, ...] = ()
    home_market: tuple[Slug, ...] = ()
    tags: tuple[Text, ...] = ()
    note: Text
    as_of: Year
    sources: Annotated[tuple[Source, ...], _Bounds(min_length=1)]
    historical: Text | None = None  # why an old rating is kept (validate then accepts its age)


class StrengthEntry(Strength):
    """A strength given in one file for a player declared in another."""

    player: Slug


class Operation(Record):
    """A subsidiary, plant or office in the other country."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    name: Text
    location: Text
    activity: Text
    since: Year | None = None
    source: Source


class Player(Record):
    """A company or institution in Korea or Japan."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    id: Slug
    name: Line
    native_name: Line
    aliases: tuple[Line, ...] = ()
    country: Country
    kind: PlayerKind = "company"
    group: Text | None = None
    ticker: Text | None = None
    partner_country_operations: tuple[Operation, ...] = ()
    strengths: tuple[Strength, ...] = ()


class Relationship(Record):
    """A documented tie between a Korean and a Japanese player."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    id: Slug
    korea: Slug
    japan: Slug
    sectors: Annotated[tuple[Slug, ...], _Bounds(min_length=1)]
    products: tuple[Slug, ...] = ()
    type: RelationshipType
    year: Year
    status: RelationshipStatus
    ended: Year | None = None
    last_confirmed: Year | None = None
    summary: Text
    value: Text | None = None
    sources: Annotated[tuple[Source, ...], _Bounds(min_length=1)]
    historical: Text | None = None  # why an old tie is kept as it stands
    # a tie about business outside the sectors' products (a coal-plant turbine order
    # filed with hydrogen turbines): the pair is not new, but it vouches for no link
    novelty_only: bool = False


class Scenario(Record):
    """A named set of matcher weights."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    id: Slug
    name: Text
    description: Text
    weights: dict[str, Weight]


class PlayersFile(Record):
    """A players file: players, and strengths for players declared elsewhere."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    players: tuple[Player, ...] = ()
    strengths: tuple[StrengthEntry, ...] = ()


class RelationshipsFile(Record):
    """A relationships file."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    relationships: tuple[Relationship, ...]


class SitedShares(Record):
    """Import shares for one stage of one sector, kept outside the sector's file."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    sector: Slug
    stage: Slug
    import_shares: Annotated[tuple[ImportShare, ...], _Bounds(min_length=1)]


class EvidenceFile(Record):
    """Facts computed elsewhere (`kjmatch trade import`), added to stages at load time."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _FORBID
    generated_by: Text
    hs_revision: Text
    sources: tuple[Source, ...] = ()
    facts: tuple[SitedShares, ...] = ()


@dataclass(slots=True)
class Dataset:
    """A loaded, cross-checked dataset. Players carry all their strengths."""

    sectors: dict[str, Sector]
    players: dict[str, Player]
    relationships: tuple[Relationship, ...]
    scenarios: dict[str, Scenario]
    root: str = ""
    as_of: int = 0  # the newest year in the data: facts and ties age from it

    def players_in(self, sector: str, country: str | None = None) -> list[Player]:
        return [
            p
            for p in self.players.values()
            if (country is None or p.country == country)
            and any(s.sector == sector for s in p.strengths)
        ]
