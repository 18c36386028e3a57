"""Turn uploaded photo bytes into clean JPEG renditions: upright, metadata-free, content-hashed."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from typing import Final, Literal

from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.errors import InvalidImage

RenditionName = Literal["original", "web", "thumb"]
RENDITIONS: Final[tuple[RenditionName, ...]] = ("original", "web", "thumb")

MAX_UPLOAD_BYTES: Final = 40 * 1024 * 1024
MAX_PIXELS: Final = 60_000_000  # a 50 MP phone photo fits; a decompression bomb does not
MAX_SIDE: Final = 20_000
WEB_MAX_SIDE: Final = 1280
THUMB_MAX_SIDE: Final = 320

# Formats a camera or phone produces. Others (EPS runs Ghostscript, for one) are refused.
ACCEPTED_FORMATS: Final = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")  # JPEG covers MPO


@dataclass(frozen=True, slots=True)
class Rendition:
    """One JPEG file of a photo, with its pixel size."""

    name: RenditionName
    data: bytes
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    """A photo ready to store: three renditions named by the hash of its upright pixels."""

    content_hash: str
    original: Rendition
    web: Rendition
    thumb: Rendition

    @property
    def renditions(self) -> tuple[Rendition, Rendition, Rendition]:
        return (self.original, self.web, self.thumb)


def process_image(data: bytes) -> ProcessedImage:
    """Decode `data`, turn it upright, drop every metadata field and encode three JPEGs.

    The content hash covers the upright pixels only, so the same photo uploaded again with
    different EXIF, GPS or XMP data gets the same hash.

    Raises:
        InvalidImage: the bytes are not a supported image, or its size is absurd.
    """
    upright = _open_upright(data)
    pixels = upright.tobytes()
    # A fresh image carries no info dict: no EXIF, GPS, XMP, ICC profile or comment survives.
    clean = Image.frombytes("RGB", upright.size, pixels)
    digest = hashlib.sha256(f"{clean.width}x{clean.height}:".encode())
    digest.update(pixels)
    web = _shrunk(clean, WEB_MAX_SIDE, reducing_gap=2.0)
    thumb = _shrunk(web, THUMB_MAX_SIDE, reducing_gap=1.0)  # at 320 px the difference is not seen
    return ProcessedImage(
        content_hash=digest.hexdigest(),
        original=_encode("original", clean, quality=90),
        web=_encode("web", web, quality=80, progressive=True),
        thumb=_encode("thumb", thumb, quality=75),
    )


def _open_upright(data: bytes) -> Image.Image:
    if not data:
        raise InvalidImage("the photo is empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidImage(f"the photo is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            _check_size(image.width, image.height)
            image.seek(0)  # animated GIF or WebP: the first frame is the photo
            upright = ImageOps.exif_transpose(image)
            return _to_rgb(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InvalidImage("the photo has too many pixels") from exc
    except UnidentifiedImageError as exc:
        raise InvalidImage("the file is not a JPEG, PNG, WebP, GIF, BMP or TIFF photo") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        # Pillow reports truncated or corrupt data with any of these.
        raise InvalidImage(f"the photo could not be read: {exc}") from exc


def _check_size(width: int, height: int) -> None:
    if width < 1 or height < 1:
        raise InvalidImage("the photo has no pixels")
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise InvalidImage(
            f"the photo is {width}x{height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels"
            f" and {MAX_SIDE} pixels a side are accepted"
        )


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent areas become white, as on a page, rather than black.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith(("I", "F")):
        # 16-bit and float greyscale: map to 8 bits before colour conversion.
        return image.point(lambda value: value / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def _shrunk(image: Image.Image, max_side: int, *, reducing_gap: float) -> Image.Image:
    width, height = image.size
    if max(width, height) <= max_side:
        return image
    scale = max_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # reducing_gap: a fast integer box reduction first, then Lanczos for the rest.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=reducing_gap)


def _encode(
    name: RenditionName, image: Image.Image, *, quality: int, progressive: bool = False
) -> Rendition:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=progressive)
    return Rendition(name=name, data=buffer.getvalue(), width=image.width, height=image.height)
