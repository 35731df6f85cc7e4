"""HTTP API, persistence, web pages and the ``foodhub`` command line."""
