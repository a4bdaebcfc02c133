"""Origin Map: the Streamlit entry point (page config and navigation).

Every page draws the shared sidebar, including the navigation links, with
``origin_map.app.sidebar()``; the pages are listed once, in ``origin_map.app.PAGES``.
"""

import streamlit as st

from origin_map import app, i18n

st.set_page_config(page_title="Origin Map · AI原点社区", page_icon="🗺️", layout="wide")
app.warm_caches()
lang = app.lang()
pages = {path: st.Page(script, title=i18n.text(title, lang), icon=icon, url_path=path)
         for script, title, icon, path in app.PAGES}


def home() -> None:
    """Open the first page with its own path (Streamlit serves the default page only at /)."""
    st.switch_page(pages[app.PAGES[0][3]], query_params=st.query_params.to_dict())


st.navigation([st.Page(home, title=i18n.text(app.PAGES[0][1], lang), default=True,
                       visibility="hidden"), *pages.values()], position="hidden").run()
