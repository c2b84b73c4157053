"""Where an item of a statically extracted inventory is defined: file, line and the handler behind it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mcts.model.finding import SourceRef, Surface

__all__ = ["ItemSource", "Language", "SourceRef"]

Language = Literal["python", "typescript", "javascript"]


class ItemSource(BaseModel):
    """Where one item (a tool, prompt, resource, template or the instructions) is declared, and its handler."""

    model_config = ConfigDict(frozen=True)

    surface: Surface
    item: str | None = Field(description="Name or URI, as in Location.item; none for the instructions")
    ref: SourceRef = Field(description="Where the item is declared (the decorator, call or literal)")
    language: Language
    handler: str | None = Field(default=None, description="The handler function's name, when there is one")
    handler_ref: SourceRef | None = Field(default=None, description="Where the handler's body starts")
    params: tuple[str, ...] = Field(default=(), description="The handler's parameters a model fills in")
