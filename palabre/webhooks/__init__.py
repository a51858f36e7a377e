"""Outgoing webhooks (docs/webhooks.md).

- events.py: the event types, named once; emit.py: where each is told and what it says;
- services.py: subscriptions, "send again", and `webhook_event_emit`;
- signing.py: Standard Webhooks signatures; delivery.py: the worker's step (jobs.py);
- views.py, forms.py, urls.py: the pages under Settings → Webhooks; demo.py: the demo's.
"""
