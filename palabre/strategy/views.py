"""Strategy and return: the strategy page, time spent, return per network, the conversions
webhook, tracked links and the public redirect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from palabre.accounts.models import User, Workspace
from palabre.accounts.permissions import Action, can, membership_for
from palabre.lib.boundedjson import MAX_DEPTH, TooDeep, json_loads_bounded
from palabre.lib.concurrency import StaleVersion
from palabre.lib.durations import minutes_text
from palabre.lib.ids import parse_id
from palabre.lib.months import FIRST_YEAR, LAST_YEAR
from palabre.networks.kinds import NETWORK_CHOICES, NETWORKS
from palabre.strategy import services, timesheet
from palabre.strategy.conversions import (
    Invalid,
    conversion_delete,
    conversion_parse,
    conversion_record,
    conversions_import,
    conversions_recent,
    webhook_token_new,
    webhook_token_valid,
)
from palabre.strategy.forms import (
    AdSpendForm,
    AudienceForm,
    ConversionImportForm,
    DatedForm,
    GuidelinesForm,
    LinkForm,
    NetworkPlanForm,
    ObjectiveForm,
    TimeEntryForm,
    TimerForm,
)
from palabre.strategy.links import link_create, link_follow, links_counted, short_url
from palabre.strategy.models import (
    Audience,
    NetworkPlan,
    Objective,
    Strategy,
    TimeEntry,
)
from palabre.strategy.objectives import objectives_progress
from palabre.strategy.redirect import short_link_response
from palabre.strategy.returns import Returns, network_returns


def links(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_STRATEGY)
    manage = can(membership, Action.COMPOSE)
    if request.method == "POST" and not manage:
        raise PermissionDenied
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        link = link_create(workspace=membership.workspace, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(
            request, _("Tracked link created: %(url)s") % {"url": short_url(request, link)}
        )
        return redirect("strategy_links", slug=slug)
    rows = links_counted(workspace=membership.workspace, now=timezone.now())
    context = {
        "membership": membership,
        "section": "strategy",
        "form": form,
        "links": [(link, short_url(request, link)) for link in rows[:200]],
        "can_manage": manage,
    }
    return render(request, "strategy/links.html", context)


@require_http_methods(["GET", "HEAD"])
def follow(request: HttpRequest, code: str) -> HttpResponse:
    """Public: /l/<code> → the stored destination. Unknown codes are 404, never a redirect.
    ShortLinkMiddleware (redirect.py) answers known codes before they get here."""
    target = link_follow(code=code, request=request)
    if target is None:
        raise Http404
    return short_link_response(target)


# --- The strategy page -----------------------------------------------------------------------

PLAN_FORMS: dict[str, tuple[type[forms.Form], Callable[..., object], Any]] = {
    "guidelines": (GuidelinesForm, services.guidelines_save, gettext_lazy("Guidelines saved.")),
    "audience": (AudienceForm, services.audience_add, gettext_lazy("Audience added.")),
    "network": (NetworkPlanForm, services.network_plan_save, gettext_lazy("Network saved.")),
    "objective": (ObjectiveForm, services.objective_save, gettext_lazy("Objective saved.")),
}


def strategy(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.VIEW_STRATEGY)
    workspace = membership.workspace
    manage = can(membership, Action.MANAGE_STRATEGY)
    plan = services.strategy_for(workspace)
    kind = request.POST.get("kind", "")
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if kind not in PLAN_FORMS:
            return redirect("strategy", slug=slug)
    # ?network=<name> opens that chosen network's form, filled in, at its version.
    network = request.GET.get("network", "")
    editing = (
        NetworkPlan.objects.filter(workspace=workspace, network=network).first()
        if network in NETWORKS
        else None
    )
    # ?objective=<id> opens that objective's form the same way.
    objective_id = parse_id(request.GET.get("objective", ""))
    changing = (
        None
        if objective_id is None
        else Objective.objects.filter(workspace=workspace, pk=objective_id).first()
    )
    forms_by_kind = _plan_forms(request.POST if kind else None, kind, plan, editing, changing)
    stale: list[tuple[str, str]] = []
    if request.method == "POST":
        form = forms_by_kind[kind]
        if form.is_valid():
            _form_class, service, done = PLAN_FORMS[kind]
            try:
                service(workspace=workspace, **form.cleaned_data)
            except StaleVersion:
                stale = _stale(kind, form, workspace)
            except services.AlreadyThere as already:
                form.add_error(None, str(already))
            else:
                messages.success(request, done)
                return redirect(reverse("strategy", args=[slug]) + f"#{kind}")
    context = {
        "membership": membership,
        "section": "strategy",
        "strategy": plan,
        "forms": forms_by_kind,
        "editing": editing,
        "changing": changing,
        "stale": stale,
        "stale_kind": kind if stale else "",
        "audiences": Audience.objects.filter(workspace=workspace),
        "plans": NetworkPlan.objects.filter(workspace=workspace),
        "progress": objectives_progress(workspace=workspace),
        "can_manage": manage,
    }
    return render(request, "strategy/strategy.html", context)


def _plan_forms(
    data: Any,
    kind: str,
    plan: Strategy,
    editing: NetworkPlan | None,
    changing: Objective | None = None,
) -> dict[str, forms.Form]:
    """The page's four forms; the posted one bound. The guidelines, a chosen network and an
    objective carry the version they were opened at (optimistic concurrency)."""
    initial = {
        "guidelines": _initial(plan),
        "network": _plan_initial(editing),
        "objective": _objective_initial(changing),
    }
    today = plan.workspace.local_date()
    found = {}
    for name, (form_class, _service, _done) in PLAN_FORMS.items():
        extra: dict[str, Any] = {"today": today} if issubclass(form_class, DatedForm) else {}
        bound = data if name == kind else None
        found[name] = form_class(bound, prefix=name, initial=initial.get(name), **extra)
    chooser = found["network"].fields["network"]
    assert isinstance(chooser, forms.ChoiceField)
    if editing is not None:  # its version is this network's: the form saves no other
        chooser.disabled = True
    elif not found["network"].is_bound:
        # To choose one not in the plan yet: one in it, chosen here, showed an empty form
        # and, saved, "someone saved this meanwhile" (each is changed from its row).
        planned = set(
            NetworkPlan.objects.filter(workspace=plan.workspace).values_list("network", flat=True)
        )
        chooser.choices = [(k, v) for k, v in NETWORK_CHOICES if k not in planned]
    return found


def _initial(plan: Strategy) -> dict[str, object]:
    return {
        "version": plan.version,
        "tone": plan.tone,
        "address": plan.address,
        "words_to_avoid": plan.words_to_avoid,
        "max_promotional_percent": plan.workspace.max_promotional_percent,
        "weekly_minimum_minutes": plan.weekly_minimum_minutes,
        "hourly_cost": plan.hourly_cost,
        "currency": plan.currency,
    }


def _plan_initial(plan: NetworkPlan | None) -> dict[str, object] | None:
    if plan is None:
        return None
    return {
        "version": plan.version,
        "network": plan.network,
        "reason": plan.reason,
        "weekly_budget_minutes": plan.weekly_budget_minutes,
        "max_hashtags": plan.max_hashtags,
        "hashtag_note": plan.hashtag_note,
    }


def _objective_initial(objective: Objective | None) -> dict[str, object] | None:
    if objective is None:
        return None
    fields = ("version", "metric", "target", "deadline")
    return {"objective": objective.pk} | {name: getattr(objective, name) for name in fields}


def _stale(kind: str, form: forms.Form, workspace: Workspace) -> list[tuple[str, str]]:
    """A save refused because someone saved meanwhile: the form keeps this person's input,
    moves to the version now saved (so saving again, having seen it, keeps theirs), and says
    so; the values now saved are returned, label by label, to be shown beside it."""
    if kind == "guidelines":
        saved: dict[str, object] | None = _initial(services.strategy_for(workspace))
    elif kind == "objective":
        objective = form.cleaned_data["objective"]
        found = Objective.objects.filter(workspace=workspace, pk=objective).first()
        saved = _objective_initial(found)
    else:
        saved = _plan_initial(
            NetworkPlan.objects.filter(
                workspace=workspace, network=form.cleaned_data["network"]
            ).first()
        )
    saved = saved or {}  # a network or an objective removed meanwhile: nothing to show
    data = cast(QueryDict, form.data).copy()
    data[form.add_prefix("version")] = str(saved.get("version", ""))
    form.data = data
    form.add_error(
        None,
        _(
            "Someone saved this meanwhile: your input is kept below, and what they saved is "
            "shown beside it. Save again to keep yours."
        ),
    )
    return [
        (str(form.fields[name].label), _shown(form.fields[name], value))
        for name, value in saved.items()
        if name in form.fields and not form.fields[name].widget.is_hidden
    ]


def _shown(field: forms.Field, value: object) -> str:
    if isinstance(field, forms.ChoiceField):
        value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
    if value in (None, ""):
        return "—"
    # As the field shows it, in the page's language: "500,00" and "7 mars 2027" on a French
    # page, not "600.00" and "2027-03-07" beside a field that says "500,00".
    return str(formats.localize(value, use_l10n=True))


@require_POST
def strategy_remove(request: HttpRequest, slug: str) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_STRATEGY)
    kind, pk = request.POST.get("kind", ""), request.POST.get("id", "")
    item_id = parse_id(pk)
    if item_id is None or not services.strategy_item_remove(
        workspace=membership.workspace, kind=kind, pk=item_id
    ):
        raise Http404
    messages.success(request, _("Removed."))
    return redirect("strategy", slug=slug)


# --- Time spent ----------------------------------------------------------------------------


def time_spent(request: HttpRequest, slug: str) -> HttpResponse:
    """The timer, manual entries, and the week against the budgets."""
    membership = membership_for(request, slug, Action.LOG_TIME)
    workspace, user = membership.workspace, cast(User, request.user)
    kind = request.POST.get("kind", "")
    # The first chosen network comes first: most time goes to the networks of the plan.
    first = NetworkPlan.objects.filter(workspace=workspace).values_list("network", flat=True)
    network = {"network": first.first()}
    timer_form = TimerForm(
        request.POST if kind == "start" else None, prefix="timer", initial=network
    )
    entry_form = TimeEntryForm(
        request.POST if kind == "entry" else None,
        prefix="entry",
        initial={"day": workspace.local_date()} | network,
    )
    running = timesheet.running_timer(workspace=workspace, user=user)
    if request.method == "POST":
        done = _time_post(
            kind, workspace, user, running, timer_form, entry_form, request.POST.get("id", "")
        )
        if done:
            messages.success(request, done)
            return redirect("time_spent", slug=slug)
    monday = _week(request, workspace)
    week = timesheet.week_summary(
        workspace=workspace, strategy=services.strategy_for(workspace), monday=monday
    )
    context = {
        "membership": membership,
        "timer_form": timer_form,
        "entry_form": entry_form,
        "running": running,
        "week": week,
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7) if monday < _this_monday(workspace) else None,
        "entries": timesheet.time_entries_logged(workspace=workspace, user=user)[:20],
        "can_plan": can(membership, Action.VIEW_STRATEGY),
        "by_person": timesheet.week_by_person(workspace=workspace, monday=monday)
        if can(membership, Action.MANAGE_STRATEGY)
        else None,
    }
    return render(request, "strategy/time.html", context)


def _time_post(
    kind: str,
    workspace: Workspace,
    user: User,
    running: TimeEntry | None,
    timer_form: TimerForm,
    entry_form: TimeEntryForm,
    request_id: str,
) -> str | None:
    """Carry out the posted action; its message, or None when a form has errors to show."""
    if kind == "start" and timer_form.is_valid():
        timesheet.timer_start(workspace=workspace, user=user, **timer_form.cleaned_data)
        return _("Timer started.")
    if kind == "stop":
        if running is None:
            return _("No timer was running.")
        entry = timesheet.timer_stop(entry=running)
        return _("Timer stopped: %(time)s logged.") % {"time": minutes_text(entry.minutes or 0)}
    if kind == "entry" and entry_form.is_valid():
        timesheet.time_entry_add(workspace=workspace, user=user, **entry_form.cleaned_data)
        return _("Time logged.")
    if kind == "delete":
        entry_id = parse_id(request_id)
        if timesheet.time_entry_delete(workspace=workspace, user=user, entry_id=entry_id):
            return _("Entry deleted: log it again if it was wrong.")
        return _("That entry was already deleted.")
    return None


def _this_monday(workspace: Workspace) -> date:
    return timesheet.week_start(workspace.local_date())


def _week(request: HttpRequest, workspace: Workspace) -> date:
    """?week=YYYY-MM-DD (any day of it); this week when absent or unreadable."""
    try:
        day = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return _this_monday(workspace)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return _this_monday(workspace)
    return timesheet.week_start(day)


# --- Return ------------------------------------------------------------------------------

PERIODS = (30, 90, 365)


def return_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Return per network, the networks compared; ad spend, conversions and the webhook."""
    membership = membership_for(request, slug, Action.VIEW_STRATEGY)
    workspace = membership.workspace
    manage = can(membership, Action.MANAGE_STRATEGY)
    plan = services.strategy_for(workspace)
    kind = request.POST.get("kind", "")
    if request.method == "POST" and not manage:
        raise PermissionDenied
    spend_form = AdSpendForm(
        request.POST if kind == "spend" else None, prefix="spend", today=workspace.local_date()
    )
    import_form = ConversionImportForm(
        request.POST if kind == "import" else None,
        request.FILES if kind == "import" else None,
        prefix="import",
    )
    import_errors: list[str] = []
    new_token = ""
    if request.method == "POST":
        if kind == "spend" and spend_form.is_valid():
            services.ad_spend_add(workspace=workspace, **spend_form.cleaned_data)
            messages.success(request, _("Ad spend recorded."))
            return redirect("strategy_return", slug=slug)
        if kind == "import" and import_form.is_valid():
            result = conversions_import(
                workspace=workspace, raw=import_form.cleaned_data["file"].read()
            )
            import_errors = result.errors
            if not import_errors:
                messages.success(request, _import_message(result.added, result.already))
                return redirect("strategy_return", slug=slug)
        if kind == "token":
            new_token = webhook_token_new(strategy=plan)
    days = int(request.GET["days"]) if request.GET.get("days") in {str(p) for p in PERIODS} else 30
    context = {
        "membership": membership,
        "section": "strategy",
        "returns": _returns(plan, days),
        "periods": PERIODS,
        "days": days,
        "spend_form": spend_form,
        "import_form": import_form,
        "import_errors": import_errors,
        "new_token": new_token,
        "has_token": bool(plan.webhook_token_hash),
        "webhook_url": request.build_absolute_uri(
            reverse("conversions_webhook", args=[workspace.slug])
        ),
        "can_manage": manage,
        "recent": conversions_recent(workspace=workspace),
    }
    return render(request, "strategy/return.html", context)


@require_POST
def conversion_delete_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = membership_for(request, slug, Action.MANAGE_STRATEGY)
    back = reverse("strategy_return", args=[slug]) + "#recent"
    if request.POST.get("confirm") != "delete":
        messages.error(request, _("Confirm to delete the conversion: this cannot be undone."))
        return redirect(back)
    if not conversion_delete(workspace=membership.workspace, pk=pk):
        raise Http404
    messages.success(request, _("Conversion deleted."))
    return redirect(back)


def _returns(plan: Strategy, days: int) -> Returns:
    """The last `days` whole days in the workspace's time zone, today included: time logged
    for today counts at noon, and ad spend is by day."""
    workspace = plan.workspace
    today = workspace.local_date()
    start = timesheet.local_midnight(today - timedelta(days=days - 1), workspace)
    end = timesheet.local_midnight(today + timedelta(days=1), workspace)
    return network_returns(workspace=workspace, strategy=plan, start=start, end=end)


def _import_message(added: int, already: int) -> str:
    text = ngettext("%(count)s conversion imported.", "%(count)s conversions imported.", added) % {
        "count": added
    }
    if already:
        text += " " + ngettext(
            "%(count)s was already recorded.", "%(count)s were already recorded.", already
        ) % {"count": already}
    return text


# --- The conversions webhook -------------------------------------------------------------

WEBHOOK_MAX_BYTES = 64 * 1024  # one conversion is a few hundred bytes


def _bounded_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, read no further than `limit` bytes; None when it is longer."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    raw = request.read(limit + 1)
    return None if len(raw) > limit else raw


@csrf_exempt
@require_POST
def conversions_webhook(request: HttpRequest, slug: str) -> JsonResponse:
    """POST one conversion as JSON with `Authorization: Bearer <secret>` (docs/strategy.md).

    An unknown workspace and a wrong secret answer the same 401, so the secret cannot be
    guessed workspace by workspace and a workspace's existence does not leak."""
    plan = Strategy.objects.filter(workspace__slug=slug).select_related("workspace").first()
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if (
        plan is None
        or scheme.lower() != "bearer"
        or not webhook_token_valid(strategy=plan, token=token.strip())
    ):
        return JsonResponse({"error": "unauthorized"}, status=401)
    workspace = plan.workspace
    raw = _bounded_body(request, WEBHOOK_MAX_BYTES)
    if raw is None:
        return JsonResponse(
            {"error": "The body is larger than 64 KB: send one conversion per request."},
            status=413,
        )
    try:
        data = json_loads_bounded(raw)
    except TooDeep:
        return JsonResponse(
            {"error": f"The body is nested too deeply: {MAX_DEPTH} levels at most."}, status=400
        )
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"error": "The body must be one JSON object."}, status=400)
    with translation.override("en"):
        try:
            item = conversion_parse(workspace=workspace, data=data)
        except Invalid as problem:
            return JsonResponse({"error": str(problem)}, status=400)
    created = conversion_record(workspace=workspace, item=item, source="webhook")
    return JsonResponse(
        {"status": "recorded" if created else "already recorded", "id": item.external_id},
        status=201 if created else 200,
    )
