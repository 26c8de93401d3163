"""`mapapp print`: the filtered view as a print-ready PDF page or a PNG image.

The same standalone map page the app downloads, with a print stylesheet, the
numbered itinerary table and the credits, rendered by a system Chromium.
"""
