"""FastAPI dependencies as `Annotated` aliases; the app factory puts shared objects on app.state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from catalog.media.storage import MediaStore


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        yield session


def get_media_store(request: Request) -> MediaStore:
    store: MediaStore = request.app.state.media_store
    return store


SessionDep = Annotated[Session, Depends(get_session)]
MediaStoreDep = Annotated[MediaStore, Depends(get_media_store)]
