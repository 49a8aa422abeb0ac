"""Typed entities: what a valid knowledge base is made of.

Each field carries the description editors see (JSON Schema, the fields page, the
message for a missing field). Models are strict (no coercion: ``2011`` is not text unless the loader kept it
as text, ``yes`` is not a boolean) and closed (unknown fields are errors). A
field that names another entity is annotated with :class:`Ref`, which is all
the ``graph`` stage needs to resolve it and to build the inverse link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Optional, Union, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from ..core import vocab
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


def _non_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be empty or only spaces")
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


_POINT = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?"
EDTF_PATTERN = rf"^({_POINT}|({_POINT}|\.\.)?/({_POINT}|\.\.)?)$"
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


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Citation(Strict):
    """Evidence for an entity: a source, and optionally the exact words and where they are."""

    source: Annotated[Slug, Ref("source", "cites", "cited by"),
                      Field(description="The id of a source entity (a file in entities/sources/).")]
    quote: Optional[Text] = Field(None, description="Verbatim text from the source.")
    locator: Optional[Text] = Field(None, description="Where in the source: page, paragraph, section.")

    @property
    def key(self) -> tuple:
        """What makes two citations the same note (compared by value: model == compares every field)."""
        return (self.source, self.quote, self.locator)


Citations = Annotated[list[Citation], Field(default_factory=list,
                                            description="Evidence: the sources this is drawn from, with verbatim quotes.")]
Tags = Annotated[list[Slug], Field(default_factory=list, description="Theme tags declared in entities/tags.yml.")]
Note = Annotated[Optional[Text], Field(description="A short note on this link.")]
ActorId = Annotated[Slug, Ref("actor"), Field(description="The id of an actor (a file in entities/actors/).")]
Summary = Annotated[Prose, Field(description="What the source says, in neutral words (Markdown: emphasis and links only).")]
Title = Annotated[Text, Field(alias="title", description="A short, neutral title.")]


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

    def link_labels(self) -> tuple[str, str]:
        relation = vocab.ACTOR_RELATIONS[self.type]
        return relation.label, relation.inverse


class EventRelation(TypedLink):
    type: EventRelationType
    event: Annotated[Slug, Ref("event"), Field(description="The id of an event (a file in entities/events/).")]
    note: Note = None
    certainty: Optional[CertaintyWord] = None
    citations: Citations

    def link_labels(self) -> tuple[str, str]:
        relation = vocab.EVENT_RELATIONS[self.type]
        return relation.label, relation.inverse


class Participant(TypedLink):
    actor: ActorId
    role: Role
    note: Note = None
    certainty: Optional[CertaintyWord] = None

    def link_labels(self) -> tuple[str, str]:
        return vocab.ROLE_LABELS[self.role], "took part as " + vocab.ROLE_LABELS[self.role]


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
        """Every distinct citation, in the order it first appears: the entity's own, then its links'."""
        notes: list[Citation] = []
        seen: set[tuple] = set()
        for citation in list(self.citations) + [c for link in getattr(self, "relations", []) for c in link.citations]:
            if citation.key not in seen:
                seen.add(citation.key)
                notes.append(citation)
        return notes


class Actor(Entity):
    type: Literal["actor"] = "actor"
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
    relations: list[EventRelation] = Field(default_factory=list, description="Typed links to other entities.")

    @property
    def title(self) -> str:
        return self.title_


class Recommendation(Entity):
    type: Literal["recommendation"] = "recommendation"
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
    title_: Title
    published: Date
    author: Optional[Text] = Field(None, description="Who wrote the source.")
    publisher: Optional[Text] = Field(None, description="Who published the source.")
    url: Optional[WebAddress] = Field(None, description="The source's address on the web (http or https).")
    notes: Optional[Prose] = Field(None, description="Editors' notes on the source.")

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
