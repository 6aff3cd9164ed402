"""One module per dashboard page; each exposes `render()`, listed in `dashboards/navegacao.py`.

The folder is not called `pages/`, which Streamlit would load on its own beside st.navigation.
"""
