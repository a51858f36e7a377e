"""`make x-local`: the X API double by hand, for a Palabre started beside it.

Starts the double on 127.0.0.1 (PALABRE_X_DOUBLE_PORT, else 8791), makes a ready world (the
bakery's account with a post, a fan who mentions it and answers it now and then), prints the
addresses, the environment a Palabre needs to use it, and the accounts; Ctrl-C stops it.
Connect through Palabre's own "Connect X" button: the double's authorize page lets you pick
the account.
"""

from __future__ import annotations

import os
import threading
import time

from tests.networks.x.double import XDouble
from tests.networks.x.state import User

PORT = int(os.environ.get("PALABRE_X_DOUBLE_PORT", "8791"))
FAN_EVERY = 60  # seconds between the fan's answers, so polling has something to find


def world(double: XDouble) -> dict[str, User]:
    brand = double.user("lumiere", "Boulangerie Lumière", followers=1250, exact=True)
    fan = double.user("fanny", "Fanny Fan", followers=40, exact=True)
    welcome = double.post(brand, "Bienvenue à la boulangerie !", likes=12, impressions=900)
    double.post(fan, "Vos croissants sont les meilleurs !", reply_to=welcome.id)
    double.post(fan, "@lumiere ouvert le dimanche ?")
    return {"brand": brand, "fan": fan}


def _chatter(double: XDouble, made: dict[str, User], stop: threading.Event) -> None:
    """The fan answers the brand's newest post now and then."""
    count = 0
    while not stop.wait(FAN_EVERY):
        posts = double.posts_by(made["brand"])
        if posts:
            count += 1
            double.post(made["fan"], f"Réponse n°{count} de Fanny", reply_to=posts[0].id)


def main() -> None:
    double = XDouble(port=PORT).start()
    made = world(double)
    brand, fan = made["brand"], made["fan"]
    print(f"X API double ready at {double.url}")
    print(f"  api.x.com        {double.url}/2/…")
    print(f"  authorize page   {double.url}/i/oauth2/authorize")
    print("\nStart Palabre beside it with:")
    for name, value in double.settings().items():
        print(f"  export {name}={value}")
    print("  export PALABRE_OUTBOUND_ALLOWED_HOSTS=127.0.0.1")
    print("\nReady accounts:")
    print(f"  brand  @{brand.username} ({brand.id}): pick it in the authorize page")
    print(f"         or a token straight away: {double.token(brand)}")
    print(
        f"  fan    @{fan.username} ({fan.id}) answers the brand's newest post every {FAN_EVERY} s"
    )
    print("Faults (429, 503, expired tokens) only through the tests' handle. Ctrl-C stops it.")
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
