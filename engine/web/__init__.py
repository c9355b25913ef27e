"""The assessor's workbench: a FastAPI application (REST API + a single page) over the scoring engine.

``create_app(Settings(...))`` builds it; ``competency serve`` runs it with uvicorn on 127.0.0.1 by default.
"""
