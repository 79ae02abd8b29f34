"""Handling reports: officials' actions and views, unit notices, the citizen's answers, ratings."""
