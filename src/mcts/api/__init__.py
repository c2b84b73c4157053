"""The REST API: ``create_app(settings)`` builds the FastAPI app that ``mcts serve`` runs (stub: being built)."""
