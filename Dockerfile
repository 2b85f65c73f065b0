# The API image. Neo4j runs as its own service (docker-compose.yml) or is Aura/a cluster.
FROM python:3.11-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /srv/koostoo
COPY pyproject.toml README.md ./
COPY api ./api
COPY graph ./graph
COPY schema ./schema
COPY seeds ./seeds
# PyICU builds against Debian's ICU; the build tools go again, the library (libicu72 on
# bookworm, libicu76 on trixie) is kept.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libicu-dev pkg-config g++ \
 && pip install . \
 && apt-mark manual $(dpkg-query -W -f '${Package}\n' 'libicu[0-9]*') \
 && apt-get purge -y --auto-remove libicu-dev pkg-config g++ \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 koostoo
COPY web ./web
USER koostoo
ENV KOOSTOO_PROFILE=production KOOSTOO_HOST=0.0.0.0 KOOSTOO_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["koostoo", "serve"]
