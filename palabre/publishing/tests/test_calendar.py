from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import formats, timezone, translation

from palabre.channels.models import Channel
from palabre.channels.services import channel_create_demo
from palabre.publishing import planning, workflow
from palabre.publishing.models import Notice, Post, PostStatus, PostTarget
from palabre.publishing.services import post_create

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def editor(client: Client, cast) -> Client:
    client.force_login(cast.erin)
    return client


@pytest.fixture
def channel(cast) -> Channel:
    return channel_create_demo(workspace=cast.workspace, network="mastodon", name="Piaille")


def _scheduled(cast, channel, when: datetime, idea: str = "Pain du jour") -> Post:
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea=idea,
        category="helpful",
        networks=["mastodon"],
    )
    # Scheduled for later, then placed at `when` (these tests read fixed, past dates).
    workflow.post_schedule(
        post=post, actor=cast.erin, publish_at=timezone.now() + timedelta(days=1)
    )
    Post.objects.filter(pk=post.pk).update(publish_at=when)
    PostTarget.objects.filter(post=post).update(publish_at=when, next_attempt_at=when)
    return Post.objects.get(pk=post.pk)


# Europe/Paris: clocks go forward at 02:00 on 29 March 2026, back at 03:00 on 25 October 2026.
@pytest.mark.parametrize(
    ("day", "at", "expected_utc"),
    [
        (date(2026, 3, 28), time(9, 0), datetime(2026, 3, 28, 8, 0, tzinfo=UTC)),  # winter, UTC+1
        (date(2026, 3, 29), time(9, 0), datetime(2026, 3, 29, 7, 0, tzinfo=UTC)),  # summer, UTC+2
        (
            date(2026, 3, 29),
            time(2, 30),
            datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        ),  # skipped: 03:30 CEST
        (
            date(2026, 10, 25),
            time(2, 30),
            datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
        ),  # twice: the first
        (date(2026, 10, 25), time(9, 0), datetime(2026, 10, 25, 8, 0, tzinfo=UTC)),  # winter again
    ],
)
def test_local_times_across_the_paris_transitions(day, at, expected_utc) -> None:
    assert planning.local_moment(day, at, PARIS) == expected_utc


def test_a_daily_slot_keeps_its_wall_clock_time_across_daylight_saving(cast, channel) -> None:
    channel.time_slots = [f"{d} 09:00" for d in range(7)]
    channel.save()
    after = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    moments = []
    for _ in range(4):
        moment = planning.first_free_slot([channel], after=after, tz=PARIS)
        moments.append(moment)
        _scheduled(cast, channel, moment)
        after = moment - timedelta(minutes=1)
    assert [m.astimezone(PARIS).strftime("%a %H:%M") for m in moments] == [
        "Sat 09:00",
        "Sun 09:00",
        "Mon 09:00",
        "Tue 09:00",
    ]
    assert [m.astimezone(PARIS).utcoffset() for m in moments] == [timedelta(hours=1)] + [
        timedelta(hours=2)
    ] * 3


def test_the_month_grid_and_filters(editor: Client, cast, channel) -> None:
    when = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 18:30 in Paris
    _scheduled(cast, channel, when, idea="Dégustation de galettes")
    other = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Promo brioche",
        category="promotional",
        networks=["x"],
    )
    other.publish_at = when
    other.save()
    page = editor.get("/w/lumiere/calendar/?date=2026-11-10").content.decode()
    assert "Dégustation de galettes" in page and "18:30" in page and "Promo brioche" in page
    filtered = editor.get(
        f"/w/lumiere/calendar/?date=2026-11-10&channel={channel.pk}"
    ).content.decode()
    assert "Dégustation" in filtered and "Promo brioche" not in filtered
    assert (
        "Promo brioche"
        not in editor.get("/w/lumiere/calendar/?date=2026-11-10&category=helpful").content.decode()
    )
    week = editor.get("/w/lumiere/calendar/?view=week&date=2026-11-24").content.decode()
    assert "Dégustation" in week
    assert (
        editor.get("/w/lumiere/calendar/?date=not-a-date&channel=x&status=zzz").status_code == 200
    )


def test_a_crowded_day_of_the_month_lists_its_first_posts_and_links_the_rest(
    editor: Client, cast, channel
) -> None:
    """A campaign of a dozen posts in one day: the month's cell lists the first five in
    time order and says how many more, linked to that day in its week, which lists them all
    (the filters kept)."""
    first = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    for n in range(12):
        _scheduled(cast, channel, first + timedelta(minutes=n), idea=f"Fournée numéro {n:02d}")
    month = editor.get(f"/w/lumiere/calendar/?date=2026-11-10&channel={channel.pk}")
    cell = html.unescape(month.content.decode()).split('data-date="2026-11-24"')[1]
    cell = cell.split("</td>")[0]
    assert [n for n in range(12) if f"Fournée numéro {n:02d}" in cell] == list(range(5))
    assert "+ 7 autres publications" in cell
    assert f'href="?date=2026-11-24&channel={channel.pk}&view=week#day-2026-11-24"' in cell
    week = editor.get(f"/w/lumiere/calendar/?date=2026-11-24&channel={channel.pk}&view=week")
    listed = html.unescape(week.content.decode()).split('id="day-2026-11-24"')[1]
    assert all(f"Fournée numéro {n:02d}" in listed.split("</td>")[0] for n in range(12))
    assert "autres publications" not in week.content.decode()


def test_a_day_of_the_calendar_opens_the_composer_at_that_day(
    editor: Client, cast, channel
) -> None:
    """There was no way to write a post from the day it is meant for."""
    today = timezone.localdate(timezone=cast.workspace.tzinfo)
    later = today + timedelta(days=3)
    grid = editor.get(f"/w/lumiere/calendar/?date={later:%Y-%m-%d}").content.decode()
    assert f'href="/w/lumiere/compose/?day={later:%Y-%m-%d}"' in grid
    yesterday = today - timedelta(days=1)
    assert f"compose/?day={yesterday:%Y-%m-%d}" not in grid  # a day gone by: none
    page = editor.get(f"/w/lumiere/compose/?day={later:%Y-%m-%d}").content.decode()
    assert f'name="post-publish_at" value="{later:%Y-%m-%d}T09:00"' in page
    too_far = f"{today.year + 7}-06-01"  # taken, then refused when scheduled (an attack)
    for wrong in (f"{yesterday:%Y-%m-%d}", "2031-02-30", "9999-12-31", "x" * 500, too_far):
        page = editor.get(f"/w/lumiere/compose/?day={wrong}").content.decode()
        assert 'name="post-publish_at" value=' not in page
    reader = Client()
    reader.force_login(cast.nina)  # the analyst reads the calendar, writes nothing
    assert "compose/?day=" not in reader.get("/w/lumiere/calendar/").content.decode()


def test_the_phone_agenda_holds_today_even_with_nothing_planned(
    editor: Client, cast, channel
) -> None:
    """The agenda listed only the days with posts: on a day without one it opened at the
    1st of the month (CI found it past midnight in Paris, the demo's posts all yesterday)."""
    today = timezone.localdate(timezone=cast.workspace.tzinfo)
    later = today + timedelta(days=1 if today.day < 28 else -1)
    _scheduled(cast, channel, datetime.combine(later, time(12, 0), tzinfo=PARIS))
    page = html.unescape(editor.get("/w/lumiere/calendar/").content.decode())
    agenda = page.split('class="agenda"')[1].split("</ol>")[0]
    days = re.findall(r'data-agenda-date="([0-9-]+)"', agenda)
    assert days == sorted([f"{today:%Y-%m-%d}", f"{later:%Y-%m-%d}"])
    today_part = agenda.split(f'id="agenda-{today:%Y-%m-%d}" class="agenda-day today"')[1]
    assert "Rien de prévu aujourd’hui." in today_part.split("</li>")[0] + "</li>"
    assert "Pain du jour" in agenda.split(f'id="agenda-{later:%Y-%m-%d}"')[1]
    hidden = html.unescape(editor.get("/w/lumiere/calendar/?status=failed").content.decode())
    assert "Rien aujourd’hui ne correspond à ces filtres." in hidden  # not "nothing planned"
    other_month = today.replace(day=1) + timedelta(days=40)
    page = editor.get(f"/w/lumiere/calendar/?date={other_month:%Y-%m-%d}").content.decode()
    assert "agenda-day today" not in page and "Rien de prévu ce" not in page


def test_drag_and_drop_moves_a_post_keeping_its_time(editor: Client, cast, channel) -> None:
    year = timezone.now().year + 1  # a November to come: Paris is UTC+1 then
    post = _scheduled(cast, channel, datetime(year, 11, 24, 17, 30, tzinfo=UTC))
    response = editor.post(
        "/w/lumiere/calendar/move/",
        {"post": post.pk, "date": f"{year}-11-27"},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    assert response.status_code == 200
    moved = Post.objects.get(pk=post.pk)
    assert moved.publish_at.astimezone(PARIS) == datetime(year, 11, 27, 18, 30, tzinfo=PARIS)
    assert PostTarget.objects.get().next_attempt_at == moved.publish_at
    grid = html.unescape(response.content.decode())
    assert "<html" not in grid  # htmx gets the grid alone, with what happened
    # Said, since the day's cell may show only its first posts; linked to the day's week.
    with translation.override("fr"):
        when = formats.date_format(datetime(year, 11, 27, 18, 30), "LONG_DAY_TIME_FORMAT")
    assert f"Publication «\xa0Pain du jour\xa0» déplacée au {when}." in grid  # "samedi 27…"
    assert f'href="/w/lumiere/calendar/?view=week&date={year}-11-27#day-{year}-11-27"' in grid
    assert (
        editor.post("/w/lumiere/calendar/move/", {"post": post.pk, "date": "nope"}).status_code
        == 404
    )


def test_the_cadence_goal_per_channel_and_week(editor: Client, cast, channel) -> None:
    channel.cadence_per_week = 3
    channel.save()
    _scheduled(cast, channel, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    page = editor.get("/w/lumiere/calendar/?view=week&date=2026-11-24").content.decode()
    row = page[page.index(f'data-cadence="{channel.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "<td>3</td>" in row and '<td class="short">1 <span class="sr-only">' in row
    month = editor.get("/w/lumiere/calendar/?date=2026-11-24").content.decode()
    assert month.count("Semaine du") >= 5  # one column per week of the month


def test_next_free_slot_from_the_composer(editor: Client, cast, channel) -> None:
    channel.time_slots = ["0 09:00", "3 12:30"]
    channel.save()
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="x",
        category="helpful",
        networks=["mastodon"],
    )
    editor.post(f"/w/lumiere/posts/{post.pk}/next-slot/")
    chosen = Post.objects.get(pk=post.pk).publish_at.astimezone(cast.workspace.tzinfo)
    assert (chosen.weekday(), chosen.strftime("%H:%M")) in {(0, "09:00"), (3, "12:30")}
    assert chosen > timezone.now()


def test_the_next_free_slot_is_free_on_every_ticked_channel(cast, channel) -> None:
    other = channel_create_demo(workspace=cast.workspace, network="bluesky", name="Ciel")
    after = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # a Monday, 07:00 in Paris
    channel.time_slots = ["0 09:00", "0 12:00"]
    channel.save()
    other.time_slots = ["0 09:00", "0 18:00"]
    other.save()
    nine = planning.local_moment(date(2026, 11, 23), time(9, 0), PARIS)
    noon = planning.local_moment(date(2026, 11, 23), time(12, 0), PARIS)
    busy = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="x",
        category="helpful",
        networks=["bluesky"],
    )
    Post.objects.filter(pk=busy.pk).update(publish_at=nine)  # a draft with a time counts
    both = [channel, other]
    assert planning.first_free_slot(both, after=after, tz=PARIS) == noon
    # The post being planned does not stand in its own way.
    assert planning.first_free_slot(both, after=after, tz=PARIS, leave_out=busy.pk) == nine
    assert planning.first_free_slot([channel], after=after, tz=PARIS) == nine


def test_planning_form_rejects_bad_slots(client: Client, cast, channel) -> None:
    client.force_login(cast.bob)
    client.post(
        f"/w/lumiere/settings/channels/{channel.pk}/planning/",
        {"cadence_per_week": "3", "time_slots": "lun 09:00, wed 12:30"},
    )
    channel.refresh_from_db()
    assert (channel.cadence_per_week, channel.time_slots) == (3, ["0 09:00", "2 12:30"])
    # Shown again as the reader writes them: French days in French, English in English.
    page = client.get("/w/lumiere/settings/channels/").content.decode()
    assert 'value="lun 09:00, mer 12:30"' in page and 'placeholder="lun 09:00' in page
    client.post("/language/", {"language": "en", "next": "/"})
    page = client.get("/w/lumiere/settings/channels/").content.decode()
    assert 'value="mon 09:00, wed 12:30"' in page
    client.post("/language/", {"language": "fr", "next": "/"})
    response = client.post(
        f"/w/lumiere/settings/channels/{channel.pk}/planning/",
        {"time_slots": "someday 25:99"},
        follow=True,
    )
    assert "n’est pas un jour et une heure" in html.unescape(response.content.decode())
    channel.refresh_from_db()
    assert channel.time_slots == ["0 09:00", "2 12:30"]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Monday 9:00, Mer. 12:30, samedi 10:00", ["0 09:00", "2 12:30", "5 10:00"]),
        ("thurs 08:15, MERCREDI 18:00, dim 11:00", ["3 08:15", "2 18:00", "6 11:00"]),
        ("Tue 07:00, mardi 07:30, Wédnesday 12:00", ["1 07:00", "1 07:30", "2 12:00"]),
        # As French is written: "lundi 9h", "mercredi à 18h30"; and "Sat at 7:05".
        ("lundi 9h, mercredi à 18h30, Sat at 7:05", ["0 09:00", "2 18:30", "5 07:05"]),
    ],
)
def test_planning_days_are_read_in_either_language(client: Client, cast, channel, typed, read):
    """Whole names or their first three letters or more, any case, accents or not: the
    names the site already says in each language, not a list of its own."""
    client.force_login(cast.bob)
    client.post(f"/w/lumiere/settings/channels/{channel.pk}/planning/", {"time_slots": typed})
    channel.refresh_from_db()
    assert channel.time_slots == read


@pytest.mark.parametrize(
    "typed",
    ["monkey 09:00", "ma 09:00", "m 09:00", "sa. 10:00", "9:00", "lundi 9", "lundi 24h", "lun 9:5"],
)
def test_planning_refuses_what_is_not_one_day(client: Client, cast, channel, typed):
    """A word that began with a day ("monkey") was read as that day; two letters are
    never enough, and a lone time is not a slot."""
    client.force_login(cast.bob)
    response = client.post(
        f"/w/lumiere/settings/channels/{channel.pk}/planning/", {"time_slots": typed}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "n’est pas un jour et une heure" in page
    # What was typed is shown again, the planning open, the problem beside the field.
    assert f'value="{typed}"' in page and f'id="planning-{channel.pk}" open' in page
    channel.refresh_from_db()
    assert channel.time_slots == []


def test_the_ical_feed_is_secret_and_read_only(client: Client, cast, channel) -> None:
    post = _scheduled(
        cast, channel, datetime(2026, 11, 24, 17, 30, tzinfo=UTC), idea="Galettes, crêpes; et cidre"
    )
    token = cast.workspace.ical_token
    feed = client.get(f"/ical/{token}.ics")
    body = feed.content.decode()
    assert feed["Content-Type"].startswith("text/calendar")
    assert "DTSTART:20261124T173000Z" in body and "SUMMARY:Galettes\\, crêpes\\; et cidre" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert f"URL:http://testserver/w/lumiere/posts/{post.pk}/review/\r\n" in body
    assert client.get("/ical/not-the-token.ics").status_code == 404
    client.force_login(cast.alice)
    client.post("/w/lumiere/calendar/ical/reset/")
    assert client.get(f"/ical/{token}.ics").status_code == 404


def test_csv_export_then_import_round_trip(editor: Client, cast, channel) -> None:
    _scheduled(
        cast,
        channel,
        datetime(2026, 11, 24, 17, 30, tzinfo=UTC),
        idea="=HYPERLINK() n’est pas une formule",
    )
    exported = editor.get("/w/lumiere/posts/export.csv").content.decode()
    assert exported.startswith("\ufeff")  # Excel reads the accents right
    assert '"2026-11-24 18:30";"mastodon";"Piaille";"\'=HYPERLINK()' in exported  # French: ;
    good = "publish_at,category,network,channel,text\n2026-12-01 09:00,helpful,mastodon,Piaille,Bonjour\n2026-12-02 09:00,promotional,x,,Promo\n"
    response = editor.post(
        "/w/lumiere/posts/import/", {"file": SimpleUploadedFile("p.csv", good.encode())}
    )
    assert "2 publications importées" in html.unescape(response.content.decode())
    imported = Post.objects.get(idea="Bonjour")
    assert imported.publish_at.astimezone(PARIS) == datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
    assert list(imported.variants.get().channels.all()) == [channel]


def test_a_french_spreadsheets_csv_imports_as_it_is_saved(editor: Client, channel) -> None:
    """Excel in French saves "CSV UTF-8" with a byte order mark and semicolons."""
    saved = "\ufeffpublish_at;category;network;channel;text\r\n"
    saved += '2026-12-01 09:00;helpful;mastodon;Piaille;"Pain, beurre; confiture"\r\n'
    response = editor.post(
        "/w/lumiere/posts/import/",
        {"file": SimpleUploadedFile("p.csv", saved.encode("utf-8"))},
    )
    assert "1 publication importée" in html.unescape(response.content.decode())
    assert Post.objects.get().variants.get().text == "Pain, beurre; confiture"


def test_csv_import_is_all_or_nothing_with_a_report_per_row(editor: Client) -> None:
    bad = (
        "publish_at,category,network,channel,text\n"
        "2026-12-01 09:00,helpful,mastodon,,Bonne ligne\n"
        "demain,helpful,myspace,,\n"
        "2026-12-03 09:00,gossip,x,Inconnu," + "é" * 300 + "\n"
    )
    response = editor.post(
        "/w/lumiere/posts/import/", {"file": SimpleUploadedFile("p.csv", bad.encode())}
    )
    page = html.unescape(response.content.decode())
    assert not Post.objects.exists()
    assert (
        'data-line="2"' in page
        and "«\u00a0demain\u00a0» n’est ni AAAA-MM-JJ HH:MM ni JJ/MM/AAAA" in page
    )
    assert "myspace" in page and "gossip" in page and "Inconnu" in page
    missing = editor.post(
        "/w/lumiere/posts/import/", {"file": SimpleUploadedFile("p.csv", b"a,b\n1,2\n")}
    )
    assert "publish_at" in html.unescape(missing.content.decode())


def _approved(cast, *, approver) -> Post:
    """A post in three days, approved by `approver`, in a workspace that requires approval."""
    cast.workspace.approval_required = True
    cast.workspace.save()
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="x",
        category="helpful",
        networks=["mastodon"],
    )
    post.publish_at = timezone.now() + timedelta(days=3)
    post.save()
    workflow.post_submit(post=post, actor=cast.erin)
    workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=approver)
    return Post.objects.get(pk=post.pk)


def test_an_approved_post_moved_by_an_editor_goes_back_to_review(cast, channel) -> None:
    """Issue 14: the time is content. Moved by the client's approver, the post stays approved
    at its new time; by anyone else, a manager included, it goes back to review and the
    approver is told."""
    post = _approved(cast, approver=cast.anna)
    later = timezone.now() + timedelta(days=4)
    workflow.post_reschedule(post=Post.objects.get(pk=post.pk), actor=cast.anna, publish_at=later)
    moved = Post.objects.get(pk=post.pk)
    assert moved.status == PostStatus.SCHEDULED and workflow.post_cleared(moved)
    assert PostTarget.objects.get().next_attempt_at == later
    for days, mover in enumerate((cast.erin, cast.bob), start=1):
        workflow.post_reschedule(post=moved, actor=mover, publish_at=later + timedelta(days=days))
        assert Post.objects.get(pk=post.pk).status == PostStatus.IN_REVIEW
        assert not PostTarget.objects.exists()
        assert Notice.objects.filter(user=cast.anna, post=post).exists()
        Notice.objects.all().delete()
        workflow.post_approve(post=Post.objects.get(pk=post.pk), actor=cast.anna)
        moved = Post.objects.get(pk=post.pk)


def test_a_manager_cannot_set_a_new_time_on_an_approved_post_by_scheduling_it(
    cast, channel
) -> None:
    """Scheduling or publishing now at another time than the approved one is a move too:
    refused to a manager where the client approves; the client's approver may."""
    from palabre.publishing import publisher

    post = _approved(cast, approver=cast.anna)
    later = timezone.now() + timedelta(days=5)
    for attempt in (
        lambda: workflow.post_schedule(
            post=Post.objects.get(pk=post.pk), actor=cast.bob, publish_at=later
        ),
        lambda: publisher.post_publish_now(post=Post.objects.get(pk=post.pk), actor=cast.alice),
    ):
        with pytest.raises(workflow.TransitionRefused):
            attempt()
    assert PostTarget.objects.get().publish_at == post.publish_at
    workflow.post_schedule(post=Post.objects.get(pk=post.pk), actor=cast.anna, publish_at=later)
    assert PostTarget.objects.get().publish_at == later


def test_a_transition_on_a_post_deleted_meanwhile_is_refused_not_a_500(cast, channel) -> None:
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="x",
        category="helpful",
        networks=["mastodon"],
    )
    stale = Post.objects.get(pk=post.pk)
    Post.objects.filter(pk=post.pk).delete()
    with pytest.raises(workflow.TransitionRefused):
        workflow.post_submit(post=stale, actor=cast.erin)


def test_without_a_client_approver_a_manager_moves_an_approved_post_as_its_approver(
    cast, channel
) -> None:
    from palabre.accounts.models import Membership, Role

    Membership.objects.filter(role=Role.APPROVER).delete()
    post = _approved(cast, approver=cast.bob)
    later = timezone.now() + timedelta(days=4)
    workflow.post_reschedule(post=Post.objects.get(pk=post.pk), actor=cast.bob, publish_at=later)
    assert Post.objects.get(pk=post.pk).status == PostStatus.SCHEDULED


def test_a_refused_drop_says_why_in_the_grid_it_swaps(editor: Client, cast, channel) -> None:
    post = _scheduled(cast, channel, timezone.now() + timedelta(days=2))
    response = editor.post(
        "/w/lumiere/calendar/move/",
        {"post": post.pk, "date": "2020-01-06"},
        HTTP_HX_REQUEST="true",
        follow=True,
    )
    grid = html.unescape(response.content.decode())
    assert "<html" not in grid and 'class="message error"' in grid and "passée" in grid
    page = editor.get("/w/lumiere/calendar/").content.decode()
    assert 'class="message' not in page  # said once, not again on the next page


@pytest.mark.parametrize("day", ["2020-01-06", "0002-01-01", "2999-01-01"])
def test_a_drag_out_of_bounds_is_refused_with_a_message(editor: Client, cast, channel, day) -> None:
    """Issue 14, observation 6: no publication in the past or centuries ahead by the calendar."""
    when = timezone.now() + timedelta(days=2)
    post = _scheduled(cast, channel, when)
    response = editor.post("/w/lumiere/calendar/move/", {"post": post.pk, "date": day}, follow=True)
    assert response.status_code == 200
    assert Post.objects.get(pk=post.pk).publish_at == when
    page = html.unescape(response.content.decode())
    assert "passée" in page or "prochaines années" in page


def test_the_cadence_counts_each_post_once_per_channel_and_week_in_the_workspaces_time(
    cast, channel
) -> None:
    other = channel_create_demo(workspace=cast.workspace, network="bluesky", name="Ciel")
    paris = cast.workspace.tzinfo
    monday = date(2026, 11, 23)
    _scheduled(cast, channel, datetime(2026, 11, 23, 0, 30, tzinfo=paris))  # Monday, early
    _scheduled(cast, channel, datetime(2026, 11, 29, 23, 30, tzinfo=paris))  # Sunday, late
    _scheduled(cast, channel, datetime(2026, 11, 30, 0, 30, tzinfo=paris))  # next Monday
    _scheduled(cast, channel, datetime(2026, 11, 22, 23, 30, tzinfo=paris))  # the Sunday before
    draft = _scheduled(cast, channel, datetime(2026, 11, 25, 9, 0, tzinfo=paris))
    Post.objects.filter(pk=draft.pk).update(status=PostStatus.DRAFT)
    table = planning.cadence_table(cast.workspace, [monday, monday + timedelta(days=7)], paris)
    cells = {row["channel"]: [cell["planned"] for cell in row["weeks"]] for row in table}
    assert cells == {channel: [2, 1], other: [0, 0]}


def test_a_post_without_channels_is_told_to_choose_them_not_to_set_slots(
    client: Client, cast, channel
) -> None:
    """It read "set the slots of the accounts in Settings → Accounts" (no such place) while
    slots were set: the post had no channel to take them from."""
    channel.time_slots = ["0 09:00"]
    channel.save()
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Sans canal",
        category="helpful",
        networks=["mastodon"],
    )
    post.variants.get().channels.clear()
    client.force_login(cast.erin)
    page = html.unescape(client.get(f"/w/lumiere/posts/{post.pk}/").content.decode())
    assert "Choisissez les canaux où elle part" in page and "Comptes" not in page


@pytest.mark.parametrize(
    ("who", "asked"),
    [("erin", True), ("bob", True), ("anna", False), ("alice", True), ("nina", False)],
)
def test_the_calendar_asks_before_a_drop_sends_an_approved_post_back_for_approval(
    client: Client, cast, channel, who, asked
) -> None:
    """A hurried drag lost the client's approval with only a message after it (a walk
    through the demo): the post says so beforehand, to those whose move would undo it."""
    post = _approved(cast, approver=cast.anna)
    client.force_login(getattr(cast, who))
    day = f"{timezone.localtime(post.publish_at, cast.workspace.tzinfo):%Y-%m-%d}"  # its day, here
    page = html.unescape(client.get(f"/w/lumiere/calendar/?view=week&date={day}").content.decode())
    entry = page.split(f'data-post="{post.pk}"')[0].rsplit("<li", 1)[1]
    assert ("data-move-confirm=" in entry) is asked
    if asked:
        assert "repart en validation" in entry  # in the reader's language
    cast.workspace.approval_required = False  # nobody approves: nothing to lose
    cast.workspace.save()
    page = client.get(f"/w/lumiere/calendar/?view=week&date={day}").content.decode()
    assert "data-move-confirm" not in page


def test_a_post_approved_without_a_time_waits_in_view(client: Client, cast, channel) -> None:
    """A new user's walk: approved with no time, a post left every list and never went
    out. The approval says so, and the calendar lists it under "No date yet"."""
    cast.workspace.approval_required = True
    cast.workspace.save(update_fields=["approval_required"])
    post = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Galette des rois",
        category="promotional",
        networks=["x"],
    )
    post_create(  # a draft: the composer's list, not this one
        workspace=cast.workspace,
        author=cast.erin,
        idea="Brouillon",
        category="helpful",
        networks=["x"],
    )
    workflow.post_submit(post=post, actor=cast.erin)
    client.force_login(cast.anna)  # the approver
    review = client.get(f"/w/lumiere/posts/{post.pk}/review/").content.decode()
    seen = re.search(r'name="seen" value="([0-9a-f]{64})"', review).group(1)
    done = client.post(
        f"/w/lumiere/posts/{post.pk}/workflow/", {"action": "approve", "seen": seen}, follow=True
    )
    assert Post.objects.get(pk=post.pk).status == PostStatus.APPROVED
    assert "Elle n’a pas encore d’heure" in html.unescape(done.content.decode())
    page = client.get("/w/lumiere/calendar/").content.decode()
    undated = page[page.index('id="h-undated"') : page.index('id="calendar-grid"')]
    assert "Galette des rois" in undated and "Brouillon" not in undated
    assert f"/posts/{post.pk}/review/" in undated  # the approver's page, not the composer


def test_every_post_is_found_by_its_words_status_and_network(editor: Client, cast) -> None:
    """A post of last spring was found only by paging the calendar month by month."""
    brioche = post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Crème brûlée du dimanche",
        category="helpful",
        networks=["mastodon", "bluesky"],
    )
    brioche.variants.filter(network="bluesky").update(text="La brioche tressée revient")
    post_create(
        workspace=cast.workspace,
        author=cast.erin,
        idea="Horaires de Noël",
        category="helpful",
        networks=["x"],
    )
    theirs = post_create(
        workspace=cast.other_workspace,
        author=cast.charlie,
        idea="Crème brûlée ailleurs",
        category="helpful",
        networks=["mastodon"],
    )
    listed = editor.get("/w/lumiere/posts/").content.decode()
    assert "Crème brûlée du dimanche" in listed and "Horaires de Noël" in listed
    assert "ailleurs" not in listed and f'data-post="{theirs.pk}"' not in listed
    for typed in ("creme BRULEE", "brioche tressee", "dimanche brioche"):  # idea, a text, both
        found = editor.get(f"/w/lumiere/posts/?text={typed}").content.decode()
        assert f'data-post="{brioche.pk}"' in found and "Horaires" not in found, typed
    by_network = editor.get("/w/lumiere/posts/?network=x").content.decode()
    assert "Horaires de Noël" in by_network and "Crème" not in by_network
    nothing = editor.get("/w/lumiere/posts/?text=galette").content.decode()
    assert "Rien ne correspond à ces filtres." in nothing
    wrong = editor.get("/w/lumiere/posts/?status=gone&text=noel").content.decode()
    assert "data-left-out" in wrong and "Horaires de Noël" in wrong and "Crème" not in wrong
    nine = html.unescape(editor.get("/w/lumiere/posts/?text=h o r a i e s d noel").content.decode())
    assert "Horaires de Noël" in nine and "laissés de côté\u00a0: noel<" in nine
    reader = Client()
    reader.force_login(cast.nina)  # the analyst reads the calendar: the list too, to review
    assert f"/posts/{brioche.pk}/review/" in reader.get("/w/lumiere/posts/").content.decode()
    assert "data-find-post" in editor.get("/w/lumiere/calendar/").content.decode()
