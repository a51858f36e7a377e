"""`make linkedin-local`: the LinkedIn double by hand, for a Palabre started beside it.

Starts the double on 127.0.0.1 (PALABRE_LINKEDIN_DOUBLE_PORT, else 8792, so that it runs beside
`make x-local` on 8791), makes a ready world (a page administrator with an organization page, a post, a fan who comments now and then),
prints the addresses, the environment a Palabre needs to use it, and the accounts; Ctrl-C
stops it. Connect through Palabre's own "Connect" button: the double's consent page lets
you pick the member who signs in.
"""

from __future__ import annotations

import os
import threading
import time

from tests.networks.linkedin.double import LinkedInDouble
from tests.networks.linkedin.state import Member, Organization

PORT = int(os.environ.get("PALABRE_LINKEDIN_DOUBLE_PORT", "8792"))
FAN_EVERY = 60  # seconds between the fan's comments, so polling has something to find


def world(double: LinkedInDouble) -> tuple[Member, Organization, Member]:
    admin = double.member("Brigitte Boulanger")
    org = double.organization(admin, "Boulangerie Lumière", followers=1250, vanity="lumiere")
    fan = double.member("Fanny Fan")
    welcome = double.post(org, "Bienvenue à la boulangerie !")
    double.stats(welcome.urn, impressions=320, clicks=12, likes=25, shares=3)
    double.comment(welcome.urn, fan, "Vos croissants sont les meilleurs !")
    return admin, org, fan


def _chatter(double: LinkedInDouble, org: Organization, fan: Member, stop: threading.Event) -> None:
    count = 0
    while not stop.wait(FAN_EVERY):
        posts = double.posts_of(org)
        if posts:
            count += 1
            double.comment(posts[-1].urn, fan, f"Commentaire n°{count} de Fanny")


def main() -> None:
    double = LinkedInDouble(port=PORT).start()
    admin, org, fan = world(double)
    print(f"LinkedIn double ready at {double.url}")
    print(f"  api.linkedin.com   {double.api_url}/rest/…")
    print(f"  linkedin.com login {double.login_url}/oauth/v2/authorization")
    print("\nStart Palabre beside it with:")
    for name, value in double.settings().items():
        print(f"  export {name}={value}")
    print("  export PALABRE_OUTBOUND_ALLOWED_HOSTS=127.0.0.1")
    print("\nReady accounts:")
    print(f"  member        {admin.name} ({admin.urn}): pick them on the consent page")
    print(f"  organization  {org.name} ({org.urn}), administered by {admin.name}")
    print(f"  a token       {double.token(admin)} (60 days)")
    print(f"  fan           {fan.name} comments on the page's newest post every {FAN_EVERY} s")
    print("Ctrl-C stops it.")
    stop = threading.Event()
    threading.Thread(target=_chatter, args=(double, org, fan, stop), daemon=True).start()
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
