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
    page = response.content.decode()
    # And who can change it (a new user's walk: the page left them stuck).
    assert "Votre rôle" in page and "Pour changer de rôle, demandez à Alice." in page
    charlie = Client()
    charlie.force_login(cast.charlie)  # not a member: learns no name here
    refused = charlie.get("/w/lumiere/inbox/")
    assert refused.status_code == 404 and "Alice" not in refused.content.decode()
    # An owner without a name is "an owner": their address is not for every role to read.
    cast.alice.name = ""
    cast.alice.save(update_fields=["name"])
    page = client.get("/w/lumiere/inbox/").content.decode()
    assert "alice@example.com" not in page and "un·e propriétaire de cet espace de travail" in page


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
