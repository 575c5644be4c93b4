"""Pure spatial helpers: CRS, tessellation, GeoJSON. No dash, plotly or SQL here."""
