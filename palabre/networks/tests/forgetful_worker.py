"""`palabre worker` with the forgetful test network registered, for tests that run real
worker processes on it: `python -m palabre.networks.tests.forgetful_worker worker`."""

from palabre.cli import main
from palabre.networks.registry import CONNECTORS

CONNECTORS["forgetful"] = "palabre.networks.tests.forgetful.ForgetfulConnector"
main()
