"""`mapapp draft`: an English news article to a reviewable itinerary, offline.

The pipeline, one module a step: text (sentences) -> people (the visitor and the
people met) -> places (gazetteer matching, visited vs merely mentioned) -> dates
-> events -> geocode (optional, Nominatim) -> write (YAML in mapapp's schema).
Every value the article does not state carries a review mark: its confidence
and the reason, so a person knows what to check.
"""
