"""`make meta-local`: the Graph API double by hand, for a Palabre started beside it.

Starts the double on 127.0.0.1 (PALABRE_META_DOUBLE_PORT, else 8790), makes a ready world
(a Page admin with a Page, its Instagram account, a Threads profile, a fan who comments
now and then), prints the addresses, the environment a Palabre needs to use it, and the
accounts; Ctrl-C stops it. Log in through Palabre's own "Connect" buttons: the double's
consent pages let you pick the person and Pages.
"""

from __future__ import annotations

import os
import threading
import time

from tests.networks.meta.double import MetaDouble

PORT = int(os.environ.get("PALABRE_META_DOUBLE_PORT", "8790"))
FAN_EVERY = 60  # seconds between the fan's comments, so polling has something to find


def world(double: MetaDouble) -> dict[str, object]:
    admin = double.person("Brigitte Boulanger")
    page = double.page(admin, "Boulangerie Lumière", followers=1250, username="lumiere")
    ig = double.instagram(page, "lumiere.boulangerie", followers=830)
    th = double.threads_user("lumiere.threads", name="Boulangerie Lumière", followers=310)
    fan = double.fan("Fanny Fan")
    welcome = double.new_post(page, by=page.id, message="Bienvenue à la boulangerie !")
    fan.comment(welcome.id, "Vos croissants sont les meilleurs !")
    fan.visitor_post(page, "Ouvert le dimanche ?")
    return {"admin": admin, "page": page, "ig": ig, "threads": th, "fan": fan, "welcome": welcome}


def _chatter(double: MetaDouble, made: dict[str, object], stop: threading.Event) -> None:
    """The fan comments on the Page's newest post now and then."""
    fan = made["fan"]
    count = 0
    while not stop.wait(FAN_EVERY):
        posts = double.posts(made["page"])  # type: ignore[arg-type]
        if posts:
            count += 1
            fan.comment(posts[0].id, f"Commentaire n°{count} de Fanny")  # type: ignore[attr-defined]


def main() -> None:
    double = MetaDouble(port=PORT).start()
    made = world(double)
    page, ig, th, admin = made["page"], made["ig"], made["threads"], made["admin"]
    print(f"Graph API double ready at {double.url}")
    print(f"  graph.facebook.com  {double.graph_url}/{double.version}/…")
    print(f"  facebook.com login  {double.login_url}/{double.version}/dialog/oauth")
    print(f"  graph.threads.net   {double.threads_graph_url}/{double.threads_version}/…")
    print(f"  threads.net login   {double.threads_login_url}/oauth/authorize")
    print("\nStart Palabre beside it with:")
    for name, value in double.settings().items():
        print(f"  export {name}={value}")
    print("  export PALABRE_OUTBOUND_ALLOWED_HOSTS=127.0.0.1")
    print("\nReady accounts:")
    print(f"  person     {admin.name} ({admin.id}): pick them in the consent page")  # type: ignore[attr-defined]
    print(f"  Page       {page.name} ({page.id}), page token {double.page_token(page)}")  # type: ignore[attr-defined, arg-type]
    print(f"  Instagram  @{ig.username} ({ig.id}), acts with the page token")  # type: ignore[attr-defined]
    print(f"  Threads    @{th.username} ({th.id}), token {double.threads_token(th)}")  # type: ignore[attr-defined, arg-type]
    print(f"  fan        Fanny Fan comments on the Page's newest post every {FAN_EVERY} s")
    print("Webhooks are not sent by hand here (tests send them); Palabre polls.")
    print("Ctrl-C stops it.")
    stop = threading.Event()
    threading.Thread(target=_chatter, args=(double, made, stop), daemon=True).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        double.stop()


if __name__ == "__main__":
    main()
