"""Login, tokens and accounts."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["LoginRequest", "TokenPublic", "UserCreate", "UserPublic"]


class LoginRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"username": "epicerie-v1", "password": "a long secret"}]}
    )

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class TokenPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"access_token": "q3Jv...Zs", "token_type": "bearer", "expires_in_s": 43200}
            ]
        }
    )

    access_token: str = Field(examples=["q3Jv...Zs"])
    token_type: Literal["bearer"] = "bearer"
    expires_in_s: int = Field(examples=[43200])


class UserCreate(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"username": "v1", "password": "correct horse", "role": "venue", "venue_id": "v1"}
            ]
        }
    )

    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)
    role: Literal["coordinator", "venue", "producer"]
    venue_id: str | None = Field(default=None, max_length=64)
    producer_id: str | None = Field(default=None, max_length=64)


class UserPublic(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {"id": 3, "username": "v1", "role": "venue", "venue_id": "v1", "producer_id": None}
            ]
        },
    )

    id: int
    username: str
    role: Literal["coordinator", "venue", "producer"]
    venue_id: str | None = None
    producer_id: str | None = None
