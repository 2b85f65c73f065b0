# The API image. Neo4j runs as its own service (docker-compose.yml) or is Aura/a cluster.

# The explorer and the API console (GraphiQL), built from the locked npm packages; only
# the built files (web/dist) go into the image that runs.
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/build.mjs ./
COPY web/src ./src
RUN npm run build

FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/koostoo
COPY pyproject.toml README.md ./
COPY api ./api
COPY graph ./graph
COPY schema ./schema
COPY seeds ./seeds
# PyICU builds against Debian's ICU; the build tools go again, the library (libicu72 on
# bookworm, libicu76 on trixie) is kept. The Estonian analyser is the `morph` extra's pin
# without its dependencies (167 MB, not 546: pyproject.toml says why).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libicu-dev pkg-config g++ \
 && pip install . \
 && pip install --no-deps $(python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["morph"])') \
 && apt-mark manual $(dpkg-query -W -f '${Package}\n' 'libicu[0-9]*') \
 && apt-get purge -y --auto-remove libicu-dev pkg-config g++ \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 koostoo
# The code runs from site-packages (pip install .): KOOSTOO_WEB_DIST says where the
# pages are.
COPY --from=web /src/web/dist ./web/dist
USER koostoo
ENV KOOSTOO_PROFILE=production KOOSTOO_HOST=0.0.0.0 KOOSTOO_PORT=8000 \
    KOOSTOO_WEB_DIST=/srv/koostoo/web/dist
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["koostoo", "serve"]
