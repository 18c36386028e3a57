"""The angles a demo vehicle can be photographed from, and which to show first."""

from __future__ import annotations

EXTERIOR_ANGLES = (
    "front", "front-left", "left", "rear-left", "rear", "rear-right", "right", "front-right",
)  # fmt: skip
ANGLES: tuple[str, ...] = (
    *EXTERIOR_ANGLES,
    "dashboard", "odometer", "steering wheel", "infotainment screen", "climate controls",
    "gear shifter", "front seats", "driver seat", "rear seats", "headliner", "door panel",
    "window switches", "glovebox", "pedals", "floor mats", "trunk", "spare tyre", "engine",
    "battery", "radiator", "front-left wheel", "front-right wheel", "rear-left wheel",
    "rear-right wheel", "tyre tread", "VIN plate", "door jamb sticker", "underbody front",
    "underbody rear", "exhaust", "roof", "windshield", "headlights", "taillights", "left mirror",
    "right mirror", "fuel door", "tow hitch", "keys", "title document", "service records",
    "damage: front bumper", "damage: rear bumper", "damage: left door", "damage: right door",
    "damage: hood", "damage: left fender", "damage: right quarter panel",
)  # fmt: skip
# What a buyer wants first when a listing has only a few photos.
_PRIORITY = (
    "front-left", "rear-right", "left", "front", "rear", "right", "dashboard", "odometer",
    "engine", "front seats", "rear seats", "trunk", "front-right", "rear-left", "VIN plate",
    "front-left wheel", "steering wheel", "underbody front", "keys", "title document",
)  # fmt: skip


def angles_for(count: int) -> tuple[str, ...]:
    """The `count` most useful angles, in gallery order.

    Past the last of ANGLES they repeat, numbered: "front (2)", "front-left (2)"...
    A shorter list is not a prefix of a longer one: each count gets its own best choice.
    """
    if count < 0:
        raise ValueError("count must be 0 or more")
    if count <= len(ANGLES):
        ranked = [*_PRIORITY, *(angle for angle in ANGLES if angle not in _PRIORITY)]
        chosen = set(ranked[:count])
        return tuple(angle for angle in ANGLES if angle in chosen)
    extra = (
        f"{ANGLES[i % len(ANGLES)]} ({i // len(ANGLES) + 1})" for i in range(len(ANGLES), count)
    )
    return (*ANGLES, *extra)
