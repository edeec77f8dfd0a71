"""`python -m dashboard.launch run dashboard/app.py ...`: Streamlit's own CLI, navigation by st.navigation only.

dashboard/app.py declares its pages with st.navigation, but the page files live in
dashboard/pages/ (beside the SQL and Briefing pages of other issues). Streamlit decides once per
process, at the first session, whether a `pages/` folder beside the main script means the old
automatic multipage mode; a browser that first opens /explore would get that mode (file names in
the sidebar, no app.py shell). Settling the flag before the server starts keeps st.navigation in
charge for every URL.
"""

from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web.cli import main

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.exit(main(prog_name="streamlit"))
