from __future__ import annotations

from palabre.networks.demo.models import DemoPost
from palabre.networks.demo.services import demo_post_react
from palabre.worker.jobs import Job

JOBS = [Job(name="demo-audience", model=DemoPost, handle=demo_post_react)]
