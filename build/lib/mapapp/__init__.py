"""mapapp: a news article turned into a sourced, precise itinerary map.

The pipeline, one subpackage a step: itinerary -> geocode -> store -> (filter,
export) -> mapview -> app. Importing the package stays cheap: nothing heavy
(Streamlit, folium) loads until a step needs it.
"""

__version__ = "0.1.0"
