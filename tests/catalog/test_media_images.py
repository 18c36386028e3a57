"""process_image: upright, metadata-free JPEG renditions named by the hash of their pixels."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from catalog.errors import InvalidImage
from catalog.media.images import ProcessedImage, process_image

ORIENTATION = 0x0112
GPS_IFD = 0x8825
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">shot at the yard</x:xmpmeta>'


def photo(
    size: tuple[int, int] = (400, 300),
    *,
    fmt: str = "JPEG",
    orientation: int | None = None,
    with_gps: bool = False,
    with_xmp: bool = False,
    mode: str = "RGB",
) -> bytes:
    """A photo with a red left half and a blue right half, so orientation is visible."""
    image = Image.new(mode, size, (200, 20, 20, 255) if mode == "RGBA" else (200, 20, 20))
    image.paste((20, 20, 200), (size[0] // 2, 0, size[0], size[1]))
    options: dict[str, object] = {}
    exif = Image.Exif()
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if with_gps:
        gps = exif.get_ifd(GPS_IFD)
        gps[1], gps[2] = "S", (6.0, 48.0, 0.0)  # Dar es Salaam
        exif[0x010F] = "PhoneMaker"
    if len(exif) or with_gps:
        options["exif"] = exif
    if with_xmp:
        options["xmp"] = XMP
        options["comment"] = "lot 42"
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size but holds no pixels: what a decompression bomb looks like."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_orientation_6_is_applied_so_a_landscape_file_becomes_a_portrait_photo() -> None:
    processed = process_image(photo((400, 300), orientation=6))

    assert (processed.original.width, processed.original.height) == (300, 400)
    upright = opened(processed.original.data)
    assert upright.size == (300, 400)
    # Rotated 90 degrees clockwise: the red left half is now on top.
    top_r, _, top_b = upright.getpixel((150, 50))  # type: ignore[misc]
    bottom_r, _, bottom_b = upright.getpixel((150, 350))  # type: ignore[misc]
    assert top_r > top_b
    assert bottom_b > bottom_r


def test_no_rendition_keeps_exif_gps_xmp_or_comments() -> None:
    processed = process_image(photo(with_gps=True, with_xmp=True, orientation=1))

    for rendition in processed.renditions:
        image = opened(rendition.data)
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info)
        assert b"Exif" not in rendition.data
        assert b"adobe:ns:meta" not in rendition.data
        assert b"PhoneMaker" not in rendition.data


@pytest.mark.parametrize(
    ("size", "web", "thumb"),
    [
        ((4000, 3000), (1280, 960), (320, 240)),
        ((3000, 4000), (960, 1280), (240, 320)),
        ((2000, 500), (1280, 320), (320, 80)),
    ],
)
def test_web_fits_1280_and_thumb_fits_320_with_the_aspect_ratio_kept(
    size: tuple[int, int], web: tuple[int, int], thumb: tuple[int, int]
) -> None:
    processed = process_image(photo(size))

    assert (processed.original.width, processed.original.height) == size
    assert (processed.web.width, processed.web.height) == web
    assert (processed.thumb.width, processed.thumb.height) == thumb
    for rendition in processed.renditions:
        image = opened(rendition.data)
        assert image.format == "JPEG"
        assert image.mode == "RGB"
        assert image.size == (rendition.width, rendition.height)


def test_a_small_photo_is_never_enlarged() -> None:
    processed = process_image(photo((200, 150)))

    assert (processed.web.width, processed.web.height) == (200, 150)
    assert (processed.thumb.width, processed.thumb.height) == (200, 150)


def test_the_web_rendition_is_progressive_for_slow_networks() -> None:
    processed = process_image(photo((2000, 1500)))

    assert opened(processed.web.data).info.get("progressive") == 1
    assert "progressive" not in opened(processed.thumb.data).info


def test_the_same_pixels_with_other_metadata_have_the_same_hash() -> None:
    plain = process_image(photo())
    tagged = process_image(photo(with_gps=True, with_xmp=True))

    assert plain.content_hash == tagged.content_hash
    assert len(plain.content_hash) == 64


def test_a_rotated_copy_with_its_orientation_tag_has_the_hash_of_the_upright_photo() -> None:
    upright = Image.open(io.BytesIO(photo((400, 300)))).rotate(-90, expand=True)
    buffer = io.BytesIO()
    upright.save(buffer, "PNG")

    from_png = process_image(buffer.getvalue())
    from_png_again = process_image(buffer.getvalue())

    assert from_png.content_hash == from_png_again.content_hash
    assert (from_png.original.width, from_png.original.height) == (300, 400)


def test_different_pictures_have_different_hashes() -> None:
    assert (
        process_image(photo((400, 300))).content_hash
        != process_image(photo((300, 400))).content_hash
    )


def test_transparent_areas_become_white() -> None:
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    processed = process_image(buffer.getvalue())

    assert min(opened(processed.original.data).getpixel((50, 50))) > 245  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"this is a price list, not a photo", "not a JPEG"),
        (photo()[:400], "could not be read"),
    ],
    ids=["empty", "text", "truncated"],
)
def test_unreadable_bytes_are_refused_as_an_invalid_image(data: bytes, reason: str) -> None:
    with pytest.raises(InvalidImage, match=reason):
        process_image(data)


@pytest.mark.parametrize("size", [(10_000, 7_000), (25_000, 10), (100_000, 100_000)])
def test_absurd_sizes_are_refused_before_decoding(size: tuple[int, int]) -> None:
    with pytest.raises(InvalidImage, match="pixels"):
        process_image(png_header_only(*size))


def test_formats_that_run_external_programs_are_refused() -> None:
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"

    with pytest.raises(InvalidImage, match="not a JPEG"):
        process_image(eps)


def test_a_processed_image_lists_its_three_renditions_in_order() -> None:
    processed: ProcessedImage = process_image(photo())

    assert [r.name for r in processed.renditions] == ["original", "web", "thumb"]
