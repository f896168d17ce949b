# digestbot in a container: docker compose up -d (see docker-compose.yml and the README,
# "Running it for real"). Two stages: the build stage installs digestbot into a virtualenv,
# the runtime stage is a clean slim image with that virtualenv only, run as a non-root user.
# The database lives on the /data volume; the config is mounted read-only at /config.
# deploy/check.sh performs these same steps without Docker.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
RUN python -m venv /opt/digestbot \
 && /opt/digestbot/bin/pip install --no-compile /src \
 && /opt/digestbot/bin/python -m compileall -q -j 0 /opt/digestbot/lib

FROM ${PYTHON_IMAGE}
RUN groupadd --system --gid 10001 digestbot \
 && useradd --system --uid 10001 --gid digestbot --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin digestbot \
 && mkdir -p /data /config \
 && chown digestbot:digestbot /data
COPY --from=build /opt/digestbot /opt/digestbot
ENV PATH=/opt/digestbot/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DIGESTBOT_CONFIG=/config/config.toml
# storage.path is relative to the working directory: "digestbot.db" is /data/digestbot.db.
WORKDIR /data
VOLUME ["/data"]
USER digestbot:digestbot
# digestbot run stops cleanly on SIGTERM (docker stop), leaving unsent work pending.
STOPSIGNAL SIGTERM
ENTRYPOINT ["digestbot"]
CMD ["run"]
