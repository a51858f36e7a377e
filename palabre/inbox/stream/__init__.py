"""The push channels: `palabre stream` subscribes to each network's stream and stores what
comes through the same ingestion as polling (ingest.interactions_store).

- leases.py: which process holds which channel (a lease on its ChannelSync row, renewed
  while the process lives; any number of processes may run, each channel held by one);
- runner.py: the process's loop: claim, subscribe, store, save the cursor, renew, release.

The subscriptions themselves are the networks' (networks/bluesky/stream.py,
networks/mastodon/stream.py). Polling goes on beside them: slower while a channel is
streamed (a safety net for what the stream does not carry), at its usual pace, and at once,
when the stream stops.
"""
