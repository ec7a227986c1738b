"""The reference: a hello-world Flask app, served by the same gunicorn settings as the site."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
