"""A photo of a household's focal point, for the ration card (issue 13: "each card shows ...
optionally a photo").

Whatever is uploaded is checked and re-encoded before it is kept: at most MAX_UPLOAD_BYTES, a
JPEG or PNG that Pillow can decode (by its content, not its name or declared type), at most
MAX_PIXELS before decoding (a decompression bomb is refused), turned upright by its EXIF
orientation, shrunk to fit MAX_SIDE and written as a new JPEG without any metadata (EXIF, GPS,
ICC, comments): what is stored is only the picture. The file lives under
settings.EDGECAMP_PHOTO_DIR with a random name; the row (`HouseholdPhoto`) is written in the
service's transaction and audited like every row. A replaced or removed file is deleted once
the transaction commits. Nothing here logs the household or the person.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from edgecamp.core.errors import Refused
from edgecamp.registry.models import Household, HouseholdPhoto

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel camera's photo; more is refused before decoding
MAX_SIDE = 480  # pixels: a card prints the photo 12.5 by 15.5 mm
JPEG_QUALITY = 82
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG"})


class PhotoRefused(Refused):
    """The upload is not a photo that can be kept, with the reason on `photo`."""

    detail = gettext_lazy("No photo was stored: correct the fields listed in “errors”.")


def photo_dir() -> Path:
    path = Path(settings.EDGECAMP_PHOTO_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def prepared_photo(data: bytes) -> tuple[bytes, int, int]:
    """The upload as the JPEG to keep, with its width and height; raises PhotoRefused."""
    if not data:
        raise PhotoRefused({"photo": [_("Choose a photo to upload.")]})
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRefused(
            {
                "photo": [
                    _("The photo is larger than %(mb)d MB: take it again at a lower resolution.")
                    % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
                ]
            }
        )
    not_a_photo = PhotoRefused({"photo": [_("Upload a JPEG or PNG photo.")]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise not_a_photo
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRefused(
                    {"photo": [_("The photo has too many pixels: take it at a lower resolution.")]}
                )
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as wrong:
        raise not_a_photo from wrong
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as bomb:
        raise PhotoRefused(
            {"photo": [_("The photo has too many pixels: take it at a lower resolution.")]}
        ) from bomb
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P"):
        # Transparency on white, as printed.
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    else:
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new image holds no EXIF, ICC profile or comment unless given one: none is.
    clean = Image.new("RGB", upright.size)
    clean.paste(upright)
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), clean.width, clean.height


def store_photo(household: Household, data: bytes, *, taken_by: object = None) -> HouseholdPhoto:
    """Keep `data` (checked and re-encoded) as the household's photo, replacing any earlier
    one. The caller has checked that the user may correct this household."""
    jpeg, width, height = prepared_photo(data)
    name = f"{secrets.token_hex(16)}.jpg"
    path = photo_dir() / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(jpeg)
    try:
        with transaction.atomic():
            Household.objects.select_for_update().filter(pk=household.pk).first()
            photo = HouseholdPhoto.objects.filter(household=household).first()
            old_name = photo.file_name if photo is not None else None
            if photo is None:
                photo = HouseholdPhoto(household=household)
            photo.file_name, photo.width, photo.height = name, width, height
            photo.taken_by = taken_by  # type: ignore[assignment]
            photo.save()
            if old_name:
                transaction.on_commit(lambda: _unlink(old_name))
    except BaseException:
        _unlink(name)
        raise
    return photo


def remove_photo(household: Household) -> bool:
    """Delete the household's photo (row and file); False if it had none."""
    with transaction.atomic():
        photo = HouseholdPhoto.objects.select_for_update().filter(household=household).first()
        if photo is None:
            return False
        name = photo.file_name
        photo.delete()
        transaction.on_commit(lambda: _unlink(name))
    return True


def photo_of(household: Household) -> HouseholdPhoto | None:
    return HouseholdPhoto.objects.filter(household=household).first()


def photo_bytes(photo: HouseholdPhoto) -> bytes | None:
    """The stored JPEG, or None if its file is gone."""
    try:
        return (photo_dir() / Path(photo.file_name).name).read_bytes()
    except FileNotFoundError:
        return None


def photos_of(household_ids: list[int]) -> dict[int, bytes]:
    """The stored JPEGs of those households that have one, by household id."""
    found = {}
    for photo in HouseholdPhoto.objects.filter(household_id__in=household_ids):
        data = photo_bytes(photo)
        if data is not None:
            found[photo.household_id] = data
    return found


def _unlink(name: str) -> None:
    (photo_dir() / Path(name).name).unlink(missing_ok=True)
