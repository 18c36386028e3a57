"""Demo vehicle photos drawn with Pillow: a recognisable picture per body type, colour and angle.

Nothing is downloaded and nothing is random: the same arguments always give the same JPEG.
Every picture says "DEMO PHOTO" in a corner so it is never mistaken for a real vehicle.
"""

from catalog.demo.pictures.angles import ANGLES, EXTERIOR_ANGLES, angles_for
from catalog.demo.pictures.palette import PAINTS, RGB, UNKNOWN_PAINT, paint_rgb
from catalog.demo.pictures.picture import draw_vehicle_picture

__all__ = [
    "ANGLES",
    "EXTERIOR_ANGLES",
    "PAINTS",
    "RGB",
    "UNKNOWN_PAINT",
    "angles_for",
    "draw_vehicle_picture",
    "paint_rgb",
]
