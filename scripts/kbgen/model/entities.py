"""Typed entities: what a valid knowledge base is made of.

Each field carries the description editors see (JSON Schema, the fields page, the
message for a missing field). Models are strict (no coercion: ``2011`` is not text unless the loader kept it
as text, ``yes`` is not a boolean) and closed (unknown fields are errors). A
field that names another entity is annotated with :class:`Ref`, which is all
the ``graph`` stage needs to resolve it and to build the inverse link.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, Optional, Union, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    model_validator,
)

from ..core import dates, vocab
from ..core.dates import EXAMPLES as DATE_EXAMPLES, DateError, EdtfDate
from ..core.prose import prose_problems


@dataclass(frozen=True)
class Ref:
    """Marks a field as a reference to an entity of ``target`` type.

    ``label`` reads from the referring entity ("addressed to"), ``inverse``
    from the target's "Referenced by" list ("recommendations addressed to it").
    Models holding a typed link (a relation, a participant) override both with
    the link's own type through :meth:`TypedLink.link_labels`.
    """

    target: str
    label: str = ""
    inverse: str = ""


# Characters that show nothing: format characters (zero-width space and joiners, byte-order mark,
# bidirectional marks), combining marks with nothing to combine with, and the fillers of Hangul
# and Braille that fonts draw as blanks.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp"})
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(char: str) -> bool:
    return not (char.isspace() or char in _INVISIBLE or unicodedata.category(char) in _INVISIBLE_CATEGORIES)


# In ASCII only the spaces and the control characters show nothing, and all of them sort before '!'
# or are DEL: ASCII text shows something exactly when stripping those leaves some.
_ASCII_INVISIBLE = "".join(map(chr, range(0x21))) + "\x7f"


def _non_blank(text: str) -> str:
    # any() stops at the first visible character.
    if not (text.strip(_ASCII_INVISIBLE) if text.isascii() else any(map(_visible, text))):
        raise ValueError("must not be empty, only spaces or only invisible characters")
    return text


def _has_words(text: str) -> str:
    """A quote is evidence only if it holds some of the source's words: '...' alone matches any text."""
    if not any(char.isalnum() for char in text):
        raise ValueError("a quote must hold the source's words, not only punctuation or omission marks ('...')")
    return text


def _prose(text: str) -> str:
    problems = prose_problems(text)
    if problems:
        raise ValueError("; ".join(problems))
    return text


# http(s) only, and none of the characters that end a URL in HTML attributes,
# Markdown or YAML (quotes, angle brackets, braces, backslash, spaces), so the
# address can be shown or linked anywhere without a way to break out.
# Written as ECMA-262 reads it too (JSON Schema's regex dialect): no escape of a character that is
# not a regex syntax character, such as the quote, which Python's re accepts and editors' do not.
WEB_ADDRESS_PATTERN = r'^https?://[^\s"<>\\^`{|}]+$'


_WEB_ADDRESS = re.compile(WEB_ADDRESS_PATTERN)


def _web_address(text: str) -> str:
    if not _WEB_ADDRESS.fullmatch(text):
        raise ValueError(f"'{text}' is not a web address: it must start with http:// or https:// and contain "
                         "no spaces, quotes, angle brackets, braces or backslashes (percent-encode them)")
    return text


def _id(text: str) -> str:
    if not vocab.is_id(text):
        raise ValueError(f"'{text}' is not a valid id: {vocab.ID_RULE}")
    return text


def _edtf(value: Any) -> EdtfDate:
    if isinstance(value, EdtfDate):
        return value
    if not isinstance(value, str):
        raise ValueError(f"a date must be text in EDTF form, e.g. 2025-06-22; got {type(value).__name__}")
    try:
        return EdtfDate.parse(value)
    except DateError as error:
        raise ValueError(str(error)) from None


def _vocabulary(name: str, values: dict) -> Any:
    """A closed vocabulary as a Literal, so errors and schemas list the allowed values."""
    return Annotated[Literal[tuple(values)], Field(description=f"One of the {name} values.")]


EDTF_PATTERN = dates.EDTF_PATTERN
"""The EDTF forms kbgen accepts, as a pattern for JSON Schema (the calendar check is kbgen's alone)."""

Text = Annotated[str, AfterValidator(_non_blank), Field(json_schema_extra={"pattern": r"\S"})]
"""Plain text: shown escaped, never interpreted as Markdown or HTML."""

Prose = Annotated[str, AfterValidator(_non_blank), AfterValidator(_prose), Field(json_schema_extra={"format": "markdown", "pattern": r"\S"})]
"""Markdown limited to text formatting and links: anything else is an error (:mod:`kbgen.prose`), and it is sanitised when rendered."""

WebAddress = Annotated[str, AfterValidator(_web_address), Field(json_schema_extra={"pattern": WEB_ADDRESS_PATTERN, "format": "uri"})]

Slug = Annotated[str, AfterValidator(_id), Field(max_length=vocab.ID_MAX_LENGTH, json_schema_extra={"pattern": vocab.ID_PATTERN})]

Date = Annotated[
    EdtfDate,
    BeforeValidator(_edtf),
    PlainSerializer(lambda d: d.text, return_type=str),
    WithJsonSchema({
        # An unquoted year (2011) is text to kbgen's loader but a number to editors' YAML language servers.
        "type": ["string", "integer"],
        "pattern": EDTF_PATTERN,
        "description": "EDTF date: " + DATE_EXAMPLES,
        "examples": ["2025-06-22", "2024-03", "2011", "2024-03~", "2011?", "2025-06-13/2025-06-24", "2025-06/.."],
    }),
]

ActorKind = _vocabulary("actor kind", vocab.ACTOR_KINDS)
EventKind = _vocabulary("event kind", vocab.EVENT_KINDS)
Role = _vocabulary("participant role", vocab.PARTICIPANT_ROLES)
ActorRelationType = _vocabulary("actor relation", vocab.ACTOR_RELATIONS)
EventRelationType = _vocabulary("event relation", vocab.EVENT_RELATIONS)
Instrument = _vocabulary("instrument", vocab.INSTRUMENTS)
Status = _vocabulary("recommendation status", vocab.RECOMMENDATION_STATUSES)
CertaintyWord = Annotated[Literal[tuple(vocab.CERTAINTIES)], Field(description=(
    "How sure the source is that this holds, in its own hedge: one of the certainty words "
    "(ICD 203's estimative words, or confirmed, possible, suspected). Leave it out when the source states it plainly."))]


def _grades(name: str, values: dict, field: str) -> Any:
    """A closed vocabulary of Admiralty grades. In the JSON Schema each grade is offered as text and,
    for the digits, as the number an editor's YAML language server reads ``credibility: 2`` as
    (kbgen's loader reads it as text)."""
    grades = list(values)
    numbers = [int(g) for g in grades if g.isdigit()]
    descriptions = [f"{g}: {values[g].label}. {values[g].description}" for g in grades]
    return Annotated[Literal[tuple(grades)], WithJsonSchema({
        "enum": grades + numbers,
        "enumDescriptions": descriptions + descriptions[:len(numbers)],
        "markdownEnumDescriptions": descriptions + descriptions[:len(numbers)],
        "description": f"The {name} of the NATO/Admiralty code: {field}.",
    })]


Reliability = _grades("source reliability", vocab.RELIABILITIES, "A (completely reliable) to E (unreliable), F when it cannot be judged")
Credibility = _grades("information credibility", vocab.CREDIBILITIES, "1 (confirmed by other sources) to 5 (improbable), 6 when it cannot be judged")


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Citation(Strict):
    """Evidence for an entity: a source, and optionally the exact words and where they are."""

    source: Annotated[Slug, Ref("source", "cites", "cited by"),
                      Field(description="The id of a source entity (a file in entities/sources/).")]
    quote: Optional[Annotated[Text, AfterValidator(_has_words)]] = Field(None, description="Verbatim text from the source.")
    locator: Optional[Text] = Field(None, description="Where in the source: page, paragraph, section.")
    credibility: Optional[Credibility] = Field(None, description=(
        "How believable this piece of information is (NATO/Admiralty information credibility, 1 to 6), graded apart from the source's reliability."))

    @property
    def key(self) -> tuple:
        """What makes two citations the same note (compared by value: model == compares every field)."""
        return (self.source, self.quote, self.locator, self.credibility)


Citations = Annotated[list[Citation], Field(default_factory=list,
                                            description="Evidence: the sources this is drawn from, with verbatim quotes.")]
Tags = Annotated[list[Slug], Field(default_factory=list, description="Theme tags declared in entities/tags.yml.")]
Note = Annotated[Optional[Text], Field(description="A short note on this link.")]
ActorId = Annotated[Slug, Ref("actor"), Field(description="The id of an actor (a file in entities/actors/).")]
Summary = Annotated[Prose, Field(description="What the source says, in neutral words (Markdown: emphasis and links only).")]
Title = Annotated[Text, Field(alias="title", description="A short, neutral title.")]


HOLDS = {
    "holds": "The source says the link holds.",
    "does-not-hold": "The source says the link does not hold, or denies it.",
}
"""The values a claim on whether a relation holds (``holds_claims``) can take."""

_CLAIM_CITATIONS = Field(min_length=1, description="The sources that give this value, with verbatim quotes: at least one.")
_PREFERRED = Field(False, description=(
    "true for the one value the editors prefer, which the entry then shows and is placed by; leave it out on every claim to prefer none."))


class DateClaim(Strict):
    """One source's (or several sources') value for a date the sources disagree on."""

    value: Date
    preferred: bool = _PREFERRED
    note: Note = None
    citations: Annotated[list[Citation], _CLAIM_CITATIONS]


class TextClaim(Strict):
    """A value of a text field (a location) the sources disagree on, with its sources."""

    value: Text = Field(description="The value as this source gives it.")
    preferred: bool = _PREFERRED
    note: Note = None
    citations: Annotated[list[Citation], _CLAIM_CITATIONS]


class RoleClaim(Strict):
    """A participant's role as one source gives it, where the sources disagree."""

    value: Annotated[Literal[tuple(vocab.PARTICIPANT_ROLES)], Field(description="One of the participant role values.")]
    preferred: bool = _PREFERRED
    note: Note = None
    citations: Annotated[list[Citation], _CLAIM_CITATIONS]


class HoldsClaim(Strict):
    """Whether a relation holds, as one source says, where the sources disagree."""

    value: Annotated[Literal[tuple(HOLDS)], Field(description="holds, or does-not-hold.")]
    preferred: bool = _PREFERRED
    note: Note = None
    citations: Annotated[list[Citation], _CLAIM_CITATIONS]


def _claims(what: str) -> Any:
    # Two values at least, checked in the link stage (kbgen.link.claims) with a message of its own;
    # kb.json writes the empty default, so the schemas carry no minimum.
    return Field(default_factory=list, description=(
        f"Where sources differ on {what}: each claimed value with its own citations, at most one marked preferred."))


class TypedLink(Strict):
    """A link to another entity whose type (a relation, a role) comes from a vocabulary, which
    says how the link reads from each end."""

    def link_labels(self) -> tuple[str, str]:  # pragma: no cover - overridden
        raise NotImplementedError


class ActorRelation(TypedLink):
    type: ActorRelationType
    actor: ActorId
    date: Optional[Date] = Field(None, description="When it happened, as an EDTF date.")
    note: Note = None
    certainty: Optional[CertaintyWord] = None
    citations: Citations
    holds_claims: list[HoldsClaim] = _claims("whether this relation holds")

    def link_labels(self) -> tuple[str, str]:
        relation = vocab.ACTOR_RELATIONS[self.type]
        return relation.label, relation.inverse


class EventRelation(TypedLink):
    type: EventRelationType
    event: Annotated[Slug, Ref("event"), Field(description="The id of an event (a file in entities/events/).")]
    note: Note = None
    certainty: Optional[CertaintyWord] = None
    citations: Citations
    holds_claims: list[HoldsClaim] = _claims("whether this relation holds")

    def link_labels(self) -> tuple[str, str]:
        relation = vocab.EVENT_RELATIONS[self.type]
        return relation.label, relation.inverse


class Participant(TypedLink):
    actor: ActorId
    role: Role
    note: Note = None
    certainty: Optional[CertaintyWord] = None
    citations: Citations
    role_claims: list[RoleClaim] = _claims("this participant's role (role then holds the preferred one)")

    def link_labels(self) -> tuple[str, str]:
        return vocab.ROLE_LABELS[self.role], "took part as " + vocab.ROLE_LABELS[self.role]


CLAIM_FIELDS = ("date_claims", "location_claims", "role_claims", "holds_claims")
"""The fields that hold each value sources give for a disputed claim."""


@functools.cache
def field_names(model: type) -> frozenset[str]:
    """The names of a model class's fields (none for any other type, such as a missing link's
    ``NoneType``), read once per class: ask it before reading a field a model may lack, because a
    pydantic model answers a missing attribute slowly (it raises inside), and its class's
    ``model_fields`` is a descriptor read each time."""
    return frozenset(getattr(model, "model_fields", ()))


@functools.cache
def claim_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The :data:`CLAIM_FIELDS` a model class has, in their order."""
    return tuple(name for name in CLAIM_FIELDS if name in field_names(model))


class Entity(Strict):
    """Fields every entity has. ``id`` and ``type`` come from the file's path."""

    id: Slug
    type: str
    tags: Tags
    citations: Citations
    former_ids: Annotated[list[Slug], Field(default_factory=list, description=(
        "Ids this entity had before it was renamed: their old pages redirect here, "
        "and a reference to one is an error naming the new id."))]

    @property
    def title(self) -> str:
        raise NotImplementedError

    def all_citations(self) -> list[Citation]:
        """Every distinct citation, in the order it first appears: the entity's own, then its
        relations', its participants', then those of disputed values (none in most entries, so
        most entries' notes keep their numbers): the entity's own claims, its participants', its relations'."""
        fields = field_names(type(self))
        participants = self.participants if "participants" in fields else ()
        relations = self.relations if "relations" in fields else ()
        notes: list[Citation] = []
        seen: set[tuple] = set()

        def add(citations: list[Citation]) -> None:
            for citation in citations:
                key = citation.key
                if key not in seen:
                    seen.add(key)
                    notes.append(citation)

        add(self.citations)
        for link in relations:
            add(link.citations)
        for participant in participants:
            add(participant.citations)
        for owner in (self, *participants, *relations):
            for name in claim_fields(type(owner)):
                for claim in getattr(owner, name):
                    add(claim.citations)
        return notes



RETIREMENT_STATUSES = {
    "withdrawn": "no longer stands: its evidence was corrected or misread",
    "superseded": "replaced by another entry of the same type (replaced_by)",
}
"""Why an entry is retired: its page stays (links from outside never break) with a banner."""


def _retirement(type_: str) -> type[BaseModel]:
    """The ``retired`` field's model for one type: ``replaced_by`` names an entry of the same type."""

    class Retirement(Strict):
        status: Literal[tuple(RETIREMENT_STATUSES)] = Field(description="withdrawn (it no longer stands) or "
                                                                   "superseded (another entry replaces it).")
        reason: Text = Field(description="Why it was retired, in a sentence a reader understands.")
        replaced_by: Annotated[Optional[Slug], Ref(type_, "replaced by", "replaces")] = Field(
            None, description=f"The id of the {type_} that replaces it (required when superseded).")
        date: Optional[Date] = Field(None, description="When it was retired, as an EDTF date.")
        target_type: ClassVar[str] = type_

        @model_validator(mode="after")
        def _replacement_given(self):
            if self.status == "superseded" and self.replaced_by is None:
                raise ValueError("a superseded entry needs 'replaced_by': the id of the entry that replaces it")
            return self

    Retirement.__name__ = Retirement.__qualname__ = f"{type_.capitalize()}Retirement"
    return Retirement


# Module attributes under the classes' own names: entities cross process boundaries by pickle.
ActorRetirement, EventRetirement, RecommendationRetirement, SourceRetirement = (
    _retirement(t) for t in ("actor", "event", "recommendation", "source"))

RETIRED_DESCRIPTION = ("Marks the entry as retired (withdrawn or superseded): its page stays with a banner, "
                       "it is listed apart and left out of search and graphs, and active entries referring to it get a warning.")


class Actor(Entity):
    type: Literal["actor"] = "actor"
    retired: Optional[ActorRetirement] = Field(None, description=RETIRED_DESCRIPTION)
    name: Text = Field(description="The actor's usual name in English, as the source gives it.")
    kind: ActorKind
    summary: Summary
    aliases: Annotated[list[Text], Field(default_factory=list, description="Other names, spellings, abbreviations and native-script names.")]
    relations: list[ActorRelation] = Field(default_factory=list, description="Typed links to other entities.")

    @property
    def title(self) -> str:
        return self.name


class Event(Entity):
    type: Literal["event"] = "event"
    retired: Optional[EventRetirement] = Field(None, description=RETIRED_DESCRIPTION)
    title_: Title
    date: Date
    kind: EventKind
    summary: Summary
    participants: list[Participant] = Field(min_length=1, description="Who took part, each with a role.")
    location: Optional[Text] = Field(None, description="Where it happened.")
    part_of: Annotated[Optional[Slug], Ref("event", "part of", "includes")] = Field(
        None, description="The id of a larger event this one belongs to.")
    part_of_certainty: Optional[CertaintyWord] = Field(None, description=(
        "How sure the source is that this event is part of the one part_of names (a certainty word); needs part_of."))
    date_claims: list[DateClaim] = _claims("the date (date then holds the preferred one)")
    location_claims: list[TextClaim] = _claims("the location (location then holds the preferred one)")
    relations: list[EventRelation] = Field(default_factory=list, description="Typed links to other entities.")

    @property
    def title(self) -> str:
        return self.title_


class Recommendation(Entity):
    type: Literal["recommendation"] = "recommendation"
    retired: Optional[RecommendationRetirement] = Field(None, description=RETIRED_DESCRIPTION)
    title_: Title
    addressee: Annotated[Slug, Ref("actor", "addressed to", "recommendations addressed to it"),
                         Field(description="The id of the actor the recommendation is addressed to.")]
    summary: Summary
    concerns: list[Annotated[Slug, Ref("actor", "concerns", "concerned by")]] = Field(
        default_factory=list, description="Ids of the actors the recommendation is about.")
    motivated_by: list[Annotated[Slug, Ref("event", "motivated by", "motivates")]] = Field(
        default_factory=list, description="Ids of the events that motivate the recommendation.")
    instruments: list[Instrument] = Field(default_factory=list, description="The means the recommendation proposes.")
    rationale: Optional[Prose] = Field(None, description="Why the source recommends it.")
    risks: Optional[Prose] = Field(None, description="What the source says may happen if the recommendation is not followed.")
    status: Status = "proposed"

    @property
    def title(self) -> str:
        return self.title_


class Source(Entity):
    type: Literal["source"] = "source"
    retired: Optional[SourceRetirement] = Field(None, description=RETIRED_DESCRIPTION)
    title_: Title
    published: Date
    author: Optional[Text] = Field(None, description="Who wrote the source.")
    publisher: Optional[Text] = Field(None, description="Who published the source.")
    url: Optional[WebAddress] = Field(None, description="The source's address on the web (http or https).")
    notes: Optional[Prose] = Field(None, description="Editors' notes on the source.")
    based_on: list[Annotated[Slug, Ref("source", "based on", "drawn on by")]] = Field(default_factory=list, description=(
        "Ids of sources this one repeats or draws its information from: it is then not counted as an independent source beside them."))
    reliability: Optional[Reliability] = Field(None, description=(
        "How far the source can be trusted (NATO/Admiralty source reliability, A to F), judged apart from any one claim; say why in notes."))

    @property
    def title(self) -> str:
        return self.title_


MODELS: dict[str, type[Entity]] = {
    "actor": Actor,
    "event": Event,
    "recommendation": Recommendation,
    "source": Source,
}

AnyEntity = Union[Actor, Event, Recommendation, Source]


def nested_model(annotation) -> Optional[type[BaseModel]]:
    """The model class an annotation holds (``list[Citation]``, ``Optional[Participant]``), or None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = nested_model(arg)
        if found:
            return found
    return None
