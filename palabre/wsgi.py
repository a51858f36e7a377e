import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palabre.settings")
application = get_wsgi_application()

# A web server writes people's clicks on tracked links in batches, and what is left at a
# clean stop (palabre/strategy/clicks.py); tests and commands write each click at once.
from palabre.strategy.clicks import clicks_batching_on  # noqa: E402 (needs django.setup())

clicks_batching_on()

# Each process loads its pages and the networks' SDKs now, not during a visitor's request.
from palabre.web.warmup import warm_up  # noqa: E402

warm_up()
