"""English, French and Arabic: translated navigation, login, errors, and right-to-left Arabic."""

from __future__ import annotations

import pytest

from tests.sites.factories import make_site

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "direction", "words"),
    [
        ("en", "ltr", ["Dashboard", "Households", "Register household", "Log out"]),
        ("fr", "ltr", ["Tableau de bord", "Ménages", "Enregistrer un ménage", "Se déconnecter"]),
        ("ar", "rtl", ["لوحة المتابعة", "الأسر", "تسجيل أسرة", "تسجيل الخروج"]),
    ],
)
def test_pages_in_each_language(logged_in_client, language, direction, words):
    make_site(name="North")
    logged_in_client.post("/i18n/setlang/", {"language": language, "next": "/"})
    html = logged_in_client.get("/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in html
    for word in words:
        assert word in html


def test_login_page_and_service_errors_are_translated(client, logged_in_client):
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert "Se connecter" in client.get("/accounts/login/").content.decode()
    logged_in_client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = logged_in_client.post("/households/new/", {"members-TOTAL_FORMS": "0"}).content.decode()
    assert "لم يُحفظ شيء" in html


def test_api_errors_follow_accept_language(client):
    response = client.get("/api/v1/households", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Non connecté")


def test_compiled_catalogues_are_committed():
    from pathlib import Path

    import edgecamp

    locale = Path(edgecamp.__file__).parent / "locale"
    for language in ("fr", "ar"):
        assert (locale / language / "LC_MESSAGES" / "django.mo").stat().st_size > 10_000
