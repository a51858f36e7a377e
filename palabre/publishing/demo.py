"""The composer's part of the demo: a few photos in the library and two drafts."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from pathlib import Path

import reportlab
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from palabre.accounts.models import Role, User, Workspace
from palabre.channels.models import Channel
from palabre.publishing.media import media_store
from palabre.publishing.models import MediaItem, Post, PostVariant, ReplyControl
from palabre.publishing.planning import local_moment
from palabre.publishing.publisher import post_publish_now, post_target_publish
from palabre.publishing.services import post_create
from palabre.publishing.workflow import (
    post_approve,
    post_request_changes,
    post_schedule,
    post_submit,
)

LAUNCH = (
    "Nouveauté à la boulangerie Lumière : notre pain au levain bio, pétri chaque matin à la main, "
    "arrive enfin en boutique ! Venez le goûter ce samedi avec toute la famille "
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 et dites-nous ce que vous en "
    "pensez. Réservation et horaires : https://lumiere.fr merci à tous nos clients " + "!" * 13
)
VARIANTS = {
    "instagram": "Il est là 🥖 Notre pain au levain bio, pétri à la main chaque matin. "
    "Venez le goûter samedi en famille et dites-nous ce que vous en pensez ! "
    "Horaires sur https://lumiere.fr\n#boulangerie #levain #painbio #artisan",
    "linkedin": "Après six mois d'essais avec notre meunier, notre pain au levain bio entre en "
    "boutique. Merci à l'équipe du fournil qui se lève à 4 h pour le pétrir à la main. "
    "#artisanat #boulangerie #circuitcourt",
}
KEEPING = (
    "Comment garder votre pain frais plus longtemps ? Enveloppez-le dans un torchon, jamais "
    "dans du plastique, et conservez-le à température ambiante. Il se congèle aussi très bien, "
    "tranché. Et vous, quelle est votre astuce ?"
)
PHOTOS = [
    (
        "levain.jpg",
        (1080, 1350),
        "#c8a165",
        "Levain",
        "Une miche de pain au levain, croûte dorée, sur une planche en bois",
        ["pain", "produit"],
    ),
    (
        "vitrine.jpg",
        (1600, 900),
        "#2f5d50",
        "Vitrine",
        "La vitrine de la boulangerie Lumière au petit matin",
        ["boutique"],
    ),
    ("atelier.png", (1080, 1080), "#e9d8b4", "Atelier", "", ["atelier", "enfants"]),
]


def demo_publishing(workspace: Workspace, author: User) -> None:
    photos = [_photo(workspace, author, *spec) for spec in PHOTOS]
    launch = post_create(
        workspace=workspace,
        author=author,
        idea=LAUNCH,
        category="promotional",
        networks=["bluesky", "x", "mastodon", "instagram", "linkedin"],
    )
    for network, text in VARIANTS.items():
        PostVariant.objects.filter(post=launch, network=network).update(text=text)
    launch.variants.get(network="bluesky").media.set([photos[0]])
    # On Instagram, a carousel: the loaf, then the shop window.
    instagram = launch.variants.get(network="instagram")
    instagram.instagram_format = "carousel"
    instagram.save(update_fields=["instagram_format"])
    instagram.media.set([photos[0], photos[1]])
    keeping = post_create(
        workspace=workspace,
        author=author,
        idea=KEEPING,
        category="helpful",
        networks=["facebook", "threads", "mastodon"],
    )
    # On Threads, only the accounts the bakery follows may answer: spam stays out.
    keeping.variants.filter(network="threads").update(
        reply_control=ReplyControl.ACCOUNTS_YOU_FOLLOW
    )
    # Published on the demo network, as the worker would, so its publication table shows.
    for target in post_publish_now(post=keeping):
        post_target_publish(target)
    _plan(workspace, author, launch, photos)


GOALS = {
    "instagram": (3, ["1 08:00", "3 12:30", "5 09:00"]),
    "facebook": (2, ["2 17:00", "5 10:00"]),
    "mastodon": (2, ["0 12:00", "3 12:00"]),
    "bluesky": (2, ["1 12:00", "4 18:00"]),
}
WORKSHOP = (
    "Mercredi, atelier pain pour les enfants de 6 à 10 ans : ils repartent avec leur petite "
    "miche ! Places limitées, inscription en boutique."
)
FIGS = "Le pain aux figues revient ce week-end, en quantité limitée."
FIGS_ASKED = "Pouvez-vous ajouter le prix et l’heure de sortie du four ? Merci !"
BRIOCHE = "Nouvelle recette : la brioche au sucre perlé arrive vendredi. Vous la préférez tiède ou froide ?"


def _plan(workspace: Workspace, author: User, launch: Post, photos: list[MediaItem]) -> None:
    """The calendar's part: goals and slots, a scheduled workshop, a post awaiting approval."""
    for network, (goal, slots) in GOALS.items():
        Channel.objects.filter(workspace=workspace, network=network).update(
            cadence_per_week=goal, time_slots=slots
        )
    tz = workspace.tzinfo
    today = timezone.now().astimezone(tz).date()
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    Post.objects.filter(pk=launch.pk).update(publish_at=local_moment(saturday, time(9, 0), tz))
    workshop = post_create(
        workspace=workspace,
        author=author,
        idea=WORKSHOP,
        category="conversation",
        networks=["facebook", "mastodon"],
    )
    wednesday = local_moment(saturday - timedelta(days=3), time(15, 0), tz)
    # Never in the past (a demo made on a Thursday): the next week's, then.
    if wednesday < timezone.now():
        wednesday += timedelta(days=7)
    post_schedule(post=workshop, actor=author, publish_at=wednesday)
    brioche = post_create(
        workspace=workspace,
        author=author,
        idea=BRIOCHE,
        category="promotional",
        networks=["instagram", "facebook"],
    )
    brioche.variants.get(network="instagram").media.set([photos[0]])
    # The Friday before that Saturday, unless its 08:00 has passed (the demo made on a
    # Friday morning or later): then the next one, so the approver can still approve it.
    friday = local_moment(saturday - timedelta(days=1), time(8, 0), tz)
    if friday <= timezone.now():
        friday = local_moment(saturday + timedelta(days=6), time(8, 0), tz)
    Post.objects.filter(pk=brioche.pk).update(publish_at=friday)
    workspace.approval_required = True
    workspace.save(update_fields=["approval_required"])
    post_submit(post=Post.objects.get(pk=brioche.pk), actor=author)
    _changes_asked(workspace, author, friday + timedelta(days=1))
    _approved_undated(workspace, author)


def _changes_asked(workspace: Workspace, author: User, when: datetime) -> None:
    """A post the client's approver sent back: the editor's home shows what she asked."""
    approver = _approver(workspace)
    if approver is None:
        return
    figs = post_create(
        workspace=workspace, author=author, idea=FIGS, category="promotional", networks=["facebook"]
    )
    Post.objects.filter(pk=figs.pk).update(publish_at=when)
    post_submit(post=Post.objects.get(pk=figs.pk), actor=author)
    post_request_changes(post=Post.objects.get(pk=figs.pk), actor=approver, comment=FIGS_ASKED)


def _approver(workspace: Workspace) -> User | None:
    """The client's approver (Hélène), when the demo's people include one."""
    return User.objects.filter(
        memberships__workspace=workspace, memberships__role=Role.APPROVER
    ).first()


HOLIDAYS = (
    "Pendant les fêtes, la boutique ouvre aussi le lundi 21 et le lundi 28 décembre, de 7 h "
    "à 13 h. Pensez à réserver vos bûches !"
)


def _approved_undated(workspace: Workspace, author: User) -> None:
    """Approved by the client before anyone chose its time: the calendar's "No date yet"."""
    approver = _approver(workspace)
    if approver is None:
        return
    holidays = post_create(
        workspace=workspace, author=author, idea=HOLIDAYS, category="helpful", networks=["facebook"]
    )
    post_submit(post=holidays, actor=author)
    post_approve(post=Post.objects.get(pk=holidays.pk), actor=approver)


def _photo(
    workspace: Workspace,
    author: User,
    name: str,
    size: tuple[int, int],
    color: str,
    label: str,
    alt: str,
    tags: list[str],
) -> MediaItem:
    data = illustration(size, color, label, "PNG" if name.endswith(".png") else "JPEG")
    return media_store(
        workspace=workspace, uploaded_by=author, name=name, data=data, alt_text=alt, tags=tags
    )


def _font(size: int) -> ImageFont.FreeTypeFont:
    """Bitstream Vera, which ReportLab ships: Pillow's own default font has no accented
    letters, and drew "Lumière" with a box for the è."""
    return ImageFont.truetype(str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"), size)


def illustration(size: tuple[int, int], color: str, label: str, fmt: str) -> bytes:
    """A plain drawn picture: the demo ships no photographs."""
    width, height = size
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    loaf = (width * 0.18, height * 0.35, width * 0.82, height * 0.7)
    draw.ellipse(loaf, fill="#8a5a2b", outline="#5c3a1a", width=max(4, width // 200))
    for step in range(3):
        x = width * (0.35 + step * 0.12)
        draw.line(
            (x, height * 0.42, x + width * 0.08, height * 0.62), fill="#e8c99a", width=width // 90
        )
    font = _font(size=max(24, width // 14))
    left, top, right, bottom = draw.textbbox((0, 0), label, font=font)
    y = min(height * 0.78, height * 0.97 - bottom)  # a wide, low logo: keep the letters in
    draw.text(((width - right + left) / 2, y), label, fill="#fffaf0", font=font)
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=85)
    return buffer.getvalue()
