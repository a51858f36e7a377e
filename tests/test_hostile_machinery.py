"""The hostile sweep's own machinery, checked without a database: a sweep that misread
forms, or saw a script where there is none, would pass or fail for the wrong reasons."""

from __future__ import annotations

from django.http import HttpResponse

from tests.hostile import html, values
from tests.hostile.sweep import Sweep, family, filled, hostile_in, shape

PAGE = """
<form method="post" action="/w/x/posts/3/" id="composer" hx-post="/w/x/posts/3/check/">
  <input type="hidden" name="csrfmiddlewaretoken" value="t">
  <textarea name="post-idea">
Bonjour</textarea>
  <select name="post-category"><option value="news">News</option><option value="helpful" selected>Helpful</option></select>
  <input type="checkbox" name="x-channels" value="4" checked>
  <input type="checkbox" name="x-channels" value="5">
  <input type="text" name="x-text" value="">
  <button type="submit" name="action" value="save">Save</button>
  <button type="submit" name="action" value="submit">Submit</button>
</form>
<button type="submit" form="next-slot" name="go" value="1">Next slot</button>
<form method="post" action="/w/x/posts/3/next-slot/" id="next-slot"></form>
<a href="/w/x/calendar/?date=2026-11-01">calendar</a> <a href="https://elsewhere.example/">out</a>
<table data-move-url="/w/x/calendar/move/" data-query="view=month"><td data-date="2026-11-02"><div data-post="7"></div></td></table>
"""


def test_forms_are_read_as_a_browser_sends_them() -> None:
    page = html.read("/w/x/posts/3/", PAGE)
    composer, twin, slot, move = page.forms
    assert composer.data() == {
        "csrfmiddlewaretoken": ["t"],
        "post-idea": ["Bonjour"],
        "post-category": ["helpful"],
        "x-channels": ["4"],
        "x-text": [""],
        "action": ["save"],
    }
    assert composer.buttons == [("action", "save"), ("action", "submit")]
    assert twin.htmx and twin.action == "/w/x/posts/3/check/" and twin.names() == composer.names()
    assert slot.buttons == [("go", "1")]
    assert move.data() == {"post": ["7"], "date": ["2026-11-02"], "query": ["view=month"]}
    assert page.links == ["/w/x/calendar/?date=2026-11-01"]


def test_empty_typed_fields_get_a_plausible_value() -> None:
    composer = html.read("/w/x/posts/3/", PAGE).forms[0]
    data = filled(composer)
    assert data["x-text"] == ["Marie"] and data["post-idea"] == ["Bonjour"]


def test_shapes_and_families_group_what_is_the_same_code() -> None:
    assert shape("/w/x/posts/12/?b=1&a=2") == shape("/w/x/posts/7/?a=9&b=3")
    assert family("x-text") == family("instagram-text") == "<network>-text"
    assert family("split-x") == "split-<network>" and family("text") == "text"


def test_only_an_unescaped_script_counts() -> None:
    assert hostile_in(values.SCRIPT.encode())
    escaped = values.SCRIPT.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert not hostile_in(escaped.encode())


def test_a_form_shown_again_must_keep_the_other_input() -> None:
    form = html.read("/f/", '<form method="post"><input name="a"><input name="b"></form>').forms[0]
    data = {"a": [""], "b": ["Marie <3"]}
    sweep = Sweep()
    kept = HttpResponse('<input name="a" value=""><input name="b" value="Marie &lt;3">')
    sweep.check_kept("owner", form, data, "a", kept, "form", "empty")
    assert sweep.findings == []
    lost = HttpResponse('<input name="a" value=""><input name="b" value="">')
    sweep.check_kept("owner", form, data, "a", lost, "form", "empty")
    assert [f.kind for f in sweep.findings] == ["input lost"]


def test_a_disabled_control_is_neither_sent_nor_typed_into() -> None:
    # The composer shows what already went out read-only: disabled fields a browser skips.
    page = html.read(
        "/w/x/posts/3/",
        '<form method="post"><input name="a" value="1"><input name="b" value="2" disabled>'
        '<textarea name="c" disabled>out</textarea>'
        '<select name="d" disabled><option>z</option></select></form>',
    )
    assert page.forms[0].data() == {"a": ["1"]}
    assert page.forms[0].names() == ["a"]
