"""A phone photo made in the test: 4032 × 3024 JPEG, GPS position, maker, model, serial
number, and turned by its EXIF orientation (6: the stored pixels are a quarter turn
to the left of the picture)."""

from __future__ import annotations

from pathlib import Path

MAKE, MODEL, SERIAL = "ExamplePhone Inc", "ExamplePhone 15 Pro", "SN-EXAMPLE-424242"
GPS = {1: "N", 2: (50.0, 50.0, 30.0), 3: "E", 4: (4.0, 21.0, 0.0)}  # 50°50'30"N 4°21'E
# Stored: red on the left half, blue on the right; upright (turned a quarter to the
# right), red is on top. Noise makes it weigh what a phone's photo weighs.
STORED_SIZE = (4032, 3024)


def phone_photo(path: Path, size=STORED_SIZE, quality: int = 92) -> Path:
    """Write the phone photo to ``path``."""
    from PIL import Image

    width, height = size
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 60, 200), (width // 2, 0, width, height))
    noise = Image.effect_noise(size, 40).convert("RGB")
    image = Image.blend(image, noise, 0.25)
    exif = Image.Exif()
    exif[0x010F] = MAKE
    exif[0x0110] = MODEL
    exif[0x0112] = 6
    exif[0x0132] = "2026:11:01 10:00:00"
    exif.get_ifd(0x8769)[0xA431] = SERIAL
    exif.get_ifd(0x8825).update(GPS)
    image.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    return path


def is_upright(image) -> bool:
    """Whether a copy of the phone photo is upright: portrait, red on top, blue below."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    top = rgb.resize((1, 1), box=(0, 0, width, height // 4)).getpixel((0, 0))
    bottom = rgb.resize((1, 1), box=(0, 3 * height // 4, width, height)).getpixel((0, 0))
    return height > width and top[0] > top[2] + 60 and bottom[2] > bottom[0] + 60
