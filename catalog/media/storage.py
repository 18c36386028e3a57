"""Content-addressed photo files: `<root>/<hash[:2]>/<hash>/<rendition>.jpg`, written atomically."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Final

from catalog.errors import NotFound
from catalog.media.images import RENDITIONS, ProcessedImage, Rendition, RenditionName

_CONTENT_HASH: Final = re.compile(r"[0-9a-f]{64}")


class MediaStore:
    """Photo files on a local disk, named by content hash so that a file never changes.

    Args:
        root: the folder that holds every file; created on the first save.
        durable: fsync each file before it is renamed into place. Bulk seeding of
            demo data may turn this off for speed.
    """

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self.root = root
        self.durable = durable

    def path(self, content_hash: str, rendition: str) -> Path:
        """Where a rendition lives, whether or not it exists yet.

        Raises:
            NotFound: the hash is not 64 lowercase hex digits or the rendition is unknown;
                nothing outside the root can be named.
        """
        if not _CONTENT_HASH.fullmatch(content_hash):
            raise NotFound(f"no photo with hash {content_hash[:80]!r}")
        if rendition not in RENDITIONS:
            raise NotFound(f"no rendition {rendition[:20]!r}; known: {', '.join(RENDITIONS)}")
        return self.root / content_hash[:2] / content_hash / f"{rendition}.jpg"

    def exists(self, content_hash: str, rendition: RenditionName = "original") -> bool:
        """Whether the rendition's file is on disk; False for an invalid hash or rendition."""
        try:
            return self.path(content_hash, rendition).is_file()
        except NotFound:
            return False

    def save(self, processed: ProcessedImage) -> None:
        """Write every rendition that is not on disk yet. Saving the same photo twice is a no-op."""
        for rendition in processed.renditions:
            target = self.path(processed.content_hash, rendition.name)
            if not target.is_file():
                self._write_atomically(target, rendition)

    def _write_atomically(self, target: Path, rendition: Rendition) -> None:
        # A reader sees either no file or the whole file, never a half-written one.
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{rendition.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(rendition.data)
                if self.durable:
                    file.flush()
                    os.fsync(file.fileno())
            Path(temporary).chmod(0o644)
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
