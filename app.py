"""Origin Map: the Streamlit entry point (page config and navigation).

Every page draws the shared sidebar, including the navigation links, with
``origin_map.ui.sidebar()``; the pages are listed once, in ``origin_map.ui.PAGES``.
"""

import streamlit as st

from origin_map import i18n, ui

st.set_page_config(page_title="Origin Map · AI原点社区", page_icon="🗺️", layout="wide")
ui.warm_caches()
lang = ui.lang()
pages = {path: st.Page(script, title=i18n.text(title, lang), icon=icon, url_path=path)
         for script, title, icon, path in ui.PAGES}


def home() -> None:
    """Open the first page with its own path (Streamlit serves the default page only at /)."""
    st.switch_page(pages[ui.PAGES[0][3]], query_params=st.query_params.to_dict())


st.navigation([st.Page(home, title=i18n.text(ui.PAGES[0][1], lang), default=True,
                       visibility="hidden"), *pages.values()], position="hidden").run()
