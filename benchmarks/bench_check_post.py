"""`palabre check-post --batch` throughput on a mixed corpus: posts checked per second.

Run by benchmarks/run.py; prints JSON lines. The corpus cycles through the seven
networks with short, typical and over-the-limit texts (URLs, hashtags, emoji, accents).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

POSTS = 3000
NETWORKS = ("x", "mastodon", "bluesky", "threads", "linkedin", "facebook", "instagram")
TEXTS = [
    "Le pain au levain sort du four à 7 h. #boulangerie https://lumiere.fr",
    "Nouveauté à la boulangerie Lumière : notre pain au levain bio, pétri chaque matin à la main, "
    "arrive enfin en boutique ! Venez le goûter ce samedi avec toute la famille 👨‍👩‍👧‍👦 et "
    "dites-nous ce que vous en pensez. Réservation et horaires : https://lumiere.fr merci !",
    "Merci @claire.m et @hugo@piaille.fr pour vos retours 🙏 #merci #levain #circuitcourt",
    "Atelier enfants mercredi 15 h. " * 12,
    "Question du jour : baguette ou pain de campagne ? Dites-le-nous en commentaire !",
]


def main() -> None:
    lines = "\n".join(
        json.dumps({"network": NETWORKS[i % len(NETWORKS)], "text": TEXTS[i % len(TEXTS)]})
        for i in range(POSTS)
    )
    command = [sys.executable, "-m", "palabre", "check-post", "--batch"]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    subprocess.run(command, input="", capture_output=True, text=True, check=True, env=env)  # warm
    started = time.perf_counter()
    done = subprocess.run(command, input=lines, capture_output=True, text=True, check=True, env=env)
    elapsed = time.perf_counter() - started
    assert len(done.stdout.splitlines()) == POSTS
    print(
        json.dumps(
            {"name": "check_post_per_s", "value": round(POSTS / elapsed, 1), "unit": "posts/s"}
        )
    )


if __name__ == "__main__":
    sys.exit(main())
