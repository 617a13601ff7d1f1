"""The public static site: the register of public releases as plain HTML, one CSS file and
inline SVG charts, for any web server or CDN to host (python -m oversight site)."""
