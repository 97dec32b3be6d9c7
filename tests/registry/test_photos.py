"""The household photo for the ration card (issue 13: "each card shows ... optionally a
photo"): uploaded on the household page, checked (type by content, size, pixels), re-encoded
as a small JPEG without EXIF, stored in the photo directory with a random name, audited,
served only to readers of the household's site, printed on the cycle's cards when asked.
Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from edgecamp.audit.models import AuditEntry
from edgecamp.core.access import Role
from edgecamp.registry import photos
from edgecamp.registry.models import HouseholdPhoto
from tests.registry.factories import make_household
from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def photo_dir(settings, tmp_path):
    settings.EDGECAMP_PHOTO_DIR = tmp_path / "photos"
    return settings.EDGECAMP_PHOTO_DIR


def _image(kind: str = "JPEG", size: tuple[int, int] = (1200, 1600), exif: bool = True) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if exif and kind == "JPEG":
        tags = Image.Exif()
        tags[0x010F] = "CameraMaker"  # Make
        tags[0x0112] = 6  # Orientation: rotated 90°, the way a phone stores a portrait
        image.save(out, format=kind, exif=tags)
    else:
        image.save(out, format=kind)
    return out.getvalue()


def _upload(client, household, data: bytes, name: str = "photo.jpg", kind="image/jpeg"):
    return client.post(
        f"/households/{household.number}/photo/",
        {"photo": SimpleUploadedFile(name, data, content_type=kind)},
        follow=True,
    )


def test_an_uploaded_photo_is_shrunk_upright_stripped_stored_and_audited(
    client_as, site, photo_dir, caplog
):
    household = make_household(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    with caplog.at_level(logging.DEBUG, logger="edgecamp"):
        page = _upload(clerk, household, _image()).content.decode()
    assert "The photo is stored" in page
    photo = HouseholdPhoto.objects.get(household=household)
    [stored] = list(photo_dir.iterdir())
    assert stored.name == photo.file_name
    assert household.number not in stored.name
    with Image.open(stored) as kept:
        assert kept.format == "JPEG"
        # Turned upright by its EXIF orientation (1200 by 1600 stored sideways), then shrunk.
        assert kept.size == (photos.MAX_SIDE, photos.MAX_SIDE * 1200 // 1600)
        assert not kept.getexif()  # no EXIF left
        size = kept.size
    assert b"CameraMaker" not in stored.read_bytes()
    assert (photo.width, photo.height) == size
    assert AuditEntry.objects.filter(model="registry.householdphoto").exists()
    assert household.number not in caplog.text
    # The page shows it, and it is served with no caching.
    assert f'src="/households/{household.number}/photo.jpg"' in page
    answer = clerk.get(f"/households/{household.number}/photo.jpg")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg"
    assert "no-store" in answer["Cache-Control"]
    assert answer.content == stored.read_bytes()


def test_a_png_is_kept_as_jpeg_and_a_replacement_deletes_the_old_file(
    client_as, site, photo_dir, django_capture_on_commit_callbacks
):
    household = make_household(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    _upload(clerk, household, _image("PNG", (300, 200)), "p.png", "image/png")
    first = HouseholdPhoto.objects.get().file_name
    # The old file goes once the replacing transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        _upload(clerk, household, _image(size=(640, 480)))
    photo = HouseholdPhoto.objects.get()
    assert photo.file_name != first
    assert [p.name for p in photo_dir.iterdir()] == [photo.file_name]
    with django_capture_on_commit_callbacks(execute=True):
        removed = clerk.post(f"/households/{household.number}/photo/remove/")
    assert removed.status_code == 302
    assert not HouseholdPhoto.objects.exists()
    assert list(photo_dir.iterdir()) == []
    assert clerk.get(f"/households/{household.number}/photo.jpg").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not really", "Upload a JPEG or PNG photo."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload a JPEG or PNG photo."),
        (b"", "Choose a photo to upload."),
        (b"\xff\xd8\xff" + b"0" * (photos.MAX_UPLOAD_BYTES + 1), "larger than 8 MB"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_stored(
    client_as, site, photo_dir, data, message
):
    household = make_household(site)
    clerk = client_as(Role.REGISTRATION_CLERK, [site])
    page = _upload(clerk, household, data).content.decode()
    assert message in page
    assert not HouseholdPhoto.objects.exists()
    assert not photo_dir.exists() or list(photo_dir.iterdir()) == []


def test_a_gif_named_jpeg_and_too_many_pixels_are_refused(site):
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(photos.PhotoRefused, match="JPEG or PNG"):
        photos.prepared_photo(gif.getvalue())
    with pytest.raises(photos.PhotoRefused, match="too many pixels"):
        photos.prepared_photo(_image("PNG", (8000, 6000)))


def test_another_sites_staff_and_partners_cannot_fetch_or_change_it(client_as, site):
    household = make_household(site)
    photos.store_photo(household, _image())
    url = f"/households/{household.number}/photo.jpg"
    elsewhere = client_as(Role.REGISTRATION_CLERK, [make_site(name="Far", code="far")])
    assert elsewhere.get(url).status_code == 404
    assert _upload(elsewhere, household, _image()).status_code == 404
    assert elsewhere.post(f"/households/{household.number}/photo/remove/").status_code == 404
    assert client_as(Role.PARTNER_VIEWER, [site]).get(url).status_code == 403
    distributor = client_as(Role.DISTRIBUTION_STAFF, [site])
    assert distributor.get(url).status_code == 200  # reads the household, may see it
    assert _upload(distributor, household, _image()).status_code == 403
    assert HouseholdPhoto.objects.count() == 1


def test_the_cycles_cards_carry_the_photo_when_asked(client_as, site):
    from edgecamp.distributions.pdf import cycle_cards
    from edgecamp.distributions.services import start_cycle
    from tests.distributions.factories import make_cycle, per_household
    from tests.stock.factories import make_item, make_warehouse, stock_up

    warehouse = make_warehouse(site)
    soap = make_item(name="Soap", code="soap-p", unit="bar")
    stock_up(warehouse, soap, 100)
    with_photo, without = make_household(site), make_household(site)
    photos.store_photo(with_photo, _image())
    cycle = make_cycle(site, warehouse, [per_household(soap, "1")])
    start_cycle(cycle.pk)
    assert all(card.photo is None for card in cycle_cards(cycle))
    by_number = {c.household_number: c.photo for c in cycle_cards(cycle, photos=True)}
    assert by_number[without.number] is None
    assert by_number[with_photo.number] is not None
    assert by_number[with_photo.number].startswith(b"\xff\xd8")

    staff = client_as(Role.DISTRIBUTION_STAFF, [site])
    page = staff.get(f"/supply/cycles/{cycle.pk}/").content.decode()
    assert f"/supply/cycles/{cycle.pk}/cards.pdf?photos=1" in page
    plain = staff.get(f"/supply/cycles/{cycle.pk}/cards.pdf")
    pictured = staff.get(f"/supply/cycles/{cycle.pk}/cards.pdf", {"photos": "1"})
    assert pictured.status_code == 200
    assert b"/DCTDecode" in pictured.content  # the JPEG, embedded
    assert b"/DCTDecode" not in plain.content
    assert "no-store" in pictured["Cache-Control"]
