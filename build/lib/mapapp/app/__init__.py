"""The Streamlit app: `page` is the thin UI script, `logic` its pure functions,
`uploads` turns uploaded files into data, and `server` prepares and starts it."""
