from __future__ import annotations

import pytest
from django.test import Client


def test_404_is_a_page_in_the_persons_language(client: Client, cast) -> None:
    client.force_login(cast.alice)
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_403_says_why(client: Client, cast) -> None:
    client.force_login(cast.carl)  # contributor: media only
    response = client.get("/w/lumiere/inbox/")
    assert response.status_code == 403
    assert "Votre rôle" in response.content.decode()


@pytest.mark.django_db
def test_500_shows_no_traceback(client: Client) -> None:
    from palabre.web.errors import server_error

    response = server_error(client.get("/login/").wsgi_request)
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()
    assert "Rien de ce que vous aviez enregistré n'est perdu" in response.content.decode()


def test_a_date_is_shown_in_the_workspace_time_zone(client: Client, cast) -> None:
    cast.workspace.timezone = "Pacific/Noumea"
    cast.workspace.save()
    client.force_login(cast.alice)
    assert "Pacific/Noumea" in client.get("/w/lumiere/").content.decode()
